"""What Pact knows about people stays fresh: IANA timezone and admin status from Slack."""

from datetime import timedelta

from freezegun import freeze_time

from bot.directory import refresh_member
from storage.engine import session_scope
from storage.queries.members import get_member


def _client(emulator):
    from bot.config import load_settings
    from bot.slack_client import make_web_client

    return make_web_client(load_settings({"SLACK_BOT_TOKEN": emulator.bot_token,
                                          "SLACK_API_URL": emulator.url}))


def test_first_meeting_reads_users_info(engine, emulator):
    user = emulator.add_user(name="ana", tz="America/Sao_Paulo", is_admin=True)
    member = refresh_member(engine, _client(emulator), emulator.team_id, user)
    assert member.tz == "America/Sao_Paulo" and member.is_admin
    assert member.display_name == "ana"
    assert len(emulator.calls_to("users.info")) == 1


def test_fresh_copy_is_reused_and_stale_copy_refreshed(engine, emulator):
    user = emulator.add_user(name="ben", tz="Europe/Berlin")
    client = _client(emulator)
    refresh_member(engine, client, emulator.team_id, user)
    refresh_member(engine, client, emulator.team_id, user)
    assert len(emulator.calls_to("users.info")) == 1
    with freeze_time(timedelta(days=1), tick=True):
        refresh_member(engine, client, emulator.team_id, user)
    assert len(emulator.calls_to("users.info")) == 2


def test_missing_timezone_falls_back_to_utc(engine, emulator):
    user = emulator.add_user(name="cy", tz=None)
    assert refresh_member(engine, _client(emulator), emulator.team_id, user).tz == "UTC"


def test_slack_failure_keeps_what_we_know(engine, emulator):
    user = emulator.add_user(name="dee", tz="Asia/Tokyo")
    client = _client(emulator)
    refresh_member(engine, client, emulator.team_id, user)
    emulator.fail_next("users.info", error="user_not_visible")
    with freeze_time(timedelta(days=1), tick=True):
        member = refresh_member(engine, client, emulator.team_id, user)
    assert member.tz == "Asia/Tokyo"


def test_user_change_event_updates_timezone_and_deactivation(pact):
    emulator = pact.emulator
    user = emulator.add_user(name="eve", tz="Europe/London")
    refresh_member(pact.engine, pact.client, emulator.team_id, user)
    changed = {"id": user, "team_id": emulator.team_id, "name": "eve", "deleted": True,
               "tz": "America/Chicago", "profile": {"display_name": "Eve"}, "is_bot": False}
    assert pact.slack.event({"type": "user_change", "user": changed}).status == 200
    pact.wait_idle()
    with session_scope(pact.engine) as session:
        member = get_member(session, emulator.team_id, user)
        assert member.tz == "America/Chicago" and member.is_deleted
        assert member.display_name == "Eve"


def test_only_active_humans_of_the_workspace_count_as_people(engine, emulator):
    from sqlalchemy import func, select

    from bot.directory import not_people
    from storage.models import Member

    ana = emulator.add_user(name="ana")
    gone = emulator.add_user(name="gone", deleted=True)
    bot = emulator.add_user(name="helperbot", is_bot=True)
    client = _client(emulator)
    forged = ["U0EVILZ1> <!channel", "UNOSUCHUSER1", "", "C0CHANNEL1", "U" + "A" * 40]
    bad = not_people(engine, client, emulator.team_id, [ana, gone, bot, *forged, ana])
    assert sorted(bad) == sorted([gone, bot, *forged])
    with session_scope(engine) as session:  # nothing stored for ids Slack does not know
        stored = {m.slack_user_id for m in session.exec(select(Member)).scalars()}
        assert "UNOSUCHUSER1" not in stored and ana in stored
        assert session.exec(select(func.count()).select_from(Member)).scalar() == len(stored)
    calls = len(emulator.calls_to("users.info"))
    assert not_people(engine, client, emulator.team_id, [ana]) == []
    assert len(emulator.calls_to("users.info")) == calls  # the fresh copy answered
