"""Learning labs through Pact's HTTP endpoint and the real tick: setup, announcement with a
topic from the presenter's plan, skip, swap (both agree), done, `/pact lab`."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from types import SimpleNamespace
from zoneinfo import ZoneInfo

from sqlmodel import select

from bot.playground.slack_requests import number_value, select_value, text_value, users_value
from scheduling.tick import tick
from storage.engine import session_scope
from storage.models import (
    Lab,
    LabSession,
    Objective,
    Pdp,
    PdpChange,
    ProgressUpdate,
    Schedule,
)
from tests.test_tick import client_for, make_team, services_for


def _setup(pact, team, cadence="every second Thursday 15:00", announce="3", users=None):
    response = pact.slack.command("lab setup", user=team.lead, channel=team.channel)
    assert response.status == 200
    pact.wait_idle()  # the form opens right after the answer
    view = [v for v in pact.emulator.views().values() if v["callback_id"] == "lab_setup"][-1]
    users = users if users is not None else [team.lead, *team.members]
    response = pact.slack.view_submission(user=team.lead, view=view, values={
        "cadence": {"value": text_value(cadence)}, "duration": {"value": select_value("60")},
        "announce": {"value": number_value(announce)}, "members": {"value": users_value(users)}})
    pact.wait_idle()
    return response


def _cadence_days_ahead(days: int, at: str = "09:00", tz: str = "Europe/Berlin") -> str:
    """A weekly cadence whose next session is `days` days from today (team time), so the
    announcement, the reminder and the session all lie ahead whatever day the tests run."""
    day = (datetime.now(UTC).astimezone(ZoneInfo(tz)) + timedelta(days=days)).strftime("%A")
    return f"every {day} {at}"


def _objective(engine, member_id, title, visibility="team", status="in_progress"):
    with session_scope(engine) as s:
        pdp = s.exec(select(Pdp).where(Pdp.owner_id == member_id)).first()
        if pdp is None:
            pdp = Pdp(owner_id=member_id)
            s.add(pdp)
            s.flush()
        obj = Objective(pdp_id=pdp.id, title=title, visibility=visibility, status=status)
        s.add(obj)
        s.flush()
        return obj.id


def _announce(pact, team):
    """Run the tick at the announcement time; returns the announcement post."""
    with session_scope(pact.engine) as s:
        sched = s.exec(select(Schedule).where(Schedule.kind == "lab_announce")).one()
    services, client = services_for(pact.engine, pact.emulator), client_for(pact.emulator)
    tick(sched.next_run_at, services, client)
    return [m for m in pact.emulator.messages(team.channel) if "Learning lab" in m["text"]]


def _button(message, action_id):
    return next(e for b in message["blocks"] if b["type"] == "actions" for e in b["elements"]
                if e["action_id"] == action_id)


def _buttons(message) -> list[str]:
    return [e["action_id"] for b in message["blocks"] if b["type"] == "actions"
            for e in b["elements"]]


def _controls_dm(emulator, user):
    """The presenter's DM with their skip and swap buttons (the latest one)."""
    return [m for m in emulator.dms(user) if "lab_skip" in _buttons(m)][-1]


def test_only_leads_set_up_a_lab_and_bad_cadence_shows_under_the_field(pact):
    team = make_team(pact.engine, pact.emulator)
    answer = pact.slack.command("lab setup", user=team.members[0], channel=team.channel).json()
    assert "Only the team's leads" in answer["text"]
    response = _setup(pact, team, cadence="sometimes")
    assert response.json()["response_action"] == "errors"
    assert "cadence" in response.json()["errors"]


