"""The search index held in memory: the database's matches and scores, found in microseconds.

The database's own index (`lesson_fts` on SQLite, `lesson_search` on PostgreSQL) stays the
one that is written and backed up. A worker reads it whole into arrays, one list of postings
per stem, and then answers from memory: the lessons that hold every stem of a query, and each
one's score computed exactly as the database computes it (FTS5's BM25 on SQLite, `ts_rank` on
PostgreSQL), operation by operation in the same floating-point types, so the library's order
does not change with where it was computed. The tests compare the two on both databases.

Documents are numbered by the caller (`numbers`: lesson id to document number); postings are
kept in ascending document number. Rows of the database's index that have no number (a lesson
whose pilot is no longer public) are read for the statistics BM25 needs and kept no further.
"""

from __future__ import annotations

import math
import re
from array import array
from collections.abc import Iterable, Mapping

import numpy as np
import sqlalchemy as sa

#: rows read from the database at a time: a batch's text, never the whole index, is in memory
BATCH = 2000


def _as_gaps(docs: np.ndarray, size: int) -> np.ndarray:
    """Ascending document numbers (of `size` in all) as gaps, in 16 bits where every gap
    fits; or, for a word most documents hold, as one bit per document (bytes), smaller."""
    if len(docs) * 2 > (size + 7) // 8:
        mask = np.zeros(size, bool)
        mask[docs] = True
        bits = np.packbits(mask, bitorder="little")
        if len(docs) >= len(bits):
            return bits
    gaps = np.diff(docs, prepend=np.uint32(0)).astype(np.uint32)
    return gaps.astype(np.uint16) if len(gaps) and gaps.max() < 2**16 else gaps


def _from_gaps(gaps: np.ndarray) -> np.ndarray:
    if gaps.dtype == np.uint8:  # one bit per document
        return np.flatnonzero(np.unpackbits(gaps, bitorder="little"))
    return np.cumsum(gaps, dtype=np.int64)


def _runs(values: np.ndarray) -> list[tuple[int, int]]:
    """(start, end) of each run of equal values in a sorted array."""
    if not len(values):
        return []
    starts = np.flatnonzero(np.r_[True, values[1:] != values[:-1]]).tolist()
    return list(zip(starts, [*starts[1:], len(values)], strict=True))


def _smallest(values: np.ndarray) -> np.ndarray:
    """Non-negative integers in the narrowest unsigned type that holds them."""
    top = int(values.max()) if len(values) else 0
    for kind in (np.uint8, np.uint16, np.uint32):
        if top <= np.iinfo(kind).max:
            return values.astype(kind)
    return values.astype(np.uint64)


def _batches(connection, query: str):
    """The rows of a query in batches, streamed: never the whole index's text at once."""
    statement = sa.text(query).execution_options(stream_results=True)
    return connection.execute(statement).partitions(BATCH)


