"""`/pact team setup` and `/pact team`, through the signed endpoint and the Slack emulator."""

from __future__ import annotations

from sqlmodel import select

from bot.playground.emulator import check_message_blocks, check_view
from bot.playground.slack_requests import select_value, text_value, time_value, users_value
from handlers.teams.blocks import team_setup_modal, team_summary
from storage.engine import session_scope
from storage.models import Member, Team, TeamMembership
from storage.queries import teams as tq


def latest_view(pact, callback_id: str) -> dict:
    pact.wait_idle()  # modals open right after the answer
    views = [v for v in pact.emulator.views().values() if v.get("callback_id") == callback_id]
    assert views, f"no {callback_id} view open"
    return views[-1]


def team_values(name="Platform", leads=(), members=(), tz="Europe/Berlin", weekday="tue",
                time="09:30") -> dict:
    return {"name": {"name": text_value(name)}, "leads": {"leads": users_value(list(leads))},
            "members": {"members": users_value(list(members))}, "tz": {"tz": select_value(tz)},
            "weekday": {"weekday": select_value(weekday)}, "time": {"time": time_value(time)}}


def set_up_team(pact, *, lead=None, members=None, channel=None, **values):
    """A team created the way a lead does it: the command, then the modal. Returns ids."""
    emu = pact.emulator
    lead = lead or emu.add_user(name="lena", tz="Europe/Berlin")
    members = members if members is not None else [emu.add_user(name="max"),
                                                   emu.add_user(name="ola")]
    channel = channel or emu.add_channel(name="platform-team", members=[lead, *members])
    response = pact.slack.command("team setup", user=lead, channel=channel)
    assert response.status == 200, response.body
    pact.wait_idle()
    view = latest_view(pact, "team_setup")
    answer = pact.slack.view_submission(user=lead, view=view, values=team_values(
        leads=[lead], members=members, **values))
    assert answer.status == 200 and answer.body in ("", None), answer.body
    pact.wait_idle()
    return lead, members, channel


def test_setup_prefills_humans_and_timezone_then_saves(pact):
    emu = pact.emulator
    lead = emu.add_user(name="lena", tz="Asia/Tokyo")
    alice = emu.add_user(name="alice")
    helper_bot = emu.add_user(name="deploybot", is_bot=True)
    gone = emu.add_user(name="gone", deleted=True)
    channel = emu.add_channel(name="growth", members=[lead, alice, helper_bot, gone,
                                                      emu.bot_user_id])
    response = pact.slack.command("team setup", user=lead, channel=channel)
    assert response.status == 200 and response.body == ""
    view = latest_view(pact, "team_setup")
    assert check_view(view) == []
    blocks = {b.get("block_id"): b for b in view["blocks"]}
    assert blocks["members"]["element"]["initial_users"] == [alice]
    assert blocks["leads"]["element"]["initial_users"] == [lead]
    tz = blocks["tz"]["element"]
    assert tz["type"] == "static_select" and tz["initial_option"]["value"] == "Asia/Tokyo"
    offered = [o["value"] for g in tz["option_groups"] for o in g["options"]]
    assert {"Europe/Berlin", "America/New_York", "UTC"} <= set(offered)
    assert all(len(g["options"]) <= 100 for g in tz["option_groups"])

    answer = pact.slack.view_submission(user=lead, view=view, values=team_values(
        name="Growth", leads=[lead], members=[alice], tz="Asia/Tokyo"))
    assert answer.status == 200 and answer.body == ""
    pact.wait_idle()
    with session_scope(pact.engine) as s:
        team = tq.team_for_channel(s, emu.team_id, channel)
        assert (team.name, team.tz, team.checkin_weekday, team.checkin_time) == \
            ("Growth", "Asia/Tokyo", "tue", "09:30")
        roles = {m.slack_user_id: r for m, r in tq.team_members(s, team.id)}
        assert roles == {lead: "lead", alice: "member"}
    posted = emu.messages(channel)
    assert "Growth" in posted[-1]["text"]
    assert emu.violations == []


