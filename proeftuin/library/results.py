"""The library's search: one function for the page, the feed, the CSV and the API.

`search(selection, ...)` returns the total, the facet counts (when asked) and the lessons in
the selection's order, and owns the per-worker cache (`library.cache`): what it keeps is small
and public (the total, the counts and one page's ids) under the library's version, so nothing
stale is ever served. The related lessons of a lesson page are kept the same way.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from flask_sqlalchemy.pagination import Pagination
from markupsafe import Markup

from proeftuin.extensions import db
from proeftuin.library import cache, current_index, memory_index, queries
from proeftuin.library.queries import LibrarySelection
from proeftuin.models import Lesson
from proeftuin.reuse.queries import trail_reports
from proeftuin.search import text as search_text
from proeftuin.web.paging import KnownPage


@dataclass(frozen=True)
class Results:
    """What a search found: `lessons` in order, and `pagination` for a page of them."""

    selection: LibrarySelection
    #: every lesson of the selection (None where the caller did not ask for the count)
    total: int | None
    #: per facet, its values' counts under the selection (None where not asked for)
    counts: dict[str, dict[str, int]] | None
    #: the page the list macros read (None for every lesson at once)
    pagination: Pagination | None
    #: the lessons of the page, or every lesson streamed as it is read
    lessons: Iterable[Lesson]
    stems: frozenset[str] = field(default=frozenset())
    #: the visible reports of reuse of the page's lessons, where the search knew them
    reuse: dict[int, int] | None = None

    def reuse_counts(self) -> dict[int, int]:
        """Return how many other pilots reported reusing each listed lesson (absent: none)."""
        if self.reuse is not None:
            return self.reuse
        return queries.reuse_counts([lesson.id for lesson in self.lessons])

    def titles(self) -> dict[int, Markup]:
        """Return each listed lesson's title with the searched words marked."""
        return {lesson.id: search_text.highlight(lesson.public_revision.title, self.stems,
                                                 width=1000) for lesson in self.lessons}

    def snippets(self) -> dict[int, Markup]:
        """Return, per listed lesson, the part of its text that best shows why it was found."""
        return {lesson.id: snippet(lesson.public_revision, self.stems)
                for lesson in self.lessons}


def search(selection: LibrarySelection, page: int = 1, per_page: int | None = None, *,
           facets: bool = False, count: bool = True, all_links: bool = False) -> Results:
    """Search the published lessons: one page of `per_page`, or every lesson when it is None.

    `facets` counts every facet's values too (the library page), `count` the total (not
    needed by a feed or a download); `all_links` loads each revision's questions and target
    groups as well as its directions (the API, the feed and the CSV show them).
    """
    stems = frozenset(search_text.stems(selection.words))
    if per_page is None:
        # A download streams the whole selection; it is read once, so nothing is kept.
        return Results(selection, None, None, None, queries.all_lessons(selection), stems)
    page = max(page, 1)
    kept = cache.entry(("search", selection, page, per_page, facets, count))
    if kept.value is None:
        kept.keep(_from_index(selection, page, per_page, facets, count)
                  or _from_database(selection, page, per_page, facets, count))
    total, counts, ids, reuse = kept.value
    # The feed, the API and the downloads show the texts; a page of results, its snippets.
    lessons = queries.lessons_in_order(ids, all_links, texts=all_links)
    pagination = KnownPage(lessons, total or 0, page, per_page)
    return Results(selection, total, counts, pagination, lessons, stems, reuse)


def _from_index(selection: LibrarySelection, page: int, per_page: int, facets: bool,
                count: bool) -> tuple | None:
    """(total, counts, ids, reuse) from the worker's library index, or None while it has
    none."""
    index = current_index.get()
    if index is None:
        return None
    lexemes = memory_index.lexemes(db.session.connection(), selection.words)
    found = index.search(selection, lexemes, page, per_page, facets)
    return (found.total if facets or count else None, found.counts if facets else None,
            found.ids, index.reuse_of(found.ids))


def _from_database(selection: LibrarySelection, page: int, per_page: int, facets: bool,
                   count: bool) -> tuple:
    """(total, counts, ids, reuse) as the database's queries find them; reuse is None, so
    the page asks for it (`Results.reuse_counts`)."""
    counts = None
    if facets:
        total, counts = queries.facet_counts(selection)
    elif count:
        total = _total(selection)
    else:
        total = None
    return total, counts, queries.page_ids(selection, page, per_page), None


def _total(selection: LibrarySelection) -> int:
    # Shared by every page of a selection: counted once per version.
    kept = cache.entry(("count", selection))
    if kept.value is None:
        kept.keep(queries.count_lessons(selection))
    return kept.value


def related(lesson: Lesson) -> list:
    """Return the lessons related to this one as its page links them (`queries.lesson_links`)."""
    kept = cache.entry(("related", lesson.id))
    if kept.value is None:
        found = _related_from_index(lesson)
        kept.keep(queries.related_lessons(lesson) if found is None else found)
    return queries.lesson_links(kept.value)


def _related_from_index(lesson: Lesson) -> list[int] | None:
    """The ids of the related lessons, from the library index (None: no index yet)."""
    index = current_index.get()
    if index is None:
        return None
    revision = lesson.public_revision
    return index.related(
        lesson.id, {direction.number for direction in revision.directions},
        memory_index.lexemes(db.session.connection(), queries.title_words(revision)) or [],
        queries.RELATED)


def reuse_trail(lesson: Lesson, include_hidden: bool) -> list:
    """Return the lesson's reports of reuse as its page lists them (`trail_reports`), without
    asking the database when the library index knows it has no visible one."""
    if not include_hidden:
        index = current_index.get()
        if index is not None and not index.reuse_of([lesson.id]):
            return []
    return trail_reports(lesson.id, include_hidden=include_hidden)


def snippet(revision, stems: Iterable[str]) -> Markup:
    """Return the part of a lesson's text that best shows why it was found, marked."""
    return search_text.highlight(revision.readable_text, set(stems))
