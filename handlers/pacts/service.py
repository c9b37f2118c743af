"""Pact use cases, with no Slack in them: offer, ask, agree, end, and what a plan change does
to the pacts on it.

Ids in buttons and metadata only select: who may act is read from the stored pact, and a pact
exists only while its supporter may see the objective under the visibility policy (every
check goes through `objective_as_seen`). Messages go to the outbox in the same transaction;
the caller commits and sends them.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlmodel import Session

from bot.rules.nudges import NUDGE_RULE
from bot.rules.visibility import ObjectiveFacts, relation, visible_objective
from handlers.kit import ids as action_ids
from handlers.kit import refusals
from handlers.kit.blocks import mention
from handlers.pacts import blocks as ui
from storage.models import Goal, Member, Objective, Pact, Pdp
from storage.queries import outbox, schedules
from storage.queries import pacts as q
from storage.queries import pdp as pq
from storage.queries.members import first_submission, get_member
from storage.queries.teams import is_member, teammate_ids

log = logging.getLogger("pact.pacts")

HELP_KINDS = ("review", "pairing", "resources", "audience", "other")
CADENCE_DAYS = {"weekly": 7, "biweekly": 14, "monthly": 30}
CHECKIN_KIND = "pact_checkins"


# ---- what a supporter may see ----------------------------------------------------------------


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


# ---- offering ----------------------------------------------------------------------------------


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


def offer_target(session: Session, workspace_id: str, user_id: str, target: str
                 ) -> tuple[str, str | None]:
    """What the offer modal is about, as the supporter sees it: (title, refusal)."""
    supporter = get_member(session, workspace_id, user_id)
    kind, _, raw = target.partition(":")
    target_id = int(raw) if raw.isdigit() and len(raw) < 19 else None
    if supporter is None or target_id is None:
        return "", refusals.PACT_NOT_VISIBLE
    if kind == "g":
        goal = session.get(Goal, target_id)
        if goal is None or goal.status != "active" or not is_member(session, goal.team_id,
                                                                    supporter.id):
            return "", refusals.PACT_GOAL_NOT_YOURS
        return goal.title, None
    seen = objective_as_seen(session, target_id, supporter)
    if seen is None:
        return "", refusals.PACT_NOT_VISIBLE
    owner, _, facts = seen
    if owner.id == supporter.id:
        return "", refusals.PACT_OWN_OBJECTIVE
    if facts.status in ("done", "dropped"):
        return "", refusals.PACT_CLOSED
    return facts.title, None


def check_offer(new: OfferInput, today: date) -> dict:
    errors = {}
    if new.kind not in HELP_KINDS:
        errors["kind"] = "Pick what you offer."
    if new.cadence not in CADENCE_DAYS and new.cadence != "none":
        errors["cadence"] = "Pick how often you'll check in."
    if new.until is not None and new.until <= today:
        errors["until"] = refusals.PACT_UNTIL_PAST
    if len(new.text) > 500:
        errors["text"] = "Up to 500 characters."
    return errors


def make_offer(session: Session, workspace_id: str, user_id: str, target: str,
               new: OfferInput, key: str | None, now: datetime) -> Result:
    """The supporter offers help on an objective (the owner must accept) or pledges support
    to a shared goal of their team (active at once)."""
    title, refusal = offer_target(session, workspace_id, user_id, target)
    if refusal:
        log.warning("refused an offer on %s from %s", target, user_id)
        return Result(refusal=refusal)
    errors = check_offer(new, now.date())
    if errors:
        return Result(errors=errors)
    supporter = get_member(session, workspace_id, user_id)
    kind, _, raw = target.partition(":")
    objective_id = int(raw) if kind == "o" else None
    goal_id = int(raw) if kind == "g" else None
    if q.open_pact(session, supporter.id, objective_id=objective_id, goal_id=goal_id):
        return Result(refusal=refusals.PACT_ALREADY)
    if key and not first_submission(session, workspace_id, key):
        return Result(text="Already sent.")
    if goal_id is not None:
        goal = session.get(Goal, goal_id)
        pact = _insert(session, workspace_id, goal.owner_id, supporter.id, None, goal_id,
                       "pledge", new, now, status="active")
        return Result(pact_id=pact.id, refresh=[user_id],
                      text=f"You pledged your support to “{title}”. Thank you!")
    owner = objective_as_seen(session, objective_id, supporter)[0]
    pact = _insert(session, workspace_id, owner.id, supporter.id, objective_id, None, "offer",
                   new, now)
    message = ui.offer_dm(pact.id, user_id, owner_title(session, pact), pact.offer_kind,
                          pact.offer_text, pact.cadence, pact.until)
    ids = _dm(session, pact, f"pact:{pact.id}:offer", owner.slack_user_id, message, "pact_offer")
    log.info("pact %s offered on objective %s", pact.id, objective_id)
    return Result(pact_id=pact.id, outbox_ids=ids,
                  text=f"Sent: {mention(owner.slack_user_id)} will be asked to accept your offer.")


def _insert(session, workspace_id, owner_id, supporter_id, objective_id, goal_id, origin,
            new: OfferInput, now, status="proposed") -> Pact:
    pact = Pact(workspace_id=workspace_id, owner_id=owner_id, supporter_id=supporter_id,
                objective_id=objective_id, goal_id=goal_id, origin=origin, status=status,
                offer_kind=new.kind, offer_text=new.text, cadence=new.cadence,
                until=new.until, created_at=now, accepted_at=now if status == "active" else None)
    session.add(pact)
    session.flush()
    return pact


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


# ---- asking ------------------------------------------------------------------------------------


def ask(session: Session, workspace_id: str, user_id: str, objective_id: int | None,
        supporters: list[str], note: str, key: str | None, now: datetime) -> Result:
    """The owner asks teammates (or their manager) for support on their own objective; each
    gets a DM showing the objective as they may see it."""
    owner = get_member(session, workspace_id, user_id)
    found = pq.get_objective(session, objective_id) if objective_id else None
    if owner is None or found is None or found[1].owner_id != owner.id:
        log.warning("refused an ask on objective %s from %s", objective_id, user_id)
        return Result(refusal=refusals.PLAN_NOT_YOURS)
    wanted = [u for u in dict.fromkeys(supporters) if u != user_id]
    if not wanted:
        return Result(errors={"who": refusals.PACT_PICK_SOMEONE})
    members = [get_member(session, workspace_id, u) for u in wanted]
    blind = [u for u, m in zip(wanted, members, strict=True)
             if m is None or objective_as_seen(session, objective_id, m) is None]
    if blind:
        return Result(errors={"who": refusals.pact_cannot_see(blind)})
    if len(note) > 500:
        return Result(errors={"note": "Up to 500 characters."})
    if key and not first_submission(session, workspace_id, key):
        return Result(text="Already sent.")
    ids, asked = [], []
    for member in members:
        if q.open_pact(session, member.id, objective_id=objective_id):
            continue
        pact = _insert(session, workspace_id, owner.id, member.id, objective_id, None, "ask",
                       OfferInput("other", note, "none", None), now)
        ids += _dm(session, pact, f"pact:{pact.id}:ask", member.slack_user_id,
                   _ask_message(session, pact), "pact_ask")
        asked.append(member.slack_user_id)
    who = ", ".join(f"{mention(u)}" for u in asked) or "nobody new (they already support you)"
    return Result(outbox_ids=ids, text=f"Asked {who} for support.")


def _ask_message(session: Session, pact: Pact) -> dict | None:
    facts = supporter_sees(session, pact)
    if facts is None:
        return None
    return ui.ask_dm(pact.id, slack_id(session, pact.owner_id), facts.title, facts.progress,
                     pact.offer_text)


# ---- agreeing and ending -----------------------------------------------------------------------


def _decider(pact: Pact) -> int | None:
    """Who must agree: the owner for an offer, the supporter for an ask."""
    return pact.owner_id if pact.origin == "offer" else pact.supporter_id


def decide(session: Session, workspace_id: str, user_id: str, pact_id: int | None,
           accept: bool, now: datetime) -> Result:
    member = get_member(session, workspace_id, user_id)
    pact = q.get_pact(session, pact_id, for_update=True) if pact_id else None
    if pact is None or member is None or pact.workspace_id != workspace_id \
            or _decider(pact) != member.id:
        log.warning("refused answering pact %s by %s", pact_id, user_id)
        return Result(refusal=refusals.PACT_NOT_YOURS)
    if pact.status != "proposed":
        return Result(refusal=refusals.PACT_CLOSED)
    other = pact.supporter_id if member.id == pact.owner_id else pact.owner_id
    other_user = slack_id(session, other)
    if accept and pact.objective_id is not None and supporter_sees(session, pact) is None:
        q.set_status(session, pact.id, ("proposed",), now, status="ended", ended_at=now,
                     ended_reason="hidden")
        return Result(refusal=refusals.PACT_CLOSED)
    if not accept:
        q.set_status(session, pact.id, ("proposed",), now, status="declined", ended_at=now)
        ids = _dm(session, pact, f"pact:{pact.id}:declined", other_user,
                  ui.declined_dm(user_id, pact.origin), "pact_ended")
        return Result(pact_id=pact.id, outbox_ids=ids, text="Noted: not now.")
    values = dict(status="active", accepted_at=now)
    if pact.cadence in CADENCE_DAYS:
        values.update(_first_checkins(session, pact, now))
    q.set_status(session, pact.id, ("proposed",), now, **values)
    session.refresh(pact)
    ids = _dm(session, pact, f"pact:{pact.id}:agreed", other_user,
              ui.agreed_dm(user_id, pact_subject(session, pact) if other == pact.supporter_id
                           else owner_title(session, pact)), "pact_agreed")
    _ensure_checkins(session, pact, now)
    log.info("pact %s active", pact.id)
    return Result(pact_id=pact.id, outbox_ids=ids, refresh=[user_id, other_user],
                  text=f"Pact made with {mention(other_user)}. It's on your Home tab.")


def local_today(member: Member | None, now: datetime) -> date:
    return now.astimezone(ZoneInfo(member.tz if member else "UTC")).date()


def _first_checkins(session: Session, pact: Pact, now: datetime) -> dict:
    step = timedelta(days=CADENCE_DAYS[pact.cadence])
    owner = session.get(Member, pact.owner_id) if pact.owner_id else None
    supporter = session.get(Member, pact.supporter_id) if pact.supporter_id else None
    return {"owner_checkin_on": local_today(owner, now) + step,
            "supporter_checkin_on": local_today(supporter, now) + step}


def _ensure_checkins(session: Session, pact: Pact, now: datetime) -> None:
    """Each side's daily check-in schedule (10:00 on working days, their own time)."""
    if pact.cadence not in CADENCE_DAYS:
        return
    for member_id in (pact.owner_id, pact.supporter_id):
        member = session.get(Member, member_id) if member_id else None
        if member is not None:
            schedules.ensure(session, workspace_id=member.workspace_id, kind=CHECKIN_KIND,
                             subject_id=member.id, rule=NUDGE_RULE, tz=member.tz, now=now)


