"""Absences as use cases (no Slack): say you are away or back, record a Slack status, and
what the Home tab shows."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlmodel import Session

from bot.rules.absence import (
    AwayRequest,
    calendar_error,
    country_name,
    holiday_of,
    parse_away,
    status_end,
    status_means_absence,
    why_moved,
)
from handlers.absences import blocks as ui
from handlers.absences import reviews, words
from handlers.kit import refusals
from handlers.kit.blocks import mention, plural
from handlers.labs import service as labs
from storage.models import Member
from storage.queries import absences as aq
from storage.queries import rhythm as rq
from storage.queries.members import get_or_create_member

STOPPED_NUDGES = ui.stop_subject("nudge")  # no review nudges at all until resumed
FOREVER = timedelta(days=365 * 50)
SNOOZE = timedelta(days=7)


def stop_reminders(session: Session, workspace_id: str, user_id: str, kind: str,
                   now: datetime) -> str:
    """"Stop these" on a reminder DM; only the kinds Pact knows."""
    if kind not in ui.STOPPABLE:
        return refusals.REMINDERS_NOT_STOPPABLE
    member = get_or_create_member(session, workspace_id, user_id)
    rq.snooze_subjects(session, member.id, [ui.stop_subject(kind)], now + FOREVER)
    return f"Stopped: no more {ui.STOPPABLE[kind]}. Turn them back on from the Home tab."


def snooze_reminders(session: Session, workspace_id: str, user_id: str, kind: str,
                     now: datetime) -> str:
    """"Snooze a week" on a reminder DM: none of its kind for seven days."""
    if kind not in ui.STOPPABLE:
        return refusals.REMINDERS_NOT_SNOOZABLE
    member = get_or_create_member(session, workspace_id, user_id)
    if aq.snoozed(session, member.id, ui.stop_subject(kind), now + SNOOZE):
        return f"Those are stopped: no {ui.STOPPABLE[kind]} until you turn them back on."
    rq.snooze_subjects(session, member.id, [ui.stop_subject(kind)], now + SNOOZE)
    return ui.snoozed_text(ui.STOPPABLE[kind], now + SNOOZE)


def resume_reminders(session: Session, workspace_id: str, user_id: str, kind: str,
                     now: datetime) -> str:
    member = get_or_create_member(session, workspace_id, user_id)
    aq.unsnooze(session, member.id, ui.stop_subject(kind))
    return f"{ui.STOPPABLE.get(kind, 'Reminders').capitalize()} are on again."


def reminders_stopped(session: Session, member: Member, now: datetime) -> list[str]:
    """The kinds of reminder the member stopped (not merely snoozed for a week)."""
    stopped = aq.snoozed_subjects(session, member.id,
                                  [ui.stop_subject(kind) for kind in ui.STOPPABLE],
                                  now + SNOOZE * 2)
    return [kind for kind in ui.STOPPABLE if ui.stop_subject(kind) in stopped]


def today_of(member: Member, now: datetime) -> date:
    return now.astimezone(ZoneInfo(member.tz)).date()


def away_command(session: Session, workspace_id: str, user_id: str, args: list[str],
                 now: datetime) -> str:
    """`/pact away until DATE [note]`, `/pact away off`, `/pact away`: the answer to show."""
    member = get_or_create_member(session, workspace_id, user_id)
    if not args:
        return ui.away_shown(aq.away_of(session, member, now), member.tz)
    if args[0].lower() == "country":
        return country_command(session, member, args[1:])
    request = parse_away(args, today_of(member, now))
    if isinstance(request, str):
        return request
    return _apply(session, member, request, now)


def _apply(session: Session, member: Member, request: AwayRequest, now: datetime) -> str:
    aq.set_away(session, member, request.until, request.note, now)
    if request.until is None:
        return ui.away_cleared(aq.away_of(session, member, now))
    moved = reviews.move_reviews(session, member, aq.away_of(session, member, now), now)
    labs.presenter_away(session, member, now)  # a session already planned goes to the next
    return ui.away_set(request.until, member.tz, request.note, reviews_moved=len(moved))


def country_command(session: Session, member: Member, args: list[str]) -> str:
    """`/pact away country DE [BY]` / `none` / nothing: whose public holidays hold your DMs."""
    if len(args) > 2 or any(not a.isalnum() for a in args):
        return ui.COUNTRY_USAGE
    if args and args[0].lower() == "none" and len(args) == 1:
        aq.set_country(session, member, "", "")
    elif args:
        country, subdivision = args[0].upper(), (args[1].upper() if len(args) == 2 else "")
        error = calendar_error(country, subdivision)
        if error:
            return error
        aq.set_country(session, member, country, subdivision)
    country, subdivision = aq.own_country(session, member)
    return ui.country_shown(country_name(country) if country else "", subdivision)


def away_from_home(session: Session, workspace_id: str, user_id: str, picked: str | None,
                   now: datetime) -> str:
    """A date picked on the Home tab (None: "I'm back"); the same rules as the command."""
    args = ["off"] if picked is None else ["until", picked]
    member = get_or_create_member(session, workspace_id, user_id)
    request = parse_away(args, today_of(member, now))
    if isinstance(request, str):
        return request
    return _apply(session, member, request, now)


def status_reading(user: dict, vocabulary=None) -> tuple[bool, str, datetime | None]:
    """What a `users.info` user's status says: away?, its label, its own expiration.
    `vocabulary`: (words, emoji) meaning absence, Pact's default list without it."""
    profile = user.get("profile") or {}
    emoji, text = profile.get("status_emoji") or "", profile.get("status_text") or ""
    away = status_means_absence(emoji, text, *vocabulary) if vocabulary else \
        status_means_absence(emoji, text)
    label = " ".join(p for p in (emoji, text) if p)[:120] if away else ""
    return away, label, status_end(profile.get("status_expiration")) if away else None


