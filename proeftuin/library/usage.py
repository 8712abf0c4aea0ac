"""Counting the library's searches and lesson views, without a query while a visitor waits.

Each worker process tallies in memory what its visitors searched for (the month, the
normalised words, the facets and whether anything was found) and which lesson pages they
read (the lesson and the day). Nothing else about a request is looked at or kept: no address,
session, account, cookie or time of day. When the tally is due (`LIBRARY_USAGE_FLUSH_SECONDS`
after the last write, or when it has grown large), the request that finds it due writes it,
as one batch of additions, once its response has gone out (`Response.call_on_close`); a
worker that stops writes what it holds at exit.

The library's pages are kept rendered for visitors (`proeftuin.caching.page_cache`), so the
counting sits outside that cache: a search served from it is counted with the outcome the
page had when it was drawn, remembered per address under the library's version.
"""

from __future__ import annotations

import atexit
import functools
import threading
import time
from collections import Counter
from datetime import date, datetime
from urllib.parse import parse_qsl, urlencode

import sqlalchemy as sa
from flask import Flask, Response, after_this_request, current_app, g, request
from flask_login import current_user

from proeftuin.caching import versioned_cache
from proeftuin.dates import add_months, local_date, local_today, month_of
from proeftuin.extensions import db
from proeftuin.library.queries import LibrarySelection
from proeftuin.models import Lesson
from proeftuin.models.library_use import (
    FACETS_LENGTH,
    WORDS_LENGTH,
    LessonViewCount,
    SearchCount,
)

#: the filters counted with a search, as (URL parameter, LibrarySelection attribute), in
#: the order they are written; the order of results is how a search is shown, not what for
FACETS = (
    ("richting", "direction"),
    ("vraag", "question"),
    ("soort", "kind"),
    ("niveau", "level"),
    ("regio", "region_id"),
    ("programma", "programme_slug"),
    ("doelgroep", "target_group_key"),
    ("jaar", "year"),
    ("hergebruikt", "reused"),
    ("bewezen", "proven"),
)

#: a word with more digits than a year is a phone, client or citizen service number more
#: often than a topic: it is left out of what is kept
MAX_DIGITS = 4

#: this many different searches or lessons in the tally make it due at once, so a busy
#: worker's memory stays small whatever the interval
MAX_TALLIED = 2000

#: seconds after which a claim to write the tally that was never carried out is void
STALE_CLAIM = 300

#: user agents that announce a crawler; their requests are not readers'
ROBOTS = ("bot", "crawl", "spider", "slurp")

#: the outcomes of the searches each worker remembers per address, for pages the page cache
#: serves without running the search (it keeps at most PAGE_CACHE_SIZE pages)
REMEMBERED_OUTCOMES = 5000

#: months of counted searches kept before the month under way: the facilitators' page shows
#: two years of what readers looked for, and the words typed are not kept longer than that
SEARCH_MONTHS_KEPT = 24

SearchKey = tuple[str, str]


# What is counted ------------------------------------------------------------------------------


def normalised_words(words: list[str]) -> str:
    """Return the searched words once each, in alphabetical order, without long numbers."""
    kept = sorted({word for word in words if sum(c.isdigit() for c in word) <= MAX_DIGITS})
    return " ".join(kept)[:WORDS_LENGTH].strip()


def facet_string(selection: LibrarySelection) -> str:
    """Return the selection's filters as URL parameters in a fixed order ("" for none)."""
    params = []
    for name, attribute in FACETS:
        value = getattr(selection, attribute, None)
        if value is None or value is False:
            continue
        if value is True:
            value = "1"
        params.append((name, str(getattr(value, "value", value))))
    return urlencode(params)[:FACETS_LENGTH]


def facets_of(facets: str) -> dict[str, str]:
    """Return a stored facet string as its parameters."""
    return dict(parse_qsl(facets))