def test_team_command_shows_the_team(pact):
    lead, members, channel = set_up_team(pact)
    answer = pact.slack.command("team", user=members[0], channel=channel).json()
    assert answer["response_type"] == "ephemeral"
    text = str(answer["blocks"])
    assert "Platform" in text and f"<@{lead}>" in text and f"<@{members[1]}>" in text
    assert "Tuesdays at 09:30 (Europe/Berlin)" in text
    assert check_message_blocks(answer["blocks"]) == []


def test_team_commands_without_a_team_say_how_to_set_one_up(pact):
    user = pact.emulator.add_user(name="nia")
    channel = pact.emulator.add_channel(name="random", members=[user])
    for command in ("team", "goal list", "goal new", "goal update"):
        answer = pact.slack.command(command, user=user, channel=channel).json()
        assert answer["response_type"] == "ephemeral"
        assert "/pact team setup" in answer["text"], command


def test_running_setup_again_edits_and_reports_who_left(pact):
    left = []
    pact.services.on("member_left_team", lambda s, team, member: left.append(member.slack_user_id))
    saved = []
    pact.services.on("team_saved", lambda s, team: saved.append(team.name))
    lead, members, channel = set_up_team(pact)
    pact.slack.command("team setup", user=lead, channel=channel)
    view = latest_view(pact, "team_setup")
    blocks = {b.get("block_id"): b for b in view["blocks"]}
    assert blocks["name"]["element"]["initial_value"] == "Platform"
    assert set(blocks["members"]["element"]["initial_users"]) == set(members)
    pact.slack.view_submission(user=lead, view=view, values=team_values(
        name="Platform Core", leads=[lead, members[0]], members=[]))
    pact.wait_idle()
    assert left == [members[1]]
    assert saved == ["Platform", "Platform Core"]
    with session_scope(pact.engine) as s:
        team = s.exec(select(Team)).one()
        assert team.name == "Platform Core"
        assert len(s.exec(select(Team)).all()) == 1
        roles = {m.slack_user_id: r for m, r in tq.team_members(s, team.id)}
    assert roles == {lead: "lead", members[0]: "lead"}


def test_only_leads_and_admins_may_edit_the_team(pact):
    lead, members, channel = set_up_team(pact)
    answer = pact.slack.command("team setup", user=members[0], channel=channel).json()
    assert answer["response_type"] == "ephemeral"
    assert "Only this team's leads" in answer["text"] and f"<@{lead}>" in answer["text"]
    assert [v for v in pact.emulator.views().values()
            if v["callback_id"] == "team_setup"].__len__() == 1  # only the lead's first form

    # A forged submission (the form opened by the lead, submitted as a member) changes nothing.
    view = latest_view(pact, "team_setup")
    answer = pact.slack.view_submission(user=members[0], view=view, values=team_values(
        name="Hijacked", leads=[members[0]], members=[]))
    assert answer.json()["response_action"] == "errors"
    assert "Only this team's leads" in answer.json()["errors"]["name"]
    with session_scope(pact.engine) as s:
        assert s.exec(select(Team)).one().name == "Platform"

    admin = pact.emulator.add_user(name="root", is_admin=True)
    assert pact.slack.command("team setup", user=admin, channel=channel).body == ""
    pact.wait_idle()
    assert len([v for v in pact.emulator.views().values()
                if v["callback_id"] == "team_setup"]) == 2


def test_setup_validation_errors(pact):
    emu = pact.emulator
    lead = emu.add_user(name="lena")
    channel = emu.add_channel(members=[lead])
    pact.slack.command("team setup", user=lead, channel=channel)
    view = latest_view(pact, "team_setup")
    answer = pact.slack.view_submission(user=lead, view=view, values=team_values(
        name=" ", leads=[], tz="Mars/Olympus"))
    errors = answer.json()["errors"]
    assert set(errors) == {"name", "leads", "tz"}
    with session_scope(pact.engine) as s:
        assert s.exec(select(Team)).all() == []


def test_private_channel_without_pact_says_how_to_invite(pact):
    emu = pact.emulator
    lead = emu.add_user(name="lena")
    channel = emu.add_channel(name="secret", members=[lead], is_private=True, bot_is_member=False)
    assert pact.slack.command("team setup", user=lead, channel=channel).body == ""
    pact.wait_idle()  # Slack says after the answer that Pact is not in the channel
    (said,) = emu.responses()
    assert said["response_type"] == "ephemeral" and "/invite @Pact" in said["text"]
    assert emu.views() == {}


