"""Personal development plans: `/pact pdp`, its modals, manager reviews, export and delete.

Every action re-reads from the database who owns the plan or objective it names (ids in button
values and private_metadata can be forged), and every surface renders through the visibility
policy (handlers/pdp_surfaces.py). Log lines carry ids, never what people wrote.
"""

from __future__ import annotations

import json
import logging
import re
from datetime import date, datetime

from slack_sdk.errors import SlackApiError
from sqlmodel import Session, select

from bot.directory import refresh_member
from bot.errors import reported
from bot.rules import pdp as rules
from bot.rules.visibility import LEVEL_LABELS
from handlers import pdp_surfaces as surfaces
from handlers.blocks import pdp as blocks
from handlers.blocks.pdp_export import export_json, export_markdown
from handlers.home import publish_home
from handlers.kit import ids as shared
from handlers.kit.blocks import context, slack_date
from handlers.kit.replies import clicker, in_modal, open_modal, tell
from handlers.kit.router import CommandRequest
from handlers.labs import refresh_post as refresh_lab_post
from scheduling.kinds import Kind
from storage.engine import session_scope
from storage.models import Goal, Member, Objective, OutboxMessage, Pdp, ProgressUpdate
from storage.queries import outbox
from storage.queries import pdp as q
from storage.queries.members import get_member, get_or_create_member
from storage.queries.teams import teams_of_member
from storage.types import utcnow

log = logging.getLogger("pact.pdp")

MENTION = re.compile(r"^<@([UW][A-Z0-9]+)(?:\|[^>]*)?>$")
MENTIONED = re.compile(r"<@([UW][A-Z0-9]+)")
NOT_YOURS = "You can only change your own development plan."
NOT_MANAGER = "Only the manager this person chose can review their plan."


# ---- small helpers -------------------------------------------------------------------------


def _team_id(body: dict) -> str:
    return (body.get("team") or {}).get("id") or body.get("team_id") or ""


def _metadata(body: dict) -> dict:
    try:
        data = json.loads((body.get("view") or {}).get("private_metadata") or "{}")
    except ValueError:
        return {}
    return data if isinstance(data, dict) else {}


def _int(value) -> int | None:
    try:
        return int(str(value))
    except (TypeError, ValueError):
        return None


def _state(body: dict) -> dict:
    return ((body.get("view") or {}).get("state") or {}).get("values") or {}


def _field(values: dict, block_id: str) -> dict:
    return (values.get(block_id) or {}).get(block_id) or {}


def _text(values: dict, block_id: str) -> str:
    return (_field(values, block_id).get("value") or "").strip()


def _choice(values: dict, block_id: str) -> str | None:
    return (_field(values, block_id).get("selected_option") or {}).get("value")


def _summary_id(body: dict, meta: dict) -> str | None:
    """The plan summary a form was pushed over, to refresh after saving. Only a view under the
    submitted one in the same stack counts, whatever the form's metadata claims."""
    view = body.get("view") or {}
    wanted = meta.get("summary")
    return wanted if wanted and wanted in (view.get("previous_view_id"),
                                           view.get("root_view_id")) else None


def _pending_ids(session: Session, pdp_id: int) -> list[int]:
    objective_ids = [o.id for o in q.objectives_of(session, pdp_id)]
    return list(session.exec(select(OutboxMessage.id).where(
        OutboxMessage.status == "pending", q.outbox_keys_filter(pdp_id, objective_ids))))


def _owned_plan(session: Session, team_id: str, user_id: str,
                pdp_id: int | None = None, *, for_update: bool = False) -> tuple[Member, Pdp]:
    """The clicker's own plan (and `pdp_id`, when given, must be that plan), else None."""
    member = get_member(session, team_id, user_id)
    if member is None:
        return None, None
    pdp = q.get_plan(session, member.id, for_update=for_update)
    if pdp is None or (pdp_id is not None and pdp.id != pdp_id):
        return member, None
    return member, pdp


def _owned_objective(session: Session, team_id: str, user_id: str, objective_id: int | None,
                     *, for_update: bool = False):
    """(member, pdp, objective) when the clicker owns the objective, else None."""
    if objective_id is None:
        return None
    found = q.get_objective(session, objective_id, for_update=for_update)
    member = get_member(session, team_id, user_id)
    if found is None or member is None or found[1].owner_id != member.id:
        return None
    objective, pdp = found
    return member, pdp, objective


def _managed_plan(session: Session, team_id: str, user_id: str, pdp_id: int | None,
                  *, for_update: bool = False):
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


def _goal_choices(session: Session, member_id: int) -> list[tuple[int, str]]:
    return [(g.id, g.title) for g in q.active_goals_for(session, member_id)]


def _summary(session: Session, pdp: Pdp, owner: Member, *, notice: str | None = None) -> dict:
    return blocks.summary_modal(surfaces.own_view(session, pdp, owner), utcnow(),
                                metadata={"pdp": pdp.id}, notice=notice)


def _objective_facts(session: Session, pdp: Pdp, objective_id: int):
    facts = q.plan_facts(session, pdp, with_history=False)
    return next((o for o in facts.objectives if o.id == objective_id), None)


