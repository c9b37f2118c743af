"""Skills and mentoring through Pact's signed endpoint and the Slack emulator: the profile
(seeded from the person's own plan, saved only for whoever submits), the team's matrix and
heatmap, a round with group-DM intros and reasons, the follow-up, pause/opt-out, refusals."""

from __future__ import annotations

from datetime import timedelta

from sqlmodel import select

from bot.playground.slack_requests import select_value, text_value
from bot.rules.nudges import next_nudge_at
from handlers.mentoring.skills import team_matrix
from storage.engine import session_scope
from storage.models import (
    Absence,
    Member,
    MemberSkill,
    MentorFollowup,
    MentorPair,
    MentorRound,
    Objective,
    OutboxMessage,
    Pact,
    Pdp,
    Schedule,
    SkillProfile,
)
from storage.types import utcnow
from tests.test_tick import WS, client_for, make_team, services_for, tick


def _modal(pact):
    pact.wait_idle()  # the profile opens right after the answer
    return [v for v in pact.emulator.views().values() if v["callback_id"] == "skills_profile"][-1]


def _save(pact, user, lines, visibility="team", capacity="1", view=None, picked=()):
    if view is None:
        pact.slack.command("skills", user=user)
        view = _modal(pact)
    values = {
        "skills": {"value": text_value(lines)},
        "skills_visibility": {"value": {"type": "radio_buttons",
                                        "selected_option": {"value": visibility}}},
        "skills_capacity": {"value": select_value(capacity)}}
    if picked:
        values["skills_pick"] = {"value": {"type": "multi_static_select", "selected_options": [
            {"value": p} for p in picked]}}
    response = pact.slack.view_submission(user=user, view=view, values=values)
    pact.wait_idle()
    return response


def _skills(engine, member_id):
    with session_scope(engine) as s:
        return {k.name: (k.level, k.can_mentor, k.want_learn) for k in s.exec(
            select(MemberSkill).where(MemberSkill.member_id == member_id))}


def _plan(engine, member_id, gaps, skill, visibility="private"):
    with session_scope(engine) as s:
        pdp = Pdp(owner_id=member_id, skill_gaps=gaps)
        s.add(pdp)
        s.flush()
        s.add(Objective(pdp_id=pdp.id, title="A secret objective title", skill=skill,
                        visibility=visibility, status="in_progress"))


def test_profile_is_seeded_from_own_plan_normalised_and_saved_only_for_the_submitter(pact):
    team = make_team(pact.engine, pact.emulator, members=1)
    lead, member = team.lead, team.members[0]
    _plan(pact.engine, team.member_ids[lead], "k8s, public speaking", "SQL")
    pact.slack.command("skills", user=lead)
    view = _modal(pact)
    field = next(b for b in view["blocks"] if b.get("block_id") == "skills")
    seeded = field["element"]["initial_value"]
    assert "Kubernetes 1 learn" in seeded and "SQL 1 learn" in seeded
    assert "secret objective" not in str(view)
    assert _save(pact, lead, "k8s 4 mentor\nSQL 2 learn").status == 200
    assert _skills(pact.engine, team.member_ids[lead]) == {
        "Kubernetes": (4, True, False), "SQL": (2, False, True)}
    # The member opens their own form: the team's spellings are offered back, as options;
    # one picked is added to learn in that spelling (unless the lines list it already).
    pact.slack.command("skills", user=member)
    offered = next(b for b in _modal(pact)["blocks"] if b.get("block_id") == "skills_pick")
    assert [o["value"] for o in offered["element"]["options"]] == ["Kubernetes", "SQL"]
    _save(pact, member, "SQL 3 mentor", picked=["SQL", "kubernetes"])
    assert _skills(pact.engine, team.member_ids[member]) == {
        "SQL": (3, True, False), "Kubernetes": (1, False, True)}
    # Someone submitting the lead's form saves *their own* profile, never the lead's.
    _save(pact, member, "kubernetes 1 learn", view=view)
    assert _skills(pact.engine, team.member_ids[lead])["Kubernetes"] == (4, True, False)
    assert _skills(pact.engine, team.member_ids[member]) == {"Kubernetes": (1, False, True)}
    # A line Pact cannot read shows under the field and changes nothing.
    bad = _save(pact, member, "just words")
    assert bad.json()["response_action"] == "errors" and "skills" in bad.json()["errors"]
    assert _skills(pact.engine, team.member_ids[member]) == {"Kubernetes": (1, False, True)}
    assert pact.emulator.violations == []


