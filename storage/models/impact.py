"""Impact: pulse surveys whose answers cannot be traced to a person, and the team's settings
for showing results.

Anonymity is a property of these tables: `pulse_invites` says who was asked and whether they
answered; `pulse_answers` says what was answered. Nothing links the two: an answer row has no
member, no timestamp, and a random id, and a survey's answers are rewritten in a shuffled order
with fresh random ids on every submission, so neither ids, physical order nor transaction ids
tell which answer came when.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, CheckConstraint, Column
from sqlmodel import Field, SQLModel

from storage.types import UTCDateTime, utcnow

PULSE_CADENCES = ("once", "biweekly", "monthly")
MIN_RESPONSES_FLOOR = 3  # no result, chart or export is ever shown for fewer answers


class ImpactSettings(SQLModel, table=True):
    """A team's rule for results: at least `min_responses` answers (never below 3)."""

    __tablename__ = "impact_settings"
    __table_args__ = (CheckConstraint("min_responses >= 3", name="min_responses"),)
    team_id: int = Field(foreign_key="teams.id", ondelete="CASCADE", primary_key=True)
    min_responses: int = 3
    # The weekly digest in the team channel (off by default), at this weekday and time (team
    # time); the week it last covered and its post, edited when the same week is re-rendered.
    digest_enabled: bool = False
    digest_weekday: str = Field(default="fri", max_length=3)
    digest_time: str = Field(default="16:00", max_length=5)
    digest_week: str | None = Field(default=None, max_length=10)
    digest_ts: str | None = Field(default=None, max_length=32)
    updated_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class PulseSeries(SQLModel, table=True):
    """A lead's recurring pulse: which questions, how often, how long each stays open."""

    __tablename__ = "pulse_series"
    __table_args__ = (CheckConstraint("cadence IN ('once','biweekly','monthly')",
                                      name="cadence"),)
    id: int | None = Field(default=None, primary_key=True)
    workspace_id: str = Field(foreign_key="workspaces.id", ondelete="CASCADE", max_length=32)
    team_id: int = Field(foreign_key="teams.id", ondelete="CASCADE", index=True)
    questions: list = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    with_enps: bool = False
    with_comment: bool = True
    cadence: str = Field(default="once", max_length=10)
    open_days: int = 3  # working days
    share_in_channel: bool = False
    active: bool = True
    created_by: str = Field(default="", max_length=32)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class PulseSurvey(SQLModel, table=True):
    """One round of a series: open from `opens_at` until `closes_at`."""

    __tablename__ = "pulse_surveys"
    __table_args__ = (CheckConstraint("status IN ('open','closed')", name="status"),)
    id: int | None = Field(default=None, primary_key=True)
    series_id: int = Field(foreign_key="pulse_series.id", ondelete="CASCADE", index=True)
    team_id: int = Field(foreign_key="teams.id", ondelete="CASCADE", index=True)
    workspace_id: str = Field(foreign_key="workspaces.id", ondelete="CASCADE", max_length=32)
    questions: list = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    with_enps: bool = False
    with_comment: bool = True
    opens_at: datetime = Field(sa_type=UTCDateTime)
    closes_at: datetime = Field(sa_type=UTCDateTime)
    status: str = Field(default="open", max_length=8)
    invited: int = 0
    responses: int = 0  # counted when it closes
    # Aggregates kept when it closed at or above the threshold (never otherwise), for reports:
    # {"means": {question: mean}, "enps": int | None}
    summary: dict | None = Field(default=None, sa_column=Column(JSON, nullable=True))


class PulseInvite(SQLModel, table=True):
    """Who was asked, and whether they answered: never what, never when."""

    __tablename__ = "pulse_invites"
    survey_id: int = Field(foreign_key="pulse_surveys.id", ondelete="CASCADE",
                           primary_key=True)
    member_id: int = Field(foreign_key="members.id", ondelete="CASCADE", primary_key=True)
    answered: bool = False
    dm_sent: bool = False  # the invitation went out
    reminded: bool = False


class PulseAnswer(SQLModel, table=True):
    """What was answered, by nobody in particular: a random id, no member, no time."""

    __tablename__ = "pulse_answers"
    id: str = Field(primary_key=True, max_length=32)
    survey_id: int = Field(foreign_key="pulse_surveys.id", ondelete="CASCADE", index=True)
    scores: dict = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    enps: int | None = None
    comment: str | None = Field(default=None, max_length=2000)


class FeedbackRequest(SQLModel, table=True):
    """An objective's owner asked chosen teammates for feedback (360)."""

    __tablename__ = "feedback_requests"
    id: int | None = Field(default=None, primary_key=True)
    workspace_id: str = Field(foreign_key="workspaces.id", ondelete="CASCADE", max_length=32)
    objective_id: int = Field(foreign_key="objectives.id", ondelete="CASCADE", index=True)
    owner_id: int = Field(foreign_key="members.id", ondelete="CASCADE")
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class FeedbackAsk(SQLModel, table=True):
    """Who was asked, and whether they answered (never how, nor when)."""

    __tablename__ = "feedback_asks"
    request_id: int = Field(foreign_key="feedback_requests.id", ondelete="CASCADE",
                            primary_key=True)
    giver_id: int = Field(foreign_key="members.id", ondelete="CASCADE", primary_key=True)
    answered: bool = False


class FeedbackAnswer(SQLModel, table=True):
    """One giver's feedback. `giver_id` is set only when they chose to be named; anonymous
    answers have a random id, no time, and are rewritten shuffled like pulse answers, and
    reach the owner only once at least 3 anonymous answers are in (`released`)."""

    __tablename__ = "feedback_answers"
    id: str = Field(primary_key=True, max_length=32)
    request_id: int = Field(foreign_key="feedback_requests.id", ondelete="CASCADE", index=True)
    giver_id: int | None = Field(default=None, foreign_key="members.id", ondelete="SET NULL")
    went_well: str = Field(default="", max_length=1000)
    try_next: str = Field(default="", max_length=1000)
    knowledge_sharing: int | None = None
    mentoring: int | None = None
    released: bool = False
