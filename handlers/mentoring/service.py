"""Skill profiles and mentor rounds as use cases, without Slack."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from sqlmodel import Session, select

from bot.rules import matching
from bot.rules.nudges import next_nudge_at
from handlers.kit import refusals
from handlers.kit.blocks import escape, mention
from handlers.mentoring import blocks as ui
from storage.models import (
    Goal,
    Member,
    MemberSkill,
    MentorPair,
    MentorRound,
    MentorUnpaired,
    Objective,
    Team,
)
from storage.queries import mentoring as mq
from storage.queries import teams as tq
from storage.queries.members import get_or_create_member
from storage.queries.outbox import enqueue

MAX_SKILLS = 30
FOLLOW_UP_AFTER = timedelta(days=10)
_LINE = re.compile(r"^(?P<name>.+?)[\s,:;|\-–]+(?P<level>[1-5])(?:\s*/\s*5)?\b(?P<flags>.*)$")


# ---- profile -----------------------------------------------------------------------------

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
                 visibility: str | None, capacity: int | None) -> dict[str, str] | None:
    """Store the verified user's own profile (nobody saves anyone else's); errors by field."""
    member = get_or_create_member(session, workspace_id, user_id)
    skills, refusal = parse_skills(text, _known_spellings(session, member))
    if refusal:
        return {"skills": refusal}
    prof = mq.ensure_profile(session, member.id)
    prof.visibility = visibility if visibility in ("team", "manager") else "team"
    prof.capacity = capacity if capacity is not None and 0 <= capacity <= 5 else 1
    session.add(prof)
    mq.replace_skills(session, member.id, skills)
    return None


# ---- controls ----------------------------------------------------------------------------

def parse_until(args: list[str]) -> date | None | str:
    """`[until] YYYY-MM-DD` → a date; nothing → None; anything else → "bad"."""
    words = [w for w in args if w.lower() != "until"]
    if not words:
        return None
    try:
        return date.fromisoformat(words[0])
    except ValueError:
        return "bad"


def pause(session: Session, workspace_id: str, user_id: str, until: date | None,
          now: datetime) -> str:
    member = get_or_create_member(session, workspace_id, user_id)
    prof = mq.ensure_profile(session, member.id)
    prof.paused_until = (datetime.combine(until, time(0), tzinfo=now.tzinfo) if until
                         else now + timedelta(days=3650))
    session.add(prof)
    return (f"Paused: no mentor rounds for you until {until.isoformat()}." if until else
            "Paused: no mentor rounds for you until you type `/pact mentor opt-in`.")


def opt(session: Session, workspace_id: str, user_id: str, out: bool) -> str:
    member = get_or_create_member(session, workspace_id, user_id)
    prof = mq.ensure_profile(session, member.id)
    prof.opted_out, prof.paused_until = out, None
    session.add(prof)
    return ("You are out of mentor rounds. `/pact mentor opt-in` brings you back." if out else
            "You are in the next mentor round of each of your teams.")


def exclude(session: Session, workspace_id: str, channel_id: str, user_id: str,
            target_slack_id: str, on: bool) -> str:
    """A lead leaves someone of the team out of (or back in) the next round."""
    team = tq.team_for_channel(session, workspace_id, channel_id)
    if team is None:
        return refusals.MENTOR_NO_TEAM
    actor = get_or_create_member(session, workspace_id, user_id)
    if not tq.is_lead(session, team.id, actor.id):
        return refusals.MENTOR_LEADS_ONLY
    target = get_or_create_member(session, workspace_id, target_slack_id)
    if not tq.is_member(session, team.id, target.id):
        return "That person is not in this team."
    mq.set_excluded(session, team.id, target.id, on)
    return (f"{mention(target.slack_user_id)} sits out the next round." if on
            else f"{mention(target.slack_user_id)} is back in the next round.")


# ---- rounds ------------------------------------------------------------------------------

@dataclass
class RoundDone:
    round_id: int
    team_name: str
    pairs: int
    unpaired: int
    left_out: int
    outbox_ids: list[int] = field(default_factory=list)
    intros: list[tuple[str, list[str], list[int]]] = field(default_factory=list)
    answers: dict[str, int] = field(default_factory=dict)  # "Did you meet?" so far


def _goal_skills(session: Session, team_id: int) -> frozenset[str]:
    """Skills of objectives linked to the team's active shared goals (skill names only)."""
    names = session.exec(select(Objective.skill).join(Goal, Goal.id == Objective.goal_id)
                         .where(Goal.team_id == team_id, Goal.status == "active"))
    return frozenset(matching.skill_key(n) for n in names if n)


