"""Shared goals: create, announce, commit, log progress, mark milestones, celebrate.

Every button value and `private_metadata` names a goal or milestone id that a client could
forge, so each handler re-reads the stored goal within the caller's workspace and decides
permission from stored data (bot.rules.permissions) before changing anything.
"""

from __future__ import annotations

import json
import logging
from datetime import datetime
from zoneinfo import ZoneInfo

from slack_sdk.errors import SlackApiError

from bot.directory import refresh_member
from bot.errors import reported
from bot.rules import goals as rules
from bot.rules.permissions import Actor, can_create_goal, can_edit_goal, can_take_part
from handlers.blocks import goals as ui
from handlers.blocks.teams import no_team_message
from handlers.kit.blocks import escape
from handlers.kit.ids import GOAL_DETAILS, GOAL_JOIN, GOAL_LOG_PROGRESS, MILESTONE_MARK_DONE
from handlers.kit.replies import clicker, open_modal, tell
from handlers.kit.router import CommandRequest
from handlers.teams import tell_if_cannot_post
from scheduling.kinds import Kind
from storage.engine import session_scope
from storage.models import Goal, Member, Team
from storage.queries import goals as gq
from storage.queries import outbox
from storage.queries import teams as tq
from storage.queries.members import get_member, get_or_create_member
from storage.types import utcnow

log = logging.getLogger("pact.goals")

NOT_ALLOWED_EDIT = ("Only the goal's owner, the team's leads or a workspace admin can change "
                    "this goal.")
NOT_IN_TEAM = ("Only members of this goal's team can do that. A team lead can add you with "
               "`/pact team setup` in the team's channel.")
GONE = "That goal no longer exists in this workspace."


# ---- reading -------------------------------------------------------------------------------

def load_card(session, goal: Goal) -> ui.GoalCard:
    team = session.get(Team, goal.team_id)
    milestones = gq.milestones_of(session, goal.id)
    participants = gq.participant_ids(session, goal.id)
    people = gq.members_by_id(session, {goal.owner_id, *participants,
                                        *(m.done_by_id for m in milestones if m.done_by_id)})
    slack = lambda mid: people[mid].slack_user_id if mid in people else ""  # noqa: E731
    return ui.GoalCard(
        id=goal.id, title=goal.title, metric=goal.metric, baseline=goal.baseline,
        target=goal.target, current=goal.current_value, unit=goal.unit,
        due_date=goal.due_date, project=goal.project, status=goal.status,
        channel_id=team.channel_id, team_name=team.name, owner=slack(goal.owner_id),
        milestones=[dict(id=m.id, title=m.title, due_date=m.due_date, done_at=m.done_at,
                         done_by=slack(m.done_by_id) if m.done_by_id else None)
                    for m in milestones],
        participants=[slack(p) for p in participants], tz=team.tz)


def no_longer_editable(goal: Goal) -> str:
    return (f"“{escape(goal.title)}” is {goal.status} now, so it can no longer be edited "
            "(nothing was changed).")


def actor(session, member: Member, team_id: int) -> Actor:
    return Actor(member_id=member.id, is_admin=member.is_admin,
                 role=tq.role_in_team(session, team_id, member.id),
                 is_deleted=member.is_deleted)


def team_today(team: Team):
    try:
        return datetime.now(ZoneInfo(team.tz)).date()
    except (KeyError, ValueError):
        return datetime.now(ZoneInfo("UTC")).date()


def open_form(req: CommandRequest, view: dict) -> None:
    """Open a modal from a `/pact` command; when Slack's trigger has expired (they last three
    seconds), say so instead of failing: nothing was typed yet, so trying again loses nothing."""
    try:
        req.client.views_open(trigger_id=req.trigger_id, view=view)
    except SlackApiError as err:
        if err.response.get("error") not in ("expired_trigger_id", "exchanged_trigger_id"):
            raise
        log.warning("a goal form could not open in time: %s", err.response.get("error"))
        req.ack(text="Slack took too long to answer; please run the command again.",
                response_type="ephemeral")
        return
    req.ack()


