"""Skill profiles and mentor rounds: named reads and writes."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import case, func, update
from sqlmodel import Session, delete, select

from storage.models import (
    Goal,
    Member,
    MemberSkill,
    MentorExclusion,
    MentorFollowup,
    MentorPair,
    MentorRound,
    MentorSettings,
    MentorUnpaired,
    Objective,
    OutboxMessage,
    Pdp,
    Schedule,
    SkillProfile,
    Team,
    TeamMembership,
)


def profile(session: Session, member_id: int) -> SkillProfile | None:
    return session.get(SkillProfile, member_id)


def ensure_profile(session: Session, member_id: int) -> SkillProfile:
    found = session.get(SkillProfile, member_id)
    if found is None:
        found = SkillProfile(member_id=member_id)
        session.add(found)
        session.flush()
    return found


def skills_of(session: Session, member_id: int) -> list[MemberSkill]:
    return list(session.exec(select(MemberSkill).where(MemberSkill.member_id == member_id)
                             .order_by(MemberSkill.name)))


def replace_skills(session: Session, member_id: int, skills: list[MemberSkill]) -> None:
    session.exec(delete(MemberSkill).where(MemberSkill.member_id == member_id))
    session.flush()
    for skill in skills:
        skill.member_id = member_id
        session.add(skill)
    session.flush()


def plan_skill_names(session: Session, member_id: int) -> list[str]:
    """The owner's own plan: skill gaps (one per line or comma) and open objectives' skills."""
    pdp = session.exec(select(Pdp).where(Pdp.owner_id == member_id)).first()
    if pdp is None:
        return []
    names = [p for line in pdp.skill_gaps.splitlines() for p in line.split(",")]
    names += list(session.exec(select(Objective.skill).where(
        Objective.pdp_id == pdp.id, Objective.status.in_(("not_started", "in_progress")))))
    return [n.strip() for n in names if n and n.strip()]


def levels_of(session: Session, member_ids: set[int], keys: set[str]
              ) -> dict[tuple[int, str], int]:
    """(member id, skill key) -> their level, for those members and skills."""
    if not member_ids or not keys:
        return {}
    return {(m, k): level for m, k, level in session.exec(
        select(MemberSkill.member_id, MemberSkill.key, MemberSkill.level).where(
            MemberSkill.member_id.in_(member_ids), MemberSkill.key.in_(keys)))}


def managers_of(session: Session, member_ids: list[int]) -> dict[int, int]:
    """member id -> their manager's (as their plan names them), for those who have one."""
    if not member_ids:
        return {}
    return {owner: manager for owner, manager in session.exec(
        select(Pdp.owner_id, Pdp.manager_id).where(Pdp.owner_id.in_(member_ids)))
        if manager is not None}


def team_spellings(session: Session, team_ids: list[int]) -> dict[str, str]:
    """key -> the spelling teammates already use (the most common one)."""
    if not team_ids:
        return {}
    rows = session.exec(
        select(MemberSkill.key, MemberSkill.name)
        .join(TeamMembership, TeamMembership.member_id == MemberSkill.member_id)
        .where(TeamMembership.team_id.in_(team_ids)))
    counts: dict[str, dict[str, int]] = {}
    for key, name in rows:
        counts.setdefault(key, {}).setdefault(name, 0)
        counts[key][name] += 1
    return {k: max(v, key=lambda n: (v[n], n)) for k, v in counts.items()}


def settings_of(session: Session, team_id: int) -> MentorSettings:
    found = session.get(MentorSettings, team_id)
    if found is None:
        found = MentorSettings(team_id=team_id)
        session.add(found)
        session.flush()
    return found


def team_people(session: Session, team_id: int
                ) -> list[tuple[Member, SkillProfile | None, list[MemberSkill]]]:
    """Everyone in the team with their profile and skills."""
    members = list(session.exec(
        select(Member).join(TeamMembership, TeamMembership.member_id == Member.id)
        .where(TeamMembership.team_id == team_id).order_by(Member.id)))
    ids = [m.id for m in members]
    profiles = {p.member_id: p for p in session.exec(
        select(SkillProfile).where(SkillProfile.member_id.in_(ids)))} if ids else {}
    skills: dict[int, list[MemberSkill]] = {}
    if ids:
        for s in session.exec(select(MemberSkill).where(MemberSkill.member_id.in_(ids))
                              .order_by(MemberSkill.name)):
            skills.setdefault(s.member_id, []).append(s)
    return [(m, profiles.get(m.id), skills.get(m.id, [])) for m in members]


def excluded(session: Session, team_id: int) -> set[int]:
    return set(session.exec(select(MentorExclusion.member_id)
                            .where(MentorExclusion.team_id == team_id)))


def set_excluded(session: Session, team_id: int, member_id: int, on: bool) -> None:
    found = session.get(MentorExclusion, (team_id, member_id))
    if on and found is None:
        session.add(MentorExclusion(team_id=team_id, member_id=member_id))
    elif not on and found is not None:
        session.delete(found)
    session.flush()


def clear_exclusions(session: Session, team_id: int) -> None:
    session.exec(delete(MentorExclusion).where(MentorExclusion.team_id == team_id))


def latest_round_locked(session: Session, team_id: int) -> MentorRound | None:
    """The team's latest round, with the team's row locked (PostgreSQL; SQLite's writers are
    serialised already) so two rounds asked for at once are decided one after the other."""
    session.get(Team, team_id, with_for_update=True)
    return session.exec(select(MentorRound).where(MentorRound.team_id == team_id)
                        .order_by(MentorRound.id.desc()).limit(1)).first()


