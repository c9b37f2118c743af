"""`/pact help`, and the answer for anything `/pact` does not understand."""

from __future__ import annotations

from handlers.kit.router import CommandRequest


def register(app, services) -> None:
    router = services.commands

    @router.add("help", "Show every command with one line each.",
                examples=("help",))
    def show_help(req: CommandRequest) -> None:
        req.ack(**router.help_response())