def end(session: Session, workspace_id: str, user_id: str, pact_id: int | None,
        now: datetime) -> Result:
    """Either side ends a pact; the other is told, without blame."""
    member = get_member(session, workspace_id, user_id)
    pact = q.get_pact(session, pact_id, for_update=True) if pact_id else None
    if pact is None or member is None or pact.workspace_id != workspace_id \
            or member.id not in (pact.owner_id, pact.supporter_id):
        log.warning("refused ending pact %s by %s", pact_id, user_id)
        return Result(refusal=refusals.PACT_NOT_YOURS)
    if pact.status not in q.OPEN:
        return Result(text="This pact has already ended.")
    by_owner = member.id == pact.owner_id
    subject = pact_subject(session, pact)
    q.set_status(session, pact.id, q.OPEN, now, status="ended", ended_at=now,
                 ended_reason="by_owner" if by_owner else "by_supporter")
    other_user = slack_id(session, pact.supporter_id if by_owner else pact.owner_id)
    _withdraw_waiting(session, pact.id, now)
    ids = _dm(session, pact, f"pact:{pact.id}:ended", other_user,
              ui.ended_dm(user_id, subject), "pact_ended")
    return Result(pact_id=pact.id, outbox_ids=ids, refresh=[user_id, other_user],
                  text="Pact ended. Thank you for the time you gave it.")


