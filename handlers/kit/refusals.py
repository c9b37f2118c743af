"""Every word Pact uses to say no, in one place (as bolt keeps its log messages in one module).

A refusal says what happened and what the person can do about it, or whom to ask. Features
import these; none spells its own. Functions take only values Pact itself validated or
escaped.
"""

from __future__ import annotations

from handlers.kit.blocks import channel_ref, mention, plural

# Anything odd in a payload: a forged id, a stale button, a shape Slack never sends.
STALE = ("That button or form is out of date, so nothing was changed. Open it again from "
         "`/pact help` or the Pact Home tab.")
NOT_UNDERSTOOD = "Pact could not read that request, so nothing was changed. Please try again."
ALREADY_DONE = "That was already done, so nothing changed."
FORM_TOO_SLOW = "Slack took too long to open the form; please run the command again."

# Goals.
GOAL_NOT_ALLOWED_EDIT = ("Only the goal's owner, the team's leads or a workspace admin can "
                         "change this goal.")
GOAL_NOT_IN_TEAM = ("Only members of this goal's team can do that. A team lead can add you "
                    "with `/pact team setup` in the team's channel.")
GOAL_GONE = "That goal no longer exists in this workspace."
GOAL_MILESTONE_GONE = "That milestone no longer exists."
GOAL_TEAM_GONE = "This channel's team is gone; run `/pact team setup`."
GOAL_CREATE_LEADS_ONLY = "Only the team's leads or a workspace admin can create shared goals."
GOAL_NOT_YET_ACHIEVABLE = ("A goal can be marked achieved once every milestone is done or the "
                           "target is reached.")
GOAL_POSTING_NOW = "Pact is posting it right now."


def goal_create_leads_only(lead_mentions: str) -> str:
    """`/pact goal new` by someone who is not a lead; `lead_mentions`: "<@U1> <@U2>" or ""."""
    return ("Only the team's leads" + (f" ({lead_mentions})" if lead_mentions else "")
            + " or a workspace admin can create shared goals. Ask a lead, or suggest the goal "
              "in the channel.")


def goal_not_editable(title: str, status: str) -> str:
    """`title` escaped by the caller."""
    return f"“{title}” is {status} now, so it can no longer be edited (nothing was changed)."


def goal_no_progress(status: str) -> str:
    return f"This goal is {status}; progress is no longer logged."


def goal_closed_for_progress(title: str, status: str) -> str:
    return f"“{title}” is {status}; progress is no longer logged."


def goal_closed(title: str, status: str) -> str:
    return f"“{title}” is {status}."


def goal_no_commitments(title: str, status: str) -> str:
    return f"“{title}” is {status}; no new commitments."


def goal_nothing_to_archive(title: str, status: str) -> str:
    return f"“{title}” is {status}; nothing to archive."


def goal_already_in(title: str) -> str:
    return f"You're already in for “{title}”. Thank you! 🙌"


def goal_already_achieved(title: str) -> str:
    return f"“{title}” is already achieved. 🎉"


def goal_already_posted(title: str) -> str:
    return f"“{title}” is already posted in its channel."


def milestone_already_done(title: str, by_mention: str = "") -> str:
    return f"“{title}” is already done" + (f" (marked by {by_mention})." if by_mention else ".")


def goals_none_active(team_name: str) -> str:
    return f"{team_name} has no active goals yet. A lead starts one with `/pact goal new`."

# Development plans.
PLAN_NOT_YOURS = "You can only change your own development plan."
PLAN_NOT_MANAGER = "Only the manager this person chose can review their plan."
PLAN_PROGRESS_OWNER_ONLY = "Only the objective's owner logs its progress."
PLAN_GONE = "That plan no longer exists."
PLAN_GONE_START_AGAIN = "This plan no longer exists. `/pact pdp` starts a new one."
PLAN_ALREADY_DELETED = "Your development plan is already deleted."
PLAN_NONE_TO_EXPORT = ("You have no development plan yet, so there is nothing to export. "
                       "`/pact pdp` starts one.")
