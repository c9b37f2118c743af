"""Every place a development plan is shown, each rendered through the visibility policy.

These are reads: they take a Session and members and return messages, views or blocks; the
listeners send them. Each one builds the viewer's relation from stored data (`viewer_of`), asks the policy for
the plan as that viewer may see it (`view_plan`) and renders only that.
"""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Session

from bot.rules.visibility import (
    TEAM_AUDIENCE,
    PlanFacts,
    PlanView,
    Viewer,
    relation,
    view_plan,
    visible_objective,
)
from handlers.pdp import posts, views
from storage.engine import now_of
from storage.models import Goal, Member, Pdp
from storage.queries import pdp as q
from storage.queries import plan_facts as facts_q
from storage.queries.members import get_or_create_member
from storage.queries.teams import teammate_ids


def viewer_of(session: Session, owner_id: int, manager_id: int | None,
              viewer: Member | None) -> Viewer:
    """How `viewer` relates to the owner of a plan, from stored memberships and roles."""
    if viewer is None:
        return Viewer()
    return relation(viewer.id, owner_id=owner_id, manager_id=manager_id,
                    teammate_ids=teammate_ids(session, owner_id),
                    viewer_is_admin=bool(viewer.is_admin))


def plan_view(session: Session, owner: Member, viewer: Member | None) -> PlanView:
    """The plan as `viewer` reads it in a message or modal (no history: that has its own)."""
    pdp = q.get_plan(session, owner.id)
    who = viewer_of(session, owner.id, pdp.manager_id if pdp else None, viewer)
    facts = q.plan_facts(session, pdp, with_history=False) if pdp else None
    return view_plan(facts, who, owner_user=owner.slack_user_id)


def own_view(session: Session, pdp: Pdp, owner: Member, *, whole: bool = False) -> PlanView:
    """The owner's view of their plan; `whole`: with its history and progress notes (the
    history modal and the export), else what the summary and forms show."""
    return view_plan(q.plan_facts(session, pdp, with_history=whole), own_relation(pdp, owner))


def own_relation(pdp: Pdp, owner: Member) -> Viewer:
    """The owner's relation to their own plan (nobody is their own teammate: no query)."""
    return relation(owner.id, owner_id=owner.id, manager_id=pdp.manager_id,
                    teammate_ids=frozenset(), viewer_is_admin=bool(owner.is_admin))


def no_plan_view(owner: Member) -> PlanView:
    """The owner's own view when they have no plan (their export still carries pacts, kudos)."""
    return view_plan(None, Viewer(member_id=owner.id, is_owner=True),
                     owner_user=owner.slack_user_id)


def manager_view(session: Session, pdp: Pdp, facts: PlanFacts | None = None) -> PlanView:
    """The plan as its manager may see it (for their DMs and their list of reports)."""
    manager = session.get(Member, pdp.manager_id) if pdp.manager_id else None
    who = viewer_of(session, pdp.owner_id, pdp.manager_id, manager)
    return view_plan(facts or q.plan_facts(session, pdp, with_history=False), who)


def manager_views(session: Session, manager: Member) -> list[PlanView]:
    """The plans `manager` manages, as they may see each (no reviews: the lists of reports
    show none), in two statements. Being the manager, whether they are also a teammate
    changes nothing they see."""
    rows = q.plans_and_owners_managed_by(session, manager.id)
    names = {owner.id: owner.slack_user_id for _, owner in rows}
    names[manager.id] = manager.slack_user_id
    facts = facts_q.plans_facts(session, [p for p, _ in rows], with_reviews=False, names=names)
    return [view_plan(facts[p.id], relation(
        manager.id, owner_id=p.owner_id, manager_id=p.manager_id, teammate_ids=frozenset(),
        viewer_is_admin=bool(manager.is_admin))) for p, _ in rows]


# ---- surfaces --------------------------------------------------------------------------------


def plan_message(session: Session, owner: Member | None, owner_user: str,
                 viewer: Member, now: datetime) -> dict:
    """`/pact pdp @someone` for `viewer`."""
    if owner is None:
        who = Viewer(member_id=viewer.id, is_admin=bool(viewer.is_admin))
        return posts.plan_message(view_plan(None, who, owner_user=owner_user), now)
    return posts.plan_message(plan_view(session, owner, viewer), now)


def manager_dm(session: Session, pdp: Pdp, now: datetime, reason: str) -> dict:
    return posts.manager_message(manager_view(session, pdp), now, pdp_id=pdp.id, reason=reason)


def report_modal(session: Session, pdp: Pdp, viewer: Member, now: datetime) -> dict:
    owner = session.get(Member, pdp.owner_id)
    view = plan_view(session, owner, viewer)
    buttons = None
    if view.viewer.is_manager:
        buttons = posts.manager_message(view, now, pdp_id=pdp.id,
                                         reason="review")["blocks"][-1]["elements"]
    if not view.shares_anything:
        return views.info_modal("Development plan", posts.not_shared_text(owner.slack_user_id))
    return views.readonly_modal(view, now, buttons=buttons)


