"""Impact you can see: anonymous pulse surveys and the participation report."""

from __future__ import annotations

from functools import partial

from handlers.impact import feedback_listeners, pulse_listeners, report_listeners
from handlers.impact.jobs import KINDS
from handlers.kit import ids
from handlers.kit.replies import ack_only, opens_modal

__all__ = ["KINDS", "register"]


def register(app, services) -> None:
    services.commands.add("pulse setup", "Set up the team's anonymous pulse survey (leads).",
                          examples=("pulse setup",))(pulse_listeners.pulse_setup)
    services.commands.add("digest", "Turn the team's weekly digest on or off (leads).",
                          takes_args=True, usage="digest on [weekday] [HH:MM] | digest off",
                          examples=("digest on fri 16:00", "digest off")
                          )(pulse_listeners.digest_command)
    app.view(ids.PULSE_SETUP_CALLBACK)(partial(pulse_listeners.save_setup, services=services))
    app.action(ids.PULSE_ANSWER)(ack=ack_only, lazy=[opens_modal(
        pulse_listeners.answer_modal, services, title="Pulse")])
    app.view(ids.PULSE_ANSWER_CALLBACK)(partial(pulse_listeners.save_answer,
                                                services=services))
    services.commands.add("report", "Participation and impact per team and month (leads, "
                          "admins): in your DM, with a chart and a CSV.",
                          later=report_listeners.report_later,
                          examples=("report",))(report_listeners.report_command)
    app.action(ids.REPORT_CSV)(ack=ack_only,
                               lazy=[partial(report_listeners.send_csv, services=services)])
    app.action(ids.FEEDBACK_ASK)(ack=ack_only, lazy=[opens_modal(
        feedback_listeners.ask_modal, services, title="Feedback")])
    app.view(ids.FEEDBACK_ASK_CALLBACK)(
        ack=partial(feedback_listeners.save_ask, services=services),
        lazy=[partial(feedback_listeners.send_feedback_dms, services=services)])
    app.action(ids.FEEDBACK_GIVE)(ack=ack_only, lazy=[opens_modal(
        feedback_listeners.give_modal, services, title="Feedback")])
    services.commands.add("feedback", "Read the feedback on your objectives, or on those "
                          "someone shares with you.", takes_args=True,
                          usage="feedback [@someone]",
                          examples=("feedback",))(feedback_listeners.feedback_command)
    app.view(ids.FEEDBACK_GIVE_CALLBACK)(
        ack=partial(feedback_listeners.save_give, services=services),
        lazy=[partial(feedback_listeners.send_feedback_dms, services=services)])
