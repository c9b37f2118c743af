"""A lab's schedule rows: its announcement days ahead, and each session's reminder the day
before and follow-up after, all in the team's timezone."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from sqlmodel import Session

from bot.rules.recurrence import Rule, parse_rule
from storage.models import Lab, LabSession, Team
from storage.queries import labs as lq
from storage.queries import schedules as sq


def session_schedules(session: Session, lab: Lab, team: Team, lab_session: LabSession,
                      now: datetime) -> None:
    """The presenter's reminder the day before, and the follow-up after the session."""
    zone = ZoneInfo(team.tz)
    start = lab_session.starts_at.astimezone(zone)
    end = (lab_session.starts_at + timedelta(minutes=lab.duration_minutes)).astimezone(zone)
    reminder = Rule("once", start.time().replace(second=0, microsecond=0), start=start.date(),
                    days_before=1)
    followup = Rule("once", end.time().replace(second=0, microsecond=0), start=end.date())
    for kind, rule in (("lab_reminder", reminder), ("lab_followup", followup)):
        sq.ensure(session, workspace_id=team.workspace_id, team_id=team.id, kind=kind,
                  subject_id=lab_session.id, rule=rule, tz=team.tz, now=now,
                  paused=bool(team.paused_reason))


def lab_schedules(session: Session, lab: Lab, team: Team, now: datetime) -> None:
    """The announcement `announce_days` before each session, and every planned session's."""
    rule = parse_rule(lab.rule).shifted(lab.announce_days)
    sq.ensure(session, workspace_id=team.workspace_id, team_id=team.id, kind="lab_announce",
              subject_id=lab.id, rule=rule, tz=team.tz, now=now,
              paused=bool(team.paused_reason))
    for lab_session in lq.pending_sessions(session, lab.id, now):
        session_schedules(session, lab, team, lab_session, now)
