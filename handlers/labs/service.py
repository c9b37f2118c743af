"""Learning-lab use cases: (session, acting member, input, now) -> a result saying what to
refuse, what to send and which announcement to edit. No Slack here."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

from sqlmodel import Session

from bot.rules import rotation
from bot.rules.recurrence import describe, next_after, parse_rule
from handlers.absences import blocks as absence_ui
from handlers.absences.calendar import session_day
from handlers.kit import refusals
from handlers.kit.blocks import escape, mention, slack_date, slack_datetime
from handlers.labs.blocks import swap_request_dm
from handlers.labs.sessions import (
    announce,
    hand_on,
    note_in_thread,
    plan_for,
    set_presenter,
    settle_dms,
    shareable_topic,
    skip,
    swap,
    sync_rotation,
    tell_presenter,
    update_post,
)
from storage.models import Lab, LabSession, Member, Objective, Pdp, Team
from storage.queries import absences as aq
from storage.queries import checkins as cq
from storage.queries import labs as lq
from storage.queries import teams as tq
from storage.queries.members import get_member, get_or_create_member
from storage.queries.outbox import enqueue

log = logging.getLogger("pact.labs")

__all__ = ["announce", "shareable_topic", "sync_rotation", "update_post"]


@dataclass
class Result:
    refusal: str = ""  # shown to whoever acted; nothing was changed
    outbox_ids: list[int] = field(default_factory=list)  # to send now
    refresh: int | None = None  # the session whose announcement to edit after the commit
    told: str = ""  # what to tell whoever acted
    asker: str | None = None  # a swap's asker (Slack id), told of the answer


def allowed_to_lead(session: Session, team: Team, member: Member) -> bool:
    return tq.is_lead(session, team.id, member.id) or member.is_admin


def _ids(*ids: int | None) -> list[int]:
    return [i for i in ids if i is not None]


# ---- listing and topics ----------------------------------------------------------------------

def projected(session: Session, lab: Lab, team: Team, now: datetime,
              count: int = 4, holidays: dict | None = None
              ) -> list[tuple[datetime, int | None, LabSession | None]]:
    """The next `count` sessions: planned ones as stored, later ones with who is next in line
    (someone away then keeps their place and presents after their return). A session on a
    team holiday moves to the next working day, or is skipped (nobody's turn); `holidays`, if
    given, gets {session time: why}."""
    rule = parse_rule(lab.rule)
    planned = {s.starts_at: s for s in lq.pending_sessions(session, lab.id, now)}
    seats = lq.seats(session, lab.id)
    out = []
    cursor = now
    while len(out) < count:
        when = next_after(rule, team.tz, cursor)
        if when is None:
            break
        cursor = when
        day = session_day(session, team, when)
        at = day.starts_at if day and day.starts_at else when
        if day is not None and holidays is not None:
            holidays[at] = absence_ui.session_note(day.why, day.starts_at)
        if day is not None and day.starts_at is None:
            out.append((when, None, None))  # skipped for the holiday: nobody's turn
            continue
        stored = planned.get(at) or planned.get(when)
        if stored is not None:
            out.append((stored.starts_at, stored.presenter_id, stored))
            continue
        away = aq.away_members(session, [s.member_id for s in seats], at)
        presenter, seats = rotation.pick_around(seats, away)
        out.append((at, presenter, None))
    return out


def away_notes(session: Session, lab: Lab, team: Team,
               rows: list[tuple[datetime, int | None, LabSession | None]]) -> dict:
    """{session time: "Bob is away until Dec 28; Carol presents instead"} for sessions that
    fall in someone's absence."""
    ids = [s.member_id for s in lq.seats(session, lab.id)]
    notes = {}
    for when, presenter, _stored in rows:
        away = {m: a for m, a in aq.away_members(session, ids, when).items() if m != presenter}
        if away:
            notes[when] = absence_ui.lab_note(
                [(lq.slack_id(session, m), a) for m, a in away.items()],
                lq.slack_id(session, presenter) if presenter else None)
    return notes


@dataclass
class Upcoming:
    team_name: str
    rule_text: str
    rows: list[tuple[datetime, str | None, str]]  # when, presenter's Slack id, topic
    notes: dict = field(default_factory=dict)  # session time: why its presenter changed


def upcoming(session: Session, workspace_id: str, channel_id: str,
             now: datetime) -> Upcoming | str:
    """The next sessions of the channel's team's lab, or a refusal."""
    team = tq.team_for_channel(session, workspace_id, channel_id)
    if team is None:
        return refusals.NO_TEAM_HERE
    lab = lq.lab_for_team(session, team.id)
    if lab is None:
        return refusals.LAB_NONE_YET
    sync_rotation(session, lab)  # people deactivated or gone drop out of the line
    holidays: dict = {}
    ahead = projected(session, lab, team, now, holidays=holidays)
    rows = [(when, lq.slack_id(session, who),
             shareable_topic(session, stored) if stored else "")
            for when, who, stored in ahead]
    notes = away_notes(session, lab, team, [r for r in ahead if r[1] is not None])
    for when, why in holidays.items():
        notes[when] = f"{why} {notes[when]}" if when in notes else why
    return Upcoming(team.name, describe(parse_rule(lab.rule)), rows, notes)


def set_topic(session: Session, workspace_id: str, channel_id: str, user_id: str, topic: str,
              now: datetime) -> tuple[LabSession | None, str]:
    """The person's next session in this channel's lab gets `topic`: a planned one, or the
    next one `/pact lab` lists them for (planned now, so the topic is kept); or a refusal."""
    team = tq.team_for_channel(session, workspace_id, channel_id)
    lab = lq.lab_for_team(session, team.id) if team else None
    member = get_member(session, workspace_id, user_id)
    if lab is None or member is None:
        return None, refusals.LAB_NO_SESSION_OF_YOURS
    mine = [s for s in lq.pending_sessions(session, lab.id, now) if s.presenter_id == member.id]
    ahead = projected(session, lab, team, now, count=12)
    listed = next((when for when, who, stored in ahead if who == member.id and stored is None),
                  None)
    if not mine and listed is not None:
        mine = [s for s in [plan_for(session, lab, listed, member.id, now)] if s]
    if not mine:
        return None, refusals.LAB_NO_SESSION_OF_YOURS
    lq.set_topic(session, mine[0], topic, None)
    return mine[0], ""


# ---- session buttons -------------------------------------------------------------------------

def _load(session: Session, workspace_id: str, user_id: str, session_id: int):
    lab_session, lab, team = lq.session_with_lab(session, session_id)
    if team is None or team.workspace_id != workspace_id:
        return None, None, None, None
    return lab_session, lab, team, get_or_create_member(session, workspace_id, user_id)


def _open(lab_session: LabSession | None, now: datetime) -> bool:
    return lab_session is not None and lab_session.status == "scheduled" \
        and lab_session.starts_at > now


def _closed(lab_session: LabSession | None) -> str:
    """What a click on a button of a session that can no longer change is told."""
    if lab_session is None:
        return refusals.LAB_SESSION_GONE
    if lab_session.status == "cancelled":
        return refusals.LAB_SESSION_CALLED_OFF
    return refusals.LAB_SESSION_OVER


def presenter_refusal(session: Session, lab_session: LabSession, member: Member,
                      now: datetime) -> str:
    """Why `member` may not skip or swap this session now ("" when they may)."""
    if not _open(lab_session, now):
        return _closed(lab_session)
    if lab_session.presenter_id == member.id:
        return ""
    former = member.id in (lab_session.skipped_by or []) or any(
        cq.sent_posts(session, f"{kind}:{lab_session.id}:{member.slack_user_id}")
        for kind in ("lab_topic", "lab_reminder"))
    if not former:
        return refusals.LAB_SKIP_PRESENTER_ONLY
    presenter = lq.slack_id(session, lab_session.presenter_id)
    return refusals.lab_no_longer_yours(mention(presenter) if presenter else "nobody yet")


def may_swap(session: Session, workspace_id: str, user_id: str, session_id: int,
             now: datetime) -> str:
    """Checked before the swap form opens, so an older button is answered at once."""
    lab_session, _lab, _team, member = _load(session, workspace_id, user_id, session_id)
    return presenter_refusal(session, lab_session, member, now) if lab_session \
        else refusals.LAB_SESSION_GONE


def skip_turn(session: Session, workspace_id: str, user_id: str, session_id: int,
              now: datetime) -> Result:
    """The presenter passes this time; the next in line presents."""
    lab_session, lab, team, member = _load(session, workspace_id, user_id, session_id)
    refusal = presenter_refusal(session, lab_session, member, now) if lab_session \
        else refusals.LAB_SESSION_GONE
    if refusal:
        return Result(refusal=refusal)
    replacement = skip(session, lab, lab_session, now)
    if replacement is None:
        return Result(refusal=refusals.LAB_NOBODY_ELSE)
    new = lq.slack_id(session, replacement)
    note = note_in_thread(session, team, lab_session,
                          f"{mention(user_id)} skips this time; {mention(new)} presents instead. "
                          f"{mention(user_id)} keeps their turn for the next session.",
                          f"lab_skip:{lab_session.id}:{member.id}")
    settled = settle_dms(session, team, lab_session, f"You skipped this session; {mention(new)} "
                         "presents instead. You keep your turn.", now, of=user_id)
    return Result(outbox_ids=_ids(note, tell_presenter(session, team, lab_session), *settled),
                  refresh=lab_session.id,
                  told=f"Done: {mention(new)} presents this time; you keep your turn.")


def request_swap(session: Session, workspace_id: str, user_id: str, session_id: int,
                 other: str | None, now: datetime) -> Result:
    """The presenter asks `other` (a Slack id) to take this session; they are asked by DM."""
    lab_session, lab, team, me = _load(session, workspace_id, user_id, session_id)
    if not _open(lab_session, now):
        return Result(refusal=_closed(lab_session))
    them = get_member(session, workspace_id, other) if other else None
    seats = {s.member_id for s in lq.seats(session, lab.id)}
    if lab_session.presenter_id != me.id:
        return Result(refusal=refusals.LAB_SWAP_PRESENTER_ONLY)
    if them is None or them.id not in seats or them.is_deleted:
        return Result(refusal=refusals.LAB_SWAP_PICK_IN_ROTATION)
    if them.id == me.id:
        return Result(refusal=refusals.LAB_SWAP_PICK_OTHER)
    lq.set_swap_with(session, lab_session, them.id)
    text, blocks = swap_request_dm(user_id, team.name, lab_session.starts_at, lab_session.id)
    return Result(outbox_ids=_ids(enqueue(
        session, workspace_id=workspace_id,
        key=f"lab_swap:{lab_session.id}:{them.id}:{now:%Y%m%d%H%M%S}", channel=other,
        text=text, blocks=blocks, kind="lab_swap")))


def pending_swap_requests(session: Session, session_id: int) -> list[int]:
    return lq.pending_message_ids(session, key_like=f"lab_swap:{session_id}:%")


def answer_swap(session: Session, workspace_id: str, user_id: str, session_id: int,
                accepted: bool, now: datetime) -> Result:
    """The one asked accepts (they present, the asker keeps their turn) or declines."""
    lab_session, lab, team, member = _load(session, workspace_id, user_id, session_id)
    if not _open(lab_session, now) or lab_session.swap_with_id != member.id:
        return Result(refusal=refusals.LAB_SWAP_CLOSED)
    asker = lq.slack_id(session, lab_session.presenter_id)
    if not accepted:
        lq.set_swap_with(session, lab_session, None)
        return Result(asker=asker)
    swap(session, lab, lab_session, member.id, now)
    note = note_in_thread(session, team, lab_session,
                          f"{mention(user_id)} swapped turns with {mention(asker)} and presents this "
                          "session.", f"lab_swapped:{lab_session.id}:{member.id}")
    settled = settle_dms(session, team, lab_session, f"Swapped: {mention(user_id)} presents this "
                         "session; you keep your turn.", now, of=asker)
    return Result(outbox_ids=_ids(note, tell_presenter(session, team, lab_session), *settled),
                  refresh=lab_session.id, asker=asker)


def mark_done(session: Session, workspace_id: str, user_id: str, session_id: int,
              now: datetime, emit: Callable[..., None]) -> Result:
    """The session was held: recorded as progress on the presenter's objective, if any
    (`emit("pdp_saved", session, pdp)` keeps the plan's schedules in step)."""
    lab_session, _lab, team, member = _load(session, workspace_id, user_id, session_id)
    if lab_session is None:
        return Result(refusal=refusals.LAB_SESSION_GONE)
    if lab_session.status == "done":
        return Result(refusal=refusals.LAB_ALREADY_HELD)
    presenter = lab_session.presenter_id == member.id
    if not presenter and not allowed_to_lead(session, team, member):
        return Result(refusal=refusals.LAB_DONE_NOT_ALLOWED)
    if now < lab_session.starts_at:
        return Result(refusal=refusals.lab_not_started(slack_datetime(lab_session.starts_at)))
    lq.mark_held(session, lab_session, now)
    objective = session.get(Objective, lab_session.objective_id) \
        if lab_session.objective_id else None
    recorded = ""
    if objective is not None and lab_session.presenter_id:
        lq.record_presented(session, objective, lab_session.presenter_id,
                            lab_session.topic or objective.title, now)
        emit("pdp_saved", session, session.get(Pdp, objective.pdp_id))
        recorded = (f" Recorded on your objective “{escape(objective.title)}”." if presenter
                    else " Recorded on the presenter's objective.")
    settled = settle_dms(session, team, lab_session, f":white_check_mark: Recorded as held by "
                         f"{mention(user_id)} {slack_date(now)}.", now)
    return Result(refresh=lab_session.id, outbox_ids=settled,
                  told=f"Learning lab marked done.{recorded}")


# ---- people leaving ----------------------------------------------------------------------------

def member_left(session: Session, team: Team, member: Member, now: datetime) -> list[int]:
    """Someone left the team: the sessions they were to present go to the next in line; each
    announcement is edited in place and says so in its thread. Returns the messages."""
    lab = lq.lab_for_team(session, team.id)
    ids: list[int | None] = []
    for lab_session in hand_on(session, team, member, now):
        presenter = lq.slack_id(session, lab_session.presenter_id)
        text = (f"Change of presenter: {mention(presenter)} presents this session now."
                if presenter else "The presenter left the team; nobody else is in the "
                "rotation yet.")
        ids += [update_post(session, lab, team, lab_session, now),
                note_in_thread(session, team, lab_session, text,
                               f"lab_change:{lab_session.id}:{presenter}:{now:%Y%m%d%H%M}"),
                tell_presenter(session, team, lab_session)]
    return _ids(*ids)


def replace_if_gone(session: Session, team: Team, lab: Lab, lab_session: LabSession,
                    now: datetime) -> list[int]:
    """The presenter was deactivated in Slack (or left the team without Pact hearing of it)
    since the session was planned: they drop out of the rotation and the next person in line
    presents; the announcement shows it and its thread says so. Returns the messages."""
    member = session.get(Member, lab_session.presenter_id) if lab_session.presenter_id else None
    if member is None or member.id in set(lq.eligible_members(session, team.id)):
        return []
    log.info("lab session %s: presenter %s is gone; the next person in line presents",
             lab_session.id, member.id)
    hand_on(session, team, member, now)
    session.refresh(lab_session)
    presenter = lq.slack_id(session, lab_session.presenter_id)
    note = (f"Change of presenter: {mention(presenter)} presents this session now."
            if presenter else "The presenter is no longer in the team, and nobody else "
            "is in the rotation yet.")
    return _ids(update_post(session, lab, team, lab_session, now),
                note_in_thread(session, team, lab_session, note,
                               f"lab_change:{lab_session.id}:{presenter}", now),
                tell_presenter(session, team, lab_session, now) if presenter else None)


def presenter_away(session: Session, member: Member, now: datetime) -> list[int]:
    """`member` said they are away: a session of theirs already planned within the absence
    goes to the next person in line who is there (they keep their turn for after their
    return); the announcement, its thread and both presenters' DMs say so."""
    ids: list[int] = []
    for team in tq.teams_of_member(session, member.id):
        lab = lq.lab_for_team(session, team.id)
        if lab is None:
            continue
        for lab_session in lq.pending_sessions(session, lab.id, now):
            away = aq.away_members(session, [s.member_id for s in lq.seats(session, lab.id)],
                                   lab_session.starts_at)
            if lab_session.presenter_id != member.id or member.id not in away:
                continue
            current = rotation.give_back(sync_rotation(session, lab), member.id)
            replacement = rotation.pick(current, exclude=set(away))
            if replacement is None:
                continue  # nobody else is there: the session stays as it is
            lq.save_seats(session, lab.id, rotation.presented(current, replacement))
            set_presenter(session, lab_session, replacement, now)
            session.flush()
            new = lq.slack_id(session, replacement)
            line = absence_ui.lab_note([(member.slack_user_id, away[member.id])], new)
            ids += _ids(update_post(session, lab, team, lab_session, now),
                        note_in_thread(session, team, lab_session, line,
                                       f"lab_away:{lab_session.id}:{member.id}", now),
                        tell_presenter(session, team, lab_session, now),
                        *settle_dms(session, team, lab_session, f"You are away; {mention(new)} "
                                    "presents instead. You keep your turn.", now,
                                    of=member.slack_user_id))
    return ids
