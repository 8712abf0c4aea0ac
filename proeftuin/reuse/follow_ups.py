"""What came of reuse: three and six months after a report, the reusing pilot is asked
whether it adopted the lesson as it was, adapted it (how) or dropped it (why).

The questions are made with the report (`plan`), asked by the worker on their day
(`ask_due`, through the notifications: in the site and by e-mail as each member prefers),
and answered on a page of their own (`answer`). The latest answer is the report's verdict,
which the lesson's page sums up and the library filters and orders on; the lesson's writers
hear of each answer. A question asked and not answered `OVERDUE_AFTER` after its day is
overdue on the facilitators' table.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import joinedload

from proeftuin import audit
from proeftuin.dates import local_date, months_later
from proeftuin.extensions import db
from proeftuin.labels import reuse_verdict_label
from proeftuin.messaging.compose import site_path
from proeftuin.models import (
    FOLLOW_UP_MONTHS,
    PROVEN_VERDICTS,
    AuditAction,
    Lesson,
    LessonReuse,
    Membership,
    Pilot,
    RecordType,
    ReuseFollowUp,
    ReuseVerdict,
    User,
    utcnow,
)
from proeftuin.permissions import FOLLOW_UP_STATUSES
from proeftuin.personal_data import guard
from proeftuin.personal_data.guard import Review

#: the hour (Europe/Amsterdam) from which the worker asks the day's questions
ASK_HOUR = 9
#: how long after its day an unanswered question counts as overdue
OVERDUE_AFTER = timedelta(weeks=4)
#: the reusing pilots that are asked: those still at work (a stopped pilot is left alone)
ASKED_STATUSES = FOLLOW_UP_STATUSES

class FollowUpError(ValueError):
    """An answer the question refuses; `field` names the input at fault, if any."""

    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.message = message
        self.field = field


def plan(reuse: LessonReuse) -> None:
    """Make the report's questions (or move them), due `FOLLOW_UP_MONTHS` after its
    (Dutch) day."""
    day = local_date(reuse.created_at or utcnow())
    planned = {f.months: f for f in reuse.follow_ups}
    for months in FOLLOW_UP_MONTHS:
        if months in planned:
            planned[months].due_on = months_later(day, months)
        else:
            reuse.follow_ups.append(ReuseFollowUp(months=months, text="",
                                                  due_on=months_later(day, months)))


def is_open(follow_up: ReuseFollowUp, today) -> bool:
    """Whether the question can be answered: its day has come (or it was asked)."""
    return follow_up.asked_at is not None or follow_up.due_on <= today


def is_overdue(follow_up: ReuseFollowUp, today) -> bool:
    return not follow_up.is_answered and follow_up.due_on + OVERDUE_AFTER < today


# Asking ------------------------------------------------------------------------------------


def due(today) -> list[ReuseFollowUp]:
    """The questions whose day has come, not yet asked nor answered, of pilots still at
    work, with their report, lesson and pilot."""
    return list(db.session.scalars(
        sa.select(ReuseFollowUp)
        .join(ReuseFollowUp.reuse).join(LessonReuse.pilot)
        .where(ReuseFollowUp.due_on <= today, ReuseFollowUp.asked_at.is_(None),
               ReuseFollowUp.answered_at.is_(None), Pilot.status.in_(ASKED_STATUSES))
        .options(joinedload(ReuseFollowUp.reuse).options(
            joinedload(LessonReuse.pilot),
            joinedload(LessonReuse.lesson).joinedload(Lesson.public_revision)))
        .order_by(ReuseFollowUp.due_on, ReuseFollowUp.id)))


def _members(pilot_ids: set[int]) -> dict[int, list[User]]:
    found: dict[int, list[User]] = defaultdict(list)
    if pilot_ids:
        for user, pilot_id in db.session.execute(
                sa.select(User, Membership.pilot_id)
                .join(Membership, Membership.user_id == User.id)
                .where(Membership.pilot_id.in_(pilot_ids)).order_by(User.id)):
            found[pilot_id].append(user)
    return found


def ask_due(now: datetime | None = None) -> int:
    """Ask the members of each reusing pilot, once per question, what came of the lesson;
    returns how many questions were asked. `asked_at` marks a question in the transaction
    of its notifications, so a restart or another worker never asks it twice."""
    from proeftuin.notifications import notify  # noqa: PLC0415 - imports the messaging

    now = now or utcnow()
    questions = due(local_date(now))
    members = _members({q.reuse.pilot_id for q in questions})
    for question in questions:
        reuse = question.reuse
        notify(members.get(reuse.pilot_id, ()), "reuse_follow_up",
               site_path("reuse.follow_up", reuse_id=reuse.id, months=question.months),
               lesson=_shown_title(reuse.lesson), months=str(question.months))
        question.asked_at = now
    db.session.flush()
    return len(questions)


# Answering ---------------------------------------------------------------------------------

#: what the text must say for each verdict, when it is missing
_TEXT_NEEDED = {
    ReuseVerdict.adopted: _l("Vertel kort wat de les bij u gaande hield."),
    ReuseVerdict.adapted: _l("Beschrijf hoe u de les hebt aangepast."),
    ReuseVerdict.dropped: _l("Beschrijf waarom u met de les bent gestopt."),
}


def answer(follow_up: ReuseFollowUp, verdict: ReuseVerdict | None, text: str, *, by: User,
           review: Review | None = None) -> bool:
    """Record (or change) the answer; the report's verdict follows its latest answer, and
    the lesson's writers are told. Returns whether anything changed."""
    if verdict is None:
        raise FollowUpError(_("Kies wat er van de les is geworden."), "verdict")
    text = (text or "").strip()
    if not text:
        raise FollowUpError(str(_TEXT_NEEDED[verdict]), "text")
    if follow_up.verdict is verdict and follow_up.text == text:
        return False
    first = not follow_up.is_answered
    follow_up.verdict = verdict
    follow_up.text = text
    follow_up.answered_at = utcnow()
    follow_up.answered_by = by
    reuse = follow_up.reuse
    latest = max(reuse.answers, key=lambda f: f.months)
    reuse.verdict = latest.verdict
    db.session.flush()
    guard.record_confirmations(review, reuse.id, by)
    audit.log(AuditAction.changed, by, reuse, RecordType.reuse)
    if first:
        _tell_the_writers(follow_up, by)
    return True


