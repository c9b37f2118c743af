"""Learning labs: `/pact lab setup`, `/pact lab`, `/pact lab topic`, and the session buttons
(skip, swap with both people agreeing, done)."""

from __future__ import annotations

import json
import logging
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from slack_sdk.errors import SlackApiError

from bot.errors import reported
from bot.rules import rotation
from bot.rules.recurrence import RuleError, describe, next_after, occurrence_of, parse_rule
from handlers.blocks import labs as ui
from handlers.kit.blocks import escape, slack_datetime
from handlers.kit.replies import clicker, tell
from handlers.kit.router import CommandRequest
from scheduling import tick as _tick  # noqa: F401 - registers the channel-trouble handling
from scheduling.jobs import labs as lab_jobs
from scheduling.jobs import sync
from scheduling.kinds import Kind
from storage.engine import session_scope
from storage.models import Lab, LabSession, Member, Pdp, Team
from storage.queries import labs as lq
from storage.queries import teams as tq
from storage.queries.members import get_member, get_or_create_member
from storage.queries.outbox import enqueue
from storage.types import utcnow

log = logging.getLogger("pact.labs")

NO_TEAM = ("This channel has no Pact team yet. A lead can set one up with `/pact team setup` "
           "here first.")
LEADS_ONLY = "Only the team's leads can set up its learning lab."


def _workspace(body, context) -> str:
    return context.team_id or (body.get("team") or {}).get("id") or ""


def _value(body) -> int:
    try:
        return int((body.get("actions") or [{}])[0].get("value") or 0)
    except ValueError:
        return 0


def _slack(session, member_id: int | None) -> str | None:
    member = session.get(Member, member_id) if member_id else None
    return member.slack_user_id if member else None


def refresh_post(engine, client, session_id: int) -> None:
    """Show the session's current presenter and topic in its announcement, in place."""
    with session_scope(engine) as session:
        lab_session = session.get(LabSession, session_id)
        lab = session.get(Lab, lab_session.lab_id) if lab_session else None
        team = session.get(Team, lab.team_id) if lab else None
        if team is None or not lab_session.channel_ts:
            return
        text, blocks = ui.announcement(lab_session.id, team.name, lab_session.starts_at,
                                       lab.duration_minutes,
                                       _slack(session, lab_session.presenter_id),
                                       lq.shareable_topic(session, lab_session),
                                       lab_session.status)
        channel, ts = team.channel_id, lab_session.channel_ts
    try:
        client.chat_update(channel=channel, ts=ts, text=text, blocks=blocks)
    except SlackApiError as err:
        log.warning("could not update the lab post of session %s: %s", session_id,
                    err.response.get("error"))


def _note_in_thread(session, team: Team, lab_session: LabSession, text: str,
                    key: str) -> int | None:
    if not lab_session.channel_ts:
        return None
    return enqueue(session, workspace_id=team.workspace_id, key=key, channel=team.channel_id,
                   text=text, thread_ts=lab_session.channel_ts, kind="lab_change")


def _ask_topic(session, team: Team, lab_session: LabSession) -> int | None:
    presenter = _slack(session, lab_session.presenter_id)
    if not presenter or lab_session.topic:
        return None
    text, blocks = ui.pick_topic_dm(team.name, lab_session.starts_at)
    return enqueue(session, workspace_id=team.workspace_id,
                   key=f"lab_topic:{lab_session.id}:{presenter}", channel=presenter, text=text,
                   blocks=blocks, kind="lab_topic")


# ---- setup ---------------------------------------------------------------------------------

