"""Absences: set and clear someone's own, record their Slack status, who is away now; team
holiday calendars."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import and_, delete, func, or_, update
from sqlmodel import Session, select

from bot.rules.absence import STALE_AFTER_HOLD, STATUS_FRESH, Away, Calendar, away_now
from storage.models import (
    Absence,
    Member,
    NudgeSent,
    NudgeSnooze,
    Objective,
    OutboxMessage,
    Pact,
    TeamHolidays,
    TeamMembership,
)

DROPPED_AFTER_ABSENCE = "dropped: held while away, no longer timely"
HELD_WHILE_AWAY = "held while its recipient is away"
WAITING_TURN = "held after an absence: one DM a day"
HELD_REASONS = (HELD_WHILE_AWAY, WAITING_TURN)
HELD_FOR_HOLIDAY = "held: a public holiday for its recipient"
SILENCED = "dropped: its recipient pressed Snooze a week or Stop these"


def _row(session: Session, member: Member) -> Absence:
    row = session.get(Absence, member.id)
    if row is None:
        row = Absence(member_id=member.id, workspace_id=member.workspace_id)
        session.add(row)
    return row


def set_away(session: Session, member: Member, until: date | None, note: str,
             now: datetime) -> Absence:
    """Their own absence through `until` (None: they are back)."""
    row = _row(session, member)
    row.until, row.note, row.set_at = until, (note if until else ""), now
    session.flush()
    return row


def record_status(session: Session, member: Member, away: bool, label: str,
                  until: datetime | None, now: datetime) -> None:
    """What their Slack status says, as read now."""
    row = _row(session, member)
    row.status_away, row.status_label = away, label[:120]
    row.status_until, row.status_checked_at = until, now
    session.flush()


def away_of(session: Session, member: Member, now: datetime) -> Away | None:
    row = session.get(Absence, member.id)
    return _away(row, member.tz, now) if row else None


def _away(row: Absence, tz: str, now: datetime) -> Away | None:
    return away_now(now, tz, row.until, row.status_away, row.status_until, row.status_label,
                    row.note)


def away_members(session: Session, member_ids: list[int], now: datetime) -> dict[int, Away]:
    """Those of `member_ids` away at `now`."""
    if not member_ids:
        return {}
    rows = session.exec(select(Absence, Member.tz).join(Member, Member.id == Absence.member_id)
                        .where(Absence.member_id.in_(member_ids))).all()
    out = {}
    for row, tz in rows:
        away = _away(row, tz, now)
        if away is not None:
            out[row.member_id] = away
    return out


def away_recipients(session: Session, recipients: set[tuple[str, str]],
                    now: datetime) -> dict[tuple[str, str], tuple[Away, str]]:
    """{(workspace, Slack user id): (absence, their timezone)} for those of `recipients`
    (DM channels are user ids) who are away at `now`."""
    users = {u for _, u in recipients}
    if not users:
        return {}
    rows = session.exec(select(Absence, Member).join(Member, Member.id == Absence.member_id)
                        .where(Member.slack_user_id.in_(users))).all()
    out = {}
    for row, member in rows:
        key = (member.workspace_id, member.slack_user_id)
        away = _away(row, member.tz, now) if key in recipients else None
        if away is not None:
            out[key] = (away, member.tz)
    return out


def personal_calendars(session: Session, recipients: set[tuple[str, str]]
                       ) -> dict[tuple[str, str], tuple[Calendar, str]]:
    """{(workspace, Slack user id): (their holiday calendar, their timezone)}: their own
    country if they set one, else their (first) team's calendar; only those with either."""
    users = {u for _, u in recipients}
    if not users:
        return {}
    rows = session.exec(select(Member, Absence).join(Absence, Absence.member_id == Member.id,
                                                     isouter=True)
                        .where(Member.slack_user_id.in_(users))).all()
    out = {}
    for member, absence in rows:
        key = (member.workspace_id, member.slack_user_id)
        if key not in recipients:
            continue
        if absence is not None and absence.country:
            out[key] = (Calendar(absence.country, absence.subdivision), member.tz)
            continue
        team_id = session.exec(select(TeamMembership.team_id).join(
            TeamHolidays, TeamHolidays.team_id == TeamMembership.team_id)
            .where(TeamMembership.member_id == member.id)
            .order_by(TeamMembership.team_id).limit(1)).first()
        if team_id is not None:
            out[key] = (calendar_of(session, team_id), member.tz)
    return out


