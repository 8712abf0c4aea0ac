"""Case discussions: anonymised cases from practice that a pilot's group discussed.

Never public. Members of the pilot write them; members and the programme's facilitators read.
"""

from __future__ import annotations

import enum
from datetime import date, datetime
from typing import TYPE_CHECKING

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from proeftuin.extensions import db
from proeftuin.models.base import UTCDateTime, enum_column, link_table, utcnow

if TYPE_CHECKING:
    from proeftuin.models.pilot import Pilot
    from proeftuin.models.reference import CarerQuestion, Discipline, SolutionDirection
    from proeftuin.models.user import User


class CaseStatus(enum.Enum):
    """A draft can still be completed; a final record is what the group agreed on."""

    draft = "draft"
    final = "final"


_CASE = ("case_id", "case_discussion")
case_discipline = link_table("case_discipline", _CASE, ("discipline_id", "discipline"))
case_question = link_table("case_question", _CASE, ("question_id", "carer_question"))
case_direction = link_table("case_direction", _CASE, ("direction_id", "solution_direction"))

#: the free-text fields of a case discussion, in the order the form and the page show them
CASE_TEXT_FIELDS = (
    "presenter_question", "situation", "carer_perspective", "went_well", "group_advice",
    "could_do_better",
)


class CaseDiscussion(db.Model):
    """One anonymised case brought to the group, and what the group made of it."""

    __tablename__ = "case_discussion"
    __table_args__ = (
        sa.Index("ix_case_discussion_pilot_id_held_on", "pilot_id", "held_on"),
        # The facilitators' dashboard reads each pilot's latest case without the case's text.
        sa.Index("ix_case_discussion_pilot_id_activity", "pilot_id", "updated_at", "created_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    pilot_id: Mapped[int] = mapped_column(sa.ForeignKey("pilot.id", ondelete="CASCADE"))
    #: the day the group discussed the case
    held_on: Mapped[date] = mapped_column(sa.Date)
    #: a short name the group recognises the case by, never a person's name
    title: Mapped[str] = mapped_column(sa.String(160))
    status: Mapped[CaseStatus] = mapped_column(enum_column(CaseStatus), default=CaseStatus.draft)
    #: the question the presenter brings to the group (Markdown, like every text below)
    presenter_question: Mapped[str] = mapped_column(sa.Text, default="")
    #: the situation, anonymised
    situation: Mapped[str] = mapped_column(sa.Text, default="")
    #: how the informal carer sees it
    carer_perspective: Mapped[str] = mapped_column(sa.Text, default="")
    went_well: Mapped[str] = mapped_column(sa.Text, default="")
    group_advice: Mapped[str] = mapped_column(sa.Text, default="")
    #: where the team could have acted differently, earlier or better
    could_do_better: Mapped[str] = mapped_column(sa.Text, default="")
    #: empty once the writer's account has been deleted
    created_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("user_account.id", ondelete="SET NULL"), index=True
    )
    updated_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("user_account.id", ondelete="SET NULL")
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    pilot: Mapped[Pilot] = relationship()
    created_by: Mapped[User | None] = relationship(foreign_keys=[created_by_id])
    updated_by: Mapped[User | None] = relationship(foreign_keys=[updated_by_id])
    disciplines: Mapped[list[Discipline]] = relationship(
        secondary=case_discipline, order_by="Discipline.position"
    )
    questions: Mapped[list[CarerQuestion]] = relationship(
        secondary=case_question, order_by="CarerQuestion.number"
    )
    directions: Mapped[list[SolutionDirection]] = relationship(
        secondary=case_direction, order_by="SolutionDirection.number"
    )
    follow_ups: Mapped[list[CaseFollowUp]] = relationship(
        back_populates="case", cascade="all, delete-orphan", order_by="CaseFollowUp.position"
    )

    @property
    def is_final(self) -> bool:
        return self.status is CaseStatus.final

    def __repr__(self) -> str:
        return f"<CaseDiscussion {self.id} {self.status.value}>"


class CaseFollowUp(db.Model):
    """An agreement made in a case discussion: what, who, and by when."""

    __tablename__ = "case_follow_up"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(
        sa.ForeignKey("case_discussion.id", ondelete="CASCADE"), index=True
    )
    action: Mapped[str] = mapped_column(sa.Text)
    #: a role or discipline ("de wijkverpleegkundige"), so no one is named in the record
    owner: Mapped[str] = mapped_column(sa.String(160), default="")
    due_on: Mapped[date | None] = mapped_column(sa.Date)
    done: Mapped[bool] = mapped_column(default=False)
    position: Mapped[int] = mapped_column(default=0)

    case: Mapped[CaseDiscussion] = relationship(back_populates="follow_ups")
