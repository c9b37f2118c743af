"""Development plans, their objectives, reviews and history."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete, or_, update
from sqlmodel import Session, col, select

from bot.rules import pdp as rules
from bot.rules.pdp import ObjectiveInput
from bot.rules.visibility import (
    ChangeFacts,
    ObjectiveFacts,
    PlanFacts,
    ProgressFacts,
    ReviewFacts,
)
from storage.engine import now_of
from storage.models import (
    Goal,
    LabSession,
    Member,
    Objective,
    OutboxMessage,
    Pact,
    Pdp,
    PdpChange,
    PdpReview,
    ProgressUpdate,
    TeamMembership,
)


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


def open_objectives_of(session: Session, owner_ids) -> list[Objective]:
    """Open objectives (neither done nor dropped) of these members' plans, by owner then as
    each plan lists them."""
    owner_ids = list(owner_ids)
    if not owner_ids:
        return []
    return list(session.exec(
        select(Objective).join(Pdp, Pdp.id == Objective.pdp_id)
        .where(col(Pdp.owner_id).in_(owner_ids),
               col(Objective.status).not_in(("done", "dropped")))
        .order_by(Pdp.owner_id, Objective.created_at, Objective.id)))


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


# One objective with what the visibility policy needs about it: (objective, the title of the
# goal it serves or None, its plan, the plan's owner).
ObjectiveRow = tuple[Objective, str | None, Pdp, Member]


def _objective_rows():
    return (select(Objective, Goal.title, Pdp, Member).join(Pdp, Pdp.id == Objective.pdp_id)
            .join(Member, Member.id == Pdp.owner_id)
            .outerjoin(Goal, Goal.id == Objective.goal_id))


def objectives_with_plans(session: Session, objective_ids) -> list[ObjectiveRow]:
    """The rows of each of `objective_ids` that exists, by id."""
    objective_ids = list(objective_ids)
    if not objective_ids:
        return []
    return [tuple(r) for r in session.exec(
        _objective_rows().where(col(Objective.id).in_(objective_ids)).order_by(Objective.id))]


def open_objectives_of_teammates(session: Session, member: Member, limit: int
                                 ) -> list[ObjectiveRow]:
    """The first `limit` open objectives of people sharing a team with `member` that a
    teammate (or their manager) may see and that `member` does not support yet (no proposed
    or active pact), by owner then as each plan lists them. The visibility policy still
    decides: this only leaves out what it would hide from a teammate."""
    mine = select(TeamMembership.team_id).where(TeamMembership.member_id == member.id)
    mates = select(TeamMembership.member_id).where(col(TeamMembership.team_id).in_(mine),
                                                   TeamMembership.member_id != member.id)
    backed = select(Pact.objective_id).where(Pact.supporter_id == member.id,
                                             col(Pact.status).in_(("proposed", "active")),
                                             col(Pact.objective_id).is_not(None))
    return [tuple(r) for r in session.exec(
        _objective_rows().where(col(Pdp.owner_id).in_(mates),
                                Member.workspace_id == member.workspace_id,
                                Member.is_deleted.is_(False),
                                col(Objective.status).not_in(("done", "dropped")),
                                or_(Objective.visibility == "team",
                                    (Objective.visibility == "manager")
                                    & (Pdp.manager_id == member.id)),
                                col(Objective.id).not_in(backed))
        .order_by(Pdp.owner_id, Objective.created_at, Objective.id).limit(limit))]


def facts_of_rows(rows: list[ObjectiveRow]) -> dict[int, PlanFacts]:
    """The facts of each plan in `rows` holding only those objectives, with no reviews or
    history: enough for the policy to say who may see each objective (no statement)."""
    grouped: dict[int, tuple[Pdp, list]] = {}
    slack: dict[int, str] = {}
    for objective, goal_title, pdp, owner in rows:
        grouped.setdefault(pdp.id, (pdp, []))[1].append((objective, goal_title))
        slack[owner.id] = owner.slack_user_id
    return {pid: _facts(pdp, objectives, {}, [], [], slack)
            for pid, (pdp, objectives) in grouped.items()}


def record_change(session: Session, pdp: Pdp, actor_id: int, what: str,
                  objective_id: int | None = None, now: datetime | None = None) -> PdpChange:
    change = PdpChange(pdp_id=pdp.id, actor_id=actor_id, objective_id=objective_id,
                       what=what[:500], created_at=now or now_of(session))
    session.add(change)
    session.flush()
    return change


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


def linked_objectives(session: Session, goal_id: int) -> list[tuple[Objective, Pdp]]:
    rows = session.exec(select(Objective, Pdp).join(Pdp, Pdp.id == Objective.pdp_id)
                        .where(Objective.goal_id == goal_id, Objective.status != "dropped")
                        .order_by(Objective.id))
    return [(o, p) for o, p in rows]


def linked_objectives_of_goals(session: Session, goal_ids: list[int]) -> list[ObjectiveRow]:
    """The objectives (not dropped) linked to any of `goal_ids`, by goal then objective."""
    if not goal_ids:
        return []
    return [tuple(r) for r in session.exec(
        _objective_rows().where(col(Objective.goal_id).in_(goal_ids),
                                Objective.status != "dropped")
        .order_by(Objective.goal_id, Objective.id))]


# ---- managers ------------------------------------------------------------------------------


def plans_managed_by(session: Session, manager_id: int) -> list[Pdp]:
    return list(session.exec(select(Pdp).where(Pdp.manager_id == manager_id)
                             .order_by(Pdp.next_review_at, Pdp.id)))


def plans_and_owners_managed_by(session: Session, manager_id: int) -> list[tuple[Pdp, Member]]:
    """`plans_managed_by` with each plan's owner."""
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


