"""The library held in memory: what a search matches, filters, counts and orders on.

A new search used to cost the database a full-text match, a second match with ranking for the
page, and a statement counting every facet over the hits: hundreds of milliseconds for a
common word. This index answers the same from arrays: the lessons of the library numbered in
its newest-first order (so a number is also a place in that order), per facet value the
lessons that have it, per lesson its reports of reuse, and the text index
(`proeftuin.search.memory`) with the database's own scores. The results are the database's:
the same totals, counts and order (the tests run both on both databases and compare).

It is derived from the database alone and built whole for one library version
(`proeftuin.models.library_version`), which database triggers change with every write that can
change a search; `current_index` holds it per worker and builds the next when the number moves.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np
import sqlalchemy as sa

from proeftuin.library.queries import (
    FACETS,
    PROVEN,
    RELATED_BY_DIRECTION,
    RELATED_BY_TITLE,
    LibrarySelection,
    Order,
)
from proeftuin.models import (
    PROVEN_VERDICTS,
    PUBLIC_STATUSES,
    CarerQuestion,
    Lesson,
    LessonReuse,
    LessonRevision,
    Pilot,
    Programme,
    SolutionDirection,
    TargetGroup,
    library_version,
)
from proeftuin.models.lesson import revision_direction, revision_question, revision_target_group
from proeftuin.search import text as search_text
from proeftuin.search.index import SQLiteBackend
from proeftuin.search.memory import PostgreSQLTextIndex, SQLiteTextIndex, TextIndex


@dataclass(frozen=True)
class Found:
    """What a search found: the total, the facet counts, one page of lesson ids in order."""

    total: int
    counts: dict[str, dict[str, int]]
    ids: list[int]


class _Facet:
    """Per value of a facet, the lessons that have it, as bits (`Bits`)."""

    def __init__(self, size: int, pairs: Iterable[tuple[int, object]]) -> None:
        masks: dict[object, np.ndarray] = {}
        for doc, value in pairs:
            mask = masks.get(value)
            if mask is None:
                mask = masks[value] = np.zeros(size, bool)
            mask[doc] = True
        self.bits = {value: _packed(mask) for value, mask in masks.items()}
        self._none = _packed(np.zeros(size, bool))

    def mask(self, value) -> np.ndarray:
        return self.bits.get(value, self._none)

    def counts(self, among: np.ndarray) -> dict[str, int]:
        found = {_key(value): int(np.bitwise_count(bits & among).sum())
                 for value, bits in self.bits.items()}
        return {value: count for value, count in found.items() if count}

    def nbytes(self) -> int:
        return sum(bits.nbytes for bits in self.bits.values())


def _packed(mask: np.ndarray) -> np.ndarray:
    """A mask of lessons as bits, 64 to a word: ANDed and counted a word at a time."""
    packed = np.packbits(mask, bitorder="little")
    return np.pad(packed, (0, -len(packed) % 8)).view(np.uint64)


def _unpacked(bits: np.ndarray, size: int) -> np.ndarray:
    return np.unpackbits(bits.view(np.uint8), count=size, bitorder="little").view(bool)


def _key(value) -> str:
    return str(value)


class LibraryIndex:
    """Every lesson of the library, for one version of it."""

    def __init__(self, version: int, lesson_ids: np.ndarray, facets: dict, reuse: np.ndarray,
                 proven: np.ndarray, text: TextIndex) -> None:
        self.version = version
        self.lesson_ids = lesson_ids
        self.facets = facets
        self.reuse = reuse
        #: per lesson, the pilots elsewhere that adopted or adapted it
        self.proven = proven
        self.text = text
        self.everything = _packed(np.ones(len(lesson_ids), bool))
        # Lesson ids in ascending order, and their numbers: from an id to its number.
        self._docs_sorted = np.argsort(lesson_ids)
        self._ids_sorted = lesson_ids[self._docs_sorted]
        self.reused = _packed(reuse > 0)

    def __len__(self) -> int:
        return len(self.lesson_ids)

    def nbytes(self) -> int:
        """The memory its arrays take."""
        return (self.lesson_ids.nbytes + self.reuse.nbytes + self.proven.nbytes
                + self.text.nbytes()
                + sum(facet.nbytes() for facet in self.facets.values()))

    # Searching -----------------------------------------------------------------------------

    def search(self, selection: LibrarySelection, lexemes: list[str] | None, page: int,
               per_page: int, facets: bool) -> Found:
        """Find a selection's total, facet counts (if asked) and page of ids.

        `lexemes` are the query's words as the database's index knows them (`lexemes()`),
        None without a query.
        """
        hits = self._hits(lexemes)
        filters = self._filters(selection)
        chosen = self._combined(hits, filters)
        counts = self._counts(hits, filters) if facets else {name: {} for name in FACETS}
        docs = np.flatnonzero(_unpacked(chosen, len(self)))
        start = (max(page, 1) - 1) * per_page
        order = selection.effective_order
        if order is Order.relevance and lexemes is not None:
            page_docs = _top(docs, -self.text.scores(lexemes, docs).astype(np.float64),
                             start, per_page)
        elif order is Order.reuse:
            page_docs = _top(docs, -self.reuse[docs].astype(np.float64), start, per_page)
        elif order is Order.proven:
            page_docs = _top(docs, -self.proven[docs].astype(np.float64), start, per_page)
        else:
            page_docs = docs[start:start + per_page]
        return Found(len(docs), counts, self.lesson_ids[page_docs].tolist())

    def related(self, lesson_id: int, directions: set[int], title_lexemes: list[str],
                limit: int) -> list[int]:
        """The ids `queries.related_lessons` gives: of the candidates (`related_candidates`),
        those of the library that share a direction or a title word with the lesson, the most
        shared directions first, then a shared title word, then the newest."""
        candidates = self.related_candidates(lesson_id, directions, title_lexemes,
                                             RELATED_BY_DIRECTION, RELATED_BY_TITLE)
        _, docs = self._numbers([other for other in candidates if other != lesson_id])
        shared = np.zeros(len(docs), np.int64)
        for number in directions:
            bytes_ = self.facets["richting"].mask(number).view(np.uint8)
            shared += (bytes_[docs >> 3] >> (docs & 7).astype(np.uint8)) & 1
        titled = self.text.in_titles(title_lexemes, self.lesson_ids[docs])
        chosen = (shared > 0) | titled
        docs, shared, titled = docs[chosen], shared[chosen], titled[chosen]
        # A smaller number is newer: the library's order is newest first.
        order = np.lexsort((docs, ~titled, -shared))[:limit]
        return self.lesson_ids[docs[order]].tolist()

    def related_candidates(self, lesson_id: int, directions: set[int],
                           title_lexemes: list[str], by_direction: int,
                           by_title: int) -> list[int]:
        """The lessons `queries.related_lessons` chooses from: the newest `by_direction` of
        the library that share a direction with the lesson (not itself), and the newest
        `by_title` indexed lessons whose title shares a word (as the database's title match
        finds them; the choice itself keeps those of the library)."""
        shared = None
        for number in directions:
            bits = self.facets["richting"].mask(number)
            shared = bits.copy() if shared is None else shared | bits
        found: list[int] = []
        if shared is not None:
            docs = np.flatnonzero(_unpacked(shared, len(self)))
            ids = self.lesson_ids[docs]
            found = ids[ids != lesson_id][:by_direction].tolist()
        if title_lexemes:
            found += self.text.titled(title_lexemes, by_title)
        return list(dict.fromkeys(found))

    def _numbers(self, lesson_ids: list[int]) -> tuple[np.ndarray, np.ndarray]:
        """Which of these lessons are in the library, and the numbers of those, in order."""
        ids = np.asarray(lesson_ids, np.int64)
        if not len(self):
            return np.zeros(len(ids), bool), np.zeros(0, np.int64)
        at = np.minimum(np.searchsorted(self._ids_sorted, ids), len(self) - 1)
        held = self._ids_sorted[at] == ids
        return held, self._docs_sorted[at[held]]

    def reuse_of(self, lesson_ids: list[int]) -> dict[int, int]:
        """The visible reports of reuse of these lessons of the library (absent: none)."""
        held, docs = self._numbers(lesson_ids)
        ids = np.asarray(lesson_ids, np.int64)[held].tolist()
        return {lesson_id: reports for lesson_id, reports
                in zip(ids, self.reuse[docs].tolist(), strict=True) if reports}

    def _hits(self, lexemes: list[str] | None) -> np.ndarray | None:
        if lexemes is None:
            return None
        hits = np.zeros(len(self), bool)
        if lexemes:
            hits[self.text.match(lexemes)] = True
        return _packed(hits)

    def _filters(self, selection: LibrarySelection) -> dict[str | None, np.ndarray]:
        """Per facet (None: not a facet) the lessons its filter keeps, for those that filter."""
        chosen = {
            "richting": selection.direction,
            "vraag": selection.question,
            "soort": selection.kind.value if selection.kind else None,
            "niveau": selection.level.value if selection.level else None,
            "regio": selection.region_id,
            "programma": selection.programme_slug,
            "doelgroep": selection.target_group_key,
            "jaar": selection.year,
            PROVEN: "1" if selection.proven else None,
        }
        masks: dict[str | None, np.ndarray] = {
            name: self.facets[name].mask(value)
            for name, value in chosen.items() if value is not None}
        if selection.reused:
            masks[None] = self.reused
        return masks

    def _combined(self, hits, filters, skip: str | None = None) -> np.ndarray:
        chosen = self.everything.copy() if hits is None else hits.copy()
        for name, mask in filters.items():
            if name != skip or name is None:
                chosen &= mask
        return chosen

    def _counts(self, hits, filters) -> dict[str, dict[str, int]]:
        # A facet's counts apply every filter but its own.
        return {name: self.facets[name].counts(self._combined(hits, filters, skip=name))
                for name in FACETS}

    # Building ------------------------------------------------------------------------------

    @classmethod
    def build(cls, connection) -> LibraryIndex:
        """Read the library through `connection`, as of the version it reads first.

        The version is read before and after: a write in between (which changes it) makes
        the reading start again, so the index is never labelled with a version it is not.
        """
        while True:
            version = library_version.current(connection)
            index = cls._read(connection, version)
            if library_version.current(connection) == version:
                return index

    @classmethod
    def _read(cls, connection, version: int) -> LibraryIndex:
        public = (Lesson.public_revision_id.is_not(None), Pilot.status.in_(PUBLIC_STATUSES))
        rows = connection.execute(
            sa.select(Lesson.id, LessonRevision.kind, LessonRevision.level, Pilot.region_id,
                      Programme.slug, sa.extract("year", Lesson.first_published_at))
            .join(LessonRevision, LessonRevision.id == Lesson.public_revision_id)
            .join(Pilot, Pilot.id == Lesson.pilot_id)
            .join(Programme, Programme.id == Pilot.programme_id)
            .where(*public)
            .order_by(Lesson.first_published_at.desc(), Lesson.id.desc())
        ).all()
        lesson_ids = np.array([row[0] for row in rows], np.int32)
        numbers = {lesson_id: doc for doc, lesson_id in enumerate(lesson_ids.tolist())}
        size = len(lesson_ids)

        def linked(link: sa.Table, column: str, target, shown):
            pairs = connection.execute(
                sa.select(Lesson.id, shown)
                .join(link, link.c.lesson_revision_id == Lesson.public_revision_id)
                .join(target, target.id == link.c[column])
                .where(Lesson.public_revision_id.is_not(None)))
            return _Facet(size, ((numbers[lesson_id], value) for lesson_id, value in pairs
                                 if lesson_id in numbers))

        def single(values):
            return _Facet(size, enumerate(values))

        facets = {
            "richting": linked(revision_direction, "direction_id", SolutionDirection,
                               SolutionDirection.number),
            "vraag": linked(revision_question, "question_id", CarerQuestion,
                            CarerQuestion.number),
            "soort": single([row[1].value for row in rows]),
            "niveau": single([row[2].value for row in rows]),
            "regio": single([row[3] for row in rows]),
            "programma": single([row[4] for row in rows]),
            "doelgroep": linked(revision_target_group, "target_group_id", TargetGroup,
                                TargetGroup.key),
            "jaar": single([_year(row[5]) for row in rows]),
        }
        del rows
        reuse = np.zeros(size, np.int32)
        proven = np.zeros(size, np.int32)
        pilots = sa.func.count(sa.distinct(LessonReuse.pilot_id))
        for lesson_id, reports, proving in connection.execute(
                sa.select(LessonReuse.lesson_id, pilots,
                          pilots.filter(LessonReuse.verdict.in_(PROVEN_VERDICTS)))
                .join(Pilot, Pilot.id == LessonReuse.pilot_id)
                .where(LessonReuse.hidden_at.is_(None), Pilot.status.in_(PUBLIC_STATUSES))
                .group_by(LessonReuse.lesson_id)):
            if lesson_id in numbers:
                reuse[numbers[lesson_id]] = reports
                proven[numbers[lesson_id]] = proving
        facets[PROVEN] = _Facet(size, ((doc, "1") for doc in np.flatnonzero(proven).tolist()))
        if connection.dialect.name == "sqlite":
            text = SQLiteTextIndex.read(connection, numbers, SQLiteBackend.WEIGHTS)
        else:
            text = PostgreSQLTextIndex.read(connection, numbers)
        return cls(version, lesson_ids, facets, reuse, proven, text)


def _year(value) -> int | None:
    # Years come back as numbers, a float on some databases.
    return None if value is None else int(value)


def lexemes(connection, words: list[str]) -> list[str] | None:
    """A query's words as the database's index holds them (None: no words to search for)."""
    if not words:
        return None
    if connection.dialect.name == "sqlite":
        return list(dict.fromkeys(search_text.stems(words)))
    # PostgreSQL stems the query itself: ask it, so that both sides agree to the letter.
    query = connection.scalar(sa.select(sa.cast(sa.func.to_tsquery(
        sa.literal_column("'dutch'::regconfig"), " & ".join(words)), sa.Text)))
    return list(dict.fromkeys(
        match.replace("''", "'") for match in _QUOTED.findall(query or "")))


def _top(docs: np.ndarray, keys: np.ndarray, start: int, count: int) -> np.ndarray:
    """The documents at places start… of `docs` ordered by key, then by number (newest)."""
    wanted = start + count
    if wanted < len(docs):
        # Only the documents that can be on the page need sorting: those with a key at
        # most the wanted-th smallest.
        bound = np.partition(keys, wanted - 1)[wanted - 1]
        near = keys <= bound
        docs, keys = docs[near], keys[near]
    return docs[np.lexsort((docs, keys))][start:start + count]


#: a lexeme of a tsquery's text: 'word', with quotes doubled
_QUOTED = re.compile(r"'((?:[^']|'')*)'")
