"""State changes of reuse reports: reporting, hiding and showing again; each one audited."""

from __future__ import annotations

from flask_babel import gettext as _

from proeftuin import audit
from proeftuin.extensions import db
from proeftuin.messaging.compose import site_path
from proeftuin.models import AuditAction, Lesson, LessonReuse, Pilot, RecordType, User, utcnow
from proeftuin.notifications import notify
from proeftuin.personal_data import guard
from proeftuin.personal_data.guard import Review
from proeftuin.reuse import follow_ups


class ReuseError(ValueError):
    """A change the report's state refuses; `field` names the input at fault, if any."""

    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.message = message
        self.field = field


def report_reuse(lesson: Lesson, pilot: Pilot, *, how: str, outcome: str,
                 by: User, review: Review | None = None) -> LessonReuse:
    """Record that the pilot reused the public lesson: how, and what came of it."""
    if not lesson.is_public:
        raise ReuseError(_("Deze les staat niet (meer) in de bibliotheek."))
    if pilot.id == lesson.pilot_id:
        raise ReuseError(_("Hergebruik meldt u namens een andere proeftuin dan die van de les."),
                         "pilot")
    how, outcome = (how or "").strip(), (outcome or "").strip()
    if not how:
        raise ReuseError(_("Beschrijf hoe uw proeftuin de les heeft toegepast."), "how")
    if not outcome:
        raise ReuseError(_("Beschrijf wat het hergebruik opleverde, ook als het niet werkte."),
                         "outcome")
    reuse = LessonReuse(lesson=lesson, pilot=pilot, reported_by=by, how=how, outcome=outcome,
                        created_at=utcnow())
    follow_ups.plan(reuse)
    db.session.add(reuse)
    db.session.flush()
    guard.record_confirmations(review, reuse.id, by)
    # The report is the reusing pilot's record, so its event lands in that pilot's trail.
    audit.log(AuditAction.created, by, reuse, RecordType.reuse)
    # The public page loads the lesson's public revision only; the writer is looked up.
    writer = db.session.get(User, lesson.created_by_id) if lesson.created_by_id else None
    notify([writer], "lesson_reused",
           site_path("lessons.show", slug=lesson.pilot.slug, lesson_id=lesson.id), by=by,
           pilot=pilot.name, lesson=lesson.public_revision.title)
    return reuse


def hide_reuse(reuse: LessonReuse, *, by: User, reason: str) -> None:
    """Take the report out of the public trail, with the reason other facilitators read."""
    if reuse.is_hidden:
        raise ReuseError(_("Deze melding is al verborgen."))
    reason = (reason or "").strip()
    if not reason:
        raise ReuseError(_("Geef een reden op: bij verbergen is die verplicht."), "reason")
    reuse.hidden_at = utcnow()
    reuse.hidden_by = by
    reuse.hidden_reason = reason
    db.session.flush()
    audit.log(AuditAction.withdrawn, by, reuse, RecordType.reuse)


def unhide_reuse(reuse: LessonReuse, *, by: User) -> None:
    """Put a hidden report back in the public trail."""
    if not reuse.is_hidden:
        raise ReuseError(_("Deze melding is niet verborgen."))
    reuse.hidden_at = None
    reuse.hidden_by = None
    reuse.hidden_reason = ""
    db.session.flush()
    audit.log(AuditAction.published, by, reuse, RecordType.reuse)
