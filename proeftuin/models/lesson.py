"""Lessons learned: written by a pilot's members, reviewed by its facilitators, then public.

The lesson row is the working copy its authors edit. What the public sees is a
`LessonRevision`: a copy taken each time a facilitator publishes, so an edit to a published
lesson stays out of sight until it has been reviewed too.
"""

from __future__ import annotations

import enum
from datetime import datetime
from typing import TYPE_CHECKING

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from proeftuin.extensions import db
from proeftuin.models.base import UTCDateTime, enum_column, link_table, utcnow
from proeftuin.models.case import CaseDiscussion
from proeftuin.text import readable_text

if TYPE_CHECKING:
    from proeftuin.models.pilot import Pilot
    from proeftuin.models.reference import CarerQuestion, SolutionDirection, TargetGroup
    from proeftuin.models.user import User


class LessonStatus(enum.Enum):
    """draft → submitted → published | returned; a published lesson can be withdrawn.

    An edit to a published or withdrawn lesson makes it a draft again; while it is, the
    public keeps seeing the last published revision (if it was not withdrawn).
    """

    draft = "draft"
    submitted = "submitted"
    published = "published"
    returned = "returned"
    withdrawn = "withdrawn"


class LessonKind(enum.Enum):
    """What sort of lesson this is (keys of the reference data's lesson kinds)."""

    success_factor = "success_factor"
    precondition = "precondition"
    point_of_attention = "point_of_attention"
    barrier = "barrier"
    did_not_work = "did_not_work"


class LessonLevel(enum.Enum):
    """Whom the lesson is for (keys of the reference data's lesson levels)."""

    professional = "professional"
    local_regional = "local_regional"
    national = "national"


class EvidenceBasis(enum.Enum):
    """What the lesson rests on (keys of the reference data's evidence bases)."""

    single_case = "single_case"
    several_cases = "several_cases"
    measured = "measured"
    evaluated = "evaluated"


class ReviewDecision(enum.Enum):
    """What a facilitator did with a lesson."""

    published = "published"
    returned = "returned"
    withdrawn = "withdrawn"


#: the free-text fields of a lesson, in the order the form and the page show them
LESSON_TEXT_FIELDS = ("summary", "context", "body", "advice")


_LESSON = ("lesson_id", "lesson")
_REVISION = ("lesson_revision_id", "lesson_revision")
lesson_question = link_table("lesson_question", _LESSON, ("question_id", "carer_question"))
lesson_direction = link_table("lesson_direction", _LESSON, ("direction_id", "solution_direction"))
lesson_target_group = link_table("lesson_target_group", _LESSON,
                                 ("target_group_id", "target_group"))
lesson_source_case = link_table("lesson_source_case", _LESSON, ("case_id", "case_discussion"))
revision_question = link_table("lesson_revision_question", _REVISION,
                               ("question_id", "carer_question"))
revision_direction = link_table("lesson_revision_direction", _REVISION,
                                ("direction_id", "solution_direction"))
revision_target_group = link_table("lesson_revision_target_group", _REVISION,
                                   ("target_group_id", "target_group"))


class _LessonContent:
    """The fields a lesson and each of its published revisions hold."""

    title: Mapped[str] = mapped_column(sa.String(200))
    #: one or two sentences for lists and search results
    summary: Mapped[str] = mapped_column(sa.Text, default="")
    #: the situation in which the lesson was learned (Markdown, like every text below)
    context: Mapped[str] = mapped_column(sa.Text, default="")
    #: the lesson itself
    body: Mapped[str] = mapped_column(sa.Text, default="")
    #: advice for others who want to apply it
    advice: Mapped[str] = mapped_column(sa.Text, default="")
    kind: Mapped[LessonKind] = mapped_column(enum_column(LessonKind))
    level: Mapped[LessonLevel] = mapped_column(enum_column(LessonLevel))
    evidence: Mapped[EvidenceBasis] = mapped_column(enum_column(EvidenceBasis))


