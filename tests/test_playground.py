"""The playground without a browser: Pact's real app driven as a Slack client drives it, what each
person sees, time travel, the web app's address, and `pact run` without Slack."""

from __future__ import annotations

import io
import json
import os
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from datetime import UTC, datetime, timedelta

import pytest

from bot.playground import demo, surfaces
from bot.playground.demo import LEAD, MANAGER, MEMBERS, TEAM_CHANNEL, fill
from bot.playground.run import no_slack_configured
from bot.playground.web import next_monday_10, serve
from bot.playground.world import Playground


@pytest.fixture
def pg(database_url):
    playground = Playground(database_url).start()
    demo.add_people(playground)
    yield playground
    playground.stop()


def _team(pg):
    pg.command(LEAD, TEAM_CHANNEL, "team setup")
    fill(pg, LEAD, {"name": "Platform", "leads": [LEAD], "members": list(MEMBERS),
                    "tz": "Europe/Berlin", "weekday": "mon", "time": "10:00"})


def test_an_answer_to_one_person_is_only_visible_to_them(pg):
    pg.command(MEMBERS[0], TEAM_CHANNEL, "help")
    mine = surfaces.conversation(pg, MEMBERS[0], TEAM_CHANNEL)
    assert "Only visible to you" in mine and "/pact team setup" in mine
    assert "Only visible to you" not in surfaces.conversation(pg, MEMBERS[1], TEAM_CHANNEL)
    assert pg.problems == []


def test_a_refused_field_shows_under_it_and_the_modal_stays(pg):
    _team(pg)
    pg.command(LEAD, TEAM_CHANNEL, "goal new")
    view = pg.modal_of(LEAD)
    assert view["callback_id"] == "goal_form"
    pg.submit(LEAD, view["id"], {"title": {"title": ""}})
    shown = surfaces.modal(pg, LEAD)
    assert 'class="block input has-error" data-block-id="title"' in shown
    assert pg.modal_of(LEAD)["id"] == view["id"]
    pg.close(LEAD, view["id"])
    assert surfaces.modal(pg, LEAD) is None


def test_a_plan_form_updates_into_the_summary_and_an_objective_is_pushed_on_it(pg):
    owner = MEMBERS[0]
    pg.command(owner, pg.emulator.dm_channel(owner), "pdp")
    first = pg.modal_of(owner)
    fill(pg, owner, {"aspiration": "Lead a team", "aspiration_visibility": "manager",
                     "skill_gaps": "Speaking", "skill_gaps_visibility": "private",
                     "manager": MANAGER, "cadence": "3"})
    summary = pg.modal_of(owner)
    assert summary["id"] == first["id"] and summary["callback_id"] == "pdp_summary"
    demo.press_in_modal(pg, owner, "pdp_add_objective")
    pushed = pg.modal_of(owner)
    assert pushed["callback_id"] == "pdp_objective" and pushed["root_view_id"] == first["id"]
    pg.close(owner, pushed["id"])  # back to the summary, as in Slack
    assert pg.modal_of(owner)["id"] == summary["id"]


def test_moving_the_clock_runs_the_check_in(pg):
    _team(pg)
    pg.command(LEAD, TEAM_CHANNEL, "goal new")
    fill(pg, LEAD, {"title": "Everyone certified", "metric": "people", "baseline": "0",
                    "target": "6", "unit": "people", "due": "2027-06-30",
                    "ms_title_0": "Half of us", "ms_date_0": "2027-03-01"})
    before = pg.now()
    pg.advance(to=next_monday_10(pg.now(), "Europe/Berlin"))
    assert pg.now() > before
    texts = [m["text"] for m in pg.emulator.messages(TEAM_CHANNEL)]
    assert any(t.startswith("Check-in for Platform: Everyone certified") for t in texts), texts
    assert "Check-in" in surfaces.conversation(pg, MEMBERS[2], TEAM_CHANNEL)


