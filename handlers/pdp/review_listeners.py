"""Reviews at Slack's edge: the owner's "Request review", the manager's report, comment and
approval. Use cases are in reviews.py; only the manager the owner chose may review."""

from __future__ import annotations

import logging

from slack_sdk.errors import SlackApiError

from bot.errors import reported
from handlers.kit import refusals
from handlers.kit.blocks import context, slack_date
from handlers.kit.forms import Form
from handlers.kit.payload import int_id, read_interaction
from handlers.kit.replies import tell
from handlers.pdp import reviews, service, views
from handlers.pdp.listeners import after_change, saved
from handlers.pdp.openers import metadata, stale, summary
from storage.engine import session_scope

log = logging.getLogger("pact.pdp")


def request_review(body, client, services) -> None:
    i = read_interaction(body)
    if i is None:
        return

    def work():
        with session_scope(services.engine) as session:
            result = reviews.request_review(session, i.workspace_id, i.user_id, services.now())
            if result.pdp is None:
                view = None
            else:
                if result.asked:
                    saved(services, session, result.pdp)
                view = summary(services, session, result.pdp, result.member,
                               notice=result.notice)
                pdp_id = result.pdp.id
        if view is None:
            tell(client, body, refusals.PLAN_NOT_YOURS)
            return
        if i.in_modal:
            try:
                client.views_update(view_id=i.view_id, view=view)
            except SlackApiError as err:
                log.info("plan summary not updated: %s", err.response.get("error"))
        else:
            tell(client, body, result.notice)
        after_change(services, client, i.workspace_id, [i.user_id, result.manager_user], pdp_id)

    reported(work, body, client)


def comment_submit(ack, body, services) -> None:
    i = read_interaction(body)
    pdp_id = int_id((metadata(services, i.view) or {}).get("pdp")) if i else None
    if i is None or pdp_id is None:
        ack(response_action="update", view=stale("Comment"))
        return
    form = Form(i.view)
    with session_scope(services.engine) as session:
        result = reviews.comment(session, i.workspace_id, i.user_id, pdp_id,
                                 form.text("comment", multiline=True),
                                 bool(form.choices("approve")), services.now())
        if result.refusal:
            ack(response_action="update", view=views.info_modal("Comment", result.refusal))
            return
        if result.errors:
            ack(response_action="errors", errors=result.errors)
            return
        saved(services, session, result.pdp)
    ack()


def comment_after(body, client, services) -> None:
    i = read_interaction(body)
    if i is None:
        return
    pdp_id = int_id((metadata(services, i.view) or {}).get("pdp"))

    def work():
        with session_scope(services.engine) as session:
            pdp, owner = service.plan_and_owner(session, pdp_id)
        if owner is not None:
            after_change(services, client, i.workspace_id, [owner.slack_user_id, i.user_id],
                         pdp.id)

    reported(work, body, client)


def on_approve(ack, body, services) -> None:
    ack()
    i = read_interaction(body)
    if i is None or i.value_id is None:
        return
    with session_scope(services.engine) as session:
        result = reviews.approve(session, i.workspace_id, i.user_id, i.value_id, services.now())
        if result.recorded:
            saved(services, session, result.pdp)


def _show_approved(client, body, i, next_review_at, now) -> None:
    """The buttons the manager approved from give way to a line saying it is done."""
    done = context(f"✅ You approved this plan {slack_date(now)}. Next review: "
                   f"{slack_date(next_review_at) if next_review_at else '—'}.")
    message = body.get("message") if isinstance(body.get("message"), dict) else {}
    if i.in_modal:
        try:
            client.views_update(view_id=i.view_id, view=views.approved_modal(i.view, done))
        except SlackApiError as err:
            log.info("report modal not updated: %s", err.response.get("error"))
    elif i.channel_id and message.get("ts") and message.get("blocks"):
        kept = [b for b in message["blocks"] if b.get("block_id") != "review_actions"]
        try:
            client.chat_update(channel=i.channel_id, ts=message["ts"],
                               text=message.get("text") or "Plan approved", blocks=kept + [done])
        except SlackApiError as err:
            log.info("review message not updated: %s", err.response.get("error"))
    else:
        tell(client, body, "✅ Approved. The review is recorded and the next one scheduled.")


def approve_after(body, client, services) -> None:
    i = read_interaction(body)
    if i is None:
        return

    def work():
        with session_scope(services.engine) as session:
            pdp, owner = service.plan_and_owner(session, i.value_id)
            is_manager = service.managed_plan(session, i.workspace_id, i.user_id,
                                              i.value_id) is not None
            owner_user = owner.slack_user_id if owner is not None else None
            next_review_at = pdp.next_review_at if pdp is not None else None
        if not is_manager:
            tell(client, body, refusals.STALE if i.value_id is None
                 else refusals.PLAN_NOT_MANAGER)
            return
        _show_approved(client, body, i, next_review_at, services.now())
        if owner_user is not None:
            after_change(services, client, i.workspace_id, [owner_user, i.user_id], pdp.id)

    reported(work, body, client)
