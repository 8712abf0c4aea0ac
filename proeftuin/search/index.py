"""Full-text search of the public library: one interface, a backend per database.

The index holds the revision of each lesson that the public sees, and nothing else: it is
written when a facilitator publishes (`index_lesson`) and emptied for a lesson when it is
withdrawn (`remove_lesson`). An edit to a published lesson changes the working copy only, so
the index keeps the published text until the edit is published in its turn.

`matches(words)` is a common table of (lesson_id, score), higher scores first, that the
library's queries join; it says nothing about whether a lesson is public, which they decide.
It is MATERIALIZED: found once, before the joins. Left to itself, SQLite's planner may put the
FTS5 table on the inner side of a join and run the full-text query once per outer row.
"""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa

from proeftuin.extensions import db
from proeftuin.models import Lesson, LessonRevision, library_version
from proeftuin.search import text as search_text
from proeftuin.text import markdown_to_text


@dataclass(frozen=True)
class Document:
    """The text of a lesson as the index weighs it: title first, then summary, then the rest."""

    lesson_id: int
    title: str
    summary: str
    body: str

    @classmethod
    def of(cls, lesson_id: int, revision) -> Document:
        """Return the document of a published revision (or any object with its text fields)."""
        # The words a reader sees, not the Markdown: link addresses find nothing.
        text = markdown_to_text
        return cls(
            lesson_id=lesson_id,
            title=revision.title or "",
            summary=text(revision.summary),
            body="\n".join(text(part) for part in (revision.context, revision.body,
                                                   revision.advice)),
        )


class SQLiteBackend:
    """FTS5 over text stemmed in Python, ranked with BM25."""

    #: BM25 weights of the title, summary and body columns
    WEIGHTS = (10.0, 4.0, 1.0)

    def write(self, connection, documents: list[Document]) -> None:
        if not documents:
            return
        self.delete(connection, [d.lesson_id for d in documents])
        connection.execute(
            sa.text("INSERT INTO lesson_fts (rowid, title, summary, body) "
                    "VALUES (:lesson_id, :title, :summary, :body)"),
            [{"lesson_id": d.lesson_id, "title": search_text.stemmed(d.title),
              "summary": search_text.stemmed(d.summary), "body": search_text.stemmed(d.body)}
             for d in documents],
        )

    def delete(self, connection, lesson_ids: list[int]) -> None:
        # One statement per batch: a bulk load writes thousands of documents at once.
        statement = sa.text("DELETE FROM lesson_fts WHERE rowid IN :ids").bindparams(
            sa.bindparam("ids", expanding=True))
        ids = list(lesson_ids)
        for start in range(0, len(ids), 500):
            connection.execute(statement, {"ids": ids[start:start + 500]})

    def clear(self, connection) -> None:
        connection.execute(sa.text("DELETE FROM lesson_fts"))

    def matches(self, words: list[str], any_word: bool, scored: bool) -> sa.CTE:
        # Stems are letters and digits only; quoted, none of them is FTS5 syntax.
        terms = [f'"{stem}"' for stem in dict.fromkeys(search_text.stems(words))]
        expression = (" OR " if any_word else " ").join(terms)
        fts = sa.table("lesson_fts", sa.column("rowid", sa.Integer))
        table = sa.literal_column("lesson_fts")
        columns = [fts.c.rowid.label("lesson_id")]
        if scored:
            columns.append((-sa.func.bm25(table, *self.WEIGHTS)).label("score"))
        return (
            sa.select(*columns)
            .where(table.op("MATCH")(sa.bindparam(None, expression, type_=sa.String)))
            .cte("matches").prefix_with("MATERIALIZED")
        )


    def title_matches(self, words: list[str], limit: int) -> sa.Select:
        # Newest first by rowid, which FTS5 walks in order and stops at the limit: no scoring.
        terms = " OR ".join(f'"{stem}"' for stem in dict.fromkeys(search_text.stems(words)))
        fts = sa.table("lesson_fts", sa.column("rowid", sa.Integer))
        return (
            sa.select(fts.c.rowid.label("lesson_id"))
            .where(sa.literal_column("lesson_fts").op("MATCH")(
                sa.bindparam(None, f"title : ({terms})", type_=sa.String)))
            .order_by(fts.c.rowid.desc())
            .limit(limit)
        )