class TextIndex:
    """What both backends share: postings per stem, and the lessons holding all of a query's."""

    def __init__(self) -> None:
        self._docs: dict[str, np.ndarray] = {}
        #: per stem, the ids of every indexed lesson (in the library or not) whose title
        #: holds it, ascending: what the database's title match finds
        self._titled: dict[str, np.ndarray] = {}

    def titled(self, stems: list[str], limit: int) -> list[int]:
        """The ids of the newest (highest) `limit` indexed lessons whose title holds any of
        the stems, as `search.title_matches` finds them."""
        # The highest `limit` of the union are among the highest `limit` of each stem's.
        found = [self._titled[stem][-limit:] for stem in dict.fromkeys(stems)
                 if stem in self._titled]
        if not found:
            return []
        return np.unique(np.concatenate(found))[::-1][:limit].tolist()

    def in_titles(self, stems: list[str], lesson_ids: np.ndarray) -> np.ndarray:
        """Per lesson id, whether its title holds any of the stems."""
        held = np.zeros(len(lesson_ids), bool)
        for stem in dict.fromkeys(stems):
            titled = self._titled.get(stem)
            if titled is not None and len(titled):
                at = np.minimum(np.searchsorted(titled, lesson_ids), len(titled) - 1)
                held |= titled[at] == lesson_ids
        return held

    def _keep_titles(self, stems_of: list[str], terms: array, lessons: array) -> None:
        """Group (term, lesson id) pairs of titles into each stem's ascending ids."""
        terms_, lessons_ = np.frombuffer(terms, np.uint32), np.frombuffer(lessons, np.int64)
        order = np.lexsort((lessons_, terms_))
        terms_, lessons_ = terms_[order], lessons_[order]
        for start, end in _runs(terms_):
            self._titled[stems_of[terms_[start]]] = _smallest(lessons_[start:end])

    def docs(self, stem: str) -> np.ndarray | None:
        """The document numbers holding a stem, ascending (None: no document has it)."""
        gaps = self._docs.get(stem)
        return None if gaps is None else _from_gaps(gaps)

    def match(self, stems: list[str]) -> np.ndarray:
        """The document numbers that hold every stem, ascending."""
        found = None
        for stem in dict.fromkeys(stems):
            docs = self.docs(stem)
            if docs is None:
                return np.zeros(0, np.int64)
            found = docs if found is None else np.intersect1d(found, docs, assume_unique=True)
        return found if found is not None else np.zeros(0, np.int64)

    def nbytes(self) -> int:
        """The memory the arrays take."""
        return sum(array_.nbytes for array_ in self._arrays())

    def _arrays(self) -> Iterable[np.ndarray]:
        yield from self._docs.values()
        yield from self._titled.values()

    def _at(self, stem: str, docs: np.ndarray, values: np.ndarray) -> np.ndarray:
        """Per document of `docs` (ascending, all holding the stem), its entry of a posting
        array."""
        held = self.docs(stem)
        if len(held) == len(docs):
            return values
        member = np.zeros(int(held[-1]) + 1, bool)
        member[docs] = True
        # Both lists ascend: the postings of the documents asked for, in their order.
        return values[member[held]]


# SQLite: FTS5 and its bm25() ------------------------------------------------------------------

#: FTS5's BM25 constants (fts5_aux.c)
K1 = 1.2
B = 0.75


