"""Development plan reviews due while someone is away move to their first week back, and the
other side of the review (their manager, or the owner when the manager is away) is told why.
Use cases without Slack: the DM goes through the outbox."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Session, or_, select

from bot.rules.absence import Away, review_after_absence
from handlers.absences.blocks import last_moment
from handlers.kit.blocks import mention, section, slack_date
from storage.models import Member, Pdp
from storage.queries.outbox import enqueue

KIND = "review_moved"


def move_reviews(session: Session, member: Member, away: Away | None,
                 now: datetime) -> list[int]:
    """Move the reviews of the plans `member` owns or manages that fall in their absence;
    the outbox ids of the DMs saying so. Saying the same absence twice moves nothing again."""
    if away is None or away.until is None:
        return []
    plans = session.exec(select(Pdp).where(
        or_(Pdp.owner_id == member.id, Pdp.manager_id == member.id),
        Pdp.next_review_at.is_not(None))).all()
    ids = []
    for plan in plans:
        moved_to = review_after_absence(plan.next_review_at, away, now, member.tz)
        if moved_to is None:
            continue
        was = plan.next_review_at
        plan.next_review_at, plan.updated_at = moved_to, now
        session.add(plan)
        told = plan.manager_id if plan.owner_id == member.id else plan.owner_id
        other = session.get(Member, told) if told else None
        if other is None or other.is_deleted or other.id == member.id:
            continue
        text = moved_text(member.slack_user_id, away, was, moved_to,
                          owner_away=plan.owner_id == member.id)
        mid = enqueue(session, workspace_id=member.workspace_id,
                      key=f"{KIND}:{plan.id}:{was.isoformat()}", channel=other.slack_user_id,
                      text=text, blocks=[section(text)], kind=KIND, not_before=now)
        if mid:
            ids.append(mid)
    session.flush()
    return ids


def moved_text(away_user: str, away: Away, was: datetime, moved_to: datetime, *,
               owner_away: bool) -> str:
    """"<@Ann> is away until Dec 28, so their development plan review (due Dec 21) moves to
    Jan 8, in their first week back." (pure; their own note stays theirs)"""
    until = slack_date(last_moment(away)) if away.until else "further notice"
    whose = "their development plan review" if owner_away else "your development plan review"
    return (f":palm_tree: {mention(away_user)} is away until {until}, so {whose} (due "
            f"{slack_date(was)}) moves to {slack_date(moved_to)}, in their first week back.")
