"""The library index a worker holds, and the building of the next when the library changes.

A worker asks for the index of the library's version it reads at the start of a request
(`versioned_cache`), and gets it only when it holds that one: never an older one, whose
results would be stale. When it does not, the search takes the database's way for that
request, and the index of the new version is built meanwhile, in a child process that a
thread waits for (`LIBRARY_INDEX = "background"`, the default). Tests build it in the request
(`"inline"`), so each search shows what the index gives; `"off"` never builds one. One build
at a time per worker: a version that moves during a build is caught by the next request.
"""

from __future__ import annotations

import logging
import sys
import threading
from collections.abc import Callable

import sqlalchemy as sa
from flask import Flask, current_app

from proeftuin import child_process
from proeftuin.caching import versioned_cache
from proeftuin.extensions import db
from proeftuin.library.memory_index import LibraryIndex
from proeftuin.models.library_version import LIBRARY

log = logging.getLogger(__name__)

#: the longest a build may take before the worker gives up on it (and tries again later)
BUILD_TIMEOUT = 600


class _Holder:
    def __init__(self) -> None:
        self.index: LibraryIndex | None = None
        self.building = False
        self.lock = threading.Lock()


def _holder(app: Flask) -> _Holder:
    holder = app.extensions.get("library_index")
    if holder is None:
        holder = app.extensions.setdefault("library_index", _Holder())
    return holder


def get() -> LibraryIndex | None:
    """The index of the library's current version, or None while there is none."""
    mode = current_app.config["LIBRARY_INDEX"]
    if mode == "off":
        return None
    version = versioned_cache.current_versions()[LIBRARY]
    holder = _holder(current_app)
    index = holder.index
    if index is not None and index.version == version:
        return index
    if index is not None and index.version > version:
        # A request that began before the last change: its searches go to the database,
        # and the newer index stays.
        return None
    if mode == "inline":
        index = LibraryIndex.build(db.session.connection())
        holder.index = index if index.version == version else None
        return holder.index
    _build_in_background(current_app._get_current_object(), holder)
    return None


def _build_in_background(app: Flask, holder: _Holder) -> None:
    with holder.lock:
        if holder.building:
            return
        holder.building = True
        # The stale index is of no more use, and building the next beside it would double
        # the memory a worker needs.
        holder.index = None
    threading.Thread(target=_build, args=(app, holder), name="library-index",
                     daemon=True).start()


def _build(app: Flask, holder: _Holder) -> None:
    try:
        holder.index = _built_elsewhere(app)
        log.info("library index of version %s built: %d lessons, %.1f MB",
                 holder.index.version, len(holder.index), holder.index.nbytes() / 1e6)
    except Exception:
        log.exception("building the library index failed; searches use the database")
    finally:
        holder.building = False


def build_at_start(app: Flask, heartbeat: Callable[[], None] | None = None) -> None:
    """Build the index of the current version at once, as a worker starts (gunicorn's
    `post_worker_init`; `heartbeat` is called every second meanwhile).

    A database that cannot be read yet (a deployment before its migrations) leaves the
    worker without one; it is built when the first search asks for it.
    """
    if app.config["LIBRARY_INDEX"] == "off":
        return
    holder = _holder(app)
    try:
        holder.index = _built_elsewhere(app, heartbeat)
    except Exception:
        log.exception("building the library index at start failed; it is built later")


def _built_elsewhere(app: Flask, heartbeat: Callable[[], None] | None = None) -> LibraryIndex:
    """Build the index in a process of its own, and take only the result.

    Reading the library makes some hundred thousand rows into Python objects; freed, their
    memory stays with the process that made them. A worker that built its index itself kept
    some 70 MB more than the index takes.
    """
    url = app.config["SQLALCHEMY_DATABASE_URI"]
    address = sa.engine.make_url(url)
    if address.get_backend_name() == "sqlite" and address.database in (None, "", ":memory:"):
        # No other process can read this database.
        with app.app_context():
            try:
                return LibraryIndex.build(db.session.connection())
            finally:
                db.session.remove()
    return child_process.built_in_child(
        "from proeftuin.library import current_index; current_index.main()", LibraryIndex,
        url.encode(), timeout=BUILD_TIMEOUT, heartbeat=heartbeat)


def main() -> None:
    """Build the index of the database whose address comes on stdin; pickle it to stdout."""
    engine = sa.create_engine(sys.stdin.read().strip())
    try:
        with engine.connect() as connection:
            index = LibraryIndex.build(connection)
    finally:
        engine.dispose()
    child_process.write_result(index)
