"""Learning-lab listeners called directly, with a fake `ack` and a fake Slack client."""

from __future__ import annotations

import json

import pytest
from slack_sdk.errors import SlackApiError
from sqlmodel import select

from bot.config import load_settings
from bot.services import Services
from handlers.kit import refusals
from handlers.kit.metadata import attach, metadata_key, read_metadata
from handlers.kit.router import CommandRequest
from handlers.labs import listeners
from handlers.labs.sessions import plan_session
from storage.engine import session_scope
from storage.models import Lab, OutboxMessage
from tests.test_labs_service import NOW, WS, _team


class Ack:
    def __init__(self):
        self.calls: list[dict] = []

    def __call__(self, **kwargs):
        self.calls.append(kwargs)


class FakeClient:
    """Slack as far as these listeners ask it: opening views, and who is an active human."""

    def __init__(self, people=("ULEAD", "UONE"), deactivated=()):
        self.opened: list[dict] = []
        self.people, self.deactivated = set(people), set(deactivated)

    def views_open(self, trigger_id, view):
        self.opened.append(view)
        return {"ok": True}

    def users_info(self, user):
        if user not in self.people:
            raise SlackApiError("user_not_found", {"ok": False, "error": "user_not_found"})
        return {"ok": True, "user": {"id": user, "deleted": user in self.deactivated,
                                     "is_bot": False, "tz": "Europe/Berlin"}}


@pytest.fixture
def services(engine):
    settings = load_settings({"SLACK_BOT_TOKEN": "xoxb-test", "SLACK_SIGNING_SECRET": "s3cret"})
    return Services(settings=settings, engine=engine)


def _swap_body(user: str, view: dict) -> dict:
    return {"type": "view_submission", "user": {"id": user, "team_id": WS},
            "team": {"id": WS}, "view": view}


def test_setup_command_acks_then_opens_a_form_sealed_for_the_channels_team(services):
    with session_scope(services.engine) as session:
        team, _ids = _team(session)
        team_id = team.id
    ack, client = Ack(), FakeClient()
    body = {"team_id": WS, "channel_id": "C0LAB", "user_id": "ULEAD", "trigger_id": "1.2"}
    req = CommandRequest(body=body, args=[], ack=ack, respond=None, client=client,
                         logger=None, services=services)
    listeners.lab_setup(req)
    assert ack.calls == [{}] and client.opened == []  # answered before Slack is called
    req.then()
    (view,) = client.opened
    assert view["callback_id"] == "lab_setup"
    assert read_metadata(view, metadata_key(services.settings))["team"] == team_id
    other = Ack()  # a member who is not a lead is told so, and nothing opens
    listeners.lab_setup(CommandRequest(body={**body, "user_id": "UONE"}, args=[], ack=other,
                                       respond=None, client=client, logger=None,
                                       services=services))
    assert other.calls == [{"text": refusals.LAB_LEADS_ONLY, "response_type": "ephemeral"}]
    assert len(client.opened) == 1


def test_swap_submission_is_refused_inline_when_forged_or_outside_the_rotation(services):
    with session_scope(services.engine) as session:
        team, _ids = _team(session, people=("ULEAD", "UONE"))
        lab = session.exec(select(Lab).where(Lab.team_id == team.id)).one()
        planned = plan_session(session, lab, NOW.replace(year=2030), NOW)
        session_id = planned.id
    values = {"other": {"value": {"type": "users_select", "selected_user": "UNOBODY"}}}
    forged = {"callback_id": "lab_swap", "private_metadata": json.dumps({"session": session_id}),
              "state": {"values": values}}
    ack = Ack()
    listeners.save_swap(ack, _swap_body("ULEAD", forged), forged, FakeClient(), services)
    assert ack.calls == [{"response_action": "errors", "errors": {"other": refusals.STALE}}]
    sealed = attach({**forged}, {"session": session_id}, metadata_key(services.settings))
    ack = Ack()  # someone Slack does not know
    listeners.save_swap(ack, _swap_body("ULEAD", sealed), sealed, FakeClient(), services)
    assert ack.calls == [{"response_action": "errors",
                          "errors": {"other": refusals.not_people(["UNOBODY"])}}]
    outside = json.loads(json.dumps(sealed))
    outside["state"]["values"]["other"]["value"]["selected_user"] = "UOUT"
    ack = Ack()  # an active person of the workspace, but not in this lab's rotation
    listeners.save_swap(ack, _swap_body("ULEAD", outside), outside,
                        FakeClient(people=("ULEAD", "UONE", "UOUT")), services)
    assert ack.calls == [{"response_action": "errors",
                          "errors": {"other": refusals.LAB_SWAP_PICK_IN_ROTATION}}]
    seated = json.loads(json.dumps(sealed))
    seated["state"]["values"]["other"]["value"]["selected_user"] = "UONE"
    ack = Ack()  # in the rotation, but their account was deactivated in Slack since
    listeners.save_swap(ack, _swap_body("ULEAD", seated), seated,
                        FakeClient(deactivated=("UONE",)), services)
    assert ack.calls == [{"response_action": "errors",
                          "errors": {"other": refusals.not_people(["UONE"])}}]
    with session_scope(services.engine) as session:
        assert session.exec(select(OutboxMessage)).all() == []  # nobody was asked
    ack = Ack()  # the same person, active: asked
    listeners.save_swap(ack, _swap_body("ULEAD", seated), seated, FakeClient(), services)
    assert ack.calls == [{}]
    with session_scope(services.engine) as session:
        (asked,) = session.exec(select(OutboxMessage)).all()
        assert asked.channel == "UONE"
