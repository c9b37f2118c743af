"""Pact's real app behind the playground: the Bolt app, its HTTP server, the scheduler's tick and
the bundled Slack emulator, driven the way a Slack client drives them.

Every request reaches Pact's `/slack/events` signed exactly as Slack signs it, so nothing in Pact
knows it is in the playground. What a person sees (ephemeral answers, modals with their stack,
inline errors) is kept here, as a Slack client keeps it.
"""

from __future__ import annotations

import json
import logging
import re
import secrets
import threading
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from bot.playground.client_state import ClientState, Ephemeral
from bot.playground.emulator import SlackEmulator
from bot.playground.formstate import state_for
from bot.playground.slack_requests import SlackSender, message_action

log = logging.getLogger("pact.playground")
WORKSPACE = "T0PLAYGRND"
# Pact's message shortcuts as manifest.yml declares them: (callback_id, name). A test holds them
# to the manifest, which is not shipped in the package.
MESSAGE_SHORTCUTS = (("give_kudos", "Give kudos"),)
MAX_STOPS = 5000  # due moments one move of the clock runs at most


@dataclass
class Person:
    id: str
    name: str
    real_name: str
    tz: str
    role: str  # what they play: "lead", "member", "manager", "admin"
    manager: str | None = None
    is_admin: bool = False


@dataclass
class Answer:
    """What happened after one thing the person did: Pact's HTTP status and what is new."""

    status: int
    body: str
    problems: list[str] = field(default_factory=list)