def test_setup_announce_skip_swap_and_lab_listing(pact):
    emulator, engine = pact.emulator, pact.engine
    team = make_team(engine, emulator, members=3)
    lead_id = team.member_ids[team.lead]
    _objective(engine, lead_id, "A private plan item", visibility="private")
    _objective(engine, lead_id, "Window functions in SQL")
    _setup(pact, team)
    with session_scope(engine) as s:
        lab = s.exec(select(Lab)).one()
        assert lab.rule.startswith("every 2 weeks thu 15:00")
        assert lab.announce_days == 3 and lab.rotation_is_team
    posts = [m for m in emulator.messages(team.channel) if "Learning lab" in m["text"]]
    if not posts:  # the first session is far enough ahead: announced by the tick
        posts = _announce(pact, team)
    (post,) = posts
    body = str(post["blocks"])
    assert f"<@{team.lead}>" in body  # first in line: the lead joined first
    assert "Window functions in SQL" in body and "private plan item" not in body
    assert "<!date^" in body
    # Skip and swap are the presenter's, in their DM; the channel post keeps what anyone may
    # press.
    assert not {"lab_skip", "lab_swap", "lab_done"} & set(_buttons(post))
    mine = _controls_dm(emulator, team.lead)
    assert "lab_swap" in _buttons(mine)
    # The lead skips: the next person presents, the post changes in place, the thread says so.
    skip = _button(mine, "lab_skip")
    assert skip.get("confirm")
    pact.slack.block_action(user=team.lead, action_id="lab_skip", value=skip["value"],
                            channel=emulator.dm_channel(team.lead), message_ts=mine["ts"])
    pact.wait_idle()
    # The lead's DM loses its buttons for a line saying what happened; an older click is told.
    settled = next(m for m in emulator.dms(team.lead) if m["ts"] == mine["ts"])
    assert not _buttons(settled) and "You skipped this session" in str(settled["blocks"])
    pact.slack.block_action(user=team.lead, action_id="lab_skip", value=skip["value"],
                            channel=emulator.dm_channel(team.lead), message_ts=mine["ts"])
    pact.wait_idle()
    assert any(f"You no longer present this session: <@{team.members[0]}> does" in m["text"]
               for m in emulator.dms(team.lead))  # in their own DM: only they read it
    updated = next(m for m in emulator.messages(team.channel) if m["ts"] == post["ts"])
    second = team.members[0]
    assert f"<@{second}>" in str(updated["blocks"]) and updated["edited"]
    assert "topic to be announced" in str(updated["blocks"])
    thread = [m for m in emulator.messages(team.channel) if m.get("thread_ts") == post["ts"]]
    assert any("keeps their turn" in m["text"] for m in thread)
    assert any("/pact lab topic" in str(m["blocks"]) for m in emulator.dms(second))
    # Someone else cannot skip for them.
    pact.slack.block_action(user=team.members[1], action_id="lab_skip", value=skip["value"],
                            channel=team.channel, message_ts=post["ts"])
    pact.wait_idle()
    assert any("Only the presenter" in e["text"] for e in emulator.ephemerals(
        user=team.members[1]))
    # Swap: the presenter asks member 2 (from their own DM), who accepts.
    theirs = _controls_dm(emulator, second)
    pact.slack.block_action(user=second, action_id="lab_swap", value=skip["value"],
                            channel=emulator.dm_channel(second), message_ts=theirs["ts"])
    pact.wait_idle()
    swap_view = next(v for v in emulator.views().values() if v["callback_id"] == "lab_swap")
    third = team.members[1]
    pact.slack.view_submission(user=second, view=swap_view,
                               values={"other": {"value": {"type": "users_select",
                                                           "selected_user": third}}})
    pact.wait_idle()
    request = next(m for m in emulator.dms(third) if "swap" in m["text"])
    accept = _button(request, "lab_swap_accept")
    pact.slack.block_action(user=third, action_id="lab_swap_accept", value=accept["value"],
                            channel=emulator.dm_channel(third), message_ts=request["ts"])
    pact.wait_idle()
    updated = next(m for m in emulator.messages(team.channel) if m["ts"] == post["ts"])
    assert f"<@{third}>" in str(updated["blocks"])
    assert any("accepted" in m["text"] for m in emulator.dms(second))
    settled = next(m for m in emulator.dms(second) if m["ts"] == theirs["ts"])
    assert not _buttons(settled) and "Swapped" in str(settled["blocks"])
    assert "lab_skip" in _buttons(_controls_dm(emulator, third))
    # /pact lab lists the next sessions: this one with its presenter, then the line.
    answer = pact.slack.command("lab", user=team.members[2], channel=team.channel).json()
    listing = str(answer["blocks"])
    assert answer["response_type"] == "ephemeral" and f"<@{third}>" in listing
    assert listing.count("<!date^") == 4
    assert emulator.violations == []


