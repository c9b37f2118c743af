"""Skill profiles and mentor rounds: the profile modal, the matrix, intros and DMs (pure)."""

from __future__ import annotations

from handlers.absences.blocks import reminder_controls
from handlers.kit.blocks import button, clip, context, escape, header, mention, plain, section
from handlers.kit.ids import (
    MENTOR_BOOK,
    MENTOR_BOOK_CALLBACK,
    MENTOR_MET,
    MENTOR_SKIP,
    SKILLS_CALLBACK,
    SKILLS_CAPACITY,
    SKILLS_LINES,
    SKILLS_VISIBILITY,
)

VISIBILITY_OPTIONS = (("team", "My teams (takes part in mentor rounds)"),
                      ("manager", "Only me and my manager"))
MATRIX_ROWS = 40  # more people than this: the table is cut and the heatmap carries it all


def skill_line(name: str, level: int, can_mentor: bool, want_learn: bool) -> str:
    flags = " ".join(f for f, on in (("mentor", can_mentor), ("learn", want_learn)) if on)
    return f"{name} {level} {flags}".strip()


def profile_modal(lines: str, visibility: str, capacity: int, spellings: list[str]) -> dict:
    """The person's own skill profile; `spellings` are the team's names, offered back."""
    vis = [{"text": plain(label), "value": value} for value, label in VISIBILITY_OPTIONS]
    caps = [{"text": plain(str(n)), "value": str(n)} for n in range(0, 6)]
    blocks = [
        section("One skill a line: the name, your level 1–5, and `mentor` (you can teach it) "
                "and/or `learn` (you want to). Pre-filled from your own plan; only you see "
                "this form."),
        {"type": "input", "block_id": SKILLS_LINES, "label": plain("Skills (up to 30)"),
         "optional": True,
         "element": {"type": "plain_text_input", "action_id": "value", "multiline": True,
                     "max_length": 3000, **({"initial_value": lines} if lines else {}),
                     "placeholder": plain("SQL 4 mentor\nKubernetes 1 learn", 150)}},
    ]
    if spellings:
        blocks.append(context(clip("Your teams write: " + ", ".join(
            escape(s) for s in spellings), 2900)))
    blocks += [
        {"type": "input", "block_id": SKILLS_VISIBILITY, "label": plain("Who sees it"),
         "element": {"type": "radio_buttons", "action_id": "value", "options": vis,
                     "initial_option": next((o for o in vis if o["value"] == visibility),
                                            vis[0])}},
        {"type": "input", "block_id": SKILLS_CAPACITY, "label": plain("Mentees per round"),
         "element": {"type": "static_select", "action_id": "value", "options": caps,
                     "initial_option": caps[max(0, min(capacity, 5))]}},
    ]
    return {"type": "modal", "callback_id": SKILLS_CALLBACK, "title": plain("Your skills", 24),
            "submit": plain("Save", 24), "close": plain("Cancel", 24), "blocks": blocks}


REASONS = {
    "recent": "everyone who could teach you was paired with you in the last rounds",
    "odd": "odd numbers: the mentors who could teach you were taken this time",
    "no_learner": "nobody wanted to learn what you can teach this time",
    "empty_profile": "your profile lists nothing to teach or learn",
}


def unpaired_text(team_name: str, reason: str, spelling: dict[str, str]) -> str:
    """The DM to someone left without a pair: why, and that they go first next time."""
    if reason.startswith("no_teacher:"):
        key = reason.partition(":")[2]
        why = f"no one on your team can teach {escape(spelling.get(key, key))} yet"
    else:
        why = REASONS.get(reason, "no good match this time")
    return (f"No mentor pair for you in {escape(team_name)}'s round: {why}. "
            "You're first in line next round.")


