"""The views that the plan's buttons open: each is built for the verified clicker from the
database (ids in the button only select) and opened after the click is answered, through the
kit's `opens_modal` (which also hands them the request's Slack client; these need none). A
button someone may not use opens a short notice saying why."""

from __future__ import annotations

import logging

from bot.rules import pdp as rules
from handlers.kit import ids, refusals
from handlers.kit.metadata import attach, metadata_key, read_metadata
from handlers.kit.payload import Interaction, int_id
from handlers.pacts import service as pacts
from handlers.pdp import forms, objectives, service, surfaces, views
from storage.engine import session_scope
from storage.queries import pdp as q
from storage.queries.members import get_or_create_member

log = logging.getLogger("pact.pdp")


def sealed(services, view: dict, data: dict) -> dict:
    return attach(view, data, metadata_key(services.settings))


def metadata(services, view: dict) -> dict | None:
    """The sealed metadata of the submitted view, or None when Pact did not write it."""
    return read_metadata(view, metadata_key(services.settings))


def stale(title: str) -> dict:
    return views.info_modal(title, refusals.STALE)


def summary(services, session, pdp, owner, *, notice: str | None = None) -> dict:
    return sealed(services, views.summary_modal(
        surfaces.own_view(session, pdp, owner), services.now(), notice=notice,
        supporters=pacts.supporters_by_objective(session, owner)), {"pdp": pdp.id})


def own_plan(services, team_id: str, user_id: str) -> dict:
    """The person's own plan: its summary, or the form that creates it."""
    with session_scope(services.engine) as session:
        member = get_or_create_member(session, team_id, user_id)
        pdp = q.get_plan(session, member.id)
        if pdp is None:
            return sealed(services, forms.plan_form(None), {"mode": "create"})
        return summary(services, session, pdp, member)


def plan_or_report(services, i: Interaction, _client=None) -> dict:
    """A plan id in the button (a review reminder): the clicker's report's plan, for its
    manager; anyone else gets their own plan."""
    if i.value_id is not None:
        with session_scope(services.engine) as session:
            managed = service.managed_plan(session, i.workspace_id, i.user_id, i.value_id)
            if managed is not None:
                return surfaces.report_modal(session, managed[1], managed[0], services.now())
    return own_plan(services, i.workspace_id, i.user_id)


def edit_plan(services, i: Interaction, _client=None) -> dict:
    pdp_id = int_id((metadata(services, i.view) or {}).get("pdp"))
    if pdp_id is None:
        return stale("Development plan")
    with session_scope(services.engine) as session:
        member, pdp = service.owned_plan(session, i.workspace_id, i.user_id, pdp_id)
        if pdp is None:
            return views.info_modal("Development plan", refusals.PLAN_NOT_YOURS)
        return sealed(services, forms.plan_form(surfaces.own_view(session, pdp, member)),
                      {"mode": "edit", "pdp": pdp.id, "summary": i.view_id})


def history(services, i: Interaction, _client=None) -> dict:
    with session_scope(services.engine) as session:
        member, pdp = service.owned_plan(session, i.workspace_id, i.user_id)
        return views.history_modal(surfaces.own_view(session, pdp, member, whole=True)) if pdp \
            else views.info_modal("Plan history", refusals.PLAN_NOT_YOURS)


def _objective_metadata(i: Interaction, **extra) -> dict:
    data = dict(extra)
    if i.in_modal and i.view.get("callback_id") == ids.PDP_SUMMARY:
        data["summary"] = i.view_id
    return data


def add_objective(services, i: Interaction, _client=None) -> dict:
    with session_scope(services.engine) as session:
        member, pdp = service.owned_plan(session, i.workspace_id, i.user_id)
        if pdp is None:
            return views.info_modal("New objective", refusals.PLAN_NOT_YOURS)
        if q.open_objective_count(session, pdp.id) >= rules.MAX_OPEN_OBJECTIVES:
            return views.info_modal("New objective",
                                    refusals.plan_objectives_full(rules.MAX_OPEN_OBJECTIVES))
        return sealed(services, forms.objective_form(
            None, service.goal_choices(session, member.id)), _objective_metadata(i))


def _own_objective(services, i: Interaction, title: str, not_owner: str, form) -> dict:
    """A form on one of the clicker's own objectives, or the notice saying why not."""
    oid = i.value_id
    if oid is None:
        return stale(title)
    with session_scope(services.engine) as session:
        owned = service.owned_objective(session, i.workspace_id, i.user_id, oid)
        if owned is None:
            log.warning("refused %s on objective %s for %s", title.lower(), oid, i.user_id)
            return views.info_modal(title, not_owner)
        member, pdp, objective = owned
        return sealed(services, form(session, member, service.objective_facts(
            session, pdp, objective.id)), _objective_metadata(i, objective=oid))


def edit_objective(services, i: Interaction, _client=None) -> dict:
    return _own_objective(
        services, i, "Edit objective", refusals.PLAN_NOT_YOURS,
        lambda session, member, facts: forms.objective_form(
            facts, service.goal_choices(session, member.id)))


def log_progress(services, i: Interaction, _client=None) -> dict:
    return _own_objective(services, i, "Log progress", refusals.PLAN_PROGRESS_OWNER_ONLY,
                          lambda session, member, facts: forms.progress_form(facts))


def objective_from_goal(services, i: Interaction, _client=None) -> dict:
    with session_scope(services.engine) as session:
        member = get_or_create_member(session, i.workspace_id, i.user_id)
        goal = q.linkable_goal(session, i.value_id, member.id) if i.value_id else None
        if goal is None:
            return views.info_modal("New objective", refusals.PLAN_GOAL_NOT_LINKABLE)
        return sealed(services, forms.objective_form(
            None, service.goal_choices(session, member.id),
            prefill=objectives.objective_prefill(goal, services.now().date())), {"goal": goal.id})


def view_report(services, i: Interaction, _client=None) -> dict:
    if i.value_id is None:
        return stale("Development plan")
    with session_scope(services.engine) as session:
        view = surfaces.report_for(session, i.workspace_id, i.user_id, i.value_id, services.now())
    return view or views.info_modal("Development plan", refusals.PLAN_GONE)


def comment(services, i: Interaction, _client=None) -> dict:
    if i.value_id is None:
        return stale("Comment")
    with session_scope(services.engine) as session:
        managed = service.managed_plan(session, i.workspace_id, i.user_id, i.value_id)
        if managed is None:
            log.warning("refused comment on plan %s from %s", i.value_id, i.user_id)
            return views.info_modal("Comment", refusals.PLAN_NOT_MANAGER)
        owner_user = service.slack_user(session, managed[1].owner_id)
        return sealed(services, forms.comment_form(owner_user), {"pdp": managed[1].id})
