"""Nudge less: every reminder DM (pact check-ins, pulse survey reminders, mentoring
follow-ups, like review nudges) says when the next one would come and has Snooze a week and
Stop these for its kind, which work: clicked in the DM, the DM says so in place, later ones
of that kind are dropped (a week, or until turned back on from the Home tab)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlmodel import select

from bot.rules.nudges import next_nudge_at
from handlers.impact.pulse_blocks import invitation_dm
from handlers.kit import ids
from handlers.mentoring.blocks import followup_dm
from handlers.pacts.blocks import checkin_dm
from storage.engine import session_scope
from storage.models import OutboxMessage
from storage.queries import absences as aq
from storage.queries.members import ensure_workspace, get_or_create_member
from storage.queries.outbox import enqueue
from storage.types import utcnow
from tests.test_tick import WS


def _controls(blocks):
    return {e["action_id"]: e for b in blocks if b["type"] == "actions"
            for e in b["elements"] if e["action_id"] in (ids.REMINDERS_STOP,
                                                         ids.REMINDERS_SNOOZE)}


def test_each_reminder_dm_says_when_the_next_comes_and_has_snooze_and_stop():
    pact_dm = checkin_dm([(1, "U0OTHER01", "Ship the beta")])
    _, pulse = invitation_dm("Growth", 3, datetime(2026, 12, 4, tzinfo=UTC), reminder=True)
    _, first_invite = invitation_dm("Growth", 3, datetime(2026, 12, 4, tzinfo=UTC))
    _, mentor = followup_dm("U0OTHER01", "Kubernetes", 7)
    for blocks, kind, next_words in ((pact_dm["blocks"], "pact_checkin", "The next check-in"),
                                     (pulse, "pulse_reminder", "The only reminder"),
                                     (mentor, "mentor_followup", "One follow-up per pairing")):
        controls = _controls(blocks)
        assert {c["value"] for c in controls.values()} == {kind}
        assert "confirm" in controls[ids.REMINDERS_STOP]
        assert next_words in str(blocks)
    assert _controls(first_invite) == {}  # an invitation is not a reminder


def _person(pact, name):
    uid = pact.emulator.add_user(name=name, tz="Europe/Berlin")
    with session_scope(pact.engine) as s:
        ensure_workspace(s, WS)
        get_or_create_member(s, WS, uid).tz = "Europe/Berlin"
    return uid


def _send(pact, uid, kind, blocks, text, at):
    with session_scope(pact.engine) as s:
        mid = enqueue(s, workspace_id=WS, key=f"{kind}:{uid}:{at.isoformat()}", channel=uid,
                      text=text, blocks=blocks, kind=kind, not_before=at - timedelta(minutes=1))
    pact.services.send_now(pact.client, [mid], now=at)
    with session_scope(pact.engine) as s:
        return s.get(OutboxMessage, mid)


def _click(pact, uid, dm, action_id):
    control = _controls(dm["blocks"])[action_id]
    pact.slack.block_action(user=uid, action_id=action_id, value=control["value"],
                            channel=pact.emulator.dm_channel(uid), message_ts=dm["ts"])
    pact.wait_idle()


def test_snooze_a_week_on_a_pact_check_in_drops_those_of_the_week_only(pact):
    uid = _person(pact, "owner")
    morning = next_nudge_at(utcnow(), "Europe/Berlin")
    message = checkin_dm([(1, "U0OTHER01", "Ship the beta")])
    _send(pact, uid, "pact_checkin", message["blocks"], "How is your pact?", morning)
    (dm,) = pact.emulator.dms(uid)
    _click(pact, uid, dm, ids.REMINDERS_SNOOZE)
    assert pact.emulator.dms(uid)[0]["text"].startswith(":zzz: Snoozed: no pact check-ins")
    later = next_nudge_at(morning, "Europe/Berlin")
    row = _send(pact, uid, "pact_checkin", message["blocks"], "Again?", later)
    assert row.status == "skipped" and row.last_error == aq.SILENCED
    week = next_nudge_at(morning + timedelta(days=8), "Europe/Berlin")
    assert _send(pact, uid, "pact_checkin", message["blocks"], "A week on", week).status == \
        "sent"
    assert [m["text"] for m in pact.emulator.dms(uid)][1:] == ["A week on"]
    assert "stopped" not in str(pact.emulator.home_view(uid) or {})  # snoozed, not stopped


def test_stop_these_on_a_mentoring_follow_up_until_turned_back_on_from_home(pact):
    uid = _person(pact, "mentee")
    morning = next_nudge_at(utcnow(), "Europe/Berlin")
    text, blocks = followup_dm("U0OTHER01", "Kubernetes", 7)
    _send(pact, uid, "mentor_followup", blocks, text, morning)
    (dm,) = pact.emulator.dms(uid)
    _click(pact, uid, dm, ids.REMINDERS_STOP)
    assert pact.emulator.dms(uid)[0]["text"] == ("Stopped: no more mentoring follow-ups. Turn "
                                                "them back on from the Home tab.")
    home = str(pact.emulator.home_view(uid)["blocks"])
    assert "Mentoring follow-ups: *stopped*" in home and "Turn back on" in home
    far = next_nudge_at(morning + timedelta(days=30), "Europe/Berlin")
    assert _send(pact, uid, "mentor_followup", blocks, text, far).status == "skipped"
    # other kinds still come
    pact_dm = checkin_dm([(1, "U0OTHER01", "Ship the beta")])
    assert _send(pact, uid, "pact_checkin", pact_dm["blocks"], "Pact?", far).status == "sent"
    pact.slack.block_action(user=uid, action_id=ids.REMINDERS_RESUME, value="mentor_followup",
                            view={"id": "VHOME", "type": "home"})
    pact.wait_idle()
    assert "Mentoring follow-ups" not in str(pact.emulator.home_view(uid)["blocks"])
    later = next_nudge_at(far, "Europe/Berlin")
    assert _send(pact, uid, "mentor_followup", blocks, "Again", later).status == "sent"
    with session_scope(pact.engine) as s:
        dropped = s.exec(select(OutboxMessage).where(
            OutboxMessage.last_error == aq.SILENCED)).all()
    assert len(dropped) == 1
    from bot.doctor import _absence_checks

    (check,) = _absence_checks(pact.engine)
    assert "1 dropped after Snooze a week or Stop these" in check.detail  # pact doctor says
    assert pact.emulator.violations == []


def test_a_forged_kind_on_stop_or_snooze_is_refused_and_silences_nothing(pact):
    from handlers.absences import service
    from handlers.kit import refusals
    from storage.models import NudgeSnooze

    uid = _person(pact, "forger")
    now = utcnow()
    with session_scope(pact.engine) as s:
        for forged in ("goal_post", "", "x" * 5000, "stop:nudge"):
            assert service.stop_reminders(s, WS, uid, forged, now) == \
                refusals.REMINDERS_NOT_STOPPABLE
            assert service.snooze_reminders(s, WS, uid, forged, now) == \
                refusals.REMINDERS_NOT_SNOOZABLE
        assert s.exec(select(NudgeSnooze)).all() == []
