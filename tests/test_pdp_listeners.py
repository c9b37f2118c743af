"""Development plan listeners called directly: a fake `ack` and a client that records calls."""

from __future__ import annotations

import json
from types import SimpleNamespace

from sqlmodel import select

from bot.playground.slack_requests import select_value, text_value, user_value
from bot.rules.clock import wall_clock
from bot.rules.pdp import PlanInput
from handlers.kit import ids, refusals
from handlers.kit.metadata import metadata_key, read_metadata, seal
from handlers.kit.replies import opens_modal
from handlers.pdp import listeners, openers, service
from storage.engine import session_scope
from storage.models import Pdp
from storage.types import utcnow
from tests.test_pdp_world import WORKSPACE, make_world


class Recorder:
    """Stands for `ack` and for the Slack client: every call is kept, in order."""

    def __init__(self):
        self.calls: list[tuple[str, dict]] = []

    def __call__(self, **kwargs):
        self.calls.append(("ack", kwargs))

    def __getattr__(self, method: str):
        return lambda **kwargs: self.calls.append((method, kwargs)) or {"ok": True}


def services_for(engine):
    settings = SimpleNamespace(signing_secret="test-secret", bot_token="xoxb-test",
                               response_url_hosts=("hooks.slack.com",))
    return SimpleNamespace(settings=settings, engine=engine,
                           emit=lambda name, *args: None, now=wall_clock)


def plan_values(manager: str | None) -> dict:
    return {"aspiration": {"aspiration": text_value("Lead a team")},
            "aspiration_visibility": {"aspiration_visibility": select_value("manager")},
            "skill_gaps": {"skill_gaps": text_value("")},
            "skill_gaps_visibility": {"skill_gaps_visibility": select_value("private")},
            "manager": {"manager": user_value(manager)},
            "cadence": {"cadence": select_value("3")}}


def submission(user: str, metadata: str, values: dict) -> dict:
    return {"type": "view_submission", "user": {"id": user, "team_id": WORKSPACE},
            "team": {"id": WORKSPACE},
            "view": {"id": "V0PLANFORM1", "type": "modal", "callback_id": ids.PDP_PLAN_FORM,
                     "private_metadata": metadata, "state": {"values": values}}}


def test_a_plan_naming_its_owner_as_manager_gets_the_error_on_that_field(engine):
    world = make_world(engine)
    services = services_for(engine)
    ack = Recorder()
    sealed = seal({"mode": "create"}, metadata_key(services.settings))
    listeners.plan_submit(ack, submission(world.owner, sealed, plan_values(world.owner)),
                          services)
    [(_, answer)] = ack.calls
    assert answer["response_action"] == "errors"
    assert list(answer["errors"]) == ["manager"]
    with session_scope(engine) as s:
        assert s.exec(select(Pdp)).all() == []


def test_a_plan_form_with_metadata_pact_did_not_seal_is_refused(engine):
    world = make_world(engine)
    services = services_for(engine)
    ack = Recorder()
    listeners.plan_submit(ack, submission(world.owner, json.dumps({"mode": "create"}),
                                          plan_values(None)), services)
    [(_, answer)] = ack.calls
    assert answer["response_action"] == "update"
    assert refusals.STALE in json.dumps(answer["view"], ensure_ascii=False)
    with session_scope(engine) as s:
        assert s.exec(select(Pdp)).all() == []


def click(user: str, action_id: str, value: str = "", view: dict | None = None) -> dict:
    body = {"type": "block_actions", "user": {"id": user, "team_id": WORKSPACE},
            "team": {"id": WORKSPACE}, "trigger_id": "1.2.trigger",
            "actions": [{"action_id": action_id, "value": value}]}
    if view is not None:
        body["view"], body["container"] = view, {"type": "view", "view_id": view["id"]}
    return body


def test_add_objective_from_the_summary_pushes_the_form_sealed_with_the_summary(engine):
    world = make_world(engine)
    services = services_for(engine)
    with session_scope(engine) as s:
        service.save_plan(s, WORKSPACE, world.owner, PlanInput(
            "", "private", "", "private", None, 3), editing=None, now=utcnow())
    client = Recorder()
    summary = {"id": "V0SUMMARY01", "type": "modal", "callback_id": ids.PDP_SUMMARY}
    opens_modal(openers.add_objective, services)(
        click(world.owner, ids.PDP_ADD_OBJECTIVE, view=summary), client)
    [(method, call)] = client.calls
    assert method == "views_push" and call["trigger_id"] == "1.2.trigger"
    assert call["view"]["callback_id"] == ids.PDP_OBJECTIVE_FORM
    assert read_metadata(call["view"], metadata_key(services.settings)) == {
        "summary": "V0SUMMARY01"}


def test_a_button_with_a_forged_objective_id_opens_the_stale_notice(engine):
    world = make_world(engine)
    services = services_for(engine)
    client = Recorder()
    opens_modal(openers.edit_objective, services)(
        click(world.owner, ids.PDP_EDIT_OBJECTIVE, "1; DROP"), client)
    [(method, call)] = client.calls
    assert method == "views_open" and call["view"]["callback_id"] == ids.PDP_READONLY
    assert refusals.STALE in json.dumps(call["view"], ensure_ascii=False)
