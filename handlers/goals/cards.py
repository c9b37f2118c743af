"""What people read about goals: cards, details, the list, the Home section, and what each
goal modal opens with. Reads only; who may see what comes from stored data."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from zoneinfo import ZoneInfo

from bot.rules import goals as rules
from bot.rules.permissions import Actor, can_create_goal, can_edit_goal, can_take_part
from handlers.goals import posts
from handlers.goals.posts import GoalCard
from handlers.kit import refusals
from handlers.kit.blocks import escape, mention
from storage.engine import now_of
from storage.models import Goal, Member, Milestone, Team
from storage.queries import achieved
from storage.queries import goals as gq
from storage.queries import teams as tq
from storage.queries.members import get_member, get_or_create_member


@dataclass
class Opening:
    """What a modal about a goal opens with, or why it does not open."""

    refusal: str | None = None
    no_team: bool = False  # the channel has no team
    card: GoalCard | None = None
    choices: list[tuple[int, str]] = field(default_factory=list)
    team_id: int | None = None
    channel: str = ""


@dataclass
class Details:
    card: GoalCard
    can_edit: bool
    can_take_part: bool
    can_mark_achieved: bool
    updates: list[dict]
    extra: list[dict]


# ---- reading -------------------------------------------------------------------------------

def load_card(session, goal: Goal, *, team: Team | None = None,
              milestones: list[Milestone] | None = None) -> GoalCard:
    """Everything a rendering of `goal` needs, read once (pass what the caller already read)."""
    team = team or session.get(Team, goal.team_id)
    milestones = gq.milestones_of(session, goal.id) if milestones is None else milestones
    participants = gq.participant_ids(session, goal.id)
    people = gq.members_by_id(session, {goal.owner_id, *participants,
                                        *(m.done_by_id for m in milestones if m.done_by_id)})
    return _card(goal, team, milestones, participants, people)


def load_cards(session, goals: list[Goal], teams: dict[int, Team]) -> list[GoalCard]:
    """`load_card` of several goals (of the `teams` given by id) in three statements."""
    ids = [g.id for g in goals]
    milestones = gq.milestones_of_goals(session, ids)
    participants = gq.participants_of_goals(session, ids)
    people = gq.members_by_id(session, {
        *(g.owner_id for g in goals), *(p for ps in participants.values() for p in ps),
        *(m.done_by_id for ms in milestones.values() for m in ms if m.done_by_id)})
    return [_card(g, teams[g.team_id], milestones[g.id], participants[g.id], people)
            for g in goals]


def _card(goal: Goal, team: Team, milestones: list[Milestone], participants: list[int],
          people: dict[int, Member]) -> GoalCard:
    slack = lambda mid: people[mid].slack_user_id if mid in people else ""  # noqa: E731
    return GoalCard(
        id=goal.id, title=goal.title, metric=goal.metric, baseline=goal.baseline,
        target=goal.target, current=goal.current_value, unit=goal.unit,
        due_date=goal.due_date, project=goal.project, status=goal.status,
        channel_id=team.channel_id, team_name=team.name, owner=slack(goal.owner_id),
        milestones=[dict(id=m.id, title=m.title, due_date=m.due_date, done_at=m.done_at,
                         done_by=slack(m.done_by_id) if m.done_by_id else None)
                    for m in milestones],
        participants=[slack(p) for p in participants], tz=team.tz)


def card_of(session, goal_id: int) -> GoalCard | None:
    goal = session.get(Goal, goal_id)
    return load_card(session, goal) if goal is not None else None


def stamp_of(goal: Goal) -> tuple:
    """What a goal's post shows changes only with these."""
    return (goal.updated_at, goal.status, goal.current_value)


def post_now(session, goal_id: int) -> tuple[GoalCard, str, tuple] | None:
    """The goal's card, its post's ts and its stamp, or None when it has no post (yet)."""
    goal = session.get(Goal, goal_id, populate_existing=True)
    if goal is None or not goal.channel_ts:
        return None
    return load_card(session, goal), goal.channel_ts, stamp_of(goal)


def stamp_now(session, goal_id: int) -> tuple | None:
    goal = session.get(Goal, goal_id, populate_existing=True)
    return stamp_of(goal) if goal is not None else None


