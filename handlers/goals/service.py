"""Shared goals' use cases: create and edit, commit, log progress, mark milestones, achieve,
archive, re-post. No Slack here: each takes a session, who acts, what they asked and `now`,
and returns what to tell them and what to send.

Every id from a payload only selects: each use case re-reads the goal within the caller's
workspace and decides permission from stored data (bot.rules.permissions) before changing
anything. Hooks (`emit`) run inside the caller's transaction, as the rows they react to.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

from bot.rules import goals as rules
from bot.rules.permissions import can_create_goal, can_edit_goal, can_take_part
from handlers.goals import posts
from handlers.goals.cards import (
    actor,
    form_team,
    goal_to_act_on,
    load_card,
    milestone_states,
    stamp_of,
    team_today,
)
from handlers.goals.posts import GoalCard
from handlers.kit import refusals
from handlers.kit.blocks import escape, mention
from handlers.kudos.blocks import kudos_button_on
from handlers.pacts import blocks as pacts_ui
from handlers.pacts import service as pacts
from scheduling.kinds import Kind
from storage.engine import now_of
from storage.models import Goal, Member, Milestone, Team
from storage.queries import goals as gq
from storage.queries import outbox
from storage.queries.members import get_member, get_or_create_member

Emit = Callable[..., None]


def _no_hooks(*_args) -> None:
    return None


# ---- results -------------------------------------------------------------------------------

@dataclass
class Changed:
    """What a use case did: a refusal to show, or the goal it changed and what to send."""

    refusal: str | None = None
    goal_id: int | None = None
    outbox: list[int] = field(default_factory=list)  # message ids to send now
    card: GoalCard | None = None  # the goal as committed, rendered once for post and views
    post_ts: str | None = None  # the goal's channel post, to show `card`
    stamp: tuple | None = None  # what `card` shows, to tell whether the post is behind
    channel: str = ""  # the team's channel
    created: bool = False
    errors: dict[str, str] = field(default_factory=dict)  # a form's field -> what is wrong


@dataclass
class GoalForm:
    """A submitted goal form: what was typed, and what its sealed metadata names."""

    values: dict[str, str | None]
    team_id: int | None
    goal_id: int | None
    rows: int


# ---- decisions inside a transaction --------------------------------------------------------

def _enqueue_post(session, goal: Goal, team: Team, card: GoalCard,
                  key: str | None = None) -> int | None:
    text, blocks = posts.goal_post(card)
    return outbox.enqueue(session, workspace_id=team.workspace_id,
                          key=key or f"goal_post:{goal.id}", channel=team.channel_id, text=text,
                          blocks=blocks, kind="goal_post", after_send=f"goal_post:{goal.id}")


def _celebrate_if_due(session, goal: Goal, team: Team, milestones: list[Milestone], *,
                      now: datetime, emit: Emit, marked: bool = False) -> bool:
    """Turn an active goal achieved when the rules say so; True for the one call that did.

    The status change is a conditional UPDATE (active → achieved), so however many clicks,
    retries or processes arrive, one of them celebrates.
    """
    if not rules.celebration_due(status=goal.status, baseline=goal.baseline,
                                 target=goal.target, current=goal.current_value,
                                 marked_achieved=marked,
                                 milestones_done=rules.all_milestones_done(milestone_states(milestones))):
        return False
    if not gq.achieve(session, goal.id, now):
        return False
    session.refresh(goal)
    emit("goal_saved", session, goal)
    emit("goal_achieved", session, goal)
    return True


def _celebration(session, goal: Goal, team: Team, card: GoalCard) -> list[int | None]:
    """The goal's one celebration (its key is fixed per goal), thanking who took part; and
    the thank-you DMs of who pledged support."""
    contributors = gq.contributor_ids(session, goal.id)
    people = gq.members_by_id(session, contributors)
    text, blocks = posts.celebration(card, [people[i].slack_user_id for i in contributors
                                            if i in people])
    pledged, thanks = pacts.goal_achieved(session, goal.id, now_of(session))  # here and by DM
    credited = kudos_button_on(pacts_ui.credit_supporters({"text": text, "blocks": blocks},
                                                          pledged), "")
    text, blocks = credited["text"], credited["blocks"]
    return [outbox.enqueue(session, workspace_id=team.workspace_id,
                           key=f"celebrate:goal:{goal.id}", channel=team.channel_id, text=text,
                           blocks=blocks, kind="goal_celebration"), *thanks]


def _thread_note(goal: Goal, team: Team, session, key: str, text: str) -> int | None:
    """A line in the goal's one thread (none before the goal has a post or a thread)."""
    thread = gq.goal_thread(session, goal, None)
    if not thread:
        return None
    return outbox.enqueue(session, workspace_id=team.workspace_id, key=key,
                          channel=team.channel_id, text=text, thread_ts=thread,
                          kind="goal_thread")