def save_lab(session, team: Team, *, rule_text: str, duration: int, announce_days: int,
             chosen: list[int] | None, actor: str, now: datetime) -> tuple[Lab, list[int]]:
    """Create or change the team's lab, its rotation and schedules. When the first session is
    closer than the announcement lead time, it is announced right away."""
    rule = parse_rule(rule_text, anchor=now.astimezone(ZoneInfo(team.tz)).date())
    lab = lq.lab_for_team(session, team.id)
    if lab is None:
        lab = Lab(team_id=team.id, rule=str(rule), created_by=actor)
    elif lab.rule != str(rule):
        # Sessions planned under the old rhythm are called off; their presenters keep turns.
        for old in lq.pending_sessions(session, lab.id, now):
            if next_after(rule, team.tz, old.starts_at - timedelta(seconds=1)) != old.starts_at:
                old.status = "cancelled"
                session.add(old)
                if old.presenter_id:
                    lq.save_seats(session, lab.id, rotation.give_back(
                        lq.seats(session, lab.id), old.presenter_id))
    lab.rule, lab.duration_minutes, lab.announce_days = str(rule), duration, announce_days
    lab.rotation_is_team = chosen is None
    lab.updated_at = now
    session.add(lab)
    session.flush()
    lq.sync_rotation(session, lab, chosen)
    ids: list[int] = []
    first = next_after(rule, team.tz, now)
    if first is not None and not lq.pending_sessions(session, lab.id, now):
        shifted = next_after(rule.shifted(announce_days), team.tz, now)
        if shifted is None or occurrence_of(rule.shifted(announce_days), team.tz,
                                            shifted) != first:
            lab_session = lq.plan_session(session, lab, first, now)
            if lab_session is not None:
                ids = lab_jobs.announce(session, lab, team, lab_session, now)
    lq.lab_schedules(session, lab, team, now)
    return lab, ids


