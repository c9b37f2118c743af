"""Pulse surveys through Pact's HTTP endpoint and the real tick: a lead sets one up, members
get it at 10:00 in their own timezone, answer once, non-responders get one reminder, and the
results reach the lead only above the threshold."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import update
from sqlmodel import select

from bot.playground.slack_requests import number_value, select_value, text_value
from scheduling.tick import tick
from storage.engine import session_scope
from storage.models import Member, PulseAnswer, PulseInvite, PulseSurvey, Schedule
from tests.test_tick import client_for, make_team, services_for


def _monday_ahead() -> datetime:
    """07:30 UTC on a Monday at least a week ahead (08:30 in Berlin, before anyone's 10:00)."""
    day = datetime.now(UTC).date() + timedelta(days=8)
    while day.weekday() != 0:
        day += timedelta(days=1)
    return datetime.combine(day, time(7, 30), tzinfo=UTC)


def _checkboxes(*values):
    return {"type": "checkboxes", "selected_options": [
        {"text": {"type": "plain_text", "text": v}, "value": v} for v in values]}


def _radio(value):
    return {"type": "radio_buttons", "selected_option": {
        "text": {"type": "plain_text", "text": str(value)}, "value": str(value)}}


def setup_pulse(pact, team, *, min_responses="3", share=False, extras=("comment",)):
    response = pact.slack.command("pulse setup", user=team.lead, channel=team.channel)
    assert response.status == 200
    pact.wait_idle()  # the form opens right after the answer
    view = [v for v in pact.emulator.views().values() if v["callback_id"] == "pulse_setup"][-1]
    values = {"questions": {"questions": _checkboxes("collab", "support")},
              "extras": {"extras": _checkboxes(*extras)},
              "cadence": {"cadence": select_value("once")},
              "open_days": {"open_days": number_value("3")},
              "min_responses": {"min_responses": number_value(min_responses)},
              "share": {"share": _checkboxes("share") if share else _checkboxes()}}
    return pact.slack.view_submission(user=team.lead, view=view, values=values)


def run_at(pact, when: datetime):
    tick(when, services_for(pact.engine, pact.emulator), client_for(pact.emulator))


def sweep_next(pact) -> datetime:
    with session_scope(pact.engine) as s:
        return s.exec(select(Schedule).where(Schedule.kind == "pulse_sweep")).one().next_run_at


def open_round(pact, when: datetime) -> int:
    with session_scope(pact.engine) as s:
        s.execute(update(Schedule).where(Schedule.kind == "pulse_round")
                  .values(next_run_at=when))
    run_at(pact, when)  # the round opens the survey
    run_at(pact, when)  # and its sweep runs at the next tick
    with session_scope(pact.engine) as s:
        return s.exec(select(PulseSurvey.id)).one()


def answer(pact, user, survey_id, collab, support, comment=None):
    pact.slack.block_action(user=user, action_id="pulse_answer", value=str(survey_id),
                            channel=pact.emulator.dm_channel(user))
    pact.wait_idle()
    view = [v for v in pact.emulator.views().values() if v["callback_id"] == "pulse_answer"][-1]
    values = {"q_collab": {"q_collab": _radio(collab)},
              "q_support": {"q_support": _radio(support)}}
    if comment is not None:
        values["comment"] = {"comment": text_value(comment)}
    return pact.slack.view_submission(user=user, view=view, values=values).json()


def survey_dms(pact, user, word="pulse survey is open"):
    return [m for m in pact.emulator.dms(user) if word in m["text"]]


def test_only_leads_set_up_a_pulse_and_the_threshold_is_never_below_three(pact):
    team = make_team(pact.engine, pact.emulator, members=3)
    answer_ = pact.slack.command("pulse setup", user=team.members[0], channel=team.channel)
    assert "Only the team's leads" in answer_.json()["text"]
    response = setup_pulse(pact, team, min_responses="2")
    assert response.json()["response_action"] == "errors"
    assert "min_responses" in response.json()["errors"]
    assert setup_pulse(pact, team).json()["response_action"] == "update"


def test_survey_goes_out_at_ten_local_reminds_only_non_responders_and_shows_results(pact):
    team = make_team(pact.engine, pact.emulator, members=4)
    new_york = team.members[3]
    with session_scope(pact.engine) as s:
        s.execute(update(Member).where(Member.slack_user_id == new_york)
                  .values(tz="America/New_York"))
    assert setup_pulse(pact, team, share=True).status == 200
    monday = _monday_ahead()
    survey_id = open_round(pact, monday)
    assert not survey_dms(pact, team.lead)  # 08:30 in Berlin: nobody is asked yet

    ten_berlin = sweep_next(pact)
    assert ten_berlin.astimezone(ZoneInfo("Europe/Berlin")).time() == time(10, 0)
    run_at(pact, ten_berlin)
    berliners = [team.lead, *team.members[:3]]
    assert all(len(survey_dms(pact, u)) == 1 for u in berliners)
    assert not survey_dms(pact, new_york)
    ten_new_york = sweep_next(pact)
    assert ten_new_york.astimezone(ZoneInfo("America/New_York")).time() == time(10, 0)
    run_at(pact, ten_new_york)
    assert len(survey_dms(pact, new_york)) == 1

    assert answer(pact, team.lead, survey_id, 4, 5, "More pairing, please")["response_action"] \
        == "update"
    answer(pact, team.members[0], survey_id, 2, 3, "Labs <b>are</b> great")
    answer(pact, new_york, survey_id, 3, 4)
    again = answer(pact, team.members[0], survey_id, 5, 5)
    assert "already answered" in again["view"]["blocks"][0]["text"]["text"]
    with session_scope(pact.engine) as s:
        assert len(s.exec(select(PulseAnswer)).all()) == 3

    # Tuesday, the working day before it closes: reminders at 10:00 local, non-responders only.
    when = sweep_next(pact)
    while when.astimezone(UTC).weekday() < 2:
        run_at(pact, when)
        when = sweep_next(pact)
    reminded = {u for u in [team.lead, *team.members]
                if survey_dms(pact, u, "Reminder: the")}
    assert reminded == {team.members[1], team.members[2]}

    with session_scope(pact.engine) as s:
        closes_at = s.get(PulseSurvey, survey_id).closes_at
    assert closes_at.astimezone(ZoneInfo("Europe/Berlin")).strftime("%a %H:%M") == "Wed 18:00"
    while when <= closes_at:
        run_at(pact, when)
        when = sweep_next(pact) if _sweep_active(pact) else closes_at + timedelta(seconds=1)
    results = [m for m in pact.emulator.dms(team.lead) if "pulse: 3 of 5" in m["text"]]
    assert len(results) == 1
    body = " ".join(b.get("text", {}).get("text", "") for b in results[0]["blocks"])
    assert "3.00 / 5" in body and "4.00 / 5" in body  # (4+2+3)/3 and (5+3+4)/3
    assert "&lt;b&gt;are&lt;/b&gt;" not in body  # two comments only: fewer than 3, not shown
    assert "More pairing" not in body
    assert [m for m in pact.emulator.messages(team.channel) if "pulse: 3 of 5" in m["text"]]
    assert not pact.emulator.violations
    late = answer(pact, team.members[1], survey_id, 1, 1)
    assert "closed" in late["view"]["blocks"][0]["text"]["text"]


def run_until(pact, moment: datetime) -> None:
    """Tick at every time the survey's sweep asks for, up to `moment`."""
    while _sweep_active(pact) and sweep_next(pact) <= moment:
        run_at(pact, sweep_next(pact))


def _sweep_active(pact) -> bool:
    with session_scope(pact.engine) as s:
        return s.exec(select(Schedule).where(Schedule.kind == "pulse_sweep")).one().status \
            == "active"


def test_a_survey_closing_below_the_threshold_says_so_and_shows_nothing(pact):
    team = make_team(pact.engine, pact.emulator, members=3)
    setup_pulse(pact, team, share=True)
    survey_id = open_round(pact, _monday_ahead())
    run_at(pact, sweep_next(pact))
    answer(pact, team.lead, survey_id, 5, 5, "a")
    answer(pact, team.members[0], survey_id, 1, 1, "b")
    with session_scope(pact.engine) as s:
        closes_at = s.get(PulseSurvey, survey_id).closes_at
    run_until(pact, closes_at)
    results = [m for m in pact.emulator.dms(team.lead) if "Pulse results" in str(m["blocks"])]
    assert len(results) == 1
    assert "fewer than 3 answers" in results[0]["text"]
    assert "/ 5" not in str(results[0]["blocks"])
    assert not [m for m in pact.emulator.messages(team.channel) if "pulse" in m["text"]]


def test_nobody_answers_for_someone_else_or_a_survey_they_were_not_sent(pact):
    team = make_team(pact.engine, pact.emulator, members=2)
    other = make_team(pact.engine, pact.emulator, members=1, name="Other")
    setup_pulse(pact, team)
    survey_id = open_round(pact, _monday_ahead())
    outsider = other.members[0]
    pact.slack.block_action(user=outsider, action_id="pulse_answer", value=str(survey_id),
                            channel=pact.emulator.dm_channel(outsider))
    pact.wait_idle()
    assert not [v for v in pact.emulator.views().values() if v["callback_id"] == "pulse_answer"]
    assert any("not sent to you" in m["text"] for m in pact.emulator.dms(outsider))
    # A modal opened by a member, submitted by an outsider: the verified user decides.
    pact.slack.block_action(user=team.lead, action_id="pulse_answer", value=str(survey_id),
                            channel=pact.emulator.dm_channel(team.lead))
    pact.wait_idle()
    view = [v for v in pact.emulator.views().values() if v["callback_id"] == "pulse_answer"][-1]
    forged = pact.slack.view_submission(user=outsider, view=view, values={
        "q_collab": {"q_collab": _radio(1)}, "q_support": {"q_support": _radio(1)}}).json()
    assert "not sent to you" in forged["view"]["blocks"][0]["text"]["text"]
    with session_scope(pact.engine) as s:
        assert not s.exec(select(PulseAnswer)).all()
        assert not any(i.answered for i in s.exec(select(PulseInvite)))