PLAN_NONE_TO_DELETE = "You have no development plan to delete."
PLAN_GOAL_NOT_LINKABLE = ("That goal is no longer active in one of your teams, so an objective "
                          "cannot be linked to it. `/pact pdp` opens your plan.")
PLAN_MANAGER_FIRST = ("⚠️ Choose your manager first (*Edit plan* → Manager), then request a "
                      "review.")
PLAN_REVIEW_ALREADY_ASKED = "You already asked for a review today; your manager has it."
PLAN_USAGE = ("Usage: `/pact pdp` for your plan, `/pact pdp @someone` for what they share with "
              "you, `/pact pdp reports`, `/pact pdp export`, `/pact pdp delete`. Pick the "
              "person from the autocomplete so Slack sends their mention.")

# Teams and labs.
NO_TEAM_HERE = ("This channel has no Pact team yet. A lead can set one up with "
                "`/pact team setup` here.")
LAB_LEADS_ONLY = "Only the team's leads can set up its learning lab."
NO_TEAM_YET = ("This channel has no Pact team yet. A team lead sets one up by typing "
               "`/pact team setup` here.")
NO_TEAM_IN_DM = ("Team commands work in a team's channel: run this there. A team lead sets a "
                 "team up by typing `/pact team setup` in the team's channel.")
TEAM_SETUP_IN_DM = ("Run `/pact team setup` in your team's channel: the team is bound to the "
                    "channel it is set up in.")
TEAM_FORM_STALE = "This form is out of date; run `/pact team setup` again."
INVITE_HINT = ("Pact is not in this channel yet, so it cannot post your team's goals here. "
               "Type `/invite @Pact` in this channel (or open the channel's details › "
               "Integrations › Add apps), then try again.")


def team_leads_only(leads: str) -> str:
    """`leads`: the team's active leads as Slack mentions (may be empty)."""
    return ("Only this team's leads" + (f" ({leads})" if leads else "")
            + " or a workspace admin can change the team. Ask one of them.")


def channel_archived(channel_id: str) -> str:
    return (f"I couldn't post in {channel_ref(channel_id)} because it is archived. Set the team up in an "
            "active channel with `/pact team setup`.")


def not_in_channel(channel_id: str) -> str:
    return (f"I couldn't post in {channel_ref(channel_id)} because Pact is not a member of it. Type "
            f"`/invite @Pact` in {channel_ref(channel_id)} so Pact can post your team's goals, check-ins "
            "and celebrations there.")


def not_a_person(field: str) -> str:
    """A form named someone who is not an active, human member of this workspace."""
    return f"{field}: pick people from this workspace (not apps, or deactivated accounts)."


def plan_objectives_full(limit: int) -> str:
    """A plan already holds as many open objectives as it may."""
    return (f"Your plan already has {limit} open objectives. Mark some done or drop them "
            "first: focus is part of the plan.")


def plan_objectives_full_short(limit: int) -> str:
    return f"Your plan already has {limit} open objectives; close some first."


def out_of_range(field: str, low, high) -> str:
    return f"{field} must be between {low} and {high}."


# Learning labs.
LAB_TEAM_GONE = "This team no longer exists."
LAB_PICK_SOMEONE = "Pick at least one person."
LAB_ANNOUNCE_RANGE = "Between 1 and 14 days."
LAB_NONE_YET = "No learning lab yet. A lead can start one with `/pact lab setup`."
LAB_TOPIC_USAGE = "Say what you'll present: `/pact lab topic Intro to SQL window functions`."
LAB_NO_SESSION_OF_YOURS = "You have no upcoming learning-lab session in this channel's team."
LAB_SESSION_CLOSED = "This session can no longer be changed."
LAB_SESSION_GONE = "That session no longer exists."
LAB_SKIP_PRESENTER_ONLY = "Only the presenter can skip their turn."
LAB_NOBODY_ELSE = ("Nobody else in the rotation can present this time, so the session stays "
                   "yours.")