def register(app, services) -> None:  # noqa: C901 - one place for the lab listeners
    engine = services.engine

    def on_left(session, team, member):
        now = utcnow()
        for session_id in sync.member_left(session, team, member, now):
            lab_session = session.get(LabSession, session_id)
            presenter = _slack(session, lab_session.presenter_id)
            text = (f"Change of presenter: <@{presenter}> presents this session now."
                    if presenter else "The presenter left the team; nobody else is in the "
                    "rotation yet.")
            _note_in_thread(session, team, lab_session, text,
                            f"lab_change:{session_id}:{presenter}:{now:%Y%m%d%H%M}")
            _ask_topic(session, team, lab_session)

    services.on("member_left_team", on_left)

    @services.commands.add("lab setup", "Set the team's learning-lab rhythm and rotation.",
                           examples=("lab setup",))
    def lab_setup(req: CommandRequest):
        with session_scope(engine) as session:
            team = tq.team_for_channel(session, req.team_id, req.channel_id)
            if team is None:
                return req.ack(text=NO_TEAM, response_type="ephemeral")
            member = get_or_create_member(session, req.team_id, req.user_id)
            if not (tq.is_lead(session, team.id, member.id) or member.is_admin):
                return req.ack(text=LEADS_ONLY, response_type="ephemeral")
            lab = lq.lab_for_team(session, team.id)
            if lab is not None:
                rule = parse_rule(lab.rule)
                cadence = describe(rule).replace(" at ", " ")
                members = [] if lab.rotation_is_team else [
                    _slack(session, s.member_id) for s in lq.seats(session, lab.id)]
            else:
                cadence = "every second Thursday 15:00"
                members = []
            view = ui.setup_modal(
                cadence=cadence, duration=lab.duration_minutes if lab else 60,
                announce_days=lab.announce_days if lab else 3,
                members=[m for m in members if m] or [
                    m.slack_user_id for m, _r in tq.team_members(session, team.id)],
                metadata=json.dumps({"team": team.id, "channel": team.channel_id}))
        req.client.views_open(trigger_id=req.trigger_id, view=view)
        req.ack()

    def save_setup(ack, body, view, context):
        meta = json.loads(view.get("private_metadata") or "{}")
        values = view["state"]["values"]
        cadence = (values["cadence"]["value"].get("value") or "").strip()
        duration = int(((values["duration"]["value"].get("selected_option") or {})
                        .get("value")) or 60)
        try:
            announce_days = int(values["announce"]["value"].get("value") or 3)
        except ValueError:
            announce_days = 0
        chosen_users = values["members"]["value"].get("selected_users") or []
        errors = {}
        try:
            parse_rule(cadence, anchor=utcnow().date())
        except RuleError as err:
            errors["cadence"] = str(err)
        if not 1 <= announce_days <= 14:
            errors["announce"] = "Between 1 and 14 days."
        workspace = _workspace(body, context)
        with session_scope(engine) as session:
            team = tq.get_team(session, workspace, int(meta.get("team") or 0))
            if team is None:
                errors["cadence"] = "This team no longer exists."
            else:
                member = get_or_create_member(session, workspace, clicker(body))
                if not (tq.is_lead(session, team.id, member.id) or member.is_admin):
                    errors["cadence"] = LEADS_ONLY
                in_team = {m.slack_user_id: m.id for m, _r in tq.team_members(session, team.id)}
                outside = [u for u in chosen_users if u not in in_team]
                if outside:
                    errors["members"] = ("Not in this team: " + ", ".join(
                        f"<@{u}>" for u in outside[:5]) + ". Add them with `/pact team setup`.")
                if not chosen_users:
                    errors["members"] = "Pick at least one person."
            if errors:
                return ack(response_action="errors", errors=errors)
            everyone = set(in_team) == set(chosen_users)
            now = utcnow()
            save_lab(session, team, rule_text=cadence, duration=duration,
                                announce_days=announce_days,
                                chosen=None if everyone else [in_team[u] for u in chosen_users],
                                actor=clicker(body), now=now)
        ack()

    def after_setup(body, client, context, view):
        def work():
            meta = json.loads(view.get("private_metadata") or "{}")
            with session_scope(engine) as session:
                team = tq.get_team(session, _workspace(body, context), int(meta["team"]))
                lab = lq.lab_for_team(session, team.id) if team else None
                if lab is None:
                    return
                ids = [s.id for s in lq.pending_sessions(session, lab.id, utcnow())]
                channel = team.channel_id
                rows = lq.projected(session, lab, team, utcnow(), count=1)
                summary = (f"Learning lab set: {describe(parse_rule(lab.rule))} ({team.tz}), "
                           f"{lab.duration_minutes} min, announced {lab.announce_days} day(s) "
                           "ahead.")
                if rows:
                    who = _slack(session, rows[0][1])
                    summary += f" First session {slack_datetime(rows[0][0])}" + (
                        f", <@{who}> presents." if who else ".")
                from sqlmodel import select

                from storage.models import OutboxMessage
                keys = [f"lab_announce:{i}" for i in ids]
                pending = list(session.exec(select(OutboxMessage.id).where(
                    OutboxMessage.idempotency_key.in_(keys),
                    OutboxMessage.status == "pending"))) if keys else []
                topic_keys = list(session.exec(select(OutboxMessage.id).where(
                    OutboxMessage.idempotency_key.like("lab_topic:%"),
                    OutboxMessage.status == "pending")))
            services.send_now(client, [*pending, *topic_keys])
            try:
                client.chat_postEphemeral(channel=channel, user=clicker(body), text=summary)
            except SlackApiError:
                client.chat_postMessage(channel=clicker(body), text=summary)
        reported(work, body, client)

    app.view(ui.LAB_SETUP_CALLBACK)(ack=save_setup, lazy=[after_setup])

    @services.commands.add("lab", "Show the next learning-lab sessions and who presents.",
                           examples=("lab",))
    def lab_show(req: CommandRequest):
        with session_scope(engine) as session:
            team = tq.team_for_channel(session, req.team_id, req.channel_id)
            if team is None:
                return req.ack(text=NO_TEAM, response_type="ephemeral")
            lab = lq.lab_for_team(session, team.id)
            if lab is None:
                return req.ack(text="No learning lab yet. A lead can start one with "
                               "`/pact lab setup`.", response_type="ephemeral")
            lq.sync_rotation(session, lab)  # people deactivated or gone drop out of the line
            rows = [(when, _slack(session, who),
                     lq.shareable_topic(session, stored) if stored else "")
                    for when, who, stored in lq.projected(session, lab, team, utcnow())]
            blocks = ui.upcoming_message(team.name, describe(parse_rule(lab.rule)), rows)
        req.ack(text=f"Next learning-lab sessions of {team.name}", blocks=blocks,
                response_type="ephemeral")

    def lab_topic_later(req: CommandRequest):
        if req.body.get("_lab_session"):
            refresh_post(engine, req.client, req.body["_lab_session"])

    @services.commands.add("lab topic", "Set the topic of your next learning-lab session.",
                           takes_args=True, usage="lab topic [your topic]",
                           later=lab_topic_later, examples=("lab topic Testing with property-based tests",))
    def lab_topic(req: CommandRequest):
        topic = " ".join(req.args).strip()[:300]
        if not topic:
            return req.ack(text="Say what you'll present: `/pact lab topic Intro to SQL "
                           "window functions`.", response_type="ephemeral")
        with session_scope(engine) as session:
            team = tq.team_for_channel(session, req.team_id, req.channel_id)
            lab = lq.lab_for_team(session, team.id) if team else None
            member = get_member(session, req.team_id, req.user_id)
            mine = [s for s in lq.pending_sessions(session, lab.id, utcnow())
                    if member and s.presenter_id == member.id] if lab else []
            if not mine:
                return req.ack(text="You have no upcoming learning-lab session in this "
                               "channel's team.", response_type="ephemeral")
            lab_session = mine[0]
            lab_session.topic, lab_session.objective_id = topic, None
            session.add(lab_session)
            req.body["_lab_session"] = lab_session.id
            when = lab_session.starts_at
        req.ack(text=f"Topic set for your session {slack_datetime(when)}: {topic}",
                response_type="ephemeral")

    # ---- session buttons -------------------------------------------------------------------
    def _ack(ack):
        ack()

    def load(session, body, context):
        lab_session = session.get(LabSession, _value(body))
        lab = session.get(Lab, lab_session.lab_id) if lab_session else None
        team = session.get(Team, lab.team_id) if lab else None
        if team is None or team.workspace_id != _workspace(body, context):
            return None, None, None, None
        member = get_or_create_member(session, team.workspace_id, clicker(body))
        return lab_session, lab, team, member

    def skip_later(body, client, context):
        def work():
            now = utcnow()
            with session_scope(engine) as session:
                lab_session, lab, team, member = load(session, body, context)
                if lab_session is None or lab_session.status != "scheduled" \
                        or lab_session.starts_at <= now:
                    return tell(client, body, "This session can no longer be changed.")
                if lab_session.presenter_id != member.id:
                    return tell(client, body, "Only the presenter can skip their turn.")
                replacement = lq.skip(session, lab, lab_session, now)
                if replacement is None:
                    return tell(client, body, "Nobody else in the rotation can present this "
                                 "time, so the session stays yours.")
                new = _slack(session, replacement)
                ids = [_note_in_thread(session, team, lab_session,
                                       f"<@{clicker(body)}> skips this time; <@{new}> presents "
                                       f"instead. <@{clicker(body)}> keeps their turn for the "
                                       "next session.",
                                       f"lab_skip:{lab_session.id}:{member.id}"),
                       _ask_topic(session, team, lab_session)]
                sid = lab_session.id
            refresh_post(engine, client, sid)
            services.send_now(client, ids)
            tell(client, body, f"Done: <@{new}> presents this time; you keep your turn.")
        reported(work, body, client)

    app.action(ui.LAB_SKIP)(ack=_ack, lazy=[skip_later])

    def open_swap(ack, body, client):
        ack()
        client.views_open(trigger_id=body["trigger_id"], view=ui.swap_modal(
            _value(body), json.dumps({"session": _value(body)})))

    app.action(ui.LAB_SWAP)(open_swap)

    def save_swap(ack, body, view, context):
        meta = json.loads(view.get("private_metadata") or "{}")
        other = view["state"]["values"]["other"]["value"].get("selected_user")
        now = utcnow()
        with session_scope(engine) as session:
            lab_session = session.get(LabSession, int(meta.get("session") or 0))
            lab = session.get(Lab, lab_session.lab_id) if lab_session else None
            team = session.get(Team, lab.team_id) if lab else None
            workspace = _workspace(body, context)
            error = None
            if team is None or team.workspace_id != workspace \
                    or lab_session.status != "scheduled" or lab_session.starts_at <= now:
                error = "This session can no longer be changed."
            else:
                me = get_or_create_member(session, workspace, clicker(body))
                them = get_member(session, workspace, other) if other else None
                seats = {s.member_id for s in lq.seats(session, lab.id)}
                if lab_session.presenter_id != me.id:
                    error = "Only the presenter can swap their turn."
                elif them is None or them.id not in seats or them.is_deleted:
                    error = "Pick someone in this learning lab's rotation."
                elif them.id == me.id:
                    error = "Pick someone else."
            if error:
                return ack(response_action="errors", errors={"other": error})
            lab_session.swap_with_id = them.id
            session.add(lab_session)
            text, blocks = ui.swap_request_dm(clicker(body), team.name, lab_session.starts_at,
                                              lab_session.id)
            enqueue(session, workspace_id=workspace,
                    key=f"lab_swap:{lab_session.id}:{them.id}:{now:%Y%m%d%H%M%S}",
                    channel=other, text=text, blocks=blocks, kind="lab_swap")
        ack()

    def after_swap(body, client, view):
        def work():
            from sqlmodel import select

            from storage.models import OutboxMessage
            meta = json.loads(view.get("private_metadata") or "{}")
            with session_scope(engine) as session:
                ids = list(session.exec(select(OutboxMessage.id).where(
                    OutboxMessage.idempotency_key.like(f"lab_swap:{int(meta['session'])}:%"),
                    OutboxMessage.status == "pending")))
            services.send_now(client, ids)
            client.chat_postMessage(channel=clicker(body), text="I asked them; you'll hear "
                                    "back here once they answer.")
        reported(work, body, client)

    app.view(ui.LAB_SWAP_CALLBACK)(ack=save_swap, lazy=[after_swap])

    def answer_swap(body, client, context, accepted: bool):
        now = utcnow()
        with session_scope(engine) as session:
            lab_session, lab, team, member = load(session, body, context)
            if lab_session is None or lab_session.swap_with_id != member.id \
                    or lab_session.status != "scheduled" or lab_session.starts_at <= now:
                return tell(client, body, "This swap request is no longer open.")
            asker = _slack(session, lab_session.presenter_id)
            if accepted:
                lq.swap(session, lab, lab_session, member.id, now)
                ids = [_note_in_thread(session, team, lab_session,
                                       f"<@{clicker(body)}> swapped turns with <@{asker}> and "
                                       "presents this session.",
                                       f"lab_swapped:{lab_session.id}:{member.id}"),
                       _ask_topic(session, team, lab_session)]
            else:
                lab_session.swap_with_id = None
                session.add(lab_session)
                ids = []
            sid = lab_session.id
        if accepted:
            refresh_post(engine, client, sid)
        services.send_now(client, ids)
        verdict = "accepted" if accepted else "declined"
        client.chat_postMessage(channel=asker, text=f"<@{clicker(body)}> {verdict} your swap "
                                "request." + (" They present this time; you keep your turn."
                                              if accepted else " The session stays yours."))
        container = body.get("container") or {}
        if container.get("channel_id") and container.get("message_ts"):
            client.chat_update(channel=container["channel_id"], ts=container["message_ts"],
                               text=f"You {verdict} the swap with <@{asker}>.", blocks=[])

    app.action(ui.LAB_SWAP_ACCEPT)(ack=_ack, lazy=[lambda body, client, context: reported(
        lambda: answer_swap(body, client, context, True), body, client)])
    app.action(ui.LAB_SWAP_DECLINE)(ack=_ack, lazy=[lambda body, client, context: reported(
        lambda: answer_swap(body, client, context, False), body, client)])

    def done_later(body, client, context):
        def work():
            now = utcnow()
            with session_scope(engine) as session:
                lab_session, lab, team, member = load(session, body, context)
                if lab_session is None:
                    return tell(client, body, "That session no longer exists.")
                if lab_session.status == "done":
                    return tell(client, body, "Already recorded. Thank you!")
                if lab_session.presenter_id != member.id and not (
                        tq.is_lead(session, team.id, member.id) or member.is_admin):
                    return tell(client, body, "Only the presenter or a team lead can mark "
                                 "the session done.")
                if now < lab_session.starts_at:
                    return tell(client, body, "Press Done once the session has started "
                                 f"({slack_datetime(lab_session.starts_at)}).")
                objective = lq.mark_done(session, lab_session, now)
                if objective is not None:
                    pdp = session.get(Pdp, objective.pdp_id)
                    services.emit("pdp_saved", session, pdp)
                sid = lab_session.id
                presenter = lab_session.presenter_id == member.id
                recorded = ("" if objective is None else
                            f" Recorded on your objective “{escape(objective.title)}”."
                            if presenter else " Recorded on the presenter's objective.")
            refresh_post(engine, client, sid)
            tell(client, body, f"Learning lab marked done.{recorded}")
        reported(work, body, client)

    app.action(ui.LAB_DONE)(ack=_ack, lazy=[done_later])



KINDS = [Kind("lab_swap", time_bound=False)]
