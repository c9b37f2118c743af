"""Action ids shared between features: a button one feature posts, another feature handles.

Kept in one place so a check-in post and a goal post use the same "Log progress" handler.
"""

# Goals (handled in handlers/goals.py). Value: the goal id.
GOAL_JOIN = "goal_join"  # "I'm in"
GOAL_LOG_PROGRESS = "goal_log_progress"  # opens the progress modal
GOAL_DETAILS = "goal_details"
# Value: the milestone id.
MILESTONE_MARK_DONE = "milestone_mark_done"

# Development plans (handled in handlers/pdp.py).
PDP_OPEN = "pdp_open"  # opens the person's plan; value unused
PDP_OBJECTIVE_FROM_GOAL = "pdp_objective_from_goal"  # value: goal id; pre-filled objective
PDP_LOG_PROGRESS = "pdp_log_progress"  # value: objective id

# The rhythm (handled in handlers/rhythm.py and handlers/labs.py).
CHECKIN_STUCK = "checkin_stuck"  # value: goal id
NUDGE_SNOOZE = "nudge_snooze"