class Lesson(_LessonContent, db.Model):
    """A lesson learned by a pilot: the working copy its members edit."""

    __tablename__ = "lesson"
    __table_args__ = (
        # The library and the API list the newest first: this index walks them in that order.
        sa.Index("ix_lesson_first_published_at", "first_published_at", "id"),
        # A pilot's lessons: which are public, and the facilitators' counts and latest
        # moments per pilot, all without reading the rows and their text.
        sa.Index("ix_lesson_pilot", "pilot_id", "public_revision_id", "status", "created_at",
                 "submitted_at"),
        # The library's search joins tens of thousands of hits to their lessons: this index
        # holds what it reads of each, so the lookups skip the rows with all their text.
        sa.Index("ix_lesson_library", "id", "public_revision_id", "pilot_id",
                 "first_published_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    pilot_id: Mapped[int] = mapped_column(sa.ForeignKey("pilot.id", ondelete="CASCADE"))
    status: Mapped[LessonStatus] = mapped_column(
        enum_column(LessonStatus), default=LessonStatus.draft, index=True
    )
    #: the revision the public sees; empty before the first publication and after withdrawal
    public_revision_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("lesson_revision.id", ondelete="SET NULL", use_alter=True,
                      name="fk_lesson_public_revision_id_lesson_revision")
    )
    #: empty once the writer's account has been deleted; the lesson stays
    created_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("user_account.id", ondelete="SET NULL"), index=True
    )
    updated_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("user_account.id", ondelete="SET NULL")
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
    submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    #: when it was first published; later revisions keep this date for citations
    first_published_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    pilot: Mapped[Pilot] = relationship()
    created_by: Mapped[User | None] = relationship(foreign_keys=[created_by_id])
    updated_by: Mapped[User | None] = relationship(foreign_keys=[updated_by_id])
    questions: Mapped[list[CarerQuestion]] = relationship(
        secondary=lesson_question, order_by="CarerQuestion.number"
    )
    directions: Mapped[list[SolutionDirection]] = relationship(
        secondary=lesson_direction, order_by="SolutionDirection.number"
    )
    target_groups: Mapped[list[TargetGroup]] = relationship(
        secondary=lesson_target_group, order_by="TargetGroup.position"
    )
    source_cases: Mapped[list[CaseDiscussion]] = relationship(
        secondary=lesson_source_case, order_by=CaseDiscussion.held_on
    )
    public_revision: Mapped[LessonRevision | None] = relationship(
        foreign_keys=[public_revision_id], post_update=True
    )
    revisions: Mapped[list[LessonRevision]] = relationship(
        back_populates="lesson", foreign_keys="LessonRevision.lesson_id",
        cascade="all, delete-orphan", order_by="LessonRevision.number",
    )
    reviews: Mapped[list[LessonReview]] = relationship(
        back_populates="lesson", cascade="all, delete-orphan", order_by="LessonReview.created_at"
    )

    @property
    def is_public(self) -> bool:
        return self.public_revision_id is not None

    def __repr__(self) -> str:
        return f"<Lesson {self.id} {self.status.value}>"


class LessonRevision(_LessonContent, db.Model):
    """A published version of a lesson, as a facilitator approved it. Never changed."""

    __tablename__ = "lesson_revision"
    __table_args__ = (
        sa.UniqueConstraint("lesson_id", "number"),
        # What the library's facets read of each hit, without the text (see ix_lesson_library).
        sa.Index("ix_lesson_revision_library", "id", "kind", "level"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    lesson_id: Mapped[int] = mapped_column(sa.ForeignKey("lesson.id", ondelete="CASCADE"))
    #: 1 for the first publication, then counting up
    number: Mapped[int]
    published_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    published_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("user_account.id", ondelete="SET NULL")
    )
    #: how many case discussions the lesson drew on when published; the public sees only this
    source_case_count: Mapped[int] = mapped_column(default=0, server_default="0")
    #: the words a reader sees of the summary, context, body and advice, without Markdown:
    #: what a search result's snippet is cut from. Written with the revision (see
    #: `_read_text`): converting four Markdown texts for each of a page's twenty results
    #: took longer than the search.
    readable_text: Mapped[str] = mapped_column(sa.Text, default="", server_default="")

    lesson: Mapped[Lesson] = relationship(back_populates="revisions", foreign_keys=[lesson_id])
    published_by: Mapped[User | None] = relationship()
    questions: Mapped[list[CarerQuestion]] = relationship(
        secondary=revision_question, order_by="CarerQuestion.number"
    )
    directions: Mapped[list[SolutionDirection]] = relationship(
        secondary=revision_direction, order_by="SolutionDirection.number"
    )
    target_groups: Mapped[list[TargetGroup]] = relationship(
        secondary=revision_target_group, order_by="TargetGroup.position"
    )


@sa.event.listens_for(LessonRevision, "before_insert")
def _read_text(_mapper, _connection, revision: LessonRevision) -> None:
    revision.readable_text = readable_text(revision.summary, revision.context, revision.body,
                                           revision.advice)


class LessonReview(db.Model):
    """A facilitator's decision on a lesson, with the feedback its authors read."""

    __tablename__ = "lesson_review"

    id: Mapped[int] = mapped_column(primary_key=True)
    lesson_id: Mapped[int] = mapped_column(sa.ForeignKey("lesson.id", ondelete="CASCADE"),
                                           index=True)
    decision: Mapped[ReviewDecision] = mapped_column(enum_column(ReviewDecision))
    #: required when returning or withdrawing (Markdown)
    feedback: Mapped[str] = mapped_column(sa.Text, default="")
    reviewer_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("user_account.id", ondelete="SET NULL")
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    lesson: Mapped[Lesson] = relationship(back_populates="reviews")
    reviewer: Mapped[User | None] = relationship()
