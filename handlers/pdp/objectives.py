"""Objective use cases: add or edit one, log its progress; no Slack in them.

As for plans (service.py), the owner is re-read from the database, ids only select, and what
is queued renders through the visibility policy.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import date, datetime

from sqlmodel import Session

from bot.rules import pdp as rules
from bot.rules.visibility import LEVEL_LABELS
from handlers.kit import refusals
from handlers.pacts import service as pacts
from handlers.pdp import notices
from handlers.pdp.service import create_plan, goal_choices, owned_objective
from storage.models import Member, Objective, Pdp, ProgressUpdate
from storage.queries import pdp as q
from storage.queries.members import get_or_create_member

log = logging.getLogger("pact.pdp")


# ---- the objective form -------------------------------------------------------------------


@dataclass(frozen=True)
class ObjectiveDraft:
    """What the objective form carried, read but not yet checked against the plan."""

    title: str
    skill: str
    actions: str
    target_date: date | None
    goal_id: int | None
    status: str | None  # None: the form has no status field (a new objective)
    progress: int | None
    visibility: str
    errors: dict = field(default_factory=dict)  # found while reading the form


@dataclass
class ObjectiveSaved:
    pdp: Pdp | None = None
    refusal: str | None = None
    errors: dict = field(default_factory=dict)
    lab_posts: list[int] = field(default_factory=list)  # lab posts to update in Slack


def _objective_diff(objective: Objective, new: rules.ObjectiveInput, status: str,
                    progress: int) -> list[str]:
    diff = []
    for name, old, value in (
            ("title", objective.title, new.title),
            ("skill", objective.skill, new.skill),
            ("actions", objective.actions, new.actions),
            ("target date", objective.target_date, new.target_date),
            ("linked goal", objective.goal_id, new.goal_id),
            ("status", rules.STATUS_LABELS[objective.status], rules.STATUS_LABELS[status]),
            ("progress", f"{objective.progress}%", f"{progress}%"),
            ("visible to", LEVEL_LABELS[objective.visibility], LEVEL_LABELS[new.visibility])):
        if old != value:
            diff.append(name if name in ("title", "skill", "actions", "linked goal")
                        else f"{name} {old or '—'} → {value or '—'}")
    return diff


def _checked_objective(session: Session, member: Member, pdp: Pdp | None,
                       objective: Objective | None, draft: ObjectiveDraft,
                       now: datetime) -> tuple[rules.ObjectiveInput, dict]:
    allowed = {g for g, _ in goal_choices(session, member.id)}
    if objective is not None and objective.goal_id is not None:
        allowed.add(objective.goal_id)  # an existing link survives a goal's archival
    new = rules.ObjectiveInput(
        title=draft.title, skill=draft.skill, actions=draft.actions,
        target_date=draft.target_date, goal_id=draft.goal_id,
        status=draft.status or (objective.status if objective else "not_started"),
        progress=draft.progress if draft.progress is not None else 0,
        visibility=draft.visibility)
    errors = rules.validate_objective(new, today=now.date(), allowed_goal_ids=allowed,
                                      previous_target=objective.target_date if objective
                                      else None)
    errors.update(draft.errors)
    if objective is None and pdp is not None and \
            q.open_objective_count(session, pdp.id) >= rules.MAX_OPEN_OBJECTIVES:
        errors["title"] = refusals.plan_objectives_full_short(rules.MAX_OPEN_OBJECTIVES)
    return new, errors


def _apply_objective_edit(objective: Objective, new: rules.ObjectiveInput, status: str,
                          progress: int, became_done: bool, now: datetime) -> None:
    objective.title, objective.skill, objective.actions = new.title, new.skill, new.actions
    objective.target_date, objective.goal_id = new.target_date, new.goal_id
    objective.visibility = new.visibility
    if not became_done:
        objective.status = status
        objective.progress = progress
        if status != "done":
            objective.done_at = None
    if objective.progress != progress or became_done:
        objective.last_progress_at = now
    objective.updated_at = now


def save_objective(session: Session, team_id: str, user_id: str, objective_id: int | None,
                   draft: ObjectiveDraft, now: datetime) -> ObjectiveSaved:
    """Add an objective to the clicker's plan (creating the plan if need be), or edit one of
    theirs; celebrate it when it just became done, and put right what others were shown."""
    if objective_id is not None:
        owned = owned_objective(session, team_id, user_id, objective_id, for_update=True)
        if owned is None:
            log.warning("refused objective form for objective %s from %s", objective_id,
                        user_id)
            return ObjectiveSaved(refusal=refusals.PLAN_NOT_YOURS)
        member, pdp, objective = owned
    else:
        member = get_or_create_member(session, team_id, user_id)
        pdp, objective = q.get_plan(session, member.id, for_update=True), None
    new, errors = _checked_objective(session, member, pdp, objective, draft, now)
    if errors:
        return ObjectiveSaved(errors=errors)
    if pdp is None:
        pdp = create_plan(session, member.id, now)
        q.record_change(session, pdp, member.id, "Created the plan", now=now)
    status, progress = rules.after_progress(new.status, new.progress) \
        if objective is not None else ("not_started", 0)
    became_done = status == "done" and objective is not None and objective.status != "done"
    progress_moved = objective is not None and objective.progress != progress
    if objective is None:
        objective = q.add_objective(session, pdp.id, new, now)
        what = f"Added objective “{new.title}” ({LEVEL_LABELS[new.visibility]})"
    else:
        diff = _objective_diff(objective, new, status, progress)
        what = f"Edited objective “{new.title}”: " + (", ".join(diff) or "no change")
        _apply_objective_edit(objective, new, status, progress, became_done, now)
        session.add(objective)
        session.flush()
    q.record_change(session, pdp, member.id, what, objective_id=objective.id, now=now)
    if became_done and q.mark_done(session, objective.id, now):
        session.refresh(objective)
        q.record_change(session, pdp, member.id, f"Completed “{objective.title}”",
                        objective_id=objective.id, now=now)
        notices.celebrate(session, pdp, objective.id, member)
    pdp.updated_at = now
    session.add(pdp)
    session.flush()
    notices.recheck_pending(session, pdp, now)
    pacts.recheck_plan(session, pdp, now)
    if progress_moved and objective.status != "done":
        pacts.progress_changed(session, objective.id, now)
    # A lab announcement showing an objective now private (or renamed) is put right, whether
    # still waiting to go out or posted (the caller updates that post in Slack).
    lab_posts = notices.retopic_lab_announcements(
        session, notices.stale_lab_sessions(session, pdp.id), now)
    log.info("objective %s saved in plan %s", objective.id, pdp.id)
    return ObjectiveSaved(pdp=pdp, lab_posts=lab_posts)


def objective_prefill(goal, today: date) -> dict:
    """A new objective's fields drawn from a shared goal ("I'm in", "Add to my plan"): phrased
    as the person's own part, linked to the goal, and visible to the team working on it."""
    return {"title": f"My part in {goal.title}"[:rules.TITLE_MAX], "goal_id": goal.id,
            "visibility": "team",
            "skill": goal.metric[:rules.SKILL_MAX],
            "actions": (f"My part in the team goal: {goal.metric} from {goal.baseline:g} to "
                        f"{goal.target:g} {goal.unit}").strip()[:rules.ACTIONS_MAX],
            "target_date": goal.due_date if goal.due_date >= today else None}