def _shown_title(lesson: Lesson) -> str:
    """The title readers know the lesson by: its public one, or its working one."""
    revision = lesson.public_revision
    return revision.title if revision is not None else lesson.title


def _tell_the_writers(follow_up: ReuseFollowUp, by: User) -> None:
    from proeftuin.library.urls import public_lesson_url  # noqa: PLC0415 - a view helper
    from proeftuin.notifications import notify  # noqa: PLC0415

    reuse = follow_up.reuse
    lesson = reuse.lesson
    writers = _members({lesson.pilot_id}).get(lesson.pilot_id, [])
    path = public_lesson_url(lesson.public_revision, _anchor=f"hergebruik-{reuse.id}") \
        if lesson.public_revision is not None else site_path("lessons.show",
                                                              slug=lesson.pilot.slug,
                                                              lesson_id=lesson.id)
    notify(writers, "reuse_outcome", path, by=by, pilot=reuse.pilot.name,
           lesson=_shown_title(lesson),
           months=str(follow_up.months), verdict=reuse_verdict_label(follow_up.verdict))


# Reading -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class ReuseSummary:
    """What the visible reports of a lesson's reuse add up to, for its page."""

    pilots: int
    regions: int
    adopted: int
    adapted: int
    dropped: int

    @property
    def unknown(self) -> int:
        """Pilots that have not said yet what came of it."""
        return self.pilots - self.adopted - self.adapted - self.dropped

    @property
    def proven(self) -> bool:
        return bool(self.adopted or self.adapted)


def summary(reuses: list[LessonReuse]) -> ReuseSummary:
    """Sum up the reports (already loaded, with their pilots): per pilot the verdict of its
    latest report that has one."""
    latest: dict[int, LessonReuse] = {}
    for reuse in sorted((r for r in reuses if not r.is_hidden), key=lambda r: r.created_at):
        if reuse.verdict is not None or reuse.pilot_id not in latest:
            latest[reuse.pilot_id] = reuse
    verdicts = [r.verdict for r in latest.values()]
    return ReuseSummary(
        pilots=len(latest), regions=len({r.pilot.region_id for r in latest.values()}),
        adopted=verdicts.count(ReuseVerdict.adopted),
        adapted=verdicts.count(ReuseVerdict.adapted),
        dropped=verdicts.count(ReuseVerdict.dropped))


def overdue_counts(pilot_ids: list[int], today) -> dict[int, int]:
    """Per reusing pilot, its questions asked and left unanswered past `OVERDUE_AFTER`."""
    if not pilot_ids:
        return {}
    return dict(db.session.execute(
        sa.select(LessonReuse.pilot_id, sa.func.count())
        .join(ReuseFollowUp, ReuseFollowUp.reuse_id == LessonReuse.id)
        .where(LessonReuse.pilot_id.in_(pilot_ids), ReuseFollowUp.answered_at.is_(None),
               ReuseFollowUp.asked_at.is_not(None),
               ReuseFollowUp.due_on < today - OVERDUE_AFTER)
        .group_by(LessonReuse.pilot_id)).all())


def proven_elsewhere(verdict_column=LessonReuse.verdict):
    """The condition of a report that shows its lesson worked elsewhere."""
    return verdict_column.in_(PROVEN_VERDICTS)
