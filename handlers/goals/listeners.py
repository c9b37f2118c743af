"""Shared goals at Slack's edge: read the payload, call the use case, answer.

Each listener acknowledges first; the work after the ack (sending, refreshing the post, the
details or the Home tab) runs in its lazy function, inside `reported` so failures reach the
person. Who acts is the verified user; ids in payloads only select.
"""

from __future__ import annotations

import logging

from slack_sdk.errors import SlackApiError

from bot.directory import refresh_member
from bot.errors import reported
from bot.rules import goals as rules
from handlers.goals import cards, forms, posts, service, views
from handlers.goals.service import Changed
from handlers.kit import ids, refusals
from handlers.kit.blocks import channel_ref, escape
from handlers.kit.forms import Form
from handlers.kit.metadata import attach, metadata_key, read_metadata
from handlers.kit.once import Repeated, once
from handlers.kit.payload import Interaction, int_id, read_interaction
from handlers.kit.replies import tell, tell_if_cannot_post
from handlers.kit.router import CommandRequest
from handlers.teams.blocks import no_team_message
from storage.engine import session_scope

log = logging.getLogger("pact.goals")

_FIELDS = (rules.F_TITLE, rules.F_METRIC, rules.F_BASELINE, rules.F_TARGET, rules.F_UNIT,
           rules.F_DUE, rules.F_PROJECT)



def sealed(view: dict, data: dict, services) -> dict:
    return attach(view, data, metadata_key(services.settings))


def unsealed(view, services) -> dict | None:
    return read_metadata(view, metadata_key(services.settings))


def typed_values(form: Form, rows: int) -> dict[str, str | None]:
    """What was typed into the goal form, by field key (the rules validate the strings)."""
    keys = [*_FIELDS, *(k for row in range(rows) for k in rules.milestone_keys(row))]
    return {key: form.raw(key) for key in keys if key in form}


def refuse(req: CommandRequest, opening: cards.Opening) -> bool:
    if opening.no_team:
        req.ack(**no_team_message(req.channel_id))
    elif opening.refusal:
        req.ack(text=opening.refusal, response_type="ephemeral")
    return opening.no_team or bool(opening.refusal)


# ---- /pact goal … ------------------------------------------------------------------------------

def goal_new(req: CommandRequest, services) -> None:
    """Decided on stored data; who the caller is in Slack is refreshed after the answer."""
    with session_scope(services.engine) as session:
        opening = cards.new_goal_form(session, req.team_id, req.user_id, req.channel_id)
    if refuse(req, opening):
        return
    view = forms.goal_form_modal(channel_id=opening.channel)
    req.open_form(sealed(view, {"team": opening.team_id, "goal": None,
                                "rows": forms.FIRST_ROWS}, services))


def refresh_caller(req: CommandRequest, services) -> None:
    refresh_member(services.engine, req.client, req.team_id, req.user_id)


def goal_list(req: CommandRequest, services) -> None:
    with session_scope(services.engine) as session:
        found = cards.goal_list(session, req.team_id, req.channel_id)
        done = cards.recently_achieved(session, found[0], services.now()) if found else []
    if found is None:
        req.ack(**no_team_message(req.channel_id))
        return
    team, goal_cards, total = found
    req.ack(**posts.goal_list_message(team.name, team.channel_id, goal_cards, done,
                                      total=total))


# ---- the goal form -------------------------------------------------------------------------

def add_milestone_row(body, client, services) -> None:
    """One more milestone row; everything typed so far is carried into the new view."""
    who = read_interaction(body)
    meta = unsealed(who.view, services) if who else None

    def work():
        if meta is None:
            tell(client, body, refusals.STALE)
            return
        rows = (int_id(meta.get("rows")) or forms.FIRST_ROWS)
        with session_scope(services.engine) as session:
            team = cards.form_team(session, who.workspace_id, meta.get("team"))
            channel = team.channel_id if team else ""
        if team is None:
            return
        rows = min(rows, rules.MAX_MILESTONES)
        new_view = forms.goal_form_modal(channel_id=channel, editing=bool(meta.get("goal")),
                                         values=typed_values(Form(who.view), rows),
                                         rows=rows + 1)
        sealed(new_view, {**meta, "rows": min(rows + 1, rules.MAX_MILESTONES)}, services)
        try:
            client.views_update(view_id=who.view_id, hash=who.view.get("hash"), view=new_view)
        except SlackApiError as err:
            if err.response.get("error") != "hash_conflict":
                raise
            # A second click on the form as it was before the first one added its row:
            # the form already moved on (with what was typed); nothing to add or to report.
            log.info("goal form %s changed meanwhile; row not added twice", who.view_id)

    reported(work, body, client)


