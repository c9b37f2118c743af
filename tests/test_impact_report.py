"""`/pact report`: numbers checked against a small world computed by hand, the threshold on
every surface (blocks, chart, CSV), and who may see which teams."""

from __future__ import annotations

import csv
import io
import struct
from datetime import UTC, date, datetime, timedelta

from sqlalchemy import update
from sqlmodel import select

from handlers.impact import report as service
from handlers.impact import report_out as out
from storage.engine import session_scope
from storage.models import (
    Goal,
    Kudos,
    Lab,
    LabSession,
    Member,
    MentorFollowup,
    MentorPair,
    MentorRound,
    Milestone,
    Objective,
    Pact,
    PactCheckin,
    Pdp,
    ProgressUpdate,
    PulseSeries,
    PulseSurvey,
)
from tests.test_tick import WS, make_team

NOW = datetime.now(UTC)
THIS_MONTH = NOW.strftime("%Y-%m")
FIRST = NOW.replace(day=1, hour=12, minute=0, second=0, microsecond=0)


def _world(engine, emulator):
    """Team Growth, this month: 4 members, 2 with a plan, 1 objective linked to the goal,
    3 progress updates, a milestone done on time and one late, the goal achieved, 2 labs of
    which 1 held, a pulse that reached its threshold (scores 4 and 3 -> 3.5, 4 of 4 answered)
    and one that did not (no figures at all)."""
    team = make_team(engine, emulator, members=3, name="Growth")
    goal_id = team.goal_ids[0]
    ids = team.member_ids
    with session_scope(engine) as s:
        for uid in (team.lead, team.members[0]):
            s.add(Pdp(owner_id=ids[uid], created_at=FIRST))
        s.flush()
        pdp = s.exec(select(Pdp).where(Pdp.owner_id == ids[team.lead])).one()
        s.add(Objective(pdp_id=pdp.id, title="secret objective title", goal_id=goal_id,
                        created_at=FIRST))
        for _ in range(3):
            s.add(ProgressUpdate(goal_id=goal_id, member_id=ids[team.lead], value=1,
                                 note="private note", created_at=FIRST))
        s.add(Milestone(goal_id=goal_id, title="on time", due_date=FIRST.date() + timedelta(1),
                        done_at=FIRST))
        s.add(Milestone(goal_id=goal_id, title="late", due_date=FIRST.date() - timedelta(1),
                        done_at=FIRST))
        s.execute(update(Goal).where(Goal.id == goal_id)
                  .values(status="achieved", achieved_at=FIRST))
        lab = Lab(team_id=team.id, rule="weekly thu 15:00")
        s.add(lab)
        s.flush()
        s.add(LabSession(lab_id=lab.id, starts_at=FIRST, status="done"))
        s.add(LabSession(lab_id=lab.id, starts_at=FIRST + timedelta(hours=1)))
        series = PulseSeries(workspace_id=WS, team_id=team.id, questions=["collab", "support"])
        s.add(series)
        s.flush()
        s.add(PulseSurvey(series_id=series.id, team_id=team.id, workspace_id=WS,
                          questions=["collab", "support"], opens_at=FIRST, closes_at=FIRST,
                          status="closed", invited=4, responses=4,
                          summary={"means": {"collab": 4.0, "support": 3.0}, "enps": None}))
        s.add(PulseSurvey(series_id=series.id, team_id=team.id, workspace_id=WS,
                          questions=["collab"], opens_at=FIRST, closes_at=FIRST,
                          status="closed", invited=4, responses=2, summary=None))
    return team


def _png_size(data: bytes) -> tuple[int, int]:
    assert data[:8] == b"\x89PNG\r\n\x1a\n" and data[12:16] == b"IHDR"
    return struct.unpack(">II", data[16:24])


