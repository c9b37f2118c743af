"""`pact playground`: start the emulator, Pact and the web app; seed the demo when asked (or when
the database is empty); serve until SIGTERM/SIGINT."""

from __future__ import annotations

import signal
import sys
import threading
from pathlib import Path

from bot.playground import demo, snapshot
from bot.playground.web import HOST, serve
from bot.playground.world import Playground

SLACK_CREDENTIALS = ("SLACK_BOT_TOKEN", "SLACK_APP_TOKEN", "SLACK_SIGNING_SECRET")
CONNECT_HINT = ("To connect a real Slack workspace instead, follow \"Create the Slack app\" in "
                "README.md and put SLACK_BOT_TOKEN (and SLACK_APP_TOKEN) in .env.")


def no_slack_configured(env, cwd: Path) -> bool:
    """True when nothing at all says which Slack to use: no credential variable, no `.env`.
    Anything present (even half of it) keeps `pact run` on Slack, with its errors."""
    return not any(env.get(name) for name in SLACK_CREDENTIALS) and not (cwd / ".env").exists()


def database_url(database: str | None) -> str:
    if not database:
        database = "playground.db"
    return database if "://" in database else f"sqlite:///{Path(database).resolve()}"


def _is_empty(pg: Playground) -> bool:
    from sqlmodel import select

    from storage.engine import session_scope
    from storage.models import Team

    with session_scope(pg.services.engine) as session:
        return session.exec(select(Team.id).limit(1)).first() is None


def start(database: str | None = None, *, demo_world: bool = False, port: int = 3000,
          out=sys.stdout):
    """A started playground and its web server; seeds the demo when asked or empty."""
    pg = Playground(database_url(database)).start()
    demo.add_people(pg)
    kept = snapshot.path_for(pg.database_url)
    empty = _is_empty(pg)
    if not empty and kept is not None:
        snapshot.load(pg, kept)
    if demo_world or empty:
        print("Seeding the demo team (a lead, six members, a manager) and living its last four "
              "weeks on the playground clock (about a minute)…", file=out, flush=True)
        demo.seed(pg)

    def save() -> None:
        if kept is not None:
            with pg.lock:
                snapshot.save(pg, kept)

    save()
    pg.keep_ticking()
    server = serve(pg, port, on_change=save)
    print(f"Pact playground: http://{HOST}:{server.server_address[1]}/", file=out, flush=True)
    return pg, server


def run(database: str | None = None, *, demo_world: bool = False, port: int = 3000,
        out=sys.stdout, hint: bool = False) -> int:
    stop = threading.Event()
    for signum in (signal.SIGTERM, signal.SIGINT):
        signal.signal(signum, lambda *_: stop.set())
    pg, server = start(database, demo_world=demo_world, port=port, out=out)
    if hint:
        print(CONNECT_HINT, file=out, flush=True)
    stop.wait()
    server.shutdown()
    server.server_close()
    server.changed()
    pg.stop()
    return 0