# ---- what changes a plan (called inside a transaction) -------------------------------------


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
        changes.append(f"manager: <@{manager.slack_user_id}>" if manager else "manager removed")
    if pdp.review_cadence_months != new.cadence_months:
        changes.append(f"review cadence: {rules.CADENCES[new.cadence_months].lower()}")
    return changes


def _celebrate(session: Session, pdp: Pdp, objective_id: int, owner: Member) -> None:
    """The objective just became done (exactly one request gets here): celebrate it once.

    Team-visible: a post in the team channel (the linked goal's team, else each of the owner's
    teams). Private or manager-only, or no team channel: a congratulation by DM.
    """
    message = surfaces.celebration_post(session, pdp, objective_id)
    teams = []
    if message is not None:
        objective = session.get(Objective, objective_id)
        teams = [t for t in teams_of_member(session, owner.id) if not t.paused_reason]
        goal = session.get(Goal, objective.goal_id) if objective.goal_id else None
        if goal is not None:
            teams = [t for t in teams if t.id == goal.team_id] or teams
    if message is not None and teams:
        for i, team in enumerate(teams):
            key = f"celebrate:objective:{objective_id}" + (f":{team.channel_id}" if i else "")
            outbox.enqueue(session, workspace_id=owner.workspace_id, key=key,
                           channel=team.channel_id, text=message["text"],
                           blocks=message["blocks"], kind="objective_celebration")
        log.info("objective %s done: celebrating in %d team channel(s)", objective_id,
                 len(teams))
        return
    message = surfaces.congratulation(session, pdp, objective_id)
    outbox.enqueue(session, workspace_id=owner.workspace_id,
                   key=f"congrats:objective:{objective_id}", channel=owner.slack_user_id,
                   text=message["text"], blocks=message["blocks"], kind="objective_congrats")
    log.info("objective %s done: congratulating its owner by DM", objective_id)


def _notify_manager(session: Session, pdp: Pdp, reason: str, change_id: int) -> None:
    manager = session.get(Member, pdp.manager_id) if pdp.manager_id else None
    if manager is None or manager.is_deleted:
        return
    message = surfaces.manager_dm(session, pdp, utcnow(), reason)
    outbox.enqueue(session, workspace_id=manager.workspace_id,
                   key=f"pdp:{pdp.id}:mgr:{reason}:{change_id}", channel=manager.slack_user_id,
                   text=message["text"], blocks=message["blocks"], kind="pdp_manager")


# ---- registration --------------------------------------------------------------------------