LAB_SWAP_PRESENTER_ONLY = "Only the presenter can swap their turn."
LAB_SWAP_PICK_IN_ROTATION = "Pick someone in this learning lab's rotation."
LAB_SWAP_PICK_OTHER = "Pick someone else."
LAB_SWAP_CLOSED = "This swap request is no longer open."
LAB_ALREADY_HELD = "Already recorded. Thank you!"
LAB_DONE_NOT_ALLOWED = "Only the presenter or a team lead can mark the session done."


def lab_not_in_team(slack_ids: list[str]) -> str:
    """People picked for the rotation who are not in the team (Slack ids from the form)."""
    return ("Not in this team: " + ", ".join(f"{mention(u)}" for u in slack_ids[:5])
            + ". Add them with `/pact team setup`.")


def lab_not_started(when: str) -> str:
    """`when`: the session's start as Slack renders a date."""
    return f"Press Done once the session has started ({when})."


# Hardening: acting where the person does not belong, odd input.
STUCK_NOT_IN_TEAM = ("Only members of this goal's team can ask for help on its check-in. Ask "
                     "a lead to add you with `/pact team setup`.")


def not_people(slack_ids: list[str]) -> str:
    """People picked in a form who are not active humans of this workspace."""
    shown = ", ".join(mention(u) for u in slack_ids[:5])
    return f"Pick people of this workspace: {shown} is not an active member (or is an app)."
# Skills and mentoring.
MENTOR_NO_TEAM = ("This channel has no team yet. Run `/pact mentor round` in the team's "
                  "channel, or ask a lead to set it up with `/pact team setup`.")
MENTOR_LEADS_ONLY = "Only the team's leads can run or change mentor rounds."
MENTOR_MEMBERS_ONLY = "Only the team's members and leads can see its skill matrix."
MENTOR_NOT_IN_PAIR = "Only the two people of this pair can answer for it."
MENTOR_PAUSE_USAGE = "Try `/pact mentor pause` or `/pact mentor pause until 2027-03-01`."
MENTOR_ALREADY_PACT = "This pair is a pact already: see it on your Home tab or `/pact pacts`."
MENTOR_SKIPPED_PAIR = "This pair skipped the round, so it can't become a pact."
SKILLS_TOO_MANY = "Up to 30 skills, please."


def mentor_round_just_run(minutes: int) -> str:
    ago = "less than a minute" if minutes < 1 else plural(minutes, "minute")
    return (f"A mentor round was run in this channel {ago} ago: its pairs were introduced "
            "then. To run another one, try again in a few minutes.")


def mentor_no_objective(skill: str, mentee: str, own: bool) -> str:
    """No open objective on the pair's skill that the mentor may see (hidden and missing look
    the same, so nothing private shows). `skill` is escaped, `mentee` a mention."""
    if own:
        return (f"Your plan has no open objective on {skill} that your mentor may see: add one "
                "(or share it with your team) with `/pact plan`, then click again.")
    return (f"There is no objective on {skill} in {mentee}'s plan that you may see yet; they "
            "can add one with `/pact plan`.")


def skills_bad_line(line: str) -> str:
    """`line`: what the person typed, escaped by the caller."""
    return (f"Could not read “{line}”. Write one skill a line: name, level 1–5, and "
            "`mentor` and/or `learn`, e.g. `SQL 4 mentor`.")
# Pacts and kudos.
PACT_NOT_VISIBLE = "You can't support that: it isn't shared with you."
PACT_OWN_OBJECTIVE = "That's your own objective: ask a teammate for support instead."
PACT_ALREADY = "You already support this (see `/pact pacts`)."
PACT_NOT_YOURS = "This isn't yours to answer."
PACT_CLOSED = "This pact is no longer open."
PACT_GOAL_NOT_YOURS = "You can pledge support only to a goal of your own team."
PACT_PICK_SOMEONE = "Pick at least one teammate."
PACT_UNTIL_PAST = "Pick a date in the future, or leave it empty."


def pact_answered(state: str) -> str:
    """A click on an Accept / Decline DM answered before."""
    return f"You already answered this one: {state}"


