"""Skills and peer mentoring: profiles, the team's matrix, optimal mentor rounds."""

from __future__ import annotations

import re
from functools import partial

from handlers.kit import ids
from handlers.kit.replies import ack_only, opens_modal
from handlers.mentoring import home, listeners
from handlers.mentoring.jobs import KINDS

__all__ = ["KINDS", "register"]


def register(app, services) -> None:
    add = services.commands.add
    add("skills", "Your skill profile: what you can mentor and want to learn.",
        examples=("skills",))(listeners.skills_open)
    add("skills team", "In a team's channel: who can mentor what, who wants to learn what.",
        later=listeners.skills_team_later, examples=("skills team",))(listeners.skills_team)
    add("mentor round", "For leads, in the team's channel: pair mentees with mentors now.",
        later=listeners.mentor_round_later, examples=("mentor round",))(listeners.mentor_round)
    add("mentor pause", "Sit out mentor rounds, until a date or until you opt in.",
        takes_args=True, usage="mentor pause [until DATE]",
        examples=("mentor pause", "mentor pause until 2027-03-01"))(listeners.mentor_pause)
    add("mentor opt-out", "Leave mentor rounds altogether.",
        examples=("mentor opt-out",))(listeners.mentor_opt_out)
    add("mentor opt-in", "Take part in mentor rounds again.",
        examples=("mentor opt-in",))(listeners.mentor_opt_in)
    add("mentor exclude", "For leads: leave someone out of the next round.", takes_args=True,
        usage="mentor exclude @someone", examples=("mentor exclude @bob",)
        )(listeners.mentor_exclude)
    add("mentor include", "For leads: bring someone back into the next round.",
        takes_args=True, usage="mentor include @someone",
        examples=("mentor include @bob",))(listeners.mentor_include)
    add("mentor window", "For leads: how many rounds before a pair may repeat (default 3).",
        takes_args=True, usage="mentor window [rounds]",
        examples=("mentor window", "mentor window 4"))(listeners.mentor_window)
    add("mentor schedule", "For leads: run mentor rounds every two weeks or monthly.",
        takes_args=True, usage="mentor schedule biweekly|monthly|off",
        examples=("mentor schedule biweekly", "mentor schedule off"))(listeners.mentor_schedule)
    app.action(ids.MENTOR_BOOK)(ack=ack_only, lazy=[opens_modal(listeners.book_modal, services)])
    app.view(ids.MENTOR_BOOK_CALLBACK)(ack=partial(listeners.save_book, services=services),
                                       lazy=[partial(listeners.after_book, services=services)])
    app.view(ids.SKILLS_CALLBACK)(partial(listeners.skills_save, services=services))
    app.action(re.compile(f"^{ids.MENTOR_MET}_(yes|not_yet|no)$"))(ack=ack_only,
                               lazy=[partial(listeners.met, services=services)])
    app.action(ids.MENTOR_SKIP)(ack=ack_only,
                                lazy=[partial(listeners.skip, services=services)])
    app.action(ids.MENTOR_PACT)(ack=ack_only,
                                lazy=[partial(listeners.make_pact, services=services)])
    services.add_home_section(60, "mentoring", home.section)