def test_topic_command_and_done_records_progress(pact):
    emulator, engine = pact.emulator, pact.engine
    team = make_team(engine, emulator, members=1)
    lead_id = team.member_ids[team.lead]
    objective_id = _objective(engine, lead_id, "Terraform modules")
    _setup(pact, team)
    with session_scope(engine) as s:  # pretend the planned session has just been held
        lab = s.exec(select(Lab)).one()
        held = LabSession(lab_id=lab.id, starts_at=datetime.now(UTC) - timedelta(hours=1),
                          presenter_id=lead_id, objective_id=objective_id,
                          topic="Terraform modules")
        s.add(held)
        s.flush()
        held_id = held.id
    pact.slack.block_action(user=team.members[0], action_id="lab_done", value=str(held_id),
                            channel=team.channel, message_ts="1.000100")
    pact.wait_idle()
    assert any("Only the presenter or a team lead" in e["text"]
               for e in emulator.ephemerals(user=team.members[0]))
    pact.slack.block_action(user=team.lead, action_id="lab_done", value=str(held_id),
                            channel=team.channel, message_ts="1.000100")
    pact.wait_idle()
    with session_scope(engine) as s:
        assert s.get(LabSession, held_id).status == "done"
        (update,) = s.exec(select(ProgressUpdate).where(
            ProgressUpdate.objective_id == objective_id))
        assert "learning lab" in update.note
        (change,) = s.exec(select(PdpChange).where(PdpChange.objective_id == objective_id))
        assert "learning lab" in change.what  # the plan's history shows it too
    assert any("Recorded on your objective “Terraform modules”" in e["text"]
               for e in emulator.ephemerals(user=team.lead))
    answer = pact.slack.command("lab topic Intro to Rust", user=team.lead,
                                channel=team.channel).json()
    assert "Topic set" in answer["text"] or "no upcoming" in answer["text"]


def test_reminder_the_day_before_and_followup_after(pact):
    emulator, engine = pact.emulator, pact.engine
    team = make_team(engine, emulator, members=1)
    _setup(pact, team, cadence=_cadence_days_ahead(4), announce="2")
    if not [m for m in emulator.messages(team.channel) if "Learning lab" in m["text"]]:
        _announce(pact, team)
    services, client = services_for(engine, emulator), client_for(emulator)
    with session_scope(engine) as s:
        session = s.exec(select(LabSession)).one()
        reminder = s.exec(select(Schedule).where(Schedule.kind == "lab_reminder")).one()
        followup = s.exec(select(Schedule).where(Schedule.kind == "lab_followup")).one()
    berlin = ZoneInfo("Europe/Berlin")  # the day before at the same wall time, across DST too
    assert reminder.next_run_at.astimezone(berlin) == \
        (session.starts_at.astimezone(berlin) - timedelta(days=1)).replace(tzinfo=berlin)
    assert followup.next_run_at == session.starts_at + timedelta(minutes=60)
    tick(reminder.next_run_at, services, client)
    tick(followup.next_run_at, services, client)
    presenter_dms = [m["text"] for m in emulator.dms(team.lead)]
    assert any("tomorrow" in t for t in presenter_dms)
    assert any("Press Done" in t for t in presenter_dms)


def test_topic_made_private_after_it_was_picked_is_never_shown(pact):
    emulator, engine = pact.emulator, pact.engine
    team = make_team(engine, emulator, members=2)
    lead_id = team.member_ids[team.lead]
    objective_id = _objective(engine, lead_id, "Negotiation for promotion")
    _setup(pact, team)
    posts = [m for m in emulator.messages(team.channel) if "Learning lab" in m["text"]] \
        or _announce(pact, team)
    assert "Negotiation for promotion" in str(posts[0]["blocks"])
    with session_scope(engine) as s:  # the owner makes it private afterwards
        s.get(Objective, objective_id).visibility = "private"
    answer = pact.slack.command("lab", user=team.members[0], channel=team.channel).json()
    assert "Negotiation for promotion" not in str(answer)
    with session_scope(engine) as s:
        stored = s.exec(select(LabSession)).first()
        assert stored.topic == "" and stored.objective_id is None


