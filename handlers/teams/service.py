"""Teams without Slack: who may set a team up, what the setup form shows, what saving does."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy.exc import IntegrityError

from bot.rules.goals import TeamInput, percent
from bot.rules.permissions import Actor, can_set_up_team
from bot.rules.recurrence import RuleError, next_after, parse_rule
from handlers.absences import service as absence_service
from handlers.kit import refusals
from handlers.kit.blocks import mention
from handlers.teams.blocks import MAX_PREFILL, team_saved_message, team_summary
from scheduling.kinds import Kind
from storage.engine import now_of, session_scope
from storage.models import Member, Team, TeamMembership
from storage.queries import goals as gq
from storage.queries import outbox
from storage.queries import teams as tq
from storage.queries.members import ensure_workspace, get_member, get_or_create_member

KINDS = [Kind("team_saved", time_bound=False)]

# A hook: (name, *args), e.g. services.emit; other features keep their schedules in step.
Emit = Callable[..., None]


@dataclass(frozen=True)
class SetupForm:
    """What `/pact team setup` opens: a refusal, or the form's people and pre-filled values.

    `listed_upto`: the id of the last member listed when a big team's members do not all fit
    the form; members after it are kept on save.
    """

    refusal: str | None = None
    editing: bool = False
    leads: list[str] = field(default_factory=list)
    members: list[str] = field(default_factory=list)
    prefill: dict = field(default_factory=dict)
    listed_upto: int | None = None


@dataclass(frozen=True)
class Saved:
    """The outcome of saving the form: a refusal, or the channel post to send now."""

    refusal: str | None = None
    message_id: int | None = None
    channel: str = ""
    people: list[str] = field(default_factory=list)  # never refreshed from Slack yet


def actor_for(session, member: Member, team: Team | None) -> Actor:
    role = tq.role_in_team(session, team.id, member.id) if team is not None else None
    return Actor(member_id=member.id, is_admin=member.is_admin, role=role,
                 is_deleted=member.is_deleted)


def active_leads(session, team_id: int) -> list[Member]:
    """The team's leads whose Slack account is still active (a deactivated lead cannot act, so
    the team's members may then take over the setup)."""
    return [m for m in tq.team_leads(session, team_id) if not m.is_deleted]


def refusal_for_team(session, team: Team) -> str:
    return refusals.team_leads_only(
        " ".join(f"{mention(m.slack_user_id)}" for m in active_leads(session, team.id)))


def may_set_up(session, member: Member, team: Team | None) -> bool:
    has_leads = team is not None and bool(active_leads(session, team.id))
    return can_set_up_team(actor_for(session, member, team), team_exists=team is not None,
                           team_has_leads=has_leads)


def next_checkin(team: Team, now: datetime) -> datetime | None:
    """When the team's weekly check-in next comes, in UTC (None if it cannot be told)."""
    try:
        rule = parse_rule(f"weekly {team.checkin_weekday} {team.checkin_time}")
        return next_after(rule, team.tz, now)
    except (RuleError, KeyError, ValueError):
        return None


def setup_form(session, workspace_id: str, caller: Member, channel_id: str) -> SetupForm:
    """The form for the team bound to `channel_id`; for a new team (no leads, not editing),
    the caller fills the people from the channel with `new_team_form`."""
    ensure_workspace(session, workspace_id)
    team = tq.team_for_channel(session, workspace_id, channel_id)
    if not may_set_up(session, caller, team):
        return SetupForm(refusal=refusal_for_team(session, team))
    if team is None:
        return SetupForm()
    rows = tq.team_members(session, team.id)
    others = [m for m, role in rows if role != "lead"]
    return SetupForm(
        editing=True, leads=[m.slack_user_id for m, role in rows if role == "lead"],
        members=[m.slack_user_id for m in others],
        prefill=dict(name=team.name, tz=team.tz, weekday=team.checkin_weekday,
                     time=team.checkin_time),
        # Members past the form's pre-fill are not listed; saving must not drop them.
        listed_upto=others[MAX_PREFILL - 1].id if len(others) > MAX_PREFILL else None)


def new_team_form(caller: Member, humans: list[str], channel_name: str) -> SetupForm:
    """A new team: the caller leads, the channel's other people are its members."""
    name = (channel_name or "").replace("-", " ").strip().title()
    return SetupForm(
        leads=[caller.slack_user_id],
        members=[u for u in humans if u != caller.slack_user_id],
        prefill=dict(name=name or "Our team", tz=caller.tz, weekday="mon", time="10:00"))