def _round(pact, team, user=None):
    """A lead runs a round; earlier rounds happened on an earlier day (a round asked for twice
    within minutes is one round: see the test of that)."""
    with session_scope(pact.engine) as s:
        for earlier in s.exec(select(MentorRound)):
            earlier.created_at -= timedelta(days=1)
    pact.slack.command("mentor round", user=user or team.lead, channel=team.channel)
    pact.wait_idle()


def test_the_same_round_command_twice_is_one_round(pact):
    emulator, engine = pact.emulator, pact.engine
    team = make_team(engine, emulator, members=1)
    _save(pact, team.lead, "SQL 5 mentor")
    _save(pact, team.members[0], "SQL 1 learn")
    first = pact.slack.command("mentor round", user=team.lead, channel=team.channel)
    again = pact.slack.command("mentor round", user=team.lead, channel=team.channel)
    pact.wait_idle()
    assert first.status == again.status == 200
    with session_scope(engine) as s:
        assert len(s.exec(select(MentorRound)).all()) == 1
        assert len(s.exec(select(MentorPair)).all()) == 1
    said = [r.get("text", "") for r in emulator.responses()] + [
        again.json().get("text", "") if again.body else ""]
    assert any("A mentor round was run in this channel less than a minute ago" in t
               for t in said)
    intros = [m for ch in emulator._channels.values() if ch.is_mpim
              for m in emulator.messages(ch.id)]
    assert len(intros) == 1


def _working_hours(pact):
    """Personal DMs wait for the recipient's working hours: run the tick then."""
    when = next_nudge_at(utcnow(), "Europe/Berlin") + timedelta(minutes=1)
    tick(when, services_for(pact.engine, pact.emulator), client_for(pact.emulator))


def test_a_round_introduces_pairs_in_a_group_dm_and_tells_the_unpaired_why(pact):
    emulator, engine = pact.emulator, pact.engine
    team = make_team(engine, emulator, members=3)
    lead, (a, b, c) = team.lead, team.members
    _save(pact, lead, "SQL 5 mentor")
    _save(pact, a, "SQL 1 learn")
    _save(pact, b, "SQL 3 learn")
    _save(pact, c, "Rust 1 learn")
    # A member cannot run a round.
    _round(pact, team, user=a)
    assert any("Only the team's leads" in r.get("text", "") for r in emulator.responses())
    with session_scope(engine) as s:
        assert s.exec(select(MentorRound)).all() == []
    _round(pact, team)
    opened = [c.args for c in emulator.calls_to("conversations.open")
              if "," in str(c.args.get("users"))]
    assert sorted(opened[0]["users"].split(",")) == sorted([lead, a])
    intro = [m for ch in emulator._channels.values() if ch.is_mpim
             for m in emulator.messages(ch.id)]
    assert len(intro) == 1 and "SQL" in intro[0]["text"] and f"<@{a}>" in intro[0]["text"]
    assert "mentor_skip" in str(intro[0]["blocks"])
    assert f"<@{lead}> can teach it (level 5) and <@{a}> wants to learn it (level 1)." in str(
        intro[0]["blocks"])
    _working_hours(pact)
    assert any("odd numbers" in m["text"] and "first in line" in m["text"]
               for m in emulator.dms(b))
    assert any("no one on your team can teach Rust yet" in m["text"] for m in emulator.dms(c))
    # Next round: the lead may not mentor `a` again (window 3); `b` was unpaired, goes first.
    _round(pact, team)
    with session_scope(engine) as s:
        last = s.exec(select(MentorRound).order_by(MentorRound.id.desc())).first()
        pairs = s.exec(select(MentorPair).where(MentorPair.round_id == last.id)).all()
        assert [(p.mentor_id, p.mentee_id) for p in pairs] == [
            (team.member_ids[lead], team.member_ids[b])]
    _working_hours(pact)
    assert any("paired with you in the last rounds" in m["text"] for m in emulator.dms(a))
    assert emulator.violations == []