def _changed(session, goal: Goal, team: Team, ids: list, *, celebrated: bool,
             milestones: list[Milestone] | None = None) -> Changed:
    """The result of a change to `goal`: its card rendered once, the celebration if any."""
    card = load_card(session, goal, team=team, milestones=milestones)
    if celebrated:
        ids = [*ids, *_celebration(session, goal, team, card)]
    return Changed(goal_id=goal.id, outbox=[i for i in ids if i is not None], card=card,
                   post_ts=goal.channel_ts, stamp=stamp_of(goal), channel=team.channel_id)


# ---- the use cases -------------------------------------------------------------------------

def save_goal(session, workspace: str, user: str, form: GoalForm, now: datetime, *,
              emit: Emit = _no_hooks) -> Changed:
    """Create a goal (and its channel post), or apply an edit to an active one."""
    me = get_member(session, workspace, user)
    # Locked: a goal achieved or archived while the form was open is seen as such.
    goal = gq.get_goal(session, workspace, form.goal_id, for_update=True) \
        if form.goal_id else None
    if form.goal_id and goal is None:
        return Changed(refusal=refusals.GOAL_GONE)
    team = session.get(Team, goal.team_id) if goal else form_team(session, workspace,
                                                                  form.team_id)
    if team is None or me is None:
        return Changed(refusal=refusals.GOAL_TEAM_GONE)
    who = actor(session, me, team.id)
    if goal is None and not can_create_goal(who):
        return Changed(refusal=refusals.GOAL_CREATE_LEADS_ONLY)
    if goal is not None and not can_edit_goal(who, owner_id=goal.owner_id):
        return Changed(refusal=refusals.GOAL_NOT_ALLOWED_EDIT)
    if goal is not None and goal.status != "active":
        return Changed(refusal=refusals.goal_not_editable(escape(goal.title), goal.status))
    keep = {}
    if goal is not None:
        keep = {row: m.due_date for row, m in enumerate(gq.milestones_of(session, goal.id))}
        keep[-1] = goal.due_date
    typed, errors = rules.validate_goal(form.values, form.rows, team_today(team, now),
                                        keep_dates=keep)
    if errors:
        return Changed(errors=errors)
    if goal is None:
        goal = gq.create_goal(session, team, me.id, typed)
        emit("goal_saved", session, goal)
        card = load_card(session, goal, team=team)
        return Changed(goal_id=goal.id, outbox=[_enqueue_post(session, goal, team, card)],
                       card=card, channel=team.channel_id, created=True)
    # The current value moves with the baseline until someone logs a value.
    current = goal.current_value
    if current == goal.baseline and not gq.has_logged_values(session, goal.id):
        current = typed.baseline
    goal = gq.update_goal(session, goal, typed, current_value=current, now=now)
    milestones = gq.milestones_of(session, goal.id)
    celebrated = _celebrate_if_due(session, goal, team, milestones, now=now, emit=emit)
    emit("goal_saved", session, goal)
    return _changed(session, goal, team, [], celebrated=celebrated, milestones=milestones)


def join(session, workspace: str, user: str, goal_id, now: datetime) -> Changed:
    """ "I'm in": once per person, with a DM offering a linked objective."""
    goal, me, refusal = goal_to_act_on(session, workspace, user, goal_id)
    if refusal:
        return Changed(refusal=refusal)
    if goal.status != "active":
        return Changed(refusal=refusals.goal_no_commitments(escape(goal.title), goal.status))
    if not gq.add_participant(session, goal.id, me.id):
        return Changed(refusal=refusals.goal_already_in(escape(goal.title)))
    team = session.get(Team, goal.team_id)
    result = _changed(session, goal, team, [], celebrated=False)
    text, blocks = posts.joined_dm(result.card)
    dm = outbox.enqueue(session, workspace_id=workspace, channel=user, text=text,
                        blocks=blocks, key=f"goal_join:{goal.id}:{me.id}", kind="goal_join_dm")
    result.outbox = [i for i in [dm] if i is not None]
    return result


def log_progress(session, workspace: str, user: str, goal_id, form: rules.ProgressInput,
                 now: datetime, *, emit: Emit = _no_hooks) -> Changed:
    """Keep one progress update, note it in the post's thread, celebrate when it reaches the
    target; the goal's card is rendered once, for the post and any view to refresh.

    Locked from the read to the commit: a goal achieved by someone else a moment ago is seen
    as achieved, and concurrent updates apply one after the other.
    """
    goal, me, refusal = goal_to_act_on(session, workspace, user, goal_id, for_update=True)
    if refusal:
        return Changed(refusal=refusal)
    if goal.status != "active":
        return Changed(refusal=refusals.goal_no_progress(goal.status))
    before = goal.current_value
    new_value = None if form.value is None else rules.apply_update(before, form.value,
                                                                   form.mode)
    entry = gq.add_progress(session, goal, me.id, new_value, form.note, now)
    team = session.get(Team, goal.team_id)
    note = posts.progress_note(
        user=user, before=before if new_value is not None else None, after=new_value,
        unit=goal.unit, note=form.note,
        percent=rules.percent(goal.baseline, goal.target, goal.current_value))
    ids = [_thread_note(goal, team, session, f"goal_progress:{entry.id}", note)]
    milestones = gq.milestones_of(session, goal.id)
    celebrated = _celebrate_if_due(session, goal, team, milestones, now=now, emit=emit)
    return _changed(session, goal, team, ids, celebrated=celebrated, milestones=milestones)