def test_the_demo_world_looks_alive_over_weeks_and_every_surface_renders(pg):
    demo.seed(pg)
    assert pg.problems == []
    channel = surfaces.conversation(pg, LEAD, TEAM_CHANNEL)
    assert "Everyone certified in Kubernetes" in channel and "▰" in channel
    assert "Learning lab" in channel
    pg.open_home(MEMBERS[0])
    home = surfaces.home(pg, MEMBERS[0])
    assert "Run a sprint review" in home
    everything = channel + home + "".join(
        surfaces.conversation(pg, p.id, pg.emulator.dm_channel(p.id)) for p in demo.PEOPLE)
    assert "unknown" not in everything and "[" not in everything.replace("[<", "")
    assert len({p.tz for p in demo.PEOPLE if p.role == "member"}) >= 4
    _weeks_of_history(pg)
    pg.command(LEAD, TEAM_CHANNEL, "skills team")  # the matrix from the demo's profiles
    matrix = surfaces.conversation(pg, LEAD, TEAM_CHANNEL)
    assert "Kubernetes" in matrix and "SQL" in matrix


def _history(pg):
    from sqlmodel import select

    from storage.engine import session_scope
    from storage.models import Kudos, Pact, ProgressUpdate

    with session_scope(pg.services.engine) as session:
        return ([u.created_at for u in session.exec(select(ProgressUpdate))],
                [k.created_at for k in session.exec(select(Kudos))],
                [(p.status, p.created_at) for p in session.exec(select(Pact))])


def _weeks_of_history(pg):
    """The demo was lived over weeks on the playground's clock, which ends at the wall clock."""
    progress, kudos, pacts = _history(pg)
    weeks = {d.isocalendar()[:2] for d in progress}
    assert len(weeks) >= demo.HISTORY_WEEKS  # progress each week, not all on one day
    assert min(progress) < datetime.now(UTC) - timedelta(days=20)
    assert len({d.isocalendar()[:2] for d in kudos}) >= 3
    assert [s for s, _ in pacts] == ["active"]
    assert pacts[0][1] < datetime.now(UTC) - timedelta(days=7)
    check_ins = [m for m in pg.emulator.messages(TEAM_CHANNEL)
                 if m["text"].startswith("Check-in")]
    assert len(check_ins) >= demo.HISTORY_WEEKS
    assert abs(pg.now() - datetime.now(UTC)) < timedelta(minutes=2)  # the past is behind us
    said = " ".join(m["text"] for m in pg.emulator.messages(TEAM_CHANNEL))
    assert "Passed the CKA exam!" in said and "thanks" in said and "marked the milestone" in said
    assert "Every milestone is done" not in said  # only the milestones that were done
    pg.open_home(demo.MEMBERS[0])
    assert "Sam Carter" in surfaces.home(pg, demo.MEMBERS[0])  # the pact, on the owner's Home
    pg.command(demo.MEMBERS[4], pg.emulator.dm_channel(demo.MEMBERS[4]), "away")
    assert "KubeCon" in surfaces.conversation(pg, demo.MEMBERS[4],
                                              pg.emulator.dm_channel(demo.MEMBERS[4]))
    with pytest.raises(ValueError):
        pg.start_clock_at(datetime.now(UTC) - timedelta(days=3))  # never back once scheduled


def test_next_monday_10_in_the_persons_timezone():
    start = datetime(2026, 12, 1, 22, 30, tzinfo=UTC)
    assert next_monday_10(start, "Europe/Berlin") == datetime(2026, 12, 7, 9, 0, tzinfo=UTC)
    assert next_monday_10(start, "Asia/Tokyo") == datetime(2026, 12, 7, 1, 0, tzinfo=UTC)


