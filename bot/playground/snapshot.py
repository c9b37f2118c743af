"""What Slack would remember between two runs of the playground (messages, DMs, Home tabs, files,
ephemerals, the clock), kept beside the SQLite file, so a restart shows the same workspace Pact's
database describes."""

from __future__ import annotations

import base64
import json
import os
from dataclasses import asdict
from datetime import timedelta
from pathlib import Path

from sqlalchemy.engine import make_url

from bot.playground.emulator import _Channel
from bot.playground.world import Ephemeral, Playground


def path_for(database_url: str) -> Path | None:
    """`playground.db.slack.json` beside a SQLite file; None for other databases."""
    url = make_url(database_url)
    if url.get_backend_name() != "sqlite" or not url.database or url.database == ":memory:":
        return None
    return Path(url.database + ".slack.json")


def save(pg: Playground, path: Path) -> None:
    emu = pg.emulator
    with emu._lock:
        data = {
            "offset": pg.offset.total_seconds(),
            "last_us": emu._last_us,
            "dms": dict(emu._dm_by_user),
            "messages": {cid: list(msgs) for cid, msgs in emu._messages.items()},
            "home": {uid: emu._views[vid] for uid, vid in emu._home.items() if vid in emu._views},
            "files": [{**f, "content": base64.b64encode(f.get("content") or b"").decode()}
                      for f in emu._files],
            "ephemerals": [asdict(e) for e in pg.ephemerals],
        }
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps(data))
    os.replace(tmp, path)


def load(pg: Playground, path: Path) -> bool:
    """Restore what `save` kept; False when there is nothing (or nothing readable) to restore."""
    try:
        data = json.loads(path.read_text())
    except (OSError, ValueError):
        return False
    emu = pg.emulator
    with emu._lock:
        pg.offset = timedelta(seconds=data.get("offset", 0))
        emu._last_us = max(emu._last_us, data.get("last_us", 0))
        for uid, cid in data.get("dms", {}).items():
            if uid in emu._users:
                emu._channels[cid] = _Channel(cid, "", [uid], is_private=True, is_im=True,
                                              user=uid)
                emu._dm_by_user[uid] = cid
                emu._issued.add(cid)
        for cid, msgs in data.get("messages", {}).items():
            emu._messages[cid] = msgs
            for msg in msgs:
                emu._msg_index[(cid, msg["ts"])] = msg
        for uid, view in data.get("home", {}).items():
            emu._views[view["id"]] = view
            emu._home[uid] = view["id"]
        emu._files = [{**f, "content": base64.b64decode(f["content"])}
                      for f in data.get("files", [])]
        pg.ephemerals = [Ephemeral(**e) for e in data.get("ephemerals", [])]
    return True