def search_key(selection: LibrarySelection) -> SearchKey | None:
    """Return what is kept of a search, or None when it searched for nothing (browsing)."""
    words, facets = normalised_words(selection.words), facet_string(selection)
    if not words and not facets:
        return None
    return words, facets


# The tally of one worker ----------------------------------------------------------------------


class _Tally:
    """Counts not yet written, shared by the threads of one worker process."""

    def __init__(self):
        self._lock = threading.Lock()
        self.searches: Counter[tuple[date, str, str, bool]] = Counter()
        self.views: Counter[tuple[int, date]] = Counter()
        self.written_at = time.monotonic()
        #: when the request that is to write the tally claimed it (None: nobody has)
        self.claimed_at: float | None = None

    def add_search(self, key: SearchKey, found: bool) -> None:
        with self._lock:
            self.searches[(month_of(local_today()), *key, found)] += 1

    def add_view(self, lesson_id: int) -> None:
        with self._lock:
            self.views[(lesson_id, local_today())] += 1

    def claim_if_due(self, interval: int) -> bool:
        """Whether this caller is to write the tally now (and no other is)."""
        with self._lock:
            now = time.monotonic()
            due = (now - self.written_at >= interval
                   or len(self.searches) + len(self.views) >= MAX_TALLIED)
            # A claim whose response never closed (a broken connection) is not waited for.
            claimed = self.claimed_at is not None and now - self.claimed_at < STALE_CLAIM
            if claimed or not due or not (self.searches or self.views):
                return False
            self.claimed_at = now
            return True

    def take(self) -> tuple[Counter, Counter]:
        with self._lock:
            searches, views = self.searches, self.views
            self.searches, self.views = Counter(), Counter()
            return searches, views

    def put_back(self, searches: Counter, views: Counter) -> None:
        with self._lock:
            self.searches.update(searches)
            self.views.update(views)

    def done(self) -> None:
        with self._lock:
            self.written_at = time.monotonic()
            self.claimed_at = None


_tally = _Tally()
_exit_hook = threading.Lock()
_apps_flushed_at_exit: set[int] = set()


def pending() -> tuple[dict, dict]:
    """Return copies of the searches and views not yet written (for tests and the bench)."""
    return dict(_tally.searches), dict(_tally.views)


# Writing --------------------------------------------------------------------------------------


def flush() -> None:
    """Add the worker's tally to the tables, in one transaction of its own; needs an app.

    A failed write (the database away for a moment) puts the counts back for the next one.
    """
    searches, views = _tally.take()
    if not searches and not views:
        return
    try:
        with db.engine.begin() as conn:
            _write_searches(conn, searches)
            _write_views(conn, views)
    except sa.exc.SQLAlchemyError:
        _tally.put_back(searches, views)
        current_app.logger.warning("The library's usage counts could not be written; kept "
                                   "for the next attempt.", exc_info=True)


def _insert(conn, table: sa.Table):
    # Each dialect's module is imported when its database is used: a SQLite worker that
    # imported PostgreSQL's would carry it for nothing.
    if conn.dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    else:
        from sqlalchemy.dialects.sqlite import insert
    return insert(table)


def _adding(conn, table: sa.Table, keys: list[str], column: str, rows: list[dict]) -> None:
    # An addition, not a replacement: the other workers write the same rows.
    insert = _insert(conn, table)
    conn.execute(insert.on_conflict_do_update(
        index_elements=keys, set_={column: table.c[column] + insert.excluded[column]}), rows)


def _write_searches(conn, searches: Counter) -> None:
    if searches:
        _adding(conn, SearchCount.__table__, ["month", "words", "facets", "found"], "searches",
                [{"month": month, "words": words, "facets": facets, "found": found,
                  "searches": number}
                 for (month, words, facets, found), number in searches.items()])


