"""Goal maths and the goal forms' validation, as plain functions (no Slack, no database)."""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from datetime import date

TITLE_MAX = 150
METRIC_MAX = 200
UNIT_MAX = 40
PROJECT_MAX = 500
NOTE_MAX = 3000
MILESTONE_TITLE_MAX = 150
MAX_MILESTONES = 15
NUMBER_LIMIT = 1e12


# ---- progress ------------------------------------------------------------------------------

def progress_fraction(baseline: float, target: float, current: float) -> float:
    """How far `current` has come from `baseline` towards `target`, from 0.0 to 1.0.

    Works for goals that go down as well as up (cycle time from 10 days to 8.5): the fraction
    is the distance travelled in the target's direction. Moving away counts as 0.
    """
    span = target - baseline
    if span == 0:
        return 1.0 if current == target else 0.0
    return min(max((current - baseline) / span, 0.0), 1.0)


def target_reached(baseline: float, target: float, current: float) -> bool:
    """True once `current` is at or past `target` in the goal's direction."""
    if target >= baseline:
        return current >= target
    return current <= target


def percent(baseline: float, target: float, current: float) -> int:
    return int(progress_fraction(baseline, target, current) * 100 + 1e-9)


def apply_update(current: float, value: float, mode: str) -> float:
    """The goal's new value: `value` is the new total ('set') or an amount to add ('add')."""
    return current + value if mode == "add" else value


@dataclass(frozen=True)
class MilestoneState:
    title: str
    due_date: date
    done: bool


def next_milestone(milestones: list[MilestoneState]) -> MilestoneState | None:
    """The earliest milestone not yet done (by date, then by order given)."""
    open_ = [(m.due_date, i, m) for i, m in enumerate(milestones) if not m.done]
    return min(open_)[2] if open_ else None


def all_milestones_done(milestones: list[MilestoneState]) -> bool:
    return bool(milestones) and all(m.done for m in milestones)


def celebration_due(*, status: str, baseline: float, target: float, current: float,
                    marked_achieved: bool = False, milestones_done: bool = False) -> bool:
    """Should this goal now become achieved (and be celebrated)?

    Only an active goal can be: either its value reached the target, or every milestone is done
    and someone allowed to (a lead) marked it achieved.
    """
    if status != "active":
        return False
    if target_reached(baseline, target, current):
        return True
    return marked_achieved and milestones_done


def can_mark_achieved(*, status: str, milestones: list[MilestoneState], baseline: float,
                      target: float, current: float) -> bool:
    """Offer "Mark achieved" when every milestone is done (or the target is already reached)."""
    return status == "active" and (all_milestones_done(milestones)
                                   or target_reached(baseline, target, current))


def format_number(value: float | None) -> str:
    """12 rather than 12.0; 2.5 stays 2.5; up to 4 significant decimals."""
    if value is None:
        return "–"
    if float(value).is_integer():
        return f"{int(value):,}"
    return f"{value:,.4f}".rstrip("0").rstrip(".")


# ---- parsing -------------------------------------------------------------------------------

_NUMBER = re.compile(r"^[+-]?(\d+([.,]\d*)?|[.,]\d+)$")


def parse_number(raw: str | None) -> float | None:
    """A number typed by a person ('12', '-3.5', '2,5', ' 1 000 '), or None if it is not one."""
    if raw is None:
        return None
    text = str(raw).strip().replace("\u00a0", "").replace(" ", "").replace("_", "")
    if text.count(",") == 1 and "." not in text:
        text = text.replace(",", ".")
    elif "," in text and "." in text:
        text = text.replace(",", "")  # 1,234.5
    if not _NUMBER.match(text):
        return None
    value = float(text)
    if not math.isfinite(value) or abs(value) > NUMBER_LIMIT:
        return None
    return value


def parse_date(raw: str | None) -> date | None:
    if not raw:
        return None
    try:
        return date.fromisoformat(str(raw))
    except ValueError:
        return None


# ---- the goal form -------------------------------------------------------------------------

@dataclass
class MilestoneInput:
    title: str
    due_date: date
    row: int  # the form row it came from


@dataclass
class GoalInput:
    title: str
    metric: str
    baseline: float
    target: float
    unit: str
    due_date: date
    project: str
    milestones: list[MilestoneInput] = field(default_factory=list)


# Field keys of the goal form; the modal's block ids are built from them.
F_TITLE, F_METRIC, F_BASELINE, F_TARGET, F_UNIT, F_DUE, F_PROJECT = (
    "title", "metric", "baseline", "target", "unit", "due", "project")


def milestone_keys(row: int) -> tuple[str, str]:
    return f"ms_title_{row}", f"ms_date_{row}"


