"""Goal rules as plain functions: progress maths, celebration, validation, permissions."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from bot.rules import goals as r
from bot.rules.permissions import (
    Actor,
    can_create_goal,
    can_edit_goal,
    can_set_up_team,
    can_take_part,
)

TODAY = date(2026, 3, 10)


@pytest.mark.parametrize("baseline,target,current,expected", [
    (0, 10, 0, 0.0), (0, 10, 5, 0.5), (0, 10, 10, 1.0), (0, 10, 12, 1.0), (0, 10, -3, 0.0),
    (10, 8.5, 10, 0.0), (10, 8.5, 9.25, 0.5), (10, 8.5, 8, 1.0), (10, 8.5, 11, 0.0),
    (5, 5, 5, 1.0), (5, 5, 4, 0.0),
])
def test_progress_fraction_both_directions(baseline, target, current, expected):
    assert r.progress_fraction(baseline, target, current) == pytest.approx(expected)


def test_target_reached_and_percent():
    assert r.target_reached(0, 10, 10) and not r.target_reached(0, 10, 9.99)
    assert r.target_reached(10, 8.5, 8.5) and not r.target_reached(10, 8.5, 9)
    assert r.percent(0, 3, 1) == 33 and r.percent(0, 3, 3) == 100


def test_apply_update_set_or_add():
    assert r.apply_update(4, 7, "set") == 7
    assert r.apply_update(4, 7, "add") == 11
    assert r.apply_update(4, -1, "add") == 3


def test_celebration_decision():
    base = dict(baseline=0, target=10)
    assert r.celebration_due(status="active", current=10, **base)
    assert not r.celebration_due(status="active", current=9, **base)
    assert not r.celebration_due(status="achieved", current=10, **base)
    assert not r.celebration_due(status="archived", current=10, **base)
    assert r.celebration_due(status="active", current=2, marked_achieved=True,
                             milestones_done=True, **base)
    assert not r.celebration_due(status="active", current=2, marked_achieved=True,
                                 milestones_done=False, **base)
    assert not r.celebration_due(status="active", current=2, marked_achieved=False,
                                 milestones_done=True, **base)


def test_next_milestone_and_all_done():
    ms = [r.MilestoneState("b", TODAY + timedelta(5), False),
          r.MilestoneState("a", TODAY + timedelta(2), True),
          r.MilestoneState("c", TODAY + timedelta(3), False)]
    assert r.next_milestone(ms).title == "c"
    assert not r.all_milestones_done(ms)
    assert r.all_milestones_done([r.MilestoneState("a", TODAY, True)])
    assert not r.all_milestones_done([])
    assert r.next_milestone([]) is None
    assert r.can_mark_achieved(status="active", milestones=[r.MilestoneState("a", TODAY, True)],
                               baseline=0, target=5, current=1)
    assert not r.can_mark_achieved(status="active", milestones=ms, baseline=0, target=5,
                                   current=1)


@pytest.mark.parametrize("raw,expected", [
    ("12", 12.0), ("-3.5", -3.5), ("2,5", 2.5), (" 1 000 ", 1000.0), ("1,234.5", 1234.5),
    (".5", 0.5), ("abc", None), ("", None), (None, None), ("1e400", None), ("nan", None),
    ("1.2.3", None),
])
def test_parse_number(raw, expected):
    assert r.parse_number(raw) == expected


def form(**overrides):
    values = {"title": "Scrum for all", "metric": "people certified", "baseline": "0",
              "target": "6", "unit": "people", "due": (TODAY + timedelta(60)).isoformat(),
              "project": "", "ms_title_0": "Study group", "ms_date_0":
              (TODAY + timedelta(10)).isoformat()}
    values.update(overrides)
    return values


def test_valid_goal_form():
    goal, errors = r.validate_goal(form(), rows=3, today=TODAY)
    assert errors == {}
    assert (goal.title, goal.baseline, goal.target) == ("Scrum for all", 0, 6)
    assert [m.title for m in goal.milestones] == ["Study group"]


@pytest.mark.parametrize("overrides,field", [
    ({"title": ""}, "title"), ({"title": "x" * 151}, "title"), ({"metric": " "}, "metric"),
    ({"baseline": "zero"}, "baseline"), ({"baseline": None}, "baseline"),
    ({"target": "six"}, "target"), ({"target": "0"}, "target"),
    ({"due": (TODAY - timedelta(1)).isoformat(), "ms_date_0": None, "ms_title_0": None},
     "due"),
    ({"due": None}, "due"),
    ({"ms_date_0": (TODAY - timedelta(1)).isoformat()}, "ms_date_0"),
    ({"ms_date_0": (TODAY + timedelta(61)).isoformat()}, "ms_date_0"),
    ({"ms_date_0": None}, "ms_date_0"),
    ({"ms_title_0": ""}, "ms_title_0"),
    ({"unit": "u" * 41}, "unit"),
])
def test_goal_form_errors_point_at_the_field(overrides, field):
    goal, errors = r.validate_goal(form(**overrides), rows=3, today=TODAY)
    assert goal is None and set(errors) == {field}


def test_title_of_exactly_150_and_milestone_today_and_on_due_date_are_fine():
    due = TODAY + timedelta(60)
    goal, errors = r.validate_goal(form(title="x" * 150, ms_date_0=TODAY.isoformat(),
                                        ms_title_1="Last", ms_date_1=due.isoformat()),
                                   rows=3, today=TODAY)
    assert errors == {} and len(goal.milestones) == 2


def test_editing_keeps_stored_past_dates():
    past = TODAY - timedelta(3)
    values = form(ms_date_0=past.isoformat())
    assert r.validate_goal(values, 3, TODAY)[1]
    assert r.validate_goal(values, 3, TODAY, keep_dates={0: past})[1] == {}


def test_progress_validation():
    assert r.validate_progress(None, None, None)[1] == {"value": r.validate_progress(
        None, None, None)[1]["value"]}
    assert "number" in r.validate_progress("x", "set", "")[1]["value"]
    ok, errors = r.validate_progress("3", "add", " note ")
    assert errors == {} and (ok.value, ok.mode, ok.note) == (3, "add", "note")
    ok, _ = r.validate_progress(None, "weird", "just a note")
    assert ok.value is None and ok.mode == "set"
    assert "note" in r.validate_progress("1", "set", "n" * 3001)[1]


def test_team_validation():
    known = {"UTC", "Europe/Berlin"}.__contains__
    team, errors = r.validate_team(name="Core", leads=["U1"], members=["U1", "U2", "U2"],
                                   tz="Europe/Berlin", weekday="fri", time="16:30",
                                   known_timezone=known)
    assert errors == {} and team.members == ["U2"]
    _, errors = r.validate_team(name="", leads=[], members=[], tz="Mars/Base", weekday="xyz",
                                time="25:00", known_timezone=known)
    assert set(errors) == {"name", "leads", "tz", "weekday", "time"}


def test_permissions_from_stored_roles():
    lead = Actor(member_id=1, role="lead")
    member = Actor(member_id=2, role="member")
    owner_member = Actor(member_id=3, role="member")
    admin = Actor(member_id=4, is_admin=True)
    outsider = Actor(member_id=5)
    former_owner = Actor(member_id=6)
    deleted_lead = Actor(member_id=7, role="lead", is_deleted=True)

    assert can_edit_goal(lead, owner_id=99) and can_edit_goal(admin, owner_id=99)
    assert can_edit_goal(owner_member, owner_id=3)
    assert not can_edit_goal(member, owner_id=99)
    assert not can_edit_goal(outsider, owner_id=99)
    assert not can_edit_goal(former_owner, owner_id=6)  # left the team
    assert not can_edit_goal(deleted_lead, owner_id=99)

    assert can_create_goal(lead) and can_create_goal(admin)
    assert not can_create_goal(member) and not can_create_goal(outsider)

    assert can_take_part(member) and can_take_part(lead) and can_take_part(admin)
    assert not can_take_part(outsider)

    assert can_set_up_team(outsider, team_exists=False)
    assert can_set_up_team(lead, team_exists=True) and can_set_up_team(admin, team_exists=True)
    assert not can_set_up_team(member, team_exists=True)
    assert can_set_up_team(member, team_exists=True, team_has_leads=False)
    assert not can_set_up_team(outsider, team_exists=True, team_has_leads=False)


def test_format_number():
    assert r.format_number(12.0) == "12" and r.format_number(2.5) == "2.5"
    assert r.format_number(1234567) == "1,234,567" and r.format_number(None) == "–"
