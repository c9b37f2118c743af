"""Absences at Slack's edge: `/pact away …`, and the Home tab's date picker and "I'm back"."""

from __future__ import annotations

import logging

from slack_sdk.errors import SlackApiError

from handlers.absences import calendar, service
from handlers.kit.payload import read_interaction
from handlers.kit.replies import in_own_dm, tell
from handlers.kit.router import CommandRequest
from storage.engine import session_scope

log = logging.getLogger("pact.absences")


def away(req: CommandRequest) -> None:
    with session_scope(req.services.engine) as session:
        answer = service.away_command(session, req.team_id, req.user_id, req.args,
                                      req.services.now())
    req.ack(text=answer, response_type="ephemeral")


def holidays(req: CommandRequest) -> None:
    with session_scope(req.services.engine) as session:
        answer = calendar.holidays_command(session, req.team_id, req.channel_id, req.user_id,
                                           req.args, req.services.now())
    req.ack(text=answer, response_type="ephemeral")


def away_later(req: CommandRequest) -> None:
    _refresh_home(req.services, req.client, req.team_id, req.user_id)


def _refresh_home(services, client, team_id: str, user_id: str) -> None:
    """Show the change on their Home tab; Slack refusing (an unknown user) changes nothing."""
    try:
        services.refresh_home(client, team_id, user_id)
    except SlackApiError as err:
        log.info("Home of %s not refreshed: %s", user_id, err.response.get("error"))



def picked_on_home(body, client, services) -> None:
    _from_home(body, client, services, back=False)


def back_on_home(body, client, services) -> None:
    _from_home(body, client, services, back=True)


def _from_home(body, client, services, *, back: bool) -> None:
    who = read_interaction(body)
    if who is None:
        return
    picked = None if back else (who.action.get("selected_date") or "")
    with session_scope(services.engine) as session:
        answer = service.away_from_home(session, who.workspace_id, who.user_id, picked,
                                        services.now())
    _refresh_home(services, client, who.workspace_id, who.user_id)
    tell(client, body, answer, title="Away")


def stop_clicked(body, client, services) -> None:
    """"Stop these" on a reminder DM: stored, then the DM says so in place."""
    _reminder_click(body, client, services, service.stop_reminders)


def snooze_clicked(body, client, services) -> None:
    """"Snooze a week" on a reminder DM: stored, then the DM says so in place."""
    _reminder_click(body, client, services, service.snooze_reminders)


def _reminder_click(body, client, services, use_case) -> None:
    click = read_interaction(body)
    if click is None:
        return
    with session_scope(services.engine) as session:
        answer = use_case(session, click.workspace_id, click.user_id,
                          str(click.action.get("value") or ""), services.now())
    if click.channel_id and click.message_ts and in_own_dm(client, click.user_id,
                                                           click.channel_id):
        try:
            client.chat_update(channel=click.channel_id, ts=click.message_ts, text=answer,
                               blocks=[{"type": "section",
                                        "text": {"type": "mrkdwn", "text": answer}}])
        except SlackApiError as err:
            log.info("could not update the reminder in place: %s", err.response.get("error"))
            tell(client, body, answer, title="Reminders")
    else:
        tell(client, body, answer, title="Reminders")
    _refresh_home(services, client, click.workspace_id, click.user_id)


def resume_clicked(body, client, services) -> None:
    click = read_interaction(body)
    if click is None:
        return
    with session_scope(services.engine) as session:
        service.resume_reminders(session, click.workspace_id, click.user_id,
                                 str(click.action.get("value") or ""), services.now())
    _refresh_home(services, client, click.workspace_id, click.user_id)
