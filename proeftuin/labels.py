"""Translated labels for the states and roles stored as enums."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from proeftuin.models import MemberRole, PilotScale, PilotStatus, Role
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


def status_label(status: PilotStatus) -> str:
    """Return the label of a pilot status."""
    return str(PILOT_STATUS[status])


def member_role_label(role: MemberRole) -> str:
    """Return the label of a membership role."""
    return str(MEMBER_ROLE[role])


def role_label(role: Role) -> str:
    """Return the label of an account role."""
    return str(ROLE[role])


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
    "scale_label": scale_label,
    "organisation_kind_label": organisation_kind_label,
}
