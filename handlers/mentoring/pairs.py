"""What the two people of a mentor pair do, as use cases without Slack: answer "Did you
meet?", skip the round, note the agreed time (shown to both), turn the pair into a pact."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from sqlmodel import Session

from bot.rules import matching
from handlers.kit import refusals
from handlers.kit.blocks import escape, mention
from handlers.mentoring import blocks as ui
from handlers.pacts import service as pacts
from storage.models import Member, MentorPair, Team
from storage.queries import mentoring as mq
from storage.queries import pacts as pacts_q
from storage.queries import pdp as pq
from storage.queries.members import get_or_create_member
from storage.queries.outbox import enqueue


def answer_followup(session: Session, workspace_id: str, user_id: str, value: str,
                    now: datetime) -> str:
    """Record one side's "Did you meet?"; only the two people of the pair may answer."""
    pair_text, _, answer = value.partition(":")
    pair_id = int(pair_text) if pair_text.isdigit() and len(pair_text) < 19 else None
    if pair_id is None or answer not in ("yes", "not_yet", "no"):
        return refusals.STALE
    pair, rnd = mq.pair_for(session, pair_id)
    team = session.get(Team, rnd.team_id) if rnd else None
    if pair is None or team is None or team.workspace_id != workspace_id:
        return refusals.STALE
    member = get_or_create_member(session, workspace_id, user_id)
    if member.id not in (pair.mentor_id, pair.mentee_id):
        return refusals.MENTOR_NOT_IN_PAIR
    mq.record_answer(session, pair.id, member.id, answer, now)
    return {"yes": "Great — noted that you met.", "not_yet": "Noted: not yet. There's time.",
            "no": "Noted. Thanks for saying so; it helps the next round."}[answer]


def skip_pair(session: Session, workspace_id: str, user_id: str, pair_id: int | None
              ) -> tuple[str, list[int]]:
    """One side skips the round: no "Did you meet?" for the pair, and the other side is told
    where both read (once). Returns the answer to the clicker and the messages to send."""
    pair, rnd = mq.pair_for(session, pair_id) if pair_id else (None, None)
    team = session.get(Team, rnd.team_id) if rnd else None
    if pair is None or team is None or team.workspace_id != workspace_id:
        return refusals.STALE, []
    member = get_or_create_member(session, workspace_id, user_id)
    if member.id not in (pair.mentor_id, pair.mentee_id):
        return refusals.MENTOR_NOT_IN_PAIR, []
    ids = []
    if not pair.skipped:
        pair.skipped = True
        session.add(pair)
        mq.skip_followups(session, pair.id)
        other = session.get(Member, pair.mentee_id if member.id == pair.mentor_id
                            else pair.mentor_id)
        mid = enqueue(session, workspace_id=workspace_id, key=f"mentor_skipped:{pair.id}",
                      channel=pair_channel(session, pair),
                      text=ui.skipped_text(user_id, other.slack_user_id, pair.skill),
                      kind="mentor_skipped")
        ids += [mid] if mid else []
    return "Skipped for this round; you'll be matched again next round.", ids


def book(session: Session, workspace_id: str, user_id: str, pair_id: int | None,
         note: str) -> tuple[str, MentorPair | None]:
    """One side of the pair notes the agreed time; shown to both in their group DM."""
    pair, rnd = mq.pair_for(session, pair_id) if pair_id else (None, None)
    team = session.get(Team, rnd.team_id) if rnd else None
    if pair is None or team is None or team.workspace_id != workspace_id:
        return refusals.STALE, None
    member = get_or_create_member(session, workspace_id, user_id)
    if member.id not in (pair.mentor_id, pair.mentee_id):
        return refusals.MENTOR_NOT_IN_PAIR, None
    pair.booked = note[:200]
    session.add(pair)
    return "", pair


def announce_booking(session: Session, workspace_id: str, user_id: str, pair_id: int | None,
                     key: str | None) -> list[int]:
    """The agreed time, posted once in the pair's group DM (after it was saved)."""
    pair, rnd = mq.pair_for(session, pair_id) if pair_id else (None, None)
    team = session.get(Team, rnd.team_id) if rnd else None
    if pair is None or team is None or team.workspace_id != workspace_id or not pair.booked:
        return []
    mid = enqueue(session, workspace_id=workspace_id, key=f"mentor_booked:{pair.id}:{key}",
                  channel=pair_channel(session, pair),
                  text=ui.booked_text(user_id, pair.skill, pair.booked), kind="mentor_booked")
    return [mid] if mid else []


def pair_channel(session: Session, pair: MentorPair) -> str:
    """Where both of the pair read: their intro's group DM, or (its channel not known yet)
    the group DM of the two, named by its people for the outbox to open."""
    if pair.channel_id:
        return pair.channel_id
    return ",".join(session.get(Member, i).slack_user_id for i in (pair.mentor_id, pair.mentee_id))


