"""When review nudges go out and what they say, as plain functions (no Slack, no database).

A nudge is a DM at 10:00 in the recipient's own timezone on a working day, never outside
09:00-18:00 local, and at most one per person per day: everything due for someone that day is
batched into one message.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

NUDGE_AT = time(10, 0)
WINDOW = (time(9, 0), time(18, 0))
WORKDAYS = {0, 1, 2, 3, 4}  # Monday..Friday
REVIEW_SOON = timedelta(days=7)
STALE_AFTER = timedelta(days=30)
OVERDUE_EVERY = timedelta(days=7)  # an overdue review is mentioned again once a week
SNOOZE = timedelta(days=7)
NUDGE_RULE = "workdays 10:00"


def may_nudge(now: datetime, tz: str) -> bool:
    """True on a working day between 09:00 and 18:00 in `tz`."""
    local = now.astimezone(ZoneInfo(tz))
    return local.weekday() in WORKDAYS and WINDOW[0] <= local.time() < WINDOW[1]


def next_nudge_at(after: datetime, tz: str) -> datetime:
    """The next 10:00 local on a working day strictly after `after`, in UTC."""
    zone = ZoneInfo(tz)
    day = after.astimezone(zone).date()
    for offset in range(0, 9):
        candidate_day = day + timedelta(days=offset)
        if candidate_day.weekday() not in WORKDAYS:
            continue
        candidate = datetime.combine(candidate_day, NUDGE_AT, tzinfo=zone).astimezone(UTC)
        if candidate > after:
            return candidate
    raise AssertionError("a working day is always within a week")


@dataclass(frozen=True)
class PlanFacts:
    """What the nudges need to know about one development plan."""

    pdp_id: int
    owner_id: int
    manager_id: int | None
    owner_name: str
    next_review_at: datetime | None
    review_requested_at: datetime | None = None  # the owner asked for it: nothing to nudge


@dataclass(frozen=True)
class ObjectiveFacts:
    objective_id: int
    owner_id: int
    title: str
    status: str
    last_update_at: datetime  # last progress, or creation when never updated


@dataclass(frozen=True)
class Item:
    """One thing to nudge someone about."""

    key: str  # never sent twice to the same person
    subject: str  # what "Snooze a week" silences: "pdp:3", "objective:9"
    kind: str  # review_soon | review_overdue | review_soon_report | review_overdue_report | stale
    title: str
    due: datetime | None
    ref_id: int  # pdp or objective id
    owner_name: str = ""


def items_for(member_id: int, now: datetime, plans: list[PlanFacts],
              objectives: list[ObjectiveFacts], snoozed: set[str],
              already_sent: set[str]) -> list[Item]:
    """Everything `member_id` should hear about now, not snoozed and not already sent."""
    out: list[Item] = []
    for plan in plans:
        due = plan.next_review_at
        if due is None:
            continue
        subject = f"pdp:{plan.pdp_id}"
        roles = []
        if plan.owner_id == member_id and plan.review_requested_at is None:
            roles.append("")  # once they asked their manager for the review, that was it
        if plan.manager_id == member_id and plan.owner_id != member_id:
            roles.append("_report")
        for role in roles:
            if due < now:
                weeks = int((now - due) / OVERDUE_EVERY)
                key = f"review_overdue{role}:{plan.pdp_id}:{due.date()}:{weeks}"
                kind = "review_overdue" + role
            elif due - now <= REVIEW_SOON:
                key = f"review_soon{role}:{plan.pdp_id}:{due.date()}"
                kind = "review_soon" + role
            else:
                continue
            out.append(Item(key, subject, kind, "Development plan review", due, plan.pdp_id,
                            plan.owner_name))
    for objective in objectives:
        if objective.owner_id != member_id or objective.status in ("done", "dropped"):
            continue
        idle = now - objective.last_update_at
        if idle < STALE_AFTER:
            continue
        period = int(idle / STALE_AFTER)
        key = f"stale:{objective.objective_id}:{objective.last_update_at.date()}:{period}"
        out.append(Item(key, f"objective:{objective.objective_id}", "stale", objective.title,
                        objective.last_update_at, objective.objective_id))
    return [i for i in out if i.subject not in snoozed and i.key not in already_sent]


def local_day(now: datetime, tz: str) -> date:
    return now.astimezone(ZoneInfo(tz)).date()
