"""Development plans at Slack's edge: the owner's buttons and forms.

Each listener reads the payload with the kit's readers, calls a use case (service.py) and
answers. Ids in buttons and sealed metadata only select; who acts is the verified clicker.
Log lines carry ids, never what people wrote.
"""

from __future__ import annotations

import logging

from slack_sdk.errors import SlackApiError

from bot.directory import not_people
from bot.errors import reported
from bot.rules import pdp as rules
from handlers.kit import refusals
from handlers.kit.forms import Form
from handlers.kit.once import Repeated, once
from handlers.kit.payload import Interaction, int_id, read_interaction
from handlers.pacts import service as pacts
from handlers.pdp import notices, objectives, service, views
from handlers.pdp.openers import metadata, stale, summary
from storage.engine import session_scope
from storage.queries import pdp as q

log = logging.getLogger("pact.pdp")


# ---- what every listener shares ------------------------------------------------------------


def summary_id(i: Interaction, meta: dict | None) -> str | None:
    """The plan summary a form was pushed over, to refresh after saving. Only a view under the
    submitted one in the same stack counts, whatever the form's metadata claims."""
    wanted = (meta or {}).get("summary")
    return wanted if wanted and wanted in (i.view.get("previous_view_id"),
                                           i.view.get("root_view_id")) else None


def saved(services, session, pdp) -> None:
    """Other features follow the plan (its nudges and review reminders), in this transaction."""
    services.emit("pdp_saved", session, pdp)


def refresh_lab_posts(services, client, lab_session_ids: list[int]) -> None:
    """Lab announcements whose topic came from a plan, shown again as the team may see it."""
    for lab_session_id in lab_session_ids:
        with session_scope(services.engine) as session:
            found = notices.lab_announcement(session, lab_session_id)
        if found is None or not found[1]:
            continue
        channel, ts, text, blocks = found
        try:
            client.chat_update(channel=channel, ts=ts, text=text, blocks=blocks)
        except SlackApiError as err:
            log.warning("could not update the lab post of session %s: %s", lab_session_id,
                        err.response.get("error"))


def after_change(services, client, team_id: str, user_ids: list[str], pdp_id: int | None,
                 summary_view_id: str | None = None, owner_user: str | None = None) -> None:
    """Lazy work after a change: send what was decided, refresh the summary and Homes."""
    ids: list[int] = []
    view = None
    if pdp_id is not None:
        with session_scope(services.engine) as session:
            ids = q.pending_ids(session, pdp_id)
            pdp, owner = service.plan_and_owner(session, pdp_id)
            if pdp is not None:
                ids += pacts.waiting_ids(session, pdp.owner_id)
            if summary_view_id and owner is not None and owner.slack_user_id == owner_user:
                view = summary(services, session, pdp, owner)
    if ids:
        services.send_now(client, ids)
    if view is not None:
        try:
            client.views_update(view_id=summary_view_id, view=view)
        except SlackApiError as err:  # the person closed the modal meanwhile
            log.info("plan summary %s not updated: %s", summary_view_id,
                     err.response.get("error"))
    for user in dict.fromkeys(u for u in user_ids if u):
        services.refresh_home(client, team_id, user)


# ---- the plan form ---------------------------------------------------------------------------


def _plan_input(form: Form) -> rules.PlanInput:
    return rules.PlanInput(
        aspiration=form.text("aspiration", multiline=True),
        aspiration_visibility=form.choice("aspiration_visibility") or "private",
        skill_gaps=form.text("skill_gaps", multiline=True),
        skill_gaps_visibility=form.choice("skill_gaps_visibility") or "private",
        manager_user=form.user("manager") or None,
        cadence_months=int_id(form.choice("cadence")) or 0)


def plan_submit_in_slack(ack, body, client, services) -> None:
    """`plan_submit` with Bolt's client, which checks that the manager picked is a person."""
    plan_submit(ack, body, services, client)


def plan_submit(ack, body, services, client=None) -> None:
    try:
        _plan_submit(ack, body, services, client)
    except Repeated:
        ack()


def _plan_submit(ack, body, services, client) -> None:
    i = read_interaction(body)
    meta = metadata(services, i.view) if i else None
    editing = int_id(meta.get("pdp")) if meta and meta.get("mode") == "edit" else None
    if i is None or meta is None or (meta.get("mode") == "edit" and editing is None):
        ack(response_action="update", view=stale("Development plan"))
        return
    new = _plan_input(Form(i.view))
    errors = rules.validate_plan(new, owner_user=i.user_id)
    if not errors and new.manager_user and client is not None and not_people(
            services.engine, client, i.workspace_id, [new.manager_user]):
        errors = {"manager": refusals.not_people([new.manager_user])}
    if errors:
        ack(response_action="errors", errors=errors)
        return
    with session_scope(services.engine) as session:
        result = service.save_plan(session, i.workspace_id, i.user_id, new, editing=editing,
                                   now=services.now())
        if result.refusal:
            ack(response_action="update",
                view=views.info_modal("Development plan", result.refusal))
            return
        once(session, body, i.workspace_id)
        if result.changed:
            saved(services, session, result.pdp)
        view = summary(services, session, result.pdp, result.member, notice=(
            "✅ Your plan is created. Add your first objective: a skill to build and the "
            "actions that build it.")) if result.created else None
    if view is not None:
        ack(response_action="update", view=view)
    else:
        ack()


