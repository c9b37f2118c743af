"""The `/pact` slash command: one listener, many subcommands.

Feature modules add their subcommands to a CommandRouter; the router picks the longest matching
phrase, so `/pact goal new` and `/pact goal` can both exist. Anything it cannot place gets help,
with a "did you mean" for a near miss.
"""

from __future__ import annotations

import difflib
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from slack_sdk.errors import SlackApiError

from bot.errors import reported
from handlers.kit import refusals
from handlers.kit.help import help_message
from handlers.kit.replies import TRIGGER_GONE
from handlers.kit.respond import LimitedRespond


@dataclass
class CommandRequest:
    """One `/pact` invocation, as a subcommand sees it."""

    body: dict
    args: list[str]
    ack: Callable[..., Any]
    respond: Callable[..., Any]
    client: Any
    logger: Any
    services: Any = None
    # Work to do as soon as the answer is on its way (before the subcommand's `later`).
    then: Callable[[], None] | None = None

    def answer_then(self, work: Callable[[], None], **answer) -> None:
        """Answer now; `work` (which may call Slack) runs right after the answer is sent."""
        self.ack(**answer)
        self.then = work

    def open_form(self, view: dict) -> None:
        """Answer now and open `view` with the command's trigger right after: Slack is never
        called before the answer. A trigger that expired meanwhile is said plainly."""
        self.answer_then(lambda: self.open_now(view))

    def open_now(self, view: dict) -> None:
        """Open `view` with the command's trigger (from `then` or `later` only)."""
        try:
            self.client.views_open(trigger_id=self.trigger_id, view=view)
        except SlackApiError as err:
            if err.response.get("error") not in TRIGGER_GONE:
                raise
            self.respond(text=refusals.FORM_TOO_SLOW, response_type="ephemeral")

    @property
    def user_id(self) -> str:
        return self.body.get("user_id", "")

    @property
    def team_id(self) -> str:
        return self.body.get("team_id", "")

    @property
    def channel_id(self) -> str:
        return self.body.get("channel_id", "")

    @property
    def trigger_id(self) -> str:
        return self.body.get("trigger_id", "")


@dataclass(frozen=True)
class Subcommand:
    words: tuple[str, ...]
    summary: str
    handle: Callable[[CommandRequest], None]  # runs before the ack and must call ack
    later: Callable[[CommandRequest], None] | None = None  # slow part, after the ack
    usage: str = ""  # e.g. "pdp [@someone]"; defaults to the words
    takes_args: bool = False
    # What a person may type, shown in `/pact help` and each run by a test (tests/test_help.py).
    examples: tuple[str, ...] = ()

    @property
    def phrase(self) -> str:
        return " ".join(self.words)


@dataclass
class CommandRouter:
    subcommands: list[Subcommand] = field(default_factory=list)
    _help_cache: tuple[int, dict] | None = field(default=None, repr=False)

    def add(self, phrase: str, summary: str, *, usage: str = "", takes_args: bool = False,
            later: Callable[[CommandRequest], None] | None = None,
            examples: tuple[str, ...] = ()):
        """Decorator registering `handle` for the subcommand `phrase` (e.g. "goal new")."""

        def decorator(handle: Callable[[CommandRequest], None]):
            words = tuple(phrase.lower().split())
            if any(s.words == words for s in self.subcommands):
                raise ValueError(f"/pact {phrase} is registered twice")
            sub = Subcommand(words, summary, handle, later, usage or phrase, takes_args,
                             tuple(examples))
            for example in sub.examples:
                routed, _ = self.route_among([sub], example)
                if routed is None:
                    raise ValueError(f"example {example!r} does not reach /pact {phrase}")
            self.subcommands.append(sub)
            return handle

        return decorator

    def route(self, text: str) -> tuple[Subcommand | None, list[str]]:
        """The subcommand for `text` and the words after its phrase, or (None, words)."""
        return self.route_among(self.subcommands, text)

    @staticmethod
    def route_among(subcommands: list[Subcommand],
                    text: str) -> tuple[Subcommand | None, list[str]]:
        words = (text or "").split()
        lowered = [w.lower() for w in words]
        best: Subcommand | None = None
        for sub in subcommands:
            n = len(sub.words)
            if tuple(lowered[:n]) == sub.words and (best is None or n > len(best.words)):
                best = sub
        if best is None:
            return None, words
        args = words[len(best.words):]
        if args and not best.takes_args:
            return None, words
        return best, args

    def suggestion(self, text: str) -> str | None:
        """The registered usage closest to `text`, when it is close enough to be a typo."""
        phrases = [s.phrase for s in self.subcommands]
        typed = " ".join(text.lower().split())
        for candidate in (typed, " ".join(typed.split()[:2]), typed.split()[0] if typed else ""):
            match = difflib.get_close_matches(candidate, phrases, n=1, cutoff=0.75)
            if match and match[0] != typed:
                return match[0]
        return None

    def help_entries(self) -> list[tuple[str, str, tuple[str, ...]]]:
        return [(s.usage, s.summary, s.examples) for s in self.subcommands]

    def help_response(self, typed: str = "") -> dict:
        if not typed.strip():
            # The same for everyone until a subcommand is added: build it once.
            key = len(self.subcommands)
            if self._help_cache is None or self._help_cache[0] != key:
                self._help_cache = (key, help_message(self.help_entries()))
            return self._help_cache[1]
        unknown = typed.strip()
        suggestion = self.suggestion(unknown) if unknown else None
        return help_message(self.help_entries(), unknown=unknown or None, suggestion=suggestion)


def register(app, services) -> None:
    """The one `/pact` listener: route to a subcommand, answer fast, do slow work after the ack.

    A subcommand's slow part runs on the listener pool once the answer is on its way. (Bolt's
    lazy listeners would do the same, but start by deep-copying the whole request on every
    command, which costs more than answering `/pact help`.)
    """
    router = services.commands

    def handle(ack, body, respond, client, logger):
        sub, args = router.route(body.get("text", ""))
        if sub is None:
            ack(**router.help_response(body.get("text", "")))
            return
        url = body.get("response_url") if isinstance(body.get("response_url"), str) else ""
        respond = LimitedRespond(respond, client, body.get("user_id", ""), url)
        req = CommandRequest(body=body, args=args, ack=ack, respond=respond, client=client,
                             logger=logger, services=services)
        sub.handle(req)
        work = [w for w in (req.then, sub.later and (lambda: sub.later(req))) if w]
        if work:
            services.background.submit(reported, lambda: [w() for w in work], body, client,
                                       respond, services.settings.response_url_hosts)

    app.command("/pact")(handle)
