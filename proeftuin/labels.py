"""Translated labels for the states and roles stored as enums."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from proeftuin.models import (
    AuditAction,
    CaseStatus,
    LessonStatus,
    MemberRole,
    PilotScale,
    PilotStatus,
    RecordType,
    ReviewDecision,
    Role,
)
from proeftuin.models.user import is_deleted_account
from proeftuin.reference import label as reference_label

PILOT_STATUS = {
    PilotStatus.applied: _l("Aangemeld"),
    PilotStatus.selected: _l("Geselecteerd"),
    PilotStatus.declined: _l("Afgewezen"),
    PilotStatus.active: _l("Actief"),
    PilotStatus.completed: _l("Afgerond"),
    PilotStatus.stopped: _l("Gestopt"),
}

MEMBER_ROLE = {
    MemberRole.member: _l("Deelnemer"),
    MemberRole.coordinator: _l("Coördinator"),
}

ROLE = {
    Role.admin: _l("Beheerder"),
    Role.facilitator: _l("Begeleider"),
    Role.participant: _l("Deelnemer"),
}

AUDIT_ACTION = {
    AuditAction.created: _l("Aangemaakt"),
    AuditAction.changed: _l("Gewijzigd"),
    AuditAction.viewed: _l("Bekeken"),
    AuditAction.exported: _l("Geëxporteerd"),
    AuditAction.submitted: _l("Ingediend"),
    AuditAction.published: _l("Gepubliceerd"),
    AuditAction.returned: _l("Teruggestuurd"),
    AuditAction.withdrawn: _l("Teruggetrokken"),
    AuditAction.deleted: _l("Verwijderd"),
}

#: the roles the audit trail records (see `audit.role_in`)
AUDIT_ROLE = {
    "member": _l("Deelnemer"),
    "coordinator": _l("Coördinator"),
    "facilitator": _l("Begeleider"),
    "admin": _l("Beheerder"),
    "participant": _l("Deelnemer"),
    "system": _l("Systeem"),
}

#: the kinds of record the audit trail is about
RECORD_TYPE = {
    RecordType.case: _l("Casusbespreking"),
    RecordType.lesson: _l("Les"),
    RecordType.reuse: _l("Melding van hergebruik"),
    RecordType.measure: _l("Meting"),
    RecordType.measure_value: _l("Waarde van een meting"),
    RecordType.experiment: _l("Experiment"),
    RecordType.pilot: _l("Proeftuin"),
}

CASE_STATUS = {
    CaseStatus.draft: _l("Concept"),
    CaseStatus.final: _l("Definitief"),
}

LESSON_STATUS = {
    LessonStatus.draft: _l("Concept"),
    LessonStatus.submitted: _l("Ingediend"),
    LessonStatus.published: _l("Gepubliceerd"),
    LessonStatus.returned: _l("Teruggegeven"),
    LessonStatus.withdrawn: _l("Ingetrokken"),
}

REVIEW_DECISION = {
    ReviewDecision.published: _l("Gepubliceerd"),
    ReviewDecision.returned: _l("Teruggegeven met feedback"),
    ReviewDecision.withdrawn: _l("Ingetrokken"),
}

DELETED_ACCOUNT = _l("Verwijderd account")
#: who did it, for events the application wrote on its own (the retention purge)
SYSTEM_ACTOR = _l("Proeftuin (automatisch)")


def status_label(status: PilotStatus) -> str:
    """Return the label of a pilot status."""
    return str(PILOT_STATUS[status])


def member_role_label(role: MemberRole) -> str:
    """Return the label of a membership role."""
    return str(MEMBER_ROLE[role])


def role_label(role: Role) -> str:
    """Return the label of an account role."""
    return str(ROLE[role])


def audit_action_label(action: AuditAction) -> str:
    """Return the label of an action in the audit trail."""
    return str(AUDIT_ACTION[action])


def audit_role_label(role: str) -> str:
    """Return the label of a role recorded in the audit trail (the stored word if unknown)."""
    label = AUDIT_ROLE.get(role)
    return str(label) if label is not None else role


def record_type_label(record_type: str) -> str:
    """Return the label of a kind of record in the audit trail (the stored word if unknown)."""
    label = RECORD_TYPE.get(record_type)
    return str(label) if label is not None else record_type


def account_name(user) -> str:
    """Return the name to show for an account: a marker, translated, once it was deleted.

    No account at all (a writer's reference emptied) shows the same marker.
    """
    return str(DELETED_ACCOUNT) if user is None or is_deleted_account(user) else user.name


def actor_name(user) -> str:
    """Return who did something in the audit trail: a person, a deleted account, or the system."""
    return str(SYSTEM_ACTOR) if user is None else account_name(user)


def case_status_label(status: CaseStatus) -> str:
    """Return the label of a case discussion's status."""
    return str(CASE_STATUS[status])


def lesson_status_label(status: LessonStatus) -> str:
    """Return the label of a lesson status."""
    return str(LESSON_STATUS[status])


def review_decision_label(decision: ReviewDecision) -> str:
    """Return the label of a facilitator's decision on a lesson."""
    return str(REVIEW_DECISION[decision])


def lesson_kind_label(kind) -> str:
    """Return the label of a lesson kind, from the reference data."""
    return reference_label("lesson_kinds", kind)


def lesson_level_label(level) -> str:
    """Return the label of a lesson level, from the reference data."""
    return reference_label("lesson_levels", level)


def evidence_label(evidence) -> str:
    """Return the label of a lesson's evidence basis, from the reference data."""
    return reference_label("evidence_bases", evidence)


def scale_label(scale: PilotScale) -> str:
    """Return the label of a pilot's scale, from the reference data."""
    return reference_label("pilot_scales", scale)


def organisation_kind_label(kind) -> str:
    """Return the label of an organisation kind, from the reference data."""
    return reference_label("organisation_kinds", kind)


JINJA_FILTERS = {
    "status_label": status_label,
    "member_role_label": member_role_label,
    "role_label": role_label,
    "audit_action_label": audit_action_label,
    "audit_role_label": audit_role_label,
    "record_type_label": record_type_label,
    "account_name": account_name,
    "actor_name": actor_name,
    "deleted_account": is_deleted_account,
    "case_status_label": case_status_label,
    "lesson_status_label": lesson_status_label,
    "review_decision_label": review_decision_label,
    "lesson_kind_label": lesson_kind_label,
    "lesson_level_label": lesson_level_label,
    "evidence_label": evidence_label,
    "scale_label": scale_label,
    "organisation_kind_label": organisation_kind_label,
}