def recent_rounds(session: Session, team_id: int, count: int) -> list[MentorRound]:
    return list(session.exec(select(MentorRound).where(MentorRound.team_id == team_id)
                             .order_by(MentorRound.id.desc()).limit(max(count, 0))))


def pairs_of_rounds(session: Session, round_ids: list[int]) -> list[MentorPair]:
    if not round_ids:
        return []
    return list(session.exec(select(MentorPair).where(MentorPair.round_id.in_(round_ids))
                             .order_by(MentorPair.id)))


def unpaired_of(session: Session, round_id: int) -> dict[int, str]:
    return {u.member_id: u.reason for u in session.exec(
        select(MentorUnpaired).where(MentorUnpaired.round_id == round_id))}


def active_goal_titles(session: Session, team_id: int) -> list[str]:
    return list(session.exec(select(Goal.title).where(Goal.team_id == team_id,
                                                      Goal.status == "active")))


def pair_for(session: Session, pair_id: int, *, for_update: bool = False
             ) -> tuple[MentorPair | None, MentorRound | None]:
    """The pair and its round; `for_update` locks the pair (two clicks at once: one effect)."""
    pair = session.get(MentorPair, pair_id, with_for_update=for_update)
    return pair, (session.get(MentorRound, pair.round_id) if pair else None)


def record_answer(session: Session, pair_id: int, member_id: int, answer: str, now) -> None:
    found = session.get(MentorFollowup, (pair_id, member_id))
    if found is None:
        session.add(MentorFollowup(pair_id=pair_id, member_id=member_id, answer=answer,
                                   answered_at=now))
    else:
        found.answer, found.answered_at = answer, now
        session.add(found)
    session.flush()


def answer_counts(session: Session, team_id: int) -> dict[str, int]:
    rows = session.exec(
        select(MentorFollowup.answer)
        .join(MentorPair, MentorPair.id == MentorFollowup.pair_id)
        .join(MentorRound, MentorRound.id == MentorPair.round_id)
        .where(MentorRound.team_id == team_id))
    counts: dict[str, int] = {}
    for answer in rows:
        counts[answer] = counts.get(answer, 0) + 1
    return counts


def current_pairs_of(session: Session, member_id: int) -> list[tuple[MentorPair, MentorRound]]:
    """The member's pairs in the latest round of each of their teams."""
    teams = select(TeamMembership.team_id).where(TeamMembership.member_id == member_id)
    latest = list(session.exec(select(func.max(MentorRound.id))
                               .where(MentorRound.team_id.in_(teams))
                               .group_by(MentorRound.team_id)))
    if not latest:
        return []
    rows = session.exec(select(MentorPair, MentorRound)
                        .join(MentorRound, MentorRound.id == MentorPair.round_id)
                        .where(MentorPair.round_id.in_(latest),
                               (MentorPair.mentor_id == member_id)
                               | (MentorPair.mentee_id == member_id))
                        .order_by(MentorPair.id))
    return [(p, r) for p, r in rows]


def current_pairs_with_people(session: Session, member_id: int
                              ) -> list[tuple[MentorPair, Team, Member]]:
    """`current_pairs_of` with each pair's team and the member's other side, in one
    statement."""
    teams = select(TeamMembership.team_id).where(TeamMembership.member_id == member_id)
    latest = (select(func.max(MentorRound.id)).where(MentorRound.team_id.in_(teams))
              .group_by(MentorRound.team_id))
    other = case((MentorPair.mentor_id == member_id, MentorPair.mentee_id),
                 else_=MentorPair.mentor_id)
    rows = session.exec(select(MentorPair, Team, Member)
                        .join(MentorRound, MentorRound.id == MentorPair.round_id)
                        .join(Team, Team.id == MentorRound.team_id)
                        .join(Member, Member.id == other)
                        .where(MentorPair.round_id.in_(latest),
                               (MentorPair.mentor_id == member_id)
                               | (MentorPair.mentee_id == member_id))
                        .order_by(MentorPair.id))
    return [(p, t, m) for p, t, m in rows]


def next_scheduled_round(session: Session, member_id: int) -> tuple[datetime, str] | None:
    """(when, team name) of the next scheduled mentor round of one of the member's teams."""
    row = session.exec(
        select(Schedule.next_run_at, Team.name)
        .join(Team, Team.id == Schedule.subject_id)
        .join(TeamMembership, TeamMembership.team_id == Team.id)
        .where(TeamMembership.member_id == member_id, Schedule.kind == "mentor_round",
               Schedule.status == "active", Schedule.next_run_at.is_not(None))
        .order_by(Schedule.next_run_at, Team.name).limit(1)).first()
    return (row[0], row[1]) if row else None


def skip_followups(session: Session, pair_id: int) -> int:
    """A pair skipped the round: its pending "Did you meet?" DMs are not sent."""
    return session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.idempotency_key.like(f"mentor_followup:{pair_id}:%"),
               OutboxMessage.status == "pending")
        .values(status="skipped", last_error="the pair skipped this round")).rowcount


def withdraw_pact_messages(session: Session, pact_id: int) -> int:
    """A pact made from a mentor pair: its own offer and agreement DMs, still waiting in this
    very transaction, give way to mentoring's one message to each side."""
    return session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.idempotency_key.like(f"pact:{pact_id}:%"),
               OutboxMessage.status == "pending")
        .values(status="skipped", last_error="told by mentoring instead")).rowcount
