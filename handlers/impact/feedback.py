"""Peer feedback (360), the use cases (no Slack): an objective's owner asks teammates; each
gives feedback named or anonymous; named feedback reaches the owner's plan history at once,
anonymous feedback only once at least 3 anonymous answers are in."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlmodel import Session

from bot.rules.visibility import relation, view_plan
from handlers.impact import feedback_blocks as ui
from handlers.kit import refusals
from handlers.kit.blocks import mention
from storage.models import FeedbackRequest, Member
from storage.queries import impact as iq
from storage.queries import teams as tq
from storage.queries.members import get_member, members_by_slack_ids
from storage.queries.outbox import enqueue
from storage.queries.pdp import get_plan, plan_facts, record_change

ANONYMOUS_FLOOR = 3
MAX_GIVERS = 10


@dataclass
class Asked:
    outbox_ids: list[int]
    count: int


def owned_objective(session: Session, workspace_id: str, user_id: str, objective_id: int | None):
    """(member, objective) when the verified user owns the objective, else None."""
    member = get_member(session, workspace_id, user_id)
    objective, pdp = iq.objective_owner(session, objective_id) if objective_id else (None, None)
    if member is None or objective is None or pdp.owner_id != member.id:
        return None
    return member, objective


def ask(session: Session, workspace_id: str, user_id: str, objective_id: int | None,
        giver_slack_ids: list[str], now: datetime) -> Asked | dict[str, str]:
    owned = owned_objective(session, workspace_id, user_id, objective_id)
    if owned is None:
        return {"givers": refusals.FEEDBACK_OWNER_ONLY}
    owner, objective = owned
    givers = members_by_slack_ids(session, workspace_id, giver_slack_ids)
    teammates = tq.teammate_ids(session, owner.id)
    chosen = [m for m in givers.values() if m.id in teammates and not m.is_deleted]
    if not chosen or len(chosen) != len(set(giver_slack_ids)) or len(chosen) > MAX_GIVERS:
        return {"givers": refusals.FEEDBACK_PICK_TEAMMATES}
    request = iq.create_feedback_request(session, workspace_id, objective.id, owner.id,
                                         [m.id for m in chosen], now)
    ids = []
    for giver in chosen:
        text, blocks = ui.ask_dm(owner.slack_user_id, objective.title, request.id)
        mid = enqueue(session, workspace_id=workspace_id,
                      key=f"feedback_ask:{request.id}:{giver.id}", channel=giver.slack_user_id,
                      text=text, blocks=blocks, kind="feedback_ask", not_before=now)
        if mid:
            ids.append(mid)
    return Asked(ids, len(chosen))


def askable(session: Session, workspace_id: str, user_id: str, request_id: int | None
            ) -> tuple[FeedbackRequest | None, Member | None, str | None]:
    request = session.get(FeedbackRequest, request_id) if request_id else None
    giver = get_member(session, workspace_id, user_id)
    if request is None or giver is None or request.workspace_id != workspace_id:
        return None, None, refusals.FEEDBACK_NOT_ASKED
    asked = iq.feedback_ask(session, request.id, giver.id)
    if asked is None:
        return None, None, refusals.FEEDBACK_NOT_ASKED
    if asked.answered:
        return None, None, refusals.FEEDBACK_ALREADY_GIVEN
    return request, giver, None


@dataclass
class FeedbackInput:
    went_well: str
    try_next: str
    knowledge_sharing: int | None
    mentoring: int | None
    named: bool


def _entry(values: dict, by: str, title: str) -> str:
    scores = [f"{label} {values[k]}/5" for k, label in (("knowledge_sharing", "knowledge "
              "sharing"), ("mentoring", "mentoring")) if values.get(k)]
    parts = [f"went well: {values['went_well']}" if values["went_well"] else "",
             f"try next: {values['try_next']}" if values["try_next"] else "",
             ", ".join(scores)]
    return f"Feedback on “{title[:120]}” {by}: " + "; ".join(p for p in parts if p)


def give(session: Session, workspace_id: str, user_id: str, request_id: int | None,
         data: FeedbackInput, now: datetime) -> list[int] | str:
    """Record feedback; the outbox ids to send (the owner's DM), or the refusal."""
    request, giver, refusal = askable(session, workspace_id, user_id, request_id)
    if refusal:
        return refusal
    if not iq.mark_feedback_given(session, request.id, giver.id):
        return refusals.FEEDBACK_ALREADY_GIVEN
    values = {"went_well": data.went_well[:300], "try_next": data.try_next[:300],
              "knowledge_sharing": data.knowledge_sharing if data.knowledge_sharing in
              range(1, 6) else None,
              "mentoring": data.mentoring if data.mentoring in range(1, 6) else None}
    objective, pdp = iq.objective_owner(session, request.objective_id)
    owner = session.get(Member, request.owner_id)
    if objective is None or owner is None:
        return []
    entries: list[str] = []
    if data.named:
        iq.add_named_feedback(session, request.id, giver.id, values)
        entries.append(_entry(values, f"from {mention(giver.slack_user_id)}", objective.title))
        actor = giver.id
    else:
        iq.add_anonymous_feedback(session, request.id, values)
        actor = owner.id
        if iq.count_anonymous(session, request.id) >= ANONYMOUS_FLOOR:
            for answer in iq.release_anonymous(session, request.id):
                entries.append(_entry(answer.model_dump(), "(anonymous)", objective.title))
    day = now.replace(hour=0, minute=0, second=0, microsecond=0)  # no precise time
    for what in entries:
        record_change(session, pdp, actor, what, objective_id=objective.id,
                      now=now if data.named else day)
    if not entries:
        return []
    text, blocks = ui.new_feedback_dm(objective.title, len(entries), named=data.named)
    mid = enqueue(session, workspace_id=workspace_id,
                  key=f"feedback_new:{request.id}:{'n' + str(giver.id) if data.named else 'a'}"
                      f":{iq.count_anonymous(session, request.id)}",
                  channel=owner.slack_user_id, text=text, blocks=blocks, kind="feedback_new",
                  not_before=now)
    return [mid] if mid else []


def feedback_seen(session: Session, workspace_id: str, viewer_user: str, owner_user: str
                  ) -> list[ui.ObjectiveFeedback]:
    """The feedback on `owner_user`'s objectives that `viewer_user` may read: it goes with the
    objective, so the visibility policy decides (the owner: all of it; anyone else: only on
    the objectives the owner shares with them). Nothing when there is nothing to see, the
    same whether feedback is hidden or was never given."""
    owner = get_member(session, workspace_id, owner_user)
    viewer = get_member(session, workspace_id, viewer_user)
    pdp = get_plan(session, owner.id) if owner is not None and not owner.is_deleted else None
    if pdp is None or viewer is None:
        return []
    who = relation(viewer.id, owner_id=owner.id, manager_id=pdp.manager_id,
                   teammate_ids=tq.teammate_ids(session, owner.id),
                   viewer_is_admin=bool(viewer.is_admin))
    seen = view_plan(plan_facts(session, pdp, with_history=False), who).objectives
    given = iq.shown_feedback(session, [o.id for o in seen])
    return [ui.ObjectiveFeedback(o.title, [ui.FeedbackEntry(*e) for e in given[o.id]])
            for o in seen if given[o.id]]