def set_country(session: Session, member: Member, country: str, subdivision: str) -> None:
    row = _row(session, member)
    row.country, row.subdivision = country, subdivision
    session.flush()


def own_country(session: Session, member: Member) -> tuple[str, str]:
    row = session.get(Absence, member.id)
    return (row.country, row.subdivision) if row else ("", "")


def stale_statuses(session: Session, recipients: set[tuple[str, str]],
                   now: datetime) -> list[tuple[str, str]]:
    """Recipients whose Slack status Pact has not read within `STATUS_FRESH`."""
    users = {u for _, u in recipients}
    if not users:
        return []
    rows = session.exec(select(Member.workspace_id, Member.slack_user_id,
                               Absence.status_checked_at)
                        .join(Absence, Absence.member_id == Member.id, isouter=True)
                        .where(Member.slack_user_id.in_(users))).all()
    return [(ws, uid) for ws, uid, checked in rows if (ws, uid) in recipients
            and (checked is None or now - checked >= STATUS_FRESH)]


def zone_of(session: Session, workspace_id: str, slack_user_id: str) -> str | None:
    return session.exec(select(Member.tz).where(Member.workspace_id == workspace_id,
                                                Member.slack_user_id == slack_user_id)).first()


def personal_dm_today(session: Session, message: OutboxMessage, kinds: tuple[str, ...],
                      now: datetime, tz: str) -> bool:
    """Another personal DM (of `kinds`) to `message`'s recipient went out today (their local
    day), or is due now ahead of it: one not held for an absence, or an older held one."""
    zone = ZoneInfo(tz)
    day = now.astimezone(zone).date()
    start = datetime.combine(day, time(0), tzinfo=zone)
    end = start + timedelta(days=1)
    mine = (OutboxMessage.workspace_id == message.workspace_id,
            OutboxMessage.channel == message.channel, OutboxMessage.kind.in_(kinds),
            OutboxMessage.id != message.id)
    sent = session.exec(select(OutboxMessage.id).where(
        *mine, OutboxMessage.status == "sent", OutboxMessage.update_ts.is_(None),
        # next_attempt_at: when it was (last) due to go out, on the tick's clock
        OutboxMessage.next_attempt_at >= start, OutboxMessage.next_attempt_at < end
    ).limit(1)).first()
    if sent is not None:
        return True
    ahead = session.exec(select(OutboxMessage.id).where(
        *mine, OutboxMessage.status == "pending", OutboxMessage.next_attempt_at <= now,
        or_(OutboxMessage.last_error.is_(None), OutboxMessage.last_error.not_in(HELD_REASONS),
            and_(OutboxMessage.id < message.id,  # an older held one, unless it is dropped now
                 OutboxMessage.created_at >= now - STALE_AFTER_HOLD))).limit(1)).first()
    return ahead is not None


def dropped_count(session: Session, workspace_id: str | None = None,
                  channels: list[str] | None = None) -> int:
    """How many DMs were dropped because they were held through an absence until too late."""
    query = select(func.count()).select_from(OutboxMessage).where(
        OutboxMessage.status == "skipped", OutboxMessage.last_error == DROPPED_AFTER_ABSENCE)
    if workspace_id is not None:
        query = query.where(OutboxMessage.workspace_id == workspace_id)
    if channels is not None:
        query = query.where(OutboxMessage.channel.in_(channels or [""]))
    return session.exec(query).one()


