"""Who people are: members refreshed from Slack's `users.info` when Pact's copy is stale."""

from __future__ import annotations

import logging
import re
from concurrent.futures import ThreadPoolExecutor, wait
from datetime import timedelta

from slack_sdk.errors import SlackApiError
from sqlalchemy.engine import Engine

from storage.engine import now_of, session_scope
from storage.models import Member
from storage.queries.members import (
    get_member,
    get_or_create_member,
    members_by_slack_ids,
    upsert_member_from_slack,
)

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
                 and now_of(session) - member.refreshed_at < max_age)
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


SLACK_USER_ID = re.compile(r"\A[UW][A-Z0-9]{2,20}\Z")
GONE = {"user_not_found", "user_not_visible", "account_inactive"}
LOOKUP_BUDGET = 1.5  # seconds: people are checked before a form's ack, inside Slack's 3 s


def not_people(engine: Engine, client, team_id: str, user_ids: list[str]) -> list[str]:
    """Those of `user_ids` that are not active, human members of this workspace: malformed
    ids, unknown users, apps and bots, deactivated accounts. Stored copies younger than
    `MAX_AGE` answer at once; the rest are asked of Slack in parallel, within a budget (an id
    Slack could not vouch for in time is refused too). Nothing is stored for an unknown id."""
    wanted = [u for u in dict.fromkeys(user_ids)]
    bad = [u for u in wanted if not isinstance(u, str) or not SLACK_USER_ID.match(u)]
    ids = [u for u in wanted if u not in bad]
    with session_scope(engine) as session:
        stored = members_by_slack_ids(session, team_id, ids)
        now = now_of(session)
        unknown = []
        for uid in ids:
            member = stored.get(uid)
            if member is not None and member.refreshed_at is not None \
                    and now - member.refreshed_at < MAX_AGE:
                if member.is_bot or member.is_deleted:
                    bad.append(uid)
            else:
                unknown.append(uid)
    if not unknown:
        return bad
    pool = ThreadPoolExecutor(max_workers=min(8, len(unknown)))
    futures = {uid: pool.submit(_lookup, client, uid) for uid in unknown}
    done, _ = wait(futures.values(), timeout=LOOKUP_BUDGET)
    pool.shutdown(wait=False, cancel_futures=True)
    for uid, future in futures.items():
        user = future.result() if future in done else None
        if not isinstance(user, dict) or user.get("deleted") or user.get("is_bot") \
                or user.get("is_app_user") or uid == "USLACKBOT":
            bad.append(uid)
            continue
        with session_scope(engine) as session:
            upsert_member_from_slack(session, team_id, user)
    return bad


def _lookup(client, user_id: str) -> dict | None:
    try:
        user = client.users_info(user=user_id)["user"]
    except SlackApiError as err:
        error = err.response.get("error")
        if error not in GONE:
            log.warning("users.info %s failed: %s", user_id, error)
        return None
    return user if isinstance(user, dict) and user.get("id") == user_id else None
