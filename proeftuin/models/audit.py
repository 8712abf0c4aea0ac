"""The audit trail: who did what to which sensitive record, when, and in which role.

Rows say what happened, never what a record holds (NEN 7513: the event, the moment, the
record, the user and their role). They are written once: the database refuses every UPDATE,
DELETE and TRUNCATE (see `APPEND_ONLY_DDL`). The one way to delete events is an operator's
purge of those older than the retention period (`proeftuin.audit.purge_events`, the command
`flask purge-audit-trail`): it first records itself in `audit_purge`, which is append-only
too, and the database lets only events older than a recorded purge's moment go.
"""

from __future__ import annotations

import enum
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from proeftuin.extensions import db
from proeftuin.models.base import UTCDateTime, enum_column, utcnow
from proeftuin.models.user import User


class AuditAction(enum.Enum):
    """What was done to the record."""

    created = "created"
    changed = "changed"
    viewed = "viewed"
    exported = "exported"
    submitted = "submitted"
    published = "published"
    returned = "returned"
    withdrawn = "withdrawn"
    deleted = "deleted"


class RecordType(enum.StrEnum):
    """The kinds of record that the audit trail and the personal-data confirmations name.

    Stored as their values in plain text columns, so a new kind needs no migration.
    """

    case = "case_discussion"
    lesson = "lesson"
    reuse = "lesson_reuse"
    measure = "measure"
    measure_value = "measure_value"
    experiment = "experiment"
    #: a pilot's public texts: its profile, and its task and desired outcome per direction
    pilot = "pilot"
    #: an application's free texts: scanned, but its writer cannot store a confirmation
    application = "application"
    #: an assessor's score of an application on a criterion of its call
    score = "application_score"
    #: an assessor's declaration of a conflict of interest with an application
    conflict = "assessment_conflict"
    #: the decision on an application of a call, with its reason
    decision = "call_decision"


