"""Development plan rules: what a valid plan and objective are, and review cadence maths."""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from bot.rules.visibility import LEVELS

TITLE_MAX = 150
SKILL_MAX = 150
ACTIONS_MAX = 3000
ASPIRATION_MAX = 3000
SKILL_GAPS_MAX = 3000
NOTE_MAX = 3000
COMMENT_MAX = 3000
MAX_OPEN_OBJECTIVES = 15
TARGET_HORIZON_YEARS = 5

CADENCES = {1: "Monthly", 3: "Quarterly", 6: "Every six months", 12: "Yearly"}
DEFAULT_CADENCE = 3
DUE_SOON = timedelta(days=14)

STATUSES = ("not_started", "in_progress", "done", "dropped")
STATUS_LABELS = {"not_started": "Not started", "in_progress": "In progress", "done": "Done",
                 "dropped": "Dropped"}
OPEN_STATUSES = ("not_started", "in_progress")


@dataclass(frozen=True)
class ObjectiveInput:
    title: str
    skill: str
    actions: str
    target_date: date | None
    goal_id: int | None
    status: str
    progress: int
    visibility: str


@dataclass(frozen=True)
class PlanInput:
    aspiration: str
    aspiration_visibility: str
    skill_gaps: str
    skill_gaps_visibility: str
    manager_user: str | None
    cadence_months: int


def _too_long(text: str, limit: int) -> str:
    return f"Please keep this under {limit} characters (it is {len(text)})."


def parse_progress(raw: str | None) -> tuple[int | None, str | None]:
    """A whole percentage 0-100 from a number input's string, or an error message."""
    if raw is None or str(raw).strip() == "":
        return None, "Enter how far along you are, from 0 to 100."
    try:
        value = float(str(raw).strip())
    except ValueError:
        return None, "Enter a number from 0 to 100."
    if value != value or value < 0 or value > 100:  # NaN or out of range
        return None, "Progress is a percentage: from 0 to 100."
    if value != int(value):
        return None, "Use a whole number, like 40."
    return int(value), None


def validate_objective(values: ObjectiveInput, *, today: date,
                       previous_target: date | None = None,
                       allowed_goal_ids: set[int] | None = None) -> dict[str, str]:
    """Errors keyed by field name: title, skill, actions, target_date, goal, status,
    progress, visibility. A target date already stored may stay even once it has passed."""
    errors: dict[str, str] = {}
    title = values.title.strip()
    if not title:
        errors["title"] = "Give the objective a title."
    elif len(title) > TITLE_MAX:
        errors["title"] = _too_long(title, TITLE_MAX)
    if len(values.skill.strip()) > SKILL_MAX:
        errors["skill"] = _too_long(values.skill.strip(), SKILL_MAX)
    if len(values.actions.strip()) > ACTIONS_MAX:
        errors["actions"] = _too_long(values.actions.strip(), ACTIONS_MAX)
    target = values.target_date
    if target is not None and target != previous_target:
        if target < today:
            errors["target_date"] = "Pick a target date from today on."
        elif target > add_months_date(today, 12 * TARGET_HORIZON_YEARS):
            errors["target_date"] = (f"Pick a date within {TARGET_HORIZON_YEARS} years; "
                                     "split longer journeys into steps.")
    if values.goal_id is not None and allowed_goal_ids is not None \
            and values.goal_id not in allowed_goal_ids:
        errors["goal"] = "That goal is no longer active in one of your teams."
    if values.status not in STATUSES:
        errors["status"] = "Pick a status."
    if not 0 <= values.progress <= 100:
        errors["progress"] = "Progress is a percentage: from 0 to 100."
    if values.visibility not in LEVELS:
        errors["visibility"] = "Pick who may see this objective."
    return errors


def validate_plan(values: PlanInput, *, owner_user: str) -> dict[str, str]:
    errors: dict[str, str] = {}
    if len(values.aspiration.strip()) > ASPIRATION_MAX:
        errors["aspiration"] = _too_long(values.aspiration.strip(), ASPIRATION_MAX)
    if len(values.skill_gaps.strip()) > SKILL_GAPS_MAX:
        errors["skill_gaps"] = _too_long(values.skill_gaps.strip(), SKILL_GAPS_MAX)
    if values.aspiration_visibility not in LEVELS:
        errors["aspiration_visibility"] = "Pick who may see your aspiration."
    if values.skill_gaps_visibility not in LEVELS:
        errors["skill_gaps_visibility"] = "Pick who may see your skill gaps."
    if values.manager_user and values.manager_user == owner_user:
        errors["manager"] = "Choose the person who reviews your plan with you, not yourself."
    if values.cadence_months not in CADENCES:
        errors["cadence"] = "Pick how often your plan is reviewed."
    return errors


def validate_note(note: str, limit: int = NOTE_MAX) -> str | None:
    return _too_long(note.strip(), limit) if len(note.strip()) > limit else None


def after_progress(status: str, progress: int) -> tuple[str, int]:
    """The (status, progress) a logged step leads to: 100% is done, done is 100%, and any
    progress on an objective not started yet means it is under way."""
    if status == "done" or (progress >= 100 and status != "dropped"):
        return "done", 100
    if status == "not_started" and progress > 0:
        return "in_progress", progress
    return status, progress


# ---- review cadence ------------------------------------------------------------------------


def add_months_date(day: date, months: int) -> date:
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return day.replace(year=year, month=month,
                       day=min(day.day, calendar.monthrange(year, month)[1]))


def add_months(moment: datetime, months: int) -> datetime:
    """`moment` plus whole calendar months (31 Jan + 1 month = 28/29 Feb), same time of day."""
    shifted = add_months_date(moment.date(), months)
    return moment.replace(year=shifted.year, month=shifted.month, day=shifted.day)


def next_review(*, created_at: datetime, last_review_at: datetime | None,
                cadence_months: int) -> datetime:
    """When the plan is next reviewed: one cadence after the last review (or creation)."""
    return add_months(last_review_at or created_at, cadence_months)


def review_state(next_review_at: datetime | None, now: datetime) -> str:
    """'overdue', 'due_soon' (within two weeks) or 'scheduled' ('none' without a date)."""
    if next_review_at is None:
        return "none"
    if next_review_at <= now:
        return "overdue"
    if next_review_at - now <= DUE_SOON:
        return "due_soon"
    return "scheduled"


def may_request_review_again(requested_at: datetime | None, now: datetime) -> bool:
    """A pending request is re-sent to the manager at most once a day."""
    return requested_at is None or now - requested_at >= timedelta(days=1)


def is_repeat_approval(last_review_at: datetime | None, now: datetime) -> bool:
    """An approval right after another (a double click) records nothing new."""
    return last_review_at is not None and timedelta(0) <= now - last_review_at < timedelta(
        minutes=1)
