"""Kudos use cases (no Slack): a short thanks from one person to others, posted in their
team's channel or sent only to them, at most ten a day per giver, never to oneself."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import datetime, time
from zoneinfo import ZoneInfo

from sqlmodel import Session

from handlers.kit import refusals
from handlers.kit.blocks import channel_ref
from handlers.kudos import blocks as ui
from scheduling.kinds import Kind
from storage.models import Kudos, Member, Team
from storage.queries import outbox
from storage.queries import pacts as q
from storage.queries.members import first_submission, get_or_create_member
from storage.queries.teams import team_for_channel, teams_of_member

log = logging.getLogger("pact.kudos")

DAILY_LIMIT = 10
REASON_MAX = 300

KINDS = [Kind("kudos", time_bound=False), Kind("kudos_dm", time_bound=False)]


@dataclass
class KudosInput:
    receivers: list[str]  # Slack ids, already checked to be active people
    reason: str
    private: bool = False
    message_link: str = ""  # a link Pact built from a verified payload


@dataclass
class Given:
    refusal: str | None = None
    errors: dict = field(default_factory=dict)
    outbox_ids: list[int] = field(default_factory=list)
    text: str = ""


def start_of_day(member: Member, now: datetime) -> datetime:
    zone = ZoneInfo(member.tz or "UTC")
    return datetime.combine(now.astimezone(zone).date(), time(0), tzinfo=zone)


def check(giver_user: str, new: KudosInput) -> dict:
    errors = {}
    if not new.receivers:
        errors["who"] = refusals.KUDOS_USAGE
    elif giver_user in new.receivers:
        errors["who"] = refusals.KUDOS_SELF
    if not new.reason or len(new.reason) > REASON_MAX:
        errors["reason"] = refusals.KUDOS_REASON
    return errors


def _team_for(session: Session, giver: Member, channel_id: str) -> Team | None:
    """The team whose channel the kudos go to: the channel's own team, else the giver's."""
    team = team_for_channel(session, giver.workspace_id, channel_id) if channel_id else None
    if team is not None:
        return team
    teams = [t for t in teams_of_member(session, giver.id) if not t.paused_reason]
    return teams[0] if teams else None


def give(session: Session, workspace_id: str, giver_user: str, new: KudosInput,
         channel_id: str, key: str | None, now: datetime) -> Given:
    errors = check(giver_user, new)
    if errors:
        return Given(errors=errors)
    giver = get_or_create_member(session, workspace_id, giver_user)
    already = q.kudos_given_since(session, giver.id, start_of_day(giver, now))
    if already + len(new.receivers) > DAILY_LIMIT:
        return Given(refusal=refusals.KUDOS_LIMIT)
    if key and not first_submission(session, workspace_id, key):
        return Given(text="Already sent.")
    rows = []
    for user in new.receivers:
        receiver = get_or_create_member(session, workspace_id, user)
        row = Kudos(workspace_id=workspace_id, giver_id=giver.id, receiver_id=receiver.id,
                    reason=new.reason, private=new.private, message_link=new.message_link,
                    created_at=now)
        session.add(row)
        rows.append(row)
    session.flush()
    team = None if new.private else _team_for(session, giver, channel_id)
    ids = []
    if team is not None:
        message = ui.kudos_post(giver_user, new.receivers, new.reason, new.message_link)
        got = outbox.enqueue(session, workspace_id=workspace_id, key=f"kudos:{rows[0].id}",
                             channel=team.channel_id, text=message["text"],
                             blocks=message["blocks"], kind="kudos")
        ids += [got] if got else []
        where = f"in {channel_ref(team.channel_id)}"
    else:
        for user, row in zip(new.receivers, rows, strict=True):
            message = ui.kudos_dm(giver_user, new.reason, new.message_link)
            got = outbox.enqueue(session, workspace_id=workspace_id, key=f"kudos:{row.id}:dm",
                                 channel=user, text=message["text"], blocks=message["blocks"],
                                 kind="kudos_dm")
            ids += [got] if got else []
        where = "by DM"
    log.info("kudos from member %s to %d people (%s)", giver.id, len(rows),
             "private" if team is None else "team")
    return Given(outbox_ids=ids, text=f"Kudos sent {where}. Thanks for noticing!")


def received_this_month(session: Session, member: Member, now: datetime) -> int:
    zone = ZoneInfo(member.tz or "UTC")
    local = now.astimezone(zone)
    start = datetime.combine(local.date().replace(day=1), time(0), tzinfo=zone)
    return q.kudos_received_since(session, member.id, start)
