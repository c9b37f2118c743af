"""Action ids shared between features: a button one feature posts, another feature handles.

Kept in one place so a check-in post and a goal post use the same "Log progress" handler.
"""

# Goals (handled in handlers/goals/). Value: the goal id.
GOAL_JOIN = "goal_join"  # "I'm in"
GOAL_LOG_PROGRESS = "goal_log_progress"  # opens the progress modal
GOAL_DETAILS = "goal_details"
# Value: the milestone id.
MILESTONE_MARK_DONE = "milestone_mark_done"
# Handled in handlers/goals/ only. Value: the goal id (add-milestone: the rows shown).
GOAL_FORM_ADD_MILESTONE = "goal_form_add_milestone"
GOAL_EDIT = "goal_edit"
GOAL_ARCHIVE = "goal_archive"
GOAL_MARK_ACHIEVED = "goal_mark_achieved"
GOAL_REPOST = "goal_repost"
# Goal modals (callback ids).
GOAL_FORM = "goal_form"
GOAL_PROGRESS_FORM = "goal_progress"
GOAL_DETAILS_VIEW = "goal_details"

# Development plans (handled in handlers/pdp/).
PDP_OPEN = "pdp_open"  # opens the person's plan; value unused
PDP_OBJECTIVE_FROM_GOAL = "pdp_objective_from_goal"  # value: goal id; pre-filled objective
PDP_LOG_PROGRESS = "pdp_log_progress"  # value: objective id
# Handled in handlers/pdp/ only.
PDP_EDIT_PLAN = "pdp_edit_plan"
PDP_ADD_OBJECTIVE = "pdp_add_objective"
PDP_EDIT_OBJECTIVE = "pdp_edit_objective"  # value: objective id
PDP_REQUEST_REVIEW = "pdp_request_review"
PDP_HISTORY = "pdp_history"
PDP_REVIEW_COMMENT = "pdp_review_comment"  # value: plan id
PDP_REVIEW_APPROVE = "pdp_review_approve"  # value: plan id
PDP_VIEW_REPORT = "pdp_view_report"  # value: plan id
PDP_DELETE_CONFIRMED = "pdp_delete_confirmed"  # value: plan id
PDP_DELETE_SOCIAL = "pdp_delete_social"  # no plan: delete the clicker's pacts and kudos
# Development plan modals (callback ids).
PDP_PLAN_FORM = "pdp_plan"
PDP_OBJECTIVE_FORM = "pdp_objective"
PDP_PROGRESS_FORM = "pdp_progress"
PDP_COMMENT_FORM = "pdp_review_comment_form"
PDP_SUMMARY = "pdp_summary"
PDP_READONLY = "pdp_readonly"

# The rhythm (handled in handlers/rhythm/).
CHECKIN_STUCK = "checkin_stuck"  # value: goal id
NUDGE_SNOOZE = "nudge_snooze"
RHYTHM_RESUME = "rhythm_resume"  # value: team id; a paused team's rhythm runs again

# Teams (handled in handlers/teams/). The setup form: its callback id and its fields (each
# field's block id is also its action id).
TEAM_SETUP = "team_setup"
TEAM_NAME = "name"
TEAM_LEADS = "leads"
TEAM_MEMBERS = "members"
TEAM_TZ = "tz"
TEAM_WEEKDAY = "weekday"
TEAM_TIME = "time"

# Learning labs (handled in handlers/labs/). Value: the lab session id.
LAB_SKIP = "lab_skip"
LAB_SWAP = "lab_swap"  # opens the swap modal
LAB_DONE = "lab_done"
LAB_SWAP_ACCEPT = "lab_swap_accept"
LAB_SWAP_DECLINE = "lab_swap_decline"
LAB_SETUP_CALLBACK = "lab_setup"
LAB_SWAP_CALLBACK = "lab_swap"

# Skills and mentoring (handled in handlers/mentoring/). The profile form and its fields (each
# field's block id is also its action id); buttons carry the mentor pair id.
SKILLS_CALLBACK = "skills_profile"
SKILLS_LINES = "skills"
SKILLS_VISIBILITY = "skills_visibility"
SKILLS_CAPACITY = "skills_capacity"
SKILLS_PICK = "skills_pick"  # the team's spellings, offered back: picked ones are to learn
MENTOR_MET = "mentor_met"  # + "_yes" / "_not_yet" / "_no"; value: "<pair id>:<answer>"
MENTOR_SKIP = "mentor_skip"
MENTOR_BOOK = "mentor_book"  # opens the booking modal
MENTOR_BOOK_CALLBACK = "mentor_book"
MENTOR_PACT = "mentor_pact"  # "We met: make it a pact"; value: the pair id
# Pacts: supporting a teammate's objective (or pledging to a shared goal), and kudos.
PACT_HELP = "pact_help"  # value: "o:<objective id>" or "g:<goal id>"; opens the offer modal
PACT_OFFER_FORM = "pact_offer"
PACT_ACCEPT = "pact_accept"  # value: pact id (the side asked to agree accepts)
PACT_DECLINE = "pact_decline"  # value: pact id (Decline / Not now)
PACT_END = "pact_end"  # value: pact id (behind a confirm dialog)
PACT_ASK = "pact_ask"  # value: objective id; opens the ask modal
PACT_ASK_FORM = "pact_ask_form"
PACT_CHECKIN_MET = "pact_checkin_met"  # value: pact id
PACT_CHECKIN_NOT_YET = "pact_checkin_not_yet"  # value: pact id
PACT_STUCK = "pact_stuck"  # value: objective id; opens the stuck modal
PACT_STUCK_FORM = "pact_stuck_form"
KUDOS_SHORTCUT = "give_kudos"  # the message shortcut's callback id (manifest.yml)
KUDOS_BUTTON = "kudos_open"  # value: Slack user id to thank
KUDOS_FORM = "kudos_form"
# Impact: pulse surveys (handled in handlers/impact/). Value of PULSE_ANSWER: the survey id.
PULSE_SETUP_CALLBACK = "pulse_setup"
PULSE_ANSWER = "pulse_answer"  # opens the answer modal from the invitation DM
PULSE_ANSWER_CALLBACK = "pulse_answer"
REPORT_CSV = "report_csv"  # value: unused; the CSV of the asker's report goes to their DM
# Peer feedback (360), handled in handlers/impact/.
FEEDBACK_ASK = "feedback_ask"  # value: objective id; in the owner's plan
FEEDBACK_ASK_CALLBACK = "feedback_ask"
FEEDBACK_GIVE = "feedback_give"  # value: feedback request id; in the giver's DM
FEEDBACK_GIVE_CALLBACK = "feedback_give"
# Absences (handled in handlers/absences/). On the Home tab: pick the last day away, or be back.
ABSENCE_PICK_UNTIL = "absence_pick_until"  # a datepicker; its selected date
ABSENCE_BACK = "absence_back"  # value unused
# On every reminder DM (handled in handlers/absences/): no more reminders of this kind.
REMINDERS_STOP = "reminders_stop"  # value: the kind, e.g. "nudge"
REMINDERS_RESUME = "reminders_resume"  # on the Home tab; value: the kind
REMINDERS_SNOOZE = "reminders_snooze"  # on a reminder DM; value: the kind: none for a week
# "I'm stuck" on a check-in (handled in handlers/rhythm/): what the person is stuck on first.
CHECKIN_STUCK_FORM = "checkin_stuck_form"  # the modal; sealed metadata: goal id and thread
