"""What the two people of a mentor pair do, as use cases without Slack: answer "Did you
meet?", skip the round, note the agreed time (shown to both)."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Session

from handlers.kit import refusals
from handlers.mentoring import blocks as ui
from storage.models import Member, MentorPair, Team
from storage.queries import mentoring as mq
from storage.queries.members import get_or_create_member
from storage.queries.outbox import enqueue


def answer_followup(session: Session, workspace_id: str, user_id: str, value: str,
                    now: datetime) -> str:
    """Record one side's "Did you meet?"; only the two people of the pair may answer."""
    pair_text, _, answer = value.partition(":")
    pair_id = int(pair_text) if pair_text.isdigit() and len(pair_text) < 19 else None
    if pair_id is None or answer not in ("yes", "not_yet", "no"):
        return refusals.STALE
    pair, rnd = mq.pair_for(session, pair_id)
    team = session.get(Team, rnd.team_id) if rnd else None
    if pair is None or team is None or team.workspace_id != workspace_id:
        return refusals.STALE
    member = get_or_create_member(session, workspace_id, user_id)
    if member.id not in (pair.mentor_id, pair.mentee_id):
        return refusals.MENTOR_NOT_IN_PAIR
    mq.record_answer(session, pair.id, member.id, answer, now)
    return {"yes": "Great — noted that you met.", "not_yet": "Noted: not yet. There's time.",
            "no": "Noted. Thanks for saying so; it helps the next round."}[answer]


def skip_pair(session: Session, workspace_id: str, user_id: str, pair_id: int | None) -> str:
    pair, rnd = mq.pair_for(session, pair_id) if pair_id else (None, None)
    team = session.get(Team, rnd.team_id) if rnd else None
    if pair is None or team is None or team.workspace_id != workspace_id:
        return refusals.STALE
    member = get_or_create_member(session, workspace_id, user_id)
    if member.id not in (pair.mentor_id, pair.mentee_id):
        return refusals.MENTOR_NOT_IN_PAIR
    pair.skipped = True
    session.add(pair)
    mq.skip_followups(session, pair.id)
    return "Skipped for this round; you'll be matched again next round."


def book(session: Session, workspace_id: str, user_id: str, pair_id: int | None,
         note: str) -> tuple[str, MentorPair | None]:
    """One side of the pair notes the agreed time; shown to both in their group DM."""
    pair, rnd = mq.pair_for(session, pair_id) if pair_id else (None, None)
    team = session.get(Team, rnd.team_id) if rnd else None
    if pair is None or team is None or team.workspace_id != workspace_id:
        return refusals.STALE, None
    member = get_or_create_member(session, workspace_id, user_id)
    if member.id not in (pair.mentor_id, pair.mentee_id):
        return refusals.MENTOR_NOT_IN_PAIR, None
    pair.booked = note[:200]
    session.add(pair)
    return "", pair


def announce_booking(session: Session, workspace_id: str, user_id: str, pair_id: int | None,
                     key: str | None) -> list[int]:
    """The agreed time, posted once in the pair's group DM (after it was saved)."""
    pair, rnd = mq.pair_for(session, pair_id) if pair_id else (None, None)
    team = session.get(Team, rnd.team_id) if rnd else None
    if pair is None or team is None or team.workspace_id != workspace_id or not pair.booked:
        return []
    mid = enqueue(session, workspace_id=workspace_id, key=f"mentor_booked:{pair.id}:{key}",
                  channel=pair_channel(session, pair),
                  text=ui.booked_text(user_id, pair.skill, pair.booked), kind="mentor_booked")
    return [mid] if mid else []


def pair_channel(session: Session, pair: MentorPair) -> str:
    """Where both of the pair read: their intro's group DM, or (its channel not known yet)
    the group DM of the two, named by its people for the outbox to open."""
    if pair.channel_id:
        return pair.channel_id
    return ",".join(session.get(Member, i).slack_user_id for i in (pair.mentor_id, pair.mentee_id))