def actor(session, member: Member, team_id: int) -> Actor:
    return Actor(member_id=member.id, is_admin=member.is_admin,
                 role=tq.role_in_team(session, team_id, member.id),
                 is_deleted=member.is_deleted)


def goal_to_act_on(session, workspace: str, user: str, goal_id, *, edit: bool = False,
                   for_update: bool = False) -> tuple[Goal | None, Member, str | None]:
    """The one guard for a goal someone acts on: (goal, member, refusal). The goal is read in
    the caller's workspace whatever the payload's id; taking part needs the team, editing the
    goal's owner, a lead or an admin (bot.rules.permissions)."""
    goal = gq.get_goal(session, workspace, goal_id, for_update=for_update)
    me = get_or_create_member(session, workspace, user)
    if goal is None:
        return None, me, refusals.GOAL_GONE
    who = actor(session, me, goal.team_id)
    if edit and not can_edit_goal(who, owner_id=goal.owner_id):
        return goal, me, refusals.GOAL_NOT_ALLOWED_EDIT
    if not edit and not can_take_part(who):
        return goal, me, refusals.GOAL_NOT_IN_TEAM
    return goal, me, None


def team_today(team: Team, now: datetime) -> date:
    try:
        return now.astimezone(ZoneInfo(team.tz)).date()
    except (KeyError, ValueError):
        return now.astimezone(ZoneInfo("UTC")).date()


def milestone_states(milestones: list[Milestone]) -> list[rules.MilestoneState]:
    return [rules.MilestoneState(m.title, m.due_date, m.done_at is not None) for m in milestones]


def same_channel(session, goal: Goal, container: dict, reads_channel=None) -> bool:
    """Someone outside the team may read the details of a goal posted in a channel they are
    reading (the post is public to the channel anyway). The container only selects: the click
    must be on the goal's own post, and `reads_channel(channel)` (Slack's word) must say the
    person can read that channel."""
    team = session.get(Team, goal.team_id)
    if not (container.get("type") == "message" and team is not None
            and container.get("channel_id") == team.channel_id
            and goal.channel_ts and container.get("message_ts") == goal.channel_ts):
        return False
    return reads_channel is not None and bool(reads_channel(team.channel_id))


def details(session, goal: Goal, me: Member, sections, *,
            card: GoalCard | None = None) -> Details:
    """What `me` sees in the goal's details (`card` when the caller has it already)."""
    card = card or load_card(session, goal)
    who = actor(session, me, goal.team_id)
    updates = [dict(user=m.slack_user_id, value=u.value, note=u.note, at=u.created_at)
               for u, m in gq.recent_updates(session, goal.id, 8)]
    extra: list[dict] = []
    for builder in sections:
        extra.extend(builder(session, goal, me) or [])
    return Details(card, can_edit=can_edit_goal(who, owner_id=goal.owner_id),
                   can_take_part=can_take_part(who),
                   can_mark_achieved=rules.can_mark_achieved(
                       status=goal.status, milestones=card.milestone_states(),
                       baseline=goal.baseline, target=goal.target, current=goal.current_value),
                   updates=updates, extra=extra)


def details_for(session, workspace: str, user: str, goal_id, sections, *,
                container: dict | None = None, card: GoalCard | None = None,
                reads_channel=None) -> tuple[str | None, Details | None]:
    """(refusal, details) for `user` opening or refreshing the goal's details."""
    goal = gq.get_goal(session, workspace, goal_id)
    if goal is None:
        return refusals.GOAL_GONE, None
    me = get_or_create_member(session, workspace, user)
    if not (can_take_part(actor(session, me, goal.team_id))
            or same_channel(session, goal, container or {}, reads_channel)):
        return refusals.GOAL_NOT_IN_TEAM, None
    return None, details(session, goal, me, sections, card=card)


def details_of(session, workspace: str, user: str, goal_id: int, sections, *,
               card: GoalCard | None = None) -> Details | None:
    """The details shown in an open modal, refreshed after a change (None: nothing to show)."""
    goal = gq.get_goal(session, workspace, goal_id)
    me = get_member(session, workspace, user)
    if goal is None or me is None:
        return None
    return details(session, goal, me, sections, card=card)


