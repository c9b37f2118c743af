"""Mentor rounds as use cases, without Slack: who takes part, the optimal pairs, the intros
to send, the reasons for the unpaired and the follow-ups, and the team's repeat window."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlmodel import Session, select

from bot.rules import matching
from bot.rules.absence import Away
from bot.rules.nudges import next_nudge_at
from handlers.kit import refusals
from handlers.mentoring import blocks as ui
from handlers.mentoring.access import channel_team
from storage.models import Goal, Member, MentorPair, MentorRound, MentorUnpaired, Objective, Team
from storage.queries import absences as aq
from storage.queries import mentoring as mq
from storage.queries.outbox import enqueue

FOLLOW_UP_AFTER = timedelta(days=10)


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
    # For the lead: who has no pair and why, who took no part and why (Slack id, reason,
    # until when for someone away), and the one spelling of each skill key.
    unpaired_why: list[tuple[str, str]] = field(default_factory=list)
    left_out_why: list[tuple[str, str, datetime | None]] = field(default_factory=list)
    spelling: dict[str, str] = field(default_factory=dict)
    goal_skills: frozenset[str] = frozenset()  # for the intros' "why"...
    levels: dict[tuple[int, str], int] = field(default_factory=dict, repr=False)  # ...and this
    # The round's pairs and people, held so the session's identity map (weak references)
    # still has them when the intros are written in the same session.
    loaded: list = field(default_factory=list, repr=False)


def _goal_skills(session: Session, team_id: int) -> frozenset[str]:
    """Skills of objectives linked to the team's active shared goals (skill names only)."""
    names = session.exec(select(Objective.skill).join(Goal, Goal.id == Objective.goal_id)
                         .where(Goal.team_id == team_id, Goal.status == "active"))
    return frozenset(matching.skill_key(n) for n in names if n)


@dataclass
class Roster:
    people: list[matching.Person]
    members: dict[int, Member]
    away: dict[int, Away]  # who is away now (their own absence or their Slack status)
    spelling: dict[str, str]  # skill key -> the team's spelling


def round_people(session: Session, team: Team, now: datetime) -> Roster:
    """Everyone of the team as the matching sees them: who takes no part and why (gone, no
    profile, opted out, paused, away, a profile only for them and their manager, excluded by a
    lead), who goes first (left unpaired last round)."""
    excluded = mq.excluded(session, team.id)
    last = mq.recent_rounds(session, team.id, 1)
    preferred = set(mq.unpaired_of(session, last[0].id)) if last else set()
    rows = mq.team_people(session, team.id)
    away = aq.away_members(session, [m.id for m, _, _ in rows], now)
    people, members, spelling = [], {}, {}
    for member, prof, skills in rows:
        members[member.id] = member
        spelling.update((s.key, s.name) for s in skills)
        absent = ""
        if member.is_deleted or member.is_bot:
            absent = "deactivated"
        elif prof is None or not skills:
            absent = "no profile"
        elif prof.opted_out:
            absent = "opted out"
        elif prof.paused_until and prof.paused_until > now:
            absent = "paused"
        elif member.id in away:
            absent = "away"
        elif prof.visibility != "team":
            absent = "private profile"
        elif member.id in excluded:
            absent = "excluded"
        people.append(matching.Person(
            member.id, {s.key: matching.Skill(s.level, s.can_mentor, s.want_learn)
                        for s in skills}, capacity=prof.capacity if prof else 1,
            absent=absent, preferred=member.id in preferred))
    return Roster(people, members, away, spelling)


def run_round(session: Session, team: Team, run_by: str, now: datetime) -> RoundDone:
    """Plan, store and announce one round: pairs to introduce (after commit, once their group
    DM is open), a DM to each person left unpaired saying why, follow-ups 10 days on."""
    settings = mq.settings_of(session, team.id)
    roster = round_people(session, team, now)
    members, spelling = roster.members, roster.spelling
    history = mq.pairs_of_rounds(session, [r.id for r in mq.recent_rounds(
        session, team.id, settings.repeat_window)])
    recent = {frozenset((p.mentor_id, p.mentee_id)) for p in history}
    goal_skills = _goal_skills(session, team.id)
    result = matching.plan_round(roster.people, recent, goal_skills)
    rnd = MentorRound(team_id=team.id, run_by=run_by, created_at=now)
    session.add(rnd)
    session.flush()
    done = RoundDone(rnd.id, team.name, len(result.pairs), len(result.unpaired),
                     len(result.left_out), spelling=spelling, goal_skills=goal_skills,
                     levels={(p.id, k): s.level for p in roster.people
                             for k, s in p.skills.items()})
    done.left_out_why = [
        (members[i].slack_user_id, why, roster.away[i].until if i in roster.away else None)
        for i, why in result.left_out.items()]
    done.unpaired_why = [(members[i].slack_user_id, why) for i, why in result.unpaired.items()]
    by_mentor: dict[int, list[MentorPair]] = {}
    for pair in result.pairs:
        row = MentorPair(round_id=rnd.id, mentor_id=pair.mentor, mentee_id=pair.mentee,
                         skill=spelling.get(pair.skill, pair.skill), score=pair.score)
        session.add(row)
        by_mentor.setdefault(pair.mentor, []).append(row)
    session.flush()
    done.loaded = [*members.values(), *(r for rows in by_mentor.values() for r in rows)]
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


