"""Pact running for real in the test process: its HTTP server on a loopback port, its
database, and the Slack emulator as its Web API."""

from __future__ import annotations

import threading
from dataclasses import dataclass

from bot.app import create_app
from bot.config import load_settings
from bot.executor import ListenerExecutor
from bot.playground.slack_requests import SlackSender
from bot.server import make_server, make_wsgi_app, run_server, stop_server
from bot.services import Services
from bot.slack_client import make_web_client

SIGNING_SECRET = "8f742231b10e8888abcd9900aaaa85a5"


@dataclass
class PactHarness:
    app: object  # the Bolt app
    services: Services
    client: object
    emulator: object
    executor: ListenerExecutor
    server: object
    thread: threading.Thread
    stopping: threading.Event
    slack: SlackSender

    @property
    def engine(self):
        return self.services.engine

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.effective_port}"

    def wait_idle(self, timeout: float = 10.0) -> None:
        """Wait until lazy listeners (the work after each ack) have finished."""
        assert self.executor.wait_idle(timeout), f"Pact still busy after {timeout}s"

    def stop(self) -> None:
        self.executor.wait_idle(10)
        stop_server(self.server, self.stopping)
        self.thread.join(timeout=5)
        self.executor.shutdown(wait=True)


def test_env(emulator, database_url: str, **extra) -> dict:
    env = {
        "SLACK_BOT_TOKEN": emulator.bot_token if hasattr(emulator, "bot_token")
        else "xoxb-test-token",
        "SLACK_SIGNING_SECRET": SIGNING_SECRET,
        "SLACK_API_URL": emulator.url,
        "DATABASE_URL": database_url,
        "PACT_TICK_SECONDS": "5",
    }
    env.update(extra)
    return env


def start_pact(emulator, engine, database_url: str, **env_extra) -> PactHarness:
    settings = load_settings(test_env(emulator, database_url, **env_extra), need_listener=True)
    services = Services(settings=settings, engine=engine)
    client = make_web_client(settings, retries=2, timeout=5)
    executor = ListenerExecutor(max_workers=8)
    app = create_app(services, client, executor=executor)
    server = make_server(make_wsgi_app(app, engine, SIGNING_SECRET), host="127.0.0.1", port=0, threads=8,
                         loop_timeout=0.05)
    stopping = threading.Event()
    thread = threading.Thread(target=run_server, args=(server, stopping), name="pact-http",
                              daemon=True)
    thread.start()
    sender = SlackSender(f"http://127.0.0.1:{server.effective_port}/slack/events",
                         SIGNING_SECRET, team_id=getattr(emulator, "team_id", "T0PACT"),
                         trigger=emulator.new_trigger_id,
                         response_url=emulator.response_url)
    return PactHarness(app, services, client, emulator, executor, server, thread, stopping, sender)