PACT_NO_SUPPORTERS = "Nobody supports this objective yet: ask a teammate with Ask for support."
PACT_STUCK_TICK_TEAM = "Nobody supports this objective yet: tick this to ask your team."
KUDOS_USAGE = ("Say whom and why: `/pact kudos @someone for the great review` "
               "(add `privately` first to send it only to them).")
KUDOS_SELF = "Kudos go to someone else."
KUDOS_LIMIT = "That's 10 kudos today already: the rest can wait until tomorrow."
KUDOS_REASON = "Say what for (up to 300 characters)."


def pact_cannot_see(slack_ids: list[str]) -> str:
    """Teammates asked for support who may not see the objective."""
    return ("Can't see this objective: " + ", ".join(mention(u) for u in slack_ids[:5])
            + ". Share it with your team (or your manager) first.")


def kudos_not_people(slack_ids: list[str]) -> str:
    return ("Kudos go to active people of this workspace, not to "
            + ", ".join(mention(u) for u in slack_ids[:5]) + ".")
# ---- impact: pulse surveys and reports -------------------------------------------------------

PULSE_LEADS_ONLY = "Only the team's leads or a workspace admin can set up its pulse survey."
PULSE_NO_TEAM = ("This channel has no team yet. Run `/pact team setup` here first, then "
                 "`/pact pulse setup`.")
PULSE_NOT_INVITED = "This survey was not sent to you, so there is nothing to answer."
PULSE_ALREADY_ANSWERED = ("You already answered this survey. Thank you! One answer per person "
                          "keeps the results fair.")
PULSE_CLOSED = "This survey has closed, so answers are no longer taken."
PULSE_PICK_QUESTION = "Pick at least one question."
PULSE_MIN_RESPONSES = "Use a whole number of 3 or more: results never show a smaller group."
PULSE_OPEN_DAYS = "Use a whole number of working days from 1 to 10."
REPORT_NOT_ALLOWED = ("Reports are for team leads (their teams) and workspace admins (every "
                      "team). Ask a lead of your team to share theirs.")
REPORT_NO_TEAMS = "There is no team to report on yet: `/pact team setup` binds one to a channel."
FEEDBACK_OWNER_ONLY = "Only the objective's owner can ask for feedback on it."
FEEDBACK_PICK_TEAMMATES = "Pick one to ten teammates (people in one of your teams), not yourself."
FEEDBACK_NOT_ASKED = "This feedback request was not sent to you."
FEEDBACK_ALREADY_GIVEN = "You already gave feedback on this. Thank you!"
FEEDBACK_SAY_SOMETHING = "Write what went well or one thing to try next."
FEEDBACK_USAGE = ("Write `/pact feedback` for the feedback on your objectives, or `/pact "
                  "feedback @someone` for the feedback on the objectives they share with you.")
DIGEST_LEADS_ONLY = "Only the team's leads or a workspace admin can change its weekly digest."
DIGEST_USAGE = ("Write `/pact digest on` (Fridays 16:00), `/pact digest on mon 09:30`, or "
                "`/pact digest off`.")
# ---- absences and holidays ------------------------------------------------------------------
HOLIDAYS_LEADS_ONLY = ("Only the team's leads (or a workspace admin) change its holiday "
                       "calendar. `/pact holidays` shows it.")
# ---- learning labs: a click on an older button ---------------------------------------------
LAB_SESSION_OVER = "This learning-lab session has already taken place; nothing changed."
LAB_SESSION_CALLED_OFF = "This learning-lab session was called off; nothing changed."


def lab_no_longer_yours(presenter: str) -> str:
    """`presenter`: a mention (or "nobody yet")."""
    return f"You no longer present this session: {presenter} does. Nothing changed."
STUCK_SAY_WHAT = "Say what you are stuck on (up to 500 characters)."
REMINDERS_NOT_STOPPABLE = "Those reminders cannot be stopped from here."
REMINDERS_NOT_SNOOZABLE = "Those reminders cannot be snoozed from here."
