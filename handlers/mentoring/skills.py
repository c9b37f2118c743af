"""Skill profiles and the team's skill matrix as use cases, without Slack: a person's own
profile (seeded from their own plan, one spelling per skill) and who can mentor or wants to
learn what, for the team."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from sqlmodel import Session

from bot.rules import matching
from handlers.kit import refusals
from handlers.kit.blocks import escape
from handlers.mentoring import blocks as ui
from handlers.mentoring.access import channel_team
from storage.models import Member, MemberSkill
from storage.queries import mentoring as mq
from storage.queries import teams as tq
from storage.queries.members import get_or_create_member

MAX_SKILLS = 30
_LINE = re.compile(r"^(?P<name>.+?)[\s,:;|\-–]+(?P<level>[1-5])(?:\s*/\s*5)?\b(?P<flags>.*)$")


@dataclass
class ProfileForm:
    lines: str
    visibility: str
    capacity: int
    spellings: list[str]


def _known_spellings(session: Session, member: Member) -> dict[str, str]:
    return mq.team_spellings(session, [t.id for t in tq.teams_of_member(session, member.id)])


def profile_form(session: Session, workspace_id: str, user_id: str) -> ProfileForm:
    """The modal's content: the saved profile, or one seeded from the person's own plan
    (skill gaps and open objectives' skills, as things to learn). Only the owner sees it."""
    member = get_or_create_member(session, workspace_id, user_id)
    prof = mq.profile(session, member.id)
    known = _known_spellings(session, member)
    skills = mq.skills_of(session, member.id)
    if skills:
        lines = "\n".join(ui.skill_line(s.name, s.level, s.can_mentor, s.want_learn)
                          for s in skills)
    else:
        seen: dict[str, str] = {}
        for name in mq.plan_skill_names(session, member.id):
            seen.setdefault(matching.skill_key(name), matching.skill_name(name, known))
        lines = "\n".join(ui.skill_line(n, 1, False, True) for n in list(seen.values())[:30])
    return ProfileForm(lines, prof.visibility if prof else "team",
                       prof.capacity if prof else 1, sorted(set(known.values()))[:40])


def parse_skills(text: str, known: dict[str, str]) -> tuple[list[MemberSkill], str | None]:
    """One skill a line: "name level [mentor] [learn]". Returns the skills or a refusal."""
    found: dict[str, MemberSkill] = {}
    for raw in (text or "").splitlines():
        line = raw.strip()
        if not line:
            continue
        m = _LINE.match(line)
        name = matching.skill_name(m.group("name"), known)[:80] if m else ""
        if not m or not matching.skill_key(name):
            return [], refusals.skills_bad_line(escape(line[:60]))
        flags = m.group("flags").casefold()
        found[matching.skill_key(name)] = MemberSkill(
            member_id=0, key=matching.skill_key(name)[:80], name=name,
            level=int(m.group("level")),
            can_mentor=any(w in flags for w in ("mentor", "teach")),
            want_learn="learn" in flags)
    if len(found) > MAX_SKILLS:
        return [], refusals.SKILLS_TOO_MANY
    return list(found.values()), None


def save_profile(session: Session, workspace_id: str, user_id: str, text: str,
                 visibility: str | None, capacity: int | None,
                 picked: list[str] | None = None) -> dict[str, str] | None:
    """Store the verified user's own profile (nobody saves anyone else's); errors by field.
    `picked`: skills chosen among the team's spellings, added to learn (level 1) unless the
    lines already list them."""
    member = get_or_create_member(session, workspace_id, user_id)
    known = _known_spellings(session, member)
    skills, refusal = parse_skills(text, known)
    if refusal:
        return {"skills": refusal}
    listed = {s.key for s in skills}
    for raw in picked or []:
        name = matching.skill_name(raw, known)[:80]
        key = matching.skill_key(name)[:80]
        if key and key not in listed:
            listed.add(key)
            skills.append(MemberSkill(member_id=0, key=key, name=name, level=1,
                                      want_learn=True))
    if len(skills) > MAX_SKILLS:
        return {"skills": refusals.SKILLS_TOO_MANY}
    prof = mq.ensure_profile(session, member.id)
    prof.visibility = visibility if visibility in ("team", "manager") else "team"
    prof.capacity = capacity if capacity is not None and 0 <= capacity <= 5 else 1
    session.add(prof)
    mq.replace_skills(session, member.id, skills)
    return None



# ---- matrix -----------------------------------------------------------------------------

@dataclass
class Matrix:
    team_name: str
    skills: list[str]  # the most useful first (see `team_matrix`)
    people: list[str]  # Slack ids, by name
    cells: dict[tuple[str, str], str]  # (person, skill) -> "M4" / "L1" / "4"
    names: dict[str, str] = field(default_factory=dict)  # Slack id -> display name (images)


def skill_order(skills: list[str], people: list[str], cells: dict[tuple[str, str], str]
                ) -> list[str]:
    """Skills a round can use first (someone can mentor it and someone wants to learn it),
    then those most people list, then by name."""
    def rank(skill: str) -> tuple:
        flags = [cells.get((p, skill), "") for p in people]
        mentors, learners = sum("M" in f for f in flags), sum("L" in f for f in flags)
        return (not (mentors and learners), -(mentors + learners), -len([f for f in flags if f]),
                skill.casefold())
    return sorted(skills, key=rank)


def team_matrix(session: Session, workspace_id: str, channel_id: str,
                user_id: str) -> Matrix | str:
    """Who can mentor and who wants to learn what, for the team's members and leads: the
    'team' profiles, and a profile kept for its owner and their manager only when the one
    asking is that owner or manager (it stays out of rounds either way). People by name;
    skills by use (`skill_order`)."""
    team, actor, refusal = channel_team(session, workspace_id, channel_id, user_id)
    if refusal:
        return refusal
    cells, skills, names = {}, {}, {}
    everyone = mq.team_people(session, team.id)
    managers = mq.managers_of(session, [m.id for m, _, _ in everyone])
    for member, prof, rows in everyone:
        if prof is None or not rows or member.is_deleted:
            continue
        if prof.visibility != "team" and actor.id not in (member.id, managers.get(member.id)):
            continue
        names[member.slack_user_id] = member.display_name or member.slack_user_id
        for s in rows:
            skills[s.key] = s.name
            cells[(member.slack_user_id, s.name)] = (
                ("M" if s.can_mentor else "") + ("L" if s.want_learn else "") + str(s.level))
    people = sorted(names, key=lambda u: (names[u].casefold(), u))
    return Matrix(team.name, skill_order(list(skills.values()), people, cells), people, cells,
                  names)