def team_overview(session, workspace_id: str, channel_id: str,
                  now: datetime | None = None) -> dict | None:
    """The `/pact team` answer, or None when the channel has no team."""
    team = tq.team_for_channel(session, workspace_id, channel_id)
    if team is None:
        return None
    rows = tq.team_members(session, team.id)
    goals = [(g.title, percent(g.baseline, g.target, g.current_value))
             for g in gq.active_goals(session, team.id)]
    return team_summary(
        name=team.name, channel_id=team.channel_id,
        leads=[m.slack_user_id for m, r in rows if r == "lead"],
        members=[m.slack_user_id for m, r in rows if r != "lead"],
        tz=team.tz, weekday=team.checkin_weekday, time=team.checkin_time,
        goals=goals, paused_reason=team.paused_reason, next_checkin=next_checkin(team, now),
        absences=absence_service.team_line(session, team.id, [m for m, _ in rows],
                                           now or now_of(session)))


def save_team(session, workspace_id: str, user_id: str, channel_id: str, form: TeamInput,
              now: datetime, *, listed_upto: int | None = None, emit: Emit) -> Saved:
    """Create or edit the channel's team as the form says, if `user_id` may; members the form
    did not list (past `listed_upto`) are kept. Emits member_left_team and team_saved."""
    ensure_workspace(session, workspace_id)
    me = get_or_create_member(session, workspace_id, user_id)
    team = tq.team_for_channel(session, workspace_id, channel_id)
    if not may_set_up(session, me, team):
        return Saved(refusal=refusal_for_team(session, team))
    created = team is None
    if created:
        team = Team(workspace_id=workspace_id, channel_id=channel_id, created_by=user_id,
                    name=form.name)
    team.name, team.tz = form.name, form.tz
    team.checkin_weekday, team.checkin_time = form.weekday, form.time
    team.updated_at = now
    session.add(team)
    session.flush()
    left = _apply_members(session, team, form, listed_upto)
    for member in left:
        emit("member_left_team", session, team, member)
    emit("team_saved", session, team)
    text, blocks = team_saved_message(
        name=team.name, channel_id=channel_id, leads=form.leads, members=form.members,
        tz=team.tz, weekday=team.checkin_weekday, time=team.checkin_time,
        created=created, next_checkin=next_checkin(team, now))
    message_id = outbox.enqueue(
        session, workspace_id=workspace_id, channel=channel_id, text=text, blocks=blocks,
        key=f"team_saved:{team.id}:{team.updated_at.isoformat()}", kind="team_saved")
    new_people = [slack_id for slack_id in [*form.leads, *form.members]
                  if (m := get_member(session, workspace_id, slack_id)) is not None
                  and m.refreshed_at is None]
    return Saved(message_id=message_id, channel=channel_id, people=new_people)


def _apply_members(session, team: Team, form: TeamInput,
                   listed_upto: int | None) -> list[Member]:
    """Make the team's memberships what the form says; the members who left."""
    wanted: dict[int, str] = {}
    for slack_id, role in [*((u, "lead") for u in form.leads),
                           *((u, "member") for u in form.members)]:
        member = get_or_create_member(session, team.workspace_id, slack_id)
        if member.is_bot:
            continue
        wanted.setdefault(member.id, role)
    current = {m.member_id: m for m in tq.memberships(session, team.id)}
    left = []
    for member_id, membership in current.items():
        if member_id not in wanted and membership.role != "lead" and \
                isinstance(listed_upto, int) and member_id > listed_upto:
            continue  # not listed in the form: kept
        if member_id not in wanted:
            left.append(session.get(Member, member_id))
            session.delete(membership)
        elif membership.role != wanted[member_id]:
            membership.role = wanted[member_id]
            session.add(membership)
    for member_id, role in wanted.items():
        if member_id not in current:
            session.add(TeamMembership(team_id=team.id, member_id=member_id, role=role))
    session.flush()
    return left


def save_team_setup(engine, workspace_id: str, user_id: str, channel_id: str,
                    form: TeamInput, now: datetime, *, listed_upto: int | None = None,
                    emit: Emit, guard=None) -> Saved:
    """`save_team` in its own transaction; when someone set up the same channel at the same
    moment, saved again as an edit of theirs. `guard(session)`, run in the transaction after
    a save, may raise to roll it back (the same submission taken twice)."""
    def attempt() -> Saved:
        with session_scope(engine) as session:
            saved = save_team(session, workspace_id, user_id, channel_id, form, now,
                              listed_upto=listed_upto, emit=emit)
            if guard is not None and not saved.refusal:
                guard(session)
            return saved
    try:
        return attempt()
    except IntegrityError:
        pass
    return attempt()
