"""A pilot's progress for its facilitators: what happened when, and the framework against the work.

The timeline holds the pilot's status changes, its case discussions (on the day they were
held), and its lessons: created, last submitted (the lesson keeps only its latest submission),
and each review decision (published, returned, withdrawn). The mapping compares what the
pilot chose in the framework with what it logged: case discussions and published lessons per
solution direction and per carer question (see `coverage` for what counts as published).
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time

import sqlalchemy as sa
from flask_babel import to_user_timezone
from sqlalchemy.orm import joinedload, load_only, selectinload

from proeftuin import reference_queries
from proeftuin.dashboard.coverage import Work, direction_work, question_work
from proeftuin.extensions import db
from proeftuin.models import (
    CarerQuestion,
    CaseDiscussion,
    Lesson,
    LessonReview,
    LessonStatus,
    Pilot,
    PilotDirection,
    ReviewDecision,
    SolutionDirection,
    User,
)


class EventKind(enum.Enum):
    """What a line of the timeline is about."""

    status = "status"
    case = "case"
    lesson_created = "lesson_created"
    lesson_submitted = "lesson_submitted"
    lesson_published = "lesson_published"
    lesson_returned = "lesson_returned"
    lesson_withdrawn = "lesson_withdrawn"


_REVIEW_EVENT = {
    ReviewDecision.published: EventKind.lesson_published,
    ReviewDecision.returned: EventKind.lesson_returned,
    ReviewDecision.withdrawn: EventKind.lesson_withdrawn,
}


@dataclass(frozen=True)
class Event:
    """One thing that happened to the pilot, its case discussions or its lessons."""

    kind: EventKind
    #: a moment, or for a case discussion the day it was held
    moment: datetime | date
    #: a PilotStatusChange, CaseDiscussion or Lesson
    subject: object
    actor: User | None = None
    #: whether the page says who did it (not known for a submission or an old publication)
    names_actor: bool = False

    @property
    def local(self) -> datetime | date:
        """The moment in the user's time zone (a day stays a day)."""
        if isinstance(self.moment, datetime):
            return to_user_timezone(self.moment)
        return self.moment

    @property
    def sort_key(self) -> datetime:
        """A moment to sort on: a day sorts at its start."""
        if isinstance(self.moment, datetime):
            return self.moment
        return datetime.combine(self.moment, time.min, tzinfo=UTC)


@dataclass
class Month:
    """The events of one calendar month, newest first."""

    first_day: date
    events: list[Event] = field(default_factory=list)


@dataclass
class MappingRow:
    """A framework item with what the pilot logged on it."""

    item: SolutionDirection | CarerQuestion
    cases: int
    lessons: int
    #: the task and desired outcome, for a direction the pilot chose
    choice: PilotDirection | None = None

    @property
    def worked_on(self) -> bool:
        """Whether any case discussion or published lesson is linked to the item."""
        return self.cases > 0 or self.lessons > 0


@dataclass
class Mapping:
    """The framework items a pilot chose, those it worked on without choosing, and the rest."""

    chosen: list[MappingRow] = field(default_factory=list)
    unchosen_worked: list[MappingRow] = field(default_factory=list)
    untouched: list[SolutionDirection | CarerQuestion] = field(default_factory=list)


@dataclass
class Progress:
    """Everything the progress page shows beside the pilot itself."""

    months: list[Month]
    directions: Mapping
    questions: Mapping
    case_count: int
    #: (status, number of lessons) for each status that has lessons, in workflow order
    lesson_counts: list[tuple[LessonStatus, int]]
    published_lessons: int


def _timeline(pilot: Pilot, cases: list[CaseDiscussion], lessons: list[Lesson]) -> list[Month]:
    events = [
        Event(EventKind.status, change.created_at, change, change.changed_by, names_actor=True)
        for change in pilot.status_changes
    ]
    events += [Event(EventKind.case, case.held_on, case) for case in cases]
    for lesson in lessons:
        events.append(Event(EventKind.lesson_created, lesson.created_at, lesson,
                            lesson.created_by, names_actor=True))
        if lesson.submitted_at is not None:
            events.append(Event(EventKind.lesson_submitted, lesson.submitted_at, lesson))
        for review in lesson.reviews:
            events.append(Event(_REVIEW_EVENT[review.decision], review.created_at, lesson,
                                review.reviewer, names_actor=True))
        published = any(r.decision is ReviewDecision.published for r in lesson.reviews)
        if lesson.first_published_at is not None and not published:
            # Published before reviews were recorded (imported or demo data): say when.
            events.append(Event(EventKind.lesson_published, lesson.first_published_at, lesson))
    events.sort(key=lambda e: (e.sort_key, list(EventKind).index(e.kind)), reverse=True)

    months: list[Month] = []
    for event in events:
        local = event.local
        first_day = date(local.year, local.month, 1)
        if not months or months[-1].first_day != first_day:
            months.append(Month(first_day))
        months[-1].events.append(event)
    return months


def _mapping(items, chosen: dict[int, PilotDirection | None], work: Work,
             pilot_id: int) -> Mapping:
    """Sort the framework items into chosen, worked on without choosing, and untouched.

    `chosen` maps the ids of the chosen items to their PilotDirection (None for questions).
    """
    mapping = Mapping()
    for item in items:
        row = MappingRow(item, work.cases.get((pilot_id, item.id), 0),
                         work.lessons.get((pilot_id, item.id), 0))
        if item.id in chosen:
            row.choice = chosen[item.id]
            mapping.chosen.append(row)
        elif row.worked_on:
            mapping.unchosen_worked.append(row)
        else:
            mapping.untouched.append(item)
    return mapping


def progress(pilot: Pilot) -> Progress:
    """Return the pilot's timeline and its framework mapping against its work.

    `pilot` comes with its status changes, directions and questions loaded (PILOT_PAGE); the
    rest takes a fixed number of queries, however much the pilot logged.
    """
    cases = list(db.session.scalars(
        sa.select(CaseDiscussion)
        .where(CaseDiscussion.pilot_id == pilot.id)
        .options(load_only(CaseDiscussion.id, CaseDiscussion.pilot_id, CaseDiscussion.held_on,
                           CaseDiscussion.title, CaseDiscussion.status))
    ))
    lessons = list(db.session.scalars(
        sa.select(Lesson)
        .where(Lesson.pilot_id == pilot.id)
        .options(
            load_only(Lesson.id, Lesson.pilot_id, Lesson.title, Lesson.status,
                      Lesson.public_revision_id, Lesson.created_at, Lesson.submitted_at,
                      Lesson.first_published_at),
            joinedload(Lesson.created_by),
            selectinload(Lesson.reviews).joinedload(LessonReview.reviewer),
        )
    ))
    statuses = [lesson.status for lesson in lessons]
    lesson_counts = [(s, statuses.count(s)) for s in LessonStatus if s in statuses]

    directions = _mapping(
        reference_queries.solution_directions(),
        {choice.direction_id: choice for choice in pilot.directions},
        direction_work([pilot.id]),
        pilot.id,
    )
    questions = _mapping(
        reference_queries.carer_questions(),
        {question.id: None for question in pilot.questions},
        question_work([pilot.id]),
        pilot.id,
    )
    return Progress(
        months=_timeline(pilot, cases, lessons),
        directions=directions,
        questions=questions,
        case_count=len(cases),
        lesson_counts=lesson_counts,
        published_lessons=sum(1 for lesson in lessons if lesson.is_public),
    )
