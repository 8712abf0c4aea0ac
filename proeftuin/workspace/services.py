"""State changes of a pilot's workspace: each checks, changes and flushes; routes commit."""

from __future__ import annotations

from datetime import date

import sqlalchemy as sa

from proeftuin.auth.invitations import create_invitation, invitation_token, revoke_invitation
from proeftuin.extensions import db
from proeftuin.labels import MEMBER_ROLE
from proeftuin.messaging import mails
from proeftuin.messaging.compose import site_path
from proeftuin.models import (
    Agreement,
    CarerQuestion,
    Discipline,
    Invitation,
    MemberRole,
    Membership,
    OrganisationKind,
    Pilot,
    PilotDirection,
    PilotOrganisation,
    PilotScale,
    Region,
    SolutionDirection,
    TargetGroup,
    User,
)
from proeftuin.notifications import notify
from proeftuin.personal_data import guard
from proeftuin.personal_data.guard import Review
from proeftuin.workspace import queries


class WorkspaceError(ValueError):
    """A change the workspace refuses."""


class TextWouldBeLost(WorkspaceError):
    """Deselecting these directions would throw away their task or desired outcome."""

    def __init__(self, directions: list[PilotDirection]):
        super().__init__("deselected directions hold text")
        self.directions = directions


class LastCoordinator(WorkspaceError):
    """The last coordinator cannot remove or demote themselves."""


class AlreadyMember(WorkspaceError):
    """The person invited is already a member of the pilot."""


class InvitationNotOpen(WorkspaceError):
    """The invitation was used, revoked or has expired: there is nothing to send again."""


# Framework mapping ----------------------------------------------------------------------


def _has_text(pilot_direction: PilotDirection) -> bool:
    return bool(pilot_direction.task.strip() or pilot_direction.desired_outcome.strip())


def update_framework(pilot: Pilot, question_numbers: list[int], direction_numbers: list[int],
                     confirm_loss: bool = False) -> None:
    """Set the pilot's carer questions and solution directions.

    Directions that stay keep their task and desired outcome. Dropping one that holds text
    needs `confirm_loss`, so nobody loses writing by unticking a box by accident.
    """
    wanted = set(direction_numbers)
    dropped = [pd for pd in pilot.directions if pd.direction_number not in wanted]
    losing = [pd for pd in dropped if _has_text(pd)]
    if losing and not confirm_loss:
        raise TextWouldBeLost(losing)

    pilot.questions = list(
        db.session.scalars(
            sa.select(CarerQuestion)
            .where(CarerQuestion.number.in_(set(question_numbers)))
            .order_by(CarerQuestion.number)
        )
    )
    for pd in dropped:
        pilot.directions.remove(pd)
    kept = {pd.direction_number for pd in pilot.directions}
    for direction in db.session.scalars(
        sa.select(SolutionDirection)
        .where(SolutionDirection.number.in_(wanted - kept))
        .order_by(SolutionDirection.number)
    ):
        pilot.directions.append(
            PilotDirection(direction=direction, direction_number=direction.number)
        )
    db.session.flush()


def update_direction(pilot_direction: PilotDirection, task: str, desired_outcome: str, *,
                     by: User | None = None, review: Review | None = None) -> None:
    """Save the pilot's task and desired outcome in one direction.

    Like every public text of a pilot, they pass the personal-data guard: what `by` confirmed
    in `review` is kept for the pilot.
    """
    pilot_direction.task = task or ""
    pilot_direction.desired_outcome = desired_outcome or ""
    db.session.flush()
    guard.record_confirmations(review, pilot_direction.pilot_id, by)


# Profile --------------------------------------------------------------------------------


def update_profile(pilot: Pilot, *, name: str, municipality: str, region_id: int, scale: str,
                   theme: str, ambition: str, actions: str, results: str,
                   planned_start: date | None, planned_end: date | None,
                   discipline_ids: list[int], target_group_ids: list[int],
                   by: User | None = None, review: Review | None = None) -> None:
    """Save the pilot's profile; the slug stays as it is, so links keep working."""
    if planned_start and planned_end and planned_end <= planned_start:
        raise WorkspaceError("planned end before start")
    region = db.session.get(Region, region_id)
    if region is None:
        raise WorkspaceError("unknown region")
    pilot.name = name
    pilot.municipality = municipality
    pilot.region = region
    pilot.scale = PilotScale(scale)
    pilot.theme = theme or ""
    pilot.ambition = ambition or ""
    pilot.actions = actions or ""
    pilot.results = results or ""
    pilot.planned_start = planned_start
    pilot.planned_end = planned_end
    pilot.disciplines = list(
        db.session.scalars(sa.select(Discipline).where(Discipline.id.in_(set(discipline_ids))))
    )
    pilot.target_groups = list(
        db.session.scalars(sa.select(TargetGroup).where(TargetGroup.id.in_(set(target_group_ids))))
    )
    db.session.flush()
    guard.record_confirmations(review, pilot.id, by)


