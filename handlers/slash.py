"""The one `/pact` listener: route to a subcommand, answer fast, do slow work after the ack."""

from __future__ import annotations

from bot.errors import reported
from handlers.commands import CommandRequest


def register(app, services) -> None:
    router = services.commands

    def _request(body, ack, respond, client, logger, args=None) -> CommandRequest:
        return CommandRequest(body=body, args=args or [], ack=ack, respond=respond,
                              client=client, logger=logger, services=services)

    def handle(ack, body, respond, client, logger):
        sub, args = router.route(body.get("text", ""))
        if sub is None:
            ack(**router.help_response(body.get("text", "")))
            return
        sub.handle(_request(body, ack, respond, client, logger, args))

    def later(body, respond, client, logger):
        sub, args = router.route(body.get("text", ""))
        if sub is not None and sub.later is not None:
            req = _request(body, lambda *a, **k: None, respond, client, logger, args)
            reported(lambda: sub.later(req), body, client, respond)

    app.command("/pact")(ack=handle, lazy=[later])
