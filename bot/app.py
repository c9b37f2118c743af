"""The app factory: Services with every kind Pact schedules, and the Bolt app with every
listener. The one place that sees every feature."""

from __future__ import annotations

import logging

from slack_bolt import App
from slack_sdk import WebClient

from bot.config import Settings
from bot.errors import refuse_unverified, report_error, was_verified
from bot.executor import ListenerExecutor
from bot.services import Services
from handlers import register_all
from scheduling.kinds import Kind, Kinds


def schedule_kinds() -> Kinds:
    """Every kind of schedule row and outbox message, and who hears of channel trouble."""
    from handlers import absences, goals, labs, pdp, rhythm, teams

    kinds: list[Kind] = [
        *goals.KINDS, *pdp.KINDS, *labs.KINDS, *rhythm.KINDS, *teams.KINDS,
        *absences.KINDS,
    ]
    return Kinds.of(kinds, channel_trouble=rhythm.channel_trouble,
                    look_up=absences.read_statuses)


def make_services(settings: Settings, engine) -> Services:
    return Services(settings=settings, engine=engine, kinds=schedule_kinds())


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
    app = App(
        client=client,
        signing_secret=services.settings.signing_secret or None,
        process_before_response=True,
        token_verification_enabled=False,
        logger=logging.getLogger("pact.bolt"),
        ignoring_self_events_enabled=True,
        listener_executor=executor,
    )

    settings = services.settings

    @app.error
    def on_error(error, body, client, respond, request):
        # Bolt calls this also when its own signature check raised: never act on such a body.
        if not was_verified(request, settings.signing_secret):
            return refuse_unverified(error)
        return report_error(error, body or {}, client, respond=respond,
                            response_urls=settings.response_url_hosts)

    register_all(app, services)
    return app
