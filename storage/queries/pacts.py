"""Named reads and writes of pacts, their check-ins and kudos."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete, func, or_, update
from sqlalchemy.orm import aliased
from sqlmodel import Session, col, select

from storage.models import Goal, Kudos, Member, Objective, OutboxMessage, Pact, PactCheckin

OPEN = ("proposed", "active")


def get_pact(session: Session, pact_id: int, *, for_update: bool = False) -> Pact | None:
    query = select(Pact).where(Pact.id == pact_id)
    if for_update:
        query = query.with_for_update()
    return session.exec(query).first()


def open_pact(session: Session, supporter_id: int, *, objective_id: int | None = None,
              goal_id: int | None = None) -> Pact | None:
    """The supporter's proposed or active pact on this objective (or goal), if any."""
    query = select(Pact).where(Pact.supporter_id == supporter_id, col(Pact.status).in_(OPEN))
    if objective_id is not None:
        query = query.where(Pact.objective_id == objective_id)
    else:
        query = query.where(Pact.goal_id == goal_id, col(Pact.objective_id).is_(None))
    return session.exec(query).first()


def pacts_of(session: Session, member_id: int, statuses=("active",)) -> list[Pact]:
    """Pacts where the member is either side."""
    return list(session.exec(select(Pact).where(
        or_(Pact.owner_id == member_id, Pact.supporter_id == member_id),
        col(Pact.status).in_(statuses)).order_by(Pact.id)))


def pacts_with_titles(session: Session, member_id: int
                      ) -> list[tuple[Pact, str | None, str | None, str | None, str | None]]:
    """`pacts_of` the member, each with (owner's and supporter's Slack ids, the objective's
    and the goal's title), in one statement."""
    owner = aliased(Member)
    supporter = aliased(Member)
    rows = session.exec(
        select(Pact, owner.slack_user_id, supporter.slack_user_id, Objective.title, Goal.title)
        .outerjoin(owner, owner.id == Pact.owner_id)
        .outerjoin(supporter, supporter.id == Pact.supporter_id)
        .outerjoin(Objective, Objective.id == Pact.objective_id)
        .outerjoin(Goal, Goal.id == Pact.goal_id)
        .where(or_(Pact.owner_id == member_id, Pact.supporter_id == member_id),
               Pact.status == "active").order_by(Pact.id))
    return [tuple(r) for r in rows]


def open_pacts_on_objectives(session: Session, objective_ids: list[int]) -> list[Pact]:
    if not objective_ids:
        return []
    return list(session.exec(select(Pact).where(
        col(Pact.objective_id).in_(objective_ids), col(Pact.status).in_(OPEN))
        .order_by(Pact.id).with_for_update()))


def active_on_objective(session: Session, objective_id: int) -> list[Pact]:
    return list(session.exec(select(Pact).where(
        Pact.objective_id == objective_id, Pact.status == "active").order_by(Pact.id)))


def ended_on_objective(session: Session, objective_id: int, reason: str) -> list[Pact]:
    return list(session.exec(select(Pact).where(
        Pact.objective_id == objective_id, Pact.status == "ended",
        Pact.ended_reason == reason).order_by(Pact.id)))


def active_pledges(session: Session, goal_id: int) -> list[Pact]:
    return list(session.exec(select(Pact).where(
        Pact.goal_id == goal_id, col(Pact.objective_id).is_(None), Pact.status == "active")
        .order_by(Pact.id)))


def set_status(session: Session, pact_id: int, expected: tuple[str, ...], now: datetime,
               **values) -> bool:
    """Move a pact on from one of `expected` statuses; False if another request got there
    first (a second click), so the effect happens once."""
    result = session.execute(update(Pact).where(Pact.id == pact_id,
                                                col(Pact.status).in_(expected)).values(**values))
    return result.rowcount == 1


def add_checkin(session: Session, pact_id: int, member_id: int, answer: str,
                now: datetime) -> PactCheckin:
    row = PactCheckin(pact_id=pact_id, member_id=member_id, answer=answer, created_at=now)
    session.add(row)
    session.flush()
    return row


