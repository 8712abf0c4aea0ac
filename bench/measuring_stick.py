"""A search engine beside the library index (issue 20): tantivy, as a measuring stick only.

The site never uses it; `pip install -e '.[bench]'` (which `make bench` does) brings it. It
gets the same lessons as the library index (`proeftuin.library.memory_index`): the stems of
the database's own search index in three fields weighted as the library weighs them, and per
lesson its facet values as fast fields. Both then do the search work of each search of the
cold mix: match every word, rank the first page by BM25, count every facet's values with every
filter but that facet's own. Only that work is timed, in this process, one search at a time;
the ratio of the medians is the figure the issue sets (at most 5).
"""

from __future__ import annotations

import statistics
import tempfile
import time
from dataclasses import dataclass
from urllib.parse import parse_qsl, urlsplit

import numpy as np
import sqlalchemy as sa

from proeftuin.library import memory_index
from proeftuin.library.queries import LibrarySelection
from proeftuin.models import LessonKind

#: the library's facets as tantivy's fast fields: the selection's field of each
_FIELDS = {"richting": "direction", "vraag": "question", "soort": "kind", "niveau": "level",
           "regio": "region_id", "programma": "programme_slug", "doelgroep": "target_group_key",
           "jaar": "year"}
#: the facets compared: the library's own, bar "bewezen", which follows the answers about
#: reuse rather than the lessons' text and fields
FACETS = tuple(_FIELDS)
PER_PAGE = 20


@dataclass(frozen=True)
class Figures:
    searches: int
    ours_ms: float
    theirs_ms: float
    #: searches whose totals and facet counts were the same in both
    agreed: int

    @property
    def ratio(self) -> float:
        return self.ours_ms / self.theirs_ms

    def text(self) -> str:
        return (f"the search work of the cold mix's {self.searches} searches: the library "
                f"index {self.ours_ms:.2f} ms, tantivy {self.theirs_ms:.2f} ms (medians), "
                f"{self.ratio:.1f}\u00d7; the same total and facet counts in {self.agreed}")


def measure(database_url: str, paths: list[str]) -> Figures:
    """Build both indexes from the database, and time the searches of `paths` on each."""
    import tantivy  # a benchmark extra, imported only where it is used

    engine = sa.create_engine(database_url)
    try:
        with engine.connect() as connection:
            ours = memory_index.LibraryIndex.build(connection)
            selections = [_selection(path) for path in paths]
            lexemes = [memory_index.lexemes(connection, s.words) for s in selections]
            with tempfile.TemporaryDirectory(prefix="proeftuin-tantivy-") as folder:
                theirs = _Engine(tantivy, folder, ours, connection)
                ours_ms, theirs_ms, agreed = [], [], 0
                for selection, words in zip(selections, lexemes, strict=True):
                    started = time.perf_counter()
                    found = ours.search(selection, words, 1, PER_PAGE, facets=True)
                    ours_ms.append((time.perf_counter() - started) * 1000)
                    started = time.perf_counter()
                    total, counts = theirs.search(selection, words or [])
                    theirs_ms.append((time.perf_counter() - started) * 1000)
                    agreed += (total, counts) == (found.total, {n: found.counts[n] for n in FACETS})
    finally:
        engine.dispose()
    return Figures(len(paths), statistics.median(ours_ms), statistics.median(theirs_ms), agreed)


def _selection(path: str) -> LibrarySelection:
    params = dict(parse_qsl(urlsplit(path).query))
    return LibrarySelection(
        q=params.get("q"),
        direction=int(params["richting"]) if "richting" in params else None,
        question=int(params["vraag"]) if "vraag" in params else None,
        kind=LessonKind(params["soort"]) if "soort" in params else None,
        region_id=int(params["regio"]) if "regio" in params else None,
        programme_slug=params.get("programma"))