def test_report_numbers_match_a_small_world_computed_by_hand(engine, emulator):
    team = _world(engine, emulator)
    other = make_team(engine, emulator, members=1, name="Other")
    with session_scope(engine) as s:
        report = service.build(s, WS, team.lead, NOW)
    assert [t[1] for t in report.teams] == ["Growth"]  # a lead sees their own team only
    row = next(r for r in report.rows if r.month == THIS_MONTH)
    assert (row.members, row.members_with_plan, row.objectives_linked, row.progress_updates) \
        == (4, 2, 1, 3)
    assert (row.milestones_on_time, row.milestones_late, row.goals_achieved) == (1, 1, 1)
    assert (row.labs_held, row.labs_planned) == (1, 2)
    # only the survey that reached its threshold counts, for the score and the rate alike
    assert row.pulse_score == 3.5 and row.pulse_response_rate == 1.0
    weeks = service.checkins_in(THIS_MONTH, "mon")
    assert row.updates_per_checkin == round(3 / weeks, 2)
    assert len(report.months) == 12 and report.months[-1] == THIS_MONTH
    earlier = [r for r in report.rows if r.month != THIS_MONTH]
    assert all(r.progress_updates == 0 and r.pulse_score is None for r in earlier)
    with session_scope(engine) as s:
        s.execute(update(Member).where(Member.slack_user_id == other.lead)
                  .values(is_admin=True))
        everything = service.build(s, WS, other.lead, NOW)
    assert sorted(t[1] for t in everything.teams) == ["Growth", "Other"]


def test_blocks_chart_and_csv_show_aggregates_only_and_nothing_below_the_threshold(
        engine, emulator):
    team = _world(engine, emulator)
    with session_scope(engine) as s:
        report = service.build(s, WS, team.lead, NOW)
    text, blocks = out.report_message(report)
    rendered = str(blocks)
    assert "secret objective" not in rendered and "private note" not in rendered
    assert "pulse 3.50/5 (100% answered)" in rendered
    series = out.chart_series(report)
    assert [label for _m, label, _v in series] == [
        "Progress updates", "Milestones on time", "Labs held", "Active pacts",
        "Mentor pairs that met", "Kudos given", "Pulse score (1-5)"]
    pulse = dict((m, v) for m, _label, v in series)["pulse_score"]
    assert pulse[-1] == 3.5 and all(v is None for v in pulse[:-1])
    png, alt = out.chart_png(report)
    assert _png_size(png) == (800, 400) and "Line chart" in alt
    rows = list(csv.DictReader(io.StringIO(out.csv_text(report))))
    assert len(rows) == 12
    last = rows[-1]
    assert (last["team"], last["month"], last["progress_updates"], last["pulse_score"]) == \
        ("Growth", THIS_MONTH, "3", "3.5")
    assert all(r["pulse_score"] == "" for r in rows[:-1])


def test_a_survey_below_the_threshold_leaves_every_surface_without_pulse_figures(
        engine, emulator):
    team = _world(engine, emulator)
    with session_scope(engine) as s:
        s.execute(update(PulseSurvey).values(summary=None))
        report = service.build(s, WS, team.lead, NOW)
    assert "pulse: nothing to show" in str(out.report_message(report)[1])
    assert all(v is None for m, _l, v in out.chart_series(report) if m == "pulse_score"
               for v in v)
    assert all(r["pulse_score"] == "" and r["pulse_response_rate"] == ""
               for r in csv.DictReader(io.StringIO(out.csv_text(report))))


def test_report_through_slack_lead_gets_dm_chart_and_csv_member_is_refused(pact):
    team = _world(pact.engine, pact.emulator)
    refused = pact.slack.command("report", user=team.members[0], channel=team.channel).json()
    assert "team leads" in refused["text"]
    answer = pact.slack.command("report", user=team.lead, channel=team.channel).json()
    assert "on its way to your DM" in answer["text"]
    pact.wait_idle()
    dm = [m for m in pact.emulator.dms(team.lead) if "Participation and impact" in m["text"]]
    assert len(dm) == 1
    files = pact.emulator.uploaded_files()
    assert len(files) == 1 and files[0]["content"][:4] == b"\x89PNG" and files[0]["alt_txt"]
    pact.slack.block_action(user=team.lead, action_id="report_csv", value="csv",
                            channel=pact.emulator.dm_channel(team.lead))
    pact.wait_idle()
    csv_file = pact.emulator.uploaded_files()[-1]
    assert csv_file["filename"].endswith(".csv")
    rows = list(csv.DictReader(io.StringIO(csv_file["content"].decode())))
    assert {r["team"] for r in rows} == {"Growth"}
    # A member forging the button click gets no CSV.
    pact.slack.block_action(user=team.members[0], action_id="report_csv", value="csv",
                            channel=pact.emulator.dm_channel(team.members[0]))
    pact.wait_idle()
    assert len(pact.emulator.uploaded_files()) == 2
    assert not pact.emulator.violations