def test_three_weeks_at_once_bring_three_weekly_check_ins(pg):
    _team(pg)
    pg.command(LEAD, TEAM_CHANNEL, "goal new")
    fill(pg, LEAD, {"title": "Everyone certified", "metric": "people", "baseline": "0",
                    "target": "6", "unit": "people", "due": "2027-06-30",
                    "ms_title_0": "Half of us", "ms_date_0": "2027-03-01"})
    pg.advance(hours=24 * 21)
    check_ins = [m for m in pg.emulator.messages(TEAM_CHANNEL)
                 if m["text"].startswith("Check-in for Platform: Everyone certified")]
    assert len(check_ins) == 3


def test_the_web_app_listens_on_loopback_only_and_takes_only_json(pg):
    server = serve(pg, 0)
    try:
        host, port = server.server_address[:2]
        assert host == "127.0.0.1"
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/") as page:
            assert b"Act as" in page.read()
        state = json.loads(urllib.request.urlopen(
            f"http://127.0.0.1:{port}/api/state?user={LEAD}&at={TEAM_CHANNEL}").read())
        assert state["title"] == "# platform-team" and "CET" in state["now"]
        form = urllib.request.Request(f"http://127.0.0.1:{port}/api/do", data=b"kind=clock",
                                      headers={"Content-Type": "application/x-www-form-urlencoded"})
        with pytest.raises(urllib.error.HTTPError) as refused:
            urllib.request.urlopen(form)
        assert refused.value.code == 415
    finally:
        server.shutdown()
        server.server_close()


def test_only_a_machine_with_no_slack_at_all_falls_back(tmp_path):
    assert no_slack_configured({}, tmp_path)
    assert not no_slack_configured({"SLACK_APP_TOKEN": "xapp-1"}, tmp_path)
    (tmp_path / ".env").write_text("")
    assert not no_slack_configured({}, tmp_path)


def _pact(args, cwd, env=None):
    base = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "DATABASE_URL"))}
    return subprocess.Popen([sys.executable, "-m", "bot", *args], cwd=cwd,
                            env={**base, "PORT": "0", **(env or {})},
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)


def test_pact_run_without_slack_starts_the_playground_with_the_demo(tmp_path):
    proc = _pact(["run"], tmp_path)
    try:
        lines, end = [], time.monotonic() + 120
        while time.monotonic() < end:
            line = proc.stdout.readline()
            lines.append(line)
            if "Create the Slack app" in line or not line:
                break
        out = "".join(lines)
        assert "Pact playground: http://127.0.0.1:" in out, out
        assert "SLACK_BOT_TOKEN" in out  # how to connect a real workspace
        assert (tmp_path / "playground.db").exists() and not (tmp_path / "pact.db").exists()
    finally:
        proc.send_signal(signal.SIGTERM)
        proc.communicate(timeout=30)
    assert proc.returncode == 0


@pytest.mark.parametrize("command", ["web", "worker"])
def test_web_and_worker_never_fall_back(tmp_path, command):
    proc = _pact([command], tmp_path)
    out, _ = proc.communicate(timeout=60)
    assert proc.returncode == 2 and "SLACK_BOT_TOKEN" in out and "playground" not in out


def test_a_partial_configuration_is_still_an_error_for_pact_run(tmp_path):
    proc = _pact(["run"], tmp_path, {"SLACK_APP_TOKEN": "xapp-1-A0-1-abc"})
    out, _ = proc.communicate(timeout=60)
    assert proc.returncode == 2 and "SLACK_BOT_TOKEN" in out and "playground" not in out


def test_a_restart_shows_the_same_workspace(tmp_path):
    from bot.playground import run, snapshot

    db = tmp_path / "play.db"
    first, server = run.start(str(db), port=0, out=io.StringIO())
    first.command(MEMBERS[0], TEAM_CHANNEL, "help")
    server.on_change()
    before = surfaces.conversation(first, MEMBERS[0], TEAM_CHANNEL)
    server.shutdown()
    server.server_close()
    first.stop()
    assert snapshot.path_for(f"sqlite:///{db}").exists()
    again, server = run.start(str(db), port=0, out=io.StringIO())
    try:
        after = surfaces.conversation(again, MEMBERS[0], TEAM_CHANNEL)
        assert "Everyone certified in Kubernetes" in after and "Only visible to you" in after
        assert after.count('class="msg') == before.count('class="msg')
        again.command(LEAD, TEAM_CHANNEL, "goal list")  # Pact still works on the kept posts
        assert again.problems == []
    finally:
        server.shutdown()
        server.server_close()
        again.stop()


