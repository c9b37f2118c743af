"""Settings read from the environment.

Values come only from the mapping handed in (the real environment plus `.env`, merged at the
entry point), so tests and the command line see exactly the same rules. Problems are collected,
not raised one at a time: a person fixing their setup wants the whole list at once, each with
the place in Slack's app settings where the right value lives. Secret values never appear in a
message; only the variable's name does.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import timedelta

from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError

from bot.signing import response_url_hosts

DEFAULT_API_URL = "https://slack.com/api/"
DEFAULT_DATABASE_URL = "sqlite:///pact.db"

_WHERE = {
    "SLACK_BOT_TOKEN": "Slack app settings > OAuth & Permissions > Bot User OAuth Token "
    "(starts with xoxb-; install the app to your workspace first)",
    "SLACK_SIGNING_SECRET": "Slack app settings > Basic Information > App Credentials > "
    "Signing Secret",
    "SLACK_APP_TOKEN": "Slack app settings > Basic Information > App-Level Tokens "
    "(a token with the connections:write scope, starts with xapp-)",
    "SLACK_CLIENT_ID": "Slack app settings > Basic Information > App Credentials > Client ID",
    "SLACK_CLIENT_SECRET": "Slack app settings > Basic Information > App Credentials > "
    "Client Secret",
}

_SIGNING_SECRET = re.compile(r"^[0-9a-f]{32,64}$")
# What a value copied from a template looks like: "xoxb-your-token", "xapp-...", "<token>".
_PLACEHOLDER = re.compile(r"your|xxxx|\.\.\.|…|<|>|placeholder|changeme|replace", re.I)


def _placeholder(name: str, value: str) -> str | None:
    if _PLACEHOLDER.search(value.split("-", 1)[-1]):
        return _problem(name, "is still a placeholder, not a real token: paste the token Slack "
                              "shows")
    return None


class ConfigError(Exception):
    """Every configuration problem found, one per line."""

    def __init__(self, problems: list[str]):
        self.problems = problems
        super().__init__("\n".join(problems))


@dataclass(frozen=True)
class Settings:
    bot_token: str = field(repr=False)
    signing_secret: str = field(default="", repr=False)
    app_token: str = field(default="", repr=False)
    api_url: str = DEFAULT_API_URL
    database_url: str = DEFAULT_DATABASE_URL
    port: int = 3000
    log_level: str = "INFO"
    catchup_grace: timedelta = timedelta(hours=6)
    tick_seconds: float = 30.0
    client_id: str = ""
    client_secret: str = field(default="", repr=False)
    retention_days: int = 30  # after an uninstall; 0 keeps the data
    log_format: str = "text"
    claim_lease: timedelta = timedelta(minutes=2)  # a dead worker's claims lapse after it

    @property
    def socket_mode(self) -> bool:
        return bool(self.app_token)

    @property
    def oauth_mode(self) -> bool:
        """Installed by OAuth in any number of workspaces, each with its own token."""
        return bool(self.client_id and self.client_secret)

    @property
    def response_url_hosts(self) -> tuple[str, ...]:
        """Where Pact may post a request's `response_url` (Slack's hooks, or the emulator's)."""
        return response_url_hosts(self.api_url)


def _problem(name: str, what: str) -> str:
    where = _WHERE.get(name)
    return f"{name} {what}" + (f". Find it in {where}." if where else ".")


def load_settings(env: Mapping[str, str], *, need_slack: bool = True,
                  need_listener: bool = False) -> Settings:
    """Build Settings from `env` or raise ConfigError naming every problem.

    `need_slack`: the command talks to Slack (everything but `pact db upgrade`).
    `need_listener`: the command receives requests from Slack, so it needs a signing secret
    (HTTP mode) or an app-level token (Socket Mode).
    """
    problems: list[str] = []
    get = lambda name: (env.get(name) or "").strip()  # noqa: E731

    tokens = _slack_tokens(get, need_slack, need_listener, problems)
    api_url = _api_url(get("SLACK_API_URL") or DEFAULT_API_URL, problems)
    database_url = _database_url(get("DATABASE_URL") or DEFAULT_DATABASE_URL, problems)
    port = _int(get("PORT") or "3000", "PORT", 1, 65535, problems)
    grace_hours = _float(get("PACT_CATCHUP_GRACE_HOURS") or "6", "PACT_CATCHUP_GRACE_HOURS",
                         0, 24 * 7, problems)
    tick_seconds = _float(get("PACT_TICK_SECONDS") or "30", "PACT_TICK_SECONDS", 1, 3600,
                          problems)
    retention_days = _int(get("PACT_RETENTION_DAYS") or "30", "PACT_RETENTION_DAYS", 0, 3650,
                          problems)
    lease_seconds = _int(get("PACT_CLAIM_LEASE_SECONDS") or "120", "PACT_CLAIM_LEASE_SECONDS",
                         5, 3600, problems)
    log_format = (get("LOG_FORMAT") or "text").lower()
    if log_format not in ("text", "json"):
        problems.append("LOG_FORMAT must be text or json.")
    log_level = (get("LOG_LEVEL") or "INFO").upper()
    if log_level not in ("DEBUG", "INFO", "WARNING", "ERROR"):
        problems.append("LOG_LEVEL must be one of DEBUG, INFO, WARNING, ERROR.")

    if problems:
        raise ConfigError(problems)
    return Settings(
        **tokens, api_url=api_url, database_url=database_url, port=port, log_level=log_level,
        catchup_grace=timedelta(hours=grace_hours), tick_seconds=tick_seconds,
        retention_days=retention_days, log_format=log_format,
        claim_lease=timedelta(seconds=lease_seconds),
    )


