"""The review side of a plan, with no Slack in it: the owner asks, the chosen manager comments
or approves. Only the manager the owner chose may review, re-checked on every request."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import datetime

from sqlmodel import Session

from bot.rules import pdp as rules
from handlers.kit import refusals
from handlers.kit.blocks import mention, slack_date, with_state_line
from handlers.pdp import posts
from handlers.pdp.notices import notify_manager
from handlers.pdp.service import managed_plan, owned_plan, slack_user
from storage.models import Member, Pdp
from storage.queries import checkins, outbox
from storage.queries import pdp as q

log = logging.getLogger("pact.pdp")


@dataclass
class ReviewRequested:
    pdp: Pdp | None = None  # None: the clicker has no plan (refused)
    member: Member | None = None
    notice: str = ""
    manager_user: str = ""
    asked: bool = False  # the request went to the manager


def request_review(session: Session, team_id: str, user_id: str,
                   now: datetime) -> ReviewRequested:
    """The owner asks their manager for a review, at most once a day."""
    member, pdp = owned_plan(session, team_id, user_id, for_update=True)
    if pdp is None:
        log.warning("refused review request from %s: no plan", user_id)
        return ReviewRequested()
    done = ReviewRequested(pdp=pdp, member=member, manager_user=slack_user(session,
                                                                           pdp.manager_id))
    if pdp.manager_id is None:
        done.notice = refusals.PLAN_MANAGER_FIRST
    elif not rules.may_request_review_again(pdp.review_requested_at, now):
        done.notice = refusals.PLAN_REVIEW_ALREADY_ASKED
    else:
        pdp.review_requested_at = now
        pdp.updated_at = now
        session.add(pdp)
        change = q.record_change(session, pdp, member.id,
                                 f"Asked {mention(done.manager_user)} for a review", now=now)
        notify_manager(session, pdp, "review", change.id, now)
        done.notice = f"📨 Review requested: {mention(done.manager_user)} has it by DM."
        done.asked = True
        log.info("plan %s: review requested", pdp.id)
    return done


def add_review(session: Session, pdp: Pdp, reviewer_id: int, outcome: str, comment: str,
               now: datetime):
    """Record a review. An approval completes it: the next review moves by the cadence."""
    review = q.insert_review(session, pdp.id, reviewer_id, outcome,
                             comment[:rules.COMMENT_MAX], now)
    if outcome == "approved":
        pdp.last_review_at = now
        pdp.next_review_at = rules.next_review(created_at=pdp.created_at, last_review_at=now,
                                               cadence_months=pdp.review_cadence_months)
        pdp.review_requested_at = None
    pdp.updated_at = now
    session.add(pdp)
    session.flush()
    return review


def _record_review(session: Session, manager: Member, pdp: Pdp, outcome: str, comment: str,
                   now: datetime) -> None:
    review = add_review(session, pdp, manager.id, outcome, comment, now)
    verb = "Approved the plan" if outcome == "approved" else "Commented on the plan"
    q.record_change(session, pdp, manager.id, verb, now=now)
    owner = session.get(Member, pdp.owner_id)
    message = posts.review_result_dm(manager.slack_user_id, outcome, comment,
                                     pdp.next_review_at)
    outbox.enqueue(session, workspace_id=owner.workspace_id,
                   key=f"pdp:{pdp.id}:owner:review:{review.id}", channel=owner.slack_user_id,
                   text=message["text"], blocks=message["blocks"], kind="pdp_review")
    if outcome == "approved":
        mark_review_dms_handled(session, pdp, manager, now)
    log.info("plan %s reviewed (%s)", pdp.id, outcome)


def mark_review_dms_handled(session: Session, pdp: Pdp, manager: Member,
                            now: datetime) -> None:
    """Review DMs sent to the manager about this plan lose their buttons once the review is
    done (from any of them, Home or the plan): a line says who approved it, and when."""
    state = f":white_check_mark: Approved by {mention(manager.slack_user_id)} {slack_date(now)}."
    for sent in checkins.sent_posts(session, f"pdp:{pdp.id}:mgr:review:"):
        if not any(b.get("type") == "actions" for b in sent.blocks or []):
            continue
        outbox.enqueue(session, workspace_id=sent.workspace_id,
                       key=f"pdp:{pdp.id}:handled:{sent.id}",
                       channel=sent.sent_channel or sent.channel, update_ts=sent.sent_ts,
                       text=sent.text, blocks=with_state_line(sent.blocks, state),
                       kind="pdp_manager_handled")


def validate_comment(comment: str) -> dict[str, str]:
    if not comment:
        return {"comment": "Write your comment."}
    if len(comment) > rules.COMMENT_MAX:
        return {"comment": f"Please keep this under {rules.COMMENT_MAX} characters."}
    return {}


@dataclass
class Reviewed:
    pdp: Pdp | None = None
    refusal: str | None = None
    errors: dict = field(default_factory=dict)
    recorded: bool = False


def comment(session: Session, team_id: str, user_id: str, pdp_id: int | None, text: str,
            approve: bool, now: datetime) -> Reviewed:
    """The chosen manager comments on the plan (and may approve it with the comment)."""
    managed = managed_plan(session, team_id, user_id, pdp_id, for_update=True)
    if managed is None:
        log.warning("refused comment form on plan %s from %s", pdp_id, user_id)
        return Reviewed(refusal=refusals.PLAN_NOT_MANAGER)
    errors = validate_comment(text)
    if errors:
        return Reviewed(errors=errors)
    manager, pdp = managed
    _record_review(session, manager, pdp, "approved" if approve else "commented", text, now)
    return Reviewed(pdp=pdp, recorded=True)


def approve(session: Session, team_id: str, user_id: str, pdp_id: int | None,
            now: datetime) -> Reviewed:
    """The chosen manager approves; a double click records it once."""
    managed = managed_plan(session, team_id, user_id, pdp_id, for_update=True)
    if managed is None:
        log.warning("refused approval of plan %s from %s", pdp_id, user_id)
        return Reviewed(refusal=refusals.PLAN_NOT_MANAGER)
    manager, pdp = managed
    if rules.is_repeat_approval(pdp.last_review_at, now):
        return Reviewed(pdp=pdp)  # the first click recorded it
    _record_review(session, manager, pdp, "approved", "", now)
    return Reviewed(pdp=pdp, recorded=True)
