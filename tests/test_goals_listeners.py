"""Two goal listeners called directly, with a fake `ack` and a client that records its calls:
what the person sees (the inline errors, the modal opened, the refusal) without HTTP."""

from __future__ import annotations

from types import SimpleNamespace

from bot.playground.slack_requests import number_value, select_value, text_value
from bot.rules.clock import wall_clock
from handlers.goals import progress_listeners
from handlers.kit import refusals
from handlers.kit.metadata import attach, metadata_key, read_metadata
from handlers.kit.replies import opens_modal
from tests.test_goals_service import CHANNEL, WS, a_team_with_a_goal


class Ack:
    def __init__(self):
        self.calls: list[dict] = []

    def __call__(self, **kwargs):
        self.calls.append(kwargs)


class Client:
    """Records every Web API call by method name; answers ok."""

    def __init__(self):
        self.calls: list[tuple[str, dict]] = []

    def __getattr__(self, method):
        def call(**kwargs):
            self.calls.append((method, kwargs))
            return {"ok": True}
        return call


def services_for(engine):
    settings = SimpleNamespace(signing_secret="test-signing-secret", bot_token="xoxb-test",
                               response_url_hosts=("hooks.slack.com",))
    return SimpleNamespace(settings=settings, engine=engine, goal_sections=[],
                           emit=lambda *args: None, now=wall_clock)


def click(user: str, goal_id: int) -> dict:
    return {"type": "block_actions", "user": {"id": user, "team_id": WS}, "team": {"id": WS},
            "trigger_id": "1.2.3", "channel": {"id": CHANNEL},
            "container": {"type": "message", "channel_id": CHANNEL, "message_ts": "1.2"},
            "actions": [{"action_id": "goal_log_progress", "value": str(goal_id)}]}


def submission(user: str, view: dict, value: str | None, note: str | None) -> dict:
    view = {**view, "id": "V1", "state": {"values": {
        "value": {"value": number_value(value)},
        "mode": {"mode": select_value("set") | {"type": "radio_buttons"}},
        "note": {"note": text_value(note)}}}}
    return {"type": "view_submission", "user": {"id": user, "team_id": WS}, "team": {"id": WS},
            "view": view}


def test_log_progress_opens_a_sealed_modal_for_members_and_refuses_outsiders(engine):
    services = services_for(engine)
    goal_id = a_team_with_a_goal(engine)
    open_progress = opens_modal(progress_listeners.progress_modal, services)
    client = Client()
    open_progress(click("UMAX", goal_id), client)
    [(method, args)] = client.calls
    assert method == "views_open" and args["trigger_id"] == "1.2.3"
    view = args["view"]
    assert view["callback_id"] == "goal_progress" and "Ship &lt;fast&gt;" in str(view["blocks"])
    assert read_metadata(view, metadata_key(services.settings)) == {"goal": goal_id,
                                                                     "home": False}
    client = Client()
    open_progress(click("UEVE", goal_id), client)
    assert client.calls == [("chat_postEphemeral", {"channel": CHANNEL, "user": "UEVE",
                                                    "text": refusals.GOAL_NOT_IN_TEAM})]
    client = Client()
    open_progress(click("UMAX", "12x"), client)
    assert client.calls[0][1]["text"] == refusals.STALE


def submit(ack, context, services, user, view, value, note) -> None:
    body = submission(user, view, value, note)
    progress_listeners.save_progress(ack, body, body["view"], context, services)


def test_progress_submission_shows_errors_inline_and_refuses_forged_metadata(engine):
    services = services_for(engine)
    goal_id = a_team_with_a_goal(engine)
    sealed = attach({"type": "modal", "callback_id": "goal_progress"},
                    {"goal": goal_id, "home": False}, metadata_key(services.settings))
    ack, context = Ack(), {}
    submit(ack, context, services, "UMAX", sealed, None, None)
    [answer] = ack.calls
    assert answer["response_action"] == "errors" and set(answer["errors"]) == {"value"}
    assert "pact_goal" not in context

    forged = {**sealed, "private_metadata": str(goal_id)}  # the old "id" format, unsealed
    ack = Ack()
    submit(ack, context, services, "UMAX", forged, "5", "")
    assert ack.calls == [{"response_action": "errors", "errors": {"value": refusals.STALE}}]
    assert "pact_goal" not in context

    ack = Ack()
    submit(ack, context, services, "UEVE", sealed, "5", "")
    assert ack.calls == [{"response_action": "errors",
                          "errors": {"value": refusals.GOAL_NOT_IN_TEAM}}]

    ack = Ack()
    submit(ack, context, services, "UMAX", sealed, "5", "Done")
    assert ack.calls == [{}]
    assert context["pact_goal"].card.current == 5 and context["pact_home"] is False
