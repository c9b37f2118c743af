"""Teams: `/pact team setup` binds a team to its channel; `/pact team` shows it."""

from __future__ import annotations

import logging
import time
from concurrent.futures import ThreadPoolExecutor, wait

from slack_sdk.errors import SlackApiError
from sqlalchemy.exc import IntegrityError
from sqlmodel import select

from bot.directory import refresh_member
from bot.errors import reported
from bot.rules.goals import percent, validate_team
from bot.rules.permissions import Actor, can_set_up_team
from bot.rules.recurrence import RuleError, next_after, parse_rule
from handlers.blocks.goals import form_values_from_state
from handlers.blocks.teams import (
    INVITE_HINT,
    MAX_PREFILL,
    TEAM_SETUP_CALLBACK,
    no_team_message,
    team_saved_message,
    team_setup_modal,
    team_summary,
)
from handlers.kit.metadata import metadata_key, seal, unseal
from handlers.kit.router import CommandRequest
from scheduling.kinds import Kind
from storage.engine import session_scope
from storage.models import Member, OutboxMessage, Team, TeamMembership
from storage.queries import goals as gq
from storage.queries import outbox
from storage.queries import teams as tq
from storage.queries.members import (
    ensure_workspace,
    get_member,
    get_or_create_member,
    upsert_member_from_slack,
    valid_tz,
)
from storage.types import utcnow

log = logging.getLogger("pact.teams")

LOOKUP_DEADLINE = 1.2  # seconds spent asking Slack who is human, before opening the modal
MAX_LOOKUPS = 100
CANNOT_POST = {"not_in_channel", "channel_not_found"}


def actor_for(session, member: Member, team: Team | None) -> Actor:
    role = tq.role_in_team(session, team.id, member.id) if team is not None else None
    return Actor(member_id=member.id, is_admin=member.is_admin, role=role,
                 is_deleted=member.is_deleted)


def active_leads(session, team_id: int) -> list[Member]:
    """The team's leads whose Slack account is still active (a deactivated lead cannot act, so
    the team's members may then take over the setup)."""
    return [m for m in tq.team_leads(session, team_id) if not m.is_deleted]


def refusal_for_team(session, team: Team) -> str:
    leads = " ".join(f"<@{m.slack_user_id}>" for m in active_leads(session, team.id))
    return ("Only this team's leads" + (f" ({leads})" if leads else "")
            + " or a workspace admin can change the team. Ask one of them.")


def next_checkin(team: Team, now=None):
    """When the team's weekly check-in next comes, in UTC (None if it cannot be told)."""
    try:
        rule = parse_rule(f"weekly {team.checkin_weekday} {team.checkin_time}")
        return next_after(rule, team.tz, now or utcnow())
    except (RuleError, KeyError, ValueError):
        return None


def _is_dm(channel_id: str) -> bool:
    return channel_id[:1] == "D"


def channel_humans(engine, client, team_id: str, channel_id: str) -> list[str]:
    """The channel's people, without bots and deactivated accounts.

    Known people are judged from Pact's member rows; the others are asked of Slack
    (users.info) in parallel for at most LOOKUP_DEADLINE, and stored. Anyone Slack has not
    answered for in time is kept: the person setting up can remove them.
    Raises SlackApiError when the channel's members cannot be read.
    """
    ids: list[str] = []
    cursor = None
    while len(ids) < 1000:
        resp = client.conversations_members(channel=channel_id, limit=200, cursor=cursor)
        ids += resp.get("members") or []
        cursor = (resp.get("response_metadata") or {}).get("next_cursor")
        if not cursor:
            break
    with session_scope(engine) as session:
        known = {m.slack_user_id: m for m in session.exec(
            select(Member).where(Member.workspace_id == team_id,
                                 Member.slack_user_id.in_(ids)))} if ids else {}
        stale = [u for u in ids if u not in known or known[u].refreshed_at is None]
    found: dict[str, dict] = {}
    if stale:
        def lookup(user_id):
            try:
                found[user_id] = client.users_info(user=user_id)["user"]
            except SlackApiError as err:
                log.info("users.info %s: %s", user_id, err.response.get("error"))

        pool = ThreadPoolExecutor(max_workers=8, thread_name_prefix="pact-lookup")
        futures = [pool.submit(lookup, u) for u in stale[:MAX_LOOKUPS]]
        wait(futures, timeout=LOOKUP_DEADLINE)
        pool.shutdown(wait=False, cancel_futures=True)
        with session_scope(engine) as session:
            for user in list(found.values()):
                upsert_member_from_slack(session, team_id, user)
    humans = []
    for u in ids:
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


