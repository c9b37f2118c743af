"""Teams at Slack's edge: `/pact team setup` opens the form, its submission saves the team,
`/pact team` shows it."""

from __future__ import annotations

import logging
from concurrent.futures import ThreadPoolExecutor, wait

from slack_sdk.errors import SlackApiError

from bot.directory import MAX_AGE, not_people, refresh_member
from bot.errors import reported
from bot.rules.goals import validate_team
from handlers.kit import ids, refusals
from handlers.kit.forms import Form
from handlers.kit.metadata import attach, metadata_key, read_metadata
from handlers.kit.once import Repeated, once
from handlers.kit.payload import read_interaction
from handlers.kit.replies import CANNOT_POST, tell_if_cannot_post
from handlers.kit.router import CommandRequest
from handlers.teams import service
from handlers.teams.blocks import no_team_message, team_setup_modal
from storage.engine import session_scope
from storage.queries.members import (
    get_member,
    members_by_slack_ids,
    upsert_member_from_slack,
    valid_tz,
)

log = logging.getLogger("pact.teams")

LOOKUP_DEADLINE = 1.2  # seconds spent asking Slack who is human, before opening the modal
MAX_LOOKUPS = 100


def _is_dm(channel_id: str) -> bool:
    return channel_id[:1] == "D"


def _lookup_users(client, user_ids: list[str]) -> dict[str, dict]:
    """users.info for `user_ids`, in parallel for at most LOOKUP_DEADLINE: whoever answered."""
    found: dict[str, dict] = {}

    def lookup(user_id):
        try:
            found[user_id] = client.users_info(user=user_id)["user"]
        except SlackApiError as err:
            log.info("users.info %s: %s", user_id, err.response.get("error"))

    pool = ThreadPoolExecutor(max_workers=8, thread_name_prefix="pact-lookup")
    futures = [pool.submit(lookup, u) for u in user_ids[:MAX_LOOKUPS]]
    wait(futures, timeout=LOOKUP_DEADLINE)
    pool.shutdown(wait=False, cancel_futures=True)
    return dict(found)


def channel_humans(engine, client, team_id: str, channel_id: str) -> list[str]:
    """The channel's people, without bots and deactivated accounts.

    Known people are judged from Pact's member rows; the others are asked of Slack
    (users.info) in parallel for at most LOOKUP_DEADLINE, and stored. Anyone Slack has not
    answered for in time is kept: the person setting up can remove them.
    Raises SlackApiError when the channel's members cannot be read.
    """
    ids_: list[str] = []
    cursor = None
    while len(ids_) < 1000:
        resp = client.conversations_members(channel=channel_id, limit=200, cursor=cursor)
        ids_ += resp.get("members") or []
        cursor = (resp.get("response_metadata") or {}).get("next_cursor")
        if not cursor:
            break
    with session_scope(engine) as session:
        known = members_by_slack_ids(session, team_id, ids_)
        stale = [u for u in ids_ if u not in known or known[u].refreshed_at is None]
    found = _lookup_users(client, stale) if stale else {}
    if found:
        with session_scope(engine) as session:
            for user in found.values():
                upsert_member_from_slack(session, team_id, user)
    humans = []
    for u in ids_:
        if u in found:
            user = found[u]
            bot = user.get("is_bot") or user.get("is_app_user") or user.get("deleted")
        elif u in known and known[u].refreshed_at is not None:
            bot = known[u].is_bot or known[u].is_deleted
        else:
            bot = u == "USLACKBOT"
        if not bot:
            humans.append(u)
    return humans


def _pact_is_in(client, channel_id: str) -> bool:
    """Whether Pact can post in the channel, asked before the form: a team set up where Pact
    is not would fail only after the form was filled. Unknown (Slack unsure) counts as yes."""
    try:
        channel = client.conversations_info(channel=channel_id).get("channel") or {}
    except SlackApiError as err:
        return err.response.get("error") not in CANNOT_POST
    return channel.get("is_member", True) is not False or channel.get("is_im", False)


def team_setup(req: CommandRequest) -> None:
    """Answer at once; the form opens right after, once Slack has said who is in the channel.
    A refusal Pact can decide from what it stores is the answer itself."""
    if _is_dm(req.channel_id):
        req.ack(text=refusals.TEAM_SETUP_IN_DM, response_type="ephemeral")
        return
    with session_scope(req.services.engine) as session:
        caller = get_member(session, req.team_id, req.user_id)
        fresh = caller is not None and caller.refreshed_at is not None \
            and req.services.now() - caller.refreshed_at < MAX_AGE
        form = service.setup_form(session, req.team_id, caller, req.channel_id) \
            if fresh else None
    if form is not None and form.refusal:
        req.ack(text=form.refusal, response_type="ephemeral")
        return
    req.answer_then(lambda: open_setup(req, caller if fresh else None, form))