def test_follow_up_after_ten_days_counts_answers_of_the_pair_only(pact):
    emulator, engine = pact.emulator, pact.engine
    team = make_team(engine, emulator, members=2)
    lead, (a, outsider) = team.lead, team.members
    _save(pact, lead, "Go 4 mentor")
    _save(pact, a, "golang 2 learn")
    _round(pact, team)
    assert not any("Did you meet" in m["text"] for m in emulator.dms(a))
    services, client = services_for(engine, emulator), client_for(emulator)
    tick(utcnow() + timedelta(days=9), services, client)  # not yet
    assert not any("Did you meet" in m["text"] for m in emulator.dms(a))
    later = next_nudge_at(utcnow() + timedelta(days=10), "Europe/Berlin") + timedelta(minutes=1)
    tick(later, services, client)
    asked = [m for m in emulator.dms(a) if "Did you meet" in m["text"]]
    assert len(asked) == 1 and any("Did you meet" in m["text"] for m in emulator.dms(lead))
    button = asked[0]["blocks"][1]["elements"][0]
    pact.slack.block_action(user=outsider, action_id="mentor_met_yes", value=button["value"],
                            channel=emulator.dm_channel(outsider))
    pact.slack.block_action(user=a, action_id="mentor_met_yes", value=button["value"],
                            channel=emulator.dm_channel(a))
    pact.wait_idle()
    with session_scope(engine) as s:
        answers = s.exec(select(MentorFollowup)).all()
        assert [(f.member_id, f.answer) for f in answers] == [(team.member_ids[a], "yes")]
    _round(pact, team)  # the lead sees the answers counted
    assert any("1 yes, 0 not yet, 0 no" in r.get("text", "") for r in emulator.responses())


def test_pause_opt_out_and_exclusion_keep_people_out_of_the_next_round(pact):
    emulator, engine = pact.emulator, pact.engine
    team = make_team(engine, emulator, members=3)
    lead, (a, b, c) = team.lead, team.members
    _save(pact, lead, "SQL 5 mentor", capacity="3")
    for person in (a, b, c):
        _save(pact, person, "SQL 1 learn")
    answer = pact.slack.command("mentor pause until 2999-01-01", user=a).json()
    assert "Paused" in answer["text"]
    pact.slack.command("mentor opt-out", user=b)
    assert "Only the team's leads" in pact.slack.command(
        f"mentor exclude <@{c}>", user=a, channel=team.channel).json()["text"]
    assert "sits out" in pact.slack.command(f"mentor exclude <@{c}>", user=lead,
                                            channel=team.channel).json()["text"]
    _round(pact, team)
    with session_scope(engine) as s:
        assert s.exec(select(MentorPair)).all() == []
    # Opting back in, and the exclusion was for one round only.
    pact.slack.command("mentor opt-in", user=b)
    _round(pact, team)
    with session_scope(engine) as s:
        mentees = {p.mentee_id for p in s.exec(select(MentorPair))}
        assert mentees == {team.member_ids[b], team.member_ids[c]}
        assert s.get(SkillProfile, team.member_ids[a]).paused_until is not None
    pact.slack.event({"type": "app_home_opened", "user": a, "tab": "home"})
    pact.wait_idle()
    assert "Paused until" in str(emulator.home_view(a))


def test_matrix_for_team_members_and_a_heatmap_png_only_to_the_asker(pact):
    emulator, engine = pact.emulator, pact.engine
    team = make_team(engine, emulator, members=13)
    _save(pact, team.lead, "SQL 5 mentor\nPython 4 mentor")
    _save(pact, team.members[0], "SQL 1 learn")
    _save(pact, team.members[1], "Python 2 learn", visibility="manager")
    stranger = emulator.add_user(name="stranger")
    refused = pact.slack.command("skills team", user=stranger, channel=team.channel).json()
    assert "Only the team's members" in refused["text"]
    answer = pact.slack.command("skills team", user=team.members[0], channel=team.channel)
    pact.wait_idle()
    body = str(answer.json()["blocks"])
    assert f"<@{team.lead}> 5" in body and f"<@{team.members[0]}>" in body
    assert f"<@{team.members[1]}>" not in body  # a manager-only profile stays out
    assert emulator.uploaded_files() == []  # a screenful: no heatmap
    # ...except for its owner and their manager (here the lead, as the plan names them).
    with session_scope(engine) as s:
        s.add(Pdp(owner_id=team.member_ids[team.members[1]],
                  manager_id=team.member_ids[team.lead]))
    for viewer in (team.lead, team.members[1]):
        shown = pact.slack.command("skills team", user=viewer, channel=team.channel)
        assert f"<@{team.members[1]}> 2" in str(shown.json()["blocks"])
    pact.wait_idle()
    for person in team.members[2:13]:
        _save(pact, person, "SQL 2 learn")
    pact.slack.command("skills team", user=team.members[0], channel=team.channel)
    pact.wait_idle()
    (png,) = emulator.uploaded_files()
    assert png["content"].startswith(b"\x89PNG\r\n\x1a\n")
    assert png["channels"] == [emulator.dm_channel(team.members[0])]
    assert emulator.violations == []