def _withdraw_waiting(session: Session, pact_id: int, now: datetime) -> None:
    for row in q.pending_pact_messages(session, pact_id, now):
        if not row.idempotency_key.endswith(":ended"):
            pq.rewrite_pending(session, row.id, None, now)


# ---- privacy: what a plan change does to its pacts ---------------------------------------------


def recheck_plan(session: Session, pdp: Pdp, now: datetime, *, deleting: bool = False
                 ) -> list[int]:
    """After the owner changed their plan (inside that transaction): a pact whose supporter may
    no longer see the objective, or whose objective is deleted, ends, and the supporter is told
    only that it ended; waiting messages are rendered again as the supporter may see them now.
    Returns outbox ids to send."""
    objective_ids = [o.id for o in pq.objectives_of(session, pdp.id)]
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


def _rerender_waiting(session: Session, pact: Pact, now: datetime) -> None:
    for row in q.pending_pact_messages(session, pact.id, now):
        what = row.idempotency_key.split(":")[2]
        if what == "ask":
            pq.rewrite_pending(session, row.id, _ask_message(session, pact), now)
        elif what == "progress":
            pq.rewrite_pending(session, row.id, progress_message(session, pact), now)


# ---- progress, done, stuck ---------------------------------------------------------------------


def progress_message(session: Session, pact: Pact) -> dict | None:
    facts = supporter_sees(session, pact)
    if facts is None:
        return None
    return ui.progress_dm(slack_id(session, pact.owner_id), facts.title, facts.progress)


