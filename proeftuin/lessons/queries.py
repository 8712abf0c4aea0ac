"""Read-side selects of the lesson pages, each loading what its page shows."""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from markupsafe import Markup, escape
from sqlalchemy.orm import joinedload, load_only, selectinload

from proeftuin import reference
from proeftuin.extensions import db
from proeftuin.models import (
    CaseDiscussion,
    Experiment,
    Lesson,
    LessonReview,
    LessonRevision,
    LessonStatus,
    Pilot,
    User,
    programme_facilitator,
)
from proeftuin.models.base import MAX_ID

#: the order in which the workspace list shows a pilot's lessons: what needs doing first
STATUS_ORDER = (
    LessonStatus.returned, LessonStatus.draft, LessonStatus.submitted, LessonStatus.published,
    LessonStatus.withdrawn,
)

# Loader options per page, so one round of selects brings what the page shows.
CONTENT = (
    selectinload(Lesson.questions),
    selectinload(Lesson.directions),
    selectinload(Lesson.target_groups),
)
#: the workspace page of one lesson: its content, source case titles and the reviews
LESSON_PAGE = (
    *CONTENT,
    selectinload(Lesson.source_cases).load_only(
        CaseDiscussion.id, CaseDiscussion.pilot_id, CaseDiscussion.title,
        CaseDiscussion.held_on, CaseDiscussion.status,
    ),
    selectinload(Lesson.reviews).joinedload(LessonReview.reviewer),
    selectinload(Lesson.experiments).load_only(Experiment.id, Experiment.title,
                                                Experiment.started_on),
    joinedload(Lesson.created_by),
    joinedload(Lesson.updated_by),
    joinedload(Lesson.public_revision),
)
#: the edit form: content and the ids of its source cases
EDIT = (
    *CONTENT,
    selectinload(Lesson.source_cases).load_only(CaseDiscussion.id, CaseDiscussion.pilot_id),
    selectinload(Lesson.experiments).load_only(Experiment.id),
    joinedload(Lesson.public_revision),
)
#: the review page: the lesson beside its source cases in full
REVIEW = (
    *CONTENT,
    selectinload(Lesson.source_cases).options(
        selectinload(CaseDiscussion.disciplines),
        selectinload(CaseDiscussion.questions),
        selectinload(CaseDiscussion.directions),
        selectinload(CaseDiscussion.follow_ups),
    ),
    selectinload(Lesson.reviews).joinedload(LessonReview.reviewer),
    joinedload(Lesson.created_by),
    joinedload(Lesson.public_revision),
)
#: the withdrawal page: what the public sees now
WITHDRAW = (joinedload(Lesson.public_revision),)
#: the revision history: every revision, who published it, and the working copy to compare
REVISIONS = (
    *CONTENT,
    selectinload(Lesson.revisions).options(
        joinedload(LessonRevision.published_by),
        selectinload(LessonRevision.questions),
        selectinload(LessonRevision.directions),
        selectinload(LessonRevision.target_groups),
    ),
)


def fits_id(number: int | None) -> bool:
    """Whether a number from a URL or a form can be an id at all."""
    return number is not None and 0 < number <= MAX_ID


# The workspace ------------------------------------------------------------------------------


def lesson_of_pilot(pilot: Pilot, lesson_id: int, *options,
                    for_update: bool = False) -> Lesson | None:
    """Return the pilot's lesson with this id (never another pilot's), or None.

    `for_update` locks the row (on PostgreSQL) so two state changes cannot cross.
    """
    if not fits_id(lesson_id):
        return None
    stmt = sa.select(Lesson).where(Lesson.id == lesson_id, Lesson.pilot_id == pilot.id)
    if for_update:
        stmt = stmt.with_for_update(of=Lesson).execution_options(populate_existing=True)
    return db.session.scalar(stmt.options(*options))


def lessons_of_pilot(pilot: Pilot) -> list[Lesson]:
    """Return the pilot's lessons, most recently changed first, with what the list shows."""
    return list(
        db.session.scalars(
            sa.select(Lesson)
            .where(Lesson.pilot_id == pilot.id)
            .options(
                load_only(Lesson.id, Lesson.pilot_id, Lesson.title, Lesson.status,
                          Lesson.updated_at, Lesson.submitted_at, Lesson.public_revision_id,
                          Lesson.updated_by_id),
                joinedload(Lesson.public_revision).load_only(
                    LessonRevision.id, LessonRevision.lesson_id, LessonRevision.number,
                    LessonRevision.title, LessonRevision.published_at,
                ),
                joinedload(Lesson.updated_by).load_only(User.id, User.name, User.email),
            )
            .order_by(Lesson.updated_at.desc(), Lesson.id.desc())
        )
    )


def by_status(lessons: list[Lesson]) -> list[tuple[LessonStatus, list[Lesson]]]:
    """Group lessons by status in STATUS_ORDER, leaving out statuses without lessons."""
    groups: dict[LessonStatus, list[Lesson]] = {status: [] for status in STATUS_ORDER}
    for lesson in lessons:
        groups[lesson.status].append(lesson)
    return [(status, rows) for status, rows in groups.items() if rows]


def cases_of_pilot(pilot: Pilot) -> list[CaseDiscussion]:
    """Return the pilot's case discussions as source choices: titles and dates only."""
    return list(
        db.session.scalars(
            sa.select(CaseDiscussion)
            .where(CaseDiscussion.pilot_id == pilot.id)
            .options(load_only(CaseDiscussion.id, CaseDiscussion.pilot_id, CaseDiscussion.title,
                               CaseDiscussion.held_on))
            .order_by(CaseDiscussion.held_on.desc(), CaseDiscussion.id.desc())
        )
    )