class Playground(ClientState):
    """The emulator, Pact, and the client-side state of each person."""

    def __init__(self, database_url: str, *, secret: str | None = None):
        self.database_url = database_url
        self.secret = secret or secrets.token_hex(16)
        self.emulator = SlackEmulator(team_id=WORKSPACE, scopes=_bot_scopes(),
                                      wall=lambda: self.now().timestamp())
        self.people: dict[str, Person] = {}
        self.offset = timedelta()
        self.ephemerals: list[Ephemeral] = []
        self.modals: dict[str, str] = {}  # user -> root view id of their open modal
        self.errors: dict[str, dict] = {}  # view id -> {block_id: message}
        self.problems: list[str] = []  # what Slack would have refused, shown in red
        self._origins: dict[str, tuple] = {}  # response_url -> (user, channel, ephemeral|ts)
        self._seen_ephemerals = 0
        self._seen_responses = 0
        self._seen_violations = 0
        self.lock = threading.RLock()
        self.harness = None

    # ---- lifecycle -----------------------------------------------------------------------

    def start(self) -> Playground:
        from bot.app import create_app
        from bot.config import load_settings
        from bot.executor import ListenerExecutor
        from bot.server import make_server, make_wsgi_app, run_server
        from bot.services import Services
        from bot.slack_client import make_web_client
        from storage.engine import make_engine
        from storage.migrate import upgrade

        self.emulator.start()
        upgrade(self.database_url)
        settings = load_settings({
            "SLACK_BOT_TOKEN": self.emulator.bot_token, "SLACK_SIGNING_SECRET": self.secret,
            "SLACK_API_URL": self.emulator.url, "DATABASE_URL": self.database_url,
            "LOG_LEVEL": "WARNING"}, need_listener=True)
        # Pact's one clock: every use case, query default and tick reads the playground's now.
        engine = make_engine(self.database_url, clock=self.now)
        from bot.app import schedule_kinds

        self.services = Services(settings=settings, engine=engine, kinds=schedule_kinds())
        self.client = make_web_client(settings, retries=2, timeout=10)
        self.executor = ListenerExecutor(max_workers=4)
        self.app = create_app(self.services, self.client, executor=self.executor)
        self.server = make_server(make_wsgi_app(self.app, engine, self.secret), host="127.0.0.1",
                                  port=0, threads=4, loop_timeout=0.05)
        self._stopping = threading.Event()
        self._thread = threading.Thread(target=run_server, args=(self.server, self._stopping),
                                        name="pact-http", daemon=True)
        self._thread.start()
        self.sender = SlackSender(f"http://127.0.0.1:{self.server.effective_port}/slack/events",
                                  self.secret, team_id=WORKSPACE)
        return self

    def keep_ticking(self, every: float = 2.0) -> None:
        """Run the scheduler's tick at the playground's now every `every` seconds, as Pact's
        worker does, so what falls due or was paced to the next tick goes out without anyone
        moving the clock."""
        self._ticking = threading.Event()

        def loop(stop: threading.Event) -> None:
            while not stop.wait(every):
                try:
                    self.advance()
                except Exception as err:  # noqa: BLE001 - shown on the page, in red
                    log.exception("playground tick failed")
                    self.problems.append(f"tick: {err!r}")

        threading.Thread(target=loop, args=(self._ticking,), name="playground-tick",
                         daemon=True).start()

    def stop(self) -> None:
        from bot.server import stop_server

        if getattr(self, "_ticking", None) is not None:
            self._ticking.set()
        self.executor.wait_idle(10)
        stop_server(self.server, self._stopping)
        self._thread.join(timeout=5)
        self.executor.shutdown(wait=True)
        self.emulator.stop()
        self.services.engine.dispose()

    # ---- the world -----------------------------------------------------------------------

    def add_person(self, person: Person) -> str:
        self.emulator.add_user(person.id, name=person.name, real_name=person.real_name,
                               tz=person.tz, is_admin=person.is_admin)
        self.people[person.id] = person
        return person.id

    def add_channel(self, channel_id: str, name: str, members: list[str]) -> str:
        return self.emulator.add_channel(channel_id, name=name, members=members)

    def channels_of(self, user: str) -> list[tuple[str, str]]:
        emu = self.emulator
        with emu._lock:
            return [(c.id, c.name) for c in emu._channels.values()
                    if not c.is_im and not c.is_mpim and user in c.members]

    def escape_mentions(self, text: str) -> str:
        """`@max` → `<@U…|max>` and `#random` → `<#C…|random>` for the names Slack knows."""
        emu = self.emulator
        with emu._lock:
            users = {u["name"].lower(): uid for uid, u in emu._users.items() if not u["deleted"]}
            channels = {c.name.lower(): c.id for c in emu._channels.values() if not c.is_im}

        def person(m: re.Match) -> str:
            uid = users.get(m.group(1).lower())
            return f"<@{uid}|{m.group(1)}>" if uid else m.group(0)

        def room(m: re.Match) -> str:
            cid = channels.get(m.group(1).lower())
            return f"<#{cid}|{m.group(1)}>" if cid else m.group(0)

        text = re.sub(r"(?<![<\w])@([\w.\-]+)", person, text)
        return re.sub(r"(?<![<\w])#([\w\-]+)", room, text)

    def now(self) -> datetime:
        return datetime.now(UTC) + self.offset

    # ---- time travel ---------------------------------------------------------------------

    def start_clock_at(self, moment: datetime) -> None:
        """Start a fresh world's clock at `moment` (the demo's past); afterwards it only moves
        forward. Refused once Pact has anything scheduled, which an earlier clock would break."""
        from sqlmodel import select

        from storage.engine import session_scope
        from storage.models import Schedule

        with self.lock, session_scope(self.services.engine) as session:
            if session.exec(select(Schedule.id).limit(1)).first() is not None:
                raise ValueError("the clock only moves forward once something is scheduled")
            self.offset = moment - datetime.now(UTC)

    def advance(self, *, hours: float = 0, to: datetime | None = None) -> datetime:
        """Move Pact's clock forward (never back) and run the scheduler there: the tick, and
        the reconciliation pass when one is due."""
        from scheduling.sync import reconcile_due
        from scheduling.tick import tick
        from storage.engine import session_scope
        from storage.queries.playground import next_due

        with self.lock:
            target = to if to is not None else self.now() + timedelta(hours=hours)
            moment = self.now()
            for _ in range(MAX_STOPS):  # stop at every due moment on the way, so none is missed
                with session_scope(self.services.engine) as session:
                    due = next_due(session, moment, target)
                if due is None:
                    break
                moment = due
                self.offset = moment - datetime.now(UTC)
                reconcile_due(self.services.engine, self.services.kinds, moment)
                tick(moment, self.services, self.client)
            if target > self.now():
                self.offset = target - datetime.now(UTC)
            reconcile_due(self.services.engine, self.services.kinds, self.now())
            tick(self.now(), self.services, self.client)
            self._settle()
            return self.now()

    # ---- what a person does --------------------------------------------------------------

    def command(self, user: str, channel: str, text: str) -> Answer:
        """`/pact <text>` typed in `channel`; `@name` and `#channel` become Slack's escaped
        mentions, as Slack sends them for a command with `should_escape` (manifest.yml)."""
        with self.lock:
            text = self.escape_mentions(text)
            fields = self.sender.command_fields(text, user=user, channel=channel)
            fields["trigger_id"] = self.emulator.new_trigger_id()
            fields["response_url"] = self._response_url("commands", user, channel, None)
            fields["channel_name"] = dict(self.channels_of(user)).get(channel, "directmessage")
            return self._send(user, channel, lambda: self.sender.post_form(fields))

    def say(self, user: str, channel: str, text: str, thread_ts: str | None = None) -> None:
        """A plain message typed by a person (Pact does not listen to messages)."""
        self.emulator.post_user_message(channel, user, text, thread_ts)

    def click(self, user: str, action: dict, *, channel: str | None = None,
              message_ts: str | None = None, ephemeral: str | None = None,
              view_id: str | None = None, state: dict | None = None) -> Answer:
        """A button or a select in a message, an ephemeral, a modal or the Home tab."""
        with self.lock:
            payload = self.sender._interaction_base("block_actions", user)
            action = {"action_ts": f"{time.time():.6f}", **action}
            payload["actions"] = [action]
            if view_id:
                view = self.view(view_id)
                if state is not None:
                    view = {**view, "state": {"values": state_for(view, state)}}
                payload["trigger_id"] = self.emulator.new_trigger_id(
                    view_id if view.get("type") == "modal" else None)
                payload.update(container={"type": "view", "view_id": view_id}, view=view,
                               state=view.get("state", {"values": {}}))
                return self._send(user, channel, lambda: self.sender.post_payload(payload))
            payload["trigger_id"] = self.emulator.new_trigger_id()
            message = self._message(channel, message_ts, ephemeral)
            ts = message.get("ts", message_ts)
            payload.update(
                container={"type": "message", "message_ts": ts, "channel_id": channel,
                           "is_ephemeral": bool(ephemeral)},
                channel={"id": channel, "name": dict(self.channels_of(user)).get(channel, "")},
                message={"type": "message", "ts": ts, "text": message.get("text", ""),
                         "blocks": message.get("blocks", [])},
                response_url=self._response_url("actions", user, channel,
                                                ephemeral or ("ts", ts)))
            return self._send(user, channel, lambda: self.sender.post_payload(payload))

    def shortcut(self, user: str, channel: str, message_ts: str, callback_id: str) -> Answer:
        """A message shortcut chosen from a message's menu: Slack's `message_action` payload."""
        with self.lock:
            if callback_id not in dict(MESSAGE_SHORTCUTS):
                raise ValueError(f"no message shortcut {callback_id!r}")
            message = self._message(channel, message_ts, None)
            if not message:
                raise KeyError(f"no message {message_ts} in {channel}")
            payload = message_action(
                self.sender._interaction_base("message_action", user), callback_id=callback_id,
                channel={"id": channel, "name": dict(self.channels_of(user)).get(channel, "")},
                message=message, team=WORKSPACE,
                trigger_id=self.emulator.new_trigger_id(),
                response_url=self._response_url("shortcuts", user, channel, None))
            return self._send(user, channel, lambda: self.sender.post_payload(payload))

    def submit(self, user: str, view_id: str, values: dict) -> Answer:
        """Submit a modal with what the person typed: {block_id: {action_id: raw}}."""
        with self.lock:
            view = self.view(view_id)
            payload = self.sender._interaction_base("view_submission", user)
            payload["trigger_id"] = self.emulator.new_trigger_id(view_id)
            payload["view"] = {**view, "state": {"values": state_for(view, values)}}
            payload["response_urls"] = []
            answer = self._send(user, None, lambda: self.sender.post_payload(payload))
            self._after_submission(user, view_id, answer)
            return answer

    def close(self, user: str, view_id: str) -> None:
        with self.lock:
            root = self.view(view_id)["root_view_id"]
            self.emulator.close_view(view_id)
            self.errors.pop(view_id, None)
            if root not in self.emulator._stacks:
                self.modals.pop(user, None)

    def open_home(self, user: str) -> Answer:
        with self.lock:
            dm = self.emulator.dm_channel(user)
            home = self.emulator.home_view(user)
            event = {"type": "app_home_opened", "user": user, "channel": dm, "tab": "home",
                     "event_ts": f"{time.time():.6f}"}
            if home:
                event["view"] = home
            return self._send(user, dm, lambda: self.sender.event(event))

    # ---- what a person sees --------------------------------------------------------------

    def view(self, view_id: str) -> dict:
        with self.emulator._lock:
            view = self.emulator._views.get(view_id)
        if view is None:
            raise KeyError(view_id)
        return view

    def modal_of(self, user: str) -> dict | None:
        """The top view of the person's open modal, if any."""
        root = self.modals.get(user)
        stack = self.emulator._stacks.get(root or "")
        if not stack:
            self.modals.pop(user, None)
            return None
        return self.view(stack[-1])

    def ephemerals_in(self, user: str, channel: str) -> list[Ephemeral]:
        return [e for e in self.ephemerals if e.user == user and e.channel == channel]

    # ---- the inside ----------------------------------------------------------------------

    def _response_url(self, kind: str, user: str, channel: str | None, origin) -> str:
        url = self.emulator.response_url(kind)
        self._origins[url.split("/hooks/", 1)[1]] = (user, channel, origin)
        return url

    def _send(self, user: str, channel: str | None, request) -> Answer:
        roots = set(self.emulator._stacks)
        response = request()
        self.executor.wait_idle(15)
        new_roots = [r for r in self.emulator._stacks if r not in roots]
        if new_roots:
            self.modals[user] = new_roots[-1]
        answer = Answer(response.status, response.body)
        if response.status != 200:
            self.problems.append(f"Pact answered HTTP {response.status}: {response.body[:200]}")
        elif channel and response.body.strip().startswith("{"):
            self._show_ack(user, channel, json.loads(response.body))
        self._settle()
        return answer


def _bot_scopes() -> tuple:
    from bot.scopes import BOT_SCOPES

    return tuple(BOT_SCOPES)