def save_goal(ack, body, view, context, services) -> None:
    who = read_interaction(body)
    meta = unsealed(view, services) if who else None
    if meta is None:
        ack(response_action="errors", errors={rules.F_TITLE: refusals.STALE})
        return
    rows = min(int_id(meta.get("rows")) or forms.FIRST_ROWS, rules.MAX_MILESTONES)
    form = service.GoalForm(values=typed_values(Form(view), rows), rows=rows,
                            team_id=int_id(meta.get("team")), goal_id=int_id(meta.get("goal")))
    if meta.get("goal") is not None and form.goal_id is None:
        ack(response_action="errors", errors={rules.F_TITLE: refusals.STALE})
        return
    try:
        with session_scope(services.engine) as session:
            done = service.save_goal(session, who.workspace_id, who.user_id, form, services.now(),
                                     emit=services.emit)
            if not (done.refusal or done.errors):
                once(session, body, who.workspace_id)
    except Repeated:
        ack()
        return
    if done.refusal or done.errors:
        ack(response_action="errors", errors=done.errors or {rules.F_TITLE: done.refusal})
        return
    context["pact_goal"] = done
    ack()


def after_goal_saved(body, client, context, services) -> None:
    done: Changed | None = context.get("pact_goal")
    if not done:
        return
    who = read_interaction(body)

    def work():
        services.send_now(client, done.outbox)
        if done.created:
            text, blocks = posts.not_in_channel_dm(done.card, "not_in_channel")
            tell_if_cannot_post(services, client, done.outbox[0] if done.outbox else None,
                                who.user_id, done.channel, text=text, blocks=blocks)
            return
        show_on_post(services, client, done)
        previous = who.view.get("previous_view_id")
        if previous:
            refresh_details(services, client, who, previous, done)

    reported(work, body, client)


# ---- telling people after a change -------------------------------------------------------------

def show_on_post(services, client, done: Changed, attempts: int = 3) -> None:
    """Update the goal's channel post in place with the card the change rendered.

    Two updates finishing at once may render in either order, so after each chat.update the
    goal is read again and, if it changed meanwhile, rendered once more: the post always ends
    showing the latest state.
    """
    card, ts, stamp = done.card, done.post_ts, done.stamp
    for _ in range(attempts):
        if card is None or not ts:
            return
        text, blocks = posts.goal_post(card)
        try:
            client.chat_update(channel=card.channel_id, ts=ts, text=text, blocks=blocks)
        except SlackApiError as err:
            log.warning("could not update the post of goal %s: %s", done.goal_id,
                        err.response.get("error"))
            return
        with session_scope(services.engine) as session:
            if cards.stamp_now(session, done.goal_id) in (None, stamp):
                return
            card, ts, stamp = cards.post_now(session, done.goal_id) or (None, None, None)


def refresh_details(services, client, who: Interaction, view_id: str, done: Changed) -> None:
    with session_scope(services.engine) as session:
        shown = cards.details_of(session, who.workspace_id, who.user_id, done.goal_id,
                                 services.goal_sections, card=done.card)
    if shown is None:
        return
    try:
        client.views_update(view_id=view_id, view=details_view(shown))
    except SlackApiError as err:
        log.info("details view %s not updated: %s", view_id, err.response.get("error"))


def details_view(shown: cards.Details) -> dict:
    return views.details_modal(shown.card, can_edit=shown.can_edit,
                               can_take_part=shown.can_take_part,
                               can_mark_achieved=shown.can_mark_achieved,
                               updates=shown.updates, extra=shown.extra)


def publish_home(services, client, who: Interaction) -> None:
    if services.refresh_home is not None:
        services.refresh_home(client, who.workspace_id, who.user_id)


# ---- buttons on the post, the list, the details, the Home tab ------------------------------------

def _clicked(body, context, services, use_case, **options) -> None:
    """Run `use_case` for a click on a goal or milestone and keep its result for the lazy
    part; a click Pact cannot read (no sane id) is refused as stale."""
    who = read_interaction(body)
    if who is None or who.value_id is None:
        context["pact_goal"] = Changed(refusal=refusals.STALE)
        return
    with session_scope(services.engine) as session:
        context["pact_goal"] = use_case(session, who.workspace_id, who.user_id, who.value_id,
                                        **options)


