"""Who may see what of a development plan: the one policy every surface goes through.

A plan is private by default. Each section (aspiration, skill gaps) and each objective has a
visibility: `private` (the owner only), `manager` (the owner and their manager) or `team` (the
owner's teammates too; the manager always sees what teammates see).

Renderers never receive stored rows: they receive a `PlanView`, built here by `view_plan`, in
which everything the viewer may not see is simply absent. A surface cannot leak what it was
never given.

Besides content, the policy decides the plan's metadata:
- review dates (cadence, last and next review, a pending request): owner, manager, admin;
- who the manager is: owner and manager;
- reviews (outcome and comment): the owner, and the reviewer for the reviews they wrote;
- progress notes and the change history: the owner only.
Workspace admins see that a plan exists and its review dates, never content; an admin who is
also a teammate or the manager sees what that relation allows, no more.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date, datetime

PRIVATE = "private"
MANAGER = "manager"
TEAM = "team"
LEVELS = (PRIVATE, MANAGER, TEAM)
LEVEL_LABELS = {PRIVATE: "Only me", MANAGER: "Me and my manager", TEAM: "My team"}


@dataclass(frozen=True)
class Viewer:
    """How the person looking relates to the plan's owner. Several can hold at once."""

    member_id: int | None = None
    is_owner: bool = False
    is_manager: bool = False
    is_teammate: bool = False
    is_admin: bool = False

    @property
    def relations(self) -> tuple[str, ...]:
        names = ("owner", "manager", "teammate", "admin")
        flags = (self.is_owner, self.is_manager, self.is_teammate, self.is_admin)
        return tuple(n for n, f in zip(names, flags, strict=True) if f) or ("stranger",)


# Audiences that are not one person: everyone reading a team channel is treated as a teammate
# (never as the manager or owner), so a channel post carries team-visible content only.
TEAM_AUDIENCE = Viewer(is_teammate=True)


def relation(viewer_id: int | None, *, owner_id: int, manager_id: int | None,
             teammate_ids: set[int] | frozenset[int], viewer_is_admin: bool) -> Viewer:
    """The viewer's relation to a plan owned by `owner_id` (teammate ids are the owner's)."""
    if viewer_id is None:
        return Viewer(is_admin=False)
    return Viewer(member_id=viewer_id, is_owner=viewer_id == owner_id,
                  is_manager=manager_id is not None and viewer_id == manager_id,
                  is_teammate=viewer_id in teammate_ids, is_admin=viewer_is_admin)


def may_see(viewer: Viewer, visibility: str) -> bool:
    """Whether `viewer` may see an item marked `visibility`. Unknown values fail closed."""
    if viewer.is_owner:
        return True
    if visibility == MANAGER:
        return viewer.is_manager
    if visibility == TEAM:
        return viewer.is_manager or viewer.is_teammate
    return False


def may_see_review_dates(viewer: Viewer) -> bool:
    return viewer.is_owner or viewer.is_manager or viewer.is_admin


def may_see_manager(viewer: Viewer) -> bool:
    return viewer.is_owner or viewer.is_manager


# ---- the plan as stored (plain data, built by storage/queries/pdp.py) ---------------------


@dataclass(frozen=True)
class ProgressFacts:
    value: float | None
    note: str
    at: datetime
    by_user: str  # Slack user id


@dataclass(frozen=True)
class ObjectiveFacts:
    id: int
    title: str
    skill: str
    actions: str
    target_date: date | None
    goal_id: int | None
    goal_title: str | None
    status: str
    progress: int
    visibility: str
    done_at: datetime | None = None
    last_progress_at: datetime | None = None
    updates: tuple[ProgressFacts, ...] = ()


@dataclass(frozen=True)
class ReviewFacts:
    reviewer_id: int
    reviewer_user: str
    outcome: str
    comment: str
    at: datetime


@dataclass(frozen=True)
class ChangeFacts:
    actor_user: str
    what: str
    at: datetime
    objective_id: int | None = None