def reason_count(session: Session, status: str, reason: str) -> int:
    """How many DMs are (status) for one hold's reason, e.g. waiting for a public holiday."""
    return session.exec(select(func.count()).select_from(OutboxMessage).where(
        OutboxMessage.status == status, OutboxMessage.last_error == reason)).one()


def held_count(session: Session, workspace_id: str | None = None,
               channels: list[str] | None = None) -> int:
    """How many DMs are waiting for someone to be back."""
    query = select(func.count()).select_from(OutboxMessage).where(
        OutboxMessage.status == "pending", OutboxMessage.last_error.in_(HELD_REASONS))
    if workspace_id is not None:
        query = query.where(OutboxMessage.workspace_id == workspace_id)
    if channels is not None:
        query = query.where(OutboxMessage.channel.in_(channels or [""]))
    return session.exec(query).one()



KEPT_KINDS = ("pdp_manager",)  # a report's request still stands however long it was held


def drop_stale_held(session: Session, workspace_id: str, channel: str,
                    now: datetime) -> int:
    """DMs to `channel` held through an absence for so long they no longer matter: skipped
    (and counted), and their nudge items forgotten, so what matters now is decided afresh."""
    stale = list(session.exec(select(OutboxMessage).where(
        OutboxMessage.workspace_id == workspace_id, OutboxMessage.channel == channel,
        OutboxMessage.status == "pending", OutboxMessage.last_error.in_(HELD_REASONS),
        OutboxMessage.kind.not_in(KEPT_KINDS), OutboxMessage.created_at < now - STALE_AFTER_HOLD)))
    if not stale:
        return 0
    session.execute(update(OutboxMessage).where(OutboxMessage.id.in_([m.id for m in stale]))
                    .values(status="skipped", last_error=DROPPED_AFTER_ABSENCE))
    forget_nudge_items(session, stale)
    return len(stale)


def forget_nudge_items(session: Session, messages: list) -> None:
    """The nudge items these dropped DMs carried count as never sent (decided at the DM's
    `created_at`), so those that still matter come in the next nudge."""
    for message in messages:
        member = session.exec(select(Member).where(
            Member.workspace_id == message.workspace_id,
            Member.slack_user_id == message.channel)).first()
        if member is not None and message.created_at is not None:
            session.execute(delete(NudgeSent).where(NudgeSent.member_id == member.id,
                                                    NudgeSent.sent_at == message.created_at))


# ---- team holiday calendars -----------------------------------------------------------------

def holidays_row(session: Session, team_id: int) -> TeamHolidays:
    row = session.get(TeamHolidays, team_id)
    if row is None:
        row = TeamHolidays(team_id=team_id, own_days=[])
        session.add(row)
        session.flush()
    return row


def calendar_of(session: Session, team_id: int) -> Calendar:
    """The team's holiday calendar (an empty one when it has none)."""
    row = session.get(TeamHolidays, team_id)
    return Calendar() if row is None else _calendar(row)


def calendars_of(session: Session, team_ids: list[int]) -> dict[int, Calendar]:
    """The holiday calendars of many teams in one query (an empty one for a team with none)."""
    found = {row.team_id: _calendar(row) for row in session.exec(
        select(TeamHolidays).where(TeamHolidays.team_id.in_(team_ids)))}
    return {t: found.get(t) or Calendar() for t in team_ids}


def _calendar(row: TeamHolidays) -> Calendar:
    own = tuple((date.fromisoformat(d), what) for d, what in (row.own_days or []))
    return Calendar(row.country, row.subdivision, own, row.mode)


def status_words_of(session: Session, team_id: int) -> list | None:
    """The team's own status words and emoji meaning absence; None: Pact's default list."""
    row = session.get(TeamHolidays, team_id)
    return None if row is None or row.status_words is None else list(row.status_words)


