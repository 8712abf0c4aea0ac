"""A pilot's own measures with a value per month, and its plan-do-study-act experiments.

Internal to the pilot and its facilitators: nothing here is ever public. Progress is what
the pilot logged, month by month; there is no score typed by hand.
"""

from __future__ import annotations

import enum
from datetime import date, datetime
from typing import TYPE_CHECKING

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from proeftuin.extensions import db
from proeftuin.models.base import UTCDateTime, enum_column, link_table, utcnow
from proeftuin.models.lesson import Lesson

if TYPE_CHECKING:
    from proeftuin.models.pilot import Pilot
    from proeftuin.models.reference import SolutionDirection
    from proeftuin.models.user import User


class ImprovementDirection(enum.Enum):
    """Which way a measure gets better."""

    higher = "higher"
    lower = "lower"


class ActDecision(enum.Enum):
    """What a pilot does with what an experiment taught it."""

    adopt = "adopt"
    adapt = "adapt"
    abandon = "abandon"


_EXPERIMENT = ("experiment_id", "experiment")
experiment_measure = link_table("experiment_measure", _EXPERIMENT, ("measure_id", "measure"),
                                on_target_delete="CASCADE")
experiment_direction = link_table("experiment_direction", _EXPERIMENT,
                                  ("direction_id", "solution_direction"))
#: the experiments a lesson cites; both belong to the same pilot (the lesson services check)
lesson_experiment = link_table("lesson_experiment", ("lesson_id", "lesson"), _EXPERIMENT,
                               on_target_delete="CASCADE")


class Measure(db.Model):
    """Something a pilot counts every month to see whether its work makes a difference."""

    __tablename__ = "measure"
    __table_args__ = (sa.Index("ix_measure_pilot_id_position", "pilot_id", "position"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    pilot_id: Mapped[int] = mapped_column(sa.ForeignKey("pilot.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(sa.String(160))
    #: what a value counts in, e.g. "%" or "mantelzorgers"
    unit: Mapped[str] = mapped_column(sa.String(40), default="")
    #: the value the pilot aims for; empty when it has none
    goal: Mapped[float | None] = mapped_column(sa.Float)
    direction: Mapped[ImprovementDirection] = mapped_column(
        enum_column(ImprovementDirection), default=ImprovementDirection.higher
    )
    #: how the pilot counts, and why (Markdown)
    description: Mapped[str] = mapped_column(sa.Text, default="")
    #: the order in which the pilot's measures are shown
    position: Mapped[int] = mapped_column(default=0)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    pilot: Mapped[Pilot] = relationship()
    values: Mapped[list[MeasureValue]] = relationship(
        back_populates="measure", cascade="all, delete-orphan", order_by="MeasureValue.month",
        passive_deletes=True,
    )

    def __repr__(self) -> str:
        return f"<Measure {self.id} of pilot {self.pilot_id}>"


class MeasureValue(db.Model):
    """The value of a measure in one month."""

    __tablename__ = "measure_value"
    __table_args__ = (sa.UniqueConstraint("measure_id", "month"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    measure_id: Mapped[int] = mapped_column(sa.ForeignKey("measure.id", ondelete="CASCADE"))
    #: the first day of the month the value is for
    month: Mapped[date] = mapped_column(sa.Date)
    value: Mapped[float] = mapped_column(sa.Float)
    #: a remark on this month's value, such as how it was counted
    note: Mapped[str] = mapped_column(sa.String(500), default="")
    #: empty once the account has been deleted
    entered_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("user_account.id", ondelete="SET NULL"), index=True
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    measure: Mapped[Measure] = relationship(back_populates="values")
    entered_by: Mapped[User | None] = relationship()


class Experiment(db.Model):
    """A small plan-do-study-act cycle: what the pilot tried, what it saw, what it decided."""

    __tablename__ = "experiment"
    __table_args__ = (sa.Index("ix_experiment_pilot_id_started_on", "pilot_id", "started_on"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    pilot_id: Mapped[int] = mapped_column(sa.ForeignKey("pilot.id", ondelete="CASCADE"))
    title: Mapped[str] = mapped_column(sa.String(200))
    #: plan: what the pilot will try and what it predicts (Markdown, like the texts below)
    plan: Mapped[str] = mapped_column(sa.Text, default="")
    #: do: what it actually did
    do: Mapped[str] = mapped_column(sa.Text, default="")
    #: study: what it saw, against the prediction
    study: Mapped[str] = mapped_column(sa.Text, default="")
    #: act: adopt, adapt or abandon; empty while the experiment runs
    act_decision: Mapped[ActDecision | None] = mapped_column(enum_column(ActDecision))
    #: why the pilot decided so
    act: Mapped[str] = mapped_column(sa.Text, default="")
    started_on: Mapped[date] = mapped_column(sa.Date)
    ended_on: Mapped[date | None] = mapped_column(sa.Date)
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
    measures: Mapped[list[Measure]] = relationship(
        secondary=experiment_measure, order_by=(Measure.position, Measure.id)
    )
    directions: Mapped[list[SolutionDirection]] = relationship(
        secondary=experiment_direction, order_by="SolutionDirection.number"
    )
    #: the lessons that cite this experiment (`Lesson.experiments`, below, is the other side)
    cited_by: Mapped[list[Lesson]] = relationship(
        secondary=lesson_experiment, order_by=Lesson.id, back_populates="experiments"
    )

    def is_running(self, on: date) -> bool:
        """Whether the experiment has started by `on` and has neither ended nor been decided."""
        return (self.act_decision is None and self.started_on <= on
                and (self.ended_on is None or self.ended_on >= on))

    def __repr__(self) -> str:
        return f"<Experiment {self.id} of pilot {self.pilot_id}>"


# Added here rather than in the lesson module, which knows nothing of experiments: a lesson
# cites experiments of its own pilot (the lesson services check that).
Lesson.experiments = relationship(
    Experiment, secondary=lesson_experiment, back_populates="cited_by",
    order_by=(Experiment.started_on, Experiment.id),
)
