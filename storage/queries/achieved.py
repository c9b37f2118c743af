"""Goals a team achieved lately: shown for a while under "Recently achieved" instead of
vanishing from the list the moment they are reached."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlmodel import Session, select

from storage.models import Goal

RECENT = timedelta(days=14)


def recently_achieved(session: Session, team_id: int, now: datetime,
                      limit: int = 5) -> list[Goal]:
    return list(session.exec(
        select(Goal).where(Goal.team_id == team_id, Goal.status == "achieved",
                           Goal.achieved_at.is_not(None), Goal.achieved_at >= now - RECENT)
        .order_by(Goal.achieved_at.desc(), Goal.id.desc()).limit(limit)))


def recently_achieved_of_teams(session: Session, team_ids: list[int], now: datetime,
                               limit: int = 5) -> list[Goal]:
    """The same for several teams at once (the Home tab), in one statement."""
    if not team_ids:
        return []
    return list(session.exec(
        select(Goal).where(Goal.team_id.in_(team_ids), Goal.status == "achieved",
                           Goal.achieved_at.is_not(None), Goal.achieved_at >= now - RECENT)
        .order_by(Goal.achieved_at.desc(), Goal.id.desc()).limit(limit)))
