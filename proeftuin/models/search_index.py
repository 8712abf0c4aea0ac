"""Where the full-text index of the public library lives, per database.

The index is not a model: SQLite keeps it in an FTS5 virtual table over pre-stemmed text,
PostgreSQL in a table with a `tsvector` column and a GIN index. Both hold one row per lesson
that is in the library, keyed by the lesson's id; `proeftuin.search` reads and writes them.
Alembic's autogenerate leaves them alone (see `include_name`).
"""

from __future__ import annotations

import sqlalchemy as sa

from proeftuin.models.lesson import Lesson

SEARCH_INDEX_DDL = {
    "sqlite": [
        # rowid is the lesson's id; the columns hold stems, so no tokenizer options matter
        "CREATE VIRTUAL TABLE lesson_fts USING fts5(title, summary, body)",
    ],
    "postgresql": [
        "CREATE TABLE lesson_search ("
        "lesson_id INTEGER PRIMARY KEY REFERENCES lesson (id) ON DELETE CASCADE, "
        "document TSVECTOR NOT NULL)",
        "CREATE INDEX ix_lesson_search_document ON lesson_search USING GIN (document)",
    ],
}
DROP_SEARCH_INDEX_DDL = {
    "sqlite": ["DROP TABLE IF EXISTS lesson_fts"],
    "postgresql": ["DROP TABLE IF EXISTS lesson_search"],
}

#: the tables each database makes for the index (FTS5 adds shadow tables with this prefix)
SEARCH_TABLE_PREFIXES = ("lesson_fts", "lesson_search")


def include_name(name, type_, parent_names) -> bool:
    """Tell Alembic's comparison to pass over the search index, which no model describes."""
    return not (type_ == "table" and name and name.startswith(SEARCH_TABLE_PREFIXES))


for _dialect, _statements in SEARCH_INDEX_DDL.items():
    for _statement in _statements:
        sa.event.listen(Lesson.__table__, "after_create",
                        sa.DDL(_statement).execute_if(dialect=_dialect))
for _dialect, _statements in DROP_SEARCH_INDEX_DDL.items():
    for _statement in _statements:
        sa.event.listen(Lesson.__table__, "before_drop",
                        sa.DDL(_statement).execute_if(dialect=_dialect))
