"""The `/pact` listener: route to a subcommand, answer fast, do slow work after the ack.

A subcommand's slow part runs on the listener pool once the answer is on its way. (Bolt's lazy
listeners would do the same, but start by deep-copying the whole request on every command,
which costs more than answering `/pact help`.)
"""

from __future__ import annotations

from bot.errors import reported
from handlers.commands import CommandRequest


def register(app, services) -> None:
    router = services.commands

    def handle(ack, body, respond, client, logger):
        sub, args = router.route(body.get("text", ""))
        if sub is None:
            ack(**router.help_response(body.get("text", "")))
            return
        req = CommandRequest(body=body, args=args, ack=ack, respond=respond, client=client,
                             logger=logger, services=services)
        sub.handle(req)
        if sub.later is not None:
            services.background.submit(reported, lambda: sub.later(req), body, client, respond,
                                       services.settings.response_url_hosts)

    app.command("/pact")(handle)
