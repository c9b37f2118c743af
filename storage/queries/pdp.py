"""Development plans, their objectives, reviews and history."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete, or_, update
from sqlmodel import Session, col, select

from bot.rules import pdp as rules
from bot.rules.pdp import ObjectiveInput
from storage.engine import now_of
from storage.models import (
    Goal,
    LabSession,
    Member,
    Objective,
    OutboxMessage,
    Pdp,
    PdpChange,
    PdpReview,
    ProgressUpdate,
    TeamMembership,
)
from storage.queries.plan_facts import plan_facts  # noqa: F401 - the plan as plain data


def get_plan(session: Session, owner_id: int, *, for_update: bool = False) -> Pdp | None:
    stmt = select(Pdp).where(Pdp.owner_id == owner_id)
    if for_update:
        stmt = stmt.with_for_update()
    return session.exec(stmt).first()


def get_plan_by_id(session: Session, pdp_id: int, *, for_update: bool = False) -> Pdp | None:
    stmt = select(Pdp).where(Pdp.id == pdp_id)
    if for_update:
        stmt = stmt.with_for_update()
    return session.exec(stmt).first()


def insert_plan(session: Session, owner_id: int, cadence_months: int,
                next_review_at: datetime, now: datetime) -> Pdp:
    """A new empty plan (private: the model's defaults). Concurrent creators get the same
    row."""
    existing = get_plan(session, owner_id, for_update=True)
    if existing is not None:
        return existing
    pdp = Pdp(owner_id=owner_id, review_cadence_months=cadence_months, created_at=now,
              updated_at=now, next_review_at=next_review_at)
    session.add(pdp)
    session.flush()
    return pdp


def objectives_of(session: Session, pdp_id: int) -> list[Objective]:
    return list(session.exec(select(Objective).where(Objective.pdp_id == pdp_id)
                             .order_by(Objective.created_at, Objective.id)))


def open_objective_count(session: Session, pdp_id: int) -> int:
    return len(session.exec(select(Objective.id).where(
        Objective.pdp_id == pdp_id, col(Objective.status).in_(rules.OPEN_STATUSES))).all())


def add_objective(session: Session, pdp_id: int, new: ObjectiveInput,
                  now: datetime) -> Objective:
    """A new objective, not started."""
    objective = Objective(pdp_id=pdp_id, title=new.title, skill=new.skill, actions=new.actions,
                          target_date=new.target_date, goal_id=new.goal_id,
                          visibility=new.visibility, status="not_started", progress=0,
                          created_at=now, updated_at=now)
    session.add(objective)
    session.flush()
    return objective


def get_objective(session: Session, objective_id: int, *,
                  for_update: bool = False) -> tuple[Objective, Pdp] | None:
    """An objective with its plan (to check who owns it), or None."""
    stmt = select(Objective).where(Objective.id == objective_id)
    if for_update:
        stmt = stmt.with_for_update()
    objective = session.exec(stmt).first()
    if objective is None:
        return None
    pdp = session.get(Pdp, objective.pdp_id)
    return (objective, pdp) if pdp is not None else None


def record_change(session: Session, pdp: Pdp, actor_id: int, what: str,
                  objective_id: int | None = None, now: datetime | None = None) -> PdpChange:
    change = PdpChange(pdp_id=pdp.id, actor_id=actor_id, objective_id=objective_id,
                       what=what[:500], created_at=now or now_of(session))
    session.add(change)
    session.flush()
    return change


def open_objectives_of_goal(session: Session, goal_id: int) -> list[Objective]:
    """Objectives linked to the goal that are neither done nor dropped."""
    return list(session.exec(select(Objective).where(
        Objective.goal_id == goal_id, col(Objective.status).not_in(("done", "dropped")))
        .order_by(Objective.id)))


def mark_done(session: Session, objective_id: int, now: datetime) -> bool:
    """Move an objective to done; True only for the one request that made the transition."""
    result = session.execute(
        update(Objective)
        .where(Objective.id == objective_id, Objective.status != "done")
        .values(status="done", progress=100, done_at=now, updated_at=now))
    return result.rowcount == 1


# ---- goals an objective may link to ----------------------------------------------------------


def active_goals_for(session: Session, member_id: int) -> list[Goal]:
    """Active shared goals of the member's teams, newest first."""
    teams = select(TeamMembership.team_id).where(TeamMembership.member_id == member_id)
    return list(session.exec(select(Goal).where(Goal.status == "active",
                                                col(Goal.team_id).in_(teams))
                             .order_by(Goal.created_at.desc(), Goal.id.desc()).limit(100)))


def linkable_goal(session: Session, goal_id: int, member_id: int) -> Goal | None:
    """Goal `goal_id` when it is active and belongs to one of the member's teams."""
    goal = session.get(Goal, goal_id)
    if goal is None or goal.status != "active":
        return None
    in_team = session.exec(select(TeamMembership).where(
        TeamMembership.team_id == goal.team_id, TeamMembership.member_id == member_id)).first()
    return goal if in_team is not None else None


# ---- managers ------------------------------------------------------------------------------


def plans_and_owners_managed_by(session: Session, manager_id: int) -> list[tuple[Pdp, Member]]:
    """The plans whose owners chose `manager_id` as their manager, each with its owner."""
    return [(p, m) for p, m in session.exec(
        select(Pdp, Member).join(Member, Member.id == Pdp.owner_id)
        .where(Pdp.manager_id == manager_id).order_by(Pdp.next_review_at, Pdp.id))]


def pending_reviews_for(session: Session, manager_id: int) -> list[Pdp]:
    return list(session.exec(select(Pdp).where(Pdp.manager_id == manager_id,
                                               col(Pdp.review_requested_at).is_not(None))
                             .order_by(Pdp.review_requested_at, Pdp.id)))


def insert_review(session: Session, pdp_id: int, reviewer_id: int, outcome: str, comment: str,
                  now: datetime) -> PdpReview:
    review = PdpReview(pdp_id=pdp_id, reviewer_id=reviewer_id, outcome=outcome,
                       comment=comment, created_at=now)
    session.add(review)
    session.flush()
    return review


# ---- learning-lab topics drawn from objectives ------------------------------------------------


def lab_sessions_of(session: Session, pdp_id: int) -> list[int]:
    """Learning-lab sessions whose topic is one of this plan's objectives."""
    objective_ids = select(Objective.id).where(Objective.pdp_id == pdp_id)
    return list(session.exec(select(LabSession.id).where(
        col(LabSession.objective_id).in_(objective_ids)).order_by(LabSession.id)))


def lab_sessions_with_objectives_of(session: Session, pdp_id: int) -> list[LabSession]:
    """Learning-lab sessions whose topic is one of this plan's objectives, as rows."""
    objective_ids = select(Objective.id).where(Objective.pdp_id == pdp_id)
    return list(session.exec(select(LabSession).where(
        col(LabSession.objective_id).in_(objective_ids)).order_by(LabSession.id)))


def rewrite_message(session: Session, key: str, text: str, blocks: list | None,
                    now: datetime) -> bool:
    """Replace the content of the outbox message `key` (sent, or waiting and not being sent
    right now), so neither a later send nor the stored copy shows what was withdrawn."""
    result = session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.idempotency_key == key,
               or_(OutboxMessage.status != "pending",
                   col(OutboxMessage.claimed_until).is_(None),
                   OutboxMessage.claimed_until < now))
        .values(text=text, blocks=blocks))
    return result.rowcount == 1


