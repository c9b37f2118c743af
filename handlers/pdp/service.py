"""Development plan use cases, with no Slack in them: (session, who acts, input, now) -> result.

Every use case re-reads from the database who owns the plan or objective it names (ids in
buttons and metadata only select), and every message it queues renders through the
visibility policy (surfaces.py). The caller commits, sends the outbox rows and answers.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import datetime

from sqlmodel import Session

from bot.rules import pdp as rules
from bot.rules.visibility import LEVEL_LABELS, ObjectiveFacts
from handlers.kit import refusals
from handlers.kit.blocks import mention
from handlers.pacts import service as pacts
from handlers.pdp import notices
from scheduling.kinds import Kind
from storage.models import Member, Objective, Pdp
from storage.queries import pdp as q
from storage.queries.members import get_member, get_or_create_member

log = logging.getLogger("pact.pdp")

KINDS = [
    Kind("pdp_review", time_bound=False),
    Kind("pdp_manager", time_bound=False),
    Kind("pdp_manager_handled", time_bound=False),
    Kind("objective_congrats", time_bound=False),
    Kind("objective_celebration", time_bound=False),
]


# ---- who may act on what ------------------------------------------------------------------


def owned_plan(session: Session, team_id: str, user_id: str, pdp_id: int | None = None, *,
               for_update: bool = False) -> tuple[Member | None, Pdp | None]:
    """(member, their own plan); the plan is None unless it exists (and is `pdp_id`, when
    given)."""
    member = get_member(session, team_id, user_id)
    if member is None:
        return None, None
    pdp = q.get_plan(session, member.id, for_update=for_update)
    if pdp is None or (pdp_id is not None and pdp.id != pdp_id):
        return member, None
    return member, pdp


def owned_objective(session: Session, team_id: str, user_id: str, objective_id: int | None,
                    *, for_update: bool = False) -> tuple[Member, Pdp, Objective] | None:
    """(member, pdp, objective) when the clicker owns the objective, else None."""
    if objective_id is None:
        return None
    found = q.get_objective(session, objective_id, for_update=for_update)
    member = get_member(session, team_id, user_id)
    if found is None or member is None or found[1].owner_id != member.id:
        return None
    objective, pdp = found
    return member, pdp, objective


def managed_plan(session: Session, team_id: str, user_id: str, pdp_id: int | None, *,
                 for_update: bool = False) -> tuple[Member, Pdp] | None:
    """(manager member, pdp) when the clicker is the manager of plan `pdp_id`, else None."""
    if pdp_id is None:
        return None
    member = get_member(session, team_id, user_id)
    pdp = q.get_plan_by_id(session, pdp_id, for_update=for_update)
    if member is None or pdp is None or pdp.manager_id != member.id \
            or pdp.owner_id == member.id:
        return None
    owner = session.get(Member, pdp.owner_id)
    if owner is None or owner.workspace_id != team_id:
        return None
    return member, pdp


def goal_choices(session: Session, member_id: int) -> list[tuple[int, str]]:
    return [(g.id, g.title) for g in q.active_goals_for(session, member_id)]


def objective_facts(session: Session, pdp: Pdp, objective_id: int) -> ObjectiveFacts | None:
    facts = q.plan_facts(session, pdp, with_history=False)
    return next((o for o in facts.objectives if o.id == objective_id), None)


def plan_and_owner(session: Session, pdp_id: int | None) -> tuple[Pdp | None, Member | None]:
    pdp = q.get_plan_by_id(session, pdp_id) if pdp_id else None
    owner = session.get(Member, pdp.owner_id) if pdp is not None else None
    return pdp, owner


def slack_user(session: Session, member_id: int | None) -> str:
    member = session.get(Member, member_id) if member_id else None
    return member.slack_user_id if member is not None else ""


def create_plan(session: Session, owner_id: int, now: datetime) -> Pdp:
    """A new empty plan, private, reviewed at the default cadence."""
    return q.insert_plan(session, owner_id, rules.DEFAULT_CADENCE, rules.next_review(
        created_at=now, last_review_at=None, cadence_months=rules.DEFAULT_CADENCE), now)


# ---- the plan form ------------------------------------------------------------------------


@dataclass
class PlanSaved:
    pdp: Pdp | None = None
    member: Member | None = None
    refusal: str | None = None  # shown in place of the form; nothing was written
    created: bool = False
    changed: bool = False  # a change was recorded: schedules follow the plan


def _describe_plan_changes(pdp: Pdp, new: rules.PlanInput, manager: Member | None) -> list[str]:
    changes = []
    if pdp.aspiration != new.aspiration:
        changes.append("aspiration")
    if pdp.aspiration_visibility != new.aspiration_visibility:
        changes.append(f"aspiration visible to: {LEVEL_LABELS[new.aspiration_visibility]}")
    if pdp.skill_gaps != new.skill_gaps:
        changes.append("skill gaps")
    if pdp.skill_gaps_visibility != new.skill_gaps_visibility:
        changes.append(f"skill gaps visible to: {LEVEL_LABELS[new.skill_gaps_visibility]}")
    if pdp.manager_id != (manager.id if manager else None):
        changes.append(f"manager: {mention(manager.slack_user_id)}" if manager else "manager removed")
    if pdp.review_cadence_months != new.cadence_months:
        changes.append(f"review cadence: {rules.CADENCES[new.cadence_months].lower()}")
    return changes


def save_plan(session: Session, team_id: str, user_id: str, new: rules.PlanInput, *,
              editing: int | None, now: datetime) -> PlanSaved:
    """Create or edit the clicker's own plan. `editing`: the plan id an edit form was opened
    for (None: the create form); an edit form never edits any other plan."""
    member = get_or_create_member(session, team_id, user_id)
    pdp = q.get_plan(session, member.id, for_update=True)
    creating = pdp is None
    if editing is not None and (creating or editing != pdp.id):
        log.warning("refused plan form for plan %s from %s", editing, user_id)
        return PlanSaved(refusal=refusals.PLAN_GONE_START_AGAIN if creating
                         else refusals.PLAN_NOT_YOURS)
    if creating:
        pdp = create_plan(session, member.id, now)
    manager = get_or_create_member(session, team_id, new.manager_user) \
        if new.manager_user else None
    described = _describe_plan_changes(pdp, new, manager)
    manager_changed = pdp.manager_id != (manager.id if manager else None)
    cadence_changed = pdp.review_cadence_months != new.cadence_months
    pdp.aspiration, pdp.skill_gaps = new.aspiration, new.skill_gaps
    pdp.aspiration_visibility = new.aspiration_visibility
    pdp.skill_gaps_visibility = new.skill_gaps_visibility
    pdp.manager_id = manager.id if manager else None
    pdp.review_cadence_months = new.cadence_months
    if cadence_changed or creating:
        pdp.next_review_at = rules.next_review(created_at=pdp.created_at,
                                               last_review_at=pdp.last_review_at,
                                               cadence_months=pdp.review_cadence_months)
    if manager_changed:
        pdp.review_requested_at = None
    pdp.updated_at = now
    session.add(pdp)
    session.flush()
    change = None
    if creating:
        change = q.record_change(session, pdp, member.id, "Created the plan", now=now)
    elif described:
        change = q.record_change(session, pdp, member.id,
                                 "Edited the plan: " + "; ".join(described), now=now)
    if manager is not None and manager_changed:
        notices.notify_manager(session, pdp, "chosen", change.id, now)
    notices.recheck_pending(session, pdp, now)
    pacts.recheck_plan(session, pdp, now)  # a supporter who may no longer see it: pact ends
    log.info("plan %s %s by its owner", pdp.id, "created" if creating else "saved")
    return PlanSaved(pdp=pdp, member=member, created=creating, changed=change is not None)


@dataclass
class PlanDeleted:
    refused: bool = False  # someone else's plan: nothing changed
    gone: bool = False  # already deleted (a second click)
    pdp: Pdp | None = None
    counts: dict = field(default_factory=dict)
    unsend: list[tuple[str, str]] = field(default_factory=list)  # posts to take back
    lab_posts: list[int] = field(default_factory=list)  # lab posts whose topic was withdrawn
    pact_messages: list[int] = field(default_factory=list)  # supporters told a pact ended


def delete_plan(session: Session, team_id: str, user_id: str, pdp_id: int | None,
                now: datetime) -> PlanDeleted:
    """Delete the clicker's own plan `pdp_id` with everything hanging off it."""
    _, pdp = owned_plan(session, team_id, user_id, pdp_id, for_update=True)
    if pdp is None:
        gone = pdp_id is None or q.get_plan_by_id(session, pdp_id) is None
        if not gone:
            log.warning("refused deleting plan %s for %s: not theirs", pdp_id, user_id)
        return PlanDeleted(refused=not gone, gone=gone)
    lab_sessions = q.lab_sessions_of(session, pdp.id)
    told = pacts.recheck_plan(session, pdp, now, deleting=True)  # supporters: only "it ended"
    counts, unsend = q.delete_plan(session, pdp)
    counts.update(pacts.forget(session, pdp.owner_id, now))  # their pacts and kudos
    lab_posts = notices.retopic_lab_announcements(session, lab_sessions, now)
    log.info("plan %s deleted: %s", pdp.id, counts)
    return PlanDeleted(pdp=pdp, counts=counts, unsend=unsend, lab_posts=lab_posts,
                       pact_messages=told)


def delete_counts(session: Session, pdp: Pdp) -> dict[str, int]:
    """What a delete would remove, for the prompt that asks to confirm it."""
    return {"objectives": len(q.objectives_of(session, pdp.id))}


def has_plan(session: Session, team_id: str, user_id: str) -> bool:
    return owned_plan(session, team_id, user_id)[1] is not None


def export_names(session: Session, team_id: str, users: set[str]) -> dict[str, str]:
    """Display names of the people an export mentions (Slack ids to names)."""
    names = {}
    for user in users:
        member = get_member(session, team_id, user) if user else None
        if member is not None and member.display_name:
            names[user] = member.display_name
    return names