def join(ack, body, context, services) -> None:
    ack()
    _clicked(body, context, services, service.join, now=services.now())


def mark_milestone(ack, body, context, services) -> None:
    ack()
    _clicked(body, context, services, service.mark_milestone, now=services.now(),
             emit=services.emit)


def mark_achieved(ack, body, context, services) -> None:
    ack()
    _clicked(body, context, services, service.mark_achieved, now=services.now(),
             emit=services.emit)


def archive(ack, body, context, services) -> None:
    ack()
    _clicked(body, context, services, service.archive, emit=services.emit)


def after_click(body, client, context, services, reposted: bool = False) -> None:
    """After a click's use case committed: send, show the goal where it was clicked; a repost
    (`reposted`) instead tells the clicker whether the post reached the channel."""
    done: Changed | None = context.get("pact_goal")
    who = read_interaction(body)
    if done is None or who is None:
        return

    def work():
        if done.refusal:
            tell(client, body, done.refusal)
            return
        services.send_now(client, done.outbox)
        if reposted:
            _tell_reposted(services, client, who, done)
            return
        show_on_post(services, client, done)
        if who.in_modal and who.view.get("callback_id") == ids.GOAL_DETAILS_VIEW:
            refresh_details(services, client, who, who.view_id, done)
        elif who.view.get("type") == "home":
            publish_home(services, client, who)

    reported(work, body, client)


def _tell_reposted(services, client, who: Interaction, done: Changed) -> None:
    text, blocks = posts.not_in_channel_dm(done.card, "not_in_channel")
    if not tell_if_cannot_post(services, client, done.outbox[0] if done.outbox else None,
                               who.user_id, done.channel, text=text, blocks=blocks):
        client.chat_postMessage(channel=who.user_id,
                                text=f"Posted “{escape(done.card.title)}” in "
                                     f"{channel_ref(done.card.channel_id)}. 🎯")


def reads_channel(client, channel: str, user: str) -> bool:
    """Can `user` read `channel`? Anyone in a public channel's workspace; a private channel's
    members only (asked of Slack; no answer is no)."""
    try:
        info = client.conversations_info(channel=channel)["channel"]
        if not info.get("is_private"):
            return True
        cursor = None
        for _ in range(10):
            page = client.conversations_members(channel=channel, limit=1000, cursor=cursor)
            if user in (page.get("members") or []):
                return True
            cursor = (page.get("response_metadata") or {}).get("next_cursor")
            if not cursor:
                return False
    except (SlackApiError, KeyError, TypeError):
        return False
    return False


def details_modal(services, who, client) -> dict | str:
    """The goal's details for the clicker. Someone outside the team may read them from the
    goal's own post in a channel they read: Slack is asked that only then, and outside the
    transaction."""
    if who.value_id is None:
        return refusals.STALE
    read = None
    for _ in range(2):
        with session_scope(services.engine) as session:
            refusal, shown = cards.details_for(
                session, who.workspace_id, who.user_id, who.value_id, services.goal_sections,
                container=who.container, reads_channel=read)
        channel = who.container.get("channel_id")
        if shown is not None or refusal != refusals.GOAL_NOT_IN_TEAM or read is not None \
                or not isinstance(channel, str):
            break
        answer = reads_channel(client, channel, who.user_id)
        read = lambda _channel, answer=answer: answer  # noqa: E731 - Slack's word, asked once
    return details_view(shown) if shown is not None else refusal


def edit_modal(services, who, _client) -> dict | str:
    """The goal form filled with the goal in the button, or why the clicker may not edit it."""
    if who.value_id is None:
        return refusals.STALE
    with session_scope(services.engine) as session:
        opening = cards.edit_form(session, who.workspace_id, who.user_id, who.value_id)
    if opening.refusal:
        return opening.refusal
    card = opening.card
    rows = max(len(card.milestones), 1)
    view = forms.goal_form_modal(channel_id=card.channel_id, editing=True,
                                 values=forms.goal_form_values(card), rows=rows)
    return sealed(view, {"team": opening.team_id, "goal": card.id,
                         "rows": min(rows, rules.MAX_MILESTONES)}, services)


def repost(ack, body, context, services) -> None:
    ack()
    _clicked(body, context, services, service.repost)
