"""The kinds of message mentoring sends: intros, reasons for the unpaired, follow-ups."""

from __future__ import annotations

from handlers.rhythm.jobs import hold_nudges
from scheduling.kinds import Kind

KINDS = [
    Kind("mentor_intro", time_bound=False),
    Kind("mentor_booked", time_bound=False),
    Kind("mentor_unpaired", time_bound=False, hold=hold_nudges),
    # Ten days on, in each person's working hours (held again if it is late and off-hours).
    Kind("mentor_followup", time_bound=False, hold=hold_nudges),
]
