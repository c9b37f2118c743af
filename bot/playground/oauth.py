"""The emulator's OAuth side: installs into more workspaces (`oauth.v2.access` with a code),
org-wide installs into an Enterprise Grid organisation (one token for all its workspaces),
bot tokens per workspace (`auth.test` answers for the token's own workspace or organisation),
token rotation (`grant_type=refresh_token`) and revocation. Mixed into `SlackEmulator`."""

from __future__ import annotations

import base64
import secrets
from typing import Any

CLIENT_ID = "1111111111.2222222222"
CLIENT_SECRET = "0123456789abcdef0123456789abcdef"


class OAuthEmulation:
    """Needs `self._lock`, `self.tokens` (bot token -> team id), `self.scopes`, `self.app_id`,
    `self.bot_user_id` and `self._new_id` from the emulator."""

    client_id = CLIENT_ID
    client_secret = CLIENT_SECRET
    token_lifetime: int | None = None  # seconds; set = tokens rotate (refresh tokens issued)

    def _oauth_init(self) -> None:
        self._codes: dict[str, dict] = {}
        self._refresh: dict[str, str] = {}  # refresh token -> team id
        self.team_names: dict[str, str] = {}
        self.enterprises: dict[str, str] = {}  # organisations installed org-wide: id -> name
        self.installs: list[dict] = []  # every oauth.v2.access answer, in order

    def install_code(self, team_id: str, team_name: str = "", user_id: str = "U0INSTALLER"
                     ) -> str:
        """What Slack puts in the redirect after someone approves the install in `team_id`."""
        code = f"code-{secrets.token_hex(8)}"
        with self._lock:
            self._codes[code] = dict(team_id=team_id, team_name=team_name or team_id,
                                     user_id=user_id)
            self.team_names[team_id] = team_name or team_id
        return code

    def org_install_code(self, enterprise_id: str, name: str = "",
                         user_id: str = "W0INSTALLER") -> str:
        """What Slack puts in the redirect after an org admin approves an org-wide install."""
        code = f"code-{secrets.token_hex(8)}"
        with self._lock:
            self._codes[code] = dict(team_id=enterprise_id, team_name=name or enterprise_id,
                                     user_id=user_id)
            self.enterprises[enterprise_id] = name or enterprise_id
            self.team_names[enterprise_id] = name or enterprise_id
        return code

    def revoke_workspace(self, team_id: str) -> None:
        """Uninstalled: every token of the workspace stops working."""
        with self._lock:
            for token, team in list(self.tokens.items()):
                if team == team_id:
                    del self.tokens[token]
                    self.revoked_tokens.add(token)

    def tokens_of(self, team_id: str) -> list[str]:
        with self._lock:
            return [t for t, team in self.tokens.items() if team == team_id]

    def _oauth_access(self, args: dict, headers) -> dict[str, Any]:
        client_id, client_secret = args.get("client_id"), args.get("client_secret")
        auth = headers.get("Authorization") or ""
        if auth.lower().startswith("basic "):
            client_id, _, client_secret = base64.b64decode(auth[6:]).decode().partition(":")
        if (client_id, client_secret) != (self.client_id, self.client_secret):
            return {"ok": False, "error": "invalid_client_id"}
        with self._lock:
            if args.get("grant_type") == "refresh_token":
                team_id = self._refresh.pop(args.get("refresh_token") or "", None)
                if team_id is None:
                    return {"ok": False, "error": "invalid_refresh_token"}
                for token, team in list(self.tokens.items()):  # the old token ends
                    if team == team_id:
                        del self.tokens[token]
                return self._issue(team_id, self.team_names.get(team_id, team_id), None)
            grant = self._codes.pop(args.get("code") or "", None)
            if grant is None:
                return {"ok": False, "error": "invalid_code"}
            return self._issue(grant["team_id"], grant["team_name"], grant["user_id"])

    def _issue(self, team_id: str, team_name: str, user_id: str | None) -> dict:
        """A bot token for a workspace, or for an organisation installed org-wide (then
        `team` is null, as Slack answers)."""
        token = f"xoxb-{team_id}-{secrets.token_hex(8)}"
        self.tokens[token] = team_id
        org = team_id in self.enterprises
        answer = {"ok": True, "app_id": self.app_id, "token_type": "bot",
                  "access_token": token, "scope": ",".join(self.scopes),
                  "bot_user_id": self.bot_user_id,
                  "team": None if org else {"id": team_id, "name": team_name},
                  "enterprise": {"id": team_id, "name": team_name} if org else None,
                  "is_enterprise_install": org}
        if user_id:
            answer["authed_user"] = {"id": user_id}
        if self.token_lifetime:
            refresh = f"xoxe-1-{secrets.token_hex(12)}"
            self._refresh[refresh] = team_id
            answer.update(refresh_token=refresh, expires_in=self.token_lifetime)
        self.installs.append(answer)
        return answer