def test_public_channel_without_pact_says_how_to_invite_before_the_form(pact):
    emu = pact.emulator
    lead = emu.add_user(name="lena")
    channel = emu.add_channel(name="open", members=[lead], bot_is_member=False)
    assert pact.slack.command("team setup", user=lead, channel=channel).body == ""
    pact.wait_idle()  # Slack says after the answer that Pact is not in the channel
    (said,) = emu.responses()
    assert said["response_type"] == "ephemeral" and "/invite @Pact" in said["text"]
    assert emu.views() == {}  # no form to fill in for nothing
    with session_scope(pact.engine) as s:
        assert tq.team_for_channel(s, emu.team_id, channel) is None


def test_setup_in_a_dm_is_refused(pact):
    user = pact.emulator.add_user(name="lena")
    answer = pact.slack.command("team setup", user=user, channel="D0SOMEDM01").json()
    assert "team's channel" in answer["text"]


def test_new_members_are_stored_with_their_timezone(pact):
    emu = pact.emulator
    far = emu.add_user(name="far", tz="Pacific/Auckland")
    lead, _, _ = set_up_team(pact, members=[far])
    with session_scope(pact.engine) as s:
        member = s.exec(select(Member).where(Member.slack_user_id == far)).one()
        assert member.tz == "Pacific/Auckland"
        assert s.exec(select(TeamMembership).where(TeamMembership.member_id == member.id)).one()


def test_team_blocks_are_valid_with_many_people():
    people = [f"U{i:09d}" for i in range(300)]
    view = team_setup_modal(channel_id="C1", name="x" * 200, leads=people[:5], members=people,
                            tz="UTC", weekday="fri", time="16:00", editing=True)
    assert check_view(view) == []
    answer = team_summary(name="T", channel_id="C1", leads=people[:5], members=people, tz="UTC",
                          weekday="fri", time="16:00", goals=[("g" * 300, 50)] * 30)
    assert check_message_blocks(answer["blocks"]) == []




def test_forged_channel_in_the_setup_form_is_refused_and_creates_nothing(pact):
    import json

    emu = pact.emulator
    lead = emu.add_user(name="mallory")
    own = emu.add_channel(name="mallory-team", members=[lead])
    someone_elses = emu.add_channel(name="finance", members=[emu.add_user(name="fin")])
    pact.slack.command("team setup", user=lead, channel=own)
    pact.wait_idle()
    view = dict(latest_view(pact, "team_setup"))
    import base64

    _, mac = view["private_metadata"].rsplit(".", 1)
    other = base64.urlsafe_b64encode(json.dumps({"channel": someone_elses}).encode()).decode()
    for forged in (json.dumps({"channel": someone_elses}), "", f"{other}.{mac}"):
        view["private_metadata"] = forged
        answer = pact.slack.view_submission(user=lead, view=view,
                                            values=team_values(leads=[lead]))
        assert answer.json()["response_action"] == "errors"
        assert "out of date" in answer.json()["errors"]["name"]
    pact.wait_idle()
    with session_scope(pact.engine) as s:
        assert s.exec(select(Team)).all() == []
    assert emu.messages(someone_elses) == []


def test_timezone_select_keeps_a_stored_alias_and_stays_within_slacks_limits():
    from handlers.teams.blocks import timezone_select

    legacy = timezone_select("US/Eastern")
    assert legacy["initial_option"]["value"] == "US/Eastern"
    assert legacy["option_groups"][-1]["options"] == [legacy["initial_option"]]
    values = [o["value"] for g in legacy["option_groups"] for o in g["options"]]
    assert len(values) == len(set(values)) > 300
    assert len(legacy["option_groups"]) <= 100
    assert all(len(g["options"]) <= 100 and len(g["label"]["text"]) <= 75
               for g in legacy["option_groups"])
    modal = team_setup_modal(channel_id="C1", name="Platform", leads=["U1"], members=[],
                             tz="", weekday="mon", time="10:00", editing=False)
    assert check_view(modal) == []
    assert next(b for b in modal["blocks"] if b.get("block_id") == "tz")["element"][
        "initial_option"]["value"] == "UTC"
