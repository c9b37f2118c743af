"""The mechanics of lab sessions, shared by the use cases and the scheduled jobs: a fair
rotation, who presents, topics shown only as visible as their owner set them, and the messages
that tell the team (announcement, its edits in place, notes in its thread, the topic DM).

Everything here runs inside the caller's transaction and only enqueues; Slack is never called.
"""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Session

from bot.rules import rotation
from bot.rules.rotation import Seat
from bot.rules.visibility import TEAM, TEAM_AUDIENCE, may_see
from handlers.kit.blocks import context, with_state_line
from handlers.labs import blocks as ui
from handlers.labs import schedules
from storage.models import Lab, LabSession, Member, Objective, Team
from storage.queries import absences as aq
from storage.queries import checkins as cq
from storage.queries import labs as lq
from storage.queries.outbox import enqueue


def shareable_topic(session: Session, lab_session: LabSession) -> str:
    """The session's topic as the team may see it now.

    A topic drawn from an objective is checked again whenever it is shown: its owner may have
    made the objective private (or deleted it) since it was picked. Then the topic is dropped
    ("to be announced"), never shown.
    """
    if lab_session.objective_id is None:
        return lab_session.topic
    objective = session.get(Objective, lab_session.objective_id)
    if objective is None or not may_see(TEAM_AUDIENCE, objective.visibility):
        lq.set_topic(session, lab_session, "", None)
        return ""
    if lab_session.topic != objective.title:
        lq.set_topic(session, lab_session, objective.title, objective.id)
    return lab_session.topic


def topic_objective(session: Session, member_id: int | None) -> Objective | None:
    """The presenter's topic: a team-visible objective in progress (never anything less
    visible), the most recently worked on first."""
    if not member_id:
        return None
    return lq.latest_objective(session, member_id, visibility=TEAM, status="in_progress")


def set_presenter(session: Session, lab_session: LabSession, member_id: int | None,
                  now: datetime) -> None:
    lq.set_presenter(session, lab_session, member_id, topic_objective(session, member_id), now)


# ---- the rotation ------------------------------------------------------------------------

def sync_rotation(session: Session, lab: Lab, chosen: list[int] | None = None) -> list[Seat]:
    """Bring the rotation in step: the whole team (default) or `chosen`, minus leavers."""
    team_members = lq.eligible_members(session, lab.team_id)
    current = lq.seats(session, lab.id)
    if chosen is not None:
        wanted = [m for m in chosen if m in set(team_members)]
    elif lab.rotation_is_team:
        wanted = team_members
    else:
        wanted = [s.member_id for s in current if s.member_id in set(team_members)]
    new = rotation.sync(current, wanted)
    if new != current:
        lq.save_seats(session, lab.id, new)
    return new


def plan_session(session: Session, lab: Lab, starts_at: datetime,
                 now: datetime) -> LabSession | None:
    """Create the session at `starts_at` with the next presenter in line; None if it exists."""
    lab_session = lq.insert_session(session, lab.id, starts_at, now)
    if lab_session is None:
        return None
    current = sync_rotation(session, lab)
    # Someone away at the session keeps their place in line and presents after their return.
    away = aq.away_members(session, [s.member_id for s in current], starts_at)
    presenter, after = rotation.pick_around(current, away)
    if presenter is not None:
        lq.save_seats(session, lab.id, after)
    set_presenter(session, lab_session, presenter, now)
    session.flush()
    return lab_session


def plan_for(session: Session, lab: Lab, starts_at: datetime, member_id: int,
             now: datetime) -> LabSession | None:
    """Plan, ahead of its announcement, the session `/pact lab` lists `member_id` for (they set
    its topic now): they present it and their turn is taken, as the rotation foresaw."""
    current = sync_rotation(session, lab)
    lab_session = lq.insert_session(session, lab.id, starts_at, now) \
        if member_id in {s.member_id for s in current} else None
    if lab_session is None:
        return None
    lq.save_seats(session, lab.id, rotation.presented(current, member_id))
    set_presenter(session, lab_session, member_id, now)
    session.flush()
    return lab_session


def cancel_planned(session: Session, lab: Lab, lab_session: LabSession | None,
                   now: datetime) -> None:
    """A session planned ahead (its topic set early) that will not take place (a team
    holiday): called off before it was announced, its presenter keeps their turn."""
    if lab_session is None or lab_session.status != "scheduled" or lab_session.channel_ts:
        return
    if lab_session.presenter_id is not None:
        lq.save_seats(session, lab.id, rotation.give_back(sync_rotation(session, lab),
                                                          lab_session.presenter_id))
    lab_session.status = "cancelled"
    session.add(lab_session)
    session.flush()


def skip(session: Session, lab: Lab, lab_session: LabSession, now: datetime) -> int | None:
    """The presenter passes: the next person in line presents, the skipper keeps their turn.
    Returns the new presenter, or None when nobody else can (nothing changes then)."""
    skipper = lab_session.presenter_id
    passed = set(lab_session.skipped_by or []) | {skipper}
    current = rotation.give_back(sync_rotation(session, lab), skipper)
    replacement = rotation.pick(current, exclude=passed)
    if replacement is None:
        return None
    lq.save_seats(session, lab.id, rotation.presented(current, replacement))
    lab_session.skipped_by = sorted(passed)
    set_presenter(session, lab_session, replacement, now)
    session.flush()
    return replacement


def swap(session: Session, lab: Lab, lab_session: LabSession, other_id: int,
         now: datetime) -> LabSession | None:
    """`other_id` presents this session instead; if they had a later session, the asker takes
    it. Returns that other session, if any."""
    asker = lab_session.presenter_id
    theirs = lq.next_session_presented_by(session, lab.id, other_id, now,
                                          other_than=lab_session.id)
    if theirs is None:
        current = rotation.give_back(sync_rotation(session, lab), asker)
        lq.save_seats(session, lab.id, rotation.presented(current, other_id))
    else:
        set_presenter(session, theirs, asker, now)
    set_presenter(session, lab_session, other_id, now)
    session.flush()
    return theirs