# ---- a pair that met becomes a pact ------------------------------------------------------

@dataclass
class PactMade:
    text: str  # the answer to whoever clicked
    outbox_ids: list[int] = field(default_factory=list)
    refresh: list[str] = field(default_factory=list)  # Slack ids whose Home tab changed
    failed: bool = False  # a refusal after changes were made: roll the transaction back


def _linked_objective(session: Session, mentee: Member, mentor: Member, skill: str
                      ) -> tuple[int, str] | None:
    """The mentee's open objective on the pair's skill that the mentor may see (its id and
    title as the mentor sees it); None when there is none or the policy hides them all."""
    pdp = pq.get_plan(session, mentee.id)
    key = matching.skill_key(skill)
    for objective in pq.objectives_of(session, pdp.id) if pdp else []:
        if objective.status not in ("not_started", "in_progress") \
                or matching.skill_key(objective.skill) != key:
            continue
        seen = pacts.objective_as_seen(session, objective.id, mentor)
        if seen is not None:
            return objective.id, seen[2].title
    return None


def to_pact(session: Session, workspace_id: str, user_id: str, pair_id: int | None,
            now: datetime) -> PactMade:
    """Either side of a pair that met turns it into a pact, once: the mentor supports the
    mentee's objective on the pair's skill, active at once (both agreed to the pairing), with
    a check-in every two weeks. Made through the pacts use cases (an offer, accepted); their
    own "offered"/"agreed" DMs give way to one message to each side saying what happened.
    A copy of the same click never gets here (the kit's `clicks_once`); the pair, locked,
    remembers its pact, so another click says so and changes nothing."""
    pair, rnd = mq.pair_for(session, pair_id, for_update=True) if pair_id else (None, None)
    team = session.get(Team, rnd.team_id) if rnd else None
    if pair is None or team is None or team.workspace_id != workspace_id:
        return PactMade(refusals.STALE)
    member = get_or_create_member(session, workspace_id, user_id)
    if member.id not in (pair.mentor_id, pair.mentee_id):
        return PactMade(refusals.MENTOR_NOT_IN_PAIR)
    if pair.pact_id is not None:
        return PactMade(refusals.MENTOR_ALREADY_PACT)
    if pair.skipped:
        return PactMade(refusals.MENTOR_SKIPPED_PAIR)
    mentor, mentee = session.get(Member, pair.mentor_id), session.get(Member, pair.mentee_id)
    found = _linked_objective(session, mentee, mentor, pair.skill)
    if found is None:
        return PactMade(refusals.mentor_no_objective(
            escape(pair.skill), mention(mentee.slack_user_id), own=member.id == mentee.id))
    objective_id, seen_title = found
    existing = pacts_q.open_pact(session, mentor.id, objective_id=objective_id)
    if existing is not None:  # the mentor supports it already: that is the pair's pact
        pair.pact_id = existing.id
        session.add(pair)
        return PactMade(refusals.MENTOR_ALREADY_PACT)
    offered = pacts.make_offer(
        session, workspace_id, mentor.slack_user_id, f"o:{objective_id}",
        pacts.OfferInput("pairing", f"Mentoring on {pair.skill}"[:500], "biweekly", None),
        None, now)
    agreed = pacts.decide(session, workspace_id, mentee.slack_user_id, offered.pact_id, True,
                          now) if offered.pact_id is not None else offered
    if offered.refusal or agreed.refusal or offered.pact_id is None:
        # Checked above, so unexpected: nothing of it may stay (the caller rolls back).
        return PactMade(offered.refusal or agreed.refusal or refusals.STALE, failed=True)
    mq.withdraw_pact_messages(session, offered.pact_id)  # told below instead, in one message
    mq.record_answer(session, pair.id, member.id, "yes", now)  # clicking says they met
    pair.pact_id = offered.pact_id
    session.add(pair)
    ids = []
    for side, other, title, as_mentor in (
            (mentor, mentee, seen_title, True),
            (mentee, mentor, pq.get_objective(session, objective_id)[0].title, False)):
        text, blocks = ui.pact_made_dm(other.slack_user_id, pair.skill, title, as_mentor)
        mid = enqueue(session, workspace_id=workspace_id, key=f"mentor_pact:{pair.id}:{side.id}",
                      channel=side.slack_user_id, text=text, blocks=blocks, kind="mentor_pact")
        ids += [mid] if mid else []
    return PactMade("Done: your mentor pair is a pact now. You were both told in a DM.", ids,
                    [mentor.slack_user_id, mentee.slack_user_id])
