"""Every table Pact stores, imported here so metadata and migrations see them all."""

from storage.models.absences import Absence, TeamHolidays
from storage.models.base import metadata
from storage.models.goal import GOAL_STATUSES, Goal, GoalParticipant, Milestone, ProgressUpdate
from storage.models.impact import (
    MIN_RESPONSES_FLOOR,
    PULSE_CADENCES,
    FeedbackAnswer,
    FeedbackAsk,
    FeedbackRequest,
    ImpactSettings,
    PulseAnswer,
    PulseInvite,
    PulseSeries,
    PulseSurvey,
)
from storage.models.installations import (
    WORKSPACE_STATES,
    HandledEvent,
    WorkspaceInstall,
)
from storage.models.lab import LAB_SESSION_STATUSES, Lab, LabSeat, LabSession
from storage.models.mentoring import (
    MEETING_ANSWERS,
    PROFILE_VISIBILITIES,
    MemberSkill,
    MentorExclusion,
    MentorFollowup,
    MentorPair,
    MentorRound,
    MentorSettings,
    MentorUnpaired,
    SkillProfile,
)
from storage.models.outbox import OUTBOX_STATUSES, OutboxMessage
from storage.models.pacts import CADENCES, Kudos, Pact, PactCheckin
from storage.models.pdp import (
    OBJECTIVE_STATUSES,
    VISIBILITIES,
    Objective,
    Pdp,
    PdpChange,
    PdpReview,
)
from storage.models.schedule import NudgeSent, NudgeSnooze, Schedule
from storage.models.team import WEEKDAYS, Team, TeamMembership
from storage.models.workspace import Member, Submission, Workspace

__all__ = [
    "GOAL_STATUSES", "OBJECTIVE_STATUSES", "OUTBOX_STATUSES", "VISIBILITIES", "WEEKDAYS",
    "Goal", "GoalParticipant", "Member", "Milestone", "Objective", "OutboxMessage", "Pdp", "PdpChange",
    "PdpReview", "ProgressUpdate", "Team", "TeamMembership", "Workspace", "metadata",
    "LAB_SESSION_STATUSES", "Lab", "LabSeat", "LabSession",
    "NudgeSent", "NudgeSnooze", "Schedule", "Submission",
    "WORKSPACE_STATES", "HandledEvent", "WorkspaceInstall",
    "MEETING_ANSWERS", "PROFILE_VISIBILITIES", "MemberSkill", "MentorExclusion",
    "MentorFollowup", "MentorPair", "MentorRound", "MentorSettings", "MentorUnpaired",
    "SkillProfile",
    "CADENCES", "Kudos", "Pact", "PactCheckin",
    "MIN_RESPONSES_FLOOR", "PULSE_CADENCES", "ImpactSettings", "PulseAnswer", "PulseInvite",
    "PulseSeries", "PulseSurvey", "FeedbackAnswer", "FeedbackAsk", "FeedbackRequest",
    "Absence", "TeamHolidays",
]