# Organisations and agreements -----------------------------------------------------------


def _append(model, pilot: Pilot, **values):
    # The position is read before the row exists: a pending row would be flushed by the query.
    highest = db.session.scalar(
        sa.select(sa.func.max(model.position)).where(model.pilot_id == pilot.id)
    )
    row = model(pilot=pilot, position=0 if highest is None else highest + 1, **values)
    db.session.add(row)
    db.session.flush()
    return row


def add_organisation(pilot: Pilot, name: str, kind: str, *, by: User | None = None,
                     review: Review | None = None) -> PilotOrganisation:
    """Add an organisation at the end of the pilot's list."""
    organisation = _append(PilotOrganisation, pilot, name=name, kind=OrganisationKind(kind))
    guard.record_confirmations(review, pilot.id, by)
    return organisation


def update_organisation(organisation: PilotOrganisation, name: str, kind: str, *,
                        by: User | None = None, review: Review | None = None) -> None:
    """Rename an organisation or change its kind."""
    organisation.name = name
    organisation.kind = OrganisationKind(kind)
    db.session.flush()
    guard.record_confirmations(review, organisation.pilot_id, by)


def add_agreement(pilot: Pilot, party: str, commitment: str) -> Agreement:
    """Record a new collaboration agreement at the end of the list."""
    return _append(Agreement, pilot, party=party, commitment=commitment)


def update_agreement(agreement: Agreement, party: str, commitment: str) -> None:
    """Change who an agreement is with or what it says."""
    agreement.party = party
    agreement.commitment = commitment
    db.session.flush()


def remove_row(row: PilotOrganisation | Agreement) -> None:
    """Take an organisation or an agreement off the pilot's list."""
    db.session.delete(row)
    db.session.flush()


# Members and invitations ----------------------------------------------------------------


def _refuse_if_last_coordinator_leaves(membership: Membership, by: User) -> None:
    # Only the coordinator themselves is stopped: a facilitator or admin may still take the
    # role away, for instance when a coordinator has left and a successor is invited.
    if (membership.user_id == by.id and membership.role is MemberRole.coordinator
            and queries.coordinator_count(membership.pilot) <= 1):
        raise LastCoordinator("the last coordinator cannot leave the role")


def change_member_role(membership: Membership, role: str, by: User) -> None:
    """Make a member a coordinator, or a coordinator an ordinary member."""
    new_role = MemberRole(role)
    if new_role is membership.role:
        return
    if new_role is MemberRole.member:
        _refuse_if_last_coordinator_leaves(membership, by)
    membership.role = new_role
    db.session.flush()
    notify([membership.user], "member_role_changed",
           site_path("workspace.overview", slug=membership.pilot.slug), by=by,
           pilot=membership.pilot.name, role=MEMBER_ROLE[new_role])


def remove_member(membership: Membership, by: User) -> None:
    """Take someone out of the pilot; the last coordinator cannot remove themselves."""
    _refuse_if_last_coordinator_leaves(membership, by)
    db.session.delete(membership)
    db.session.flush()


def invite(pilot: Pilot, email: str, role: str, by: User) -> Invitation:
    """Create an invitation for someone who is not a member yet."""
    if queries.member_with_email(pilot, email) is not None:
        raise AlreadyMember(email)
    invitation = create_invitation(pilot, email, MemberRole(role), by=by)
    mails.invitation(invitation, invitation_token(invitation), by)
    return invitation


def send_invitation_again(invitation: Invitation, by: User) -> None:
    """Mail a pending invitation once more, with the same link."""
    if not invitation.is_open:
        raise InvitationNotOpen(invitation)
    mails.invitation(invitation, invitation_token(invitation), by)


def revoke(invitation: Invitation) -> None:
    """Withdraw an invitation that has not been accepted."""
    revoke_invitation(invitation)