class AuditEvent(db.Model):
    """One event in the audit trail of a case discussion or lesson."""

    __tablename__ = "audit_event"
    __table_args__ = (sa.Index("ix_audit_event_pilot_id_occurred_at", "pilot_id", "occurred_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    occurred_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    #: who acted; empty for the system itself (the retention purge). Accounts are anonymised,
    #: never deleted, so the reference always holds
    user_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user_account.id"))
    #: the role they acted in: member, coordinator, facilitator, admin, or system
    role: Mapped[str] = mapped_column(sa.String(20))
    action: Mapped[AuditAction] = mapped_column(enum_column(AuditAction))
    #: the kind of record (a RecordType's value) and its id
    record_type: Mapped[str] = mapped_column(sa.String(40))
    record_id: Mapped[int]
    #: the pilot the record belongs to, so facilitators can read the trail per pilot
    pilot_id: Mapped[int] = mapped_column(sa.ForeignKey("pilot.id"))

    user: Mapped[User | None] = relationship()


class AuditPurge(db.Model):
    """A purge of the audit trail by an operator: the events before `cutoff` were deleted.

    Written before the events go, in the same transaction; the database lets an event be
    deleted only when a purge recorded here covers its moment.
    """

    __tablename__ = "audit_purge"

    id: Mapped[int] = mapped_column(primary_key=True)
    purged_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    #: every event that occurred before this moment was deleted
    cutoff: Mapped[datetime] = mapped_column(UTCDateTime)
    events: Mapped[int]
    #: who ran the purge, as they named themselves to the command
    by: Mapped[str] = mapped_column(sa.String(120))


# The purge's table is made first: audit_event's trigger reads it.
AuditEvent.__table__.add_is_dependent_on(AuditPurge.__table__)

#: Statements that make the audit trail append-only, per database: events are never changed,
#: and deleted only under a recorded purge (see the module's text); purges are never changed
#: or deleted. The application has no way round them.
APPEND_ONLY_DDL = {
    "sqlite": [
        "CREATE TRIGGER audit_event_append_only BEFORE UPDATE ON audit_event "
        "BEGIN SELECT RAISE(ABORT, 'audit_event is append-only'); END",
        "CREATE TRIGGER audit_event_kept BEFORE DELETE ON audit_event "
        "WHEN NOT EXISTS (SELECT 1 FROM audit_purge WHERE OLD.occurred_at < audit_purge.cutoff) "
        "BEGIN SELECT RAISE(ABORT, 'audit trail is append-only (see flask purge-audit-trail)'); "
        "END",
        "CREATE TRIGGER audit_purge_append_only BEFORE UPDATE ON audit_purge "
        "BEGIN SELECT RAISE(ABORT, 'audit trail is append-only (see flask purge-audit-trail)'); "
        "END",
        "CREATE TRIGGER audit_purge_kept BEFORE DELETE ON audit_purge "
        "BEGIN SELECT RAISE(ABORT, 'audit trail is append-only (see flask purge-audit-trail)'); "
        "END",
    ],
    "postgresql": [
        "CREATE OR REPLACE FUNCTION audit_event_append_only() RETURNS trigger LANGUAGE plpgsql AS "
        "$$ BEGIN RAISE EXCEPTION 'audit_event is append-only'; END $$",
        "CREATE TRIGGER audit_event_append_only BEFORE UPDATE ON audit_event "
        "FOR EACH ROW EXECUTE FUNCTION audit_event_append_only()",
        "CREATE OR REPLACE FUNCTION audit_trail_refused() RETURNS trigger LANGUAGE plpgsql AS "
        "$$ BEGIN RAISE EXCEPTION 'audit trail is append-only (see flask purge-audit-trail)'; "
        "END $$",
        "CREATE OR REPLACE FUNCTION audit_event_kept() RETURNS trigger LANGUAGE plpgsql AS "
        "$$ BEGIN IF NOT EXISTS (SELECT 1 FROM audit_purge "
        "WHERE OLD.occurred_at < audit_purge.cutoff) THEN "
        "RAISE EXCEPTION 'audit trail is append-only (see flask purge-audit-trail)'; "
        "END IF; RETURN OLD; END $$",
        "CREATE TRIGGER audit_event_kept BEFORE DELETE ON audit_event "
        "FOR EACH ROW EXECUTE FUNCTION audit_event_kept()",
        "CREATE TRIGGER audit_event_not_truncated BEFORE TRUNCATE ON audit_event "
        "FOR EACH STATEMENT EXECUTE FUNCTION audit_trail_refused()",
        "CREATE TRIGGER audit_purge_append_only BEFORE UPDATE OR DELETE ON audit_purge "
        "FOR EACH ROW EXECUTE FUNCTION audit_trail_refused()",
        "CREATE TRIGGER audit_purge_not_truncated BEFORE TRUNCATE ON audit_purge "
        "FOR EACH STATEMENT EXECUTE FUNCTION audit_trail_refused()",
    ],
}
DROP_APPEND_ONLY_DDL = {
    "sqlite": [
        "DROP TRIGGER IF EXISTS audit_purge_kept",
        "DROP TRIGGER IF EXISTS audit_purge_append_only",
        "DROP TRIGGER IF EXISTS audit_event_kept",
        "DROP TRIGGER IF EXISTS audit_event_append_only",
    ],
    "postgresql": [
        "DROP TRIGGER IF EXISTS audit_purge_not_truncated ON audit_purge",
        "DROP TRIGGER IF EXISTS audit_purge_append_only ON audit_purge",
        "DROP TRIGGER IF EXISTS audit_event_not_truncated ON audit_event",
        "DROP TRIGGER IF EXISTS audit_event_kept ON audit_event",
        "DROP TRIGGER IF EXISTS audit_event_append_only ON audit_event",
        "DROP FUNCTION IF EXISTS audit_event_kept()",
        "DROP FUNCTION IF EXISTS audit_trail_refused()",
        "DROP FUNCTION IF EXISTS audit_event_append_only()",
    ],
}

for _dialect, _statements in APPEND_ONLY_DDL.items():
    for _statement in _statements:
        sa.event.listen(
            AuditEvent.__table__, "after_create",
            sa.DDL(_statement).execute_if(dialect=_dialect),
        )
