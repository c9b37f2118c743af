"""Setting up a team's learning lab (`/pact lab setup`): the form's defaults, saving it (the
rotation, the rhythm, the first announcement when it is close) and what the lead is told.
No Slack here."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from sqlmodel import Session

from bot.rules import rotation
from bot.rules.recurrence import RuleError, describe, next_after, occurrence_of, parse_rule
from handlers.kit import refusals
from handlers.kit.blocks import plural
from handlers.labs import schedules
from handlers.labs.service import allowed_to_lead, projected
from handlers.labs.sessions import announce, plan_session, settle_dms, sync_rotation
from storage.models import Lab, Team
from storage.queries import labs as lq
from storage.queries import teams as tq
from storage.queries.members import get_or_create_member


@dataclass
class SetupForm:
    team_id: int
    channel_id: str
    cadence: str
    duration: int
    announce_days: int
    members: list[str]


def setup_form(session: Session, workspace_id: str, channel_id: str,
               user_id: str) -> SetupForm | str:
    """What the setup form shows for the channel's team, or a refusal."""
    team = tq.team_for_channel(session, workspace_id, channel_id)
    if team is None:
        return refusals.NO_TEAM_HERE
    member = get_or_create_member(session, workspace_id, user_id)
    if not allowed_to_lead(session, team, member):
        return refusals.LAB_LEADS_ONLY
    lab = lq.lab_for_team(session, team.id)
    cadence, members = "every second Thursday 15:00", []
    if lab is not None:
        cadence = describe(parse_rule(lab.rule)).replace(" at ", " ")
        if not lab.rotation_is_team:
            members = [lq.slack_id(session, s.member_id) for s in lq.seats(session, lab.id)]
    return SetupForm(team.id, team.channel_id, cadence, lab.duration_minutes if lab else 60,
                     lab.announce_days if lab else 3, [m for m in members if m] or [
                         m.slack_user_id for m, _r in tq.team_members(session, team.id)])


@dataclass
class SetupInput:
    cadence: str
    duration: int
    announce_days: int
    users: list[str]  # Slack ids picked for the rotation


def save_setup(session: Session, workspace_id: str, user_id: str, team_id: int,
               form: SetupInput, now: datetime) -> dict[str, str]:
    """Save the lab from its form; the inline errors by block id (empty: saved)."""
    errors = {}
    try:
        parse_rule(form.cadence, anchor=now.date())
    except RuleError as err:
        errors["cadence"] = str(err)
    if not 1 <= form.announce_days <= 14:
        errors["announce"] = refusals.LAB_ANNOUNCE_RANGE
    team = tq.get_team(session, workspace_id, team_id)
    if team is None:
        errors["cadence"] = refusals.LAB_TEAM_GONE
        return errors
    member = get_or_create_member(session, workspace_id, user_id)
    if not allowed_to_lead(session, team, member):
        errors["cadence"] = refusals.LAB_LEADS_ONLY
    in_team = {m.slack_user_id: m.id for m, _r in tq.team_members(session, team.id)}
    outside = [u for u in form.users if u not in in_team]
    if outside:
        errors["members"] = refusals.lab_not_in_team(outside)
    if not form.users:
        errors["members"] = refusals.LAB_PICK_SOMEONE
    if errors:
        return errors
    everyone = set(in_team) == set(form.users)
    save_lab(session, team, rule_text=form.cadence, duration=form.duration,
             announce_days=form.announce_days,
             chosen=None if everyone else [in_team[u] for u in form.users],
             actor=user_id, now=now)
    return {}


def save_lab(session: Session, team: Team, *, rule_text: str, duration: int,
             announce_days: int, chosen: list[int] | None, actor: str,
             now: datetime) -> tuple[Lab, list[int]]:
    """Create or change the team's lab, its rotation and schedules. When the first session is
    closer than the announcement lead time, it is announced right away."""
    rule = parse_rule(rule_text, anchor=now.astimezone(ZoneInfo(team.tz)).date())
    lab = lq.lab_for_team(session, team.id)
    called_off: list[int] = []
    if lab is None:
        lab = Lab(team_id=team.id, rule=str(rule), created_by=actor)
    elif lab.rule != str(rule):
        # Sessions planned under the old rhythm are called off; their presenters keep turns.
        for old in lq.pending_sessions(session, lab.id, now):
            if next_after(rule, team.tz, old.starts_at - timedelta(seconds=1)) != old.starts_at:
                lq.set_status(session, old, "cancelled")
                called_off += settle_dms(session, team, old, "Called off: the lab's rhythm "
                                         "changed.", now)
                if old.presenter_id:
                    lq.save_seats(session, lab.id, rotation.give_back(
                        lq.seats(session, lab.id), old.presenter_id))
    lab.rule, lab.duration_minutes, lab.announce_days = str(rule), duration, announce_days
    lab.rotation_is_team = chosen is None
    lab.updated_at = now
    session.add(lab)
    session.flush()
    sync_rotation(session, lab, chosen)
    ids: list[int] = []
    first = next_after(rule, team.tz, now)
    if first is not None and not lq.pending_sessions(session, lab.id, now):
        shifted = next_after(rule.shifted(announce_days), team.tz, now)
        if shifted is None or occurrence_of(rule.shifted(announce_days), team.tz,
                                            shifted) != first:
            lab_session = plan_session(session, lab, first, now)
            if lab_session is not None:
                ids = announce(session, lab, team, lab_session, now)
    schedules.lab_schedules(session, lab, team, now)
    return lab, [*ids, *called_off]


@dataclass
class SetupDone:
    channel_id: str
    summary: str
    first_at: datetime | None
    first_presenter: str | None
    outbox_ids: list[int]


def setup_done(session: Session, workspace_id: str, team_id: int,
               now: datetime) -> SetupDone | None:
    """After a save: what to tell the lead, and the announcement and topic DMs to send now."""
    team = tq.get_team(session, workspace_id, team_id)
    lab = lq.lab_for_team(session, team.id) if team else None
    if lab is None:
        return None
    keys = [f"lab_announce:{s.id}" for s in lq.pending_sessions(session, lab.id, now)]
    rows = projected(session, lab, team, now, count=1)
    summary = (f"Learning lab set: {describe(parse_rule(lab.rule))} ({team.tz}), "
               f"{lab.duration_minutes} min, announced {plural(lab.announce_days, 'day')} ahead.")
    ids = [*lq.pending_message_ids(session, keys=keys),
           *lq.pending_message_ids(session, key_like="lab_topic:%")]
    return SetupDone(team.channel_id, summary, rows[0][0] if rows else None,
                     lq.slack_id(session, rows[0][1]) if rows else None, ids)