def hand_on(session: Session, team: Team, member: Member, now: datetime) -> list[LabSession]:
    """Someone left the team: out of the rotation; their upcoming sessions get the next person
    (a swap waiting for their answer is dropped). Returns the sessions that changed."""
    lab = lq.lab_for_team(session, team.id)
    if lab is None:
        return []
    lq.remove_seat(session, lab.id, member.id)
    changed = []
    for lab_session in lq.pending_sessions(session, lab.id, now):
        if lab_session.presenter_id == member.id:
            current = sync_rotation(session, lab)
            nxt = rotation.pick(current)
            if nxt is not None:
                lq.save_seats(session, lab.id, rotation.presented(current, nxt))
            set_presenter(session, lab_session, nxt, now)
            changed.append(lab_session)
        elif lab_session.swap_with_id == member.id:
            lq.set_swap_with(session, lab_session, None)
            changed.append(lab_session)
    session.flush()
    return changed


# ---- what the team is told ---------------------------------------------------------------

def announcement_of(session: Session, lab: Lab, team: Team,
                    lab_session: LabSession) -> tuple[str, list[dict]]:
    return ui.announcement(lab_session.id, team.name, lab_session.starts_at,
                           lab.duration_minutes, lq.slack_id(session, lab_session.presenter_id),
                           shareable_topic(session, lab_session), lab_session.status,
                           objective_id=lab_session.objective_id, tz=team.tz)


def update_post(session: Session, lab: Lab, team: Team, lab_session: LabSession,
                now: datetime) -> int | None:
    """An outbox row editing the session's announcement to show it as it is now (none while
    it is not posted yet)."""
    if not lab_session.channel_ts:
        return None
    text, blocks = announcement_of(session, lab, team, lab_session)
    return enqueue(session, workspace_id=team.workspace_id, channel=team.channel_id,
                   update_ts=lab_session.channel_ts, text=text, blocks=blocks,
                   kind="lab_update", key=f"lab_update:{lab_session.id}:{now.isoformat()}",
                   not_before=now)


def announce(session: Session, lab: Lab, team: Team, lab_session: LabSession,
             now: datetime, note: str = "") -> list[int]:
    """Enqueue the session's announcement, and the presenter's DM with their controls.
    `note` (safe mrkdwn): why it is not at its usual time (a team holiday)."""
    presenter = lq.slack_id(session, lab_session.presenter_id)
    topic = shareable_topic(session, lab_session)
    text, blocks = ui.announcement(lab_session.id, team.name, lab_session.starts_at,
                                   lab.duration_minutes, presenter, topic,
                                   objective_id=lab_session.objective_id, tz=team.tz)
    if note:
        text, blocks = f"{note} {text}", [*blocks[:1], context(note), *blocks[1:]]
    ids = [enqueue(session, workspace_id=team.workspace_id,
                   key=f"lab_announce:{lab_session.id}", channel=team.channel_id, text=text,
                   blocks=blocks, kind="lab_announce", after_send=f"lab_post:{lab_session.id}",
                   not_before=now)]
    ids.append(tell_presenter(session, team, lab_session, now))
    schedules.session_schedules(session, lab, team, lab_session, now)
    return [i for i in ids if i is not None]


def note_in_thread(session: Session, team: Team, lab_session: LabSession, text: str,
                   key: str, now: datetime | None = None) -> int | None:
    """A line in the announcement's thread (none while it is not posted yet)."""
    if not lab_session.channel_ts:
        return None
    return enqueue(session, workspace_id=team.workspace_id, key=key, channel=team.channel_id,
                   text=text, thread_ts=lab_session.channel_ts, kind="lab_change",
                   not_before=now)


def tell_presenter(session: Session, team: Team, lab_session: LabSession,
                   now: datetime | None = None) -> int | None:
    """The presenter's DM: their skip and swap buttons, and a request for a topic when the
    session has none (the channel post keeps only what everyone may press)."""
    presenter = lq.slack_id(session, lab_session.presenter_id)
    if not presenter:
        return None
    text, blocks = ui.presenter_dm(team.name, lab_session.starts_at,
                                   shareable_topic(session, lab_session), lab_session.id)
    return enqueue(session, workspace_id=team.workspace_id,
                   key=f"lab_topic:{lab_session.id}:{presenter}", channel=presenter, text=text,
                   blocks=blocks, kind="lab_topic", not_before=now)


DM_KINDS = ("lab_topic", "lab_reminder", "lab_followup")


def settle_dms(session: Session, team: Team, lab_session: LabSession, state: str,
               now: datetime, *, of: str | None = None, kinds=DM_KINDS) -> list[int]:
    """The session's DMs that went out (all, or those to `of`, a Slack id) lose their buttons
    for one short state line ("Recorded as held by … on …"), edited in place once."""
    ids = []
    for kind in kinds:
        for sent in cq.sent_posts(session, f"{kind}:{lab_session.id}:{of or ''}"):
            if (of and not sent.idempotency_key.endswith(f":{of}")) or not any(
                    b.get("type") == "actions" for b in sent.blocks or []):
                continue
            ids.append(enqueue(session, workspace_id=team.workspace_id,
                               key=f"lab_settled:{sent.id}", channel=sent.sent_channel
                               or sent.channel, update_ts=sent.sent_ts, text=sent.text,
                               blocks=with_state_line(sent.blocks, state), kind="lab_update",
                               not_before=now))
    return [i for i in ids if i is not None]