class SQLiteTextIndex(TextIndex):
    """The FTS5 index, with each posting's weighted frequency as bm25() counts it."""

    def __init__(self, weights: tuple[float, ...]) -> None:
        super().__init__()
        self.weights = weights
        self._frequencies: dict[str, np.ndarray] = {}
        self._found_in: dict[str, int] = {}
        self._lengths = np.zeros(0, np.uint32)
        self._rows = 0
        self._average = 1.0

    @classmethod
    def read(cls, connection, numbers: Mapping[int, int], weights: tuple[float, ...]
             ) -> SQLiteTextIndex:
        """Read the whole FTS5 table through `connection`."""
        index = cls(weights)
        index._fill(_batches(connection, "SELECT rowid, title, summary, body FROM lesson_fts"),
                    numbers)
        return index

    def _fill(self, batches, numbers: Mapping[int, int]) -> None:
        stems: dict[str, int] = {}
        kept = len(numbers)
        lengths = np.zeros(kept, np.uint32)
        found_in: list[int] = []
        pieces: dict[int, list[tuple[np.ndarray, np.ndarray]]] = {}
        total = 0
        integral = all(float(w).is_integer() for w in self.weights)
        title_terms, title_lessons = array("I"), array("q")
        for batch in batches:
            term_ids, doc_ids, weights = array("I"), array("I"), array("d")
            for rowid, *columns in batch:
                # Rows without a number count for the statistics only: each gets one past
                # the last, so that it is a document of its own there.
                doc = numbers.get(rowid, kept + self._rows)
                size = 0
                for column, (text, weight) in enumerate(zip(columns, self.weights,
                                                                strict=True)):
                    tokens = (text or "").split()
                    for new in set(tokens).difference(stems):
                        stems[new] = len(stems)
                    term_ids.extend(map(stems.__getitem__, tokens))
                    doc_ids.extend(array("I", [doc]) * len(tokens))
                    weights.extend(array("d", [weight]) * len(tokens))
                    if column == 0:  # the title
                        titled = set(map(stems.__getitem__, tokens))
                        title_terms.extend(titled)
                        title_lessons.extend(array("q", [rowid]) * len(titled))
                    size += len(tokens)
                total += size
                if doc < kept:
                    lengths[doc] = size
                self._rows += 1
            terms, docs, sums = _sum_per_posting(np.frombuffer(term_ids, np.uint32),
                                                 np.frombuffer(doc_ids, np.uint32),
                                                 np.frombuffer(weights, np.float64))
            # Documents per term, counted over every row of the table.
            per_term = np.bincount(terms, minlength=len(stems))
            found_in.extend([0] * (len(stems) - len(found_in)))
            for term in np.flatnonzero(per_term):
                found_in[term] += int(per_term[term])
            keep = docs < kept
            terms, docs, sums = terms[keep], docs[keep], sums[keep]
            if integral:
                sums = sums.astype(np.uint32)
            for start, end in _runs(terms):
                pieces.setdefault(int(terms[start]), []).append((docs[start:end],
                                                                  sums[start:end]))
        self._lengths = lengths
        self._average = total / self._rows if self._rows else 1.0
        self._keep_titles(list(stems), title_terms, title_lessons)
        for stem, term in stems.items():
            self._found_in[stem] = found_in[term] if term < len(found_in) else 0
            parts = pieces.pop(term, None)
            if not parts:
                continue
            docs = np.concatenate([docs for docs, _ in parts])
            sums = np.concatenate([sums for _, sums in parts])
            order = np.argsort(docs)
            self._docs[stem] = _as_gaps(docs[order], kept)
            self._frequencies[stem] = _smallest(sums[order]) if integral else sums[order]

    def _arrays(self):
        yield from super()._arrays()
        yield from self._frequencies.values()
        yield self._lengths

    def idf(self, stem: str) -> float:
        """The inverse document frequency bm25() gives a stem (over every row of the table)."""
        hits = self._found_in.get(stem, 0)
        idf = math.log((self._rows - hits + 0.5) / (hits + 0.5))
        return idf if idf > 0.0 else 1e-6

    def scores(self, stems: list[str], docs: np.ndarray) -> np.ndarray:
        """What `-bm25(lesson_fts, *weights)` gives each of `docs` (all matching `stems`)."""
        if not len(docs):
            return np.zeros(0)
        length = self._lengths[docs].astype(np.float64)
        # Term by term in the query's order, as FTS5 adds them up.
        score = np.zeros(len(docs))
        norm = K1 * ((1 - B) + B * length / self._average)
        for stem in dict.fromkeys(stems):
            frequency = self._at(stem, docs, self._frequencies[stem]).astype(np.float64)
            score = score + self.idf(stem) * ((frequency * (K1 + 1.0)) / (frequency + norm))
        return score


def _sum_per_posting(terms, docs, weights):
    """(term, document, summed weight) per distinct (term, document) of a batch's tokens."""
    if not len(terms):
        return terms, docs, weights
    keys = (terms.astype(np.uint64) << np.uint64(32)) | docs.astype(np.uint64)
    order = np.argsort(keys)
    keys = keys[order]
    starts = np.flatnonzero(np.r_[True, keys[1:] != keys[:-1]])
    sums = np.add.reduceat(weights[order], starts)
    first = keys[starts]
    return ((first >> np.uint64(32)).astype(np.uint32),
            (first & np.uint64(0xFFFFFFFF)).astype(np.uint32), sums)


# PostgreSQL: tsvector and ts_rank() ------------------------------------------------------------

#: ts_rank's default weights of D, C, B and A (tsrank.c), as float4
RANK_WEIGHTS = np.array([0.1, 0.2, 0.4, 1.0], np.float32)
_WEIGHT_CODES = {"A": 3, "B": 2, "C": 1, "D": 0}
#: tsvector positions stop at this one (MAXENTRYPOS - 1); a lexeme without any is put there
_LAST_POSITION = 2**14 - 1
_LEXEME = re.compile(r"'((?:[^']|'')*)'(?::([0-9A-D,]+))?")
_POSITION = re.compile(r"(\d+)([A-D]?)")


