"""Skill profiles and mentor rounds."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, UniqueConstraint
from sqlmodel import Field, SQLModel

from storage.types import UTCDateTime, utcnow

PROFILE_VISIBILITIES = ("team", "manager")
MEETING_ANSWERS = ("yes", "not_yet", "no")


class SkillProfile(SQLModel, table=True):
    """A person's mentoring settings; only 'team' profiles take part in rounds."""

    __tablename__ = "skill_profiles"
    __table_args__ = (CheckConstraint("visibility IN ('team','manager')", name="visibility"),
                      CheckConstraint("capacity >= 0 AND capacity <= 5", name="capacity"))
    member_id: int = Field(foreign_key="members.id", ondelete="CASCADE", primary_key=True)
    visibility: str = Field(default="team", max_length=8)
    capacity: int = 1  # mentees at most per round
    paused_until: datetime | None = Field(default=None, sa_type=UTCDateTime)
    opted_out: bool = False
    updated_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class MemberSkill(SQLModel, table=True):
    __tablename__ = "member_skills"
    __table_args__ = (UniqueConstraint("member_id", "key"),
                      CheckConstraint("level >= 1 AND level <= 5", name="level"))
    id: int | None = Field(default=None, primary_key=True)
    member_id: int = Field(foreign_key="members.id", ondelete="CASCADE", index=True)
    key: str = Field(max_length=80)  # bot.rules.matching.skill_key
    name: str = Field(max_length=80)
    level: int = 1
    can_mentor: bool = False
    want_learn: bool = False


class MentorSettings(SQLModel, table=True):
    """A team's mentoring settings: the no-repeat window and the cadence of rounds."""

    __tablename__ = "mentor_settings"
    team_id: int = Field(foreign_key="teams.id", ondelete="CASCADE", primary_key=True)
    repeat_window: int = 3  # no pair repeats within this many rounds
    cadence: str = Field(default="", max_length=40)  # '', 'every 2 weeks mon 10:00', ...


class MentorExclusion(SQLModel, table=True):
    """A lead left this person out of the team's next round."""

    __tablename__ = "mentor_exclusions"
    team_id: int = Field(foreign_key="teams.id", ondelete="CASCADE", primary_key=True)
    member_id: int = Field(foreign_key="members.id", ondelete="CASCADE", primary_key=True)


class MentorRound(SQLModel, table=True):
    __tablename__ = "mentor_rounds"
    id: int | None = Field(default=None, primary_key=True)
    team_id: int = Field(foreign_key="teams.id", ondelete="CASCADE", index=True)
    run_by: str = Field(default="", max_length=32)  # a lead's Slack id, or '' when scheduled
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class MentorPair(SQLModel, table=True):
    __tablename__ = "mentor_pairs"
    id: int | None = Field(default=None, primary_key=True)
    round_id: int = Field(foreign_key="mentor_rounds.id", ondelete="CASCADE", index=True)
    mentor_id: int = Field(foreign_key="members.id", ondelete="CASCADE", index=True)
    mentee_id: int = Field(foreign_key="members.id", ondelete="CASCADE", index=True)
    skill: str = Field(max_length=80)
    score: int = 0
    channel_id: str = Field(default="", max_length=32)  # the intro group DM
    booked: str = Field(default="", max_length=200)  # the agreed time, as noted
    skipped: bool = False
    # The pact the pair turned into (once only): the mentee's objective, the mentor supporting.
    pact_id: int | None = Field(default=None, foreign_key="pacts.id", ondelete="SET NULL")


class MentorUnpaired(SQLModel, table=True):
    """Someone a round could not pair, and why; preferred in the next round."""

    __tablename__ = "mentor_unpaired"
    round_id: int = Field(foreign_key="mentor_rounds.id", ondelete="CASCADE", primary_key=True)
    member_id: int = Field(foreign_key="members.id", ondelete="CASCADE", primary_key=True)
    reason: str = Field(max_length=120)


class MentorFollowup(SQLModel, table=True):
    """One side's answer to "Did you meet?"."""

    __tablename__ = "mentor_followups"
    __table_args__ = (CheckConstraint("answer IN ('yes','not_yet','no')", name="answer"),)
    pair_id: int = Field(foreign_key="mentor_pairs.id", ondelete="CASCADE", primary_key=True)
    member_id: int = Field(foreign_key="members.id", ondelete="CASCADE", primary_key=True)
    answer: str = Field(max_length=8)
    answered_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