def validate_goal(values: dict[str, str | None], rows: int, today: date, *,
                  editing: bool = False, keep_dates: dict[int, date] | None = None
                  ) -> tuple[GoalInput | None, dict[str, str]]:
    """Check a submitted goal form; returns (the goal, {}) or (None, {field key: message}).

    `values` maps the field keys above (and milestone_keys(row)) to what was typed. `today` is
    the team's local date. When editing, a date already stored (`keep_dates`: row -> date, and
    the due date under -1) may stay in the past; a new or changed date may not.
    """
    errors: dict[str, str] = {}
    keep_dates = keep_dates or {}
    text = lambda key: (values.get(key) or "").strip()  # noqa: E731

    title = text(F_TITLE)
    if not title:
        errors[F_TITLE] = "Give the goal a title."
    elif len(title) > TITLE_MAX:
        errors[F_TITLE] = f"Keep the title to {TITLE_MAX} characters (it has {len(title)})."

    metric = text(F_METRIC)
    if not metric:
        errors[F_METRIC] = "Say what is measured, e.g. “team members certified”."
    elif len(metric) > METRIC_MAX:
        errors[F_METRIC] = f"Keep this to {METRIC_MAX} characters (it has {len(metric)})."

    baseline = parse_number(values.get(F_BASELINE))
    if baseline is None:
        errors[F_BASELINE] = ("Enter the starting value as a number, e.g. 0 or 12.5."
                              if text(F_BASELINE) else "Enter the starting value.")
    target = parse_number(values.get(F_TARGET))
    if target is None:
        errors[F_TARGET] = ("Enter the target as a number, e.g. 8 or 85.5."
                            if text(F_TARGET) else "Enter the target value.")
    elif baseline is not None and target == baseline:
        errors[F_TARGET] = "The target must differ from the starting value."

    unit = text(F_UNIT)
    if len(unit) > UNIT_MAX:
        errors[F_UNIT] = f"Keep the unit to {UNIT_MAX} characters."
    project = text(F_PROJECT)
    if len(project) > PROJECT_MAX:
        errors[F_PROJECT] = f"Keep the linked project to {PROJECT_MAX} characters."

    due = parse_date(values.get(F_DUE))
    if due is None:
        errors[F_DUE] = "Pick the date the goal is due."
    elif due < today and keep_dates.get(-1) != due:
        errors[F_DUE] = "The due date cannot be in the past."

    milestones = _milestones(values, rows, today, due, keep_dates, errors)

    if errors:
        return None, errors
    return GoalInput(title=title, metric=metric, baseline=baseline, target=target, unit=unit,
                     due_date=due, project=project, milestones=milestones), {}


def _milestones(values: dict[str, str | None], rows: int, today: date, due: date | None,
                keep_dates: dict[int, date], errors: dict[str, str]) -> list[MilestoneInput]:
    """The milestone rows that were filled in, each checked against today and the due date."""
    text = lambda key: (values.get(key) or "").strip()  # noqa: E731
    milestones: list[MilestoneInput] = []
    for row in range(rows):
        k_title, k_date = milestone_keys(row)
        m_title = text(k_title)
        m_date = parse_date(values.get(k_date))
        if not m_title and m_date is None:
            continue  # an empty row is simply unused
        if not m_title:
            errors[k_title] = "Give this milestone a title (or clear its date)."
        elif len(m_title) > MILESTONE_TITLE_MAX:
            errors[k_title] = f"Keep milestone titles to {MILESTONE_TITLE_MAX} characters."
        if m_date is None:
            errors[k_date] = "Pick a date for this milestone."
        elif m_date < today and keep_dates.get(row) != m_date:
            errors[k_date] = "Milestone dates start from today."
        elif due is not None and m_date > due:
            errors[k_date] = "Milestones must be due on or before the goal's due date."
        if m_title and m_date is not None:
            milestones.append(MilestoneInput(m_title[:MILESTONE_TITLE_MAX], m_date, row))
    return milestones


@dataclass
class ProgressInput:
    value: float | None
    mode: str
    note: str


def validate_progress(raw_value: str | None, mode: str | None, note: str | None
                      ) -> tuple[ProgressInput | None, dict[str, str]]:
    """A progress update needs a number, a note, or both. Keys: 'value', 'note'."""
    errors: dict[str, str] = {}
    note = (note or "").strip()
    value = None
    if raw_value not in (None, "") and str(raw_value).strip():
        value = parse_number(raw_value)
        if value is None:
            errors["value"] = "Enter a number, e.g. 7 or 12.5."
    if len(note) > NOTE_MAX:
        errors["note"] = f"Keep the note to {NOTE_MAX} characters."
    if not errors and value is None and not note:
        errors["value"] = "Enter the new value, or write a note about what happened."
    mode = "add" if mode == "add" else "set"
    if errors:
        return None, errors
    return ProgressInput(value=value, mode=mode, note=note), {}


# ---- the team form -------------------------------------------------------------------------

TEAM_NAME_MAX = 80
_HHMM = re.compile(r"^([01]\d|2[0-3]):[0-5]\d$")
WEEKDAY_NAMES = {"mon": "Monday", "tue": "Tuesday", "wed": "Wednesday", "thu": "Thursday",
                 "fri": "Friday", "sat": "Saturday", "sun": "Sunday"}


@dataclass
class TeamInput:
    name: str
    leads: list[str]
    members: list[str]
    tz: str
    weekday: str
    time: str


def validate_team(*, name: str | None, leads: list[str] | None, members: list[str] | None,
                  tz: str | None, weekday: str | None, time: str | None,
                  known_timezone) -> tuple[TeamInput | None, dict[str, str]]:
    """Keys: name, leads, members, tz, weekday, time. `known_timezone(name) -> bool`."""
    errors: dict[str, str] = {}
    name = (name or "").strip()
    if not name:
        errors["name"] = "Give the team a name."
    elif len(name) > TEAM_NAME_MAX:
        errors["name"] = f"Keep the name to {TEAM_NAME_MAX} characters."
    leads = list(dict.fromkeys(leads or []))
    if not leads:
        errors["leads"] = "Pick at least one lead."
    members = [m for m in dict.fromkeys(members or []) if m not in leads]
    tz = (tz or "").strip()
    if not tz or not known_timezone(tz):
        errors["tz"] = "Use a timezone name such as Europe/Berlin or America/New_York."
    if weekday not in WEEKDAY_NAMES:
        errors["weekday"] = "Pick the day for the weekly check-in."
    if not time or not _HHMM.match(time):
        errors["time"] = "Pick the time for the weekly check-in."
    if errors:
        return None, errors
    return TeamInput(name=name, leads=leads, members=members, tz=tz, weekday=weekday,
                     time=time), {}