def register(app, services) -> None:
    engine = services.engine
    key = metadata_key(services.settings)

    @services.commands.add("team setup", "Set up the team bound to this channel, or edit it.",
                           examples=("team setup",))
    def team_setup(req: CommandRequest) -> None:
        started = time.monotonic()
        if _is_dm(req.channel_id):
            req.ack(text="Run `/pact team setup` in your team's channel: the team is bound to "
                         "the channel it is set up in.", response_type="ephemeral")
            return
        caller = refresh_member(engine, req.client, req.team_id, req.user_id)
        listed_upto = None
        with session_scope(engine) as session:
            ensure_workspace(session, req.team_id)
            team = tq.team_for_channel(session, req.team_id, req.channel_id)
            actor = actor_for(session, caller, team)
            has_leads = team is not None and bool(active_leads(session, team.id))
            if not can_set_up_team(actor, team_exists=team is not None,
                                   team_has_leads=has_leads):
                req.ack(text=refusal_for_team(session, team), response_type="ephemeral")
                return
            if team is not None:
                rows = tq.team_members(session, team.id)
                leads = [m.slack_user_id for m, role in rows if role == "lead"]
                members = [m.slack_user_id for m, role in rows if role != "lead"]
                # Members past the form's pre-fill are not listed; saving must not drop them.
                listed_upto = [m.id for m, role in rows if role != "lead"][MAX_PREFILL - 1] \
                    if len(members) > MAX_PREFILL else None
                prefill = dict(name=team.name, tz=team.tz, weekday=team.checkin_weekday,
                               time=team.checkin_time)
        if team is None:
            try:
                humans = channel_humans(engine, req.client, req.team_id, req.channel_id)
            except SlackApiError as err:
                if err.response.get("error") in CANNOT_POST:
                    req.ack(text=INVITE_HINT, response_type="ephemeral")
                    return
                raise
            leads = [req.user_id]
            members = [u for u in humans if u != req.user_id]
            name = (req.body.get("channel_name") or "").replace("-", " ").strip().title()
            prefill = dict(name=name or "Our team", tz=caller.tz, weekday="mon", time="10:00")
        view = team_setup_modal(channel_id=req.channel_id, leads=leads, members=members,
                                editing=team is not None, **prefill)
        meta = {"channel": req.channel_id}
        if listed_upto is not None:
            meta["listed_upto"] = listed_upto
        view["private_metadata"] = seal(meta, key)
        try:
            req.client.views_open(trigger_id=req.trigger_id, view=view)
        except SlackApiError as err:
            if err.response.get("error") in ("expired_trigger_id", "exchanged_trigger_id"):
                log.warning("team setup form too slow to open (%.1fs)",
                            time.monotonic() - started)
                req.ack(text="Slack took too long to answer; please run `/pact team setup` "
                             "again.", response_type="ephemeral")
                return
            raise
        req.ack()

    @services.commands.add("team", "Show the team bound to this channel.",
                           examples=("team",))
    def team_show(req: CommandRequest) -> None:
        with session_scope(engine) as session:
            team = tq.team_for_channel(session, req.team_id, req.channel_id)
            if team is None:
                req.ack(**no_team_message(req.channel_id))
                return
            rows = tq.team_members(session, team.id)
            goals = [(g.title, percent(g.baseline, g.target, g.current_value))
                     for g in gq.active_goals(session, team.id)]
            answer = team_summary(
                name=team.name, channel_id=team.channel_id,
                leads=[m.slack_user_id for m, r in rows if r == "lead"],
                members=[m.slack_user_id for m, r in rows if r != "lead"],
                tz=team.tz, weekday=team.checkin_weekday, time=team.checkin_time,
                goals=goals, paused_reason=team.paused_reason,
                next_checkin=next_checkin(team))
        req.ack(**answer)

    def save_team(ack, body, view, context):
        values = form_values_from_state(view["state"]["values"])
        meta = unseal(view.get("private_metadata"), key) or {}
        channel_id, listed_upto = meta.get("channel"), meta.get("listed_upto")
        if not isinstance(channel_id, str):
            ack(response_action="errors", errors={"name": "This form is out of date; run "
                                                          "`/pact team setup` again."})
            return
        form, errors = validate_team(
            name=values.get("name"), leads=values.get("leads"), members=values.get("members"),
            tz=values.get("tz"), weekday=values.get("weekday"), time=values.get("time"),
            known_timezone=lambda name: valid_tz(name) == name)
        if errors:
            ack(response_action="errors", errors=errors)
            return
        team_id, user_id = context.team_id, body["user"]["id"]
        for attempt in range(2):
            try:
                outcome = _save(team_id, user_id, channel_id, form, listed_upto)
                break
            except IntegrityError:
                # Someone set up the same channel at the same moment: save as an edit of theirs.
                if attempt:
                    raise
        if isinstance(outcome, str):
            ack(response_action="errors", errors={"name": outcome})
            return
        ack()
        context["pact_outbox"] = outcome

    def _save(team_id, user_id, channel_id, form, listed_upto=None):
        with session_scope(engine) as session:
            ensure_workspace(session, team_id)
            me = get_or_create_member(session, team_id, user_id)
            team = tq.team_for_channel(session, team_id, channel_id)
            has_leads = team is not None and bool(active_leads(session, team.id))
            if not can_set_up_team(actor_for(session, me, team), team_exists=team is not None,
                                   team_has_leads=has_leads):
                return refusal_for_team(session, team)
            created = team is None
            if created:
                team = Team(workspace_id=team_id, channel_id=channel_id, created_by=user_id,
                            name=form.name)
            team.name, team.tz = form.name, form.tz
            team.checkin_weekday, team.checkin_time = form.weekday, form.time
            team.updated_at = utcnow()
            session.add(team)
            session.flush()
            wanted: dict[int, str] = {}
            for slack_id, role in [*((u, "lead") for u in form.leads),
                                   *((u, "member") for u in form.members)]:
                member = get_or_create_member(session, team_id, slack_id)
                if member.is_bot:
                    continue
                wanted.setdefault(member.id, role)
            current = {m.member_id: m for m in tq.memberships(session, team.id)}
            left = []
            for member_id, membership in current.items():
                if member_id not in wanted and membership.role != "lead" and \
                        isinstance(listed_upto, int) and member_id > listed_upto:
                    continue  # not listed in the form: kept
                if member_id not in wanted:
                    left.append(session.get(Member, member_id))
                    session.delete(membership)
                elif membership.role != wanted[member_id]:
                    membership.role = wanted[member_id]
                    session.add(membership)
            for member_id, role in wanted.items():
                if member_id not in current:
                    session.add(TeamMembership(team_id=team.id, member_id=member_id, role=role))
            session.flush()
            for member in left:
                services.emit("member_left_team", session, team, member)
            services.emit("team_saved", session, team)
            text, blocks = team_saved_message(
                name=team.name, channel_id=channel_id, leads=form.leads, members=form.members,
                tz=team.tz, weekday=team.checkin_weekday, time=team.checkin_time,
                created=created, next_checkin=next_checkin(team))
            message_id = outbox.enqueue(
                session, workspace_id=team_id, channel=channel_id, text=text, blocks=blocks,
                key=f"team_saved:{team.id}:{team.updated_at.isoformat()}", kind="team_saved")
            new_people = [slack_id for slack_id in [*form.leads, *form.members]
                          if (m := get_member(session, team_id, slack_id)) is not None
                          and m.refreshed_at is None]
            return {"message_id": message_id, "channel": channel_id, "people": new_people}

    def after_save(body, client, context):
        outcome = context.get("pact_outbox")
        if not outcome:
            return

        def work():
            services.send_now(client, [outcome["message_id"]])
            tell_if_cannot_post(services, client, outcome["message_id"], body["user"]["id"],
                                outcome["channel"])
            for slack_id in outcome["people"][:MAX_LOOKUPS]:
                refresh_member(engine, client, context.team_id, slack_id)

        reported(work, body, client)

    app.view(TEAM_SETUP_CALLBACK)(ack=save_team, lazy=[after_save])