def plan_after(body, client, services) -> None:
    i = read_interaction(body)
    if i is None:
        return

    def work():
        with session_scope(services.engine) as session:
            _, pdp = service.owned_plan(session, i.workspace_id, i.user_id)
            manager_user = service.slack_user(session, pdp.manager_id) if pdp else ""
        if pdp is None:
            return
        after_change(services, client, i.workspace_id, [i.user_id, manager_user], pdp.id,
                     summary_id(i, metadata(services, i.view)), i.user_id)

    reported(work, body, client)


# ---- the objective and progress forms ---------------------------------------------------------


def _objective_draft(form: Form) -> objectives.ObjectiveDraft | None:
    """What the objective form carried; None when its date is no real date."""
    progress, progress_error = (0, None)
    if "progress" in form:
        progress, progress_error = rules.parse_progress(form.raw("progress"))
    goal_choice = form.choice("goal")
    target = form.date("target_date")
    if target is None and form.raw("target_date"):
        return None
    return objectives.ObjectiveDraft(
        title=form.text("title"), skill=form.text("skill"),
        actions=form.text("actions", multiline=True), target_date=target,
        goal_id=int_id(goal_choice) if goal_choice and goal_choice != "none" else None,
        status=form.choice("status"), progress=progress,
        visibility=form.choice("visibility") or "private",
        errors={"progress": progress_error} if progress_error else {})


def objective_submit(ack, body, context, services) -> None:
    try:
        _objective_submit(ack, body, context, services)
    except Repeated:
        ack()


def _objective_submit(ack, body, context, services) -> None:
    i = read_interaction(body)
    meta = metadata(services, i.view) if i else None
    oid = int_id(meta.get("objective")) if meta and "objective" in meta else None
    if i is None or meta is None or ("objective" in meta and oid is None):
        ack(response_action="update", view=stale("Edit objective"))
        return
    draft = _objective_draft(Form(i.view))
    if draft is None:
        ack(response_action="errors", errors={"target_date": "Pick a date."})
        return
    with session_scope(services.engine) as session:
        result = objectives.save_objective(session, i.workspace_id, i.user_id, oid, draft,
                                        services.now())
        if result.refusal:
            ack(response_action="update",
                view=views.info_modal("Edit objective", result.refusal))
            return
        if result.errors:
            ack(response_action="errors", errors=result.errors)
            return
        once(session, body, i.workspace_id)
        context["pdp_lab_posts"] = result.lab_posts
        saved(services, session, result.pdp)
    ack()


def progress_submit(ack, body, services) -> None:
    try:
        _progress_submit(ack, body, services)
    except Repeated:
        ack()


def _progress_submit(ack, body, services) -> None:
    i = read_interaction(body)
    meta = metadata(services, i.view) if i else None
    oid = int_id((meta or {}).get("objective"))
    if i is None or oid is None:
        ack(response_action="update", view=stale("Log progress"))
        return
    form = Form(i.view)
    progress, error = rules.parse_progress(form.raw("progress"))
    with session_scope(services.engine) as session:
        result = objectives.log_progress(session, i.workspace_id, i.user_id, oid, progress,
                                      form.text("note", multiline=True),
                                      {"progress": error} if error else {}, services.now())
        if result.refusal:
            ack(response_action="update", view=views.info_modal("Log progress",
                                                                result.refusal))
            return
        if result.errors:
            ack(response_action="errors", errors=result.errors)
            return
        once(session, body, i.workspace_id)
        saved(services, session, result.pdp)
    ack()


def objective_after(body, client, context, services) -> None:
    i = read_interaction(body)
    if i is None:
        return

    def work():
        with session_scope(services.engine) as session:
            _, pdp = service.owned_plan(session, i.workspace_id, i.user_id)
            pdp_id = pdp.id if pdp is not None else None
        refresh_lab_posts(services, client, context.get("pdp_lab_posts") or [])
        if pdp_id is not None:
            after_change(services, client, i.workspace_id, [i.user_id], pdp_id,
                         summary_id(i, metadata(services, i.view)), i.user_id)

    reported(work, body, client)