def test_book_a_time_is_shown_to_both_and_only_the_pair_may_book(pact):
    emulator, engine = pact.emulator, pact.engine
    team = make_team(engine, emulator, members=2)
    lead, (a, outsider) = team.lead, team.members
    assert "Only the team's leads" in pact.slack.command(
        "mentor window 0", user=a, channel=team.channel).json()["text"]
    assert "may repeat" in pact.slack.command(
        "mentor window 0", user=lead, channel=team.channel).json()["text"]
    _save(pact, lead, "Python 5 mentor")
    _save(pact, a, "py 2 learn")
    _round(pact, team)
    (group,) = [ch.id for ch in emulator._channels.values() if ch.is_mpim]
    (intro,) = emulator.messages(group)
    book = next(e for b in intro["blocks"] if b["type"] == "actions" for e in b["elements"]
                if e["action_id"] == "mentor_book")
    pact.slack.block_action(user=a, action_id="mentor_book", value=book["value"],
                            channel=group, message_ts=intro["ts"])
    pact.wait_idle()  # the form opens right after the click is answered
    view = [v for v in emulator.views().values() if v["callback_id"] == "mentor_book"][-1]
    forged = pact.slack.view_submission(user=outsider, view=view,
                                        values={"when": {"value": text_value("Now")}})
    assert "Only the two people" in forged.json()["errors"]["when"]
    pact.slack.view_submission(user=a, view=view,
                               values={"when": {"value": text_value("Thu 14:00 <b>")}})
    pact.wait_idle()
    booked = [m for m in emulator.messages(group) if "booked" in m["text"]]
    assert len(booked) == 1 and "Thu 14:00 &lt;b&gt;" in booked[0]["text"]
    # Skip this round: only the pair may; their "Did you meet?" DMs are then not sent.
    skip = next(e for b in intro["blocks"] if b["type"] == "actions" for e in b["elements"]
                if e["action_id"] == "mentor_skip")
    assert skip.get("confirm")
    pact.slack.block_action(user=outsider, action_id="mentor_skip", value=skip["value"],
                            channel=group, message_ts=intro["ts"])
    pact.slack.block_action(user=a, action_id="mentor_skip", value=skip["value"],
                            channel=group, message_ts=intro["ts"])
    pact.wait_idle()
    def told(user):
        return [m["text"] for m in (*emulator.ephemerals(user=user), *emulator.dms(user))]
    assert any("Only the two people" in t for t in told(outsider))
    assert any("Skipped" in t for t in told(a))
    assert [m["text"] for m in emulator.messages(group) if "skipped" in m["text"]] == [
        f"<@{a}> skipped this round's mentoring on Python with <@{lead}>; you'll both be "
        "matched again next round."]
    with session_scope(engine) as s:
        followups = s.exec(select(OutboxMessage).where(
            OutboxMessage.kind == "mentor_followup")).all()
        assert followups and {m.status for m in followups} == {"skipped"}
    # Window 0: the same pair may meet again in the very next round.
    _round(pact, team)
    with session_scope(engine) as s:
        assert len(s.exec(select(MentorPair)).all()) == 2
    assert emulator.violations == []


