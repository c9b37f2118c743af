"""Pacts: teammates commit to support each other's objectives (or pledge to a shared goal),
keep a check-in rhythm, and are thanked when it is done."""

from __future__ import annotations

import re
from functools import partial

from handlers.kit import ids
from handlers.kit.replies import ack_only, opens_modal
from handlers.pacts import listeners
from handlers.pacts.jobs import KINDS

__all__ = ["KINDS", "register"]


def register(app, services) -> None:
    bind = partial(partial, services=services)
    finish = [bind(listeners.finish)]
    services.commands.add("pacts", "Your pacts: whom you support and who supports you.",
                          examples=("pacts",))(listeners.pacts_command)
    services.add_home_section(30, "pacts", listeners.home_pacts)
    services.add_home_section(130, "pacts_teammates", listeners.home_teammates)
    services.goal_sections.append(listeners.goal_pledges)
    app.action(re.compile(rf"^{ids.PACT_HELP}(_\d+)?$"))(
        ack=ack_only, lazy=[opens_modal(listeners.offer_modal, services)])
    app.view(ids.PACT_OFFER_FORM)(ack=bind(listeners.save_offer), lazy=finish)
    app.action(ids.PACT_ACCEPT)(ack=bind(listeners.accept), lazy=finish)
    app.action(ids.PACT_DECLINE)(ack=bind(listeners.decline), lazy=finish)
    app.action(ids.PACT_END)(ack=bind(listeners.end), lazy=finish)
    app.action(ids.PACT_CHECKIN_MET)(ack=bind(listeners.checkin_met), lazy=finish)
    app.action(ids.PACT_CHECKIN_NOT_YET)(ack=bind(listeners.checkin_not_yet), lazy=finish)
    app.action(ids.PACT_ASK)(ack=ack_only, lazy=[opens_modal(listeners.ask_modal, services)])
    app.view(ids.PACT_ASK_FORM)(ack=bind(listeners.save_ask), lazy=finish)
    app.action(ids.PACT_STUCK)(ack=ack_only,
                               lazy=[opens_modal(listeners.stuck_modal, services)])
    app.view(ids.PACT_STUCK_FORM)(ack=bind(listeners.save_stuck), lazy=finish)
