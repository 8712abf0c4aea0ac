"""A pilot (proeftuin, lerende praktijk), its framework mapping, members and history."""

from __future__ import annotations

import enum
from datetime import date, datetime
from typing import TYPE_CHECKING

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from proeftuin.extensions import db
from proeftuin.models.base import UTCDateTime, enum_column, link_table, utcnow

if TYPE_CHECKING:
    from proeftuin.models.call import Call
    from proeftuin.models.programme import Programme
    from proeftuin.models.reference import (
        CarerQuestion,
        Discipline,
        Region,
        SolutionDirection,
        TargetGroup,
    )
    from proeftuin.models.user import Invitation, User


class PilotStatus(enum.Enum):
    """Where a pilot is: applied → selected | declined → active → completed | stopped."""

    applied = "applied"
    selected = "selected"
    declined = "declined"
    active = "active"
    completed = "completed"
    stopped = "stopped"


#: statuses whose pilots have a public profile; applications and declined ones never do
PUBLIC_STATUSES = (PilotStatus.selected, PilotStatus.active, PilotStatus.completed,
                   PilotStatus.stopped)


class PilotScale(enum.Enum):
    """The area a pilot works in."""

    neighbourhood = "neighbourhood"
    local = "local"
    regional = "regional"


class OrganisationKind(enum.Enum):
    """Kinds of organisation that take part in pilots (keys of the reference data)."""

    care = "care"
    welfare = "welfare"
    municipality = "municipality"
    volunteers = "volunteers"
    general_practice = "general_practice"
    carer_support = "carer_support"
    insurer = "insurer"
    knowledge = "knowledge"
    other = "other"


class MemberRole(enum.Enum):
    """A participant's role within one pilot."""

    member = "member"
    coordinator = "coordinator"


_PILOT = ("pilot_id", "pilot")
pilot_question = link_table("pilot_question", _PILOT, ("question_id", "carer_question"),
                            index=False)
pilot_discipline = link_table("pilot_discipline", _PILOT, ("discipline_id", "discipline"),
                              index=False)
pilot_target_group = link_table("pilot_target_group", _PILOT,
                                ("target_group_id", "target_group"), index=False)


