"""Two real `pact web` processes on one database (SQLite file or PostgreSQL), as Slack sees
replicas behind a load balancer: an event sent to both is handled once, an event whose first
attempt failed is handled when Slack retries it, and a click sent to both counts once."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import pytest
from sqlmodel import select

from bot.playground.slack_requests import SlackSender
from handlers.kit import ids
from storage.engine import session_scope
from storage.models import Goal, GoalParticipant
from tests.harness import SIGNING_SECRET
from tests.test_goals_steps import create_goal, goal_values, open_goal_form, team

ROOT = Path(__file__).resolve().parents[1]
RETRY = {"X-Slack-Retry-Num": "1", "X-Slack-Retry-Reason": "http_error"}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def healthy(port: int) -> bool:
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=1) as r:
            return r.status == 200
    except OSError:
        return False


@dataclass
class Web:
    """One `pact web` process: its signed-request sender and its log file."""

    proc: subprocess.Popen
    port: int
    log: Path
    slack: SlackSender

    def output(self) -> str:
        return self.log.read_text()

    def json_lines(self) -> list[dict]:
        return [json.loads(line) for line in self.output().splitlines() if line.strip()]


def start_web(emulator, database_url: str, where: Path, **env) -> Web:
    port = free_port()
    base = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "DATABASE_URL"))}
    env = {**base, "SLACK_BOT_TOKEN": emulator.bot_token, "SLACK_SIGNING_SECRET": SIGNING_SECRET,
           "SLACK_API_URL": emulator.url, "DATABASE_URL": database_url, "PORT": str(port),
           "PYTHONPATH": str(ROOT), **env}  # this checkout's code, whatever is installed
    log = where / f"web-{port}.log"
    with log.open("w") as out:
        proc = subprocess.Popen([sys.executable, "-m", "bot", "web"], env=env, cwd=where,
                                stdout=out, stderr=subprocess.STDOUT)
    sender = SlackSender(f"http://127.0.0.1:{port}/slack/events", SIGNING_SECRET,
                         team_id=emulator.team_id, trigger=emulator.new_trigger_id,
                         response_url=emulator.response_url)
    return Web(proc, port, log, sender)


def wait_healthy(webs: list[Web], timeout: float = 90) -> None:
    end = time.monotonic() + timeout
    for web in webs:
        while not healthy(web.port):
            assert web.proc.poll() is None, web.output()
            assert time.monotonic() < end, f"pact web never became healthy: {web.output()}"
            time.sleep(0.1)


def stop_webs(webs: list[Web]) -> None:
    for web in webs:
        web.proc.send_signal(signal.SIGTERM)
    for web in webs:
        web.proc.wait(timeout=30)


@pytest.fixture
def webs(emulator, database_url, tmp_path):
    started = [start_web(emulator, database_url, tmp_path, LOG_FORMAT="json") for _ in range(2)]
    try:
        wait_healthy(started)
        yield started
    finally:
        stop_webs(started)


def home_opened(user: str) -> dict:
    return {"type": "app_home_opened", "user": user, "tab": "home", "event_ts": "1.2"}


def test_one_event_sent_to_both_replicas_and_retried_is_handled_once(webs, emulator):
    user = emulator.add_user(name="una")
    with ThreadPoolExecutor(2) as pool:
        answers = list(pool.map(lambda w: w.slack.event(home_opened(user),
                                                        event_id="Ev0SAME0001"), webs))
    assert [a.status for a in answers] == [200, 200]
    assert webs[1].slack.event(home_opened(user), event_id="Ev0SAME0001",
                               headers=RETRY).status == 200
    assert len(emulator.calls_to("views.publish")) == 1
    assert webs[0].slack.event(home_opened(user), event_id="Ev0OTHER001").status == 200
    assert len(emulator.calls_to("views.publish")) == 2


def test_an_event_whose_first_attempt_failed_is_handled_when_slack_retries(webs, emulator):
    user = emulator.add_user(name="vic")
    # Slack's Web API cannot be reached while the first attempt runs (every try, retries
    # included, has its connection dropped): handling fails and Slack gets a 500.
    emulator.fail_next("users.info", drop=True, times=3)
    first = webs[0].slack.event(home_opened(user), event_id="Ev0FAILED01")
    assert first.status == 500
    assert emulator.calls_to("views.publish") == []
    retry = webs[1].slack.event(home_opened(user), event_id="Ev0FAILED01", headers=RETRY)
    assert retry.status == 200
    assert len(emulator.calls_to("views.publish")) == 1
    assert emulator.home_view(user)["type"] == "home"
    later = webs[0].slack.event(home_opened(user), event_id="Ev0FAILED01",
                                headers={**RETRY, "X-Slack-Retry-Num": "2"})
    assert later.status == 200 and len(emulator.calls_to("views.publish")) == 1
    (line,) = [x for x in webs[0].json_lines() if "Slack's retry will handle it" in x["message"]]
    assert line["workspace_id"] == "T0PACT" and line["request_id"]


def test_a_click_and_a_form_sent_to_both_replicas_count_once(webs, pact, emulator):
    lead, members, channel = team(pact)
    goal_id = create_goal(pact, lead, channel, title="Joined from two replicas")
    joiner = members[0]

    def click(web: Web):
        return web.slack.block_action(
            user=joiner, action_id=ids.GOAL_JOIN, value=str(goal_id), channel=channel,
            message_ts="1.000100", extra_action={"action_ts": "1764670000.000042"})

    with session_scope(pact.engine) as s:
        before = len(s.exec(select(GoalParticipant).where(
            GoalParticipant.goal_id == goal_id)).all())
    with ThreadPoolExecutor(2) as pool:
        answers = list(pool.map(click, webs))
    assert [a.status for a in answers] == [200, 200]
    with session_scope(pact.engine) as s:  # the join is made before the ack
        joined = s.exec(select(GoalParticipant).where(GoalParticipant.goal_id == goal_id)).all()
    assert len(joined) == before + 1

    form = open_goal_form(pact, lead, channel)  # one goal form, submitted to both replicas
    with ThreadPoolExecutor(2) as pool:
        answers = list(pool.map(lambda w: w.slack.view_submission(
            user=lead, view=form, values=goal_values(title="Submitted to two replicas")), webs))
    assert [a.status for a in answers] == [200, 200]
    with session_scope(pact.engine) as s:
        titles = s.exec(select(Goal.title)).all()
    assert titles.count("Submitted to two replicas") == 1
