"""The tick's cost per batch, not per message: running a batch of due check-ins and recording
them takes the same statements for 3 teams as for 60 (counted with SQLAlchemy's
`before_cursor_execute`), on SQLite and PostgreSQL, and every check-in still goes out once."""

from __future__ import annotations

from collections import Counter
from datetime import timedelta

from sqlalchemy import event

from tests.test_tick import (
    MONDAY_10_BERLIN,
    client_for,
    make_team,
    outbox,
    schedule,
    services_for,
    tick,
)

# What running and recording scheduled jobs executes: schedule rows claimed and finished,
# outbox rows added, and the text and blocks a delivery pass loads before sending.
SCHEDULING = ("schedules", "INSERT INTO outbox", "outbox.text")


def _due_tick_statements(engine, emulator, teams: int) -> tuple[Counter, list]:
    """Two weekly check-ins for `teams` teams; the statements of each due tick by kind."""
    made = [make_team(engine, emulator, name=f"Team {i}") for i in range(teams)]
    services, client = services_for(engine, emulator), client_for(emulator)
    counts: list[Counter] = []
    for week in range(2):
        due = MONDAY_10_BERLIN + timedelta(weeks=week)
        tick(due - timedelta(minutes=1), services, client)  # reconciles; nothing due yet
        seen: Counter = Counter()

        def count(conn, cursor, statement, params, context, executemany, seen=seen):
            for part in SCHEDULING:
                if part in statement:
                    seen[part] += 1

        event.listen(engine, "before_cursor_execute", count)
        try:
            tick(due, services, client)
        finally:
            event.remove(engine, "before_cursor_execute", count)
        counts.append(seen)
    return counts, made


def test_a_batch_of_checkins_costs_the_same_statements_for_3_teams_as_for_60(engine,
                                                                             emulator):
    small, _ = _due_tick_statements(engine, emulator, 3)
    large, teams = _due_tick_statements(engine, emulator, 60)
    assert large == small  # week 1, and week 2 with the edits of the posts they replace
    assert small[0]["INSERT INTO outbox"] <= 2  # one statement for the whole batch
    for team in teams:
        assert len(emulator.messages(team.channel)) == 2  # one check-in a week, none twice
        assert schedule(engine, "checkin", team.id).next_run_at == \
            MONDAY_10_BERLIN + timedelta(weeks=2)
    edits = outbox(engine, "checkin_superseded")
    assert len(edits) == 63 and all(e.status == "sent" for e in edits)


def test_rows_of_one_claim_with_the_same_outcome_are_recorded_together_and_others_apart(
        engine, emulator):
    from storage.engine import session_scope
    from storage.queries import schedules as sq

    teams = [make_team(engine, emulator, name=f"Team {i}") for i in range(3)]
    tick(MONDAY_10_BERLIN - timedelta(minutes=1), services_for(engine, emulator),
         client_for(emulator))  # reconciled: each team has its check-in row
    later = MONDAY_10_BERLIN + timedelta(weeks=1)
    with session_scope(engine) as s:
        claims = [c for c in sq.claim_due(s, MONDAY_10_BERLIN, limit=50) if c.kind == "checkin"]
        assert len(claims) == 3
        recorded = sq.finish_many(s, [
            (claims[0], {"next_run_at": later, "skipped_add": 2}),
            (claims[1], {"next_run_at": later, "skipped_add": 2}),
            (claims[2], {"next_run_at": later + timedelta(days=1)})], MONDAY_10_BERLIN)
    assert recorded == 3
    rows = {t.id: schedule(engine, "checkin", t.id) for t in teams}
    by_claim = [rows[c.subject_id] for c in claims]
    assert [r.skipped_runs for r in by_claim] == [2, 2, 0]
    assert [r.next_run_at for r in by_claim] == [later, later, later + timedelta(days=1)]
    assert all(r.claim_token is None and r.claimed_until is None for r in by_claim)
    with session_scope(engine) as s:  # a lapsed claim records nothing
        assert sq.finish_many(s, [(claims[0], {"next_run_at": later})], later) == 0
