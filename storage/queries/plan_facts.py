"""A plan as plain data for the visibility policy (`bot.rules.visibility.PlanFacts`): a whole
plan, several plans at once, or the objectives a surface shows with what the policy needs
about each, each in a fixed number of statements however many plans, objectives or history
rows there are."""

from __future__ import annotations

from sqlalchemy import or_
from sqlmodel import Session, col, select

from bot.rules.visibility import (
    ChangeFacts,
    ObjectiveFacts,
    PlanFacts,
    ProgressFacts,
    ReviewFacts,
)
from storage.models import (
    Goal,
    Member,
    Objective,
    Pact,
    Pdp,
    PdpChange,
    PdpReview,
    ProgressUpdate,
    TeamMembership,
)


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
    # Plain rows, not ORM objects: a list of reports reads many objectives, and builds facts.
    rows = session.execute(
        select(Objective.__table__, Goal.title.label("goal_title"))
        .outerjoin(Goal, Goal.id == Objective.goal_id).where(col(Objective.pdp_id).in_(ids))
        .order_by(Objective.created_at, Objective.id)).all()
    objectives: dict[int, list[tuple[Objective, str | None]]] = {}
    for objective in rows:
        objectives.setdefault(objective.pdp_id, []).append((objective, objective.goal_title))
    updates: dict[int, list[ProgressUpdate]] = {}
    changes: dict[int, list[PdpChange]] = {}
    if with_history and rows:
        for u in session.exec(select(ProgressUpdate)
                              .where(col(ProgressUpdate.objective_id)
                                     .in_([o.id for o in rows]))
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


# ---- objectives with their plans and owners --------------------------------------------------


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


def linked_objectives_of_goals(session: Session, goal_ids: list[int]) -> list[ObjectiveRow]:
    """The objectives (not dropped) linked to any of `goal_ids`, by goal then objective."""
    if not goal_ids:
        return []
    return [tuple(r) for r in session.exec(
        _objective_rows().where(col(Objective.goal_id).in_(goal_ids),
                                Objective.status != "dropped")
        .order_by(Objective.goal_id, Objective.id))]
