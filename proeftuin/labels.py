"""Translated labels for the states and roles stored as enums."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from flask_babel import lazy_gettext as _l

from proeftuin.models import (
    AuditAction,
    CallState,
    CaseStatus,
    CohortDateKind,
    DecisionOutcome,
    Frequency,
    LessonStatus,
    MemberRole,
    MessageStatus,
    PilotStatus,
    RecordType,
    ReuseVerdict,
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

CALL_STATE = {
    CallState.upcoming: _l("Nog niet open"),
    CallState.open: _l("Open voor aanmeldingen"),
    CallState.closed: _l("Gesloten"),
}

COHORT_DATE_KIND = {
    CohortDateKind.kickoff: _l("Aftrap"),
    CohortDateKind.session: _l("Leersessie"),
    CohortDateKind.harvest: _l("Oogstmoment"),
    CohortDateKind.close: _l("Afsluiting"),
}

#: how often a follower hears of new lessons, as a phrase after "send me …"
FREQUENCY = {
    Frequency.weekly: _l("Eén keer per week"),
    Frequency.monthly: _l("Eén keer per maand"),
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
    "assessor": _l("Beoordelaar"),
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
    RecordType.application: _l("Aanmelding"),
    RecordType.score: _l("Score van een aanmelding"),
    RecordType.conflict: _l("Belangenconflict bij een aanmelding"),
    RecordType.decision: _l("Besluit over een aanmelding"),
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

MESSAGE_STATUS = {
    MessageStatus.queued: _l("Wacht op verzending"),
    MessageStatus.sending: _l("Wordt verzonden"),
    MessageStatus.sent: _l("Verzonden"),
    MessageStatus.failed: _l("Mislukt"),
}

DECISION_OUTCOME = {
    DecisionOutcome.selected: _l("Geselecteerd"),
    DecisionOutcome.declined: _l("Afgewezen"),
}

#: what became of a reused lesson, as a pilot answers it
REUSE_VERDICT = {
    ReuseVerdict.adopted: _l("Overgenomen zoals beschreven"),
    ReuseVerdict.adapted: _l("Aangepast aan de eigen situatie"),
    ReuseVerdict.dropped: _l("Ermee gestopt"),
}

DELETED_ACCOUNT = _l("Verwijderd account")
#: who did it, for events the application wrote on its own (the retention purge)
SYSTEM_ACTOR = _l("Proeftuin (automatisch)")


def _label_from(table: Mapping, what: str, *,
                unknown_as_is: bool = False) -> Callable[[Any], str]:
    """Make the function that returns the label of `what` from `table`.

    With `unknown_as_is`, a value the table does not know is returned as it is stored.
    """
    def label(value) -> str:
        if unknown_as_is and value not in table:
            return value
        return str(table[value])

    unknown = " (the stored word if unknown)" if unknown_as_is else ""
    label.__doc__ = f"Return the label of {what}{unknown}."
    return label


def _label_from_reference(kind: str, what: str) -> Callable[[Any], str]:
    """Make the function that returns the label of `what` from the reference data `kind`."""
    def label(value) -> str:
        return reference_label(kind, value)

    label.__doc__ = f"Return the label of {what}, from the reference data."
    return label


status_label = _label_from(PILOT_STATUS, "a pilot status")
call_state_label = _label_from(CALL_STATE, "where a call is")
decision_label = _label_from(DECISION_OUTCOME, "the decision on an application")
reuse_verdict_label = _label_from(REUSE_VERDICT, "what became of a reused lesson")
cohort_date_kind_label = _label_from(COHORT_DATE_KIND, "what happens on a cohort's date")
member_role_label = _label_from(MEMBER_ROLE, "a membership role")
frequency_label = _label_from(FREQUENCY, "how often a follower hears of new lessons")
role_label = _label_from(ROLE, "an account role")
audit_action_label = _label_from(AUDIT_ACTION, "an action in the audit trail")
audit_role_label = _label_from(AUDIT_ROLE, "a role recorded in the audit trail",
                               unknown_as_is=True)
record_type_label = _label_from(RECORD_TYPE, "a kind of record in the audit trail",
                                unknown_as_is=True)
case_status_label = _label_from(CASE_STATUS, "a case discussion's status")
lesson_status_label = _label_from(LESSON_STATUS, "a lesson status")
review_decision_label = _label_from(REVIEW_DECISION, "a facilitator's decision on a lesson")
message_status_label = _label_from(MESSAGE_STATUS, "an e-mail's delivery status")
lesson_kind_label = _label_from_reference("lesson_kinds", "a lesson kind")
lesson_level_label = _label_from_reference("lesson_levels", "a lesson level")
evidence_label = _label_from_reference("evidence_bases", "a lesson's evidence basis")
scale_label = _label_from_reference("pilot_scales", "a pilot's scale")
organisation_kind_label = _label_from_reference("organisation_kinds", "an organisation kind")


def account_name(user) -> str:
    """Return the name to show for an account: a marker, translated, once it was deleted.

    No account at all (a writer's reference emptied) shows the same marker.
    """
    return str(DELETED_ACCOUNT) if user is None or is_deleted_account(user) else user.name


def actor_name(user) -> str:
    """Return who did something in the audit trail: a person, a deleted account, or the system."""
    return str(SYSTEM_ACTOR) if user is None else account_name(user)


JINJA_FILTERS = {
    "status_label": status_label,
    "call_state_label": call_state_label,
    "decision_label": decision_label,
    "reuse_verdict_label": reuse_verdict_label,
    "cohort_date_kind_label": cohort_date_kind_label,
    "member_role_label": member_role_label,
    "frequency_label": frequency_label,
    "message_status_label": message_status_label,
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