def open_setup(req: CommandRequest, caller=None, form=None) -> None:
    """After the answer: who the caller is in Slack (unless Pact's copy is fresh, with the form
    decided from it), whether Pact is in the channel, who else is, then the form (or why not,
    as an ephemeral reply)."""
    services = req.services
    engine = services.engine

    def say(text: str) -> None:
        req.respond(text=text, response_type="ephemeral")

    if caller is None or form is None:
        caller = refresh_member(engine, req.client, req.team_id, req.user_id)
        with session_scope(engine) as session:
            form = service.setup_form(session, req.team_id, caller, req.channel_id)
    if form.refusal:
        return say(form.refusal)
    if not _pact_is_in(req.client, req.channel_id):
        return say(refusals.INVITE_HINT)
    if not form.editing:
        try:
            humans = channel_humans(engine, req.client, req.team_id, req.channel_id)
        except SlackApiError as err:
            if err.response.get("error") in CANNOT_POST:
                return say(refusals.INVITE_HINT)
            raise
        form = service.new_team_form(caller, humans, req.body.get("channel_name") or "")
    view = team_setup_modal(channel_id=req.channel_id, leads=form.leads, members=form.members,
                            editing=form.editing, **form.prefill)
    meta = {"channel": req.channel_id}
    if form.listed_upto is not None:
        meta["listed_upto"] = form.listed_upto
    req.open_now(attach(view, meta, metadata_key(services.settings)))


def team_show(req: CommandRequest) -> None:
    with session_scope(req.services.engine) as session:
        answer = service.team_overview(session, req.team_id, req.channel_id, req.services.now())
    req.ack(**(answer or no_team_message(req.channel_id)))


def _not_people_errors(services, client, workspace: str, values: Form) -> dict:
    """Leads and members must be active humans of this workspace (a forged form can name
    anything): each field lists the ones that are not."""
    errors = {}
    for block in (ids.TEAM_LEADS, ids.TEAM_MEMBERS):
        bad = not_people(services.engine, client, workspace, values.users(block))
        if bad:
            errors[block] = refusals.not_people(bad)
    return errors


def save_team(ack, body, view, context, services) -> None:
    """The setup form's submission: inline errors, or saved (the post goes out after)."""
    interaction = read_interaction(body)
    meta = read_metadata(view, metadata_key(services.settings)) or {}
    channel_id = meta.get("channel")
    if interaction is None or not isinstance(channel_id, str):
        ack(response_action="errors", errors={ids.TEAM_NAME: refusals.TEAM_FORM_STALE})
        return
    values = Form(view)
    form, errors = validate_team(
        name=values.text(ids.TEAM_NAME), leads=values.users(ids.TEAM_LEADS),
        members=values.users(ids.TEAM_MEMBERS), tz=values.choice(ids.TEAM_TZ) or values.text(ids.TEAM_TZ),
        weekday=values.choice(ids.TEAM_WEEKDAY), time=values.raw(ids.TEAM_TIME),
        known_timezone=lambda name: valid_tz(name) == name)
    client = context.get("client")  # Bolt's, for checking the people picked
    if not errors and client is not None:
        errors = _not_people_errors(services, client, interaction.workspace_id, values)
    if errors:
        ack(response_action="errors", errors=errors)
        return
    listed_upto = meta.get("listed_upto")
    try:
        saved = service.save_team_setup(
            services.engine, interaction.workspace_id, interaction.user_id, channel_id, form,
            services.now(), listed_upto=listed_upto if isinstance(listed_upto, int) else None,
            emit=services.emit, guard=lambda s: once(s, body, interaction.workspace_id))
    except Repeated:
        ack()
        return
    if saved.refusal:
        ack(response_action="errors", errors={ids.TEAM_NAME: saved.refusal})
        return
    ack()
    context["pact_outbox"] = saved


def after_save(body, client, context, services) -> None:
    """Post the team's message now, say how to invite Pact if it cannot post, and read the
    new people's profiles from Slack."""
    saved = context.get("pact_outbox")
    interaction = read_interaction(body)
    if not saved or interaction is None:
        return

    def work():
        services.send_now(client, [saved.message_id])
        tell_if_cannot_post(services, client, saved.message_id, interaction.user_id,
                            saved.channel)
        for slack_id in saved.people[:MAX_LOOKUPS]:
            refresh_member(services.engine, client, interaction.workspace_id, slack_id)

    reported(work, body, client)