# ---- reading a whole plan -------------------------------------------------------------------


def _slack_ids(session: Session, member_ids: set[int]) -> dict[int, str]:
    if not member_ids:
        return {}
    rows = session.exec(select(Member.id, Member.slack_user_id)
                        .where(col(Member.id).in_(member_ids)))
    return dict(rows.all())


def plan_facts(session: Session, pdp: Pdp, *, with_history: bool = True) -> PlanFacts:
    """Everything stored about `pdp`, as plain data for the visibility policy; without
    `with_history`, neither its change history nor its progress notes (only the owner's
    history and export show them)."""
    return plans_facts(session, [pdp], with_history=with_history)[pdp.id]


def plans_facts(session: Session, pdps: list[Pdp], *, with_history: bool = False,
                with_reviews: bool = True, names: dict[int, str] | None = None
                ) -> dict[int, PlanFacts]:
    """`plan_facts` of several plans in a fixed number of statements, by plan id. A list
    that shows no review passes `with_reviews=False`; `names`: the Slack ids of everyone
    named (owners, managers), when the caller has them already."""
    if not pdps:
        return {}
    ids = [p.id for p in pdps]
    query = (select(Objective, Goal.title).outerjoin(Goal, Goal.id == Objective.goal_id)
             .where(col(Objective.pdp_id).in_(ids)))
    rows = session.exec(query.order_by(Objective.created_at, Objective.id)).all()
    objectives: dict[int, list[tuple[Objective, str | None]]] = {}
    for objective, goal_title in rows:
        objectives.setdefault(objective.pdp_id, []).append((objective, goal_title))
    updates: dict[int, list[ProgressUpdate]] = {}
    changes: dict[int, list[PdpChange]] = {}
    if with_history and rows:
        for u in session.exec(select(ProgressUpdate)
                              .where(col(ProgressUpdate.objective_id)
                                     .in_([o.id for o, _ in rows]))
                              .order_by(ProgressUpdate.created_at, ProgressUpdate.id)):
            updates.setdefault(u.objective_id, []).append(u)
    if with_history:
        for c in session.exec(select(PdpChange).where(col(PdpChange.pdp_id).in_(ids))
                              .order_by(PdpChange.created_at, PdpChange.id)):
            changes.setdefault(c.pdp_id, []).append(c)
    reviews: dict[int, list[PdpReview]] = {}
    for r in session.exec(select(PdpReview).where(col(PdpReview.pdp_id).in_(ids))
                          .order_by(PdpReview.created_at, PdpReview.id)) if with_reviews else ():
        reviews.setdefault(r.pdp_id, []).append(r)
    people = {p.owner_id for p in pdps} | {p.manager_id for p in pdps if p.manager_id}
    people |= {r.reviewer_id for rs in reviews.values() for r in rs}
    people |= {c.actor_id for cs in changes.values() for c in cs}
    people |= {u.member_id for us in updates.values() for u in us}
    slack = dict(names or {})
    slack |= _slack_ids(session, people - set(slack))
    return {p.id: _facts(p, objectives.get(p.id, []), updates, reviews.get(p.id, []),
                         changes.get(p.id, []), slack) for p in pdps}


def _facts(pdp: Pdp, objectives: list[tuple[Objective, str | None]],
           updates: dict[int, list[ProgressUpdate]], reviews: list[PdpReview],
           changes: list[PdpChange], slack: dict[int, str]) -> PlanFacts:
    return PlanFacts(
        pdp_id=pdp.id, owner_id=pdp.owner_id, owner_user=slack.get(pdp.owner_id, ""),
        manager_id=pdp.manager_id,
        manager_user=slack.get(pdp.manager_id) if pdp.manager_id else None,
        aspiration=pdp.aspiration, aspiration_visibility=pdp.aspiration_visibility,
        skill_gaps=pdp.skill_gaps, skill_gaps_visibility=pdp.skill_gaps_visibility,
        cadence_months=pdp.review_cadence_months, last_review_at=pdp.last_review_at,
        next_review_at=pdp.next_review_at, review_requested_at=pdp.review_requested_at,
        created_at=pdp.created_at,
        objectives=tuple(
            ObjectiveFacts(
                id=o.id, title=o.title, skill=o.skill, actions=o.actions,
                target_date=o.target_date, goal_id=o.goal_id,
                goal_title=goal_title if o.goal_id else None, status=o.status,
                progress=o.progress, visibility=o.visibility, done_at=o.done_at,
                last_progress_at=o.last_progress_at,
                updates=tuple(ProgressFacts(u.value, u.note, u.created_at,
                                            slack.get(u.member_id, ""))
                              for u in updates.get(o.id, ())))
            for o, goal_title in objectives),
        reviews=tuple(ReviewFacts(r.reviewer_id, slack.get(r.reviewer_id, ""), r.outcome,
                                  r.comment, r.created_at) for r in reviews),
        changes=tuple(ChangeFacts(slack.get(c.actor_id, ""), c.what, c.created_at,
                                  c.objective_id) for c in changes),
    )


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


def rewrite_pending(session: Session, message_id: int, message: dict | None,
                    now: datetime) -> bool:
    """Replace a waiting message's content (None: withdraw it) unless a sender claimed it."""
    values = {"text": message["text"], "blocks": message["blocks"]} if message else {
        "status": "skipped", "last_error": "withdrawn: no longer shared"}
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