def _workspace(body, context) -> str:
    return context.team_id or (body.get("team") or {}).get("id") or ""


# ---- telling people --------------------------------------------------------------------------

def refresh_post(engine, client, goal_id: int, attempts: int = 3) -> None:
    """Update the goal's channel post in place with what is stored now.

    Two updates finishing at once may render in either order, so after each chat.update the
    goal is read again and, if it changed meanwhile, rendered once more: the post always ends
    showing the latest state.
    """
    for _ in range(attempts):
        with session_scope(engine) as session:
            goal = session.get(Goal, goal_id)
            if goal is None or not goal.channel_ts:
                return
            stamp = (goal.updated_at, goal.status, goal.current_value)
            card = load_card(session, goal)
            ts = goal.channel_ts
        text, blocks = ui.goal_post(card)
        try:
            client.chat_update(channel=card.channel_id, ts=ts, text=text, blocks=blocks)
        except SlackApiError as err:
            log.warning("could not update the post of goal %s: %s", goal_id,
                        err.response.get("error"))
            return
        with session_scope(engine) as session:
            goal = session.get(Goal, goal_id)
            if goal is None or (goal.updated_at, goal.status, goal.current_value) == stamp:
                return


# ---- decisions inside a transaction ----------------------------------------------------------

def enqueue_post(session, goal: Goal, key: str | None = None) -> int | None:
    card = load_card(session, goal)
    text, blocks = ui.goal_post(card)
    workspace = session.get(Team, goal.team_id).workspace_id
    return outbox.enqueue(session, workspace_id=workspace, key=key or f"goal_post:{goal.id}",
                          channel=card.channel_id, text=text, blocks=blocks, kind="goal_post",
                          after_send=f"goal_post:{goal.id}")


def celebrate_if_due(session, services, goal: Goal, *, marked: bool = False) -> int | None:
    """Turn an active goal achieved and enqueue its one celebration, when the rules say so.

    The status change is a conditional UPDATE (active → achieved) and the celebration's key is
    fixed per goal, so however many clicks, retries or processes arrive, one celebration exists.
    """
    states = [rules.MilestoneState(m.title, m.due_date, m.done_at is not None)
              for m in gq.milestones_of(session, goal.id)]
    if not rules.celebration_due(status=goal.status, baseline=goal.baseline,
                                 target=goal.target, current=goal.current_value,
                                 marked_achieved=marked,
                                 milestones_done=rules.all_milestones_done(states)):
        return None
    if not gq.achieve(session, goal.id):
        return None
    session.refresh(goal)
    card = load_card(session, goal)
    people = gq.members_by_id(session, gq.contributor_ids(session, goal.id))
    names = [people[i].slack_user_id for i in gq.contributor_ids(session, goal.id)
             if i in people]
    text, blocks = ui.celebration(card, names)
    services.emit("goal_saved", session, goal)
    team = session.get(Team, goal.team_id)
    return outbox.enqueue(session, workspace_id=team.workspace_id,
                          key=f"celebrate:goal:{goal.id}", channel=team.channel_id, text=text,
                          blocks=blocks, kind="goal_celebration")


def thread_note(session, goal: Goal, key: str, text: str) -> int | None:
    if not goal.channel_ts:
        return None
    team = session.get(Team, goal.team_id)
    return outbox.enqueue(session, workspace_id=team.workspace_id, key=key,
                          channel=team.channel_id, text=text, thread_ts=goal.channel_ts,
                          kind="goal_thread")


def _store_post_ts(session, ref: str, channel: str, ts: str) -> None:
    gq.set_channel_ts(session, int(ref), ts)


# ---- Home ------------------------------------------------------------------------------------

