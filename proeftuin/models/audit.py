"""The audit trail: who did what to which sensitive record, when, and in which role.

Rows say what happened, never what a record holds (NEN 7513: the event, the moment, the
record, the user and their role). They are written once: the database refuses every UPDATE
(see `APPEND_ONLY_DDL`), and the application has no way to change or delete them.
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


#: Statements that make the table refuse UPDATE, per database. DELETE stays possible for a
#: retention purge by an operator; nothing in the application deletes.
APPEND_ONLY_DDL = {
    "sqlite": [
        "CREATE TRIGGER audit_event_append_only BEFORE UPDATE ON audit_event "
        "BEGIN SELECT RAISE(ABORT, 'audit_event is append-only'); END",
    ],
    "postgresql": [
        "CREATE OR REPLACE FUNCTION audit_event_append_only() RETURNS trigger LANGUAGE plpgsql AS "
        "$$ BEGIN RAISE EXCEPTION 'audit_event is append-only'; END $$",
        "CREATE TRIGGER audit_event_append_only BEFORE UPDATE ON audit_event "
        "FOR EACH ROW EXECUTE FUNCTION audit_event_append_only()",
    ],
}
DROP_APPEND_ONLY_DDL = {
    "sqlite": ["DROP TRIGGER IF EXISTS audit_event_append_only"],
    "postgresql": [
        "DROP TRIGGER IF EXISTS audit_event_append_only ON audit_event",
        "DROP FUNCTION IF EXISTS audit_event_append_only()",
    ],
}

for _dialect, _statements in APPEND_ONLY_DDL.items():
    for _statement in _statements:
        sa.event.listen(
            AuditEvent.__table__, "after_create",
            sa.DDL(_statement).execute_if(dialect=_dialect),
        )