# ---- deleting ------------------------------------------------------------------------------


def outbox_keys_filter(pdp_id: int, objective_ids: list[int]):
    """Outbox rows that carry this plan's content: its DMs and its objectives' celebrations."""
    conditions = [col(OutboxMessage.idempotency_key).startswith(f"pdp:{pdp_id}:")]
    for oid in objective_ids:
        conditions.append(OutboxMessage.idempotency_key.in_(
            [f"celebrate:objective:{oid}", f"congrats:objective:{oid}"]))
        conditions.append(col(OutboxMessage.idempotency_key)
                          .startswith(f"celebrate:objective:{oid}:"))
    return or_(*conditions)


def pending_ids(session: Session, pdp_id: int) -> list[int]:
    """Ids of this plan's messages waiting in the outbox (to send right after a change)."""
    objective_ids = [o.id for o in objectives_of(session, pdp_id)]
    return list(session.exec(select(OutboxMessage.id).where(
        OutboxMessage.status == "pending", outbox_keys_filter(pdp_id, objective_ids))))


def pending_messages(session: Session, pdp_id: int, now: datetime) -> list[OutboxMessage]:
    """This plan's messages still waiting in the outbox and not being sent right now."""
    objective_ids = [o.id for o in objectives_of(session, pdp_id)]
    return list(session.exec(select(OutboxMessage).where(
        outbox_keys_filter(pdp_id, objective_ids), OutboxMessage.status == "pending",
        or_(col(OutboxMessage.claimed_until).is_(None), OutboxMessage.claimed_until < now))
        .order_by(OutboxMessage.id)))