def home_section(session, member: Member, budget: int) -> list[dict]:
    teams = tq.teams_of_member(session, member.id)
    if not teams:
        return []
    shaped, not_loaded = [], 0
    for team in teams[:budget]:
        goals = gq.active_goals(session, team.id)
        not_loaded += max(0, len(goals) - budget)
        shaped.append((team.name, team.channel_id,
                       [(load_card(session, g), gq.is_participant(session, g.id, member.id))
                        for g in goals[:budget]]))
    for team in teams[budget:]:
        shaped.append((team.name, team.channel_id, []))
    return ui.home_goals_section(shaped, budget, not_loaded=not_loaded)


# ---- listeners -------------------------------------------------------------------------------

def register(app, services) -> None:  # noqa: C901 - one place for the goal listeners
    engine = services.engine
    services.add_home_section(200, "teams and goals", home_section)

    def deliver(client, ids) -> None:
        services.send_now(client, [i for i in ids if i is not None])

    # -- /pact goal … ------------------------------------------------------------------------

    @services.commands.add("goal new", "Create a shared goal for this channel's team.",
                           examples=("goal new",))
    def goal_new(req: CommandRequest) -> None:
        caller = refresh_member(engine, req.client, req.team_id, req.user_id)
        with session_scope(engine) as session:
            team = tq.team_for_channel(session, req.team_id, req.channel_id)
            if team is None:
                req.ack(**no_team_message(req.channel_id))
                return
            if not can_create_goal(actor(session, caller, team.id)):
                leads = " ".join(f"<@{m.slack_user_id}>" for m in tq.team_leads(session, team.id))
                req.ack(text="Only the team's leads" + (f" ({leads})" if leads else "")
                        + " or a workspace admin can create shared goals. Ask a lead, or "
                          "suggest the goal in the channel.", response_type="ephemeral")
                return
            view = ui.goal_form_modal(team_id=team.id, channel_id=team.channel_id)
        open_form(req, view)

    @services.commands.add("goal", "The team's active goals (as `goal list`).",
                           examples=("goal",))
    @services.commands.add("goal list", "Show this team's active goals with their progress.",
                           examples=("goal list",))
    def goal_list(req: CommandRequest) -> None:
        with session_scope(engine) as session:
            team = tq.team_for_channel(session, req.team_id, req.channel_id)
            if team is None:
                req.ack(**no_team_message(req.channel_id))
                return
            cards = [load_card(session, g) for g in gq.active_goals(session, team.id)]
            answer = ui.goal_list_message(team.name, team.channel_id, cards)
        req.ack(**answer)

    @services.commands.add("goal update", "Log progress on one of this team's goals.",
                           examples=("goal update",))
    def goal_update(req: CommandRequest) -> None:
        with session_scope(engine) as session:
            team = tq.team_for_channel(session, req.team_id, req.channel_id)
            if team is None:
                req.ack(**no_team_message(req.channel_id))
                return
            me = get_or_create_member(session, req.team_id, req.user_id)
            if not can_take_part(actor(session, me, team.id)):
                req.ack(text=NOT_IN_TEAM, response_type="ephemeral")
                return
            goals = gq.active_goals(session, team.id)
            if not goals:
                req.ack(text=f"{escape(team.name)} has no active goals yet. A lead starts one with "
                             "`/pact goal new`.", response_type="ephemeral")
                return
            if len(goals) == 1:
                view = ui.progress_modal(load_card(session, goals[0]))
            else:
                view = ui.progress_modal(None, choices=[(g.id, g.title) for g in goals])
        open_form(req, view)

    # -- the goal form -----------------------------------------------------------------------

    def add_milestone_row(body, client, context):
        """One more milestone row; everything typed so far is carried into the new view."""
        view = body["view"]
        meta = _meta(view)
        values = ui.form_values_from_state(view["state"]["values"])

        def work():
            with session_scope(engine) as session:
                team = tq.get_team(session, _workspace(body, context), meta.get("team"))
                if team is None:
                    return
                channel = team.channel_id
            new_view = ui.goal_form_modal(team_id=team.id, channel_id=channel,
                                          goal_id=meta.get("goal"), values=values,
                                          rows=int(meta.get("rows") or ui.FIRST_ROWS) + 1)
            try:
                client.views_update(view_id=view["id"], hash=view.get("hash"), view=new_view)
            except SlackApiError as err:
                if err.response.get("error") != "hash_conflict":
                    raise
                # A second click on the form as it was before the first one added its row:
                # the form already moved on (with what was typed); nothing to add or to report.
                log.info("goal form %s changed meanwhile; row not added twice", view["id"])

        reported(work, body, client)

    app.action(ui.GOAL_FORM_ADD_MILESTONE)(ack=_ack, lazy=[add_milestone_row])

    def save_goal(ack, body, view, context):
        workspace, user = _workspace(body, context), clicker(body)
        meta = _meta(view)
        values = ui.form_values_from_state(view["state"]["values"])
        rows = min(int(meta.get("rows") or ui.FIRST_ROWS), rules.MAX_MILESTONES)
        with session_scope(engine) as session:
            me = get_member(session, workspace, user)
            # Locked: a goal achieved or archived while the form was open is seen as such.
            goal = gq.get_goal(session, workspace, meta.get("goal"), for_update=True) \
                if meta.get("goal") else None
            if meta.get("goal") and goal is None:
                ack(response_action="errors", errors={"title": GONE})
                return
            team = session.get(Team, goal.team_id) if goal else \
                tq.get_team(session, workspace, meta.get("team"))
            if team is None or me is None:
                ack(response_action="errors", errors={"title": "This channel's team is gone; "
                                                               "run `/pact team setup`."})
                return
            who = actor(session, me, team.id)
            allowed = can_edit_goal(who, owner_id=goal.owner_id) if goal \
                else can_create_goal(who)
            if not allowed:
                ack(response_action="errors", errors={"title": NOT_ALLOWED_EDIT if goal else
                    "Only the team's leads or a workspace admin can create shared goals."})
                return
            if goal is not None and goal.status != "active":
                ack(response_action="errors", errors={"title": no_longer_editable(goal)})
                return
            keep = {}
            if goal is not None:
                keep = {row: m.due_date for row, m in
                        enumerate(gq.milestones_of(session, goal.id))}
                keep[-1] = goal.due_date
            form, errors = rules.validate_goal(values, rows, team_today(team), keep_dates=keep)
            if errors:
                ack(response_action="errors", errors=errors)
                return
            ids = []
            if goal is None:
                goal = gq.create_goal(session, team, me.id, form)
                ids.append(enqueue_post(session, goal))
            else:
                goal = gq.update_goal(session, goal, form)
                ids.append(celebrate_if_due(session, services, goal))
            services.emit("goal_saved", session, goal)
            context["pact_goal"] = {"goal": goal.id, "ids": ids, "channel": team.channel_id,
                                    "new": not meta.get("goal"),
                                    "details": view.get("previous_view_id")}
        ack()

    def after_goal_saved(body, client, context):
        done = context.get("pact_goal")
        if not done:
            return

        def work():
            deliver(client, done["ids"])
            if done["new"]:
                with session_scope(engine) as session:
                    goal = session.get(Goal, done["goal"])
                    card = load_card(session, goal)
                text, blocks = ui.not_in_channel_dm(card, "not_in_channel")
                tell_if_cannot_post(services, client, done["ids"][0], clicker(body),
                                    done["channel"], text=text, blocks=blocks)
            else:
                refresh_post(engine, client, done["goal"])
                if done.get("details"):
                    update_details(client, done["details"], done["goal"], clicker(body),
                                   _workspace(body, context))

        reported(work, body, client)

    app.view(ui.GOAL_FORM_CALLBACK)(ack=save_goal, lazy=[after_goal_saved])

    # -- buttons on the post, the list, the Home tab ---------------------------------------------

    def join(ack, body, client, context):
        ack()
        workspace, user = _workspace(body, context), clicker(body)
        value = body["actions"][0].get("value")
        with session_scope(engine) as session:
            goal = gq.get_goal(session, workspace, value)
            me = get_or_create_member(session, workspace, user)
            if goal is None:
                context["pact_tell"] = GONE
                return
            if not can_take_part(actor(session, me, goal.team_id)):
                context["pact_tell"] = NOT_IN_TEAM
                return
            if goal.status != "active":
                context["pact_tell"] = (f"“{escape(goal.title)}” is {goal.status}; "
                                        "no new commitments.")
                return
            if not gq.add_participant(session, goal.id, me.id):
                context["pact_tell"] = f"You're already in for “{escape(goal.title)}”. Thank you! 🙌"
                return
            card = load_card(session, goal)
            text, blocks = ui.joined_dm(card)
            dm = outbox.enqueue(session, workspace_id=workspace, channel=user, text=text,
                                blocks=blocks, key=f"goal_join:{goal.id}:{me.id}",
                                kind="goal_join_dm")
            context["pact_done"] = {"goal": goal.id, "ids": [dm]}

    def after_click(body, client, context):
        def work():
            if context.get("pact_tell"):
                tell(client, body, context["pact_tell"])
            done = context.get("pact_done")
            if done:
                deliver(client, done.get("ids", []))
                refresh_post(engine, client, done["goal"])
                container_view = body.get("view") or {}
                if container_view.get("type") == "modal" and \
                        container_view.get("callback_id") == ui.GOAL_DETAILS_CALLBACK:
                    update_details(client, container_view["id"], done["goal"], clicker(body),
                                   _workspace(body, context))
                elif container_view.get("type") == "home":
                    from handlers.home import publish_home

                    publish_home(services, client, _workspace(body, context), clicker(body))

        reported(work, body, client)

    app.action(GOAL_JOIN)(ack=join, lazy=[after_click])

    def open_progress(ack, body, client, context):
        workspace, user = _workspace(body, context), clicker(body)
        with session_scope(engine) as session:
            goal = gq.get_goal(session, workspace, body["actions"][0].get("value"))
            me = get_or_create_member(session, workspace, user)
            problem = None
            if goal is None:
                problem = GONE
            elif not can_take_part(actor(session, me, goal.team_id)):
                problem = NOT_IN_TEAM
            elif goal.status != "active":
                problem = f"“{escape(goal.title)}” is {goal.status}; progress is no longer logged."
            else:
                view = ui.progress_modal(load_card(session, goal))
                if (body.get("view") or {}).get("type") == "home":
                    view["private_metadata"] += "|home"
        ack()
        if problem:
            tell(client, body, problem)
        else:
            open_modal(client, body, view)

    app.action(GOAL_LOG_PROGRESS)(open_progress)

    def open_details(ack, body, client, context):
        workspace, user = _workspace(body, context), clicker(body)
        with session_scope(engine) as session:
            goal = gq.get_goal(session, workspace, body["actions"][0].get("value"))
            me = get_or_create_member(session, workspace, user)
            view = None
            if goal is not None and (can_take_part(actor(session, me, goal.team_id))
                                     or _same_channel(session, goal, body)):
                view = details_view(session, goal, me)
        ack()
        if view is None:
            tell(client, body, GONE if goal is None else NOT_IN_TEAM)
        else:
            open_modal(client, body, view)

    app.action(GOAL_DETAILS)(open_details)

    def details_view(session, goal: Goal, me: Member) -> dict:
        card = load_card(session, goal)
        who = actor(session, me, goal.team_id)
        states = card.milestone_states()
        updates = [dict(user=m.slack_user_id, value=u.value, note=u.note, at=u.created_at)
                   for u, m in gq.recent_updates(session, goal.id, 8)]
        extra: list[dict] = []
        for builder in services.goal_sections:
            extra.extend(builder(session, goal, me) or [])
        return ui.details_modal(
            card, can_edit=can_edit_goal(who, owner_id=goal.owner_id),
            can_take_part=can_take_part(who),
            can_mark_achieved=rules.can_mark_achieved(
                status=goal.status, milestones=states, baseline=goal.baseline,
                target=goal.target, current=goal.current_value),
            updates=updates, extra=extra)

    def update_details(client, view_id: str, goal_id: int, user: str, workspace: str) -> None:
        with session_scope(engine) as session:
            goal = gq.get_goal(session, workspace, goal_id)
            me = get_member(session, workspace, user)
            if goal is None or me is None:
                return
            view = details_view(session, goal, me)
        try:
            client.views_update(view_id=view_id, view=view)
        except SlackApiError as err:
            log.info("details view %s not updated: %s", view_id, err.response.get("error"))

    def mark_milestone(ack, body, client, context):
        ack()
        workspace, user = _workspace(body, context), clicker(body)
        with session_scope(engine) as session:
            found = gq.get_milestone(session, workspace, body["actions"][0].get("value"))
            me = get_or_create_member(session, workspace, user)
            if found is None:
                context["pact_tell"] = "That milestone no longer exists."
                return
            milestone, goal = found
            if not can_take_part(actor(session, me, goal.team_id)):
                context["pact_tell"] = NOT_IN_TEAM
                return
            if goal.status != "active":
                context["pact_tell"] = f"“{escape(goal.title)}” is {goal.status}."
                return
            if not gq.mark_milestone_done(session, milestone.id, me.id):
                session.refresh(milestone)
                by = session.get(Member, milestone.done_by_id) if milestone.done_by_id else None
                context["pact_tell"] = (f"“{escape(milestone.title)}” is already done"
                                        + (f" (marked by <@{by.slack_user_id}>)." if by
                                           else "."))
                return
            goal = gq.lock_goal(session, goal.id)
            goal.updated_at = utcnow()
            session.add(goal)
            ids = [thread_note(session, goal, f"milestone_done:{milestone.id}",
                               f"✅ <@{user}> marked the milestone "
                               f"“{escape(milestone.title)}” done.")]
            states = [rules.MilestoneState(m.title, m.due_date, m.done_at is not None)
                      for m in gq.milestones_of(session, goal.id)]
            if rules.all_milestones_done(states) and goal.status == "active":
                ids.append(thread_note(
                    session, goal, f"milestones_all_done:{goal.id}",
                    "🏁 Every milestone is done! A lead can mark the goal achieved from "
                    "*Details* to celebrate it."))
            services.emit("goal_saved", session, goal)
            context["pact_done"] = {"goal": goal.id, "ids": ids}

    app.action(MILESTONE_MARK_DONE)(ack=mark_milestone, lazy=[after_click])

    def mark_achieved(ack, body, client, context):
        ack()
        workspace, user = _workspace(body, context), clicker(body)
        with session_scope(engine) as session:
            goal = gq.get_goal(session, workspace, body["actions"][0].get("value"),
                               for_update=True)
            me = get_or_create_member(session, workspace, user)
            if goal is None:
                context["pact_tell"] = GONE
                return
            if not can_edit_goal(actor(session, me, goal.team_id), owner_id=goal.owner_id):
                context["pact_tell"] = NOT_ALLOWED_EDIT
                return
            states = [rules.MilestoneState(m.title, m.due_date, m.done_at is not None)
                      for m in gq.milestones_of(session, goal.id)]
            if goal.status == "achieved":
                context["pact_tell"] = f"“{escape(goal.title)}” is already achieved. 🎉"
                return
            if not rules.can_mark_achieved(status=goal.status, milestones=states,
                                           baseline=goal.baseline, target=goal.target,
                                           current=goal.current_value):
                context["pact_tell"] = ("A goal can be marked achieved once every milestone "
                                        "is done or the target is reached.")
                return
            celebration = celebrate_if_due(session, services, goal, marked=True)
            context["pact_done"] = {"goal": goal.id, "ids": [celebration]}

    app.action(ui.GOAL_MARK_ACHIEVED)(ack=mark_achieved, lazy=[after_click])

    def archive(ack, body, client, context):
        ack()
        workspace, user = _workspace(body, context), clicker(body)
        with session_scope(engine) as session:
            goal = gq.get_goal(session, workspace, body["actions"][0].get("value"))
            me = get_or_create_member(session, workspace, user)
            if goal is None:
                context["pact_tell"] = GONE
                return
            if not can_edit_goal(actor(session, me, goal.team_id), owner_id=goal.owner_id):
                context["pact_tell"] = NOT_ALLOWED_EDIT
                return
            if not gq.archive(session, goal.id):
                context["pact_tell"] = (f"“{escape(goal.title)}” is {goal.status}; "
                                        "nothing to archive.")
                return
            session.refresh(goal)
            services.emit("goal_saved", session, goal)
            context["pact_done"] = {"goal": goal.id, "ids": []}

    app.action(ui.GOAL_ARCHIVE)(ack=archive, lazy=[after_click])

    def edit(ack, body, client, context):
        workspace, user = _workspace(body, context), clicker(body)
        with session_scope(engine) as session:
            goal = gq.get_goal(session, workspace, body["actions"][0].get("value"))
            me = get_or_create_member(session, workspace, user)
            problem, view = None, None
            if goal is None:
                problem = GONE
            elif not can_edit_goal(actor(session, me, goal.team_id), owner_id=goal.owner_id):
                problem = NOT_ALLOWED_EDIT
            elif goal.status != "active":
                problem = no_longer_editable(goal)
            else:
                card = load_card(session, goal)
                view = ui.goal_form_modal(team_id=goal.team_id, channel_id=card.channel_id,
                                          goal_id=goal.id, values=ui.goal_form_values(card),
                                          rows=max(len(card.milestones), 1))
        ack()
        if problem:
            tell(client, body, problem)
        else:
            open_modal(client, body, view)

    app.action(ui.GOAL_EDIT)(edit)

    def repost(ack, body, client, context):
        ack()
        workspace, user = _workspace(body, context), clicker(body)
        with session_scope(engine) as session:
            goal = gq.get_goal(session, workspace, body["actions"][0].get("value"),
                               for_update=True)
            me = get_or_create_member(session, workspace, user)
            if goal is None:
                context["pact_tell"] = GONE
                return
            if not can_take_part(actor(session, me, goal.team_id)):
                context["pact_tell"] = NOT_IN_TEAM
                return
            if goal.channel_ts:
                context["pact_tell"] = f"“{escape(goal.title)}” is already posted in its channel."
                return
            posts = gq.post_messages(session, goal.id)
            waiting = [m.id for m in posts if m.status == "pending"
                       and gq.post_due_now(session, m.id)]
            if waiting:
                message_id = waiting[0]
            elif any(m.status == "pending" for m in posts):
                context["pact_tell"] = "Pact is posting it right now."
                return
            else:
                message_id = enqueue_post(session, goal,
                                          key=f"goal_post:{goal.id}:again{len(posts)}")
            context["pact_repost"] = {"goal": goal.id, "id": message_id,
                                      "channel": session.get(Team, goal.team_id).channel_id}

    def after_repost(body, client, context):
        def work():
            if context.get("pact_tell"):
                tell(client, body, context["pact_tell"])
            done = context.get("pact_repost")
            if done:
                deliver(client, [done["id"]])
                with session_scope(engine) as session:
                    card = load_card(session, session.get(Goal, done["goal"]))
                text, blocks = ui.not_in_channel_dm(card, "not_in_channel")
                if not tell_if_cannot_post(services, client, done["id"], clicker(body),
                                           done["channel"], text=text, blocks=blocks):
                    client.chat_postMessage(channel=clicker(body),
                                            text=f"Posted “{escape(card.title)}” in "
                                                 f"<#{card.channel_id}>. 🎯")

        reported(work, body, client)

    app.action(ui.GOAL_REPOST)(ack=repost, lazy=[after_repost])

    # -- the progress modal ------------------------------------------------------------------------

    def save_progress(ack, body, view, context):
        workspace, user = _workspace(body, context), clicker(body)
        values = ui.form_values_from_state(view["state"]["values"])
        goal_ref, _, origin = (view.get("private_metadata") or "").partition("|")
        goal_ref = goal_ref or values.get("goal")
        form, errors = rules.validate_progress(values.get("value"), values.get("mode"),
                                               values.get("note"))
        if errors:
            ack(response_action="errors", errors=errors)
            return
        with session_scope(engine) as session:
            # Locked from here to the commit: a goal achieved by someone else a moment ago is
            # seen as achieved, and concurrent updates apply one after the other.
            goal = gq.get_goal(session, workspace, goal_ref, for_update=True)
            me = get_or_create_member(session, workspace, user)
            problem_block = "goal" if values.get("goal") else "value"
            if goal is None:
                ack(response_action="errors", errors={problem_block: GONE})
                return
            if not can_take_part(actor(session, me, goal.team_id)):
                ack(response_action="errors", errors={problem_block: NOT_IN_TEAM})
                return
            if goal.status != "active":
                ack(response_action="errors", errors={
                    problem_block: f"This goal is {goal.status}; progress is no longer logged."})
                return
            before = goal.current_value
            entry, goal = gq.log_progress(session, goal.id, me.id, form.value, form.mode,
                                          form.note)
            pct = rules.percent(goal.baseline, goal.target, goal.current_value)
            ids = [thread_note(session, goal, f"goal_progress:{entry.id}", ui.progress_note(
                user=user, before=before if entry.value is not None else None,
                after=entry.value, unit=goal.unit, note=form.note, percent=pct))]
            ids.append(celebrate_if_due(session, services, goal))
            context["pact_done"] = {"goal": goal.id, "ids": ids, "home": origin == "home"}
        ack()

    def after_progress(body, client, context):
        done = context.get("pact_done")
        if not done:
            return

        def work():
            deliver(client, done["ids"])
            refresh_post(engine, client, done["goal"])
            previous = (body.get("view") or {}).get("previous_view_id")
            if previous:
                update_details(client, previous, done["goal"], clicker(body),
                               _workspace(body, context))
            if done.get("home"):
                from handlers.home import publish_home

                publish_home(services, client, _workspace(body, context), clicker(body))

        reported(work, body, client)

    app.view(ui.GOAL_PROGRESS_CALLBACK)(ack=save_progress, lazy=[after_progress])


def _ack(ack):
    ack()


def _same_channel(session, goal: Goal, body) -> bool:
    """Someone outside the team may read the details of a goal posted in a channel they are
    reading (the post is public to the channel anyway)."""
    container = body.get("container") or {}
    team = session.get(Team, goal.team_id)
    return container.get("type") == "message" and container.get("channel_id") == team.channel_id


def _meta(view: dict) -> dict:
    try:
        meta = json.loads(view.get("private_metadata") or "{}")
        return meta if isinstance(meta, dict) else {}
    except ValueError:
        return {}


KINDS = [
    Kind("goal_post", time_bound=False, after_send=_store_post_ts),
    Kind("goal_celebration", time_bound=False),
    Kind("goal_thread", time_bound=False),
    Kind("goal_join_dm", time_bound=False),
]