# ---- progress -----------------------------------------------------------------------------


def log_progress(session: Session, team_id: str, user_id: str, objective_id: int | None,
                 progress: int | None, note: str, errors: dict, now: datetime
                 ) -> ObjectiveSaved:
    """Log a step on the clicker's own objective; 100% completes it (celebrated once)."""
    owned = owned_objective(session, team_id, user_id, objective_id, for_update=True)
    if owned is None:
        log.warning("refused progress form for objective %s from %s", objective_id, user_id)
        return ObjectiveSaved(refusal=refusals.PLAN_NOT_YOURS)
    errors = dict(errors)
    note_error = rules.validate_note(note)
    if note_error:
        errors["note"] = note_error
    if errors:
        return ObjectiveSaved(errors=errors)
    member, pdp, objective = owned
    status, progress = rules.after_progress(
        "in_progress" if objective.status == "dropped" else objective.status, progress)
    session.add(ProgressUpdate(objective_id=objective.id, member_id=member.id,
                               value=float(progress), note=note, created_at=now))
    before = objective.progress
    became_done = False
    if status == "done":
        objective.last_progress_at = now
        session.add(objective)
        session.flush()
        became_done = q.mark_done(session, objective.id, now)
        session.refresh(objective)
    else:
        objective.status, objective.progress = status, progress
        objective.done_at = None
        objective.last_progress_at = objective.updated_at = now
        session.add(objective)
        session.flush()
    q.record_change(session, pdp, member.id,
                    f"Logged progress on “{objective.title}”: {before}% → {progress}%",
                    objective_id=objective.id, now=now)
    if became_done:
        q.record_change(session, pdp, member.id, f"Completed “{objective.title}”",
                        objective_id=objective.id, now=now)
        notices.celebrate(session, pdp, objective.id, member)
    elif progress != before:
        pacts.progress_changed(session, objective.id, now)
    pdp.updated_at = now
    session.add(pdp)
    log.info("progress logged on objective %s", objective.id)
    return ObjectiveSaved(pdp=pdp)


def goal_achieved(session: Session, goal, now: datetime) -> list[int]:
    """The team achieved the goal these objectives were their owners' part in: they are done
    too (never 0 % beside an achieved goal), written in each plan's history, and their
    supporters thanked. The goal's post is the one celebration: no second one here."""
    done = []
    for objective in q.open_objectives_of_goal(session, goal.id):
        if not q.mark_done(session, objective.id, now):
            continue
        pdp = session.get(Pdp, objective.pdp_id)
        q.record_change(session, pdp, pdp.owner_id,
                        f"Completed “{objective.title}”: the team achieved “{goal.title}”",
                        objective_id=objective.id, now=now)
        pacts.objective_done(session, objective.id, now)
        pdp.updated_at = now
        session.add(pdp)
        done.append(objective.id)
    if done:
        log.info("goal %s achieved: %d linked objective(s) done", goal.id, len(done))
    return done


# ---- delete and export ----------------------------------------------------------------------