HELD_PLAN_DM_KINDS = ("pdp_manager", "review_moved")


def waiting_plan_dms(session: Session, workspace_id: str, channel: str,
                     now: datetime) -> list[OutboxMessage]:
    """DMs to this person about plans (a report's request, a review moved) held until now or
    earlier (while they were away, overnight) that no sender has taken."""
    return list(session.exec(select(OutboxMessage).where(
        OutboxMessage.workspace_id == workspace_id, OutboxMessage.channel == channel,
        col(OutboxMessage.kind).in_(HELD_PLAN_DM_KINDS), OutboxMessage.status == "pending",
        col(OutboxMessage.update_ts).is_(None), OutboxMessage.next_attempt_at <= now,
        or_(col(OutboxMessage.claimed_until).is_(None), OutboxMessage.claimed_until < now))
        .order_by(OutboxMessage.id)))


def rewrite_pending(session: Session, message_id: int, message: dict | None,
                    now: datetime, *, why: str = "withdrawn: no longer shared") -> bool:
    """Replace a waiting message's content (None: withdraw it, saying `why`) unless a sender
    claimed it."""
    values = {"text": message["text"], "blocks": message["blocks"]} if message else {
        "status": "skipped", "last_error": why[:500]}
    result = session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.id == message_id, OutboxMessage.status == "pending",
               or_(col(OutboxMessage.claimed_until).is_(None),
                   OutboxMessage.claimed_until < now))
        .values(**values))
    return result.rowcount == 1


def delete_plan(session: Session, pdp: Pdp) -> tuple[dict[str, int], list[tuple[str, str]]]:
    """Remove the plan and everything hanging off it.

    Returns how many rows of each kind went, and the (channel, ts) of the messages Pact sent to
    the manager about this plan, so the caller can take those back from Slack too.
    """
    objective_ids = [o.id for o in objectives_of(session, pdp.id)]
    counts: dict[str, int] = {}
    messages = list(session.exec(select(OutboxMessage)
                                 .where(outbox_keys_filter(pdp.id, objective_ids))))
    counts["messages"] = len(messages)
    unsend = [(m.sent_channel, m.sent_ts) for m in messages
              if m.idempotency_key.startswith(f"pdp:{pdp.id}:mgr:") and m.sent_ts
              and m.sent_channel]
    session.execute(delete(OutboxMessage).where(outbox_keys_filter(pdp.id, objective_ids)))
    # The owner's nudge DMs listed their objectives by title: they go with the plan.
    counts["nudges"] = session.execute(delete(OutboxMessage).where(
        col(OutboxMessage.idempotency_key).startswith(f"nudge:{pdp.owner_id}:"))).rowcount
    if objective_ids:
        # Learning-lab sessions copied an objective's title as their topic: take it back.
        session.execute(update(LabSession).where(col(LabSession.objective_id).in_(objective_ids))
                        .values(topic="", objective_id=None))
        counts["progress_updates"] = session.execute(
            delete(ProgressUpdate).where(col(ProgressUpdate.objective_id).in_(objective_ids))
        ).rowcount
    counts["objectives"] = session.execute(
        delete(Objective).where(Objective.pdp_id == pdp.id)).rowcount
    counts["reviews"] = session.execute(
        delete(PdpReview).where(PdpReview.pdp_id == pdp.id)).rowcount
    counts["changes"] = session.execute(
        delete(PdpChange).where(PdpChange.pdp_id == pdp.id)).rowcount
    session.execute(delete(Pdp).where(Pdp.id == pdp.id))
    session.flush()
    return counts, unsend