def mark_milestone(session, workspace: str, user: str, milestone_id, now: datetime, *,
                   emit: Emit = _no_hooks) -> Changed:
    """A milestone done, once, noted in the post's thread (and when it was the last one)."""
    found = gq.get_milestone(session, workspace, milestone_id)
    me = get_or_create_member(session, workspace, user)
    if found is None:
        return Changed(refusal=refusals.GOAL_MILESTONE_GONE)
    milestone, goal = found
    if not can_take_part(actor(session, me, goal.team_id)):
        return Changed(refusal=refusals.GOAL_NOT_IN_TEAM)
    if goal.status != "active":
        return Changed(refusal=refusals.goal_closed(escape(goal.title), goal.status))
    if not gq.mark_milestone_done(session, milestone.id, me.id, now):
        session.refresh(milestone)
        by = session.get(Member, milestone.done_by_id) if milestone.done_by_id else None
        return Changed(refusal=refusals.milestone_already_done(
            escape(milestone.title), f"{mention(by.slack_user_id)}" if by else ""))
    goal = gq.lock_goal(session, goal.id)
    gq.touch(session, goal, now)
    team = session.get(Team, goal.team_id)
    ids = [_thread_note(goal, team, session, f"milestone_done:{milestone.id}",
                        f"✅ {mention(user)} marked the milestone “{escape(milestone.title)}” done.")]
    milestones = gq.milestones_of(session, goal.id)
    if rules.all_milestones_done(milestone_states(milestones)) and goal.status == "active":
        ids.append(_thread_note(
            goal, team, session, f"milestones_all_done:{goal.id}",
            "🏁 Every milestone is done! A lead can mark the goal achieved from *Details* to "
            "celebrate it."))
    emit("goal_saved", session, goal)
    return _changed(session, goal, team, ids, celebrated=False, milestones=milestones)


def mark_achieved(session, workspace: str, user: str, goal_id, now: datetime, *,
                  emit: Emit = _no_hooks) -> Changed:
    goal, me, refusal = goal_to_act_on(session, workspace, user, goal_id, edit=True, for_update=True)
    if refusal:
        return Changed(refusal=refusal)
    milestones = gq.milestones_of(session, goal.id)
    if goal.status == "achieved":
        return Changed(refusal=refusals.goal_already_achieved(escape(goal.title)))
    if not rules.can_mark_achieved(status=goal.status, milestones=milestone_states(milestones),
                                   baseline=goal.baseline, target=goal.target,
                                   current=goal.current_value):
        return Changed(refusal=refusals.GOAL_NOT_YET_ACHIEVABLE)
    team = session.get(Team, goal.team_id)
    celebrated = _celebrate_if_due(session, goal, team, milestones, now=now, emit=emit,
                                   marked=True)
    return _changed(session, goal, team, [], celebrated=celebrated, milestones=milestones)


def archive(session, workspace: str, user: str, goal_id, *,
            emit: Emit = _no_hooks) -> Changed:
    goal, me, refusal = goal_to_act_on(session, workspace, user, goal_id, edit=True)
    if refusal:
        return Changed(refusal=refusal)
    if not gq.archive(session, goal.id):
        return Changed(refusal=refusals.goal_nothing_to_archive(escape(goal.title),
                                                                goal.status))
    session.refresh(goal)
    emit("goal_saved", session, goal)
    return _changed(session, goal, session.get(Team, goal.team_id), [], celebrated=False)


def repost(session, workspace: str, user: str, goal_id) -> Changed:
    """Post a goal whose announcement never reached its channel (Pact was not invited yet):
    the waiting announcement goes now, or a new one is queued."""
    goal, me, refusal = goal_to_act_on(session, workspace, user, goal_id, for_update=True)
    if refusal:
        return Changed(refusal=refusal)
    if goal.channel_ts:
        return Changed(refusal=refusals.goal_already_posted(escape(goal.title)))
    team = session.get(Team, goal.team_id)
    announcements = gq.post_messages(session, goal.id)
    waiting = [m.id for m in announcements if m.status == "pending"
               and gq.post_due_now(session, m.id)]
    if not waiting and any(m.status == "pending" for m in announcements):
        return Changed(refusal=refusals.GOAL_POSTING_NOW)
    card = load_card(session, goal, team=team)
    if waiting:
        message_id = waiting[0]
    else:
        message_id = _enqueue_post(session, goal, team, card,
                                   key=f"goal_post:{goal.id}:again{len(announcements)}")
    return Changed(goal_id=goal.id, outbox=[message_id] if message_id else [], card=card,
                   channel=team.channel_id)


def _store_post_ts(session, ref: str, channel: str, ts: str) -> None:
    gq.set_channel_ts(session, int(ref), ts)


KINDS = [
    Kind("goal_post", time_bound=False, after_send=_store_post_ts),
    Kind("goal_celebration", time_bound=False),
    Kind("goal_thread", time_bound=False),
    Kind("goal_join_dm", time_bound=False),
]
