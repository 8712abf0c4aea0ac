"""A number that changes whenever what the public library shows may have changed.

The library keeps search results in memory (`proeftuin.library.cache`), and the pages
visitors read are kept rendered (`proeftuin.page_cache`), under this number. So it must change
with every write that can change a result, a count, an order or what those pages show: a
lesson published or withdrawn, a report of reuse, anything of a pilot's public profile (its
status, names, texts, region, programme, directions, questions, disciplines, target groups
and organisations), a programme's name or slug. A published revision never changes, and
reference data changes only with a release, which restarts the workers. Triggers in the
database change the number, in the same transaction as the write, so no code path (a
service, a command, a bulk load or an operator's SQL) can forget to.

The number is a one-row table, not a sequence: a sequence's next value is visible to other
sessions before the write that took it commits, so a reader could cache the old results under
the new number. A row changes for everyone at the commit, together with what it counts.
Writers that change the library wait for each other on that row until they commit; they are
rare (publications, withdrawals, pilots' lifecycle, reports of reuse), and short.
"""

from __future__ import annotations

import sqlalchemy as sa

from proeftuin.extensions import db

library_version = sa.Table(
    "library_version",
    db.metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=False),
    sa.Column("version", sa.Integer, nullable=False),
)

#: (table, event) pairs whose writes change the library
WATCHED = (
    ("lesson", "UPDATE OF public_revision_id"),
    ("lesson", "DELETE"),
    ("pilot", "UPDATE OF status, region_id, programme_id, slug, name, municipality, scale, "
              "theme, ambition, actions, results, planned_start, planned_end"),
    ("pilot", "DELETE"),
    ("programme", "UPDATE OF slug, name"),
    ("lesson_reuse", "INSERT"),
    ("lesson_reuse", "UPDATE"),
    ("lesson_reuse", "DELETE"),
    *((table, event)
      for table in ("pilot_direction", "pilot_organisation", "pilot_question",
                    "pilot_discipline", "pilot_target_group")
      for event in ("INSERT", "UPDATE", "DELETE")),
)


def _trigger_name(table: str, event: str) -> str:
    return f"library_changed_{table}_{event.split()[0].lower()}"


def trigger_ddl(dialect: str) -> list[str]:
    """Return the statements that make the database count changes to the library."""
    bump = ("INSERT INTO library_version (id, version) VALUES (1, 1) ON CONFLICT (id) "
            "DO UPDATE SET version = library_version.version + 1")
    if dialect == "sqlite":
        return [f"CREATE TRIGGER {_trigger_name(table, event)} AFTER {event} ON {table} "
                f"BEGIN {bump}; END" for table, event in WATCHED]
    return [
        "CREATE OR REPLACE FUNCTION library_changed() RETURNS trigger LANGUAGE plpgsql AS "
        f"$$ BEGIN {bump}; RETURN NULL; END $$",
        *(f"CREATE TRIGGER {_trigger_name(table, event)} AFTER {event} ON {table} "
          "FOR EACH STATEMENT EXECUTE FUNCTION library_changed()" for table, event in WATCHED),
    ]


def current(connection) -> int:
    """Return the library's version as this connection sees it."""
    return connection.scalar(sa.text("SELECT coalesce(max(version), 0) FROM library_version"))


for _dialect in ("sqlite", "postgresql"):
    for _statement in trigger_ddl(_dialect):
        sa.event.listen(db.metadata, "after_create",
                        sa.DDL(_statement).execute_if(dialect=_dialect))
sa.event.listen(db.metadata, "after_drop", sa.DDL(
    "DROP FUNCTION IF EXISTS library_changed()").execute_if(dialect="postgresql"))