class _Engine:
    """tantivy holding the library index's lessons, numbered alike."""

    def __init__(self, tantivy, folder: str, ours: memory_index.LibraryIndex, connection):
        self.tantivy = tantivy
        schema = tantivy.SchemaBuilder()
        for name in ("title", "summary", "body"):
            schema.add_text_field(name, stored=False, tokenizer_name="raw")
        schema.add_unsigned_field("doc", stored=True, fast=True, indexed=True)
        for name in FACETS:
            schema.add_unsigned_field(name, fast=True, indexed=True)
        self.schema = schema.build()
        self.index = tantivy.Index(self.schema, path=folder)
        self.values = {name: list(ours.facets[name].bits) for name in FACETS}
        members = {name: {value: np.flatnonzero(memory_index._unpacked(bits, len(ours)))
                          for value, bits in ours.facets[name].bits.items()}
                   for name in FACETS}
        per_doc: list[dict[str, list[int]]] = [{} for _ in range(len(ours))]
        for name, by_value in members.items():
            for code, value in enumerate(self.values[name]):
                for doc in by_value[value].tolist():
                    per_doc[doc].setdefault(name, []).append(code)
        numbers = {lesson_id: doc for doc, lesson_id in enumerate(ours.lesson_ids.tolist())}
        writer = self.index.writer(heap_size=200_000_000, num_threads=1)
        for rowid, title, summary, body in _texts(connection):
            doc = numbers.get(rowid)
            if doc is None:
                continue
            document = tantivy.Document()
            document.add_unsigned("doc", doc)
            for name, codes in per_doc[doc].items():
                for code in codes:
                    document.add_unsigned(name, code)
            # One token per stem, as FTS5 holds them.
            for name, stems in (("title", title), ("summary", summary), ("body", body)):
                for stem in stems:
                    document.add_text(name, stem)
            writer.add_document(document)
        writer.commit()
        writer.wait_merging_threads()
        self.index.reload()
        self.searcher = self.index.searcher()

    def _query(self, stems: list[str], filters: dict[str, int]):
        tantivy = self.tantivy
        occur = tantivy.Occur
        parts = []
        for stem in stems:
            fields = [tantivy.Query.boost_query(
                tantivy.Query.term_query(self.schema, name, stem), weight)
                for name, weight in (("title", 10.0), ("summary", 4.0), ("body", 1.0))]
            parts.append((occur.Must, tantivy.Query.boolean_query(
                [(occur.Should, field) for field in fields])))
        for name, code in filters.items():
            parts.append((occur.Must, tantivy.Query.term_query(self.schema, name, code)))
        return tantivy.Query.boolean_query(parts) if parts else tantivy.Query.all_query()

    def search(self, selection: LibrarySelection, stems: list[str]):
        """The total and every facet's counts; the first page ranked (not returned)."""
        filters = {}
        for name in FACETS:
            value = getattr(selection, _FIELDS[name])
            if value is not None:
                value = getattr(value, "value", value)
                codes = self.values[name]
                filters[name] = codes.index(value) if value in codes else len(codes)
        query = self._query(stems, filters)
        total = self.searcher.search(query, PER_PAGE, count=True).count
        # Facets without a filter of their own share the query: one aggregation for all.
        plain = [name for name in FACETS if name not in filters]
        requests = [(query, plain)] + [
            (self._query(stems, {k: v for k, v in filters.items() if k != name}), [name])
            for name in filters]
        counts = {}
        for facet_query, names in requests:
            found = self.searcher.aggregate(facet_query, {
                name: {"terms": {"field": name, "size": 1000}} for name in names})
            for name in names:
                counts[name] = {str(self.values[name][int(bucket["key"])]): bucket["doc_count"]
                                for bucket in found[name]["buckets"]}
        counts = {name: counts[name] for name in FACETS}
        return total, counts


def _texts(connection):
    """Per lesson of the database's search index: the stems of its title, summary and body."""
    if connection.dialect.name == "sqlite":
        for rowid, *columns in connection.execute(
                sa.text("SELECT rowid, title, summary, body FROM lesson_fts")):
            yield rowid, *((text or "").split() for text in columns)
        return
    # A tsvector keeps each lexeme's positions with their weights: A title, B summary, C body.
    current, fields = None, {}
    for lesson_id, lexeme, weights in connection.execute(sa.text(
            "SELECT lesson_id, lexeme, weights FROM lesson_search, unnest(document) "
            "ORDER BY lesson_id")):
        if lesson_id != current:
            if current is not None:
                yield current, fields.get("A", []), fields.get("B", []), fields.get("C", [])
            current, fields = lesson_id, {}
        for weight in weights:
            fields.setdefault(weight, []).append(lexeme)
    if current is not None:
        yield current, fields.get("A", []), fields.get("B", []), fields.get("C", [])


def main() -> None:
    """`python -m bench.measuring_stick sqlite:///…`: the figures for a built data set."""
    import sys

    from bench import probe

    url = sys.argv[1]
    figures = measure(url, probe.page_paths(probe.make_app(url))["search_cold"])
    print(figures.text())


if __name__ == "__main__":
    main()