def progress_changed(session: Session, objective_id: int, now: datetime) -> list[int]:
    """Supporters hear of progress at most once a day per pact: a later change the same day
    rewrites the waiting DM with the newest figure."""
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
    return ids


def objective_done(session: Session, objective_id: int, now: datetime) -> tuple[list[str], list[int]]:
    """The objective is done: its pacts end with thanks. Returns (supporters' Slack ids, outbox
    ids of their thank-you DMs)."""
    supporters, ids = [], []
    for pact in q.active_on_objective(session, objective_id):
        user = slack_id(session, pact.supporter_id)
        title = pact_subject(session, pact)
        q.set_status(session, pact.id, ("active",), now, status="ended", ended_at=now,
                     ended_reason="done")
        if user:
            supporters.append(user)
            ids += _dm(session, pact, f"pact:{pact.id}:thanks", user,
                       ui.thanks_dm(slack_id(session, pact.owner_id), title), "pact_thanks")
    return supporters, ids


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


def stuck(session: Session, workspace_id: str, user_id: str, objective_id: int | None,
          note: str, key: str | None, now: datetime) -> Result:
    """The owner is stuck: every active supporter gets the owner's note."""
    owner = get_member(session, workspace_id, user_id)
    found = pq.get_objective(session, objective_id) if objective_id else None
    if owner is None or found is None or found[1].owner_id != owner.id:
        return Result(refusal=refusals.PLAN_NOT_YOURS)
    if not note or len(note) > 500:
        return Result(errors={"note": "Say where you're stuck (up to 500 characters)."})
    pacts = q.active_on_objective(session, objective_id)
    if not pacts:
        return Result(refusal=refusals.PACT_NO_SUPPORTERS)
    if key and not first_submission(session, workspace_id, key):
        return Result(text="Already sent.")
    ids = []
    stamp = int(now.timestamp())
    for pact in pacts:
        facts = supporter_sees(session, pact)
        if facts is not None:
            ids += _dm(session, pact, f"pact:{pact.id}:stuck:{stamp}",
                       slack_id(session, pact.supporter_id),
                       ui.stuck_dm(user_id, facts.title, note), "pact_stuck")
    return Result(outbox_ids=ids, text=f"Told your {len(ids)} supporter(s). Hang in there.")


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


# ---- listing -----------------------------------------------------------------------------------


def listing(session: Session, member: Member) -> tuple[list, list]:
    """(pacts the member supports, pacts supporting them): rows for `blocks.pact_rows`, each
    titled as that side may see it."""
    supporting, supported = [], []
    for pact in q.pacts_of(session, member.id):
        line = ui.offer_line(pact.offer_kind, pact.offer_text, pact.cadence, pact.until)
        if pact.supporter_id == member.id:
            supporting.append((pact.id, slack_id(session, pact.owner_id),
                               pact_subject(session, pact), line))
        else:
            supported.append((pact.id, slack_id(session, pact.supporter_id),
                              owner_title(session, pact), line))
    return supporting, supported


def teammates_objectives(session: Session, member: Member, limit: int = 8
                         ) -> list[tuple[str, str, str]]:
    """Open objectives of the member's teammates that the policy lets them see, not yet
    supported by them: (owner Slack id, title, help target)."""
    found = []
    for mate_id in sorted(teammate_ids(session, member.id)):
        mate = session.get(Member, mate_id)
        pdp = pq.get_plan(session, mate_id) if mate is not None and not mate.is_deleted else None
        if pdp is None:
            continue
        for objective in pq.objectives_of(session, pdp.id):
            if objective.status in ("done", "dropped") \
                    or q.open_pact(session, member.id, objective_id=objective.id):
                continue
            seen = objective_as_seen(session, objective.id, member)
            if seen is not None:
                found.append((mate.slack_user_id, seen[2].title, f"o:{objective.id}"))
            if len(found) >= limit:
                return found
    return found


def pledges(session: Session, goal: Goal, viewer: Member | None) -> tuple[int, list[str], bool]:
    """(goal id, Slack ids of who pledged support, whether the viewer may pledge now)."""
    supporters = [slack_id(session, p.supporter_id) for p in q.active_pledges(session, goal.id)]
    may = viewer is not None and goal.status == "active" \
        and is_member(session, goal.team_id, viewer.id) \
        and q.open_pact(session, viewer.id, goal_id=goal.id) is None
    return goal.id, [u for u in supporters if u], may


# ---- a person's data ---------------------------------------------------------------------------


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