def test_a_scheduled_round_runs_from_the_tick_and_introduces_in_one_group_dm(pact):
    emulator, engine = pact.emulator, pact.engine
    team = make_team(engine, emulator, members=2)
    lead, (a, b) = team.lead, team.members
    _save(pact, lead, "SQL 5 mentor", capacity="2")
    _save(pact, a, "SQL 1 learn")
    _save(pact, b, "SQL 2 learn")
    assert "Only the team's leads" in pact.slack.command(
        "mentor schedule biweekly", user=a, channel=team.channel).json()["text"]
    answer = pact.slack.command("mentor schedule biweekly", user=lead, channel=team.channel)
    assert "runs biweekly" in answer.json()["text"]
    with session_scope(engine) as s:
        row = s.exec(select(Schedule).where(Schedule.kind == "mentor_round")).one()
        assert row.rule.startswith("every 2 weeks mon 10:00") and row.tz == "Europe/Berlin"
        due = row.next_run_at
    tick(due, services_for(engine, emulator), client_for(emulator))
    # One group DM of the mentor and both mentees, as a round a lead runs: nobody's own DM.
    (group,) = [ch for ch in emulator._channels.values() if ch.is_mpim]
    (intro,) = emulator.messages(group.id)
    assert all(f"<@{u}>" in intro["text"] for u in (lead, a, b)) and "SQL" in intro["text"]
    assert not any(m["text"].startswith("Mentor round") for u in (lead, a, b)
                   for m in emulator.dms(u))
    opened = [c.args["users"] for c in emulator.calls_to("conversations.open")
              if "," in str(c.args.get("users"))]
    assert [sorted(u.split(",")) for u in opened] == [sorted([lead, a, b])]
    with session_scope(engine) as s:
        assert {p.channel_id for p in s.exec(select(MentorPair))} == {group.id}
        sent = s.exec(select(OutboxMessage).where(OutboxMessage.kind == "mentor_intro")).one()
        assert sent.status == "sent" and sent.sent_channel == group.id
    # The lead is told what a round they ran would have said, in their working hours.
    _working_hours(pact)
    assert any(m["text"].startswith("Scheduled mentor round of Growth: 2 pairs introduced.")
               for m in emulator.dms(lead))
    # A time booked from that intro is posted in that group DM.
    book = next(e for blk in intro["blocks"] if blk["type"] == "actions"
                for e in blk["elements"] if e["action_id"] == "mentor_book")
    pact.slack.block_action(user=a, action_id="mentor_book", value=book["value"],
                            channel=group.id, message_ts=intro["ts"])
    pact.wait_idle()
    view = [v for v in emulator.views().values() if v["callback_id"] == "mentor_book"][-1]
    pact.slack.view_submission(user=a, view=view, values={"when": {"value": text_value("Fri")}})
    pact.wait_idle()
    assert [m["text"] for m in emulator.messages(group.id) if "booked" in m["text"]] == [
        f"<@{a}> booked your first session on SQL: Fri"]
    with session_scope(engine) as s:
        assert len(s.exec(select(MentorPair)).all()) == 2
        assert s.exec(select(Schedule).where(Schedule.kind == "mentor_round")).one() \
            .next_run_at > due
    pact.slack.event({"type": "app_home_opened", "user": a, "tab": "home"})
    pact.wait_idle()
    home = str(emulator.home_view(a))
    assert "Your mentoring" in home and f"your mentor is <@{lead}> on SQL" in home
    assert "Next mentor round (Growth): <!date^" in home
    assert "off" in pact.slack.command("mentor schedule off", user=lead,
                                       channel=team.channel).json()["text"]
    assert emulator.violations == []


def test_people_away_take_no_part_and_the_lead_sees_why_among_the_unpaired(pact):
    emulator, engine = pact.emulator, pact.engine
    team = make_team(engine, emulator, members=4)
    lead, (a, b, c, d) = team.lead, team.members
    _save(pact, lead, "SQL 5 mentor", capacity="3")
    for person in (a, b, c):
        _save(pact, person, "SQL 1 learn")
    _save(pact, d, "Rust 1 learn")
    # `a` says they are away; `b`'s Slack status says so (as Pact last read it).
    back = (utcnow() + timedelta(days=7)).date().isoformat()
    assert "away" in pact.slack.command(f"away until {back}", user=a).json()["text"].lower()
    with session_scope(engine) as s:
        s.add(Absence(member_id=team.member_ids[b], workspace_id=WS, status_away=True,
                      status_label=":palm_tree: Vacationing", status_checked_at=utcnow()))
    pact.slack.command("mentor pause", user=c)
    _round(pact, team)
    with session_scope(engine) as s:
        assert s.exec(select(MentorPair)).all() == []
    (summary,) = [r["text"] for r in emulator.responses()
                  if "Mentor round of" in r.get("text", "")]
    assert "Without a pair (each told why, first in line next round): " in summary
    assert f"<@{d}> (nobody can teach Rust yet)" in summary
    assert f"<@{lead}> (nobody wants to learn what they teach)" in summary
    assert f"away: <@{a}> (until <!date^" in summary and f", <@{b}>" in summary
    assert f"paused: <@{c}>" in summary
    _working_hours(pact)
    assert not any("No mentor pair" in m["text"] for m in emulator.dms(a) + emulator.dms(b))
    pact.slack.event({"type": "app_home_opened", "user": a, "tab": "home"})
    pact.wait_idle()
    assert "You are away, so mentor rounds leave you out until <!date^" in str(
        emulator.home_view(a))
    # Back from the absence: `a` is paired in the next round.
    pact.slack.command("away off", user=a)
    _round(pact, team)
    with session_scope(engine) as s:
        assert [p.mentee_id for p in s.exec(select(MentorPair))] == [team.member_ids[a]]
    assert emulator.violations == []