def round_people(session: Session, team: Team, now: datetime) -> tuple[list, dict[int, Member]]:
    excluded = mq.excluded(session, team.id)
    last = mq.recent_rounds(session, team.id, 1)
    preferred = set(mq.unpaired_of(session, last[0].id)) if last else set()
    people, members = [], {}
    for member, prof, skills in mq.team_people(session, team.id):
        members[member.id] = member
        absent = ""
        if member.is_deleted or member.is_bot:
            absent = "away"
        elif prof is None or not skills:
            absent = "no profile"
        elif prof.opted_out:
            absent = "opted out"
        elif prof.paused_until and prof.paused_until > now:
            absent = "paused"
        elif prof.visibility != "team":
            absent = "private profile"
        elif member.id in excluded:
            absent = "excluded"
        people.append(matching.Person(
            member.id, {s.key: matching.Skill(s.level, s.can_mentor, s.want_learn)
                        for s in skills}, capacity=prof.capacity if prof else 1,
            absent=absent, preferred=member.id in preferred))
    return people, members


def run_round(session: Session, team: Team, run_by: str, now: datetime) -> RoundDone:
    """Plan, store and announce one round: pairs to introduce (after commit, once their group
    DM is open), a DM to each person left unpaired saying why, follow-ups 10 days on."""
    settings = mq.settings_of(session, team.id)
    people, members = round_people(session, team, now)
    history = mq.pairs_of_rounds(session, [r.id for r in mq.recent_rounds(
        session, team.id, settings.repeat_window)])
    recent = {frozenset((p.mentor_id, p.mentee_id)) for p in history}
    result = matching.plan_round(people, recent, _goal_skills(session, team.id))
    spelling = {s.key: s.name for _, _, skills in mq.team_people(session, team.id)
                for s in skills}
    rnd = MentorRound(team_id=team.id, run_by=run_by, created_at=now)
    session.add(rnd)
    session.flush()
    done = RoundDone(rnd.id, team.name, len(result.pairs), len(result.unpaired),
                     len(result.left_out))
    by_mentor: dict[int, list[MentorPair]] = {}
    for pair in result.pairs:
        row = MentorPair(round_id=rnd.id, mentor_id=pair.mentor, mentee_id=pair.mentee,
                         skill=spelling.get(pair.skill, pair.skill), score=pair.score)
        session.add(row)
        by_mentor.setdefault(pair.mentor, []).append(row)
    session.flush()
    for mentor_id, rows in by_mentor.items():
        users = [members[mentor_id].slack_user_id,
                 *[members[r.mentee_id].slack_user_id for r in rows]]
        done.intros.append((users[0], users[1:], [r.id for r in rows]))
        for row in rows:
            done.outbox_ids += _follow_ups(session, team, row, members, now)
    for member_id, reason in result.unpaired.items():
        session.add(MentorUnpaired(round_id=rnd.id, member_id=member_id, reason=reason[:120]))
        member = members[member_id]
        text = ui.unpaired_text(team.name, reason, spelling)
        mid = enqueue(session, workspace_id=team.workspace_id, key=f"mentor_unpaired:{rnd.id}:"
                      f"{member_id}", channel=member.slack_user_id, text=text,
                      kind="mentor_unpaired", not_before=now)
        done.outbox_ids += [mid] if mid else []
    mq.clear_exclusions(session, team.id)
    return done