class Pilot(db.Model):
    """A local learning network working on cases for a year or two."""

    __tablename__ = "pilot"
    # What the library reads of the pilot of each hit, without the profile's text.
    __table_args__ = (
        sa.Index("ix_pilot_library", "id", "status", "region_id", "programme_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(sa.String(120), unique=True)
    name: Mapped[str] = mapped_column(sa.String(160))
    municipality: Mapped[str] = mapped_column(sa.String(120))
    region_id: Mapped[int] = mapped_column(sa.ForeignKey("region.id"), index=True)
    programme_id: Mapped[int] = mapped_column(sa.ForeignKey("programme.id"), index=True)
    scale: Mapped[PilotScale] = mapped_column(enum_column(PilotScale))
    status: Mapped[PilotStatus] = mapped_column(
        enum_column(PilotStatus), default=PilotStatus.applied, index=True
    )
    #: the theme the group wants to work on, in its own words (Markdown)
    theme: Mapped[str] = mapped_column(sa.Text, default="")
    #: what the group wants to have reached at the end (Markdown)
    ambition: Mapped[str] = mapped_column(sa.Text, default="")
    #: public profile: what the pilot does (Markdown)
    actions: Mapped[str] = mapped_column(sa.Text, default="")
    #: public profile: what it has reached so far (Markdown)
    results: Mapped[str] = mapped_column(sa.Text, default="")
    planned_start: Mapped[date | None] = mapped_column(sa.Date)
    planned_end: Mapped[date | None] = mapped_column(sa.Date)
    # Contact details of the application: internal, never on a public page.
    contact_name: Mapped[str] = mapped_column(sa.String(120))
    contact_email: Mapped[str] = mapped_column(sa.String(254))
    contact_phone: Mapped[str] = mapped_column(sa.String(40), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    region: Mapped[Region] = relationship()
    programme: Mapped[Programme] = relationship(back_populates="pilots")
    #: the programme's call the group applied to (none for a pilot made outside the calls)
    call: Mapped[Call | None] = relationship(secondary="call_application", uselist=False,
                                             back_populates="applications")
    questions: Mapped[list[CarerQuestion]] = relationship(
        secondary=pilot_question, order_by="CarerQuestion.number"
    )
    directions: Mapped[list[PilotDirection]] = relationship(
        back_populates="pilot", cascade="all, delete-orphan",
        order_by="PilotDirection.direction_number",
    )
    disciplines: Mapped[list[Discipline]] = relationship(
        secondary=pilot_discipline, order_by="Discipline.position"
    )
    target_groups: Mapped[list[TargetGroup]] = relationship(
        secondary=pilot_target_group, order_by="TargetGroup.position"
    )
    organisations: Mapped[list[PilotOrganisation]] = relationship(
        back_populates="pilot", cascade="all, delete-orphan",
        order_by="PilotOrganisation.position",
    )
    agreements: Mapped[list[Agreement]] = relationship(
        back_populates="pilot", cascade="all, delete-orphan", order_by="Agreement.position"
    )
    memberships: Mapped[list[Membership]] = relationship(
        back_populates="pilot", cascade="all, delete-orphan"
    )
    status_changes: Mapped[list[PilotStatusChange]] = relationship(
        back_populates="pilot", cascade="all, delete-orphan",
        order_by="PilotStatusChange.created_at",
    )
    invitations: Mapped[list[Invitation]] = relationship(
        back_populates="pilot", cascade="all, delete-orphan"
    )

    @property
    def is_public(self) -> bool:
        return self.status in PUBLIC_STATUSES

    def __repr__(self) -> str:
        return f"<Pilot {self.slug} {self.status.value}>"


class PilotDirection(db.Model):
    """A solution direction a pilot chose, with its task and desired outcome."""

    __tablename__ = "pilot_direction"
    __table_args__ = (sa.UniqueConstraint("pilot_id", "direction_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    pilot_id: Mapped[int] = mapped_column(sa.ForeignKey("pilot.id", ondelete="CASCADE"))
    direction_id: Mapped[int] = mapped_column(
        sa.ForeignKey("solution_direction.id", ondelete="RESTRICT"), index=True
    )
    #: copied from the direction so that lists sort without a join
    direction_number: Mapped[int] = mapped_column()
    #: what the pilot takes on in this direction ("opgave", Markdown)
    task: Mapped[str] = mapped_column(sa.Text, default="")
    #: what it wants to reach ("gewenste uitkomst", Markdown)
    desired_outcome: Mapped[str] = mapped_column(sa.Text, default="")

    pilot: Mapped[Pilot] = relationship(back_populates="directions")
    direction: Mapped[SolutionDirection] = relationship()


class PilotOrganisation(db.Model):
    """An organisation taking part in a pilot."""

    __tablename__ = "pilot_organisation"

    id: Mapped[int] = mapped_column(primary_key=True)
    pilot_id: Mapped[int] = mapped_column(sa.ForeignKey("pilot.id", ondelete="CASCADE"),
                                          index=True)
    name: Mapped[str] = mapped_column(sa.String(160))
    kind: Mapped[OrganisationKind] = mapped_column(enum_column(OrganisationKind))
    position: Mapped[int] = mapped_column(default=0)

    pilot: Mapped[Pilot] = relationship(back_populates="organisations")


class Agreement(db.Model):
    """A collaboration agreement: which role or organisation does what."""

    __tablename__ = "agreement"

    id: Mapped[int] = mapped_column(primary_key=True)
    pilot_id: Mapped[int] = mapped_column(sa.ForeignKey("pilot.id", ondelete="CASCADE"),
                                          index=True)
    #: the role or organisation that has agreed ("wie")
    party: Mapped[str] = mapped_column(sa.String(160))
    #: what it does ("wat", Markdown)
    commitment: Mapped[str] = mapped_column(sa.Text)
    position: Mapped[int] = mapped_column(default=0)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    pilot: Mapped[Pilot] = relationship(back_populates="agreements")


class Membership(db.Model):
    """A participant's place in a pilot."""

    __tablename__ = "membership"
    __table_args__ = (sa.UniqueConstraint("pilot_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    pilot_id: Mapped[int] = mapped_column(sa.ForeignKey("pilot.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(
        sa.ForeignKey("user_account.id", ondelete="CASCADE"), index=True
    )
    role: Mapped[MemberRole] = mapped_column(enum_column(MemberRole),
                                             default=MemberRole.member)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    pilot: Mapped[Pilot] = relationship(back_populates="memberships")
    user: Mapped[User] = relationship(back_populates="memberships")

    @property
    def is_coordinator(self) -> bool:
        return self.role is MemberRole.coordinator


class PilotStatusChange(db.Model):
    """One step in a pilot's lifecycle: who moved it, when and why."""

    __tablename__ = "pilot_status_change"

    id: Mapped[int] = mapped_column(primary_key=True)
    pilot_id: Mapped[int] = mapped_column(sa.ForeignKey("pilot.id", ondelete="CASCADE"),
                                          index=True)
    #: empty for the application itself
    from_status: Mapped[PilotStatus | None] = mapped_column(
        enum_column(PilotStatus, name="from_status")
    )
    to_status: Mapped[PilotStatus] = mapped_column(enum_column(PilotStatus, name="to_status"))
    #: empty when a visitor applied without an account
    changed_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("user_account.id", ondelete="SET NULL")
    )
    reason: Mapped[str] = mapped_column(sa.Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    pilot: Mapped[Pilot] = relationship(back_populates="status_changes")
    changed_by: Mapped[User | None] = relationship()
