"""Every word Pact uses to say no, in one place (as bolt keeps its log messages in one module).

A refusal says what happened and what the person can do about it, or whom to ask. Features
import these; none spells its own. Functions take only values Pact itself validated or
escaped.
"""

from __future__ import annotations

# Anything odd in a payload: a forged id, a stale button, a shape Slack never sends.
STALE = ("That button or form is out of date, so nothing was changed. Open it again from "
         "`/pact help` or the Pact Home tab.")
NOT_UNDERSTOOD = "Pact could not read that request, so nothing was changed. Please try again."
ALREADY_DONE = "That was already done, so nothing changed."

# Goals.
GOAL_NOT_ALLOWED_EDIT = ("Only the goal's owner, the team's leads or a workspace admin can "
                         "change this goal.")
GOAL_NOT_IN_TEAM = ("Only members of this goal's team can do that. A team lead can add you "
                    "with `/pact team setup` in the team's channel.")
GOAL_GONE = "That goal no longer exists in this workspace."

# Development plans.
PLAN_NOT_YOURS = "You can only change your own development plan."
PLAN_NOT_MANAGER = "Only the manager this person chose can review their plan."

# Teams and labs.
NO_TEAM_HERE = ("This channel has no Pact team yet. A lead can set one up with "
                "`/pact team setup` here.")
LAB_LEADS_ONLY = "Only the team's leads can set up its learning lab."


def not_a_person(field: str) -> str:
    """A form named someone who is not an active, human member of this workspace."""
    return f"{field}: pick people from this workspace (not apps, or deactivated accounts)."


def out_of_range(field: str, low, high) -> str:
    return f"{field} must be between {low} and {high}."
