"""`pact doctor`: one line per check, a fix for each failure, non-zero exit if any fails."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from typing import TextIO

from slack_sdk.errors import SlackApiError

from bot.config import DEFAULT_DATABASE_URL, ConfigError, load_settings
from bot.scopes import BOT_SCOPES


@dataclass
class Check:
    name: str
    ok: bool
    detail: str
    fix: str = ""


def _slack_fix(error: str) -> str:
    return {
        "invalid_auth": "SLACK_BOT_TOKEN was not accepted: copy the Bot User OAuth Token again "
                        "from Slack app settings > OAuth & Permissions.",
        "token_revoked": "The token was revoked: reinstall the app (Slack app settings > "
                         "Install App) and copy the new Bot User OAuth Token.",
        "account_inactive": "The app was uninstalled or its bot deactivated: reinstall it "
                            "from Slack app settings > Install App.",
        "not_authed": "SLACK_BOT_TOKEN is empty: set it from Slack app settings > "
                      "OAuth & Permissions.",
    }.get(error, "Check SLACK_API_URL and the network, then run `pact doctor` again.")


def run_checks(env: Mapping[str, str]) -> list[Check]:
    checks: list[Check] = []
    settings = None
    try:
        settings = load_settings(env, need_listener=True)
        mode = "Socket Mode" if settings.socket_mode else f"HTTP mode on port {settings.port}"
        if settings.oauth_mode:
            mode += ", OAuth (many workspaces)"
        checks.append(Check("configuration", True, f"complete ({mode})"))
    except ConfigError as err:
        for problem in err.problems:
            detail, found, where = problem.partition(". Find it")
            checks.append(Check("configuration", False, detail.rstrip("."),
                                fix=f"Find it{where} Set it in the environment or .env."
                                if found else "Set it in the environment or .env "
                                "(see .env.example)."))

    database_url = settings.database_url if settings else (
        env.get("DATABASE_URL") or DEFAULT_DATABASE_URL)
    checks.extend(_database_checks(database_url))
    if settings is not None and settings.oauth_mode:
        from bot.doctor_workspaces import oauth_checks

        checks.extend(oauth_checks(settings, Check))
    elif settings is not None or (env.get("SLACK_BOT_TOKEN") or "").startswith("xoxb-"):
        checks.extend(_slack_checks(settings, env))
    else:
        checks.append(Check("slack", False, "not checked: no usable SLACK_BOT_TOKEN",
                            "Fix the configuration above first."))
    return checks


def _database_checks(database_url: str) -> list[Check]:
    from storage.engine import database_answers, make_engine
    from storage.migrate import current_revisions, head_revisions

    try:
        engine = make_engine(database_url)
    except Exception as err:  # noqa: BLE001 - reported as a failed check
        return [Check("database", False, f"cannot use DATABASE_URL ({type(err).__name__})",
                      "Use sqlite:///pact.db or postgresql+psycopg://user:pw@host/db.")]
    try:
        if not database_answers(engine):
            return [Check("database", False, f"no answer from {engine.url.render_as_string()}",
                          "Start the database server or fix DATABASE_URL.")]
        checks = [Check("database", True, f"{engine.dialect.name} answers")]
        current, heads = current_revisions(engine), head_revisions(database_url)
        if current == heads:
            checks.append(Check("migrations", True, f"up to date ({', '.join(sorted(heads))})"))
            checks.extend(_outbox_checks(engine))
            checks.extend(_schedule_checks(engine))
            from bot.doctor_workspaces import install_state_checks

            checks.extend(install_state_checks(engine, Check))
            checks.extend(_absence_checks(engine))
        else:
            where = (f"database at {', '.join(sorted(current))}" if current
                     else "the database has no tables yet")
            checks.append(Check("migrations", False,
                                f"{where}, code at {', '.join(sorted(heads))}",
                                "Run `pact db upgrade` (or `pact run`, which migrates first)."))
        return checks
    finally:
        engine.dispose()


# What to do about a message that failed for good, by Slack's error.
_OUTBOX_FIXES = {
    "not_in_channel": "invite Pact to the channel (`/invite @Pact` there)",
    "channel_not_found": "the channel is gone or private without Pact: run `/pact team setup` "
                         "in the team's channel, then press Resume in the DM Pact sent the lead",
    "is_archived": "unarchive the channel and press Resume in the DM Pact sent the lead, or "
                   "move the team with `/pact team setup`",
    "invalid_auth": "the token was refused: fix SLACK_BOT_TOKEN",
    "token_revoked": "reinstall the app and update SLACK_BOT_TOKEN",
    "missing_scope": "add the missing scope from manifest.yml and reinstall the app",
}


def _outbox_checks(engine) -> list[Check]:
    """Messages that failed for good: what they were, where, why, and what to do."""
    from sqlalchemy import func, select

    from storage.models import OutboxMessage

    with engine.connect() as conn:
        total = conn.execute(select(func.count()).select_from(OutboxMessage)
                             .where(OutboxMessage.status == "failed")).scalar() or 0
        if not total:
            return [Check("outbox", True, "no message failed for good")]
        rows = conn.execute(select(OutboxMessage.id, OutboxMessage.kind, OutboxMessage.channel,
                                   OutboxMessage.last_error, OutboxMessage.created_at)
                            .where(OutboxMessage.status == "failed")
                            .order_by(OutboxMessage.id.desc()).limit(5)).all()
    listed = "; ".join(f"#{r.id} {r.kind or 'message'} to {r.channel}: {r.last_error}"
                       for r in rows)
    fixes = sorted({_OUTBOX_FIXES.get(r.last_error or "", "Slack or the network failed "
                                      "repeatedly: check the logs around that time")
                    for r in rows})
    return [Check("outbox", False, f"{total} message(s) failed for good (latest: {listed})",
                  "; ".join(fixes) + ". Nothing is resent by itself once it failed for good.")]


def _schedule_checks(engine) -> list[Check]:
    """Schedules that gave up on an occurrence or are failing now, and paused teams."""
    from sqlalchemy import func, or_, select

    from storage.models import Schedule, Team

    with engine.connect() as conn:
        troubled = conn.execute(
            select(Schedule.id, Schedule.kind, Schedule.subject_id, Schedule.last_error)
            .where(Schedule.status != "paused",
                   or_(Schedule.attempts > 0, Schedule.last_error.like("gave up%")))
            .order_by(Schedule.updated_at.desc()).limit(5)).all()
        paused = conn.execute(select(Team.name, Team.channel_id, Team.paused_reason)
                              .where(Team.paused_reason.is_not(None))
                              .order_by(Team.id).limit(5)).all()
        skipped = conn.execute(select(func.coalesce(func.sum(Schedule.skipped_runs), 0))
                               ).scalar() or 0
    checks = []
    if troubled:
        listed = "; ".join(f"#{r.id} {r.kind} {r.subject_id}: {r.last_error}" for r in troubled)
        checks.append(Check("schedules", False, f"{len(troubled)} schedule(s) failing or "
                            f"gave up on an occurrence ({listed})",
                            "Check the logs for the stack trace; a bad timezone or time in a "
                            "team's settings is fixed with `/pact team setup`."))
    else:
        note = f"; {skipped} occurrence(s) skipped after downtime" if skipped else ""
        checks.append(Check("schedules", True, f"no schedule failing{note}"))
    if paused:
        listed = "; ".join(f"{r.name} in <#{r.channel_id}>: {r.paused_reason}" for r in paused)
        checks.append(Check("paused teams", False, f"rhythm paused for {listed}",
                            "Unarchive the channel or invite Pact to it, then a lead presses "
                            "Resume in the DM Pact sent; or move the team with "
                            "`/pact team setup` in another channel."))
    return checks


def _absence_checks(engine) -> list[Check]:
    """What absences and holidays changed: DMs held or dropped, posts moved or skipped."""
    from storage.engine import session_scope
    from storage.queries import absences as aq

    with session_scope(engine) as session:
        held, dropped = aq.held_count(session), aq.dropped_count(session)
        moved, skipped = aq.holiday_counts(session)
        holiday = aq.reason_count(session, "pending", aq.HELD_FOR_HOLIDAY)
        silenced = aq.reason_count(session, "skipped", aq.SILENCED)
    return [Check("absences", True, f"{held} DM(s) held while someone is away, {dropped} "
                  f"dropped as stale; {moved} team post(s) moved and {skipped} skipped for "
                  f"holidays; {holiday} DM(s) waiting out a personal holiday, {silenced} "
                  "dropped after Snooze a week or Stop these")]


def _slack_checks(settings, env: Mapping[str, str]) -> list[Check]:
    from slack_sdk import WebClient

    from bot.config import DEFAULT_API_URL

    token = settings.bot_token if settings else env["SLACK_BOT_TOKEN"].strip()
    api_url = settings.api_url if settings else (env.get("SLACK_API_URL") or DEFAULT_API_URL)
    client = WebClient(token=token, base_url=api_url, timeout=10)
    try:
        response = client.auth_test()
    except SlackApiError as err:
        error = err.response.get("error") or f"HTTP {err.response.status_code}"
        return [Check("slack token", False, f"auth.test failed: {error}", _slack_fix(error))]
    except Exception as err:  # noqa: BLE001 - network trouble is a failed check
        return [Check("slack token", False, f"cannot reach {api_url} ({type(err).__name__})",
                      _slack_fix(""))]
    checks = [Check("slack token", True,
                    f"bot {response.get('user')} in workspace {response.get('team')}")]
    header = response.headers.get("x-oauth-scopes") or response.headers.get("X-OAuth-Scopes")
    granted = {s.strip() for s in (header or "").split(",") if s.strip()}
    missing = sorted(set(BOT_SCOPES) - granted)
    if header is None:
        checks.append(Check("bot scopes", False, "Slack did not report the granted scopes",
                            "Check that SLACK_BOT_TOKEN is a bot token (xoxb-)."))
    elif missing:
        checks.append(Check(
            "bot scopes", False, "missing " + ", ".join(missing),
            "Add them under Slack app settings > OAuth & Permissions > Bot Token Scopes (or "
            "paste manifest.yml again), then reinstall the app."))
    else:
        checks.append(Check("bot scopes", True, f"all {len(BOT_SCOPES)} granted"))
    return checks


@contextmanager
def _quiet_libraries():
    """The checks say what failed, once: the libraries' own log lines (Slack's client retrying,
    Alembic's INFO) would repeat it in another form."""
    loggers = [logging.getLogger(name) for name in ("slack_sdk", "slack_sdk.web.base_client",
                                                    "alembic", "sqlalchemy")]
    levels = [lg.level for lg in loggers]
    for lg in loggers:
        lg.setLevel(logging.CRITICAL)
    try:
        yield
    finally:
        for lg, level in zip(loggers, levels, strict=True):
            lg.setLevel(level)


def run_doctor(env: Mapping[str, str], out: TextIO) -> int:
    with _quiet_libraries():
        checks = run_checks(env)
    for check in checks:
        mark = "ok  " if check.ok else "FAIL"
        print(f"{mark} {check.name}: {check.detail}", file=out)
        if not check.ok and check.fix:
            print(f"     fix: {check.fix}", file=out)
    failed = sum(not c.ok for c in checks)
    print(f"{failed} of {len(checks)} checks need attention" if failed else
          f"all {len(checks)} checks are fine", file=out)
    return 1 if failed else 0