def home_section(session, member: Member, budget: int) -> list[dict]:
    """The person's teams and the active goals Home has room for (each takes three blocks),
    read in a fixed number of statements however many teams and goals there are."""
    teams = tq.teams_of_member(session, member.id)
    if not teams:
        return []
    by_id = {t.id: t for t in teams}
    # The first `budget // 3 + 1` goals in the order shown are all Home can show.
    goals, total = gq.active_goals_of_teams(session, list(by_id), budget // 3 + 1)
    not_loaded = total - len(goals)
    loaded = list(zip(goals, load_cards(session, goals, by_id), strict=True))
    shaped = [(t.name, t.channel_id, [(card, member.slack_user_id in card.participants)
                                      for goal, card in loaded if goal.team_id == t.id])
              for t in teams]
    names = {t.id: t.name for t in teams}
    done = [(names[g.team_id], g.title, g.achieved_at) for g in
            achieved.recently_achieved_of_teams(session, list(names), now_of(session))]
    return posts.home_goals_section(shaped, budget, not_loaded=not_loaded, achieved=done)


def recently_achieved(session, team: Team, now: datetime) -> list[tuple[str, datetime]]:
    return [(g.title, g.achieved_at) for g in achieved.recently_achieved(session, team.id, now)]


def goal_list(session, workspace: str, channel_id: str, *, shown: int = posts.LIST_SHOWN
              ) -> tuple[Team, list[GoalCard], int] | None:
    """(team, the cards of the first `shown` active goals, how many are active)."""
    team = tq.team_for_channel(session, workspace, channel_id)
    if team is None:
        return None
    goals, total = gq.active_goals_of_teams(session, [team.id], shown)
    return team, load_cards(session, goals, {team.id: team}), total


# ---- opening the modals --------------------------------------------------------------------

def new_goal_form(session, workspace: str, user: str, channel_id: str) -> Opening:
    """`/pact goal new` in a channel: the team to create a goal for, or why not."""
    team = tq.team_for_channel(session, workspace, channel_id)
    if team is None:
        return Opening(no_team=True)
    me = get_or_create_member(session, workspace, user)
    if not can_create_goal(actor(session, me, team.id)):
        leads = " ".join(f"{mention(m.slack_user_id)}" for m in tq.team_leads(session, team.id))
        return Opening(refusal=refusals.goal_create_leads_only(leads))
    return Opening(team_id=team.id, channel=team.channel_id)


def form_team(session, workspace: str, team_id) -> Team | None:
    """The team a goal form (being typed into) is for, if it still exists here."""
    return tq.get_team(session, workspace, team_id)


def edit_form(session, workspace: str, user: str, goal_id) -> Opening:
    goal, _, refusal = goal_to_act_on(session, workspace, user, goal_id, edit=True)
    if refusal:
        return Opening(refusal=refusal)
    if goal.status != "active":
        return Opening(refusal=refusals.goal_not_editable(escape(goal.title), goal.status))
    card = load_card(session, goal)
    return Opening(card=card, team_id=goal.team_id, channel=card.channel_id)


def progress_form_in_channel(session, workspace: str, user: str, channel_id: str) -> Opening:
    """`/pact goal update`: the team's one active goal, or a choice among several."""
    team = tq.team_for_channel(session, workspace, channel_id)
    if team is None:
        return Opening(no_team=True)
    me = get_or_create_member(session, workspace, user)
    if not can_take_part(actor(session, me, team.id)):
        return Opening(refusal=refusals.GOAL_NOT_IN_TEAM)
    goals = gq.active_goals(session, team.id)
    if not goals:
        return Opening(refusal=refusals.goals_none_active(escape(team.name)))
    if len(goals) == 1:
        return Opening(card=load_card(session, goals[0], team=team))
    return Opening(choices=[(g.id, g.title) for g in goals])


def progress_form(session, workspace: str, user: str, goal_id) -> Opening:
    """"Log progress" on a goal's post, list, details or Home."""
    goal, _, refusal = goal_to_act_on(session, workspace, user, goal_id)
    if refusal:
        return Opening(refusal=refusal)
    if goal.status != "active":
        return Opening(refusal=refusals.goal_closed_for_progress(escape(goal.title),
                                                                 goal.status))
    return Opening(card=load_card(session, goal))