def _slack_tokens(get, need_slack: bool, need_listener: bool, problems: list[str]) -> dict:
    """The credentials of one mode (a bot token, or OAuth's client id and secret) and of the
    way Slack's requests arrive (Socket Mode's app token, or HTTP's signing secret)."""
    bot_token = get("SLACK_BOT_TOKEN")
    client_id, client_secret = get("SLACK_CLIENT_ID"), get("SLACK_CLIENT_SECRET")
    oauth = bool(client_id or client_secret)
    if oauth:
        for name, value in (("SLACK_CLIENT_ID", client_id),
                            ("SLACK_CLIENT_SECRET", client_secret)):
            if not value:
                problems.append(_problem(name, "is not set (OAuth mode needs both "
                                               "SLACK_CLIENT_ID and SLACK_CLIENT_SECRET)"))
        if bot_token:
            problems.append("SLACK_BOT_TOKEN is set together with SLACK_CLIENT_ID: choose one "
                            "mode (a bot token for one workspace, or OAuth for many) and "
                            "unset the other.")
    if need_slack and not oauth:
        if not bot_token:
            problems.append(_problem("SLACK_BOT_TOKEN", "is not set"))
        elif not bot_token.startswith("xoxb-"):
            problems.append(_problem(
                "SLACK_BOT_TOKEN", "is not a bot token (it must start with xoxb-; "
                "a token starting with xoxp- or xapp- is a different kind)"))
        elif _placeholder("SLACK_BOT_TOKEN", bot_token):
            problems.append(_placeholder("SLACK_BOT_TOKEN", bot_token))

    app_token = get("SLACK_APP_TOKEN")
    if app_token and not app_token.startswith("xapp-"):
        problems.append(_problem("SLACK_APP_TOKEN",
                                 "is not an app-level token (it must start with xapp-)"))
    elif app_token and _placeholder("SLACK_APP_TOKEN", app_token):
        problems.append(_placeholder("SLACK_APP_TOKEN", app_token))

    if oauth and app_token:
        problems.append("SLACK_APP_TOKEN is set together with SLACK_CLIENT_ID: OAuth mode "
                        "serves its install pages over HTTP, so leave SLACK_APP_TOKEN empty "
                        "and turn Socket Mode off in Slack app settings.")

    signing_secret = get("SLACK_SIGNING_SECRET")
    # OAuth mode serves its install pages over HTTP, so it always needs the signing secret.
    if need_listener and (oauth or not app_token):
        if not signing_secret:
            # The shortest path first: Socket Mode needs just the two tokens.
            problems.append(_problem(
                "SLACK_APP_TOKEN",
                "is not set: Socket Mode, the quickest way to run Pact, needs only "
                "SLACK_BOT_TOKEN and SLACK_APP_TOKEN (to receive Slack's requests over HTTP "
                "instead, set SLACK_SIGNING_SECRET)"))
        elif not _SIGNING_SECRET.match(signing_secret):
            problems.append(_problem("SLACK_SIGNING_SECRET",
                                     "does not look like a signing secret (32 hex characters)"))
    return dict(bot_token=bot_token, client_id=client_id, client_secret=client_secret,
                app_token=app_token, signing_secret=signing_secret)


def _api_url(api_url: str, problems: list[str]) -> str:
    if not re.match(r"^https?://[^\s/]+", api_url):
        problems.append("SLACK_API_URL must be an http(s) URL such as https://slack.com/api/.")
    elif not api_url.endswith("/"):
        api_url += "/"
    return api_url


def _database_url(database_url: str, problems: list[str]) -> str:
    try:
        backend = make_url(database_url).get_backend_name()
        if backend not in ("sqlite", "postgresql"):
            problems.append(
                f"DATABASE_URL uses {backend!r}; Pact supports sqlite:///path.db and "
                "postgresql+psycopg://user:password@host:5432/dbname.")
    except ArgumentError:
        problems.append("DATABASE_URL is not a database URL; use sqlite:///pact.db or "
                        "postgresql+psycopg://user:password@host:5432/dbname.")
    return database_url


def _int(raw: str, name: str, low: int, high: int, problems: list[str]) -> int:
    try:
        value = int(raw)
    except ValueError:
        value = None
    if value is None or not low <= value <= high:
        problems.append(f"{name} must be a whole number from {low} to {high}.")
        return low
    return value


def _float(raw: str, name: str, low: float, high: float, problems: list[str]) -> float:
    try:
        value = float(raw)
    except ValueError:
        value = None
    if value is None or not low <= value <= high:
        problems.append(f"{name} must be a number from {low:g} to {high:g}.")
        return low
    return value
