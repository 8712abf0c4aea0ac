"""The lesson lifecycle: draft → submitted → published | returned; a public lesson can be
withdrawn, and an edit makes a lesson a draft again.

`STEPS` is the table of named steps with the statuses each may be taken from. The services take
the steps (`check`, then `take` or `move_on_edit`); `permissions.py` asks `may` of the same
table, so a button is shown exactly when its step would be taken.
"""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm.attributes import set_committed_value

from proeftuin.extensions import db
from proeftuin.models import Lesson, LessonStatus

S = LessonStatus


class LessonError(ValueError):
    """A change the lesson's lifecycle refuses; `field` names the input at fault, if any."""

    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.message = message
        self.field = field


@dataclass(frozen=True)
class Step:
    """One step of the lifecycle: where it may start, where it leads, and its refusal."""

    name: str
    #: the statuses the step may be taken from
    from_states: frozenset[LessonStatus]
    #: where the status goes
    to: LessonStatus
    #: what the reader is told when the step is refused
    refusal: str
    #: the step is for lessons in the library, whatever the working copy's status
    public_only: bool = False
    #: the statuses the step changes (others it leaves alone); by default all it starts from
    moves: frozenset[LessonStatus] | None = None

    @property
    def moved_from(self) -> frozenset[LessonStatus]:
        """The statuses the step changes into `to`."""
        return self.moves if self.moves is not None else self.from_states

    def changes(self, status: LessonStatus) -> bool:
        """Whether taking the step from `status` changes the status."""
        return status in self.moved_from


EDIT = Step(
    "edit", frozenset({S.draft, S.returned, S.published, S.withdrawn}), S.draft,
    _l("Deze les wacht op beoordeling en kan nu niet worden gewijzigd."),
    # A reviewed lesson that changes has to be reviewed again; a draft stays a draft.
    moves=frozenset({S.returned, S.published, S.withdrawn}),
)
SUBMIT = Step(
    "submit", frozenset({S.draft, S.returned, S.withdrawn}), S.submitted,
    _l("Deze les wacht al op beoordeling of staat in de bibliotheek."),
)
PUBLISH = Step(
    "publish", frozenset({S.submitted}), S.published,
    _l("Alleen een ingediende les kan worden gepubliceerd."),
)
RETURN = Step(
    "return", frozenset({S.submitted}), S.returned,
    _l("Alleen een ingediende les kan worden teruggegeven."),
)
WITHDRAW = Step(
    "withdraw", frozenset(LessonStatus), S.withdrawn,
    _l("Deze les staat niet (meer) in de bibliotheek."),
    public_only=True,
    # A new version the writers are working on, or one waiting for review, stays as it is:
    # only the public copy goes.
    moves=frozenset({S.published}),
)

#: every step by name
STEPS = {step.name: step for step in (EDIT, SUBMIT, PUBLISH, RETURN, WITHDRAW)}


def may(lesson: Lesson, step: Step) -> bool:
    """Whether the lesson, as it is now, may take this step."""
    if step.public_only and not lesson.is_public:
        return False
    return lesson.status in step.from_states


def check(lesson: Lesson, step: Step) -> None:
    """Refuse, with the step's message, a step the lesson may not take now."""
    if not may(lesson, step):
        raise LessonError(str(step.refusal))


def move_on_edit(lesson: Lesson) -> None:
    """Make an edited lesson a draft again where the edit step says so."""
    check(lesson, EDIT)
    if EDIT.changes(lesson.status):
        lesson.status = EDIT.to


def take(lesson: Lesson, step: Step) -> None:
    """Take the step in one conditional UPDATE, or refuse it.

    The status the page was built on may be stale: two facilitators deciding at once, or a
    writer submitting while a decision is made. Only the first UPDATE finds a status the step
    may start from; the database serialises them, so the second is refused instead of
    publishing twice or undoing a decision.
    """
    check(lesson, step)
    if not step.changes(lesson.status):
        return
    claimed = db.session.execute(
        sa.update(Lesson)
        .where(Lesson.id == lesson.id, Lesson.status.in_(step.moved_from))
        .values(status=step.to)
        .execution_options(synchronize_session=False)
    ).rowcount
    if claimed != 1:
        db.session.refresh(lesson)
        raise LessonError(str(_l("Iemand anders heeft deze les intussen al verder gebracht. "
                                 "Bekijk hoe ze er nu voor staat.")))
    set_committed_value(lesson, "status", step.to)
