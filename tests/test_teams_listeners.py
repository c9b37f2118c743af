"""The team setup listeners called directly, with a fake `ack` and a fake Slack client."""

from __future__ import annotations

import pytest
from sqlmodel import select

from bot.config import load_settings
from bot.playground.slack_requests import select_value, text_value, time_value, users_value
from bot.services import Services
from handlers.kit import refusals
from handlers.kit.metadata import attach, metadata_key, read_metadata
from handlers.kit.router import CommandRequest
from handlers.teams import listeners
from storage.engine import session_scope
from storage.models import Team
from storage.queries import teams as tq

WS, CHANNEL = "T1", "C0TEAM0001"


class Ack:
    def __init__(self):
        self.calls: list[dict] = []

    def __call__(self, **kwargs):
        self.calls.append(kwargs)

    @property
    def errors(self) -> dict:
        (call,) = self.calls
        assert call["response_action"] == "errors"
        return call["errors"]


class FakeClient:
    """The few Web API methods team setup calls, answering from a fixed directory."""

    def __init__(self, channel_members: list[str], bots: tuple[str, ...] = ()):
        self.channel_members, self.bots = channel_members, set(bots)
        self.opened: list[dict] = []

    def users_info(self, user):
        return {"user": {"id": user, "team_id": WS, "name": user.lower(), "tz": "Asia/Tokyo",
                         "is_bot": user in self.bots, "deleted": False, "profile": {}}}

    def conversations_info(self, channel):
        return {"channel": {"id": channel, "is_member": True}}

    def conversations_members(self, channel, limit, cursor=None):
        return {"members": self.channel_members, "response_metadata": {"next_cursor": ""}}

    def views_open(self, trigger_id, view):
        self.opened.append(view)
        return {"ok": True}


@pytest.fixture
def services(engine):
    settings = load_settings({"SLACK_BOT_TOKEN": "xoxb-test", "SLACK_SIGNING_SECRET": "s3cret"})
    return Services(settings=settings, engine=engine)


def submission(services, user, *, name="Platform", leads=("ULEAD",), members=(), tz="UTC",
               metadata: dict | None = None, sealed=True):
    view = {"type": "modal", "callback_id": "team_setup", "state": {"values": {
        "name": {"name": text_value(name)}, "leads": {"leads": users_value(list(leads))},
        "members": {"members": users_value(list(members))}, "tz": {"tz": select_value(tz)},
        "weekday": {"weekday": select_value("tue")}, "time": {"time": time_value("09:30")}}}}
    meta = metadata if metadata is not None else {"channel": CHANNEL}
    if sealed:
        attach(view, meta, metadata_key(services.settings))
    else:
        view["private_metadata"] = str(meta)
    body = {"type": "view_submission", "team": {"id": WS}, "user": {"id": user, "team_id": WS},
            "view": view}
    return body, view


def submit(services, user, **kw) -> tuple[Ack, dict]:
    ack, context = Ack(), {}
    body, view = submission(services, user, **kw)
    listeners.save_team(ack, body, view, context, services)
    return ack, context


def teams(engine) -> list[Team]:
    with session_scope(engine) as s:
        return s.exec(select(Team)).all()


def test_a_valid_form_is_saved_and_acked_without_errors(services, engine):
    ack, context = submit(services, "ULEAD", members=("UA",))
    assert ack.calls == [{}]
    assert context["pact_outbox"].message_id is not None
    assert context["pact_outbox"].channel == CHANNEL
    with session_scope(engine) as s:
        team = tq.team_for_channel(s, WS, CHANNEL)
        assert {m.slack_user_id: r for m, r in tq.team_members(s, team.id)} == \
            {"ULEAD": "lead", "UA": "member"}


def test_metadata_pact_did_not_seal_is_refused_inline(services, engine):
    for kw in (dict(sealed=False), dict(metadata={}), dict(metadata={"channel": 42})):
        ack, context = submit(services, "ULEAD", **kw)
        assert ack.errors == {"name": refusals.TEAM_FORM_STALE}
        assert "pact_outbox" not in context
    assert teams(engine) == []


def test_invalid_fields_are_reported_inline(services, engine):
    ack, _ = submit(services, "ULEAD", name=" \u200b ", leads=(), tz="Mars/Olympus")
    assert set(ack.errors) == {"name", "leads", "tz"}
    assert teams(engine) == []


def test_a_member_who_is_not_a_lead_gets_the_refusal_inline(services, engine):
    submit(services, "ULEAD", members=("UA",))
    ack, context = submit(services, "UA", name="Hijacked", leads=("UA",))
    assert "Only this team's leads" in ack.errors["name"] and "<@ULEAD>" in ack.errors["name"]
    assert "pact_outbox" not in context
    assert [t.name for t in teams(engine)] == ["Platform"]


def _command(services, client, channel=CHANNEL) -> tuple[CommandRequest, Ack]:
    ack = Ack()
    body = {"user_id": "ULEAD", "team_id": WS, "channel_id": channel,
            "channel_name": "platform-team", "trigger_id": "1.2.abc"}
    return CommandRequest(body=body, args=[], ack=ack, respond=None, client=client,
                          logger=None, services=services), ack


def test_setup_opens_the_form_with_the_channels_humans_and_sealed_metadata(services):
    client = FakeClient(["ULEAD", "UA", "UBOT"], bots=("UBOT",))
    req, ack = _command(services, client)
    listeners.team_setup(req)
    assert ack.calls == [{}] and client.opened == []  # answered before Slack is asked
    req.then()
    (view,) = client.opened
    blocks = {b.get("block_id"): b for b in view["blocks"]}
    assert blocks["leads"]["element"]["initial_users"] == ["ULEAD"]
    assert blocks["members"]["element"]["initial_users"] == ["UA"]
    assert blocks["name"]["element"]["initial_value"] == "Platform Team"
    assert blocks["tz"]["element"]["initial_option"]["value"] == "Asia/Tokyo"
    assert read_metadata(view, metadata_key(services.settings)) == {"channel": CHANNEL}


def test_setup_in_a_direct_message_is_refused_without_a_form(services):
    client = FakeClient([])
    req, ack = _command(services, client, channel="D0SOMEDM01")
    listeners.team_setup(req)
    assert ack.calls == [{"text": refusals.TEAM_SETUP_IN_DM, "response_type": "ephemeral"}]
    assert client.opened == []