def test_slack_refusals_are_shown_on_the_page(pg):
    from slack_sdk.errors import SlackApiError

    with pytest.raises(SlackApiError):
        pg.client.chat_postMessage(channel=TEAM_CHANNEL, text="x", blocks=[
            {"type": "section", "text": {"type": "mrkdwn", "text": "y" * 3001}}])
    pg._settle()
    problems = surfaces.state(pg, LEAD, TEAM_CHANNEL)["problems"]
    assert problems and "chat.postMessage" in problems[0]


def test_an_export_is_a_file_to_download(pg):
    owner = MEMBERS[0]
    dm = pg.emulator.dm_channel(owner)
    pg.command(owner, dm, "pdp")
    fill(pg, owner, {"aspiration": "Lead a team", "aspiration_visibility": "manager",
                     "skill_gaps": "Speaking", "skill_gaps_visibility": "private",
                     "manager": MANAGER, "cadence": "3"})
    pg.close(owner, pg.modal_of(owner)["id"])
    pg.command(owner, dm, "pdp export")
    shown = surfaces.conversation(pg, owner, dm)
    assert 'href="/files/' in shown
    server = serve(pg, 0)
    try:
        fid = shown.split('href="/files/')[1].split('"')[0]
        with urllib.request.urlopen(f"http://127.0.0.1:{server.server_address[1]}/files/{fid}") \
                as download:
            assert "attachment" in download.headers["Content-Disposition"]
            assert b"Lead a team" in download.read()
    finally:
        server.shutdown()
        server.server_close()


def test_a_page_under_another_host_name_gets_nothing(pg):
    server = serve(pg, 0)
    try:
        request = urllib.request.Request(f"http://127.0.0.1:{server.server_address[1]}/",
                                         headers={"Host": "attacker.example:3000"})
        with pytest.raises(urllib.error.HTTPError) as refused:
            urllib.request.urlopen(request)
        assert refused.value.code == 403
    finally:
        server.shutdown()
        server.server_close()


def test_mentions_typed_in_a_command_reach_pact_escaped_as_slack_sends_them(pg):
    assert pg.escape_mentions("kudos @max @nobody for #random, mail a@b.c") == \
        f"kudos <@{MEMBERS[0]}|max> @nobody for <#C0RANDOMCH|random>, mail a@b.c"
    _team(pg)
    pg.command(LEAD, TEAM_CHANNEL, "kudos @max for the review")
    pg.executor.wait_idle(10)
    pg._settle()
    assert any("thanks" in m["text"] and MEMBERS[0] in m["text"]
               for m in pg.emulator.messages(TEAM_CHANNEL))


def test_what_the_playground_refuses_is_shown_in_red(pg):
    server = serve(pg, 0)
    try:
        port = server.server_address[1]
        past = json.dumps({"user": LEAD, "kind": "clock", "step": "date",
                           "date": "2020-01-06"}).encode()
        request = urllib.request.Request(f"http://127.0.0.1:{port}/api/do", data=past,
                                         headers={"Content-Type": "application/json"})
        with pytest.raises(urllib.error.HTTPError) as refused:
            urllib.request.urlopen(request)
        assert refused.value.code == 400
        state = json.loads(urllib.request.urlopen(
            f"http://127.0.0.1:{port}/api/state?user={LEAD}&at=home").read())
        assert any("only moves forward" in p for p in state["problems"])
    finally:
        server.shutdown()
        server.server_close()