def register(app, services) -> None:
    engine = services.engine
    commands = services.commands

    def saved(session: Session, pdp: Pdp) -> None:
        services.emit("pdp_saved", session, pdp)

    def after_change(client, team_id: str, user_ids: list[str], pdp_id: int | None,
                     summary_view_id: str | None = None, owner_user: str | None = None) -> None:
        """Lazy work after a change: send what was decided, refresh the summary and Homes."""
        ids: list[int] = []
        summary = None
        if pdp_id is not None:
            with session_scope(engine) as session:
                ids = _pending_ids(session, pdp_id)
                pdp = q.get_plan_by_id(session, pdp_id)
                if summary_view_id and pdp is not None and owner_user:
                    owner = session.get(Member, pdp.owner_id)
                    if owner is not None and owner.slack_user_id == owner_user:
                        summary = _summary(session, pdp, owner)
        if ids:
            services.send_now(client, ids)
        if summary is not None:
            try:
                client.views_update(view_id=summary_view_id, view=summary)
            except SlackApiError as err:  # the person closed the modal meanwhile
                log.info("plan summary %s not updated: %s", summary_view_id,
                         err.response.get("error"))
        for user in dict.fromkeys(u for u in user_ids if u):
            publish_home(services, client, team_id, user)

    # ---- /pact pdp ---------------------------------------------------------------------------

    def open_plan(client, trigger_id: str, team_id: str, user_id: str, *, push=False) -> None:
        with session_scope(engine) as session:
            member = get_or_create_member(session, team_id, user_id)
            pdp = q.get_plan(session, member.id)
            if pdp is None:
                view = blocks.plan_form(None, metadata={"mode": "create"})
            else:
                view = _summary(session, pdp, member)
        if push:
            client.views_push(trigger_id=trigger_id, view=view)
        else:
            client.views_open(trigger_id=trigger_id, view=view)

    @commands.add("pdp", "Open your development plan, or see what someone shares with you.",
                  usage="pdp [@someone]", takes_args=True, examples=("pdp", "pdp @bob"))
    def pdp_command(req: CommandRequest) -> None:
        if not req.args:
            open_plan(req.client, req.trigger_id, req.team_id, req.user_id)
            req.ack()
            return
        match = MENTION.match(req.args[0]) if len(req.args) == 1 else None
        if match is None:
            req.ack(text="Usage: `/pact pdp` for your plan, `/pact pdp @someone` for what they "
                         "share with you, `/pact pdp reports`, `/pact pdp export`, "
                         "`/pact pdp delete`. Pick the person from the autocomplete so Slack "
                         "sends their mention.", response_type="ephemeral")
            return
        viewer = refresh_member(engine, req.client, req.team_id, req.user_id)
        owner_user = match.group(1)
        with session_scope(engine) as session:
            owner = get_member(session, req.team_id, owner_user)
            viewer = get_member(session, req.team_id, req.user_id) or viewer
            message = surfaces.plan_message(session, owner, owner_user, viewer, utcnow())
        req.ack(text=message["text"], blocks=message["blocks"], response_type="ephemeral")

    @commands.add("pdp reports", "Your reports' plans: what each shares with you, reviews due.",
                  examples=("pdp reports",))
    def pdp_reports(req: CommandRequest) -> None:
        with session_scope(engine) as session:
            manager = get_or_create_member(session, req.team_id, req.user_id)
            message = surfaces.reports(session, manager, utcnow())
        req.ack(text=message["text"], blocks=message["blocks"], response_type="ephemeral")

    def export_later(req: CommandRequest) -> None:
        now = utcnow()
        with session_scope(engine) as session:
            member = get_member(session, req.team_id, req.user_id)
            pdp = q.get_plan(session, member.id) if member else None
            if pdp is None:
                return
            view = surfaces.own_view(session, pdp, member)
            people = {view.owner_user, view.manager_user}
            people |= {r.reviewer_user for r in view.reviews}
            people |= {c.actor_user for c in view.history}
            people |= {m for c in view.history for m in MENTIONED.findall(c.what)}
            names = {}
            for user in people:
                m = get_member(session, req.team_id, user) if user else None
                if m is not None and m.display_name:
                    names[user] = m.display_name
        stamp = now.strftime("%Y-%m-%d")
        dm = req.client.conversations_open(users=req.user_id)["channel"]["id"]
        req.client.files_upload_v2(
            channel=dm,
            initial_comment="Here is your development plan with its whole history: JSON for "
                            "other tools, Markdown to read.",
            file_uploads=[
                {"content": export_json(view, exported_at=now, workspace=req.team_id),
                 "filename": f"development-plan-{stamp}.json", "title": "Development plan (JSON)"},
                {"content": export_markdown(view, exported_at=now, names=names),
                 "filename": f"development-plan-{stamp}.md",
                 "title": "Development plan (Markdown)"}])
        log.info("plan %s exported to its owner's DM", view.pdp_id)

    @commands.add("pdp export", "Send yourself your whole plan and its history as files.",
                  later=export_later, examples=("pdp export",))
    def pdp_export(req: CommandRequest) -> None:
        with session_scope(engine) as session:
            member = get_member(session, req.team_id, req.user_id)
            has_plan = member is not None and q.get_plan(session, member.id) is not None
        if not has_plan:
            req.ack(text="You have no development plan yet, so there is nothing to export. "
                         "`/pact pdp` starts one.", response_type="ephemeral")
            return
        req.ack(text="Preparing your export: a JSON and a Markdown file are on their way to "
                     "your DM with Pact.", response_type="ephemeral")

    @commands.add("pdp delete", "Delete your development plan and all its history.",
                  examples=("pdp delete",))
    def pdp_delete(req: CommandRequest) -> None:
        with session_scope(engine) as session:
            member, pdp = _owned_plan(session, req.team_id, req.user_id)
            if pdp is None:
                req.ack(text="You have no development plan to delete.",
                        response_type="ephemeral")
                return
            counts = {"objectives": len(q.objectives_of(session, pdp.id))}
            message = blocks.delete_prompt(pdp.id, counts)
        req.ack(text=message["text"], blocks=message["blocks"], response_type="ephemeral")

    # ---- delete, confirmed ---------------------------------------------------------------------

    def delete_ack(ack, body):
        ack()

    def delete_work(body, client):
        def work():
            team_id, user_id = _team_id(body), clicker(body)
            pdp_id = _int(body["actions"][0].get("value"))
            with session_scope(engine) as session:
                member, pdp = _owned_plan(session, team_id, user_id, pdp_id, for_update=True)
                if pdp is None:
                    gone = pdp_id is None or q.get_plan_by_id(session, pdp_id) is None
                    refused = not gone
                else:
                    lab_sessions = q.lab_sessions_of(session, pdp.id)
                    counts, unsend = q.delete_plan(session, pdp)
                    lab_posts = surfaces.retopic_lab_announcements(session, lab_sessions,
                                                                   utcnow())
                    services.emit("pdp_deleted", session, pdp)
                    refused = gone = False
            if refused:
                log.warning("refused deleting plan %s for %s: not theirs", pdp_id, user_id)
                tell(client, body, NOT_YOURS)
                return
            if gone:
                tell(client, body, "Your development plan is already deleted.")
                return
            for lab_session_id in lab_posts:  # their topic came from the plan: withdrawn
                refresh_lab_post(engine, client, lab_session_id)
            for channel, ts in unsend:
                try:
                    client.chat_delete(channel=channel, ts=ts)
                except SlackApiError as err:
                    log.info("could not take back a plan message: %s", err.response.get("error"))
            log.info("plan %s deleted: %s", pdp_id, counts)
            tell(client, body, "Your development plan is deleted, with its objectives, "
                                "progress, history and reviews. `/pact pdp` starts a new one.")
            publish_home(services, client, team_id, user_id)

        reported(work, body, client)

    app.action(blocks.DELETE_CONFIRMED)(ack=delete_ack, lazy=[delete_work])

    # ---- buttons that open or push modals ------------------------------------------------------

    def on_open(ack, body, client):
        ack()
        # A plan id in the button (a review reminder): the clicker's report's plan opens for
        # its manager; anyone else gets their own plan.
        pdp_id = _int((body.get("actions") or [{}])[0].get("value"))
        report = None
        if pdp_id is not None:
            with session_scope(engine) as session:
                managed = _managed_plan(session, _team_id(body), clicker(body), pdp_id)
                if managed is not None:
                    report = surfaces.report_modal(session, managed[1], managed[0], utcnow())
        if report is not None:
            open_modal(client, body, report)
            return
        open_plan(client, body["trigger_id"], _team_id(body), clicker(body),
                  push=in_modal(body))

    app.action(shared.PDP_OPEN)(on_open)

    def on_edit_plan(ack, body, client):
        ack()
        with session_scope(engine) as session:
            member, pdp = _owned_plan(session, _team_id(body), clicker(body),
                                      _int(_metadata(body).get("pdp")))
            if pdp is None:
                view = blocks.info_modal("Development plan", NOT_YOURS)
            else:
                view = blocks.plan_form(surfaces.own_view(session, pdp, member),
                                        metadata={"mode": "edit", "pdp": pdp.id,
                                                  "summary": body["view"]["id"]})
        client.views_push(trigger_id=body["trigger_id"], view=view)

    app.action(blocks.EDIT_PLAN)(on_edit_plan)

    def on_history(ack, body, client):
        ack()
        with session_scope(engine) as session:
            member, pdp = _owned_plan(session, _team_id(body), clicker(body))
            view = blocks.history_modal(surfaces.own_view(session, pdp, member)) if pdp \
                else blocks.info_modal("Plan history", NOT_YOURS)
        open_modal(client, body, view)

    app.action(blocks.HISTORY)(on_history)

    def objective_metadata(body: dict, **extra) -> dict:
        data = dict(extra)
        if in_modal(body) and (body["view"].get("callback_id") == blocks.SUMMARY):
            data["summary"] = body["view"]["id"]
        return data

    def on_add_objective(ack, body, client):
        ack()
        with session_scope(engine) as session:
            member, pdp = _owned_plan(session, _team_id(body), clicker(body))
            if pdp is None:
                view = blocks.info_modal("New objective", NOT_YOURS)
            elif q.open_objective_count(session, pdp.id) >= rules.MAX_OPEN_OBJECTIVES:
                view = blocks.info_modal("New objective", (
                    f"Your plan already has {rules.MAX_OPEN_OBJECTIVES} open objectives. Mark "
                    "some done or drop them first: focus is part of the plan."))
            else:
                view = blocks.objective_form(None, _goal_choices(session, member.id),
                                             metadata=objective_metadata(body))
        open_modal(client, body, view)

    app.action(blocks.ADD_OBJECTIVE)(on_add_objective)

    def on_edit_objective(ack, body, client):
        ack()
        oid = _int(body["actions"][0].get("value"))
        with session_scope(engine) as session:
            owned = _owned_objective(session, _team_id(body), clicker(body), oid)
            if owned is None:
                log.warning("refused editing objective %s for %s", oid, clicker(body))
                view = blocks.info_modal("Edit objective", NOT_YOURS)
            else:
                member, pdp, objective = owned
                view = blocks.objective_form(_objective_facts(session, pdp, objective.id),
                                             _goal_choices(session, member.id),
                                             metadata=objective_metadata(body,
                                                                         objective=oid))
        open_modal(client, body, view)

    app.action(blocks.EDIT_OBJECTIVE)(on_edit_objective)

    def on_log_progress(ack, body, client):
        ack()
        oid = _int(body["actions"][0].get("value"))
        with session_scope(engine) as session:
            owned = _owned_objective(session, _team_id(body), clicker(body), oid)
            if owned is None:
                log.warning("refused progress on objective %s for %s", oid, clicker(body))
                view = blocks.info_modal("Log progress", "Only the objective's owner logs its "
                                                         "progress.")
            else:
                _, pdp, objective = owned
                view = blocks.progress_form(_objective_facts(session, pdp, objective.id),
                                            metadata=objective_metadata(body, objective=oid))
        open_modal(client, body, view)

    app.action(shared.PDP_LOG_PROGRESS)(on_log_progress)

    def on_objective_from_goal(ack, body, client):
        ack()
        goal_id = _int(body["actions"][0].get("value"))
        with session_scope(engine) as session:
            member = get_or_create_member(session, _team_id(body), clicker(body))
            goal = q.linkable_goal(session, goal_id, member.id) if goal_id else None
            if goal is None:
                view = blocks.info_modal("New objective", (
                    "That goal is no longer active in one of your teams, so an objective "
                    "cannot be linked to it. `/pact pdp` opens your plan."))
            else:
                today = utcnow().date()
                prefill = {"title": goal.title[:rules.TITLE_MAX], "goal_id": goal.id,
                           "skill": goal.metric[:rules.SKILL_MAX],
                           "actions": (f"My part in the team goal: {goal.metric} from "
                                       f"{goal.baseline:g} to {goal.target:g} {goal.unit}"
                                       ).strip()[:rules.ACTIONS_MAX],
                           "target_date": goal.due_date if goal.due_date >= today else None}
                view = blocks.objective_form(None, _goal_choices(session, member.id),
                                             metadata={"goal": goal.id}, prefill=prefill)
        open_modal(client, body, view)

    app.action(shared.PDP_OBJECTIVE_FROM_GOAL)(on_objective_from_goal)

    # ---- the plan form -------------------------------------------------------------------------

    def plan_submit(ack, body, client):
        values = _state(body)
        meta = _metadata(body)
        team_id, user_id = _team_id(body), clicker(body)
        new = rules.PlanInput(
            aspiration=_text(values, "aspiration"),
            aspiration_visibility=_choice(values, "aspiration_visibility") or "private",
            skill_gaps=_text(values, "skill_gaps"),
            skill_gaps_visibility=_choice(values, "skill_gaps_visibility") or "private",
            manager_user=_field(values, "manager").get("selected_user") or None,
            cadence_months=_int(_choice(values, "cadence")) or 0)
        errors = rules.validate_plan(new, owner_user=user_id)
        if errors:
            ack(response_action="errors", errors=errors)
            return
        now = utcnow()
        with session_scope(engine) as session:
            member = get_or_create_member(session, team_id, user_id)
            pdp = q.get_plan(session, member.id, for_update=True)
            creating = pdp is None
            if meta.get("mode") == "edit" and (creating or _int(meta.get("pdp")) != pdp.id):
                log.warning("refused plan form for plan %s from %s", meta.get("pdp"), user_id)
                ack(response_action="update", view=blocks.info_modal(
                    "Development plan", NOT_YOURS if not creating else
                    "This plan no longer exists. `/pact pdp` starts a new one."))
                return
            if creating:
                pdp = q.create_plan(session, member.id, now)
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
                pdp.next_review_at = rules.next_review(
                    created_at=pdp.created_at, last_review_at=pdp.last_review_at,
                    cadence_months=pdp.review_cadence_months)
            if manager_changed:
                pdp.review_requested_at = None
            pdp.updated_at = now
            session.add(pdp)
            session.flush()
            if creating:
                change = q.record_change(session, pdp, member.id, "Created the plan", now=now)
            elif described:
                change = q.record_change(session, pdp, member.id,
                                         "Edited the plan: " + "; ".join(described), now=now)
            else:
                change = None
            if change is not None:
                saved(session, pdp)
            if manager is not None and manager_changed:
                _notify_manager(session, pdp, "chosen", change.id)
            surfaces.recheck_pending(session, pdp, now)
            if creating:
                summary = _summary(session, pdp, member, notice=(
                    "✅ Your plan is created. Add your first objective: a skill to build and "
                    "the actions that build it."))
            pdp_id = pdp.id
        log.info("plan %s %s by its owner", pdp_id, "created" if creating else "saved")
        if creating and meta.get("mode") == "create":
            ack(response_action="update", view=summary)
        else:
            ack()

    def plan_after(body, client):
        meta = _metadata(body)
        user_id, team_id = clicker(body), _team_id(body)

        def work():
            with session_scope(engine) as session:
                member, pdp = _owned_plan(session, team_id, user_id)
                manager = session.get(Member, pdp.manager_id) if pdp and pdp.manager_id \
                    else None
            if pdp is None:
                return
            after_change(client, team_id, [user_id, manager.slack_user_id if manager else ""],
                         pdp.id, _summary_id(body, meta), user_id)

        reported(work, body, client)

    app.view(blocks.PLAN_FORM)(ack=plan_submit, lazy=[plan_after])

    # ---- the objective form --------------------------------------------------------------------

    def objective_submit(ack, body, client, context):
        values = _state(body)
        meta = _metadata(body)
        team_id, user_id = _team_id(body), clicker(body)
        oid = _int(meta.get("objective"))
        raw_progress = _field(values, "progress").get("value")
        progress, progress_error = (0, None)
        if "progress" in values:
            progress, progress_error = rules.parse_progress(raw_progress)
        goal_choice = _choice(values, "goal")
        goal_id = _int(goal_choice) if goal_choice and goal_choice != "none" else None
        target = _field(values, "target_date").get("selected_date")
        try:
            target_date = date.fromisoformat(target) if target else None
        except ValueError:
            ack(response_action="errors", errors={"target_date": "Pick a date."})
            return
        now = utcnow()
        with session_scope(engine) as session:
            if oid is not None:
                owned = _owned_objective(session, team_id, user_id, oid, for_update=True)
                if owned is None:
                    log.warning("refused objective form for objective %s from %s", oid, user_id)
                    ack(response_action="update",
                        view=blocks.info_modal("Edit objective", NOT_YOURS))
                    return
                member, pdp, objective = owned
            else:
                member = get_or_create_member(session, team_id, user_id)
                pdp = q.get_plan(session, member.id, for_update=True)
                objective = None
            allowed = {g for g, _ in _goal_choices(session, member.id)}
            if objective is not None and objective.goal_id is not None:
                allowed.add(objective.goal_id)  # an existing link survives a goal's archival
            new = rules.ObjectiveInput(
                title=_text(values, "title"), skill=_text(values, "skill"),
                actions=_text(values, "actions"), target_date=target_date, goal_id=goal_id,
                status=_choice(values, "status") or (objective.status if objective
                                                     else "not_started"),
                progress=progress if progress is not None else 0,
                visibility=_choice(values, "visibility") or "private")
            errors = rules.validate_objective(
                new, today=now.date(), allowed_goal_ids=allowed,
                previous_target=objective.target_date if objective else None)
            if progress_error:
                errors["progress"] = progress_error
            if objective is None and pdp is not None and \
                    q.open_objective_count(session, pdp.id) >= rules.MAX_OPEN_OBJECTIVES:
                errors["title"] = (f"Your plan already has {rules.MAX_OPEN_OBJECTIVES} open "
                                   "objectives; close some first.")
            if errors:
                ack(response_action="errors", errors=errors)
                return
            if pdp is None:
                pdp = q.create_plan(session, member.id, now)
                q.record_change(session, pdp, member.id, "Created the plan", now=now)
            status, progress_value = rules.after_progress(new.status, new.progress) \
                if objective is not None else ("not_started", 0)
            became_done = status == "done" and objective is not None \
                and objective.status != "done"
            if objective is None:
                objective = Objective(pdp_id=pdp.id, title=new.title, skill=new.skill,
                                      actions=new.actions, target_date=new.target_date,
                                      goal_id=new.goal_id, visibility=new.visibility,
                                      status="not_started", progress=0,
                                      created_at=now, updated_at=now)
                session.add(objective)
                session.flush()
                what = f"Added objective “{new.title}” ({LEVEL_LABELS[new.visibility]})"
            else:
                diff = []
                for name, old, value in (
                        ("title", objective.title, new.title),
                        ("skill", objective.skill, new.skill),
                        ("actions", objective.actions, new.actions),
                        ("target date", objective.target_date, new.target_date),
                        ("linked goal", objective.goal_id, new.goal_id),
                        ("status", rules.STATUS_LABELS[objective.status],
                         rules.STATUS_LABELS[status]),
                        ("progress", f"{objective.progress}%", f"{progress_value}%"),
                        ("visible to", LEVEL_LABELS[objective.visibility],
                         LEVEL_LABELS[new.visibility])):
                    if old != value:
                        diff.append(name if name in ("title", "skill", "actions", "linked goal")
                                    else f"{name} {old or '—'} → {value or '—'}")
                what = f"Edited objective “{new.title}”: " + (", ".join(diff) or "no change")
                objective.title, objective.skill, objective.actions = \
                    new.title, new.skill, new.actions
                objective.target_date, objective.goal_id = new.target_date, new.goal_id
                objective.visibility = new.visibility
                if not became_done:
                    objective.status = status
                    objective.progress = progress_value
                    if status != "done":
                        objective.done_at = None
                if objective.progress != progress_value or became_done:
                    objective.last_progress_at = now
                objective.updated_at = now
                session.add(objective)
                session.flush()
            q.record_change(session, pdp, member.id, what, objective_id=objective.id, now=now)
            if became_done and q.mark_done(session, objective.id, now):
                session.refresh(objective)
                q.record_change(session, pdp, member.id, f"Completed “{objective.title}”",
                                objective_id=objective.id, now=now)
                _celebrate(session, pdp, objective.id, member)
            pdp.updated_at = now
            session.add(pdp)
            session.flush()
            surfaces.recheck_pending(session, pdp, now)
            # A lab announcement showing an objective now private (or renamed) is put right,
            # whether still waiting to go out or posted (that post is updated after the ack).
            context["pdp_lab_posts"] = surfaces.retopic_lab_announcements(
                session, q.stale_lab_sessions(session, pdp.id), now)
            saved(session, pdp)
            log.info("objective %s saved in plan %s", objective.id, pdp.id)
        ack()

    def objective_after(body, client, context):
        meta = _metadata(body)
        team_id, user_id = _team_id(body), clicker(body)

        def work():
            with session_scope(engine) as session:
                _, pdp = _owned_plan(session, team_id, user_id)
            for lab_session_id in context.get("pdp_lab_posts") or []:
                refresh_lab_post(engine, client, lab_session_id)
            if pdp is not None:
                after_change(client, team_id, [user_id], pdp.id, _summary_id(body, meta),
                             user_id)

        reported(work, body, client)

    app.view(blocks.OBJECTIVE_FORM)(ack=objective_submit, lazy=[objective_after])

    # ---- the progress form ---------------------------------------------------------------------

    def progress_submit(ack, body, client):
        values = _state(body)
        meta = _metadata(body)
        team_id, user_id = _team_id(body), clicker(body)
        oid = _int(meta.get("objective"))
        progress, error = rules.parse_progress(_field(values, "progress").get("value"))
        note = _text(values, "note")
        errors = {}
        if error:
            errors["progress"] = error
        note_error = rules.validate_note(note)
        if note_error:
            errors["note"] = note_error
        now = utcnow()
        with session_scope(engine) as session:
            owned = _owned_objective(session, team_id, user_id, oid, for_update=True)
            if owned is None:
                log.warning("refused progress form for objective %s from %s", oid, user_id)
                ack(response_action="update", view=blocks.info_modal("Log progress", NOT_YOURS))
                return
            if errors:
                ack(response_action="errors", errors=errors)
                return
            member, pdp, objective = owned
            status, progress = rules.after_progress(
                "in_progress" if objective.status == "dropped" else objective.status, progress)
            session.add(ProgressUpdate(objective_id=objective.id, member_id=member.id,
                                       value=float(progress), note=note, created_at=now))
            before = objective.progress
            if status == "done":
                objective.last_progress_at = now
                session.add(objective)
                session.flush()
                became_done = q.mark_done(session, objective.id, now)
                session.refresh(objective)
            else:
                became_done = False
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
                _celebrate(session, pdp, objective.id, member)
            pdp.updated_at = now
            session.add(pdp)
            saved(session, pdp)
            log.info("progress logged on objective %s", objective.id)
        ack()

    app.view(blocks.PROGRESS_FORM)(ack=progress_submit, lazy=[objective_after])

    # ---- review requests -----------------------------------------------------------------------

    def on_request_review(ack, body, client):
        ack()

    def request_review_work(body, client):
        def work():
            team_id, user_id = _team_id(body), clicker(body)
            now = utcnow()
            notice = None
            with session_scope(engine) as session:
                member, pdp = _owned_plan(session, team_id, user_id, for_update=True)
                if pdp is None:
                    refused = True
                elif pdp.manager_id is None:
                    notice = ("⚠️ Choose your manager first (*Edit plan* → Manager), then "
                              "request a review.")
                elif not rules.may_request_review_again(pdp.review_requested_at, now):
                    notice = "You already asked for a review today; your manager has it."
                else:
                    manager = session.get(Member, pdp.manager_id)
                    pdp.review_requested_at = now
                    pdp.updated_at = now
                    session.add(pdp)
                    change = q.record_change(session, pdp, member.id,
                                             f"Asked <@{manager.slack_user_id}> for a review",
                                             now=now)
                    _notify_manager(session, pdp, "review", change.id)
                    saved(session, pdp)
                    notice = f"📨 Review requested: <@{manager.slack_user_id}> has it by DM."
                    log.info("plan %s: review requested", pdp.id)
                if pdp is not None:
                    refused = False
                    summary_id = body["view"]["id"] if in_modal(body) else None
                    summary = _summary(session, pdp, member, notice=notice)
                    pdp_id = pdp.id
                    manager_user = session.get(Member, pdp.manager_id).slack_user_id \
                        if pdp.manager_id else ""
            if refused:
                log.warning("refused review request from %s: no plan", user_id)
                tell(client, body, NOT_YOURS)
                return
            if summary_id:
                try:
                    client.views_update(view_id=summary_id, view=summary)
                except SlackApiError as err:
                    log.info("plan summary not updated: %s", err.response.get("error"))
            else:
                tell(client, body, notice)
            after_change(client, team_id, [user_id, manager_user], pdp_id)

        reported(work, body, client)

    app.action(blocks.REQUEST_REVIEW)(ack=on_request_review, lazy=[request_review_work])

    # ---- the manager's side -------------------------------------------------------------------

    def on_view_report(ack, body, client):
        ack()
        pdp_id = _int(body["actions"][0].get("value"))
        with session_scope(engine) as session:
            viewer = get_or_create_member(session, _team_id(body), clicker(body))
            pdp = q.get_plan_by_id(session, pdp_id) if pdp_id else None
            owner = session.get(Member, pdp.owner_id) if pdp else None
            if pdp is None or owner is None or owner.workspace_id != viewer.workspace_id:
                view = blocks.info_modal("Development plan", "That plan no longer exists.")
            else:
                view = surfaces.report_modal(session, pdp, viewer, utcnow())
        open_modal(client, body, view)

    app.action(blocks.VIEW_REPORT)(on_view_report)

    def on_comment(ack, body, client):
        ack()
        pdp_id = _int(body["actions"][0].get("value"))
        with session_scope(engine) as session:
            managed = _managed_plan(session, _team_id(body), clicker(body), pdp_id)
            if managed is None:
                log.warning("refused comment on plan %s from %s", pdp_id, clicker(body))
                view = blocks.info_modal("Comment", NOT_MANAGER)
            else:
                owner = session.get(Member, managed[1].owner_id)
                view = blocks.comment_form(owner.slack_user_id, metadata={"pdp": pdp_id})
        open_modal(client, body, view)

    app.action(blocks.REVIEW_COMMENT)(on_comment)

    def record_review(session: Session, manager: Member, pdp: Pdp, outcome: str,
                      comment: str, now: datetime) -> None:
        review = q.add_review(session, pdp, manager.id, outcome, comment, now)
        verb = "Approved the plan" if outcome == "approved" else "Commented on the plan"
        q.record_change(session, pdp, manager.id, verb, now=now)
        owner = session.get(Member, pdp.owner_id)
        message = blocks.review_result_dm(manager.slack_user_id, outcome, comment,
                                          pdp.next_review_at)
        outbox.enqueue(session, workspace_id=owner.workspace_id,
                       key=f"pdp:{pdp.id}:owner:review:{review.id}",
                       channel=owner.slack_user_id, text=message["text"],
                       blocks=message["blocks"], kind="pdp_review")
        saved(session, pdp)
        log.info("plan %s reviewed (%s)", pdp.id, outcome)

    def comment_submit(ack, body, client):
        values = _state(body)
        pdp_id = _int(_metadata(body).get("pdp"))
        comment = _text(values, "comment")
        approve = bool(_field(values, "approve").get("selected_options"))
        errors = {}
        if not comment:
            errors["comment"] = "Write your comment."
        elif len(comment) > rules.COMMENT_MAX:
            errors["comment"] = f"Please keep this under {rules.COMMENT_MAX} characters."
        with session_scope(engine) as session:
            managed = _managed_plan(session, _team_id(body), clicker(body), pdp_id,
                                    for_update=True)
            if managed is None:
                log.warning("refused comment form on plan %s from %s", pdp_id, clicker(body))
                ack(response_action="update", view=blocks.info_modal("Comment", NOT_MANAGER))
                return
            if errors:
                ack(response_action="errors", errors=errors)
                return
            manager, pdp = managed
            record_review(session, manager, pdp, "approved" if approve else "commented",
                          comment, utcnow())
        ack()

    def review_after(body, client):
        pdp_id = _int(_metadata(body).get("pdp")) or _int(
            (body.get("actions") or [{}])[0].get("value"))
        team_id, user_id = _team_id(body), clicker(body)

        def work():
            with session_scope(engine) as session:
                pdp = q.get_plan_by_id(session, pdp_id) if pdp_id else None
                owner = session.get(Member, pdp.owner_id) if pdp else None
            if owner is not None:
                after_change(client, team_id, [owner.slack_user_id, user_id], pdp.id)

        reported(work, body, client)

    app.view(blocks.COMMENT_FORM)(ack=comment_submit, lazy=[review_after])

    def on_approve(ack, body, client):
        ack()
        pdp_id = _int(body["actions"][0].get("value"))
        now = utcnow()
        with session_scope(engine) as session:
            managed = _managed_plan(session, _team_id(body), clicker(body), pdp_id,
                                    for_update=True)
            if managed is None:
                log.warning("refused approval of plan %s from %s", pdp_id, clicker(body))
                return
            manager, pdp = managed
            if rules.is_repeat_approval(pdp.last_review_at, now):
                return  # a double click: the first one recorded it
            record_review(session, manager, pdp, "approved", "", now)

    def approve_after(body, client):
        def work():
            pdp_id = _int(body["actions"][0].get("value"))
            with session_scope(engine) as session:
                pdp = q.get_plan_by_id(session, pdp_id) if pdp_id else None
                is_manager = _managed_plan(session, _team_id(body), clicker(body),
                                           pdp_id) is not None
            if not is_manager:
                tell(client, body, NOT_MANAGER)
                return
            message = body.get("message") or {}
            channel = (body.get("container") or {}).get("channel_id")
            done = context(f"✅ You approved this plan {slack_date(utcnow())}. Next review: "
                           f"{slack_date(pdp.next_review_at) if pdp.next_review_at else '—'}.")
            if in_modal(body):
                view = body["view"]
                kept = [b for b in view.get("blocks", [])
                        if b.get("block_id") != "review_actions"]
                try:
                    client.views_update(view_id=view["id"], view={
                        "type": "modal", "callback_id": blocks.READONLY,
                        "title": view.get("title"), "close": view.get("close"),
                        "blocks": kept + [done]})
                except SlackApiError as err:
                    log.info("report modal not updated: %s", err.response.get("error"))
            elif channel and message.get("ts") and message.get("blocks"):
                kept = [b for b in message["blocks"] if b.get("block_id") != "review_actions"]
                kept.append(done)
                try:
                    client.chat_update(channel=channel, ts=message["ts"],
                                       text=message.get("text") or "Plan approved",
                                       blocks=kept)
                except SlackApiError as err:
                    log.info("review message not updated: %s", err.response.get("error"))
            elif not in_modal(body):
                tell(client, body, "✅ Approved. The review is recorded and the next one "
                                    "scheduled.")
            owner = None
            with session_scope(engine) as session:
                owner = session.get(Member, pdp.owner_id) if pdp else None
            if owner is not None:
                after_change(client, _team_id(body), [owner.slack_user_id, clicker(body)],
                             pdp.id)

        reported(work, body, client)

    app.action(blocks.REVIEW_APPROVE)(ack=on_approve, lazy=[approve_after])

    # ---- other features' surfaces ----------------------------------------------------------------

    services.add_home_section(
        40, "pdp_reviews",
        lambda session, member, budget: surfaces.manager_home_section(session, member, budget))
    services.add_home_section(
        120, "pdp",
        lambda session, member, budget: surfaces.home_section(session, member, budget,
                                                              utcnow()))
    services.add_home_section(210, "pdp_goals", surfaces.goals_home_section)
    services.goal_sections.append(surfaces.goal_section)



KINDS = [
    Kind("pdp_review", time_bound=False),
    Kind("pdp_manager", time_bound=False),
    Kind("objective_congrats", time_bound=False),
    Kind("objective_celebration", time_bound=False),
]
