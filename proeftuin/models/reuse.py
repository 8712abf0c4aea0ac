"""Reports that a pilot elsewhere reused a published lesson, what came of it, and the
questions that ask the pilot again, months later, whether it lasted."""

from __future__ import annotations

import enum
from datetime import date, datetime
from typing import TYPE_CHECKING

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from proeftuin.extensions import db
from proeftuin.models.base import UTCDateTime, enum_column, utcnow

if TYPE_CHECKING:
    from proeftuin.models.lesson import Lesson
    from proeftuin.models.pilot import Pilot
    from proeftuin.models.user import User


class ReuseVerdict(enum.Enum):
    """What became of a reused lesson, months later."""

    #: kept, as the lesson described it
    adopted = "adopted"
    #: kept, changed to fit (the pilot says how)
    adapted = "adapted"
    #: given up (the pilot says why)
    dropped = "dropped"


#: the verdicts that show a lesson worked elsewhere: "proven elsewhere"
PROVEN_VERDICTS = (ReuseVerdict.adopted, ReuseVerdict.adapted)
#: the months after a report of reuse at which its pilot is asked what came of it
FOLLOW_UP_MONTHS = (3, 6)


class LessonReuse(db.Model):
    """One pilot's report that it reused a lesson: how, and with what result. Public."""

    __tablename__ = "lesson_reuse"

    id: Mapped[int] = mapped_column(primary_key=True)
    lesson_id: Mapped[int] = mapped_column(sa.ForeignKey("lesson.id", ondelete="CASCADE"),
                                           index=True)
    #: the pilot that reused the lesson (never the lesson's own pilot)
    pilot_id: Mapped[int] = mapped_column(sa.ForeignKey("pilot.id", ondelete="CASCADE"),
                                          index=True)
    #: empty once the reporter's account has been deleted; the report stays with the pilot
    reported_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("user_account.id", ondelete="SET NULL"), index=True
    )
    #: how the pilot applied the lesson (Markdown)
    how: Mapped[str] = mapped_column(sa.Text)
    #: what came of it (Markdown)
    outcome: Mapped[str] = mapped_column(sa.Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    #: set when a facilitator hides the report from the public trail
    hidden_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    hidden_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("user_account.id", ondelete="SET NULL")
    )
    hidden_reason: Mapped[str] = mapped_column(sa.Text, default="")
    #: the verdict of its latest answered follow-up: kept here so the library filters and
    #: orders on it without reading every follow-up
    verdict: Mapped[ReuseVerdict | None] = mapped_column(enum_column(ReuseVerdict))

    lesson: Mapped[Lesson] = relationship()
    pilot: Mapped[Pilot] = relationship()
    reported_by: Mapped[User | None] = relationship(foreign_keys=[reported_by_id])
    hidden_by: Mapped[User | None] = relationship(foreign_keys=[hidden_by_id])
    follow_ups: Mapped[list[ReuseFollowUp]] = relationship(
        back_populates="reuse", order_by="ReuseFollowUp.months",
        cascade="all, delete-orphan", passive_deletes=True)

    @property
    def is_hidden(self) -> bool:
        return self.hidden_at is not None

    @property
    def answers(self) -> list[ReuseFollowUp]:
        """Its answered follow-ups, the earliest first."""
        return [f for f in self.follow_ups if f.answered_at is not None]

    def __repr__(self) -> str:
        return f"<LessonReuse {self.id} of lesson {self.lesson_id}>"


class ReuseFollowUp(db.Model):
    """The question, some months after a report of reuse, what came of it; and its answer.

    Made with the report, one per month of `FOLLOW_UP_MONTHS`; the worker asks the reusing
    pilot's members on the due day. The answer is public with the report.
    """

    __tablename__ = "reuse_follow_up"
    __table_args__ = (
        sa.UniqueConstraint("reuse_id", "months"),
        # The worker's daily question: which follow-ups are due and not yet asked.
        sa.Index("ix_reuse_follow_up_due_on", "due_on"),
        sa.CheckConstraint("(answered_at IS NULL) = (verdict IS NULL)", name="answered_verdict"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    reuse_id: Mapped[int] = mapped_column(
        sa.ForeignKey("lesson_reuse.id", ondelete="CASCADE"), index=True)
    months: Mapped[int] = mapped_column(sa.SmallInteger)
    #: the day (Dutch time) the pilot is asked
    due_on: Mapped[date]
    #: when the worker asked the pilot's members
    asked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    answered_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    verdict: Mapped[ReuseVerdict | None] = mapped_column(enum_column(ReuseVerdict))
    #: how it was adapted, why it was dropped, or what kept it (Markdown; public)
    text: Mapped[str] = mapped_column(sa.Text, default="")
    answered_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("user_account.id", ondelete="SET NULL"))

    reuse: Mapped[LessonReuse] = relationship(back_populates="follow_ups")
    answered_by: Mapped[User | None] = relationship()

    @property
    def is_answered(self) -> bool:
        return self.answered_at is not None

    def __repr__(self) -> str:
        return f"<ReuseFollowUp {self.id} of reuse {self.reuse_id} after {self.months} months>"
