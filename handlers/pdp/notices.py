"""What a plan change tells others, decided inside the change's transaction: a celebration or
a congratulation, a manager's DM, and messages (waiting, or posted) put right when the owner
shares less than before. No Slack here: rows go to the outbox, the caller sends them.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime

from sqlmodel import Session

from handlers.kudos.blocks import kudos_button_on
from handlers.labs.blocks import announcement
from handlers.labs.service import shareable_topic
from handlers.pacts import blocks as pacts_ui
from handlers.pacts import service as pacts
from handlers.pdp import surfaces
from storage.engine import now_of
from storage.models import Goal, Member, Objective, Pdp
from storage.queries import labs as lab_queries
from storage.queries import outbox
from storage.queries import pdp as q
from storage.queries.teams import teams_of_member

log = logging.getLogger("pact.pdp")


def celebrate(session: Session, pdp: Pdp, objective_id: int, owner: Member) -> None:
    """The objective just became done (exactly one request gets here): celebrate it once.

    Team-visible: a post in the team channel (the linked goal's team, else each of the owner's
    teams). Private or manager-only, or no team channel: a congratulation by DM.
    """
    supporters, _ = pacts.objective_done(session, objective_id, now_of(session))
    message = celebration(session, pdp, objective_id, owner.slack_user_id, supporters)
    teams = []
    if message is not None:
        objective = session.get(Objective, objective_id)
        teams = [t for t in teams_of_member(session, owner.id) if not t.paused_reason]
        goal = session.get(Goal, objective.goal_id) if objective.goal_id else None
        if goal is not None:
            teams = [t for t in teams if t.id == goal.team_id] or teams
    if message is not None and teams:
        for i, team in enumerate(teams):
            key = f"celebrate:objective:{objective_id}" + (f":{team.channel_id}" if i else "")
            outbox.enqueue(session, workspace_id=owner.workspace_id, key=key,
                           channel=team.channel_id, text=message["text"],
                           blocks=message["blocks"], kind="objective_celebration")
        log.info("objective %s done: celebrating in %d team channel(s)", objective_id,
                 len(teams))
        return
    message = pacts_ui.credit_supporters(surfaces.congratulation(session, pdp, objective_id),
                                         supporters)
    outbox.enqueue(session, workspace_id=owner.workspace_id,
                   key=f"congrats:objective:{objective_id}", channel=owner.slack_user_id,
                   text=message["text"], blocks=message["blocks"], kind="objective_congrats")
    log.info("objective %s done: congratulating its owner by DM", objective_id)


def celebration(session: Session, pdp: Pdp, objective_id: int, owner_user: str,
                supporters: list[str]) -> dict | None:
    """The team's celebration of a done objective (None unless the team may see it): the
    supporters thanked by name, a Kudos button for the owner. Rendered the same when a post
    still waiting is put right later."""
    message = surfaces.celebration_post(session, pdp, objective_id)
    return kudos_button_on(pacts_ui.credit_supporters(message, supporters), owner_user)


def notify_manager(session: Session, pdp: Pdp, reason: str, change_id: int,
                   now: datetime) -> None:
    """A DM to the plan's manager (`reason`: 'chosen' or 'review') with what they may see."""
    manager = session.get(Member, pdp.manager_id) if pdp.manager_id else None
    if manager is None or manager.is_deleted:
        return
    message = surfaces.manager_dm(session, pdp, now, reason)
    outbox.enqueue(session, workspace_id=manager.workspace_id,
                   key=f"pdp:{pdp.id}:mgr:{reason}:{change_id}", channel=manager.slack_user_id,
                   text=message["text"], blocks=message["blocks"], kind="pdp_manager")


@dataclass(frozen=True)
class Waiting:
    """A DM about a plan held for someone until this moment: a report's request (who, which
    plan, why: 'chosen' as manager, 'review' asked for), or a note carried as it was written."""
    pdp_id: int | None = None
    owner_user: str = ""
    reasons: tuple[str, ...] = ()
    said: str = ""  # e.g. "… is away; their review moves to …"


MERGED = "merged into the morning DM"