def _follow_ups(session, team, row: MentorPair, members, now) -> list[int]:
    ids = []
    for side, other in ((row.mentor_id, row.mentee_id), (row.mentee_id, row.mentor_id)):
        member = members[side]
        text, blocks = ui.followup_dm(members[other].slack_user_id, row.skill, row.id)
        mid = enqueue(session, workspace_id=team.workspace_id,
                      key=f"mentor_followup:{row.id}:{side}", channel=member.slack_user_id,
                      text=text, blocks=blocks, kind="mentor_followup",
                      not_before=next_nudge_at(now + FOLLOW_UP_AFTER, member.tz))
        ids += [mid] if mid else []
    return ids


def introduce(session: Session, team: Team, pair_ids: list[int], channel_id: str,
              now: datetime, *, key_suffix: str = "", channel_is_group: bool = True
              ) -> list[int]:
    """The intro of one mentor and their mentees, in the group DM Slack opened for them (or,
    from a scheduled round, in one person's DM: `channel_id` is then their user id)."""
    rows = [session.get(MentorPair, i) for i in pair_ids]
    rows = [r for r in rows if r is not None]
    if not rows:
        return []
    for row in rows:
        if channel_is_group:
            row.channel_id = channel_id
            session.add(row)
    mentor = session.get(Member, rows[0].mentor_id)
    mentees = [(session.get(Member, r.mentee_id).slack_user_id, r.skill, r.id) for r in rows]
    text, blocks = ui.intro_message(team.name, mentor.slack_user_id, mentees)
    mid = enqueue(session, workspace_id=team.workspace_id, key=f"mentor_intro:{rows[0].id}:{key_suffix}",
                  channel=channel_id, text=text, blocks=blocks, kind="mentor_intro",
                  not_before=now)
    return [mid] if mid else []


def answer_followup(session: Session, workspace_id: str, user_id: str, value: str,
                    now: datetime) -> str:
    """Record one side's "Did you meet?"; only the two people of the pair may answer."""
    pair_text, _, answer = value.partition(":")
    pair_id = int(pair_text) if pair_text.isdigit() and len(pair_text) < 19 else None
    if pair_id is None or answer not in ("yes", "not_yet", "no"):
        return refusals.STALE
    pair, rnd = mq.pair_for(session, pair_id)
    team = session.get(Team, rnd.team_id) if rnd else None
    if pair is None or team is None or team.workspace_id != workspace_id:
        return refusals.STALE
    member = get_or_create_member(session, workspace_id, user_id)
    if member.id not in (pair.mentor_id, pair.mentee_id):
        return refusals.MENTOR_NOT_IN_PAIR
    mq.record_answer(session, pair.id, member.id, answer, now)
    return {"yes": "Great — noted that you met.", "not_yet": "Noted: not yet. There's time.",
            "no": "Noted. Thanks for saying so; it helps the next round."}[answer]


def skip_pair(session: Session, workspace_id: str, user_id: str, pair_id: int | None) -> str:
    pair, rnd = mq.pair_for(session, pair_id) if pair_id else (None, None)
    team = session.get(Team, rnd.team_id) if rnd else None
    if pair is None or team is None or team.workspace_id != workspace_id:
        return refusals.STALE
    member = get_or_create_member(session, workspace_id, user_id)
    if member.id not in (pair.mentor_id, pair.mentee_id):
        return refusals.MENTOR_NOT_IN_PAIR
    pair.skipped = True
    session.add(pair)
    mq.skip_followups(session, pair.id)
    return "Skipped for this round; you'll be matched again next round."


def start_round(session: Session, workspace_id: str, channel_id: str, user_id: str,
                now: datetime) -> RoundDone | str:
    """`/pact mentor round` in a team's channel: leads only, decided from what Pact stored."""
    team = tq.team_for_channel(session, workspace_id, channel_id)
    if team is None:
        return refusals.MENTOR_NO_TEAM
    actor = get_or_create_member(session, workspace_id, user_id)
    if not tq.is_lead(session, team.id, actor.id):
        return refusals.MENTOR_LEADS_ONLY
    done = run_round(session, team, user_id, now)
    done.answers = mq.answer_counts(session, team.id)
    return done