def test_a_presenter_deactivated_after_planning_is_replaced_before_the_reminder(pact):
    from tests.test_tick import WS

    emulator, engine = pact.emulator, pact.engine
    team = make_team(engine, emulator, members=2)
    _setup(pact, team, cadence=_cadence_days_ahead(4), announce="2")
    posts = [m for m in emulator.messages(team.channel) if "Learning lab" in m["text"]] \
        or _announce(pact, team)
    (post,) = posts
    assert f"<@{team.lead}>" in str(post["blocks"])
    emulator.deactivate_user(team.lead)  # Slack tells Pact with a user_change event
    pact.slack.event({"type": "user_change", "user": {
        "id": team.lead, "team_id": WS, "name": "lead", "deleted": True,
        "tz": "Europe/Berlin"}})
    pact.wait_idle()
    with session_scope(engine) as s:
        reminder = s.exec(select(Schedule).where(Schedule.kind == "lab_reminder")).one()
    services, client = services_for(engine, emulator), client_for(emulator)
    tick(reminder.next_run_at, services, client)
    nxt = team.members[0]
    thread = [m["text"] for m in emulator.messages(team.channel)
              if m.get("thread_ts") == post["ts"]]
    assert thread == [f"Change of presenter: <@{nxt}> presents this session now."]
    updated = next(m for m in emulator.messages(team.channel) if m["ts"] == post["ts"])
    assert f"<@{nxt}>" in str(updated["blocks"]) and f"<@{team.lead}>" not in \
        str(updated["blocks"])  # the announcement shows the new presenter, edited in place
    assert any("tomorrow" in m["text"] for m in emulator.dms(nxt))
    assert not any("tomorrow" in m["text"] for m in emulator.dms(team.lead))
    with session_scope(engine) as s:
        assert s.exec(select(LabSession)).one().presenter_id == team.member_ids[nxt]
    assert emulator.violations == []


def test_lab_listing_leaves_out_someone_deactivated(pact):
    from tests.test_tick import WS

    emulator, engine = pact.emulator, pact.engine
    team = make_team(engine, emulator, members=2)
    _setup(pact, team)
    gone = team.members[1]
    listing = str(pact.slack.command("lab", user=team.lead, channel=team.channel).json())
    assert f"<@{gone}>" in listing
    emulator.deactivate_user(gone)
    pact.slack.event({"type": "user_change", "user": {
        "id": gone, "team_id": WS, "name": "gone", "deleted": True, "tz": "Europe/Berlin"}})
    pact.wait_idle()
    answer = pact.slack.command("lab", user=team.lead, channel=team.channel).json()
    assert f"<@{gone}>" not in str(answer["blocks"])
    assert str(answer["blocks"]).count("<!date^") == 4


def test_presenter_removed_from_the_team_the_announcement_changes_in_place(pact):
    from tests.test_teams import latest_view, set_up_team, team_values

    emulator, engine = pact.emulator, pact.engine
    lead, members, channel = set_up_team(pact)
    team = SimpleNamespace(lead=lead, members=members, channel=channel)
    _setup(pact, team, cadence=_cadence_days_ahead(2), announce="3")  # announced at once
    (post,) = [m for m in emulator.messages(channel) if m["text"].startswith("Learning lab ")
                                                      and not m.get("thread_ts")]
    assert f"<@{lead}>" in str(post["blocks"])
    mine = _controls_dm(emulator, lead)
    skip = _button(mine, "lab_skip")  # the lead passes: members[0] presents this time
    pact.slack.block_action(user=lead, action_id="lab_skip", value=skip["value"],
                            channel=emulator.dm_channel(lead), message_ts=mine["ts"])
    pact.wait_idle()
    gone = members[0]
    assert f"<@{gone}>" in str(next(m for m in emulator.messages(channel)
                                    if m["ts"] == post["ts"])["blocks"])
    pact.slack.command("team setup", user=lead, channel=channel)  # the lead removes them
    pact.slack.view_submission(user=lead, view=latest_view(pact, "team_setup"),
                               values=team_values(leads=[lead], members=[members[1]]))
    pact.wait_idle()
    tick(datetime.now(UTC), services_for(engine, emulator), client_for(emulator))
    updated = next(m for m in emulator.messages(channel) if m["ts"] == post["ts"])
    assert f"<@{gone}>" not in str(updated["blocks"])
    thread = [m["text"] for m in emulator.messages(channel) if m.get("thread_ts") == post["ts"]]
    assert any(t.startswith("Change of presenter") for t in thread)
    assert emulator.violations == []
