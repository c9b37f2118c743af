"""The weekly milestone check-in: one post per active goal in the team channel."""

from __future__ import annotations

from collections import defaultdict
from datetime import timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlmodel import Session

from handlers.blocks.checkins import GoalFacts, MilestoneFacts, checkin_message
from scheduling.jobs import Outcome, Run, sync
from scheduling.kinds import Kind
from storage.models import Goal, Member, Milestone, ProgressUpdate, Team
from storage.queries.outbox import enqueue

G, M, P, TM, MB = (Goal.__table__, Milestone.__table__, ProgressUpdate.__table__,
                   Team.__table__, Member.__table__)


def prepare(session: Session, runs: list[Run]) -> dict:
    """Everything the batch's check-ins need, in a handful of queries."""
    team_ids = sorted({r.subject_id for r in runs})
    teams = {row.id: row for row in session.execute(
        select(TM.c.id, TM.c.channel_id, TM.c.name, TM.c.tz, TM.c.paused_reason,
               TM.c.workspace_id).where(TM.c.id.in_(team_ids)))}
    goals: dict[int, list] = defaultdict(list)
    for row in session.execute(
            select(G.c.id, G.c.team_id, G.c.title, G.c.metric, G.c.baseline, G.c.target,
                   G.c.current_value, G.c.unit, G.c.due_date)
            .where(G.c.team_id.in_(team_ids), G.c.status == "active").order_by(G.c.id)):
        goals[row.team_id].append(row)
    goal_ids = [g.id for rows in goals.values() for g in rows]
    milestones: dict[int, list[MilestoneFacts]] = defaultdict(list)
    contributors: dict[int, list[tuple]] = defaultdict(list)
    if goal_ids:
        for row in session.execute(select(M.c.id, M.c.goal_id, M.c.title, M.c.due_date,
                                          M.c.done_at).where(M.c.goal_id.in_(goal_ids))):
            milestones[row.goal_id].append(MilestoneFacts(row.id, row.title, row.due_date,
                                                          row.done_at is not None))
        oldest = min((r.last_run_at or r.occurrence - timedelta(days=7)) for r in runs)
        for row in session.execute(
                select(P.c.goal_id, P.c.created_at, MB.c.slack_user_id)
                .join(MB, MB.c.id == P.c.member_id)
                .where(P.c.goal_id.in_(goal_ids), P.c.created_at >= oldest)
                .order_by(P.c.created_at)):
            contributors[row.goal_id].append((row.created_at, row.slack_user_id))
    return {"teams": teams, "goals": goals, "milestones": milestones,
            "contributors": contributors}


def run(session: Session, job: Run, ctx: dict, services=None) -> Outcome:
    team = ctx["teams"].get(job.subject_id)
    if team is None:
        return Outcome(done=True)
    if team.paused_reason:
        return Outcome()
    since = job.last_run_at or job.occurrence - timedelta(days=7)
    today = job.occurrence.astimezone(ZoneInfo(team.tz)).date()
    stamp = job.occurrence.strftime("%Y%m%dT%H%M")
    out = Outcome()
    for goal in ctx["goals"].get(team.id, []):
        who = list(dict.fromkeys(u for at, u in ctx["contributors"].get(goal.id, [])
                                 if since <= at <= job.now))
        facts = GoalFacts(goal.id, goal.title, goal.metric, goal.baseline, goal.target,
                          goal.current_value, goal.unit, goal.due_date, team.tz)
        text, blocks = checkin_message(facts, ctx["milestones"].get(goal.id, []), who, today)
        mid = enqueue(session, workspace_id=team.workspace_id, key=f"checkin:{goal.id}:{stamp}",
                      channel=team.channel_id, text=text, blocks=blocks, kind="checkin",
                      not_before=job.now)
        if mid is not None:
            out.outbox_ids.append(mid)
    return out


KINDS = [Kind("checkin", time_bound=True, prepare=prepare, run=run, reconcile=sync.reconcile)]
