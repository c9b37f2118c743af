"""The goal's one thread in its team channel, for pacts: a pledge is thanked there at once,
and an owner nobody supports yet may ask the team there when stuck on a team-visible objective
linked to the goal. No Slack in here: rows go to the outbox, the caller sends them."""

from __future__ import annotations

import logging
from datetime import datetime

from sqlmodel import Session, col, select

from handlers.pacts import blocks as ui
from handlers.pacts.seen import _dm, slack_id
from storage.models import Goal, Member, Objective, OutboxMessage, Pact, Team
from storage.queries import goals as gq
from storage.queries import outbox
from storage.queries import pdp as pq
from storage.queries.teams import is_member

log = logging.getLogger("pact.pacts")


def _team_channel(session: Session, goal: Goal) -> Team | None:
    team = session.get(Team, goal.team_id)
    if team is None or team.paused_reason or not team.channel_id:
        return None
    return team


def thank_pledge(session: Session, pact: Pact, goal: Goal) -> list[int]:
    """A pledge thanked at once in the goal's thread, the goal's owner mentioned; before the
    goal has a post or a thread, its owner hears it by DM."""
    supporter = slack_id(session, pact.supporter_id)
    owner = slack_id(session, goal.owner_id) if goal.owner_id != pact.supporter_id else ""
    message = ui.pledge_note(supporter, owner, goal.title, pact.offer_kind, pact.offer_text,
                             pact.cadence, pact.until)
    team = _team_channel(session, goal)
    thread = gq.goal_thread(session, goal, None) if team is not None else None
    if team is not None and thread:
        mid = outbox.enqueue(session, workspace_id=pact.workspace_id,
                             key=f"pact:{pact.id}:pledged", channel=team.channel_id,
                             thread_ts=thread, text=message["text"], blocks=message["blocks"],
                             kind="pact_pledge")
        return [mid] if mid else []
    return _dm(session, pact, f"pact:{pact.id}:pledged", owner, message, "pact_pledge")


def team_offer(session: Session, objective: Objective, owner: Member
               ) -> tuple[Goal, Team] | None:
    """Where an owner with no supporters may ask the team: the thread of the linked goal, when
    the objective is open and team-visible and the owner is in that goal's team."""
    if objective.visibility != "team" or objective.goal_id is None \
            or objective.status in ("done", "dropped"):
        return None
    goal = session.get(Goal, objective.goal_id)
    if goal is None or goal.status != "active" or not (goal.thread_ts or goal.channel_ts) \
            or not is_member(session, goal.team_id, owner.id):
        return None
    team = _team_channel(session, goal)
    return (goal, team) if team is not None else None


def ask_team(session: Session, objective: Objective, owner: Member, note: str, stamp: str
             ) -> int | None:
    """The owner's note as a reply in the linked goal's thread, with an I'll help button."""
    found = team_offer(session, objective, owner)
    if found is None:
        return None
    goal, team = found
    message = ui.stuck_team_post(owner.slack_user_id, objective.id, objective.title,
                                 goal.title, note)
    mid = outbox.enqueue(session, workspace_id=owner.workspace_id,
                         key=f"pactstuck:{objective.id}:{stamp}", channel=team.channel_id,
                         thread_ts=gq.goal_thread(session, goal, None), text=message["text"],
                         blocks=message["blocks"], kind="pact_stuck_team")
    log.info("objective %s: its owner asked the team in goal %s's thread", objective.id, goal.id)
    return mid


def recheck_team_asks(session: Session, objective_ids: list[int], now: datetime, *,
                      deleting: bool = False) -> None:
    """A stuck note for the team still waiting in the outbox goes only while the objective is
    still team-visible (rendered with its title now), else it is withdrawn."""
    if not objective_ids:
        return
    waiting = session.exec(select(OutboxMessage).where(
        OutboxMessage.status == "pending", OutboxMessage.kind == "pact_stuck_team",
        col(OutboxMessage.idempotency_key).startswith("pactstuck:")))
    for row in list(waiting):
        objective_id = int(row.idempotency_key.split(":")[1])
        if objective_id not in objective_ids:
            continue
        objective = session.get(Objective, objective_id)
        if deleting or objective is None or objective.visibility != "team":
            pq.rewrite_pending(session, row.id, None, now)
