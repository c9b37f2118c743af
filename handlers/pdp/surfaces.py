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
    pdp = q.get_plan(session, owner.id)
    who = viewer_of(session, owner.id, pdp.manager_id if pdp else None, viewer)
    facts = q.plan_facts(session, pdp, with_history=who.is_owner) if pdp else None
    return view_plan(facts, who, owner_user=owner.slack_user_id)


def own_view(session: Session, pdp: Pdp, owner: Member) -> PlanView:
    return view_plan(q.plan_facts(session, pdp), viewer_of(session, owner.id, pdp.manager_id,
                                                           owner))


def no_plan_view(owner: Member) -> PlanView:
    """The owner's own view when they have no plan (their export still carries pacts, kudos)."""
    return view_plan(None, Viewer(member_id=owner.id, is_owner=True),
                     owner_user=owner.slack_user_id)


def manager_view(session: Session, pdp: Pdp, facts: PlanFacts | None = None) -> PlanView:
    """The plan as its manager may see it (for their DMs and their list of reports)."""
    manager = session.get(Member, pdp.manager_id) if pdp.manager_id else None
    who = viewer_of(session, pdp.owner_id, pdp.manager_id, manager)
    return view_plan(facts or q.plan_facts(session, pdp, with_history=False), who)


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
    rows = [(manager_view(session, pdp), now) for pdp in q.plans_managed_by(session, manager.id)]
    return posts.reports_message(rows)


def home_section(session: Session, member: Member, budget: int, now: datetime) -> list[dict]:
    """"My development plan" on the owner's own Home tab."""
    pdp = q.get_plan(session, member.id)
    if pdp is None:
        view = view_plan(None, Viewer(member_id=member.id, is_owner=True),
                         owner_user=member.slack_user_id)
    else:
        view = view_plan(q.plan_facts(session, pdp, with_history=False),
                         viewer_of(session, member.id, pdp.manager_id, member))
    return posts.home_section(view, now, budget)


def manager_home_section(session: Session, member: Member, budget: int) -> list[dict]:
    """"Your reports" for a manager: each report's plan as shared with them, its next review,
    a review waiting first; nothing for someone nobody chose as manager."""
    views_ = [manager_view(session, pdp) for pdp in q.plans_managed_by(session, member.id)]
    views_.sort(key=lambda v: (v.dates is None or v.dates.review_requested_at is None))
    return posts.reports_home_section(views_, now_of(session), budget)


def goal_section(session: Session, goal: Goal, viewer: Member | None) -> list[dict]:
    """How many members link objectives to `goal`; the team-visible ones `viewer` may see."""
    return posts.goal_section(*goal_rollup(session, goal, viewer),
                              viewer.slack_user_id if viewer is not None else "")


def goals_home_section(session: Session, member: Member, budget: int) -> list[dict]:
    """The Home tab's roll-up: for each active goal of the member's teams that objectives are
    linked to, how many members link one and the team-visible ones the member may see."""
    rows = []
    for goal in q.active_goals_for(session, member.id):
        linked_members, shown = goal_rollup(session, goal, member)
        if linked_members:
            rows.append((goal.title, linked_members, shown))
    return posts.home_goals_rollup(rows, budget)


def goal_rollup(session: Session, goal: Goal,
                viewer: Member | None) -> tuple[int, list[tuple[str, object]]]:
    """(members with an objective linked to `goal`, [(owner, objective)] `viewer` may see)."""
    linked = q.linked_objectives(session, goal.id)
    members = {pdp.owner_id for _, pdp in linked}
    shown: list[tuple[str, object]] = []
    facts_by_pdp: dict[int, PlanFacts] = {}
    for objective, pdp in linked:
        if objective.visibility != "team":
            continue
        facts = facts_by_pdp.get(pdp.id)
        if facts is None:
            facts = facts_by_pdp[pdp.id] = q.plan_facts(session, pdp, with_history=False)
        # Readers of a goal's details are the team: the owner's teammates at most. A named
        # viewer must also be allowed to see the objective themselves.
        seen = visible_objective(facts, objective.id, TEAM_AUDIENCE)
        if seen is not None and viewer is not None:
            seen = visible_objective(facts, objective.id,
                                     viewer_of(session, pdp.owner_id, pdp.manager_id, viewer))
        if seen is not None:
            shown.append((facts.owner_user, seen))
    return len(members), shown


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
