"""Skill profiles and mentor rounds: the profile modal, the matrix, intros and DMs (pure)."""

from __future__ import annotations

from datetime import datetime

from handlers.absences.blocks import reminder_controls
from handlers.kit.blocks import (
    button,
    clip,
    context,
    escape,
    header,
    mention,
    plain,
    plural,
    section,
    slack_date,
)
from handlers.kit.ids import (
    MENTOR_BOOK,
    MENTOR_BOOK_CALLBACK,
    MENTOR_MET,
    MENTOR_PACT,
    MENTOR_SKIP,
    SKILLS_CALLBACK,
    SKILLS_CAPACITY,
    SKILLS_LINES,
    SKILLS_PICK,
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
        blocks += [
            context(clip("Your teams write: " + ", ".join(escape(s) for s in spellings), 2900)),
            {"type": "input", "block_id": SKILLS_PICK, "optional": True,
             "label": plain("Want to learn one of these?"),
             "hint": plain("Each one you pick is added as a skill to learn, level 1, in the "
                           "spelling your teams use."),
             "element": {"type": "multi_static_select", "action_id": "value",
                         "placeholder": plain("Skills your teams list"),
                         "options": [{"text": plain(s, 75), "value": s[:150]}
                                     for s in spellings[:100]]}}]
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


def reason_words(reason: str, spelling: dict[str, str]) -> str:
    """Why someone has no pair, in words (`spelling`: skill key -> the team's spelling)."""
    if reason.startswith("no_teacher:"):
        key = reason.partition(":")[2]
        return f"no one on your team can teach {escape(spelling.get(key, key))} yet"
    return REASONS.get(reason, "no good match this time")


def unpaired_text(team_name: str, reason: str, spelling: dict[str, str]) -> str:
    """The DM to someone left without a pair: why, and that they go first next time."""
    return (f"No mentor pair for you in {escape(team_name)}'s round: "
            f"{reason_words(reason, spelling)}. You're first in line next round.")


LEFT_OUT = {"away": "away", "paused": "paused", "opted out": "opted out",
            "excluded": "excluded by a lead", "private profile": "profile only for them and "
            "their manager", "deactivated": "no longer in the workspace"}
UNPAIRED_SHORT = {"recent": "met everyone who could teach them lately",
                  "odd": "odd numbers", "no_learner": "nobody wants to learn what they teach",
                  "empty_profile": "nothing to teach or learn in their profile"}
SUMMARY_NAMES = 25  # people named per line; the rest counted


def _names(people: list[str]) -> str:
    shown = ", ".join(mention(p) for p in people[:SUMMARY_NAMES])
    more = len(people) - SUMMARY_NAMES
    return shown + (f" and {more} more" if more > 0 else "")


def round_summary(team_name: str, pairs: int, unpaired: list[tuple[str, str]],
                  left_out: list[tuple[str, str, datetime | None]],
                  spelling: dict[str, str], answers: dict[str, int]) -> str:
    """For the lead who ran the round: the pairs, then everyone without a pair grouped by why
    (told in a DM), then who took no part and why: away (until when), paused, opted out..."""
    lines = [f"Mentor round of {escape(team_name)}: {plural(pairs, 'pair')} introduced."]
    groups: dict[str, list[str]] = {}
    for user, reason in unpaired:
        why = (f"nobody can teach {escape(spelling.get(reason[11:], reason[11:]))} yet"
               if reason.startswith("no_teacher:") else
               UNPAIRED_SHORT.get(reason, "no good match"))
        groups.setdefault(why, []).append(user)
    if groups:
        lines.append("Without a pair (each told why, first in line next round): " + "; ".join(
            f"{_names(users)} ({why})" for why, users in groups.items()) + ".")
    out: dict[str, list[str]] = {}
    no_profile = 0
    for user, reason, until in left_out:
        if reason == "no profile":
            no_profile += 1
            continue
        word = LEFT_OUT.get(reason, "not taking part")
        if reason == "away" and until is not None:
            out.setdefault(word, []).append(f"{mention(user)} (until {slack_date(until)})")
        else:
            out.setdefault(word, []).append(mention(user))
    parts = [f"{word}: " + ", ".join(who[:SUMMARY_NAMES]) + (
        f" and {len(who) - SUMMARY_NAMES} more" if len(who) > SUMMARY_NAMES else "")
        for word, who in out.items()]
    if no_profile:
        parts.append(f"no skill profile yet: {plural(no_profile, 'person', 'people')}")
    if parts:
        lines.append("Not taking part — " + "; ".join(parts) + ".")
    if answers:
        lines.append(f"Earlier rounds, asked \"Did you meet?\": {answers.get('yes', 0)} yes, "
                     f"{answers.get('not_yet', 0)} not yet, {answers.get('no', 0)} no.")
    return clip("\n".join(lines), 3900)


def matched_because(mentor: str, mentee: str, why: tuple[int, int, bool] | None) -> str:
    """Why the round paired them: the levels on the skill, and a link to the team's goal."""
    if why is None:
        return f"{mention(mentor)} can teach it and {mention(mentee)} wants to learn it."
    have, want, goal = why
    return (f"{mention(mentor)} can teach it (level {have}) and {mention(mentee)} wants to "
            f"learn it (level {want})" + (", and it is a skill of one of the team's active "
                                          "goals." if goal else "."))


def intro_message(team_name: str, mentor: str, mentees: list[tuple[str, str, int]],
                  why: dict[int, tuple[int, int, bool]] | None = None
                  ) -> tuple[str, list[dict]]:
    """The group DM of a mentor and their mentees (slack id, skill, pair id); `why`, by pair
    id: the mentor's level, the mentee's, and whether the skill is one of a team goal's."""
    names = ", ".join(f"{mention(m)}" for m, _, _ in mentees)
    skills = ", ".join(sorted({escape(s) for _, s, _ in mentees}))
    text = f"Mentor round of {escape(team_name)}: {mention(mentor)} mentors {names} on {skills}."
    blocks = [header("Your mentor pair"), section(text)]
    for mentee, skill, pair_id in mentees[:20]:
        blocks += [
            section(f"*{escape(skill)}*: {matched_because(mentor, mentee, (why or {}).get(pair_id))}"
                    " Suggested first session: 30 minutes where the mentee brings a real task "
                    "and the mentor shows how they would approach it."),
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


def skipped_text(user_id: str, other: str, skill: str) -> str:
    return (f"{mention(user_id)} skipped this round's mentoring on {escape(skill)} with "
            f"{mention(other)}; you'll both be matched again next round.")


def booked_text(user_id: str, skill: str, note: str) -> str:
    return f"{mention(user_id)} booked your first session on {escape(skill)}: {escape(note)}"


def followup_dm(other: str, skill: str, pair_id: int) -> tuple[str, list[dict]]:
    text = f"Did you meet {mention(other)} about {escape(skill)}?"
    return text, [section(text), {"type": "actions", "block_id": f"met{pair_id}", "elements": [
        button("Yes", f"{MENTOR_MET}_yes", f"{pair_id}:yes", style="primary"),
        button("Not yet", f"{MENTOR_MET}_not_yet", f"{pair_id}:not_yet"),
        button("No", f"{MENTOR_MET}_no", f"{pair_id}:no")]},
        {"type": "actions", "block_id": f"pact{pair_id}", "elements": [
            button("We met: make it a pact", MENTOR_PACT, str(pair_id))]},
        context("A pact: the mentor supports the mentee's objective on this skill, with a "
                "check-in every two weeks."),
        *reminder_controls("mentor_followup", "One follow-up per pairing: the next comes "
                           "after your next mentor round.")]


def pact_made_dm(other: str, skill: str, title: str, mentor: bool) -> tuple[str, list[dict]]:
    """Told to each side once their pair is a pact; `title` as that side may see it."""
    text = (f"Your mentor pair with {mention(other)} on {escape(skill)} is now a pact: " + (
        f"you support them on *{escape(title)}*" if mentor else
        f"{mention(other)} supports you on *{escape(title)}*") +
        ", with a check-in every two weeks.")
    return text, [section(text), context("See it on your Home tab or `/pact pacts`.")]


def matrix_message(team_name: str, skills: list[str], people: list[str],
                   cells: dict[tuple[str, str], str]) -> tuple[str, list[dict]]:
    """Per skill, in the order given (the most useful first): who can mentor it, highest level
    first, and who wants to learn it, in the order of `people`; within Block Kit's limits."""
    text = f"Skill matrix of {escape(team_name)}"
    blocks = [header(clip(text, 150))]
    if not skills:
        return text, blocks + [section("No team profiles yet: `/pact skills` to add yours.")]
    blocks.append(context("Skills someone can teach and someone wants to learn come first, "
                          "then those most people list. The number is the level (1–5)."))
    for skill in skills[:MATRIX_ROWS]:
        levels = {p: cells.get((p, skill), "") for p in people}
        mentors = sorted((p for p in people if "M" in levels[p]),
                         key=lambda p: -int(levels[p][-1]))
        learners = [p for p in people if "L" in levels[p]]
        blocks.append(section(clip(
            f"*{escape(skill)}* · {len(mentors)} can mentor: "
            f"{', '.join(f'{mention(p)} {levels[p][-1]}' for p in mentors) or '—'} · "
            f"{len(learners)} want to learn: "
            f"{', '.join(f'{mention(p)} {levels[p][-1]}' for p in learners) or '—'}", 2900)))
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
