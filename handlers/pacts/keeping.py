"""Keeping a pact: the check-in rhythm, progress news, "I'm stuck", and thanks when the
objective is done or the shared goal achieved. No Slack in here."""

from __future__ import annotations

import hashlib
import logging
from datetime import datetime, timedelta

from sqlmodel import Session

from bot.rules.nudges import NUDGE_RULE
from handlers.kit import ids as action_ids
from handlers.kit import refusals
from handlers.kit.blocks import plural
from handlers.pacts import blocks as ui
from handlers.pacts.seen import (
    CADENCE_DAYS,
    CHECKIN_KIND,
    Result,
    _dm,
    _withdraw_waiting,
    local_today,
    owner_title,
    pact_subject,
    progress_message,
    slack_id,
    supporter_sees,
)
from handlers.pacts.threads import ask_team, team_offer
from storage.models import Goal, Member, Pact
from storage.queries import outbox, schedules
from storage.queries import pacts as q
from storage.queries import pdp as pq
from storage.queries.members import first_submission, get_member

log = logging.getLogger("pact.pacts")


def first_checkins(session: Session, pact: Pact, now: datetime) -> dict:
    step = timedelta(days=CADENCE_DAYS[pact.cadence])
    owner = session.get(Member, pact.owner_id) if pact.owner_id else None
    supporter = session.get(Member, pact.supporter_id) if pact.supporter_id else None
    return {"owner_checkin_on": local_today(owner, now) + step,
            "supporter_checkin_on": local_today(supporter, now) + step}


def ensure_checkins(session: Session, pact: Pact, now: datetime) -> None:
    """Each side's daily check-in schedule (10:00 on working days, their own time): for a
    check-in cadence, and for an end date (the pact ends that day, both sides told)."""
    if pact.cadence not in CADENCE_DAYS and pact.until is None:
        return
    for member_id in (pact.owner_id, pact.supporter_id):
        member = session.get(Member, member_id) if member_id else None
        if member is not None:
            schedules.ensure(session, workspace_id=member.workspace_id, kind=CHECKIN_KIND,
                             subject_id=member.id, rule=NUDGE_RULE, tz=member.tz, now=now)


def end_at_dates(session: Session, member: Member, now: datetime) -> list[int]:
    """The member's active pacts whose end date has come (their calendar) end, as agreed; both
    sides are told, each with the title they may see. Returns outbox ids."""
    today = local_today(member, now)
    ids = []
    for pact in q.pacts_of(session, member.id):
        if pact.until is None or pact.until > today:
            continue
        titles = {pact.supporter_id: pact_subject(session, pact),
                  pact.owner_id: owner_title(session, pact)}
        if not q.set_status(session, pact.id, ("active",), now, status="ended", ended_at=now,
                            ended_reason="until"):
            continue
        _withdraw_waiting(session, pact.id, now)
        for side, other in ((pact.owner_id, pact.supporter_id),
                            (pact.supporter_id, pact.owner_id)):
            ids += _dm(session, pact, f"pact:{pact.id}:until:{side}", slack_id(session, side),
                       ui.until_dm(slack_id(session, other), titles.get(side, ""), pact.until),
                       "pact_ended")
        log.info("pact %s reached its end date", pact.id)
    return ids


def checkin_items(session: Session, member_id: int, pact_ids: list[int]) -> list:
    """(pact id, other side, title as this member may see it) of their still-active pacts."""
    items = []
    for pact_id in pact_ids:
        pact = q.get_pact(session, pact_id)
        if pact is None or pact.status != "active":
            continue
        mine = pact.supporter_id == member_id
        title = pact_subject(session, pact) if mine else owner_title(session, pact)
        if title:
            items.append((pact.id, slack_id(session, pact.owner_id if mine
                                            else pact.supporter_id), title))
    return items


