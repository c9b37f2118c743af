"""Messages whose moment has passed lose their buttons: a review DM once the plan is approved
elsewhere."""

from __future__ import annotations

import pytest
from sqlmodel import select

from handlers.kit import ids as shared
from storage.engine import session_scope
from storage.models import Pdp
from tests.test_pdp import create_plan, current, opened, text_of
from tests.test_pdp_world import make_world


@pytest.fixture
def world(pact):
    return make_world(pact.engine, pact.emulator)


def _buttons(message) -> list[str]:
    return [e["action_id"] for b in message["blocks"] if b["type"] == "actions"
            for e in b["elements"]]


def test_a_review_dm_approved_from_the_plan_says_so_instead_of_offering_buttons(pact, world):
    summary = create_plan(pact, world)
    pact.slack.block_action(user=world.owner, action_id=shared.PDP_REQUEST_REVIEW, view=summary)
    pact.wait_idle()
    request = pact.emulator.dms(world.manager)[-1]
    assert shared.PDP_REVIEW_APPROVE in _buttons(request)
    with session_scope(pact.engine) as s:
        pdp_id = s.exec(select(Pdp.id)).one()
    pact.slack.block_action(user=world.manager, action_id=shared.PDP_VIEW_REPORT,
                            value=str(pdp_id), channel="C0NOWHERE01")
    modal = opened(pact)
    pact.slack.block_action(user=world.manager, action_id=shared.PDP_REVIEW_APPROVE,
                            value=str(pdp_id), view=modal)
    pact.wait_idle()
    assert "You approved this plan" in text_of(current(pact, modal))
    (dm,) = [m for m in pact.emulator.dms(world.manager) if m["ts"] == request["ts"]]
    assert _buttons(dm) == []
    assert f"Approved by <@{world.manager}>" in text_of(dm)
    assert pact.emulator.violations == []
