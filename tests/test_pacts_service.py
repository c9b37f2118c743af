"""Pact use cases without Slack: pledges to a shared goal, the builders' escaping."""

from __future__ import annotations

from sqlmodel import select

from bot.playground.emulator import check_message_blocks
from handlers.kit import refusals
from handlers.pacts import blocks as ui
from handlers.pacts import service
from storage.engine import session_scope
from storage.models import OutboxMessage, Pact
from storage.types import utcnow
from tests.test_pdp_world import make_world

PLEDGE = service.OfferInput("resources", "Links to the exam guide", "none", None)


def test_a_team_member_pledges_to_the_goal_and_is_thanked_when_achieved(engine):
    world = make_world(engine)
    now = utcnow()
    with session_scope(engine) as s:
        refused = service.make_offer(s, "T0PACT", world.stranger, f"g:{world.goal_id}", PLEDGE,
                                     "k1", now)
        assert refused.refusal == refusals.PACT_GOAL_NOT_YOURS
        done = service.make_offer(s, "T0PACT", world.owner, f"g:{world.goal_id}", PLEDGE,
                                  "k2", now)
        assert done.refusal is None
        again = service.make_offer(s, "T0PACT", world.owner, f"g:{world.goal_id}", PLEDGE,
                                   "k3", now)
        assert again.refusal == refusals.PACT_ALREADY
    with session_scope(engine) as s:
        [pledge] = list(s.exec(select(Pact)))
        assert (pledge.origin, pledge.status) == ("pledge", "active")
        supporters, ids = service.goal_achieved(s, world.goal_id, now)
        assert supporters == [world.owner] and len(ids) == 1
        thanks = s.get(OutboxMessage, ids[0])
        assert "Scrum certified team" in thanks.text and thanks.channel == world.owner
        assert s.get(Pact, pledge.id).status == "ended"


def test_offer_form_errors_sit_on_their_field():
    today = utcnow().date()
    errors = service.check_offer(service.OfferInput("bribe", "x" * 501, "daily", today), today)
    assert set(errors) == {"kind", "text", "cadence", "until"}


def test_builders_escape_what_people_typed():
    message = ui.offer_dm(1, "U0SUPPORT", "Ship <it> & *go*", "review", "<!channel> now",
                          "weekly", None)
    text = str(message)
    assert "<!channel>" not in text and "&lt;!channel&gt;" in text and "&lt;it&gt;" in text
    assert check_message_blocks(message["blocks"]) == []
    credited = ui.credit_supporters({"text": "Done", "blocks": []}, ["U0A", "U0B"])
    assert "<@U0A>, <@U0B>" in credited["text"]
    assert ui.credit_supporters(None, ["U0A"]) is None
