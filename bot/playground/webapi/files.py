"""File uploads: `files.upload` (refused, as Slack retired it) and the external upload flow.

A part of `SlackEmulator` (bot/playground/emulator.py), which holds the state it uses."""

from __future__ import annotations

import time

from bot.playground.webapi.model import _ApiError


class FileMethods:
    """Uploads, by the external upload flow Slack asks for."""

    def uploaded_files(self) -> list[dict]:
        with self._lock:
            return list(self._files)

    def _handle_upload(self, path: str, raw: bytes) -> tuple:
        file_id = path.rstrip("/").rsplit("/", 1)[-1]
        with self._lock:
            pending = self._pending_files.get(file_id)
            if pending is None:
                return 404, {}, "file not found"
            pending["content"] = raw
        return 200, {}, f"OK - {len(raw)}"

    def _m_files_upload(self, args: dict) -> dict:
        raise _ApiError("method_deprecated")

    def _m_files_getUploadURLExternal(self, args: dict) -> dict:
        self._require("files.getUploadURLExternal", args, "filename", "length")
        try:
            length = int(args["length"])
        except (TypeError, ValueError):
            self._reject("files.getUploadURLExternal", "invalid_arguments",
                         ["length must be an integer"])
        fid = self._new_id("F")
        self._pending_files[fid] = {"id": fid, "filename": str(args["filename"]),
                                    "length": length, "alt_txt": args.get("alt_txt"),
                                    "content": None}
        base = self.url[: -len("api/")]
        return {"ok": True, "upload_url": f"{base}upload/v1/{fid}", "file_id": fid}

    def _m_files_completeUploadExternal(self, args: dict) -> dict:
        self._require("files.completeUploadExternal", args, "files")
        files = args["files"]
        if not isinstance(files, list) or not all(
            isinstance(f, dict) and f.get("id") for f in files
        ):
            self._reject("files.completeUploadExternal", "invalid_arguments",
                         ["files must be a JSON array of {id, title}"])
        targets = [args["channel_id"]] if args.get("channel_id") else [
            c for c in str(args.get("channels") or "").split(",") if c]
        channels = [self._postable(t, allow_user=False).id for t in targets]
        pending = [self._pending_files.get(f["id"]) for f in files]
        if any(p is None or p["content"] is None for p in pending):
            raise _ApiError("file_not_found")
        out = []
        for spec, p in zip(files, pending, strict=True):
            del self._pending_files[p["id"]]
            title = spec.get("title") or p["filename"]
            self._files.append({**p, "title": title, "channels": channels,
                                "channel_id": channels[0] if channels else None,
                                "initial_comment": args.get("initial_comment"),
                                "thread_ts": args.get("thread_ts")})
            out.append({"id": p["id"], "name": p["filename"], "title": title,
                        "size": len(p["content"]), "channels": channels,
                        "created": int(time.time()), "user": self.bot_user_id})
        return {"ok": True, "files": out}
