"""The library's search results, kept in memory per worker until the library changes.

A search for a common word finds most of the library, and counting its facets then takes
the database far longer than drawing the page: readers who repeat a popular search should
not each pay for it. What is kept is small and public: the total, the facet counts and the
ids of one page of lessons, under the selection, the page and the library's version (see
`proeftuin.caching.versioned_cache`). Any change to what the library shows gives a new version, so
nothing stale is ever served; entries of old versions age out of the LRU.
"""

from __future__ import annotations

from collections.abc import Hashable

from flask import current_app

from proeftuin.caching import versioned_cache


def entry(key: Hashable) -> versioned_cache.Entry:
    """Return the cache's entry for `key` in the library's current version."""
    return versioned_cache.entry("library_cache", current_app.config["LIBRARY_CACHE_SIZE"], key)