def test_a_pair_that_met_becomes_a_pact_in_one_click_once_with_both_told(pact):
    emulator, engine = pact.emulator, pact.engine
    team = make_team(engine, emulator, members=3)
    lead, (a, b, outsider) = team.lead, team.members
    _save(pact, lead, "SQL 5 mentor", capacity="2")
    _save(pact, a, "SQL 1 learn")
    _save(pact, b, "SQL 2 learn")
    _plan(engine, team.member_ids[a], "", "sql", visibility="team")  # the lead may see it
    _plan(engine, team.member_ids[b], "", "SQL")  # private: the lead may not
    _round(pact, team)
    later = next_nudge_at(utcnow() + timedelta(days=10), "Europe/Berlin") + timedelta(minutes=1)
    tick(later, services_for(engine, emulator), client_for(emulator))

    def pact_button(user):
        (dm,) = [m for m in emulator.dms(user) if "Did you meet" in m["text"]]
        return next(e for blk in dm["blocks"] if blk["type"] == "actions"
                    for e in blk["elements"] if e["action_id"] == "mentor_pact")

    def told(user):
        return [m["text"] for m in (*emulator.ephemerals(user=user), *emulator.dms(user))]

    def click(user, button):
        pact.slack.block_action(user=user, action_id="mentor_pact", value=button["value"],
                                channel=emulator.dm_channel(user))
        pact.wait_idle()

    assert pact_button(a)["text"]["text"] == "We met: make it a pact"
    click(outsider, pact_button(a))
    assert any("Only the two people" in t for t in told(outsider))
    # b's objective on SQL is private: no pact, and nothing of it is shown.
    click(b, pact_button(b))
    assert any("Your plan has no open objective on SQL that your mentor may see" in t
               for t in told(b))
    with session_scope(engine) as s:
        assert s.exec(select(Pact)).all() == []
    click(a, pact_button(a))
    with session_scope(engine) as s:
        (made,) = s.exec(select(Pact)).all()
        assert (made.owner_id, made.supporter_id, made.status, made.cadence) == (
            team.member_ids[a], team.member_ids[lead], "active", "biweekly")
        assert s.get(Objective, made.objective_id).skill == "sql"
        pair = s.exec(select(MentorPair).where(
            MentorPair.mentee_id == team.member_ids[a])).one()
        assert pair.pact_id == made.id
        assert s.get(MentorFollowup, (pair.id, team.member_ids[a])).answer == "yes"
    assert any(f"Your mentor pair with <@{lead}> on SQL is now a pact: <@{lead}> supports you "
               "on *A secret objective title*" in t for t in told(a))
    assert any(f"Your mentor pair with <@{a}> on SQL is now a pact: you support them" in t
               for t in told(lead))
    # Made at once: no offer waiting for an Accept click, no second "agreed" DM.
    assert not any("offers to help" in t or "agreed" in t for t in told(a) + told(lead))
    # Once only: the mentor's own click (or a second one) changes nothing.
    click(lead, next(
        e for m in emulator.dms(lead) if f"<@{a}>" in m["text"] and "Did you meet" in m["text"]
        for blk in m["blocks"] if blk["type"] == "actions" for e in blk["elements"]
        if e["action_id"] == "mentor_pact"))
    click(a, pact_button(a))
    with session_scope(engine) as s:
        assert len(s.exec(select(Pact)).all()) == 1
    assert sum("is a pact already" in t for t in told(lead) + told(a)) == 2
    assert sum("is now a pact" in t for t in told(lead) + told(a)) == 2
    assert emulator.violations == []