def reports(session: Session, manager: Member, now: datetime) -> dict:
    return posts.reports_message([(view, now) for view in manager_views(session, manager)])


def home_section(session: Session, member: Member, budget: int, now: datetime) -> list[dict]:
    """"My development plan" on the owner's own Home tab."""
    pdp = q.get_plan(session, member.id)
    if pdp is None:
        view = view_plan(None, Viewer(member_id=member.id, is_owner=True),
                         owner_user=member.slack_user_id)
    else:
        # Home shows no review: none is read.
        facts = facts_q.plans_facts(session, [pdp], with_reviews=False)[pdp.id]
        view = view_plan(facts, own_relation(pdp, member))
    return posts.home_section(view, now, budget)


def manager_home_section(session: Session, member: Member, budget: int) -> list[dict]:
    """"Your reports" for a manager: each report's plan as shared with them, its next review,
    a review waiting first; nothing for someone nobody chose as manager."""
    views_ = manager_views(session, member)
    views_.sort(key=lambda v: (v.dates is None or v.dates.review_requested_at is None))
    return posts.reports_home_section(views_, now_of(session), budget)


def goal_section(session: Session, goal: Goal, viewer: Member | None) -> list[dict]:
    """How many members link objectives to `goal`; the team-visible ones `viewer` may see."""
    return posts.goal_section(*goal_rollups(session, [goal], viewer)[goal.id],
                              viewer.slack_user_id if viewer is not None else "")


def goals_home_section(session: Session, member: Member, budget: int) -> list[dict]:
    """The Home tab's roll-up: for each active goal of the member's teams that objectives are
    linked to, how many members link one and the team-visible ones the member may see."""
    goals = q.active_goals_for(session, member.id)
    rollups = goal_rollups(session, goals, member)
    rows = [(goal.title, *rollups[goal.id]) for goal in goals]
    return posts.home_goals_rollup([row for row in rows if row[1]], budget)


def goal_rollups(session: Session, goals: list[Goal], viewer: Member | None
                 ) -> dict[int, tuple[int, list[tuple[str, object]]]]:
    """By goal id: (members with an objective linked to it, [(owner, objective)] `viewer`
    may see), in two statements however many goals and links."""
    linked = facts_q.linked_objectives_of_goals(session, [g.id for g in goals])
    team_visible = [row for row in linked if row[0].visibility == "team"]
    facts = facts_q.facts_of_rows(team_visible)
    mates = teammate_ids(session, viewer.id) if viewer is not None and team_visible else set()
    found = {g.id: (set(), []) for g in goals}
    for objective, _title, pdp, _owner in linked:
        found[objective.goal_id][0].add(pdp.owner_id)
    for objective, _title, pdp, owner in team_visible:
        # Readers of a goal's details are the team: the owner's teammates at most. A named
        # viewer must also be allowed to see the objective themselves (they are the owner's
        # teammate exactly when the owner is theirs).
        seen = visible_objective(facts[pdp.id], objective.id, TEAM_AUDIENCE)
        if seen is not None and viewer is not None:
            seen = visible_objective(facts[pdp.id], objective.id, relation(
                viewer.id, owner_id=owner.id, manager_id=pdp.manager_id,
                teammate_ids={viewer.id} if owner.id in mates else set(),
                viewer_is_admin=bool(viewer.is_admin)))
        if seen is not None:
            found[objective.goal_id][1].append((owner.slack_user_id, seen))
    return {goal_id: (len(members), shown) for goal_id, (members, shown) in found.items()}


def celebration_post(session: Session, pdp: Pdp, objective_id: int) -> dict | None:
    """The team channel post for a done objective, or None unless the team may see it."""
    facts = q.plan_facts(session, pdp, with_history=False)
    public = visible_objective(facts, objective_id, TEAM_AUDIENCE)
    return posts.celebration_message(facts.owner_user, public) if public else None


def congratulation(session: Session, pdp: Pdp, objective_id: int) -> dict:
    """The owner's private congratulation (a DM only they read)."""
    facts = q.plan_facts(session, pdp, with_history=False)
    own = visible_objective(facts, objective_id, Viewer(member_id=pdp.owner_id, is_owner=True))
    return posts.congrats_dm(own)


def report_for(session: Session, team_id: str, user_id: str, pdp_id: int,
               now: datetime) -> dict | None:
    """The plan `pdp_id` of this workspace as the clicker may see it; None when it is gone."""
    viewer = get_or_create_member(session, team_id, user_id)
    pdp = q.get_plan_by_id(session, pdp_id)
    owner = session.get(Member, pdp.owner_id) if pdp else None
    if pdp is None or owner is None or owner.workspace_id != viewer.workspace_id:
        return None
    return report_modal(session, pdp, viewer, now)