@dataclass(frozen=True)
class PlanFacts:
    pdp_id: int
    owner_id: int
    owner_user: str
    manager_id: int | None
    manager_user: str | None
    aspiration: str
    aspiration_visibility: str
    skill_gaps: str
    skill_gaps_visibility: str
    cadence_months: int
    last_review_at: datetime | None
    next_review_at: datetime | None
    review_requested_at: datetime | None
    created_at: datetime
    objectives: tuple[ObjectiveFacts, ...] = ()
    reviews: tuple[ReviewFacts, ...] = ()
    changes: tuple[ChangeFacts, ...] = ()


# ---- the plan as one viewer may see it -----------------------------------------------------


@dataclass(frozen=True)
class ReviewDates:
    cadence_months: int
    last_review_at: datetime | None
    next_review_at: datetime | None
    review_requested_at: datetime | None


@dataclass(frozen=True)
class PlanView:
    """A plan filtered for one viewer: a field is None (or empty) when it is not theirs to see."""

    viewer: Viewer
    owner_user: str
    exists: bool
    pdp_id: int | None = None
    aspiration: str | None = None
    aspiration_visibility: str | None = None
    skill_gaps: str | None = None
    skill_gaps_visibility: str | None = None
    manager_user: str | None = None
    dates: ReviewDates | None = None
    objectives: tuple[ObjectiveFacts, ...] = ()
    reviews: tuple[ReviewFacts, ...] = ()
    history: tuple[ChangeFacts, ...] = field(default=())

    @property
    def shares_content(self) -> bool:
        """Anything beyond existence and dates: a section, an objective, a review."""
        return bool(self.aspiration is not None or self.skill_gaps is not None
                    or self.objectives or self.reviews)

    @property
    def shares_anything(self) -> bool:
        return self.exists and (self.shares_content or self.dates is not None)


def view_plan(plan: PlanFacts | None, viewer: Viewer, *, owner_user: str = "") -> PlanView:
    """`plan` as `viewer` may see it (`owner_user` names the owner when there is no plan)."""
    if plan is None:
        return PlanView(viewer=viewer, owner_user=owner_user, exists=False)
    owner = viewer.is_owner
    aspiration = plan.aspiration if may_see(viewer, plan.aspiration_visibility) else None
    skill_gaps = plan.skill_gaps if may_see(viewer, plan.skill_gaps_visibility) else None
    objectives = tuple(
        o if owner else replace(o, updates=())
        for o in plan.objectives if may_see(viewer, o.visibility))
    if owner:
        reviews = plan.reviews
    elif viewer.is_manager:
        reviews = tuple(r for r in plan.reviews if r.reviewer_id == viewer.member_id)
    else:
        reviews = ()
    dates = None
    if may_see_review_dates(viewer):
        dates = ReviewDates(plan.cadence_months, plan.last_review_at, plan.next_review_at,
                            plan.review_requested_at)
    return PlanView(
        viewer=viewer, owner_user=plan.owner_user,
        # A viewer who may see nothing does not even learn that a plan exists.
        exists=bool(owner or viewer.is_admin or viewer.is_manager or aspiration is not None
                    or skill_gaps is not None or objectives),
        pdp_id=plan.pdp_id if (owner or viewer.is_manager) else None,
        aspiration=aspiration,
        aspiration_visibility=plan.aspiration_visibility if aspiration is not None else None,
        skill_gaps=skill_gaps,
        skill_gaps_visibility=plan.skill_gaps_visibility if skill_gaps is not None else None,
        manager_user=plan.manager_user if may_see_manager(viewer) else None,
        dates=dates, objectives=objectives, reviews=reviews,
        history=plan.changes if owner else (),
    )


def visible_objective(plan: PlanFacts, objective_id: int, viewer: Viewer) -> ObjectiveFacts | None:
    """One objective of `plan` as `viewer` may see it, or None."""
    for o in view_plan(plan, viewer).objectives:
        if o.id == objective_id:
            return o
    return None
