"""What a pact's supporter may see, and the pieces every pact use case shares: the answer
type, the outbox DM, rewriting or withdrawing a pact's messages still waiting to go out.

Ids in buttons and metadata only select: who may act is read from the stored pact, and a pact
exists only while its supporter may see the objective under the visibility policy (every
check goes through `objective_as_seen`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from zoneinfo import ZoneInfo

from sqlmodel import Session

from bot.rules.visibility import ObjectiveFacts, relation, visible_objective
from handlers.pacts import blocks as ui
from storage.models import Goal, Member, Objective, Pact, Pdp
from storage.queries import outbox
from storage.queries import pacts as q
from storage.queries import pdp as pq
from storage.queries import plan_facts as facts_q
from storage.queries.goals import members_by_id
from storage.queries.teams import teammate_ids

HELP_KINDS = ("review", "pairing", "resources", "audience", "other")
CADENCE_DAYS = {"weekly": 7, "biweekly": 14, "monthly": 30}
CHECKIN_KIND = "pact_checkins"


def objective_as_seen(session: Session, objective_id: int | None, viewer: Member
                      ) -> tuple[Member, Pdp, ObjectiveFacts] | None:
    """(owner, plan, the objective as `viewer` may see it), or None when the policy hides it."""
    found = pq.get_objective(session, objective_id) if objective_id else None
    if found is None or viewer is None:
        return None
    _, pdp = found
    owner = session.get(Member, pdp.owner_id)
    if owner is None or owner.workspace_id != viewer.workspace_id or owner.is_deleted:
        return None
    who = relation(viewer.id, owner_id=owner.id, manager_id=pdp.manager_id,
                   teammate_ids=teammate_ids(session, owner.id),
                   viewer_is_admin=bool(viewer.is_admin))
    facts = visible_objective(pq.plan_facts(session, pdp, with_history=False), objective_id, who)
    return (owner, pdp, facts) if facts is not None else None


def objectives_as_seen(session: Session, objective_ids, viewer: Member, *,
                       rows: list | None = None) -> dict[int, tuple[Member, ObjectiveFacts]]:
    """`objective_as_seen` of several objectives (or of `rows` already read) for one viewer,
    in two statements: by objective id, (owner, the objective as `viewer` may see it), for
    those the policy lets them see."""
    rows = facts_q.objectives_with_plans(session, objective_ids) if rows is None else rows
    rows = [row for row in rows
            if row[3].workspace_id == viewer.workspace_id and not row[3].is_deleted]
    facts = facts_q.facts_of_rows(rows)
    # The viewer is the owner's teammate exactly when the owner is the viewer's.
    mates = teammate_ids(session, viewer.id) if rows else set()
    found = {}
    for objective, _title, pdp, owner in rows:
        who = relation(viewer.id, owner_id=owner.id, manager_id=pdp.manager_id,
                       teammate_ids={viewer.id} if owner.id in mates else set(),
                       viewer_is_admin=bool(viewer.is_admin))
        seen = visible_objective(facts[pdp.id], objective.id, who)
        if seen is not None:
            found[objective.id] = (owner, seen)
    return found


def slack_ids(session: Session, member_ids) -> dict[int, str]:
    """`slack_id` of several members in one statement."""
    return {m: member.slack_user_id
            for m, member in members_by_id(session, {i for i in member_ids if i}).items()}


def supporter_sees(session: Session, pact: Pact) -> ObjectiveFacts | None:
    """The pact's objective as its supporter may see it now (None: hidden or gone)."""
    supporter = session.get(Member, pact.supporter_id) if pact.supporter_id else None
    seen = objective_as_seen(session, pact.objective_id, supporter) if supporter else None
    return seen[2] if seen else None


def pact_subject(session: Session, pact: Pact) -> str:
    """What the pact is about, as its supporter may see it ("" when they may not)."""
    if pact.objective_id is None:
        goal = session.get(Goal, pact.goal_id) if pact.goal_id else None
        return goal.title if goal is not None else ""
    facts = supporter_sees(session, pact)
    return facts.title if facts else ""


def slack_id(session: Session, member_id: int | None) -> str:
    member = session.get(Member, member_id) if member_id else None
    return member.slack_user_id if member is not None else ""


@dataclass
class OfferInput:
    kind: str
    text: str
    cadence: str
    until: date | None


@dataclass
class Result:
    refusal: str | None = None
    errors: dict = field(default_factory=dict)
    pact_id: int | None = None
    outbox_ids: list[int] = field(default_factory=list)
    refresh: list[str] = field(default_factory=list)  # Slack ids whose Home changed
    text: str = ""  # the answer to the person who acted
    answered: dict | None = None  # the Accept / Decline DM clicked, as it reads once answered


def owner_title(session: Session, pact: Pact) -> str:
    objective = session.get(Objective, pact.objective_id) if pact.objective_id else None
    if objective is not None:
        return objective.title
    goal = session.get(Goal, pact.goal_id) if pact.goal_id else None
    return goal.title if goal is not None else ""


def _dm(session, pact: Pact, key: str, channel: str, message: dict, kind: str) -> list[int]:
    if not channel:
        return []
    got = outbox.enqueue(session, workspace_id=pact.workspace_id, key=key, channel=channel,
                         text=message["text"], blocks=message["blocks"], kind=kind)
    return [got] if got else []


def local_today(member: Member | None, now: datetime) -> date:
    return now.astimezone(ZoneInfo(member.tz if member else "UTC")).date()


def _withdraw_waiting(session: Session, pact_id: int, now: datetime) -> None:
    for row in q.pending_pact_messages(session, pact_id, now):
        if not row.idempotency_key.endswith(":ended"):
            pq.rewrite_pending(session, row.id, None, now)


def _ask_message(session: Session, pact: Pact) -> dict | None:
    facts = supporter_sees(session, pact)
    if facts is None:
        return None
    return ui.ask_dm(pact.id, slack_id(session, pact.owner_id), facts.title, facts.progress,
                     pact.offer_text)


def progress_message(session: Session, pact: Pact) -> dict | None:
    facts = supporter_sees(session, pact)
    if facts is None:
        return None
    return ui.progress_dm(slack_id(session, pact.owner_id), facts.title, facts.progress)


def _rerender_waiting(session: Session, pact: Pact, now: datetime) -> None:
    for row in q.pending_pact_messages(session, pact.id, now):
        what = row.idempotency_key.split(":")[2]
        if what == "ask":
            pq.rewrite_pending(session, row.id, _ask_message(session, pact), now)
        elif what == "progress":
            pq.rewrite_pending(session, row.id, progress_message(session, pact), now)