def recheck_checkins(session: Session, member_id: int | None, now: datetime) -> None:
    """A check-in DM still waiting for the member's working hours is rendered again with only
    the pacts that are still on (and titles as they may see them now), or withdrawn."""
    if member_id is None:
        return
    for row in q.pending_checkins(session, member_id, now):
        pact_ids = [int(e["value"]) for b in row.blocks or [] if b.get("type") == "actions"
                    for e in b.get("elements", []) if e.get("action_id") == action_ids.PACT_CHECKIN_MET]
        items = checkin_items(session, member_id, pact_ids)
        pq.rewrite_pending(session, row.id, ui.checkin_dm(items) if items else None, now)


def progress_changed(session: Session, objective_id: int, now: datetime) -> list[int]:
    """Supporters hear of progress at most once a day per pact: a later change the same day
    rewrites the waiting DM with the newest figure (or edits the one already sent)."""
    ids = []
    for pact in q.active_on_objective(session, objective_id):
        message = progress_message(session, pact)
        if message is None:
            continue
        key = f"pact:{pact.id}:progress:{now.date().isoformat()}"
        got = _dm(session, pact, key, slack_id(session, pact.supporter_id), message,
                  "pact_progress")
        if got:
            ids += got
            continue
        waiting = outbox.by_key(session, key)
        if waiting is not None and waiting.status == "pending":
            pq.rewrite_pending(session, waiting.id, message, now)
        elif waiting is not None and waiting.status == "sent" and waiting.sent_ts:
            got = outbox.enqueue(session, workspace_id=pact.workspace_id,
                                 key=f"{key}:edit:{int(now.timestamp() * 1000)}",
                                 channel=waiting.sent_channel or waiting.channel,
                                 update_ts=waiting.sent_ts, text=message["text"],
                                 blocks=message["blocks"], kind="pact_progress_edit")
            ids += [got] if got else []
    return ids


def objective_done(session: Session, objective_id: int, now: datetime) -> tuple[list[str], list[int]]:
    """The objective is done: its pacts end with thanks. Returns (supporters' Slack ids, outbox
    ids of their thank-you DMs)."""
    supporters, ids = [], []
    for pact in q.active_on_objective(session, objective_id):
        user = slack_id(session, pact.supporter_id)
        title = pact_subject(session, pact)
        if not title:  # done as the owner stopped sharing it: the supporter learns only that
            q.set_status(session, pact.id, ("active",), now, status="ended", ended_at=now,
                         ended_reason="hidden")
            _withdraw_waiting(session, pact.id, now)
            ids += _dm(session, pact, f"pact:{pact.id}:ended", user, ui.ended_quietly_dm(),
                       "pact_ended")
            continue
        q.set_status(session, pact.id, ("active",), now, status="ended", ended_at=now,
                     ended_reason="done")
        _withdraw_waiting(session, pact.id, now)
        if user:
            supporters.append(user)
            ids += _dm(session, pact, f"pact:{pact.id}:thanks", user,
                       ui.thanks_dm(slack_id(session, pact.owner_id), title), "pact_thanks")
    return supporters, ids


def credited_on_objective(session: Session, objective_id: int) -> list[str]:
    """Slack ids of the supporters thanked when the objective was done (for a celebration
    rendered again later)."""
    return [u for u in (slack_id(session, p.supporter_id)
                        for p in q.ended_on_objective(session, objective_id, "done")) if u]


def goal_achieved(session: Session, goal_id: int, now: datetime) -> tuple[list[str], list[int]]:
    """A shared goal with pledges was achieved: the pledges end with thanks."""
    supporters, ids = [], []
    goal = session.get(Goal, goal_id)
    for pact in q.active_pledges(session, goal_id):
        user = slack_id(session, pact.supporter_id)
        q.set_status(session, pact.id, ("active",), now, status="ended", ended_at=now,
                     ended_reason="done")
        if user:
            supporters.append(user)
            ids += _dm(session, pact, f"pact:{pact.id}:thanks", user,
                       ui.thanks_dm("", goal.title if goal else ""), "pact_thanks")
    return supporters, ids


