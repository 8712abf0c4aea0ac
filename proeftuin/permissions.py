"""Who may see and do what. Every check takes the user and the object it is about.

The same functions are Jinja globals, so a template never offers what a route refuses.
Anonymous users arrive as Flask-Login's AnonymousUserMixin (no `role`); every function
answers False for them unless the object is public.
"""

from __future__ import annotations

from proeftuin.models import (
    PUBLIC_STATUSES,
    MemberRole,
    Membership,
    Pilot,
    PilotStatus,
    Programme,
    Role,
)


def _signed_in(user) -> bool:
    return bool(user is not None and user.is_authenticated and user.is_active)


def is_admin(user) -> bool:
    """Whether the user administers the whole site."""
    return _signed_in(user) and user.role is Role.admin


def facilitates(user, programme: Programme | None) -> bool:
    """Whether the user is a facilitator attached to this programme."""
    return (
        programme is not None
        and _signed_in(user)
        and user.role is Role.facilitator
        and any(p.id == programme.id for p in user.programmes)
    )


def membership_of(user, pilot: Pilot) -> Membership | None:
    """Return the user's membership of this pilot, if any."""
    if not _signed_in(user):
        return None
    for membership in user.memberships:
        if membership.pilot_id == pilot.id:
            return membership
    return None


def is_member(user, pilot: Pilot) -> bool:
    """Whether the user is a member (or coordinator) of this pilot."""
    return membership_of(user, pilot) is not None


def is_coordinator(user, pilot: Pilot) -> bool:
    """Whether the user coordinates this pilot."""
    membership = membership_of(user, pilot)
    return membership is not None and membership.role is MemberRole.coordinator


# Public side ---------------------------------------------------------------------------


def can_view_public_profile(user, pilot: Pilot) -> bool:
    """Whether the pilot has a public profile; applications and declined groups never do."""
    return pilot.status in PUBLIC_STATUSES


# Workspace -----------------------------------------------------------------------------


def can_view_workspace(user, pilot: Pilot) -> bool:
    """Members, the facilitators of its programme and admins see a pilot's workspace."""
    return is_admin(user) or is_member(user, pilot) or facilitates(user, pilot.programme)


def can_edit_pilot(user, pilot: Pilot) -> bool:
    """Coordinators (and admins) edit the profile and the framework mapping."""
    if pilot.status in (PilotStatus.applied, PilotStatus.declined):
        return is_admin(user)
    return is_admin(user) or is_coordinator(user, pilot)


def can_edit_agreements(user, pilot: Pilot) -> bool:
    """Every member keeps the collaboration agreements up to date."""
    if pilot.status in (PilotStatus.applied, PilotStatus.declined):
        return is_admin(user)
    return is_admin(user) or is_member(user, pilot)


def can_manage_members(user, pilot: Pilot) -> bool:
    """Coordinators, the programme's facilitators and admins invite and remove members."""
    if pilot.status in (PilotStatus.applied, PilotStatus.declined):
        return False
    return is_admin(user) or is_coordinator(user, pilot) or facilitates(user, pilot.programme)


# Facilitation --------------------------------------------------------------------------


def can_facilitate(user) -> bool:
    """Whether the user has the facilitator pages at all."""
    return is_admin(user) or (_signed_in(user) and user.role is Role.facilitator)


def can_decide_on_pilot(user, pilot: Pilot) -> bool:
    """The programme's facilitators (and admins) select, decline and move a pilot on."""
    return is_admin(user) or facilitates(user, pilot.programme)


def can_view_application(user, pilot: Pilot) -> bool:
    """Applications, with their contact details, are for the programme's facilitators."""
    return can_decide_on_pilot(user, pilot)


# Administration ------------------------------------------------------------------------


def can_administer(user) -> bool:
    """Users, programmes and reference data are for admins."""
    return is_admin(user)


JINJA_GLOBALS = {
    name: obj
    for name, obj in dict(globals()).items()
    if name.startswith(("can_", "is_")) and callable(obj)
} | {"facilitates": facilitates, "membership_of": membership_of}