def test_months_and_checkins_are_plain_calendar_arithmetic():
    assert service.last_months(date(2026, 2, 10), 3) == ["2025-12", "2026-01", "2026-02"]
    assert service.checkins_in("2026-11", "mon") == 5
    assert service.checkins_in("2026-02", "sun") == 4


def _support_world(engine, team, other):
    """On top of _world, this month: a pact on the lead's objective (agreed), a pledge to the
    team's goal agreed four months ago and ended last month, one only proposed; 3 pact
    check-ins of which 2 "met"; a mentor round of 2 pairs of which one met (both said yes:
    still one pair); kudos: 2 in the open from team members, 1 private, 1 from outside."""
    ids, goal_id = team.member_ids, team.goal_ids[0]
    lead, first = ids[team.lead], ids[team.members[0]]
    with session_scope(engine) as s:
        objective = s.exec(select(Objective).where(Objective.goal_id == goal_id)).first()
        on_objective = Pact(workspace_id=WS, owner_id=lead, supporter_id=first,
                            objective_id=objective.id, origin="offer", status="active",
                            accepted_at=FIRST)
        pledge = Pact(workspace_id=WS, owner_id=lead, supporter_id=ids[team.members[1]],
                      goal_id=goal_id, origin="pledge", status="ended",
                      accepted_at=FIRST - timedelta(days=120),
                      ended_at=FIRST - timedelta(days=10))
        proposed = Pact(workspace_id=WS, owner_id=lead, supporter_id=ids[team.members[2]],
                        objective_id=objective.id, origin="ask", status="proposed")
        s.add_all([on_objective, pledge, proposed])
        s.flush()
        for answer in ("met", "met", "not_yet"):
            s.add(PactCheckin(pact_id=on_objective.id, member_id=first, answer=answer,
                              created_at=FIRST))
        round_ = MentorRound(team_id=team.id, created_at=FIRST)
        s.add(round_)
        s.flush()
        met = MentorPair(round_id=round_.id, mentor_id=lead, mentee_id=first, skill="sql")
        missed = MentorPair(round_id=round_.id, mentor_id=ids[team.members[1]],
                            mentee_id=ids[team.members[2]], skill="go")
        s.add_all([met, missed])
        s.flush()
        s.add_all([MentorFollowup(pair_id=met.id, member_id=lead, answer="yes"),
                   MentorFollowup(pair_id=met.id, member_id=first, answer="yes"),
                   MentorFollowup(pair_id=missed.id, member_id=ids[team.members[1]],
                                  answer="not_yet")])
        outsider = other.member_ids[other.lead]
        for giver, private in ((lead, False), (first, False), (first, True), (outsider, False)):
            s.add(Kudos(workspace_id=WS, giver_id=giver, receiver_id=ids[team.members[2]],
                        reason="private reason text", private=private, created_at=FIRST))


def test_pacts_mentoring_and_kudos_figures_match_the_world_computed_by_hand(engine, emulator):
    team = _world(engine, emulator)
    other = make_team(engine, emulator, members=1, name="Other")
    _support_world(engine, team, other)
    with session_scope(engine) as s:
        report = service.build(s, WS, team.lead, NOW)
    by_month = {r.month: r for r in report.rows}
    row = by_month[THIS_MONTH]
    assert (row.pacts_active, row.pact_checkins, row.pact_checkins_kept) == (1, 3, 2)
    assert (row.mentor_pairs, row.mentor_pairs_met, row.kudos_given) == (2, 1, 2)
    # the pledge was on from four months back until last month: counted in each of those
    last_month = (FIRST - timedelta(days=1)).strftime("%Y-%m")
    assert by_month[last_month].pacts_active == 1
    assert by_month[(FIRST - timedelta(days=120)).strftime("%Y-%m")].pacts_active == 1
    assert by_month[report.months[0]].pacts_active == 0
    text, blocks = out.report_message(report)
    rendered = str(blocks)
    assert "1 active pact, 2 of 3 pact check-ins kept" in rendered
    assert "1 of 2 mentor pairs met" in rendered and "2 kudos given" in rendered
    assert "private reason text" not in rendered + out.csv_text(report)
    rows = list(csv.DictReader(io.StringIO(out.csv_text(report))))
    assert (rows[-1]["pacts_active"], rows[-1]["kudos_given"], rows[-1]["mentor_pairs_met"]) \
        == ("1", "2", "1")
    series = {m: v for m, _label, v in out.chart_series(report)}
    assert series["kudos_given"][-1] == 2 and series["mentor_pairs_met"][-1] == 1
