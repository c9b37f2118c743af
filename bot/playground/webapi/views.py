"""Modals and Home tabs: trigger ids, `views.open`/`push`/`update`/`publish`, view stacks.

A part of `SlackEmulator` (bot/playground/emulator.py), which holds the state it uses."""

from __future__ import annotations

import secrets
import time

from bot.playground.webapi.limits import TRIGGER_TTL, VIEW_STACK_MAX, _check_fast, _ptr
from bot.playground.webapi.model import _TRIGGER_RE, _ApiError


class ViewMethods:
    """Trigger ids, modal stacks and Home tabs."""

    def new_trigger_id(self, view_id: str | None = None) -> str:
        """A trigger valid for 3 s and one use; ``view_id`` ties it to a modal (for views.push)."""
        with self._lock:
            trigger = (f"{self._rng.randrange(10**9, 10**10)}."
                       f"{self._rng.randrange(10**12, 10**13)}.{secrets.token_hex(16)}")
            self._triggers[trigger] = (self.clock(), view_id)
            return trigger

    def views(self) -> dict:
        with self._lock:
            return {vid: v for vid, v in self._views.items() if v.get("type") != "home"}

    def home_view(self, user_id: str) -> dict | None:
        with self._lock:
            vid = self._home.get(user_id)
            return self._views.get(vid) if vid else None

    def close_view(self, view_id: str) -> None:
        """The user closed a modal: drop it and the views pushed on top of it."""
        with self._lock:
            root = self._views[view_id]["root_view_id"]
            stack = self._stacks.get(root, [])
            if view_id in stack:
                for vid in stack[stack.index(view_id):]:
                    self._views.pop(vid, None)
                del stack[stack.index(view_id):]
            if not stack:
                self._stacks.pop(root, None)

    def _exchange_trigger(self, method: str, args: dict) -> str | None:
        """Check a trigger (format, issued, unused, fresh); returns the view it came from."""
        trigger = str(args.get("trigger_id") or args.get("interactivity_pointer") or "")
        if not trigger:
            self._require(method, args, "trigger_id")
        if not _TRIGGER_RE.match(trigger) or trigger not in self._triggers:
            raise _ApiError("invalid_trigger_id")
        if trigger in self._used_triggers:
            raise _ApiError("exchanged_trigger_id")
        issued, view_id = self._triggers[trigger]
        if self.clock() - issued > TRIGGER_TTL:
            raise _ApiError("expired_trigger_id")
        return view_id

    def _checked_view(self, method: str, args: dict) -> dict:
        view = args.get("view")
        if view in (None, ""):
            self._require(method, args, "view")
        if not isinstance(view, dict):
            self._reject(method, "invalid_arguments", [f"view must be a JSON object{_ptr('')}"])
        reasons = _check_fast("view", view)
        if reasons:
            too_large = any(r.startswith("view_too_large") for r in reasons)
            self._reject(method, "view_too_large" if too_large else "invalid_arguments", reasons,
                         prefix="/view")
        return view

    def _make_view(self, view: dict, view_id: str, root: str, previous: str | None) -> dict:
        team = self.caller_team
        made = {"id": view_id, "team_id": team, "type": view["type"],
                "blocks": view.get("blocks", []), "private_metadata": "", "callback_id": "",
                "state": {"values": {}}, "hash": f"{int(time.time())}.{secrets.token_hex(4)}",
                "title": None, "clear_on_close": False, "notify_on_close": False, "close": None,
                "submit": None, "previous_view_id": previous, "root_view_id": root,
                "app_id": self.app_id, "external_id": "", "app_installed_team_id": team,
                "bot_id": self.bot_id}
        made.update({k: v for k, v in view.items() if k not in ("id", "hash", "state")})
        return made

    def _check_external_id(self, view: dict, own_id: str | None = None) -> None:
        ext = view.get("external_id")
        if ext and any(v.get("external_id") == ext and vid != own_id
                       for vid, v in self._views.items()):
            raise _ApiError("duplicate_external_id")

    def _m_views_open(self, args: dict) -> dict:
        view = self._checked_view("views.open", args)
        if view.get("type") != "modal":
            self._reject("views.open", "invalid_arguments",
                         [f"views.open needs a modal{_ptr('/view/type')}"])
        self._exchange_trigger("views.open", args)
        self._check_external_id(view)
        self._used_triggers.add(str(args.get("trigger_id") or args.get("interactivity_pointer")))
        vid = self._new_id("V")
        self._views[vid] = made = self._make_view(view, vid, vid, None)
        self._stacks[vid] = [vid]
        self._last_root = vid
        return {"ok": True, "view": made}

    def _m_views_push(self, args: dict) -> dict:
        view = self._checked_view("views.push", args)
        if view.get("type") != "modal":
            self._reject("views.push", "invalid_arguments",
                         [f"views.push needs a modal{_ptr('/view/type')}"])
        from_view = self._exchange_trigger("views.push", args)
        source = self._views.get(from_view or "")
        root = source["root_view_id"] if source else self._last_root
        stack = self._stacks.get(root or "")
        if not stack:
            raise _ApiError("not_found")
        if len(stack) >= VIEW_STACK_MAX:
            raise _ApiError("push_limit_reached")
        self._check_external_id(view)
        self._used_triggers.add(str(args.get("trigger_id") or args.get("interactivity_pointer")))
        vid = self._new_id("V")
        self._views[vid] = made = self._make_view(view, vid, root, stack[-1])
        stack.append(vid)
        self._last_root = root
        return {"ok": True, "view": made}

    def _m_views_update(self, args: dict) -> dict:
        vid, ext = args.get("view_id"), args.get("external_id")
        if not vid and not ext:
            self._reject("views.update", "invalid_arguments",
                         ["either view_id or external_id is required"])
        view = self._checked_view("views.update", args)
        if not vid:
            vid = next((k for k, v in self._views.items() if v.get("external_id") == ext), None)
        old = self._views.get(str(vid or ""))
        if old is None:
            raise _ApiError("not_found")
        if args.get("hash") and args["hash"] != old["hash"]:
            raise _ApiError("hash_conflict")
        self._check_external_id(view, old["id"])
        ext = view.get("external_id") or old["external_id"]
        made = self._make_view({**view, "external_id": ext}, old["id"], old["root_view_id"],
                               old["previous_view_id"])
        self._views[old["id"]] = made
        return {"ok": True, "view": made}

    def _m_views_publish(self, args: dict) -> dict:
        self._require("views.publish", args, "user_id")
        view = self._checked_view("views.publish", args)
        if view.get("type") != "home":
            self._reject("views.publish", "invalid_arguments",
                         [f"views.publish needs a home view{_ptr('/view/type')}"])
        uid = str(args["user_id"])
        self._user(uid)
        vid = self._home.get(uid)
        if vid and args.get("hash") and args["hash"] != self._views[vid]["hash"]:
            raise _ApiError("hash_conflict")
        vid = vid or self._new_id("V")
        self._home[uid] = vid
        self._views[vid] = made = self._make_view(view, vid, vid, None)
        return {"ok": True, "view": made}
