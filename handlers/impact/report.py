"""`/pact report`, the use case (no Slack): who may see which teams, and each team's month by
month aggregates. Nothing private from a plan, no single pulse answer: counts, and pulse
figures only from surveys that reached their threshold."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from functools import lru_cache

from sqlmodel import Session

from bot.rules.recurrence import WEEKDAYS
from handlers.kit import refusals
from storage.queries import impact_report as rq
from storage.queries.members import get_member

METRICS = ("members_with_plan", "objectives_linked", "progress_updates",
           "updates_per_checkin", "milestones_on_time", "milestones_late", "goals_achieved",
           "labs_held", "labs_planned", "pulse_score", "pulse_response_rate",
           "pacts_active", "pact_checkins", "pact_checkins_kept", "mentor_pairs",
           "mentor_pairs_met", "kudos_given")


@dataclass
class TeamMonth:
    team_id: int
    team: str
    month: str  # YYYY-MM
    members: int
    members_with_plan: int = 0
    objectives_linked: int = 0
    progress_updates: int = 0
    updates_per_checkin: float = 0.0
    milestones_on_time: int = 0
    milestones_late: int = 0
    goals_achieved: int = 0
    labs_held: int = 0
    labs_planned: int = 0
    pulse_score: float | None = None  # mean of the question means, 1-5; None: nothing shown
    pulse_response_rate: float | None = None
    pacts_active: int = 0  # agreed and not ended at some point in the month
    pact_checkins: int = 0  # check-in DMs answered
    pact_checkins_kept: int = 0  # of which "we met / made progress"
    mentor_pairs: int = 0  # pairs made by the month's rounds
    mentor_pairs_met: int = 0  # of which a side said they met
    kudos_given: int = 0  # by the team's members, in the open (private kudos not counted)


@dataclass
class Report:
    months: list[str]
    teams: list[tuple[int, str, int]]  # (id, name, members)
    rows: list[TeamMonth] = field(default_factory=list)
    admin: bool = False


def last_months(today: date, count: int = 12) -> list[str]:
    year, month = today.year, today.month
    out = []
    for _ in range(count):
        out.append(f"{year:04d}-{month:02d}")
        year, month = (year - 1, 12) if month == 1 else (year, month - 1)
    return out[::-1]


def _bounds(months: list[str]) -> tuple[datetime, datetime]:
    first = datetime.strptime(months[0] + "-01", "%Y-%m-%d").replace(tzinfo=UTC)
    year, month = map(int, months[-1].split("-"))
    year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return first, datetime(year, month, 1, tzinfo=UTC)


@lru_cache(maxsize=512)
def checkins_in(month: str, weekday: str) -> int:
    year, m = map(int, month.split("-"))
    day, count, wanted = date(year, m, 1), 0, WEEKDAYS.index(weekday)
    while day.month == m:
        count += day.weekday() == wanted
        day = date.fromordinal(day.toordinal() + 1)
    return count


def visible_team_ids(session: Session, workspace_id: str, user_id: str
                     ) -> tuple[list[int] | None, bool, str | None]:
    """(team ids or None for every team, is admin, refusal): leads see their teams, workspace
    admins every team, anyone else nothing."""
    member = get_member(session, workspace_id, user_id)
    if member is None or member.is_deleted:
        return [], False, refusals.REPORT_NOT_ALLOWED
    if member.is_admin:
        return None, True, None
    ids = rq.lead_team_ids(session, member.id)
    if not ids:
        return [], False, refusals.REPORT_NOT_ALLOWED
    return ids, False, None


def build(session: Session, workspace_id: str, user_id: str, now: datetime
          ) -> Report | str:
    team_ids, admin, refusal = visible_team_ids(session, workspace_id, user_id)
    if refusal:
        return refusal
    teams = rq.teams(session, workspace_id, team_ids)
    if not teams:
        return refusals.REPORT_NO_TEAMS
    ids = [t.id for t in teams]
    months = last_months(now.astimezone(UTC).date())
    since, until = _bounds(months)
    members = rq.member_counts(session, ids)
    plans = rq.plans_created(session, ids, until)
    linked = rq.linked_objectives(session, ids, since, until)
    updates = rq.progress_updates(session, ids, since, until)
    on_time, late = rq.milestones_done(session, ids, since, until)
    achieved = rq.goals_achieved(session, ids, since, until)
    held, planned = rq.labs(session, ids, since, until)
    pulse: dict[tuple[int, str], list] = {}
    for survey in rq.pulse_rounds(session, ids, since, until):
        if survey.summary and survey.summary.get("means"):  # reached its threshold
            key = (survey.team_id, survey.closes_at.strftime("%Y-%m"))
            pulse.setdefault(key, []).append(survey)
    support = _support(session, ids, since, until)
    report = Report(months, [(t.id, t.name, members.get(t.id, 0)) for t in teams], admin=admin)
    plans_before: dict[int, int] = {}
    for (tid, m), n in plans.items():
        if m < months[0]:
            plans_before[tid] = plans_before.get(tid, 0) + n
    for team in teams:
        with_plan = plans_before.get(team.id, 0)
        for month in months:
            key = (team.id, month)
            with_plan += plans.get(key, 0)
            row = TeamMonth(team.id, team.name, month, members.get(team.id, 0), with_plan,
                            linked.get(key, 0), updates.get(key, 0), 0.0,
                            on_time.get(key, 0), late.get(key, 0), achieved.get(key, 0),
                            held.get(key, 0), planned.get(key, 0))
            checkins = checkins_in(month, team.checkin_weekday)
            row.updates_per_checkin = round(row.progress_updates / checkins, 2) if checkins \
                else 0.0
            surveys = pulse.get(key)
            if surveys:
                scores = [sum(s.summary["means"].values()) / len(s.summary["means"])
                          for s in surveys]
                row.pulse_score = round(sum(scores) / len(scores), 2)
                row.pulse_response_rate = round(sum(s.responses for s in surveys)
                                                / max(1, sum(s.invited for s in surveys)), 2)
            _add_support(row, support, key)
            report.rows.append(row)
    return report


def _support(session: Session, ids: list[int], since: datetime, until: datetime) -> dict:
    """Pacts, their check-ins, mentor pairs and kudos: four grouped statements."""
    answered, kept = rq.pact_checkins(session, ids, since, until)
    made, met = rq.mentor_pairs(session, ids, since, until)
    spans: dict[int, list[tuple[str, str | None, int]]] = {}
    for (team_id, first, last), n in rq.pacts_active(session, ids, since, until).items():
        spans.setdefault(team_id, []).append((first, last, n))
    return {"spans": spans, "pact_checkins": answered,
            "pact_checkins_kept": kept, "mentor_pairs": made, "mentor_pairs_met": met,
            "kudos_given": rq.kudos_given(session, ids, since, until)}


def _add_support(row: TeamMonth, support: dict, key: tuple[int, str]) -> None:
    for metric in ("pact_checkins", "pact_checkins_kept", "mentor_pairs", "mentor_pairs_met",
                   "kudos_given"):
        setattr(row, metric, support[metric].get(key, 0))
    row.pacts_active = sum(n for first, last, n in support["spans"].get(row.team_id, ())
                           if first <= row.month and (last is None or last >= row.month))
