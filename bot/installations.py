"""OAuth mode: installations in Pact's own database, and a Slack client per workspace.

The stores are slack_sdk's SQLAlchemy stores over the tables Pact's migrations create
(`storage/models/installations.py`); `create_tables` is never called. Bolt's OAuth flow serves
`/slack/install` and `/slack/oauth_redirect`, and authorizes every request with the token of the
workspace it comes from, refreshing rotating tokens before they expire. The scheduler and the
outbox, which have no request, ask `WorkspaceClients` for the token of each message's workspace.
"""

from __future__ import annotations

import logging
import threading
import time

from slack_bolt.oauth.oauth_settings import OAuthSettings
from slack_sdk import WebClient
from slack_sdk.oauth.installation_store.sqlalchemy import SQLAlchemyInstallationStore
from slack_sdk.oauth.state_store.sqlalchemy import SQLAlchemyOAuthStateStore
from slack_sdk.oauth.token_rotation import TokenRotator
from sqlalchemy.engine import Engine

from bot.config import Settings
from bot.scopes import BOT_SCOPES
from storage.engine import now_of, session_scope
from storage.models.installations import BOTS_TABLE, INSTALLATIONS_TABLE, OAUTH_STATES_TABLE
from storage.queries import workspaces as wq

log = logging.getLogger("pact.installations")

INSTALL_PATH = "/slack/install"
REDIRECT_PATH = "/slack/oauth_redirect"
STATE_SECONDS = 600
# Refresh a rotating token when it has less than this left (Slack's tokens last 12 hours).
ROTATE_MINUTES_BEFORE = 120
LOOKUP_SECONDS = 10.0  # how long a workspace's client is reused before looking again


class PactInstallationStore(SQLAlchemyInstallationStore):
    """slack_sdk's store over Pact's tables. Saving an installation (an install, or a
    reinstall within the retention period) marks the workspace installed, so its schedules
    and outbox run again; a refreshed token alone (`save_bot`) changes nothing else."""

    def save(self, installation):
        super().save(installation)
        with session_scope(self.engine) as session:
            now = now_of(session)
            if installation.is_enterprise_install and installation.enterprise_id:
                resumed = wq.org_workspaces(session, installation.enterprise_id)
                resumed = [w for w in resumed if wq.mark_installed(
                    session, w, now, installation.enterprise_id)]
                log.info("installed in organisation %s (every workspace of it; %d resume)",
                         installation.enterprise_id, len(resumed))
            elif installation.team_id:
                wq.mark_installed(session, installation.team_id, now,
                                  installation.enterprise_id)
                log.info("installed in workspace %s", installation.team_id)


def installation_store(settings: Settings, engine: Engine) -> PactInstallationStore:
    return PactInstallationStore(
        client_id=settings.client_id, engine=engine, bots_table_name=BOTS_TABLE,
        installations_table_name=INSTALLATIONS_TABLE,
        logger=logging.getLogger("pact.installations.store"))


def token_rotator(settings: Settings) -> TokenRotator:
    """Refreshes through SLACK_API_URL (slack_sdk's default client would go to slack.com)."""
    return TokenRotator(client_id=settings.client_id, client_secret=settings.client_secret,
                        client=WebClient(base_url=settings.api_url, timeout=10))


def oauth_settings(settings: Settings, engine: Engine) -> OAuthSettings:
    """Bolt's OAuth flow with Pact's stores, rotating tokens refreshed through SLACK_API_URL."""
    result = OAuthSettings(
        client_id=settings.client_id, client_secret=settings.client_secret,
        scopes=sorted(BOT_SCOPES), install_path=INSTALL_PATH, redirect_uri_path=REDIRECT_PATH,
        installation_store=installation_store(settings, engine),
        installation_store_bot_only=True,
        state_store=SQLAlchemyOAuthStateStore(expiration_seconds=STATE_SECONDS, engine=engine,
                                              table_name=OAUTH_STATES_TABLE),
        token_rotation_expiration_minutes=ROTATE_MINUTES_BEFORE,
    )
    result.authorize.token_rotator = token_rotator(settings)
    return result


class WorkspaceClients:
    """A Slack client per workspace, with its installed bot token (refreshed when rotating).

    `for_workspace` returns None when the workspace has no installation (uninstalled, or never
    installed): nothing is sent for it. A workspace of an Enterprise Grid organisation uses
    its own install or else the organisation's org-wide one.
    """

    def __init__(self, settings: Settings, engine: Engine):
        self.settings = settings
        self.store = installation_store(settings, engine)
        self.rotator = token_rotator(settings)
        self._clients: dict[str, WebClient] = {}
        self._recent: dict[str, tuple[float, float | None, WebClient | None]] = {}
        self._lock = threading.Lock()

    def for_workspace(self, workspace_id: str) -> WebClient | None:
        """The workspace's own install, else the org-wide install of its organisation.

        Looked up at most every few seconds per workspace (a batch of thousands of messages
        would otherwise read the same bot row for each), and at once when its token is close to
        the refresh window. Claims already skip uninstalled workspaces, so a client kept here
        for a few seconds sends nothing a fresh look-up would not. A miss is never kept: a
        workspace installed a moment ago is sent to at once."""
        now = time.monotonic()
        with self._lock:
            kept = self._recent.get(workspace_id)
        if kept is not None and now - kept[0] < LOOKUP_SECONDS and (
                kept[1] is None or kept[1] - time.time() > ROTATE_MINUTES_BEFORE * 60 + 60):
            return kept[2]
        with session_scope(self.store.engine) as session:
            enterprise_id = wq.enterprise_of(session, workspace_id)
        bot = self.store.find_bot(enterprise_id=enterprise_id, team_id=workspace_id)
        if bot is None and enterprise_id:
            bot = self.store.find_bot(enterprise_id=enterprise_id, team_id=None,
                                      is_enterprise_install=True)
        client = self._client(workspace_id, bot)
        expires = getattr(bot, "bot_token_expires_at", None) if bot is not None else None
        if client is not None:
            with self._lock:
                self._recent[workspace_id] = (now, float(expires) if expires else None, client)
        return client

    def forget(self, workspace_id: str) -> None:
        """Look the workspace's token up afresh next time (Slack refused the one kept)."""
        with self._lock:
            self._recent.pop(workspace_id, None)

    def for_organisation(self, enterprise_id: str) -> WebClient | None:
        """The token of an org-wide install (`pact doctor` checks it once for all its
        workspaces)."""
        bot = self.store.find_bot(enterprise_id=enterprise_id, team_id=None,
                                  is_enterprise_install=True)
        return self._client(enterprise_id, bot)

    def _client(self, key: str, bot) -> WebClient | None:
        if bot is None or not bot.bot_token:
            return None
        if bot.bot_refresh_token:
            refreshed = self.rotator.perform_bot_token_rotation(
                bot=bot, minutes_before_expiration=ROTATE_MINUTES_BEFORE)
            if refreshed is not None:
                self.store.save_bot(refreshed)
                log.info("refreshed the bot token of %s", key)
                bot = refreshed
        with self._lock:
            client = self._clients.get(key)
            if client is None or client.token != bot.bot_token:
                client = self._clients[key] = WebClient(
                    token=bot.bot_token, base_url=self.settings.api_url, timeout=10,
                    retry_handlers=[])
            return client
