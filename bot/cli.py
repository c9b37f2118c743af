"""The `pact` command line (also `python -m bot`).

`.env` is read here and only here; real environment variables win over it.
"""

from __future__ import annotations

import argparse
import gc
import logging
import os
import signal
import sys
import threading
from pathlib import Path

from dotenv import load_dotenv
from slack_sdk.errors import SlackApiError

from bot.config import ConfigError, Settings, load_settings
from bot.logs import setup_logging

log = logging.getLogger("pact")


def _settings(*, need_slack: bool = True, need_listener: bool = False) -> Settings:
    try:
        return load_settings(os.environ, need_slack=need_slack, need_listener=need_listener)
    except ConfigError as err:
        print("pact: cannot start, the configuration has problems:", file=sys.stderr)
        for problem in err.problems:
            print(f"  - {problem}", file=sys.stderr)
        print("Set these in the environment or in a .env file (see .env.example).",
              file=sys.stderr)
        raise SystemExit(2) from None


def _services(settings: Settings):
    from bot.app import make_services
    from bot.slack_client import make_web_client
    from storage.engine import get_engine

    return make_services(settings, get_engine(settings.database_url)), make_web_client(settings)


def _sending_client(services, client):
    """What the scheduler and outbox send with: the one bot token, or in OAuth mode each
    workspace's own token from the installation store."""
    if not services.settings.oauth_mode:
        return client
    from bot.installations import WorkspaceClients

    return WorkspaceClients(services.settings, services.engine)


# What a refused bot token means, said as what to do.
_TOKEN_REFUSED = {
    "invalid_auth": "Slack does not know this token: copy the Bot User OAuth Token again from "
                    "Slack app settings > OAuth & Permissions",
    "not_authed": "the token is empty: set SLACK_BOT_TOKEN",
    "token_revoked": "the token was revoked: reinstall the app (Slack app settings > Install "
                     "App) and copy the new Bot User OAuth Token",
    "account_inactive": "the app was uninstalled: reinstall it from Slack app settings > "
                        "Install App",
}


def _check_token(client) -> None:
    """`auth.test` before anything starts: a token Slack refuses (a placeholder, a revoked one)
    stops Pact with one clear line; Slack out of reach is only a warning (it may come back)."""
    if not getattr(client, "token", None):
        return  # OAuth mode: each installed workspace's token is checked by `pact doctor`
    try:
        who = client.auth_test()
    except SlackApiError as err:
        error = err.response.get("error") or f"HTTP {err.response.status_code}"
        if error in _TOKEN_REFUSED:
            print(f"pact: SLACK_BOT_TOKEN is not valid ({error}): {_TOKEN_REFUSED[error]}.",
                  file=sys.stderr)
            raise SystemExit(2) from None
        log.warning("could not check SLACK_BOT_TOKEN with Slack (%s); starting anyway", error)
        return
    except Exception as err:  # noqa: BLE001 - Slack out of reach: said in one line
        log.warning("could not reach Slack to check SLACK_BOT_TOKEN (%s); starting anyway",
                    _one_line(err))
        return
    log.info("Slack accepts the token: bot %s in workspace %s", who.get("user"),
             who.get("team"))


def _one_line(err: BaseException) -> str:
    reason = getattr(err, "reason", None) or err
    return f"{type(err).__name__}: {reason}".splitlines()[0][:200]


def _wait_for_signal() -> threading.Event:
    stop = threading.Event()

    def _stop(signum, _frame):
        log.info("received %s, stopping", signal.Signals(signum).name)
        stop.set()

    signal.signal(signal.SIGTERM, _stop)
    signal.signal(signal.SIGINT, _stop)
    return stop


def _listen(settings: Settings, services, client) -> None:
    """Serve Slack until SIGTERM/SIGINT: Socket Mode with an app token, else HTTP."""
    from bot.app import create_app

    app = create_app(services, client)
    # What exists now (modules, the app, its listeners) lives as long as the process: keep it
    # out of the garbage collector's scans so each request costs less.
    gc.freeze()
    if settings.socket_mode:
        from slack_bolt.adapter.socket_mode import SocketModeHandler

        stop = _wait_for_signal()
        handler = SocketModeHandler(app, settings.app_token)
        try:
            handler.connect()
        except SlackApiError as err:
            raise SystemExit(
                f"pact: Slack refused the Socket Mode connection "
                f"({err.response.get('error')}). Check SLACK_APP_TOKEN: an app-level token "
                "with the connections:write scope, from Slack app settings > Basic "
                "Information > App-Level Tokens, with Socket Mode turned on.") from None
        except Exception as err:  # noqa: BLE001 - the network: one line, not a traceback
            raise SystemExit(
                f"pact: could not open the Socket Mode connection to Slack ({_one_line(err)})."
                f" Check the network, a proxy or firewall in the way, and SLACK_API_URL "
                f"({settings.api_url}).") from None
        log.info("connected to Slack in Socket Mode")
        stop.wait()
        handler.close()
        return
    from bot.server import make_server, make_wsgi_app, serve_until_signalled

    server = make_server(make_wsgi_app(app, services.engine, settings.signing_secret),
                         port=settings.port)
    serve_until_signalled(server)