def _own_objective(session: Session, workspace_id: str, user_id: str,
                   objective_id: int | None):
    owner = get_member(session, workspace_id, user_id)
    found = pq.get_objective(session, objective_id) if objective_id else None
    if owner is None or found is None or found[1].owner_id != owner.id:
        return None, None
    return owner, found[0]


def stuck_form(session: Session, workspace_id: str, user_id: str, objective_id: int | None
               ) -> tuple[str, int, tuple[str, str] | None, str | None]:
    """Before "I'm stuck" opens, for the objective's owner only: (title, how many support it,
    (goal title, channel) of the team thread offered when nobody does, refusal)."""
    owner, objective = _own_objective(session, workspace_id, user_id, objective_id)
    if objective is None:
        return "", 0, None, refusals.PLAN_NOT_YOURS
    supporters = len(q.active_on_objective(session, objective.id))
    offer = None if supporters else team_offer(session, objective, owner)
    if not supporters and offer is None:
        return "", 0, None, refusals.PACT_NO_SUPPORTERS
    team = (offer[0].title, offer[1].channel_id) if offer else None
    return objective.title, supporters, team, None


def stuck(session: Session, workspace_id: str, user_id: str, objective_id: int | None,
          note: str, key: str | None, now: datetime, *, ask_the_team: bool = False) -> Result:
    """The owner is stuck: every active supporter gets the owner's note; with none, and the
    objective team-visible, the note may go to the team in the linked goal's thread."""
    owner, objective = _own_objective(session, workspace_id, user_id, objective_id)
    if objective is None:
        return Result(refusal=refusals.PLAN_NOT_YOURS)
    if not note or len(note) > 500:
        return Result(errors={"note": "Say where you're stuck (up to 500 characters)."})
    pacts = q.active_on_objective(session, objective_id)
    if not pacts and (not ask_the_team or team_offer(session, objective, owner) is None):
        if team_offer(session, objective, owner) is not None:
            return Result(errors={"ask_team": refusals.PACT_STUCK_TICK_TEAM})
        return Result(refusal=refusals.PACT_NO_SUPPORTERS)
    if key and not first_submission(session, workspace_id, key):
        return Result(text="Already sent.")
    # One note per submission (two notes in the same second are two notes).
    stamp = hashlib.sha1(key.encode()).hexdigest()[:16] if key \
        else str(int(now.timestamp() * 1_000_000))
    if not pacts:
        mid = ask_team(session, objective, owner, note, stamp)
        return Result(outbox_ids=[mid] if mid else [],
                      text="Asked your team in the goal's thread. Hang in there.")
    ids = []
    for pact in pacts:
        facts = supporter_sees(session, pact)
        if facts is not None:
            ids += _dm(session, pact, f"pact:{pact.id}:stuck:{stamp}",
                       slack_id(session, pact.supporter_id),
                       ui.stuck_dm(user_id, facts.title, note), "pact_stuck")
    return Result(outbox_ids=ids, text=f"Told your {plural(len(ids), 'supporter')}. Hang in there.")


def checkin_answer(session: Session, workspace_id: str, user_id: str, pact_id: int | None,
                   answer: str, now: datetime) -> Result:
    member = get_member(session, workspace_id, user_id)
    pact = q.get_pact(session, pact_id) if pact_id else None
    if pact is None or member is None or member.id not in (pact.owner_id, pact.supporter_id):
        return Result(refusal=refusals.PACT_NOT_YOURS)
    if pact.status != "active":
        return Result(refusal=refusals.PACT_CLOSED)
    q.add_checkin(session, pact.id, member.id, answer, now)
    return Result(pact_id=pact.id, text="Thanks, noted in the pact's history."
                  if answer == "met" else "Noted. There's always next time.")