def record_status(session: Session, workspace_id: str, user: dict, now: datetime) -> None:
    member = get_or_create_member(session, workspace_id, user["id"])
    away, label, until = status_reading(user, words.member_vocabulary(session, member))
    aq.record_status(session, member, away, label, until, now)
    if away and until is not None:  # an end is known: reviews and lab turns before it move
        reviews.move_reviews(session, member, aq.away_of(session, member, now), now)
        labs.presenter_away(session, member, now)


def home_section(session: Session, member: Member, budget: int, now: datetime) -> list[dict]:
    away = aq.away_of(session, member, now)
    held = aq.held_count(session, member.workspace_id, [member.slack_user_id]) if away else 0
    key = (member.workspace_id, member.slack_user_id)
    calendar, _tz = aq.personal_calendars(session, {key}).get(key, (None, None))
    today = today_of(member, now)
    holiday = why_moved(today, calendar, tense="is") if calendar and holiday_of(
        today, calendar) else ""
    return ui.home_section(away, member.tz, held, today,
                           stopped=reminders_stopped(session, member, now), holiday=holiday)



def team_line(session: Session, team_id: int, members: list[Member], now: datetime) -> str:
    """For the team view: who is away this week, DMs held or dropped for an absence, posts
    moved or skipped for a holiday; "" when there is nothing to say."""
    week = now + timedelta(days=7)
    away_now = aq.away_members(session, [m.id for m in members], now)
    away_soon = aq.away_members(session, [m.id for m in members], week)
    away_ids = list(dict.fromkeys([*away_now, *away_soon]))
    channels = [m.slack_user_id for m in members]
    workspace = members[0].workspace_id if members else None
    held = aq.held_count(session, workspace, channels)
    dropped = aq.dropped_count(session, workspace, channels)
    moved, skipped = aq.team_holiday_counts(session, team_id)
    parts = []
    if away_ids:
        names = ", ".join(f"{mention(m.slack_user_id)}" for m in members if m.id in away_ids)
        parts.append(f"{plural(len(away_ids), 'member')} away this week ({names})")
    if held or dropped:
        parts.append(f"{plural(held, 'reminder')} held for an absence, {dropped} dropped as stale")
    if moved or skipped:
        parts.append(f"{plural(moved, 'post')} moved and {skipped} skipped for holidays")
    return "🌴 " + " · ".join(parts) if parts else ""
