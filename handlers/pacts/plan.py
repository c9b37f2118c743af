"""Privacy holds and a person's data: what a plan change does to the pacts on it (a supporter
who may no longer see the objective is told only that the pact ended), and the pacts and
kudos in a person's export and deletion."""

from __future__ import annotations

import logging
from datetime import datetime

from sqlmodel import Session

from handlers.pacts import blocks as ui
from handlers.pacts.keeping import recheck_checkins
from handlers.pacts.seen import (
    _dm,
    _rerender_waiting,
    _withdraw_waiting,
    owner_title,
    pact_subject,
    slack_id,
    supporter_sees,
)
from handlers.pacts.threads import recheck_team_asks
from storage.models import Member, Pdp
from storage.queries import pacts as q
from storage.queries import pdp as pq
from storage.queries.members import get_member

log = logging.getLogger("pact.pacts")


def recheck_plan(session: Session, pdp: Pdp, now: datetime, *, deleting: bool = False
                 ) -> list[int]:
    """After the owner changed their plan (inside that transaction): a pact whose supporter may
    no longer see the objective, or whose objective is deleted, ends, and the supporter is told
    only that it ended; waiting messages are rendered again as the supporter may see them now.
    Returns outbox ids to send."""
    objective_ids = [o.id for o in pq.objectives_of(session, pdp.id)]
    recheck_team_asks(session, objective_ids, now, deleting=deleting)
    ids = []
    for pact in q.open_pacts_on_objectives(session, objective_ids):
        facts = None if deleting else supporter_sees(session, pact)
        if facts is not None and facts.status == "done":
            q.set_status(session, pact.id, q.OPEN, now, status="ended", ended_at=now,
                         ended_reason="done")
            _withdraw_waiting(session, pact.id, now)
            continue
        if facts is not None:
            _rerender_waiting(session, pact, now)
            continue
        q.set_status(session, pact.id, q.OPEN, now, status="ended", ended_at=now,
                     ended_reason="deleted" if deleting else "hidden")
        _withdraw_waiting(session, pact.id, now)
        ids += _dm(session, pact, f"pact:{pact.id}:ended", slack_id(session, pact.supporter_id),
                   ui.ended_quietly_dm(), "pact_ended")
        recheck_checkins(session, pact.supporter_id, now)
        log.info("pact %s ended: its objective is %s", pact.id,
                 "deleted" if deleting else "no longer shared with the supporter")
    return ids


def waiting_ids(session: Session, owner_id: int) -> list[int]:
    """Pact messages about this owner's objectives waiting in the outbox (to send right after
    the owner changed their plan)."""
    return q.pending_ids_for_owner(session, owner_id)


def export_of(session: Session, member: Member) -> dict:
    """The person's pacts (each titled as they may see it) and kudos, for their export."""
    out = []
    for pact in q.pacts_of(session, member.id, statuses=("proposed", "active", "declined",
                                                         "ended")):
        supporting = pact.supporter_id == member.id
        out.append({"role": "supporting" if supporting else "supported by",
                    "with": slack_id(session, pact.owner_id if supporting
                                     else pact.supporter_id),
                    "about": pact_subject(session, pact) if supporting
                    else owner_title(session, pact),
                    "offer": pact.offer_kind, "note": pact.offer_text, "cadence": pact.cadence,
                    "status": pact.status, "since": pact.created_at, "ended_at": pact.ended_at,
                    "checkins": [{"at": c.created_at, "answer": c.answer,
                                  "mine": c.member_id == member.id}
                                 for c in q.checkins(session, pact.id)]})
    kudos = [{"at": k.created_at, "given": k.giver_id == member.id,
              "with": slack_id(session, k.receiver_id if k.giver_id == member.id
                               else k.giver_id),
              "reason": k.reason, "private": k.private, "link": k.message_link}
             for k in q.kudos_of(session, member.id)]
    return {"pacts": out, "kudos": kudos}


def forget(session: Session, member_id: int, now: datetime) -> dict[str, int]:
    """With their plan, the person's pacts and kudos go; the other side of a pact keeps only
    that one existed and ended."""
    for pact in q.pacts_of(session, member_id, statuses=q.OPEN):
        _withdraw_waiting(session, pact.id, now)
    return q.forget_member(session, member_id, now)


def forget_without_plan(session: Session, workspace_id: str, user_id: str,
                        now: datetime) -> dict[str, int]:
    """`/pact pdp delete` for someone with no plan: their pacts and kudos go (counts, empty
    when nothing was left, or when they have a plan: that delete takes these with it)."""
    member = get_member(session, workspace_id, user_id)
    if member is None or pq.get_plan(session, member.id) is not None:
        return {}
    counts = forget(session, member.id, now)
    log.info("pacts and kudos of member %s deleted: %s", member.id, counts)
    return {k: v for k, v in counts.items() if v}
