"""The data model, one module per aggregate."""

from proeftuin.models.audit import AuditAction, AuditEvent
from proeftuin.models.base import utcnow
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
from proeftuin.models.programme import Programme, programme_facilitator
from proeftuin.models.reference import (
    CarerQuestion,
    Discipline,
    Region,
    SolutionDirection,
    TargetGroup,
)
from proeftuin.models.user import Invitation, RecoveryCode, Role, User, UserSession

__all__ = [
    "PUBLIC_STATUSES",
    "Agreement",
    "AuditAction",
    "AuditEvent",
    "CarerQuestion",
    "Discipline",
    "Invitation",
    "MemberRole",
    "Membership",
    "OrganisationKind",
    "Pilot",
    "PilotDirection",
    "PilotOrganisation",
    "PilotScale",
    "PilotStatus",
    "PilotStatusChange",
    "Programme",
    "RecoveryCode",
    "Region",
    "Role",
    "SolutionDirection",
    "TargetGroup",
    "User",
    "UserSession",
    "pilot_discipline",
    "pilot_question",
    "pilot_target_group",
    "programme_facilitator",
    "utcnow",
]