def test_the_matrix_puts_the_skills_a_round_can_use_first_and_people_by_name(pact):
    emulator, engine = pact.emulator, pact.engine
    team = make_team(engine, emulator, members=2)
    lead, (a, b) = team.lead, team.members
    with session_scope(engine) as s:
        for user, name in ((lead, "Zoe"), (a, "adam"), (b, "Mia")):
            member = s.get(Member, team.member_ids[user])
            member.display_name = name
            s.add(member)
    _save(pact, lead, "Zig 4 mentor\nGo 5 mentor\nExcel 3 mentor")
    _save(pact, a, "Zig 1 learn\nGo 2 learn\nAccounting 1 learn")
    _save(pact, b, "Go 1 learn\nExcel 4 mentor")
    answer = pact.slack.command("skills team", user=a, channel=team.channel).json()
    rows = [blk["text"]["text"] for blk in answer["blocks"] if blk["type"] == "section"]
    assert [r.split("*")[1] for r in rows] == ["Go", "Zig", "Excel", "Accounting"]
    assert rows[0] == (f"*Go* · 1 can mentor: <@{lead}> 5 · 2 want to learn: <@{a}> 2, "
                       f"<@{b}> 1")
    assert rows[2].startswith(f"*Excel* · 2 can mentor: <@{b}> 4, <@{lead}> 3 · 0 want")
    with session_scope(engine) as s:
        found = team_matrix(s, WS, team.channel, a)
        assert found.people == [a, b, lead]  # adam, Mia, Zoe
        assert [found.names[p] for p in found.people] == ["adam", "Mia", "Zoe"]


def test_a_group_dm_slack_would_not_open_at_once_is_opened_by_the_outbox(pact):
    emulator, engine = pact.emulator, pact.engine
    team = make_team(engine, emulator, members=1)
    lead, a = team.lead, team.members[0]
    _save(pact, lead, "SQL 5 mentor")
    _save(pact, a, "SQL 1 learn")
    emulator.fail_next("conversations.open", error="internal_error")
    _round(pact, team)
    (group,) = [ch for ch in emulator._channels.values() if ch.is_mpim]
    (intro,) = emulator.messages(group.id)
    assert f"<@{a}>" in intro["text"] and "SQL" in intro["text"]
    opened = [c for c in emulator.calls_to("conversations.open") if "," in str(c.args["users"])]
    assert len(opened) == 2  # refused once at the round, then opened by the outbox
    with session_scope(engine) as s:
        assert [p.channel_id for p in s.exec(select(MentorPair))] == [group.id]
    assert emulator.violations == []


def test_a_pair_whose_mentor_supports_the_objective_already_keeps_that_pact(pact):
    emulator, engine = pact.emulator, pact.engine
    team = make_team(engine, emulator, members=1)
    lead, a = team.lead, team.members[0]
    _save(pact, lead, "SQL 5 mentor")
    _save(pact, a, "SQL 1 learn")
    _plan(engine, team.member_ids[a], "", "SQL", visibility="team")
    with session_scope(engine) as s:
        objective = s.exec(select(Objective)).one()
        s.add(Pact(workspace_id=WS, owner_id=team.member_ids[a],
                   supporter_id=team.member_ids[lead], objective_id=objective.id,
                   origin="offer", status="active"))
    _round(pact, team)
    later = next_nudge_at(utcnow() + timedelta(days=10), "Europe/Berlin") + timedelta(minutes=1)
    tick(later, services_for(engine, emulator), client_for(emulator))
    (dm,) = [m for m in emulator.dms(a) if "Did you meet" in m["text"]]
    button = next(e for blk in dm["blocks"] if blk["type"] == "actions"
                  for e in blk["elements"] if e["action_id"] == "mentor_pact")
    pact.slack.block_action(user=a, action_id="mentor_pact", value=button["value"],
                            channel=emulator.dm_channel(a))
    pact.wait_idle()
    with session_scope(engine) as s:
        (existing,) = s.exec(select(Pact)).all()
        assert s.exec(select(MentorPair)).one().pact_id == existing.id
    assert any("is a pact already" in m["text"] for m in emulator.dms(a))
    assert emulator.violations == []
