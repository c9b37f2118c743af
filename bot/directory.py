"""Who people are: members refreshed from Slack's `users.info` when Pact's copy is stale."""

from __future__ import annotations

import logging
from datetime import timedelta

from slack_sdk.errors import SlackApiError
from sqlalchemy.engine import Engine

from storage.engine import session_scope
from storage.models import Member
from storage.queries.members import get_member, get_or_create_member, upsert_member_from_slack
from storage.types import utcnow

log = logging.getLogger(__name__)
MAX_AGE = timedelta(hours=12)


def refresh_member(engine: Engine, client, team_id: str, user_id: str, *,
                   max_age: timedelta = MAX_AGE) -> Member:
    """The member for `user_id`, re-read from Slack when older than `max_age`.

    The Slack call happens between two short sessions, never inside a transaction. When Slack
    cannot answer, the stored copy (or a UTC default) is used and the refresh tried next time.
    """
    with session_scope(engine) as session:
        member = get_member(session, team_id, user_id)
        fresh = (member is not None and member.refreshed_at is not None
                 and utcnow() - member.refreshed_at < max_age)
        if fresh:
            return member
    try:
        user = client.users_info(user=user_id)["user"]
    except SlackApiError as err:
        log.warning("users.info %s failed: %s", user_id, err.response.get("error"))
        with session_scope(engine) as session:
            return get_or_create_member(session, team_id, user_id)
    with session_scope(engine) as session:
        return upsert_member_from_slack(session, team_id, user)
