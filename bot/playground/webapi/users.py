"""Users and auth: the people of the emulated workspace, `users.info`, `users.list`, `auth.test`.

A part of `SlackEmulator` (bot/playground/emulator.py), which holds the state it uses."""

from __future__ import annotations

import time
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from bot.playground.webapi.model import _ApiError


class UserMethods:
    """People of the workspace and the methods that answer about them."""

    def add_user(self, user_id=None, *, name="alice", tz="Europe/Berlin", is_admin=False,
                 is_owner=False, deleted=False, is_bot=False, real_name=None) -> str:
        if tz is not None:
            ZoneInfo(tz)  # fail early on a typo
        with self._lock:
            uid = user_id or self._new_id("U")
            self._issued.add(uid)
            self._users[uid] = dict(id=uid, name=name, real_name=real_name or name.title(), tz=tz,
                                    is_admin=is_admin, is_owner=is_owner, deleted=deleted,
                                    is_bot=is_bot)
            return uid

    def set_status(self, user_id: str, emoji: str = "", text: str = "",
                   expiration: int = 0) -> None:
        """The person's Slack status, as `users.info` shows it in `profile`."""
        with self._lock:
            self._users[user_id]["status"] = dict(status_emoji=emoji, status_text=text,
                                                  status_expiration=expiration)

    def deactivate_user(self, user_id: str) -> None:
        with self._lock:
            self._users[user_id]["deleted"] = True

    def _user(self, user_id: Any) -> dict:
        user = self._users.get(str(user_id or ""))
        if user is None:
            raise _ApiError("user_not_found")
        return user

    def _user_payload(self, u: dict) -> dict:
        tz_fields: dict[str, Any] = {"tz": u["tz"]}
        if u["tz"]:
            now = datetime.now(ZoneInfo(u["tz"]))
            tz_fields.update(tz_label=now.tzname(), tz_offset=int(now.utcoffset().total_seconds()))
        profile = {"real_name": u["real_name"], "display_name": u["name"],
                   "real_name_normalized": u["real_name"], "display_name_normalized": u["name"],
                   "team": self.team_id,
                   **(u.get("status") or dict(status_emoji="", status_text="",
                                               status_expiration=0))}
        if u["is_bot"] and u["id"] == self.bot_user_id:
            profile["bot_id"] = self.bot_id
        return {"id": u["id"], "team_id": self.team_id, "name": u["name"],
                "deleted": u["deleted"], "color": "9f69e7", "real_name": u["real_name"],
                **tz_fields, "profile": profile, "is_admin": u["is_admin"],
                "is_owner": u["is_owner"], "is_primary_owner": u["is_owner"],
                "is_restricted": False, "is_ultra_restricted": False, "is_bot": u["is_bot"],
                "is_app_user": False, "updated": 1732186020}

    def _m_auth_test(self, args: dict) -> dict:
        org = self.caller_team in getattr(self, "enterprises", {})
        answer = {"ok": True, "url": "https://pact-test.slack.com/", "team": "Pact Test",
                  "user": "pact", "team_id": self.caller_team,
                  "user_id": self.bot_user_id,
                  "bot_id": self.bot_id, "is_enterprise_install": org}
        if org:  # an org-wide token: the organisation's
            answer.update(enterprise_id=self.caller_team, url="https://pact-org.enterprise.slack.com/")
        return answer

    def _m_users_info(self, args: dict) -> dict:
        self._require("users.info", args, "user")
        return {"ok": True, "user": self._user_payload(self._user(args["user"]))}

    def _m_users_list(self, args: dict) -> dict:
        users = [self._user_payload(u) for u in self._users.values()]
        page, nxt = self._page(users, args, "user", 1000)
        return {"ok": True, "members": page, "cache_ts": int(time.time()),
                "response_metadata": {"next_cursor": nxt}}