def set_status_words(session: Session, team_id: int, words: list | None) -> None:
    row = holidays_row(session, team_id)
    row.status_words = None if words is None else list(words)
    session.add(row)
    session.flush()


def status_words_of_member(session: Session, member_id: int) -> list[list | None]:
    """Each of the member's teams' lists (None for a team using the default)."""
    rows = session.exec(select(TeamMembership.team_id, TeamHolidays.status_words)
                        .join(TeamHolidays, TeamHolidays.team_id == TeamMembership.team_id,
                              isouter=True)
                        .where(TeamMembership.member_id == member_id)).all()
    return [words for _team, words in rows]


def count_holiday(session: Session, team_id: int, *, moved: bool) -> None:
    """One post moved (or skipped) for a holiday, for the team view and `pact doctor`."""
    row = holidays_row(session, team_id)
    if moved:
        row.moved += 1
    else:
        row.skipped += 1
    session.add(row)


def holiday_counts(session: Session) -> tuple[int, int]:
    """(moved, skipped) posts over every team."""
    moved, skipped = session.exec(select(func.coalesce(func.sum(TeamHolidays.moved), 0),
                                         func.coalesce(func.sum(TeamHolidays.skipped), 0))
                                  ).one()
    return int(moved), int(skipped)


def team_holiday_counts(session: Session, team_id: int) -> tuple[int, int]:
    """(moved, skipped) posts of one team."""
    row = session.get(TeamHolidays, team_id)
    return (row.moved, row.skipped) if row else (0, 0)


def snoozed(session: Session, member_id: int, subject: str, now: datetime) -> bool:
    """`subject` (e.g. "stop:nudge") is snoozed or stopped for the member at `now`."""
    row = session.get(NudgeSnooze, (member_id, subject[:60]))
    return row is not None and row.until > now


def snoozed_subjects(session: Session, member_id: int, subjects: list[str],
                     now: datetime) -> set[str]:
    """Those of `subjects` snoozed or stopped for the member at `now`, in one statement."""
    clipped = {subject[:60]: subject for subject in subjects}
    if not clipped:
        return set()
    rows = session.exec(select(NudgeSnooze.subject).where(
        NudgeSnooze.member_id == member_id, NudgeSnooze.subject.in_(list(clipped)),
        NudgeSnooze.until > now)).all()
    return {clipped[subject] for subject in rows}


def silenced(session: Session, recipients: set[tuple[str, str]], subject: str,
             now: datetime) -> set[tuple[str, str]]:
    """Those of `recipients` (workspace, Slack user id) who snoozed or stopped `subject`."""
    users = {u for _, u in recipients}
    if not users:
        return set()
    rows = session.exec(select(Member.workspace_id, Member.slack_user_id)
                        .join(NudgeSnooze, NudgeSnooze.member_id == Member.id)
                        .where(Member.slack_user_id.in_(users),
                               NudgeSnooze.subject == subject[:60],
                               NudgeSnooze.until > now)).all()
    return {(ws, uid) for ws, uid in rows if (ws, uid) in recipients}


def unsnooze(session: Session, member_id: int, subject: str) -> None:
    session.execute(delete(NudgeSnooze).where(NudgeSnooze.member_id == member_id,
                                              NudgeSnooze.subject == subject[:60]))


# ---- nudge less: a reminder only to whoever has not acted yet ----------------------------------

def acted_on_pact_since(session: Session, pact: Pact, member_id: int, since: datetime) -> bool:
    """`member_id`, the pact's owner, logged progress on its objective since `since` (the
    last check-in day): their check-in would ask what they already told (a supporter has
    nothing to log, and their answer to the last check-in answered that one)."""
    if pact.owner_id != member_id or pact.objective_id is None:
        return False
    objective = session.get(Objective, pact.objective_id)
    return bool(objective and objective.last_progress_at and objective.last_progress_at >= since)
