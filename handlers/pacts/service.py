"""Pact use cases, with no Slack in them: offer, ask, agree, end, and the listings.

Messages go to the outbox in the same transaction; the caller commits and sends them. The
check-in rhythm, progress, stuck and thanks live in `checkins`; what a plan change or a
person's export and deletion do to pacts in `plan` (both re-exported here for callers).
"""

from __future__ import annotations

import logging
from datetime import date, datetime

from sqlmodel import Session

from handlers.kit import refusals
from handlers.kit.blocks import mention
from handlers.pacts import blocks as ui
from handlers.pacts.keeping import (  # noqa: F401 - re-exported for other features
    CHECKIN_KIND,
    checkin_answer,
    checkin_items,
    credited_on_objective,
    end_at_dates,
    ensure_checkins,
    first_checkins,
    goal_achieved,
    objective_done,
    progress_changed,
    stuck,
    stuck_form,
)
from handlers.pacts.plan import (  # noqa: F401
    export_of,
    forget,
    forget_without_plan,
    recheck_plan,
    waiting_ids,
)
from handlers.pacts.seen import (  # noqa: F401
    CADENCE_DAYS,
    HELP_KINDS,
    OfferInput,
    Result,
    _ask_message,
    _dm,
    _withdraw_waiting,
    local_today,
    objective_as_seen,
    objectives_as_seen,
    owner_title,
    pact_subject,
    slack_id,
    slack_ids,
    supporter_sees,
)
from handlers.pacts.threads import thank_pledge
from storage.models import Goal, Member, Pact
from storage.queries import pacts as q
from storage.queries import pdp as pq
from storage.queries import plan_facts as facts_q
from storage.queries.members import first_submission, get_member
from storage.queries.teams import is_member

log = logging.getLogger("pact.pacts")


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
        if pact.cadence in CADENCE_DAYS:  # a pledge keeps the rhythm like any pact
            for column, on in first_checkins(session, pact, now).items():
                setattr(pact, column, on)
            session.add(pact)
            session.flush()
        ensure_checkins(session, pact, now)
        return Result(pact_id=pact.id, refresh=[user_id], outbox_ids=thank_pledge(session, pact, goal),
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
        never = pact.status == "ended" and pact.accepted_at is None
        return Result(refusal=refusals.PACT_CLOSED if never
                      else refusals.pact_answered(_state(pact)), answered=answered(session, pact))
    other = pact.supporter_id if member.id == pact.owner_id else pact.owner_id
    other_user = slack_id(session, other)
    if accept and pact.objective_id is not None and supporter_sees(session, pact) is None:
        q.set_status(session, pact.id, ("proposed",), now, status="ended", ended_at=now,
                     ended_reason="hidden")
        session.refresh(pact)
        return Result(refusal=refusals.PACT_CLOSED, answered=answered(session, pact))
    if not accept:
        q.set_status(session, pact.id, ("proposed",), now, status="declined", ended_at=now)
        session.refresh(pact)
        ids = _dm(session, pact, f"pact:{pact.id}:declined", other_user,
                  ui.declined_dm(user_id, pact.origin), "pact_ended")
        return Result(pact_id=pact.id, outbox_ids=ids, text="Noted: not now.",
                      answered=answered(session, pact))
    values = dict(status="active", accepted_at=now)
    if pact.cadence in CADENCE_DAYS:
        values.update(first_checkins(session, pact, now))
    q.set_status(session, pact.id, ("proposed",), now, **values)
    session.refresh(pact)
    ids = _dm(session, pact, f"pact:{pact.id}:agreed", other_user,
              ui.agreed_dm(user_id, pact_subject(session, pact) if other == pact.supporter_id
                           else owner_title(session, pact)), "pact_agreed")
    ensure_checkins(session, pact, now)
    log.info("pact %s active", pact.id)
    return Result(pact_id=pact.id, outbox_ids=ids, refresh=[user_id, other_user],
                  text=f"Pact made with {mention(other_user)}. It's on your Home tab.",
                  answered=answered(session, pact))


def _state(pact: Pact) -> str:
    return ui.answer_state(pact.status, pact.origin, pact.accepted_at, pact.ended_at)


def answered(session: Session, pact: Pact) -> dict:
    """The Accept / Decline DM its decider clicked, as it reads once answered: an offer shows
    the owner their own objective; an ask shows the supporter only what they may see now."""
    if pact.origin == "offer":
        message = ui.offer_dm(pact.id, slack_id(session, pact.supporter_id),
                              owner_title(session, pact), pact.offer_kind, pact.offer_text,
                              pact.cadence, pact.until)
    else:
        message = _ask_message(session, pact)
    return ui.answered_dm(message, _state(pact))


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


def listing(session: Session, member: Member) -> tuple[list, list]:
    """(pacts the member supports, pacts supporting them): rows for `blocks.pact_rows`, each
    titled as that side may see it, in a fixed number of statements."""
    rows = q.pacts_with_titles(session, member.id)
    seen = objectives_as_seen(session, {p.objective_id for p, *_ in rows
                                        if p.supporter_id == member.id and p.objective_id},
                              member)
    supporting, supported = [], []
    for pact, owner_user, supporter_user, objective_title, goal_title in rows:
        line = ui.offer_line(pact.offer_kind, pact.offer_text, pact.cadence, pact.until)
        if pact.supporter_id == member.id:
            # What the pact is about, as its supporter may see it ("" when they may not).
            subject = (seen[pact.objective_id][1].title if pact.objective_id in seen else "") \
                if pact.objective_id else goal_title or ""
            supporting.append((pact.id, owner_user or "", subject, line))
        else:
            supported.append((pact.id, supporter_user or "", objective_title or goal_title or "",
                              line))
    return supporting, supported


def teammates_objectives(session: Session, member: Member, limit: int = 8
                         ) -> list[tuple[str, str, str]]:
    """Open objectives of the member's teammates that the policy lets them see, not yet
    supported by them: (owner Slack id, title, help target), by teammate then objective."""
    rows = facts_q.open_objectives_of_teammates(session, member, limit)
    seen = objectives_as_seen(session, (), member, rows=rows)
    return [(seen[o.id][0].slack_user_id, seen[o.id][1].title, f"o:{o.id}")
            for o, *_ in rows if o.id in seen][:limit]


def supporters_by_objective(session: Session, owner: Member) -> dict[int, list[str]]:
    """For the owner's own plan: who supports each of their objectives (active pacts)."""
    pacts = [p for p in q.pacts_of(session, owner.id)
             if p.owner_id == owner.id and p.objective_id is not None]
    users = slack_ids(session, {p.supporter_id for p in pacts})
    found: dict[int, list[str]] = {}
    for pact in pacts:
        if users.get(pact.supporter_id):
            found.setdefault(pact.objective_id, []).append(users[pact.supporter_id])
    return found


def pledges(session: Session, goal: Goal, viewer: Member | None) -> tuple[int, list[str], bool]:
    """(goal id, Slack ids of who pledged support, whether the viewer may pledge now)."""
    pledged = q.active_pledges(session, goal.id)
    users = slack_ids(session, {p.supporter_id for p in pledged})
    supporters = [users.get(p.supporter_id, "") for p in pledged]
    may = viewer is not None and goal.status == "active" \
        and is_member(session, goal.team_id, viewer.id) \
        and q.open_pact(session, viewer.id, goal_id=goal.id) is None
    return goal.id, [u for u in supporters if u], may

