"""The app factory: Services with every kind Pact schedules, and the Bolt app with every
listener. The one place that sees every feature."""

from __future__ import annotations

import logging
import uuid

from slack_bolt import App
from slack_sdk import WebClient

from bot.config import Settings
from bot.errors import refuse_unverified, report_error, was_verified
from bot.executor import ListenerExecutor
from bot.logs import start_log_ids
from bot.services import Services
from handlers import register_all
from handlers.kit.once import clicks_once
from handlers.workspaces import request_workspace
from scheduling.kinds import Kind, Kinds


def schedule_kinds() -> Kinds:
    """Every kind of schedule row and outbox message, and who hears of channel trouble."""
    from handlers import (
        absences,
        goals,
        impact,
        kudos,
        labs,
        mentoring,
        pacts,
        pdp,
        rhythm,
        teams,
        workspaces,
    )

    kinds: list[Kind] = [
        *goals.KINDS, *pdp.KINDS, *labs.KINDS, *rhythm.KINDS, *teams.KINDS, *workspaces.KINDS,
        *mentoring.KINDS, *pacts.KINDS, *kudos.KINDS, *impact.KINDS, *absences.KINDS,
    ]
    return Kinds.of(absences.held_while_away(kinds), channel_trouble=rhythm.channel_trouble,
                    look_up=absences.read_statuses)


def make_services(settings: Settings, engine) -> Services:
    return Services(settings=settings, engine=engine, kinds=schedule_kinds())


class _TokenFromClient(logging.Filter):
    """Bolt reads SLACK_BOT_TOKEN from the environment even when handed a client, then warns
    that the token is unused: Pact's client carries the token, so that notice says nothing."""

    def filter(self, record: logging.LogRecord) -> bool:
        return "`token` will be unused" not in record.getMessage()


def _quiet_token_notice() -> None:
    bolt = logging.getLogger("pact.bolt")
    if not any(isinstance(f, _TokenFromClient) for f in bolt.filters):
        bolt.addFilter(_TokenFromClient())


def create_app(services: Services, client: WebClient,
               executor: ListenerExecutor | None = None) -> App:
    """A Bolt app with every Pact listener.

    `process_before_response=True`: listeners answer in the ack phase and hand slow work to lazy
    listeners, so the ack costs well under a millisecond instead of Bolt's 10 ms ack polling.
    The token is checked lazily (on the first request, and by `pact doctor`), so the listener
    starts even while Slack is unreachable.
    """
    executor = executor or ListenerExecutor()
    services.background = executor
    if not services.kinds.by_name:
        services.kinds = schedule_kinds()
    settings = services.settings
    oauth = None
    if settings.oauth_mode:  # many workspaces: each request authorized with its own token
        from bot.installations import oauth_settings

        oauth = oauth_settings(settings, services.engine)
    _quiet_token_notice()
    app = App(
        client=client,
        signing_secret=settings.signing_secret or None,
        process_before_response=True,
        token_verification_enabled=False,
        logger=logging.getLogger("pact.bolt"),
        ignoring_self_events_enabled=True,
        listener_executor=executor,
        oauth_settings=oauth,
    )

    @app.use
    def name_the_request(body, context, next):  # noqa: A002 - Bolt names the argument `next`
        # The request's workspace (also for an org-wide install's events), which JSON log
        # lines of this request name.
        start_log_ids(workspace_id=request_workspace(body, context),
                      request_id=uuid.uuid4().hex[:12])
        return next()

    app.use(clicks_once(services))

    @app.error
    def on_error(error, body, client, respond, request):
        # Bolt calls this also when its own signature check raised: never act on such a body.
        if not was_verified(request, settings.signing_secret):
            return refuse_unverified(error)
        return report_error(error, body or {}, client, respond=respond,
                            response_urls=settings.response_url_hosts)

    register_all(app, services)
    return app
