"""A pact kept over time: check-in DMs at the cadence in each side's working hours, progress
DMs batched, I'm stuck, and the celebration naming the supporter."""

from __future__ import annotations

from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlmodel import select

from bot.playground.emulator import check_message_blocks
from bot.playground.slack_requests import text_value
from handlers.kit import ids
from scheduling.tick import tick
from storage.engine import session_scope
from storage.models import Member, OutboxMessage, PactCheckin, Schedule
from storage.types import utcnow
from tests.test_pacts import buttons, click, made_pact, opened, pacts
from tests.test_pdp import log_progress, text_of
from tests.test_pdp_world import make_world


@pytest.fixture
def world(pact):
    world = make_world(pact.engine, pact.emulator)
    with session_scope(pact.engine) as s:  # the supporter works from New York
        teammate = s.get(Member, world.members["teammate"])
        teammate.tz = "America/New_York"
        s.add(teammate)
    return world


def working_hours():
    """A moment inside both sides' working hours (New York 10:00, Berlin 16:00), whatever the
    clock says while the test runs."""
    moment = (utcnow() + timedelta(days=1)).replace(hour=15, minute=0, second=0, microsecond=0)
    while moment.weekday() >= 5:
        moment += timedelta(days=1)
    return moment


def checkins_of(pact, user) -> list[dict]:
    return [m for m in pact.emulator.dms(user) if "How is your pact" in m["text"]]


def test_check_ins_at_the_cadence_in_each_sides_working_hours(pact, world):
    _, pid = made_pact(pact, world)
    start = utcnow()
    with session_scope(pact.engine) as s:
        rows = list(s.exec(select(Schedule).where(Schedule.kind == "pact_checkins")))
        assert sorted(r.tz for r in rows) == ["America/New_York", "Europe/Berlin"]
    sent_at: dict[str, list] = {world.owner: [], world.teammate: []}
    for _ in range(40):
        with session_scope(pact.engine) as s:
            due = min(r.next_run_at for r in s.exec(select(Schedule).where(
                Schedule.kind == "pact_checkins", Schedule.status == "active")))
        if due > start + timedelta(days=16):
            break
        tick(due, pact.services, pact.client)
        for user in sent_at:
            while len(checkins_of(pact, user)) > len(sent_at[user]):
                sent_at[user].append(due)
    zones = {world.owner: ZoneInfo("Europe/Berlin"), world.teammate: ZoneInfo("America/New_York")}
    for user, times in sent_at.items():
        assert len(times) == 2, (user, times)  # weekly: two check-ins in 16 days
        for at in times:
            local = at.astimezone(zones[user])
            assert local.hour == 10 and local.weekday() < 5
        assert times[0] - start >= timedelta(days=6)
    dm = checkins_of(pact, world.teammate)[0]
    assert check_message_blocks(dm["blocks"]) == []
    assert set(buttons(dm)) == {ids.PACT_CHECKIN_MET, ids.PACT_CHECKIN_NOT_YET, ids.PACT_END,
                                ids.REMINDERS_SNOOZE, ids.REMINDERS_STOP}
    click(pact, world.teammate, ids.PACT_CHECKIN_MET, pid)
    click(pact, world.owner, ids.PACT_CHECKIN_NOT_YET, pid)
    with session_scope(pact.engine) as s:
        assert [c.answer for c in s.exec(select(PactCheckin))] == ["met", "not_yet"]
    assert pact.emulator.violations == []


def test_progress_batched_stuck_then_done_celebrates_the_supporter(pact, world):
    oid, pid = made_pact(pact, world)
    log_progress(pact, world.owner, oid, 20)
    log_progress(pact, world.owner, oid, 40)
    with session_scope(pact.engine) as s:
        progress = list(s.exec(select(OutboxMessage).where(
            OutboxMessage.kind == "pact_progress")))
    assert len(progress) == 1  # one a day per pact, showing the newest figure
    pact.services.send_now(pact.client, [m.id for m in progress], now=working_hours())
    [told] = [m for m in pact.emulator.dms(world.teammate) if "made progress" in m["text"]]
    assert "40%" in told["text"] and "20%" not in told["text"]
    # I'm stuck: every active supporter gets the note
    pact.slack.block_action(user=world.owner, action_id=ids.PACT_STUCK, value=str(oid),
                            channel="C0NOWHERE01")
    pact.wait_idle()
    form = opened(pact)
    assert form["callback_id"] == ids.PACT_STUCK_FORM
    pact.slack.view_submission(user=world.owner, view=form,
                               values={"note": {"note": text_value("Slides <!channel> stuck")}})
    pact.wait_idle()
    stuck = [m for m in pact.emulator.dms(world.teammate) if "is stuck on" in m["text"]]
    assert len(stuck) == 1 and "<!channel>" not in text_of(stuck)
    assert "&lt;!channel&gt;" in text_of(stuck[0]["blocks"])
    # a teammate who is not a supporter cannot send it for the owner
    pact.slack.view_submission(user=world.stranger, view={**form, "id": "V0FORGED"},
                               values={"note": {"note": text_value("forged")}})
    pact.wait_idle()
    assert "forged" not in text_of(pact.emulator.dms(world.teammate))
    # done: the celebration names the supporter; the supporter gets a thank-you DM
    log_progress(pact, world.owner, oid, 100)
    [post] = pact.emulator.messages(world.channel)
    assert world.teammate in text_of(post["blocks"]) and "With the support of" in post["text"]
    assert ids.KUDOS_BUTTON in text_of(post["blocks"])
    assert check_message_blocks(post["blocks"]) == []
    assert any("with your support" in m["text"] for m in pact.emulator.dms(world.teammate))
    assert pacts(pact.engine)[0].status == "ended"
    assert pact.emulator.violations == []


def test_a_waiting_check_in_loses_a_pact_the_supporter_may_no_longer_see(pact, world):
    from handlers.pacts import jobs
    from tests.test_pdp import objective_values, open_summary
    oid, pid = made_pact(pact, world)
    with session_scope(pact.engine) as s:  # the check-in is due, and waits in the outbox
        teammate = s.get(Member, world.members["teammate"])
        from storage.models import Pact
        row = s.get(Pact, pid)
        row.supporter_checkin_on = utcnow().date() - timedelta(days=1)
        s.add(row)
        s.flush()
        items = jobs.service.checkin_items(s, teammate.id, [pid])
        from storage.queries import outbox
        message = jobs.ui.checkin_dm(items)
        outbox.enqueue(s, workspace_id="T0PACT", key=f"pactcheckin:{teammate.id}:2026-01-05",
                       channel=world.teammate, text=message["text"], blocks=message["blocks"],
                       kind="pact_checkin", not_before=utcnow() + timedelta(hours=5))
    summary = open_summary(pact, world.owner)
    pact.slack.block_action(user=world.owner, action_id=ids.PDP_EDIT_OBJECTIVE, value=str(oid),
                            view=summary)
    edit = opened(pact, "views.push")
    pact.slack.view_submission(user=world.owner, view=edit, values=objective_values(
        title="Now secret", visibility="manager"))
    pact.wait_idle()
    with session_scope(pact.engine) as s:
        waiting = s.exec(select(OutboxMessage).where(
            OutboxMessage.idempotency_key.startswith("pactcheckin:"))).one()
        assert waiting.status == "skipped" and "Now secret" not in waiting.text
