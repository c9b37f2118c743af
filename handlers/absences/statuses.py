"""The look-up of DM recipients' Slack statuses right before the outbox sends (the registry's
`look_up`): a status that means absence makes them away until it expires."""

from __future__ import annotations

import logging
from datetime import datetime

from slack_sdk.errors import SlackApiError

from handlers.absences import service
from handlers.absences.holds import is_dm
from storage.engine import session_scope
from storage.queries import absences as aq

log = logging.getLogger("pact.absences")


def read_statuses(engine, client, messages: list, now: datetime) -> None:
    """Read the Slack status of DM recipients whose status Pact has not read lately."""
    recipients = {(m.workspace_id, m.channel) for m in messages if is_dm(m.channel)}
    if not recipients:
        return
    with session_scope(engine) as session:
        stale = aq.stale_statuses(session, recipients, now)
    for workspace_id, user_id in stale:
        try:
            user = client.users_info(user=user_id)["user"]
        except SlackApiError as err:
            log.info("users.info %s for its status failed: %s", user_id,
                     err.response.get("error"))
            continue
        with session_scope(engine) as session:
            service.record_status(session, workspace_id, user, now)