def _rank_or(weights: list[int]) -> np.float32:
    """ts_rank of a document for one lexeme at positions of these weight codes (calc_rank_or)."""
    f32 = np.float32
    resj, wjm, jm = f32(0.0), f32(-1.0), 0
    for j, code in enumerate(weights):
        weight = RANK_WEIGHTS[code]
        resj = f32(resj + f32(weight / f32((j + 1) * (j + 1))))
        if weight > wjm:
            wjm, jm = weight, j
    inner = f32(f32(wjm + resj) - f32(wjm / f32((jm + 1) * (jm + 1))))
    rank = f32(0.0 + float(inner) / 1.64493406685)
    return rank if rank >= 0 else f32(1e-20)


def _distance_weights() -> np.ndarray:
    """word_distance() of tsrank.c for every distance a position can have, as float4."""
    table = np.full(_LAST_POSITION + 2, 1e-30, np.float32)
    for distance in range(1, 101):
        table[distance] = np.float32(1.0 / (1.005 + 0.05 * math.exp(
            float(np.float32(distance)) / 1.5 - 2)))
    return table


_DISTANCE_WEIGHTS = _distance_weights()


class PostgreSQLTextIndex(TextIndex):
    """The tsvectors of `lesson_search`: per posting its positions, for ts_rank()."""

    def __init__(self) -> None:
        super().__init__()
        #: per stem and posting: the rank of the lexeme alone, as an index into _ranks
        self._alone: dict[str, np.ndarray] = {}
        #: per stem: all its positions, posting after posting, in the narrowest type that
        #: holds them; how many a posting has, and their weights, are its sequence's
        self._positions: dict[str, np.ndarray] = {}
        self._ranks = np.zeros(0, np.float32)
        self._sequence_lengths = np.zeros(0, np.int64)
        #: per sequence (row), the weight code of each of its positions in turn
        self._sequence_weights = np.zeros((0, 0), np.uint8)

    @classmethod
    def read(cls, connection, numbers: Mapping[int, int]) -> PostgreSQLTextIndex:
        """Read the whole `lesson_search` table through `connection`."""
        index = cls()
        index._fill(_batches(connection, "SELECT lesson_id, document::text FROM lesson_search"),
                    numbers)
        return index

    def _fill(self, batches, numbers: Mapping[int, int]) -> None:
        docs: dict[str, array] = {}
        alone: dict[str, array] = {}
        counts: dict[str, array] = {}
        positions: dict[str, array] = {}
        sequences: dict[tuple[int, ...], int] = {}
        lexemes: dict[str, int] = {}
        title_terms, title_lessons = array("I"), array("q")
        for batch in batches:
            for lesson_id, document in batch:
                doc = numbers.get(lesson_id)
                for lexeme, listed in _LEXEME.findall(document or ""):
                    stem = lexeme.replace("''", "'")
                    if listed:
                        found = [(int(p), _WEIGHT_CODES[w or "D"])
                                 for p, w in _POSITION.findall(listed)]
                    else:
                        found = [(_LAST_POSITION, 0)]
                    weights = tuple(code for _, code in found)
                    if _WEIGHT_CODES["A"] in weights:  # the title's weight
                        title_terms.append(lexemes.setdefault(stem, len(lexemes)))
                        title_lessons.append(lesson_id)
                    if doc is None:
                        continue
                    if stem not in docs:
                        docs[stem], alone[stem] = array("I"), array("I")
                        counts[stem], positions[stem] = array("H"), array("H")
                    docs[stem].append(doc)
                    alone[stem].append(sequences.setdefault(weights, len(sequences)))
                    counts[stem].append(len(found))
                    positions[stem].extend([p for p, _ in found])
        self._keep_titles(list(lexemes), title_terms, title_lessons)
        self._ranks = np.array([_rank_or(list(weights)) for weights in sequences], np.float32)
        self._sequence_lengths = np.array([len(weights) for weights in sequences], np.int64)
        self._sequence_weights = np.zeros(
            (len(sequences), int(self._sequence_lengths.max(initial=0))), np.uint8)
        for row, weights in enumerate(sequences):
            self._sequence_weights[row, :len(weights)] = weights
        for stem, numbers_ in docs.items():
            doc_array = np.frombuffer(numbers_, np.uint32)
            order = np.argsort(doc_array, kind="stable")
            self._docs[stem] = _as_gaps(doc_array[order], len(numbers))
            self._alone[stem] = _smallest(np.frombuffer(alone[stem], np.uint32)[order])
            count = np.frombuffer(counts[stem], np.uint16)
            starts = np.cumsum(count, dtype=np.int64) - count
            # Positions follow their postings: reorder them with the postings.
            taken = np.repeat(starts[order], count[order]) + _ranges(count[order])
            self._positions[stem] = _smallest(np.frombuffer(positions[stem], np.uint16)[taken])

    def _arrays(self):
        yield from super()._arrays()
        yield from self._alone.values()
        yield from self._positions.values()

    def scores(self, stems: list[str], docs: np.ndarray) -> np.ndarray:
        """What `ts_rank(document, to_tsquery('dutch', 'w1 & w2 …'))` gives each of `docs`."""
        # ts_rank sorts and de-duplicates the lexemes, by their bytes (tsCompareString).
        lexemes = sorted(dict.fromkeys(stems), key=lambda stem: stem.encode())
        if not len(docs):
            return np.zeros(0, np.float32)
        if len(lexemes) < 2:
            return self._ranks[self._at(lexemes[0], docs, self._alone[lexemes[0]])]
        return self._rank_and(lexemes, docs)

    def _held(self, stem: str, docs: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Per document of `docs`: where its positions of the stem start, how many there
        are, and its posting's sequence of weights."""
        sequences = self._alone[stem]
        counts = self._sequence_lengths[sequences]
        starts = np.cumsum(counts) - counts
        at = np.searchsorted(self.docs(stem), docs)
        return starts[at], counts[at], sequences[at]

    def _rank_and(self, lexemes: list[str], docs: np.ndarray) -> np.ndarray:
        """calc_rank_and() of tsrank.c for many documents at once.

        For each pair of lexemes (i, k < i), each position l of i and p of k in turn, a
        document's rank becomes 1 - (1 - rank)(1 - w), in double and stored as float4; the
        pairs are visited in the same order for every document, so the documents are worked
        on side by side, pair by pair.
        """
        held = {stem: self._held(stem, docs) for stem in lexemes}
        rank = np.full(len(docs), -1.0, np.float32)
        for i, later in enumerate(lexemes):
            for earlier in lexemes[:i]:
                later_start, later_count, later_weights = held[later]
                earlier_start, earlier_count, earlier_weights = held[earlier]
                for l_ in range(int(later_count.max(initial=0))):
                    has_l = later_count > l_
                    post = self._positions[later][np.where(has_l, later_start + l_, 0)]
                    post_weight = RANK_WEIGHTS[self._sequence_weights[later_weights, l_]]
                    for p in range(int(earlier_count.max(initial=0))):
                        live = has_l & (earlier_count > p)
                        if not live.any():
                            break
                        ct = self._positions[earlier][np.where(live, earlier_start + p, 0)]
                        distance = np.abs(post.astype(np.int64) - ct.astype(np.int64))
                        live &= distance != 0
                        product = (post_weight
                                   * RANK_WEIGHTS[self._sequence_weights[earlier_weights, p]]
                                   * _DISTANCE_WEIGHTS[distance])
                        weight = np.sqrt(product.astype(np.float64)).astype(np.float32)
                        combined = (1.0 - (1.0 - rank.astype(np.float64))
                                    * (1.0 - weight.astype(np.float64))).astype(np.float32)
                        rank = np.where(live, np.where(rank < 0, weight, combined), rank)
        return np.where(rank < 0, np.float32(1e-20), rank)


def _ranges(counts: np.ndarray) -> np.ndarray:
    """0..n-1 for each n of counts, concatenated."""
    total = int(counts.sum())
    if not total:
        return np.zeros(0, np.int64)
    ends = np.cumsum(counts, dtype=np.int64)
    return np.arange(total, dtype=np.int64) - np.repeat(ends - counts, counts)
