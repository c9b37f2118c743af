"""`/pact pdp` and its subcommands (reports, export, delete), and the confirmed delete.

Every answer is built from stored data and acked at once; Slack is called after the ack
(a viewer's profile refresh, the export's upload, taking back deleted messages).
"""

from __future__ import annotations

import logging
import re

from slack_sdk.errors import SlackApiError

from bot.directory import refresh_member
from bot.errors import reported
from handlers.kit import refusals
from handlers.kit.payload import read_interaction
from handlers.kit.replies import tell
from handlers.kit.router import CommandRequest
from handlers.pacts import service as pacts
from handlers.pdp import posts, service, surfaces
from handlers.pdp.export import export_json, export_markdown
from handlers.pdp.listeners import refresh_lab_posts
from handlers.pdp.openers import own_plan
from storage.engine import session_scope
from storage.queries.members import get_member, get_or_create_member

log = logging.getLogger("pact.pdp")

MENTION = re.compile(r"^<@([UW][A-Z0-9]+)(?:\|[^>]*)?>$")
MENTIONED = re.compile(r"<@([UW][A-Z0-9]+)")


def _mentioned(args: list[str]) -> str | None:
    """The one person named in `/pact pdp @someone`, or None."""
    match = MENTION.match(args[0]) if len(args) == 1 else None
    return match.group(1) if match else None


def _plan_message(req: CommandRequest, owner_user: str) -> dict:
    """What the asker may see of `owner_user`'s plan, from what is stored about them."""
    with session_scope(req.services.engine) as session:
        owner = get_member(session, req.team_id, owner_user)
        viewer = get_or_create_member(session, req.team_id, req.user_id)
        return surfaces.plan_message(session, owner, owner_user, viewer, req.services.now())


def pdp_command(req: CommandRequest) -> None:
    """`/pact pdp`: your own plan; `/pact pdp @someone`: what they share with you."""
    if not req.args:
        req.open_form(own_plan(req.services, req.team_id, req.user_id))
        return
    owner_user = _mentioned(req.args)
    if owner_user is None:
        req.ack(text=refusals.PLAN_USAGE, response_type="ephemeral")
        return
    message = _plan_message(req, owner_user)
    req.ack(text=message["text"], blocks=message["blocks"], response_type="ephemeral")


def pdp_later(req: CommandRequest) -> None:
    """After the answer, the viewer's profile is refreshed from Slack (never before the ack);
    when that changes what they may see (their admin role), the answer is sent again."""
    owner_user = _mentioned(req.args)
    if owner_user is None:
        return
    with session_scope(req.services.engine) as session:
        before = get_member(session, req.team_id, req.user_id)
        was_admin = bool(before and before.is_admin)
    viewer = refresh_member(req.services.engine, req.client, req.team_id, req.user_id)
    if bool(viewer.is_admin) == was_admin:
        return
    message = _plan_message(req, owner_user)
    req.respond(text=message["text"], blocks=message["blocks"], response_type="ephemeral",
                replace_original=True)


def pdp_reports(req: CommandRequest) -> None:
    with session_scope(req.services.engine) as session:
        manager = get_or_create_member(session, req.team_id, req.user_id)
        message = surfaces.reports(session, manager, req.services.now())
    req.ack(text=message["text"], blocks=message["blocks"], response_type="ephemeral")


def pdp_export(req: CommandRequest) -> None:
    with session_scope(req.services.engine) as session:
        has_plan = service.has_plan(session, req.team_id, req.user_id)
    if not has_plan:
        req.ack(text=refusals.PLAN_NONE_TO_EXPORT, response_type="ephemeral")
        return
    req.ack(text="Preparing your export: a JSON and a Markdown file are on their way to "
                 "your DM with Pact.", response_type="ephemeral")


def export_later(req: CommandRequest) -> None:
    """The owner's whole plan and its history, as two files in their DM with Pact."""
    now = req.services.now()
    with session_scope(req.services.engine) as session:
        member, pdp = service.owned_plan(session, req.team_id, req.user_id)
        if pdp is None:
            return
        view = surfaces.own_view(session, pdp, member)
        people = {view.owner_user, view.manager_user}
        people |= {r.reviewer_user for r in view.reviews}
        people |= {c.actor_user for c in view.history}
        people |= {m for c in view.history for m in MENTIONED.findall(c.what)}
        social = pacts.export_of(session, member)
        people |= {p["with"] for p in social["pacts"]} | {k["with"] for k in social["kudos"]}
        names = service.export_names(session, req.team_id, people)
    stamp = now.strftime("%Y-%m-%d")
    dm = req.client.conversations_open(users=req.user_id)["channel"]["id"]
    req.client.files_upload_v2(
        channel=dm,
        initial_comment="Here is your development plan with its whole history: JSON for "
                        "other tools, Markdown to read.",
        file_uploads=[
            {"content": export_json(view, exported_at=now, workspace=req.team_id,
                                    social=social),
             "filename": f"development-plan-{stamp}.json", "title": "Development plan (JSON)"},
            {"content": export_markdown(view, exported_at=now, names=names, social=social),
             "filename": f"development-plan-{stamp}.md",
             "title": "Development plan (Markdown)"}])
    log.info("plan %s exported to its owner's DM", view.pdp_id)


def pdp_delete(req: CommandRequest) -> None:
    with session_scope(req.services.engine) as session:
        _, pdp = service.owned_plan(session, req.team_id, req.user_id)
        if pdp is None:
            req.ack(text=refusals.PLAN_NONE_TO_DELETE, response_type="ephemeral")
            return
        message = posts.delete_prompt(pdp.id, service.delete_counts(session, pdp))
    req.ack(text=message["text"], blocks=message["blocks"], response_type="ephemeral")



def delete_confirmed(body, client, services) -> None:
    """The owner confirmed: the plan goes, with the messages that showed it."""
    i = read_interaction(body)
    if i is None:
        return

    def work():
        if i.value_id is None:
            tell(client, body, refusals.STALE)
            return
        with session_scope(services.engine) as session:
            result = service.delete_plan(session, i.workspace_id, i.user_id, i.value_id,
                                         services.now())
            if result.pdp is not None:
                services.emit("pdp_deleted", session, result.pdp)
        if result.refused or result.gone:
            tell(client, body, refusals.PLAN_NOT_YOURS if result.refused
                 else refusals.PLAN_ALREADY_DELETED)
            return
        refresh_lab_posts(services, client, result.lab_posts)  # their topic was withdrawn
        services.send_now(client, result.pact_messages)  # "a pact you were part of ended"
        for channel, ts in result.unsend:
            try:
                client.chat_delete(channel=channel, ts=ts)
            except SlackApiError as err:
                log.info("could not take back a plan message: %s", err.response.get("error"))
        tell(client, body, "Your development plan is deleted, with its objectives, progress, "
                           "history and reviews. `/pact pdp` starts a new one.")
        services.refresh_home(client, i.workspace_id, i.user_id)

    reported(work, body, client)
