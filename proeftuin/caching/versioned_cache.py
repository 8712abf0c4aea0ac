"""What a worker keeps in memory until the library or a pilot's profile changes.

Entries are kept in a bounded LRU under the numbers of `proeftuin.models.library_version`,
which database triggers change with every write that can change what they hold: a change
gives new numbers, so nothing stale is ever served, and entries under old numbers age out.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Hashable

from flask import current_app, has_request_context, request

from proeftuin.extensions import db
from proeftuin.models import library_version


class LRU:
    """A thread-safe mapping that forgets its least recently used entries beyond `size`
    entries, or beyond `max_bytes` of values (bytes values, weighed by their length)."""

    def __init__(self, size: int, max_bytes: int | None = None):
        self.size = size
        self.max_bytes = max_bytes
        self.bytes = 0
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
            if key in self._entries:
                self.bytes -= _weight(self._entries[key])
            self._entries[key] = value
            self.bytes += _weight(value)
            self._entries.move_to_end(key)
            while len(self._entries) > self.size or (
                    self.max_bytes is not None and self.bytes > self.max_bytes
                    and self._entries):
                _, dropped = self._entries.popitem(last=False)
                self.bytes -= _weight(dropped)


def _weight(value) -> int:
    return len(value) if isinstance(value, bytes) else 0


class Entry:
    """The place of one key in a cache: what it holds, if anything, and how to fill it."""

    def __init__(self, entries: LRU | None, key: Hashable):
        self._entries = entries
        self._key = key
        self.value = entries.get(key) if entries is not None else None

    def keep(self, value) -> None:
        """Hold `value` under this key (also when the cache is off, for this entry's reader)."""
        self.value = value
        if self._entries is not None:
            self._entries.put(self._key, value)


def entry(name: str, size: int, key: Hashable,
          rows: tuple[int, ...] = (library_version.LIBRARY,),
          max_bytes: int | None = None) -> Entry:
    """Return the entry for `key` of the LRU `name` (of `size` entries and at most
    `max_bytes` of bytes values; 0 entries: none), under the current numbers of the `rows`
    of library_version that what it holds depends on."""
    if not size or max_bytes == 0:
        return Entry(None, key)
    entries = current_app.extensions.get(name)
    if entries is None:
        entries = current_app.extensions.setdefault(name, LRU(size, max_bytes))
    versions = current_versions()
    return Entry(entries, (tuple(versions[row] for row in rows), key))


_VERSIONS_KEY = "proeftuin.library_versions"


def current_versions() -> dict[int, int]:
    # Read once a request, before anything the request shows: a page and the search results
    # it is drawn from are kept under the same numbers, and what is kept is never older.
    if not has_request_context():
        return library_version.all_current(db.session.connection())
    if _VERSIONS_KEY not in request.environ:
        request.environ[_VERSIONS_KEY] = library_version.all_current(db.session.connection())
    return request.environ[_VERSIONS_KEY]