def take_waiting_plan_dms(session: Session, member: Member, now: datetime, *,
                          at_least: int = 1) -> list[Waiting]:
    """DMs about plans held for `member` until now (their reports asked while they were away,
    a review moved overnight), taken out of the outbox so that the morning's DM carries them
    all: one DM at one moment. A request carries who asked, never plan content (the plan opens
    live from its button). Fewer than `at_least` held DMs are left to go out as they are."""
    rows = q.waiting_plan_dms(session, member.workspace_id, member.slack_user_id, now)
    if len(rows) < at_least:
        return []
    notes, asked = [], {}
    for row in rows:
        if not q.rewrite_pending(session, row.id, None, now, why=MERGED):
            continue
        parts = row.idempotency_key.split(":")  # pdp:{id}:mgr:{reason}:{change}
        if row.kind != "pdp_manager":
            notes.append(Waiting(said=(row.blocks or [{}])[0].get("text", {}).get("text", "")))
        elif len(parts) >= 4 and parts[1].isdigit():
            reasons = asked.setdefault(int(parts[1]), [])
            reasons.append(parts[3])
    for pdp_id, reasons in asked.items():
        pdp = session.get(Pdp, pdp_id)
        owner = session.get(Member, pdp.owner_id) if pdp else None
        if pdp is None or pdp.manager_id != member.id or owner is None or owner.is_deleted:
            continue  # no longer theirs to hear about
        notes.append(Waiting(pdp_id, owner.slack_user_id,
                             tuple(r for r in ("chosen", "review") if r in reasons)))
    return [n for n in notes if n.said or n.reasons]


def recheck_pending(session: Session, pdp: Pdp, now: datetime) -> None:
    """Messages about this plan still waiting in the outbox (Slack refused them for now: Pact
    not yet in the channel, a rate limit) are rendered again from the plan as it is now, so a
    later send never shows what the owner has since made private; a celebration no longer
    team-visible, or a DM to someone who is no longer the manager, is withdrawn."""
    pending = q.pending_messages(session, pdp.id, now)
    if not pending:
        return
    manager = session.get(Member, pdp.manager_id) if pdp.manager_id else None
    for row in pending:
        key = row.idempotency_key
        if key.startswith(f"pdp:{pdp.id}:mgr:"):
            still_manager = manager is not None and not manager.is_deleted \
                and manager.slack_user_id == row.channel
            message = surfaces.manager_dm(session, pdp, now, key.split(":")[3]) \
                if still_manager else None
        elif key.startswith("celebrate:objective:"):
            objective_id = int(key.split(":")[2])
            owner = session.get(Member, pdp.owner_id)
            message = celebration(session, pdp, objective_id,
                                  owner.slack_user_id if owner else "",
                                  pacts.credited_on_objective(session, objective_id))
        else:
            continue  # the owner's own DMs
        q.rewrite_pending(session, row.id, message, now)


def stale_lab_sessions(session: Session, pdp_id: int) -> list[int]:
    """Lab sessions whose topic (one of this plan's objectives) is no longer what the team may
    see: made less visible, renamed. Their topic is put right here; the caller updates their
    posts and waiting announcements."""
    stale = []
    for lab_session in q.lab_sessions_with_objectives_of(session, pdp_id):
        before = lab_session.topic
        if shareable_topic(session, lab_session) != before:
            stale.append(lab_session.id)
    session.flush()
    return stale


def lab_announcement(session: Session, lab_session_id: int
                     ) -> tuple[str, str, str, list[dict]] | None:
    """(channel, ts or "", text, blocks) of a lab session's announcement as the team may see it
    now, or None when the session or its team is gone."""
    lab_session, lab, team = lab_queries.session_with_lab(session, lab_session_id)
    if team is None:
        return None
    text, blocks = announcement(lab_session.id, team.name, lab_session.starts_at,
                                lab.duration_minutes,
                                lab_queries.slack_id(session, lab_session.presenter_id),
                                shareable_topic(session, lab_session), lab_session.status,
                                objective_id=lab_session.objective_id, tz=team.tz)
    return team.channel_id, lab_session.channel_ts or "", text, blocks


def retopic_lab_announcements(session: Session, lab_session_ids: list[int],
                              now: datetime) -> list[int]:
    """Lab sessions whose topic was just withdrawn or changed: their announcement, sent or
    still waiting in the outbox, is rendered again with the topic as it is now. Returns those
    already posted (the caller updates the post in Slack once this is committed)."""
    posted = []
    for lab_session_id in lab_session_ids:
        found = lab_announcement(session, lab_session_id)
        if found is None:
            continue
        _, ts, text, blocks = found
        q.rewrite_message(session, f"lab_announce:{lab_session_id}", text, blocks, now)
        if ts:
            posted.append(lab_session_id)
    return posted