def intro_message(team_name: str, mentor: str, mentees: list[tuple[str, str, int]]
                  ) -> tuple[str, list[dict]]:
    """The group DM of a mentor and their mentees (slack id, skill, pair id)."""
    names = ", ".join(f"{mention(m)}" for m, _, _ in mentees)
    skills = ", ".join(sorted({escape(s) for _, s, _ in mentees}))
    text = f"Mentor round of {escape(team_name)}: {mention(mentor)} mentors {names} on {skills}."
    blocks = [header("Your mentor pair"), section(text)]
    for mentee, skill, pair_id in mentees[:20]:
        blocks += [
            section(f"*{escape(skill)}*: {mention(mentor)} can teach it and {mention(mentee)} wants to "
                    "learn it. Suggested first session: 30 minutes where the mentee brings a "
                    "real task and the mentor shows how they would approach it."),
            {"type": "actions", "block_id": f"pair{pair_id}", "elements": [
                button("Book a time", MENTOR_BOOK, str(pair_id), style="primary"),
                button("Skip this round", MENTOR_SKIP, str(pair_id), confirm={
                    "title": plain("Skip this round?"), "text": plain(
                        "You will be matched again next round."),
                    "confirm": plain("Skip"), "deny": plain("Cancel"), "style": "danger"})]},
        ]
    return text, blocks[:50]


def book_modal() -> dict:
    """When the pair agreed to meet; the listener seals the pair into its metadata."""
    return {"type": "modal", "callback_id": MENTOR_BOOK_CALLBACK,
            "title": plain("Book a time", 24), "submit": plain("Save", 24),
            "close": plain("Cancel", 24), "blocks": [
                {"type": "input", "block_id": "when", "label": plain("When you will meet"),
                 "element": {"type": "plain_text_input", "action_id": "value",
                             "max_length": 200,
                             "placeholder": plain("Thursday 14:00, 30 minutes, video call")}}]}


def booked_text(user_id: str, skill: str, note: str) -> str:
    return f"{mention(user_id)} booked your first session on {escape(skill)}: {escape(note)}"


def followup_dm(other: str, skill: str, pair_id: int) -> tuple[str, list[dict]]:
    text = f"Did you meet {mention(other)} about {escape(skill)}?"
    return text, [section(text), {"type": "actions", "block_id": f"met{pair_id}", "elements": [
        button("Yes", f"{MENTOR_MET}_yes", f"{pair_id}:yes", style="primary"),
        button("Not yet", f"{MENTOR_MET}_not_yet", f"{pair_id}:not_yet"),
        button("No", f"{MENTOR_MET}_no", f"{pair_id}:no")]},
        *reminder_controls("mentor_followup", "One follow-up per pairing: the next comes "
                           "after your next mentor round.")]


def matrix_message(team_name: str, skills: list[str], people: list[str],
                   cells: dict[tuple[str, str], str]) -> tuple[str, list[dict]]:
    """Per skill: who can mentor it (level) and who wants to learn it, within Block Kit."""
    text = f"Skill matrix of {escape(team_name)}"
    blocks = [header(clip(text, 150))]
    if not skills:
        return text, blocks + [section("No team profiles yet: `/pact skills` to add yours.")]
    for skill in skills[:MATRIX_ROWS]:
        mentors = [f"{mention(p)} {cells[(p, skill)][-1]}" for p in people
                   if "M" in cells.get((p, skill), "")]
        learners = [f"{mention(p)}" for p in people if "L" in cells.get((p, skill), "")]
        blocks.append(section(clip(f"*{escape(skill)}* · mentors: "
                                   f"{', '.join(mentors) or '—'} · learning: "
                                   f"{', '.join(learners) or '—'}", 2900)))
    if len(skills) > MATRIX_ROWS:
        blocks.append(context(f"{len(skills) - MATRIX_ROWS} more skills in the heatmap in "
                              "your DM."))
    return text, blocks


def home_section(pairs: list[str], paused: str) -> list[dict]:
    """'Your mentoring' on the Home tab: current pairs and whether rounds include you."""
    lines = pairs or ["No mentor pair right now."]
    return [header("Your mentoring"), section("\n".join(lines[:10])),
            context(paused or "You take part in the next round of each team."),
            context("`/pact skills` edits your profile; `/pact mentor pause` pauses.")]
