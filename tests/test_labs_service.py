"""Learning-lab use cases called directly with a database session: no HTTP, no Slack."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlmodel import select

from handlers.kit import refusals
from handlers.labs import service
from handlers.labs.sessions import plan_session, shareable_topic
from storage.engine import session_scope
from storage.models import Lab, Objective, OutboxMessage, Pdp, Team, TeamMembership
from storage.queries.members import ensure_workspace, get_or_create_member

WS = "T1"
NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def _team(session, people=("ULEAD", "UONE", "UTWO")) -> tuple[Team, dict[str, int]]:
    ensure_workspace(session, WS)
    team = Team(workspace_id=WS, channel_id="C0LAB", name="Growth", tz="Europe/Berlin",
                checkin_weekday="mon", checkin_time="10:00", created_by=people[0])
    session.add(team)
    session.flush()
    ids = {}
    for i, slack_id in enumerate(people):
        member = get_or_create_member(session, WS, slack_id)
        ids[slack_id] = member.id
        session.add(TeamMembership(team_id=team.id, member_id=member.id,
                                   role="lead" if i == 0 else "member",
                                   joined_at=NOW - timedelta(days=10 - i)))
    session.flush()
    lab = Lab(team_id=team.id, rule="every 2 weeks thu 15:00 from 2026-03-05")
    session.add(lab)
    session.flush()
    return team, ids


def _lab(session, team) -> Lab:
    return session.exec(select(Lab).where(Lab.team_id == team.id)).one()


def test_each_planned_session_goes_to_the_next_person_in_line(engine):
    with session_scope(engine) as session:
        team, ids = _team(session)
        lab = _lab(session, team)
        first = plan_session(session, lab, NOW + timedelta(days=3), NOW)
        second = plan_session(session, lab, NOW + timedelta(days=17), NOW)
        assert plan_session(session, lab, NOW + timedelta(days=3), NOW) is None  # planned once
        assert [first.presenter_id, second.presenter_id] == [ids["ULEAD"], ids["UONE"]]


def test_a_presenter_leaving_hands_the_session_on_and_edits_its_announcement(engine):
    with session_scope(engine) as session:
        team, ids = _team(session)
        lab = _lab(session, team)
        planned = plan_session(session, lab, NOW + timedelta(days=3), NOW)
        planned.channel_ts = "1700000000.000100"  # announced already
        session.add(planned)
        leaving = get_or_create_member(session, WS, "ULEAD")
        session.delete(session.exec(select(TeamMembership).where(
            TeamMembership.member_id == leaving.id)).one())
        session.flush()
        sent = service.member_left(session, team, leaving, NOW)
        assert planned.presenter_id == ids["UONE"]
        rows = {m.kind: m for m in session.exec(select(OutboxMessage).where(
            OutboxMessage.id.in_(sent)))}
        update = rows["lab_update"]
        assert update.update_ts == "1700000000.000100" and update.channel == "C0LAB"
        assert "<@UONE>" in str(update.blocks) and "<@ULEAD>" not in str(update.blocks)
        assert rows["lab_change"].thread_ts == "1700000000.000100"
        assert rows["lab_topic"].channel == "UONE"  # asked for a topic


def test_a_topic_made_private_is_dropped_and_only_the_presenter_may_skip(engine):
    with session_scope(engine) as session:
        team, ids = _team(session)
        pdp = Pdp(owner_id=ids["ULEAD"])
        session.add(pdp)
        session.flush()
        objective = Objective(pdp_id=pdp.id, title="SQL window functions", visibility="team",
                              status="in_progress")
        session.add(objective)
        session.flush()
        planned = plan_session(session, _lab(session, team), NOW + timedelta(days=3), NOW)
        assert shareable_topic(session, planned) == "SQL window functions"
        objective.visibility = "private"
        session.add(objective)
        assert shareable_topic(session, planned) == ""
        assert planned.objective_id is None
        refused = service.skip_turn(session, WS, "UTWO", planned.id, NOW)
        assert refused.refusal == refusals.LAB_SKIP_PRESENTER_ONLY
        assert planned.presenter_id == ids["ULEAD"]


def test_a_presenter_listed_ahead_sets_their_topic_and_it_is_announced_with_it(engine):
    """`/pact lab` lists UONE for the second session (not planned yet): they may set its
    topic, as the README says; the session is planned for them and announced with it."""
    from bot.rules.recurrence import parse_rule
    from handlers.labs.jobs import run_announce
    from scheduling.kinds import Run

    with session_scope(engine) as session:
        team, ids = _team(session)
        lab = _lab(session, team)
        listed = service.upcoming(session, WS, "C0LAB", NOW).rows
        assert [who for _when, who, _topic in listed[:3]] == ["ULEAD", "UONE", "UTWO"]
        planned, refusal = service.set_topic(session, WS, "C0LAB", "UONE", "Property tests",
                                             NOW)
        assert refusal == "" and planned.starts_at == listed[1][0]
        assert planned.presenter_id == ids["UONE"]
        after = service.upcoming(session, WS, "C0LAB", NOW).rows
        assert after[:3] == [listed[0], (listed[1][0], "UONE", "Property tests"),
                             (listed[2][0], "UTWO", "")]  # the rest of the line is unchanged
        assert service.set_topic(session, WS, "C0LAB", "UNOBODY", "x", NOW)[1] == \
            refusals.LAB_NO_SESSION_OF_YOURS
        at = planned.starts_at - timedelta(days=lab.announce_days)
        outcome = run_announce(session, Run(
            schedule_id=1, workspace_id=WS, team_id=team.id, kind="lab_announce",
            subject_id=lab.id, rule=parse_rule(lab.rule).shifted(lab.announce_days),
            tz=team.tz, occurrence=at, last_run_at=None, now=at), None)
        sent = {m.kind: m for m in session.exec(select(OutboxMessage).where(
            OutboxMessage.id.in_(outcome.outbox_ids)))}
        assert "Property tests" in sent["lab_announce"].text
        assert sent["lab_topic"].channel == "UONE"  # their DM with skip and swap
