"""Judging a call's applications: its assessors, their scores and conflicts of interest, and
what was decided.

The programme's facilitators assess every call of their programme; an external assessor is
invited to one call and assesses only its applications, until the call is decided. Scores are
internal: they never appear on a public page, in the API or in open data.
"""

from __future__ import annotations

import enum
from datetime import datetime
from typing import TYPE_CHECKING

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from proeftuin.extensions import db
from proeftuin.models.base import UTCDateTime, enum_column, utcnow

if TYPE_CHECKING:
    from proeftuin.models.call import Call, CallCriterion
    from proeftuin.models.pilot import Pilot
    from proeftuin.models.user import User

#: the lowest and highest score on a criterion
LOWEST_SCORE, HIGHEST_SCORE = 1, 5


class CallAssessor(db.Model):
    """An external assessor of one call: invited by address, an assessor once accepted.

    The row is the invitation and, once accepted, the role; revoking it ends both. The role
    also ends by itself when the call is decided (`Call.decided_at`).
    """

    __tablename__ = "call_assessor"
    __table_args__ = (sa.UniqueConstraint("call_id", "email"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    call_id: Mapped[int] = mapped_column(sa.ForeignKey("application_call.id",
                                                       ondelete="CASCADE"))
    #: the address the invitation went to, lower case as accounts store them
    email: Mapped[str] = mapped_column(sa.String(254))
    #: the name the facilitator gave, until the assessor has an account of their own
    name: Mapped[str] = mapped_column(sa.String(120))
    #: random value in the signed link, renewed with each invitation
    nonce: Mapped[str] = mapped_column(sa.String(43))
    invited_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("user_account.id", ondelete="SET NULL"))
    invited_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    #: the account that accepted; an assessor from then on
    user_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("user_account.id", ondelete="CASCADE"), index=True)
    accepted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    call: Mapped[Call] = relationship()
    user: Mapped[User | None] = relationship(foreign_keys=[user_id])
    invited_by: Mapped[User | None] = relationship(foreign_keys=[invited_by_id])

    @property
    def is_active(self) -> bool:
        """Accepted and not revoked (the call's decision is checked by the permissions)."""
        return self.accepted_at is not None and self.revoked_at is None

    @property
    def is_pending(self) -> bool:
        """Invited, not yet accepted, not revoked and not expired."""
        return (self.accepted_at is None and self.revoked_at is None
                and self.expires_at > utcnow())


class ApplicationScore(db.Model):
    """One assessor's score (1–5, with a note) of one application on one criterion."""

    __tablename__ = "application_score"
    __table_args__ = (
        sa.UniqueConstraint("pilot_id", "criterion_id", "user_id"),
        sa.CheckConstraint(f"score BETWEEN {LOWEST_SCORE} AND {HIGHEST_SCORE}",
                           name="score_in_range"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    #: the application (a pilot of the call)
    pilot_id: Mapped[int] = mapped_column(sa.ForeignKey("pilot.id", ondelete="CASCADE"),
                                          index=True)
    criterion_id: Mapped[int] = mapped_column(sa.ForeignKey("call_criterion.id",
                                                            ondelete="CASCADE"), index=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("user_account.id"), index=True)
    score: Mapped[int] = mapped_column(sa.SmallInteger)
    note: Mapped[str] = mapped_column(sa.Text, default="")
    scored_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    criterion: Mapped[CallCriterion] = relationship()
    user: Mapped[User] = relationship()


class AssessmentConflict(db.Model):
    """An assessor's declaration of a conflict of interest with one application: from then
    on they cannot score it."""

    __tablename__ = "assessment_conflict"

    pilot_id: Mapped[int] = mapped_column(sa.ForeignKey("pilot.id", ondelete="CASCADE"),
                                          primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("user_account.id"), primary_key=True)
    #: what ties the assessor to the application, in their words (internal)
    note: Mapped[str] = mapped_column(sa.Text, default="")
    declared_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    user: Mapped[User] = relationship()


class DecisionOutcome(enum.Enum):
    selected = "selected"
    declined = "declined"


class CallDecision(db.Model):
    """What was decided on an application of a call, and why; kept with the call whatever
    becomes of the pilot afterwards."""

    __tablename__ = "call_decision"

    id: Mapped[int] = mapped_column(primary_key=True)
    call_id: Mapped[int] = mapped_column(sa.ForeignKey("application_call.id",
                                                       ondelete="CASCADE"), index=True)
    pilot_id: Mapped[int] = mapped_column(sa.ForeignKey("pilot.id", ondelete="CASCADE"),
                                          unique=True)
    outcome: Mapped[DecisionOutcome] = mapped_column(enum_column(DecisionOutcome))
    reason: Mapped[str] = mapped_column(sa.Text, default="")
    decided_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("user_account.id", ondelete="SET NULL"))
    decided_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    pilot: Mapped[Pilot] = relationship()
    decided_by: Mapped[User | None] = relationship()