def _warn_if_behind(services) -> None:
    from storage.migrate import pending

    if pending(services.engine, services.settings.database_url):
        log.warning("the database is behind this version of Pact: run `pact db upgrade`")


def cmd_run(_args) -> int:
    from bot.playground.run import no_slack_configured

    if no_slack_configured(os.environ, Path.cwd()):
        return _playground(demo=False, database=None, hint=True)
    settings = _settings(need_listener=True)
    setup_logging(settings.log_level, settings.log_format)
    from scheduling.runner import make_scheduler, settle_before_work
    from storage.migrate import upgrade

    upgrade(settings.database_url)
    log.info("database migrated")
    services, client = _services(settings)
    _check_token(client)
    stopping = threading.Event()
    scheduler = make_scheduler(services, _sending_client(services, client), stopping)
    settle_before_work()
    scheduler.start()
    log.info("scheduler started (tick every %ss)", settings.tick_seconds)
    try:
        _listen(settings, services, client)
    finally:
        stopping.set()
        scheduler.shutdown(wait=True)
        log.info("stopped")
    return 0


def cmd_web(_args) -> int:
    settings = _settings(need_listener=True)
    setup_logging(settings.log_level, settings.log_format)
    services, client = _services(settings)
    _check_token(client)
    _warn_if_behind(services)
    _listen(settings, services, client)
    log.info("stopped")
    return 0


def cmd_worker(_args) -> int:
    settings = _settings()
    setup_logging(settings.log_level, settings.log_format)
    from scheduling.runner import make_scheduler, settle_before_work

    services, client = _services(settings)
    _check_token(client)
    _warn_if_behind(services)
    stop = _wait_for_signal()
    scheduler = make_scheduler(services, _sending_client(services, client), stop)
    settle_before_work()
    scheduler.start()
    log.info("worker started (tick every %ss)", settings.tick_seconds)
    stop.wait()
    scheduler.shutdown(wait=True)
    log.info("worker stopped")
    return 0


def _playground(*, demo: bool, database: str | None, hint: bool = False) -> int:
    from bot.playground.run import run

    setup_logging(os.environ.get("LOG_LEVEL", "WARNING").upper()
                  if os.environ.get("LOG_LEVEL", "").upper() in ("DEBUG", "INFO", "WARNING",
                                                                  "ERROR") else "WARNING")
    try:
        port = int(os.environ.get("PORT") or 3000)
    except ValueError:
        raise SystemExit("pact: PORT must be a number") from None
    return run(database, demo_world=demo, port=port, hint=hint)


def cmd_playground(args) -> int:
    return _playground(demo=args.demo, database=args.database)


def cmd_db_upgrade(_args) -> int:
    settings = _settings(need_slack=False)
    setup_logging(settings.log_level, settings.log_format)
    from storage.migrate import upgrade

    upgrade(settings.database_url)
    print("database is up to date")
    return 0


def cmd_doctor(_args) -> int:
    from bot.doctor import run_doctor

    setup_logging(os.environ.get("LOG_LEVEL", "WARNING").upper()
                  if os.environ.get("LOG_LEVEL", "").upper() in ("DEBUG", "INFO", "WARNING",
                                                                  "ERROR") else "WARNING")
    return run_doctor(os.environ, out=sys.stdout)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="pact", description="Pact, a Slack app for teams "
                                     "that grow together.")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    sub.add_parser("run", help="everything in one process: migrations, listener, scheduler") \
        .set_defaults(func=cmd_run)
    sub.add_parser("web", help="the Slack listener alone").set_defaults(func=cmd_web)
    sub.add_parser("worker", help="the scheduler alone").set_defaults(func=cmd_worker)
    db = sub.add_parser("db", help="database commands")
    db_sub = db.add_subparsers(dest="db_command", required=True, metavar="DB_COMMAND")
    db_sub.add_parser("upgrade", help="apply migrations").set_defaults(func=cmd_db_upgrade)
    play = sub.add_parser("playground", help="Pact in your browser, without Slack "
                          "(127.0.0.1, PORT or 3000)")
    play.add_argument("--demo", action="store_true", help="seed the demo team (also done "
                      "when the database is empty)")
    play.add_argument("--database", metavar="PATH_OR_URL", help="SQLite file or database URL "
                      "(default playground.db)")
    play.set_defaults(func=cmd_playground)
    sub.add_parser("doctor", help="check configuration, database, Slack token and scopes") \
        .set_defaults(func=cmd_doctor)
    return parser


def main(argv: list[str] | None = None) -> int:
    load_dotenv(Path.cwd() / ".env", override=False)  # the working directory's .env only
    args = build_parser().parse_args(argv)
    return args.func(args)