@dataclass
class Matrix:
    team_name: str
    skills: list[str]
    people: list[str]  # Slack ids
    cells: dict[tuple[str, str], str]  # (person, skill) -> "M4" / "L1" / "4"


def team_matrix(session: Session, workspace_id: str, channel_id: str,
                user_id: str) -> Matrix | str:
    """Who can mentor and who wants to learn what: the team's 'team' profiles only, for the
    team's members and leads."""
    team = tq.team_for_channel(session, workspace_id, channel_id)
    if team is None:
        return refusals.MENTOR_NO_TEAM
    actor = get_or_create_member(session, workspace_id, user_id)
    if not tq.is_member(session, team.id, actor.id):
        return refusals.MENTOR_MEMBERS_ONLY
    cells, skills, people = {}, {}, []
    for member, prof, rows in mq.team_people(session, team.id):
        if prof is None or prof.visibility != "team" or not rows:
            continue
        people.append(member.slack_user_id)
        for s in rows:
            skills[s.key] = s.name
            cells[(member.slack_user_id, s.name)] = (
                ("M" if s.can_mentor else "") + ("L" if s.want_learn else "") + str(s.level))
    return Matrix(team.name, sorted(skills.values()), people, cells)


def set_window(session: Session, workspace_id: str, channel_id: str, user_id: str,
               args: list[str]) -> str:
    """A lead sets how many past rounds a pair may not repeat within (0-12)."""
    team = tq.team_for_channel(session, workspace_id, channel_id)
    if team is None:
        return refusals.MENTOR_NO_TEAM
    actor = get_or_create_member(session, workspace_id, user_id)
    if not tq.is_lead(session, team.id, actor.id):
        return refusals.MENTOR_LEADS_ONLY
    settings = mq.settings_of(session, team.id)
    if not args:
        return f"No pair repeats within {settings.repeat_window} rounds."
    if not args[0].isdigit() or not 0 <= int(args[0]) <= 12:
        return "Give a number of rounds from 0 to 12, e.g. `/pact mentor window 3`."
    settings.repeat_window = int(args[0])
    session.add(settings)
    if not settings.repeat_window:
        return "From the next round, pairs may repeat from one round to the next."
    return (f"From the next round, nobody is paired with someone they met in the last "
            f"{settings.repeat_window} rounds.")


def book(session: Session, workspace_id: str, user_id: str, pair_id: int | None,
         note: str) -> tuple[str, MentorPair | None]:
    """One side of the pair notes the agreed time; shown to both in their group DM."""
    pair, rnd = mq.pair_for(session, pair_id) if pair_id else (None, None)
    team = session.get(Team, rnd.team_id) if rnd else None
    if pair is None or team is None or team.workspace_id != workspace_id:
        return refusals.STALE, None
    member = get_or_create_member(session, workspace_id, user_id)
    if member.id not in (pair.mentor_id, pair.mentee_id):
        return refusals.MENTOR_NOT_IN_PAIR, None
    pair.booked = note[:200]
    session.add(pair)
    return "", pair


def announce_booking(session: Session, workspace_id: str, user_id: str, pair_id: int | None,
                     key: str | None) -> list[int]:
    """The agreed time, posted once in the pair's group DM (after it was saved)."""
    pair, rnd = mq.pair_for(session, pair_id) if pair_id else (None, None)
    team = session.get(Team, rnd.team_id) if rnd else None
    if pair is None or team is None or team.workspace_id != workspace_id or not pair.booked:
        return []
    # A scheduled round introduced the pair in their own DMs: both hear it there.
    channels = [pair.channel_id] if pair.channel_id else [
        session.get(Member, i).slack_user_id for i in (pair.mentor_id, pair.mentee_id)]
    ids = []
    for channel in channels:
        mid = enqueue(session, workspace_id=workspace_id,
                      key=f"mentor_booked:{pair.id}:{channel}:{key}", channel=channel,
                      text=ui.booked_text(user_id, pair.skill, pair.booked),
                      kind="mentor_booked")
        ids += [mid] if mid else []
    return ids
