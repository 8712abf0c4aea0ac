"""The data model, one module per aggregate."""

# search_index registers the full-text index's DDL with the lesson table; it has no model.
# library_version registers the triggers that count changes to the library; it has no model.
from proeftuin.models import (
    library_version,  # noqa: F401
    search_index,  # noqa: F401
)
from proeftuin.models.assessment import (
    HIGHEST_SCORE,
    LOWEST_SCORE,
    ApplicationScore,
    AssessmentConflict,
    CallAssessor,
    CallDecision,
    DecisionOutcome,
)
from proeftuin.models.audit import AuditAction, AuditEvent, AuditPurge, RecordType
from proeftuin.models.base import utcnow
from proeftuin.models.call import Call, CallCriterion, CallState, call_application
from proeftuin.models.case import (
    CASE_TEXT_FIELDS,
    CaseDiscussion,
    CaseFollowUp,
    CaseStatus,
    case_direction,
    case_discipline,
    case_question,
)
from proeftuin.models.cohort import (
    ACTIVE_COHORT_STATUSES,
    COHORT_STATUSES,
    CohortDate,
    CohortDateKind,
    cohort_date_pilot,
)
from proeftuin.models.lesson import (
    LESSON_TEXT_FIELDS,
    EvidenceBasis,
    Lesson,
    LessonKind,
    LessonLevel,
    LessonReview,
    LessonRevision,
    LessonStatus,
    ReviewDecision,
    lesson_direction,
    lesson_question,
    lesson_source_case,
    lesson_target_group,
)
from proeftuin.models.measure import (
    ActDecision,
    Experiment,
    ImprovementDirection,
    Measure,
    MeasureValue,
    experiment_direction,
    experiment_measure,
    lesson_experiment,
)
from proeftuin.models.message import MessageStatus, OutboxMessage
from proeftuin.models.notification import (
    Delivery,
    Notification,
    NotificationPreference,
    ScheduledRun,
)
from proeftuin.models.pilot import (
    PUBLIC_STATUSES,
    Agreement,
    MemberRole,
    Membership,
    OrganisationKind,
    Pilot,
    PilotDirection,
    PilotOrganisation,
    PilotScale,
    PilotStatus,
    PilotStatusChange,
    pilot_discipline,
    pilot_question,
    pilot_target_group,
)
from proeftuin.models.privacy import PrivacyConfirmation
from proeftuin.models.programme import Programme, programme_facilitator
from proeftuin.models.reference import (
    CarerQuestion,
    Discipline,
    Region,
    SolutionDirection,
    TargetGroup,
)
from proeftuin.models.reuse import LessonReuse
from proeftuin.models.subscription import Frequency, Subscription
from proeftuin.models.user import Invitation, RecoveryCode, Role, User, UserSession

__all__ = [
    "HIGHEST_SCORE",
    "LOWEST_SCORE",
    "ApplicationScore",
    "AssessmentConflict",
    "CallAssessor",
    "CallDecision",
    "DecisionOutcome",
    "CASE_TEXT_FIELDS",
    "LESSON_TEXT_FIELDS",
    "PUBLIC_STATUSES",
    "ActDecision",
    "Agreement",
    "AuditAction",
    "RecordType",
    "AuditEvent",
    "AuditPurge",
    "Call",
    "CallCriterion",
    "CallState",
    "CarerQuestion",
    "CaseDiscussion",
    "CaseFollowUp",
    "CaseStatus",
    "ACTIVE_COHORT_STATUSES",
    "COHORT_STATUSES",
    "CohortDate",
    "CohortDateKind",
    "cohort_date_pilot",
    "Discipline",
    "EvidenceBasis",
    "Experiment",
    "ImprovementDirection",
    "Invitation",
    "Lesson",
    "LessonKind",
    "LessonLevel",
    "LessonReuse",
    "LessonReview",
    "LessonRevision",
    "LessonStatus",
    "Measure",
    "MeasureValue",
    "MemberRole",
    "Membership",
    "OrganisationKind",
    "Pilot",
    "PilotDirection",
    "PilotOrganisation",
    "PilotScale",
    "PilotStatus",
    "PilotStatusChange",
    "Delivery",
    "MessageStatus",
    "Notification",
    "NotificationPreference",
    "OutboxMessage",
    "ScheduledRun",
    "Subscription",
    "Frequency",
    "PrivacyConfirmation",
    "Programme",
    "RecoveryCode",
    "Region",
    "ReviewDecision",
    "Role",
    "SolutionDirection",
    "TargetGroup",
    "User",
    "UserSession",
    "call_application",
    "case_direction",
    "case_discipline",
    "case_question",
    "experiment_direction",
    "experiment_measure",
    "lesson_direction",
    "lesson_experiment",
    "lesson_question",
    "lesson_source_case",
    "lesson_target_group",
    "pilot_discipline",
    "pilot_question",
    "pilot_target_group",
    "programme_facilitator",
    "utcnow",
]