def _write_views(conn, views: Counter) -> None:
    if not views:
        return
    # A lesson deleted since its page was read has no row to count under.
    existing = set(conn.scalars(sa.select(Lesson.id).where(
        Lesson.id.in_({lesson_id for lesson_id, _ in views}))))
    rows = [{"lesson_id": lesson_id, "day": day, "views": number}
            for (lesson_id, day), number in views.items() if lesson_id in existing]
    if rows:
        _adding(conn, LessonViewCount.__table__, ["lesson_id", "day"], "views", rows)


def purge_old_searches(now: datetime) -> int:
    """Delete the counted searches of the months before the SEARCH_MONTHS_KEPT that are
    kept (the nightly retention job); return how many rows went."""
    this_month = month_of(local_date(now))
    first_kept = add_months(this_month, -SEARCH_MONTHS_KEPT)
    return db.session.execute(
        sa.delete(SearchCount).where(SearchCount.month < first_kept)).rowcount


def _flush_after_response() -> None:
    """Have the tally written after this response has gone out, when it is due."""
    app = current_app._get_current_object()
    if not app.testing and id(app) not in _apps_flushed_at_exit:
        with _exit_hook:
            if id(app) not in _apps_flushed_at_exit:
                _apps_flushed_at_exit.add(id(app))
                atexit.register(_flush_in, app)
    if not _tally.claim_if_due(app.config["LIBRARY_USAGE_FLUSH_SECONDS"]):
        return

    @after_this_request
    def write_when_sent(response: Response) -> Response:
        response.call_on_close(lambda: _flush_in(app, claimed=True))
        return response


def _flush_in(app: Flask, claimed: bool = False) -> None:
    try:
        with app.app_context():
            flush()
    finally:
        if claimed:
            _tally.done()


# The hooks on the library's pages -------------------------------------------------------------


def _is_reader() -> bool:
    agent = request.user_agent.string.lower()
    return request.method == "GET" and not any(robot in agent for robot in ROBOTS)


def note_search(selection: LibrarySelection, page: int, total: int | None) -> None:
    """Remember what the library page searched for, for `counts_searches` to count.

    Only a search's first page counts: the next pages are the same search read further.
    """
    outcome = None
    key = search_key(selection)
    if key is not None and page == 1:
        outcome = (key, bool(total))
    g.library_search = outcome
    if not current_user.is_authenticated:
        # Only a visitor's page is kept rendered (and its versions already read for it).
        versioned_cache.entry("search_outcomes", _remembered(), request.url).keep(outcome)


def _remembered() -> int:
    return REMEMBERED_OUTCOMES if current_app.config["PAGE_CACHE_SIZE"] else 0


def counts_searches(view):
    """Count the search of each library page a reader gets, drawn or kept."""

    @functools.wraps(view)
    def counted(*args, **kwargs):
        page = view(*args, **kwargs)
        if _is_reader() and _succeeded(page):
            if "library_search" in g:
                outcome = g.library_search
            else:
                outcome = versioned_cache.entry("search_outcomes", _remembered(),
                                                request.url).value
            if outcome is not None:
                _tally.add_search(*outcome)
                _flush_after_response()
        return page

    return counted


def note_own_lesson(own: bool) -> None:
    """Tell `counts_views` whether the person reading is one of the lesson's own pilot: its
    writers reading their own page are no readers of the library."""
    g.own_lesson = own


def counts_views(view):
    """Count each reading of a lesson's public page (not its redirects) by someone outside
    its pilot, per lesson and day."""

    @functools.wraps(view)
    def counted(*args, lesson_id: int, **kwargs):
        page = view(*args, lesson_id=lesson_id, **kwargs)
        # A page kept for visitors is served without the view: no visitor is a member.
        if _is_reader() and _succeeded(page) and not g.get("own_lesson", False):
            _tally.add_view(lesson_id)
            _flush_after_response()
        return page

    return counted


def _succeeded(page) -> bool:
    # A view answers a page as text, or a redirect (a lesson's other spelling) as a response.
    return isinstance(page, str | bytes) or (isinstance(page, Response)
                                            and page.status_code == 200)