def introduce(session: Session, team: Team, pair_ids: list[int], now: datetime, *,
              channel_id: str = "", users: list[str] | None = None,
              done: RoundDone | None = None) -> list[int]:
    """The one intro of a mentor and their mentees, in their group DM: `channel_id` when Slack
    already opened it (a round a lead runs), else addressed to the people (`users`), so the
    outbox opens it when the intro goes out (a scheduled round, or a lead's when opening
    failed). Once per group, however often it is asked. `done`: the round just planned in
    this session, whose goal skills and levels the intro's "why" then reuses."""
    rows = [session.get(MentorPair, i) for i in pair_ids]
    rows = [r for r in rows if r is not None]
    if not rows:
        return []
    for row in rows:
        if channel_id:
            row.channel_id = channel_id
            session.add(row)
    mentor = session.get(Member, rows[0].mentor_id)
    mentees = [(session.get(Member, r.mentee_id).slack_user_id, r.skill, r.id) for r in rows]
    people = users or [mentor.slack_user_id, *[m for m, _, _ in mentees]]
    text, blocks = ui.intro_message(team.name, mentor.slack_user_id, mentees,
                                    _why(session, team, rows, done))
    mid = enqueue(session, workspace_id=team.workspace_id, key=f"mentor_intro:{rows[0].id}:",
                  channel=channel_id or ",".join(people), text=text, blocks=blocks,
                  kind="mentor_intro", not_before=now,
                  after_send=None if channel_id else
                  "mentor_pairs:" + ",".join(str(r.id) for r in rows))
    return [mid] if mid else []


def _why(session: Session, team: Team, rows: list[MentorPair], done: RoundDone | None
         ) -> dict[int, tuple[int, int, bool]]:
    """Per pair: the mentor's level and the mentee's on the pair's skill, and whether it is a
    skill of the team's active goals (what the round weighed)."""
    if done is not None:
        goal, levels = done.goal_skills, done.levels
    else:
        goal = _goal_skills(session, team.id)
        levels = mq.levels_of(session, {r.mentor_id for r in rows} | {r.mentee_id for r in rows},
                              {matching.skill_key(r.skill)[:80] for r in rows})
    out = {}
    for r in rows:
        key = matching.skill_key(r.skill)[:80]
        have, want = levels.get((r.mentor_id, key)), levels.get((r.mentee_id, key))
        if have is not None and want is not None:
            out[r.id] = (have, want, key in goal)
    return out


def intro_sent(session: Session, ref: str, channel: str, ts: str) -> None:
    """An intro addressed to its people went out: the group DM Slack opened is the pairs'."""
    ids = [int(i) for i in ref.split(",") if i.isdigit() and len(i) < 19]
    for row in (session.get(MentorPair, i) for i in ids):
        if row is not None and not row.channel_id:
            row.channel_id = channel[:32]
            session.add(row)


ROUND_AGAIN_AFTER = timedelta(minutes=10)  # the same command typed twice is one round


def start_round(session: Session, workspace_id: str, channel_id: str, user_id: str,
                now: datetime) -> RoundDone | str:
    """`/pact mentor round` in a team's channel: leads only, decided from what Pact stored."""
    team, actor, refusal = channel_team(session, workspace_id, channel_id, user_id, lead=True)
    if refusal:
        return refusal
    latest = mq.latest_round_locked(session, team.id)
    if latest is not None and timedelta(0) <= now - latest.created_at < ROUND_AGAIN_AFTER:
        return refusals.mentor_round_just_run(int((now - latest.created_at).total_seconds() // 60))
    done = run_round(session, team, user_id, now)
    done.answers = mq.answer_counts(session, team.id)
    return done


def set_window(session: Session, workspace_id: str, channel_id: str, user_id: str,
               args: list[str]) -> str:
    """A lead sets how many past rounds a pair may not repeat within (0-12)."""
    team, actor, refusal = channel_team(session, workspace_id, channel_id, user_id, lead=True)
    if refusal:
        return refusal
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
