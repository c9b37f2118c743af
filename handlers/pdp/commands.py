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


def _exportable(session, team_id: str, user_id: str):
    """(member, plan or None, their pacts and kudos), or None with nothing to export."""
    member, pdp = service.owned_plan(session, team_id, user_id)
    social = pacts.export_of(session, member) if member is not None else None
    if member is None or (pdp is None and not (social["pacts"] or social["kudos"])):
        return None
    return member, pdp, social


def pdp_export(req: CommandRequest) -> None:
    with session_scope(req.services.engine) as session:
        found = _exportable(session, req.team_id, req.user_id)
    if found is None:
        req.ack(text=refusals.PLAN_NONE_TO_EXPORT, response_type="ephemeral")
        return
    req.ack(text="Preparing your export: a JSON and a Markdown file are on their way to "
                 "your DM with Pact.", response_type="ephemeral")


def export_later(req: CommandRequest) -> None:
    """The owner's whole plan and its history, as two files in their DM with Pact."""
    now = req.services.now()
    with session_scope(req.services.engine) as session:
        found = _exportable(session, req.team_id, req.user_id)
        if found is None:
            return
        member, pdp, social = found
        view = surfaces.own_view(session, pdp, member, whole=True) if pdp is not None \
            else surfaces.no_plan_view(member)  # their pacts and kudos, even with no plan
        people = {view.owner_user, view.manager_user}
        people |= {r.reviewer_user for r in view.reviews}
        people |= {c.actor_user for c in view.history}
        people |= {m for c in view.history for m in MENTIONED.findall(c.what)}
        people |= {p["with"] for p in social["pacts"]} | {k["with"] for k in social["kudos"]}
        names = service.export_names(session, req.team_id, people)
    stamp = now.strftime("%Y-%m-%d")
    dm = req.client.conversations_open(users=req.user_id)["channel"]["id"]
    req.client.files_upload_v2(
        channel=dm,
        initial_comment=("Here is your development plan with its whole history" if view.exists
                         else "You have no development plan; here are your pacts and kudos")
        + ": JSON for other tools, Markdown to read.",
        file_uploads=[
            {"content": export_json(view, exported_at=now, workspace=req.team_id,
                                    social=social),
             "filename": f"development-plan-{stamp}.json", "title": "Development plan (JSON)"},
            {"content": export_markdown(view, exported_at=now, names=names, social=social),
             "filename": f"development-plan-{stamp}.md",
             "title": "Development plan (Markdown)"}])
    log.info("plan %s (and pacts, kudos) exported to its owner's DM", view.pdp_id)


def pdp_delete(req: CommandRequest) -> None:
    with session_scope(req.services.engine) as session:
        found = _exportable(session, req.team_id, req.user_id)
        if found is None:
            req.ack(text=refusals.PLAN_NONE_TO_DELETE, response_type="ephemeral")
            return
        _, pdp, social = found
        message = posts.delete_prompt(pdp.id, service.delete_counts(session, pdp)) \
            if pdp is not None else posts.delete_social_prompt(len(social["pacts"]),
                                                               len(social["kudos"]))
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


def delete_social_confirmed(body, client, services) -> None:
    """No plan, but pacts and kudos: the person confirmed they go (the other side of a pact
    keeps only that it ended)."""
    i = read_interaction(body)
    if i is None:
        return

    def work():
        with session_scope(services.engine) as session:
            counts = pacts.forget_without_plan(session, i.workspace_id, i.user_id, services.now())
        tell(client, body, "Your pacts and kudos are deleted." if counts
             else "There was nothing left to delete.")
        services.refresh_home(client, i.workspace_id, i.user_id)

    reported(work, body, client)
