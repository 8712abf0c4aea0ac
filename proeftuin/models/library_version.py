"""Numbers that change whenever what the public library or a pilot's profile shows may have.

The library keeps search results in memory (`proeftuin.library.cache`), and the pages
visitors read are kept rendered (`proeftuin.caching.page_cache`), under these numbers. Row LIBRARY
changes with every write that can change a search's result, count or order, or a lesson's
page: a lesson published or withdrawn, a report of reuse or its follow-up's answer, a pilot's status, name, place,
region or programme, a programme's name or slug or a new one. Row PROFILES changes with the
rest of what a pilot's public profile, the home page and the pilot list show: a new pilot,
its texts, period and scale, directions, questions, disciplines, target groups and
organisations. Those change far more often (every application writes them), and need not
cost the searches their kept results. A published
revision never changes, and reference data changes only with a release, which restarts the
workers. Triggers in the database change the numbers, in the same transaction as the write,
so no code path (a service, a command, a bulk load or an operator's SQL) can forget to.

Each number is a row of a table, not a sequence: a sequence's next value is visible to other
sessions before the write that took it commits, so a reader could cache the old results under
the new number. A row changes for everyone at the commit, together with what it counts.
Writers that change the library wait for each other on its row until they commit; they are
rare (publications, withdrawals, pilots' lifecycle, reports of reuse), and short. So are
writers of profiles, on theirs.
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

#: the rows of library_version
LIBRARY, PROFILES = 1, 2

_ALL_EVENTS = ("INSERT", "UPDATE", "DELETE")

#: (table, event, row) triples: whose writes change which of the numbers
WATCHED = (
    ("lesson", "UPDATE OF public_revision_id", LIBRARY),
    ("lesson", "DELETE", LIBRARY),
    ("pilot", "UPDATE OF status, region_id, programme_id, slug, name, municipality", LIBRARY),
    ("pilot", "DELETE", LIBRARY),
    *(("programme", event, LIBRARY) for event in ("INSERT", "UPDATE OF slug, name", "DELETE")),
    *(("lesson_reuse", event, LIBRARY) for event in _ALL_EVENTS),
    # A follow-up is made with its report; its answer is on the lesson's page.
    ("reuse_follow_up", "UPDATE OF answered_at, verdict, text", LIBRARY),
    ("pilot", "UPDATE OF scale, theme, ambition, actions, results, planned_start, planned_end",
     PROFILES),
    # A pilot made public as it is written (a seeding, an import) is on the home page and
    # the pilot list at once; an application, not yet public, costs the profiles' kept pages.
    ("pilot", "INSERT", PROFILES),
    *((table, event, PROFILES)
      for table in ("pilot_direction", "pilot_organisation", "pilot_question",
                    "pilot_discipline", "pilot_target_group")
      for event in _ALL_EVENTS),
)

#: the PostgreSQL function that counts a change, per row
_FUNCTIONS = {LIBRARY: "library_changed", PROFILES: "profile_changed"}


def _trigger_name(table: str, event: str, row: int) -> str:
    return f"{_FUNCTIONS[row]}_{table}_{event.split()[0].lower()}"


def _bump(row: int) -> str:
    return (f"INSERT INTO library_version (id, version) VALUES ({row:d}, 1) "  # noqa: S608
            "ON CONFLICT (id) DO UPDATE SET version = library_version.version + 1")


def trigger_ddl(dialect: str) -> list[str]:
    """Return the statements that make the database count changes to the library."""
    if dialect == "sqlite":
        return [f"CREATE TRIGGER {_trigger_name(table, event, row)} AFTER {event} ON {table} "
                f"BEGIN {_bump(row)}; END" for table, event, row in WATCHED]
    return [
        *(f"CREATE OR REPLACE FUNCTION {function}() RETURNS trigger LANGUAGE plpgsql AS "
          f"$$ BEGIN {_bump(row)}; RETURN NULL; END $$" for row, function in _FUNCTIONS.items()),
        *(f"CREATE TRIGGER {_trigger_name(table, event, row)} AFTER {event} ON {table} "
          f"FOR EACH STATEMENT EXECUTE FUNCTION {_FUNCTIONS[row]}()"
          for table, event, row in WATCHED),
    ]


def current(connection, row: int = LIBRARY) -> int:
    """Return one of the numbers as this connection sees it."""
    version = connection.scalar(sa.select(library_version.c.version)
                                .where(library_version.c.id == row))
    return version or 0


def bump(connection, row: int = LIBRARY) -> None:
    """Change a number by hand, for a write that no trigger sees (rebuilding the index)."""
    connection.execute(sa.text(_bump(row)))


def all_current(connection) -> dict[int, int]:
    """Return every number as this connection sees it, in one query (0 for one never set)."""
    found = dict(connection.execute(
        sa.select(library_version.c.id, library_version.c.version)).all())
    return {row: found.get(row, 0) for row in _FUNCTIONS}


for _dialect in ("sqlite", "postgresql"):
    for _statement in trigger_ddl(_dialect):
        sa.event.listen(db.metadata, "after_create",
                        sa.DDL(_statement).execute_if(dialect=_dialect))
for _function in _FUNCTIONS.values():
    sa.event.listen(db.metadata, "after_drop", sa.DDL(
        f"DROP FUNCTION IF EXISTS {_function}()").execute_if(dialect="postgresql"))
