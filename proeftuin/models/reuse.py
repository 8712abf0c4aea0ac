"""Reports that a pilot elsewhere reused a published lesson, and what came of it."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from proeftuin.extensions import db
from proeftuin.models.base import UTCDateTime, utcnow

if TYPE_CHECKING:
    from proeftuin.models.lesson import Lesson
    from proeftuin.models.pilot import Pilot
    from proeftuin.models.user import User


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

    lesson: Mapped[Lesson] = relationship()
    pilot: Mapped[Pilot] = relationship()
    reported_by: Mapped[User | None] = relationship(foreign_keys=[reported_by_id])
    hidden_by: Mapped[User | None] = relationship(foreign_keys=[hidden_by_id])

    @property
    def is_hidden(self) -> bool:
        return self.hidden_at is not None

    def __repr__(self) -> str:
        return f"<LessonReuse {self.id} of lesson {self.lesson_id}>"