def checkins(session: Session, pact_id: int) -> list[PactCheckin]:
    return list(session.exec(select(PactCheckin).where(PactCheckin.pact_id == pact_id)
                             .order_by(PactCheckin.id)))


def pending_pact_messages(session: Session, pact_id: int, now: datetime) -> list[OutboxMessage]:
    """This pact's messages waiting in the outbox and not being sent right now."""
    return list(session.exec(select(OutboxMessage).where(
        col(OutboxMessage.idempotency_key).startswith(f"pact:{pact_id}:"),
        OutboxMessage.status == "pending",
        or_(col(OutboxMessage.claimed_until).is_(None), OutboxMessage.claimed_until < now))
        .order_by(OutboxMessage.id)))


def pending_ids_for_owner(session: Session, owner_id: int) -> list[int]:
    pact_ids = list(session.exec(select(Pact.id).where(Pact.owner_id == owner_id)))
    if not pact_ids:
        return []
    return list(session.exec(select(OutboxMessage.id).where(
        OutboxMessage.status == "pending",
        or_(*[col(OutboxMessage.idempotency_key).startswith(f"pact:{i}:") for i in pact_ids]))))


def pending_checkins(session: Session, member_id: int, now: datetime) -> list[OutboxMessage]:
    return list(session.exec(select(OutboxMessage).where(
        col(OutboxMessage.idempotency_key).startswith(f"pactcheckin:{member_id}:"),
        OutboxMessage.status == "pending",
        or_(col(OutboxMessage.claimed_until).is_(None), OutboxMessage.claimed_until < now))))


def members_by_id(session: Session, ids) -> dict[int, Member]:
    ids = [i for i in set(ids) if i is not None]
    if not ids:
        return {}
    return {m.id: m for m in session.exec(select(Member).where(col(Member.id).in_(ids)))}


# ---- kudos ------------------------------------------------------------------------------------


def kudos_given_since(session: Session, giver_id: int, since: datetime) -> int:
    """How many people the giver thanked since `since` (each receiver counts once)."""
    return session.exec(select(func.count()).select_from(Kudos).where(
        Kudos.giver_id == giver_id, Kudos.created_at >= since)).one()


def kudos_received_since(session: Session, receiver_id: int, since: datetime) -> int:
    return session.exec(select(func.count()).select_from(Kudos).where(
        Kudos.receiver_id == receiver_id, Kudos.created_at >= since)).one()


def kudos_of(session: Session, member_id: int) -> list[Kudos]:
    return list(session.exec(select(Kudos).where(
        or_(Kudos.giver_id == member_id, Kudos.receiver_id == member_id))
        .order_by(Kudos.id)))


# ---- a person's data ---------------------------------------------------------------------------


def forget_member(session: Session, member_id: int, now: datetime) -> dict[str, int]:
    """Remove the person's kudos and their side of every pact: open pacts end, the other side
    keeps only that a pact existed and ended."""
    counts = {"kudos": session.execute(delete(Kudos).where(
        or_(Kudos.giver_id == member_id, Kudos.receiver_id == member_id))).rowcount}
    mine = or_(Pact.owner_id == member_id, Pact.supporter_id == member_id)
    pact_ids = list(session.exec(select(Pact.id).where(mine)))
    counts["pacts"] = len(pact_ids)
    if pact_ids:
        session.execute(delete(PactCheckin).where(col(PactCheckin.pact_id).in_(pact_ids)))
        session.execute(update(Pact).where(col(Pact.id).in_(pact_ids),
                                           col(Pact.status).in_(OPEN))
                        .values(status="ended", ended_reason="deleted", ended_at=now))
        session.execute(update(Pact).where(col(Pact.id).in_(pact_ids))
                        .values(offer_text="", offer_kind="other", objective_id=None))
        session.execute(update(Pact).where(Pact.owner_id == member_id).values(owner_id=None))
        session.execute(update(Pact).where(Pact.supporter_id == member_id)
                        .values(supporter_id=None))
    session.flush()
    return counts