def case_of_pilot(pilot: Pilot, case_id: int | None) -> CaseDiscussion | None:
    """Return the pilot's case discussion with its questions and directions, or None."""
    if not fits_id(case_id):
        return None
    return db.session.scalar(
        sa.select(CaseDiscussion)
        .where(CaseDiscussion.id == case_id, CaseDiscussion.pilot_id == pilot.id)
        .options(selectinload(CaseDiscussion.questions),
                 selectinload(CaseDiscussion.directions))
    )


def revision_of(lesson: Lesson, number: int) -> LessonRevision | None:
    """Return the lesson's revision with this number and what it links to, or None."""
    if not fits_id(number):
        return None
    return db.session.scalar(
        sa.select(LessonRevision)
        .where(LessonRevision.lesson_id == lesson.id, LessonRevision.number == number)
        .options(
            joinedload(LessonRevision.published_by),
            selectinload(LessonRevision.questions),
            selectinload(LessonRevision.directions),
            selectinload(LessonRevision.target_groups),
        )
    )


# Review ---------------------------------------------------------------------------------------


def lesson_by_id(lesson_id: int, *options, for_update: bool = False) -> Lesson | None:
    """Return the lesson with this id, its pilot and programme, or None."""
    if not fits_id(lesson_id):
        return None
    stmt = sa.select(Lesson).where(Lesson.id == lesson_id)
    if for_update:
        stmt = stmt.with_for_update(of=Lesson).execution_options(populate_existing=True)
    return db.session.scalar(
        stmt.options(joinedload(Lesson.pilot, innerjoin=True).joinedload(Pilot.programme),
                     *options)
    )


def _facilitated_programme_ids(user: User):
    return sa.select(programme_facilitator.c.programme_id).where(
        programme_facilitator.c.user_id == user.id
    )


@dataclass
class QueueRow:
    """A lesson waiting for review, and for how long."""

    lesson: Lesson
    waiting_days: int


def review_queue(user: User, now: datetime) -> list[QueueRow]:
    """Return the submitted lessons of the user's programmes, longest waiting first."""
    lessons = db.session.scalars(
        sa.select(Lesson)
        .join(Lesson.pilot)
        .where(Lesson.status == LessonStatus.submitted,
               Pilot.programme_id.in_(_facilitated_programme_ids(user)))
        .options(
            load_only(Lesson.id, Lesson.pilot_id, Lesson.title, Lesson.status,
                      Lesson.submitted_at, Lesson.public_revision_id),
            joinedload(Lesson.pilot).joinedload(Pilot.programme),
        )
        .order_by(Lesson.submitted_at.asc().nulls_first(), Lesson.id)
    )
    return [
        QueueRow(lesson, max(0, (now - lesson.submitted_at).days) if lesson.submitted_at else 0)
        for lesson in lessons
    ]


def recent_decisions(user: User, limit: int = 10) -> list[LessonReview]:
    """Return the latest decisions on lessons of the user's programmes, newest first."""
    return list(
        db.session.scalars(
            sa.select(LessonReview)
            .join(LessonReview.lesson)
            .join(Lesson.pilot)
            .where(Pilot.programme_id.in_(_facilitated_programme_ids(user)))
            .options(
                joinedload(LessonReview.lesson)
                .load_only(Lesson.id, Lesson.pilot_id, Lesson.title, Lesson.status)
                .joinedload(Lesson.pilot).joinedload(Pilot.programme),
                joinedload(LessonReview.reviewer).load_only(User.id, User.name, User.email),
            )
            .order_by(LessonReview.created_at.desc(), LessonReview.id.desc())
            .limit(limit)
        )
    )


# Comparing the latest revision with the working copy ---------------------------------------


@dataclass
class FieldComparison:
    """One field of the latest revision beside the working copy."""

    label: str
    changed: bool
    #: the text with deletions and insertions marked, escaped
    marked: Markup


_WORDS = re.compile(r"\s+|[^\s]+")


def mark_changes(old: str, new: str) -> Markup:
    """Return `new` with words taken out of `old` in <del> and words put in in <ins>."""
    old_words, new_words = _WORDS.findall(old or ""), _WORDS.findall(new or "")
    parts: list[Markup] = []
    matcher = difflib.SequenceMatcher(a=old_words, b=new_words, autojunk=False)
    for op, a1, a2, b1, b2 in matcher.get_opcodes():
        if op == "equal":
            parts.append(escape("".join(new_words[b1:b2])))
            continue
        if op in ("delete", "replace"):
            parts.append(Markup("<del>{}</del>").format("".join(old_words[a1:a2])))
        if op in ("insert", "replace"):
            parts.append(Markup("<ins>{}</ins>").format("".join(new_words[b1:b2])))
    return Markup("").join(parts)


def _names(rows) -> str:
    return ", ".join(f"{row.number}. {row.name}" if hasattr(row, "number") else row.name
                     for row in rows)


def compare(revision: LessonRevision, lesson: Lesson, labels: dict[str, str]) -> list[FieldComparison]:
    """Compare every field of a revision with the lesson's working copy, in form order."""
    def value(record, name: str) -> str:
        if name in ("kind", "level", "evidence"):
            group = {"kind": "lesson_kinds", "level": "lesson_levels",
                     "evidence": "evidence_bases"}[name]
            return reference.label(group, getattr(record, name))
        if name in ("questions", "directions", "target_groups"):
            return _names(getattr(record, name))
        return getattr(record, name) or ""

    rows = []
    for name, label in labels.items():
        old, new = value(revision, name), value(lesson, name)
        rows.append(FieldComparison(str(label), old != new, mark_changes(old, new)))
    return rows
