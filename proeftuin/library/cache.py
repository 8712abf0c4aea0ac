"""The library's search results, kept in memory per worker until the library changes.

A search for a common word finds most of the library, and counting its facets then takes
the database far longer than drawing the page: readers who repeat a popular search should
not each pay for it. What is kept is small and public: the total, the facet counts and the
ids of one page of lessons, under the selection, the page and the library's version (see
`proeftuin.models.library_version`). Any change to what the library shows gives a new
version, so nothing stale is ever served; entries of old versions age out of the LRU.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Hashable

from flask import current_app, has_request_context, request

from proeftuin.extensions import db
from proeftuin.models import library_version


class LRU:
    """A thread-safe mapping that forgets its least recently used entries beyond `size`."""

    def __init__(self, size: int):
        self.size = size
        self._entries: OrderedDict[Hashable, object] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: Hashable):
        with self._lock:
            if key not in self._entries:
                return None
            self._entries.move_to_end(key)
            return self._entries[key]

    def put(self, key: Hashable, value) -> None:
        with self._lock:
            self._entries[key] = value
            self._entries.move_to_end(key)
            while len(self._entries) > self.size:
                self._entries.popitem(last=False)


class Entry:
    """The place of one search in the cache: what it holds, if anything, and how to fill it."""

    def __init__(self, entries: LRU | None, key: Hashable):
        self._entries = entries
        self._key = key
        self.value = entries.get(key) if entries is not None else None

    def keep(self, value) -> None:
        if self._entries is not None:
            self._entries.put(self._key, value)


def entry(key: Hashable) -> Entry:
    """Return the cache's entry for `key` in the library's current version."""
    return versioned_entry("library_cache", current_app.config["LIBRARY_CACHE_SIZE"], key)


def versioned_entry(name: str, size: int, key: Hashable) -> Entry:
    """Return the entry for `key`, in the library's current version, of the LRU `name`."""
    if not size:
        return Entry(None, key)
    entries = current_app.extensions.get(name)
    if entries is None:
        entries = current_app.extensions.setdefault(name, LRU(size))
    return Entry(entries, (_version(), key))


def _version() -> int:
    # Read once a request, before anything the request shows: a page and the search results
    # it is drawn from are kept under one version, and what is kept is never older than it.
    if not has_request_context():
        return library_version.current(db.session.connection())
    if _VERSION_KEY not in request.environ:
        request.environ[_VERSION_KEY] = library_version.current(db.session.connection())
    return request.environ[_VERSION_KEY]


_VERSION_KEY = "proeftuin.library_version"