def tell_if_cannot_post(services, client, message_id, user_id: str, channel_id: str,
                        text: str | None = None, blocks: list | None = None) -> bool:
    """If the outbox message could not be posted because Pact is not in the channel, DM the
    person how to invite it (the message itself stays in the outbox and goes out once Pact is
    invited). Returns True when they were told.

    The DM uses the same idempotency key as the note the team's leads get from the outbox, so a
    lead who acted gets one DM, not two: the note they already got is edited to say this.
    """
    engine = services.engine
    if message_id is None:
        return False
    with session_scope(engine) as session:
        message = session.get(OutboxMessage, message_id)
        error = message.last_error if message is not None and message.status != "sent" \
            else None
        if error not in CANNOT_POST and error != "is_archived":
            return False
        if text is None:
            if error == "is_archived":
                text = (f"I couldn't post in <#{channel_id}> because it is archived. Set the "
                        "team up in an active channel with `/pact team setup`.")
            else:
                text = (f"I couldn't post in <#{channel_id}> because Pact is not a member of "
                        f"it. Type `/invite @Pact` in <#{channel_id}> so Pact can post your "
                        "team's goals, check-ins and celebrations there.")
        team = tq.team_for_channel(session, message.workspace_id, channel_id)
        kind = "not_in_channel" if error == "not_in_channel" else "channel_gone"
        day = utcnow().date().isoformat()
        key = (f"{kind}:{team.id}:{channel_id}:{day}:{user_id}" if team is not None
               else f"{kind}:-:{channel_id}:{day}:{user_id}")
        dm_id = outbox.enqueue(session, workspace_id=message.workspace_id, key=key,
                               channel=user_id, text=text, blocks=blocks,
                               kind="channel_trouble")
        earlier = outbox.by_key(session, key) if dm_id is None else None
        sent_channel = sent_ts = None
        if earlier is not None and earlier.status == "pending":
            earlier.text, earlier.blocks = text, blocks
            session.add(earlier)
            dm_id = earlier.id
        elif earlier is not None and earlier.status == "sent":
            sent_channel, sent_ts = earlier.sent_channel, earlier.sent_ts
    if dm_id is None and sent_ts is None:
        return False  # the earlier note could not be delivered either (recorded there)
    if dm_id is not None:
        return services.send_now(client, [dm_id]) == 1 or _sent(engine, dm_id)
    try:  # already told today: make that one DM the more helpful message
        client.chat_update(channel=sent_channel, ts=sent_ts, text=text, blocks=blocks)
    except SlackApiError as err:
        log.warning("could not update the note to %s about %s: %s", user_id, channel_id,
                    err.response.get("error"))
    return True


def _sent(engine, message_id: int) -> bool:
    with session_scope(engine) as session:
        message = session.get(OutboxMessage, message_id)
        return message is not None and message.status == "sent"


KINDS = [Kind("team_saved", time_bound=False)]