class PostgreSQLBackend:
    """`to_tsvector('dutch', …)` with a GIN index, ranked with ts_rank."""

    _DOCUMENT = (
        "setweight(to_tsvector('dutch', :title), 'A') || "
        "setweight(to_tsvector('dutch', :summary), 'B') || "
        "setweight(to_tsvector('dutch', :body), 'C')"
    )

    def write(self, connection, documents: list[Document]) -> None:
        if not documents:
            return
        connection.execute(
            sa.text(f"INSERT INTO lesson_search (lesson_id, document) "  # noqa: S608 - constant
                    f"VALUES (:lesson_id, {self._DOCUMENT}) "
                    "ON CONFLICT (lesson_id) DO UPDATE SET document = EXCLUDED.document"),
            [{"lesson_id": d.lesson_id, "title": search_text.plain(d.title),
              "summary": search_text.plain(d.summary), "body": search_text.plain(d.body)}
             for d in documents],
        )

    def delete(self, connection, lesson_ids: list[int]) -> None:
        connection.execute(sa.text("DELETE FROM lesson_search WHERE lesson_id = ANY(:ids)"),
                           {"ids": list(lesson_ids)})

    def clear(self, connection) -> None:
        connection.execute(sa.text("DELETE FROM lesson_search"))

    def matches(self, words: list[str], any_word: bool, scored: bool) -> sa.CTE:
        # Words are letters and digits only, so joined with & or | they are a valid tsquery;
        # PostgreSQL stems them as it stemmed the documents.
        expression = (" | " if any_word else " & ").join(words)
        index = sa.table("lesson_search", sa.column("lesson_id", sa.Integer),
                         sa.column("document"))
        query = sa.func.to_tsquery(sa.literal_column("'dutch'::regconfig"),
                                   sa.bindparam(None, expression, type_=sa.String))
        columns = [index.c.lesson_id.label("lesson_id")]
        if scored:
            columns.append(sa.func.ts_rank(index.c.document, query).label("score"))
        return (
            sa.select(*columns)
            .where(index.c.document.op("@@")(query))
            .cte("matches").prefix_with("MATERIALIZED")
        )


    def title_matches(self, words: list[str], limit: int) -> sa.Select:
        # The title is the document's weight A.
        expression = " | ".join(f"{word}:A" for word in words)
        index = sa.table("lesson_search", sa.column("lesson_id", sa.Integer),
                         sa.column("document"))
        query = sa.func.to_tsquery(sa.literal_column("'dutch'::regconfig"),
                                   sa.bindparam(None, expression, type_=sa.String))
        return (
            sa.select(index.c.lesson_id.label("lesson_id"))
            .where(index.c.document.op("@@")(query))
            .order_by(index.c.lesson_id.desc())
            .limit(limit)
        )


_BACKENDS = {"sqlite": SQLiteBackend(), "postgresql": PostgreSQLBackend()}


def backend(connection):
    """Return the backend for the database of a connection."""
    return _BACKENDS[connection.dialect.name]


def _connection():
    return db.session.connection()


def index_lesson(lesson: Lesson) -> None:
    """Put the lesson's public revision in the index, or take it out if it has none."""
    connection = _connection()
    if lesson.public_revision is None:
        backend(connection).delete(connection, [lesson.id])
        return
    backend(connection).write(connection, [Document.of(lesson.id, lesson.public_revision)])


def remove_lesson(lesson_id: int) -> None:
    """Take a lesson out of the index."""
    connection = _connection()
    backend(connection).delete(connection, [lesson_id])


def rebuild(batch_size: int = 500) -> int:
    """Index every lesson's public revision afresh; return how many are in the index."""
    connection = _connection()
    engine = backend(connection)
    engine.clear(connection)
    stmt = (
        sa.select(Lesson.id, LessonRevision.title, LessonRevision.summary,
                  LessonRevision.context, LessonRevision.body, LessonRevision.advice)
        .join(LessonRevision, LessonRevision.id == Lesson.public_revision_id)
        .order_by(Lesson.id)
        .execution_options(yield_per=batch_size)
    )
    total = 0
    for rows in db.session.execute(stmt).partitions():
        engine.write(connection, [Document.of(row.id, row) for row in rows])
        total += len(rows)
    # The index has no trigger: searches kept under the old version must go too.
    library_version.bump(connection)
    return total


def matches(words: list[str], any_word: bool = False, scored: bool = True) -> sa.CTE:
    """Return a common table of (lesson_id, score) of indexed lessons with all (or any) words.

    `words` come from `search_text.query_words`; it must not be empty. Unscored, it has
    the lesson_id column only: counting needs no ranking, which is most of the work.
    """
    if not words:
        raise ValueError("nothing to search for")
    return _BACKENDS[db.session.get_bind().dialect.name].matches(words, any_word, scored)


def title_matches(words: list[str], limit: int) -> sa.Select:
    """Return a select of the ids of the newest indexed lessons with any word in their title.

    `words` come from `search_text.query_words`; it must not be empty.
    """
    if not words:
        raise ValueError("nothing to search for")
    return _BACKENDS[db.session.get_bind().dialect.name].title_matches(words, limit)
