"""Connection settings that every SQLite connection needs, and a fair queue for its writers.

Python's sqlite3 driver begins a transaction only at the first INSERT or UPDATE. A SAVEPOINT
(SQLAlchemy's `begin_nested`) issued before that began a transaction of its own, and its
RELEASE committed at once: a request that then rolled back kept that row. So a savepoint
outside a transaction first begins one. Reads before the first write stay outside it, as
the driver intends: a transaction that began at its first read would hold an old snapshot
and be refused its write whenever another writer came first.

SQLite lets one transaction write at a time. A connection that finds the write lock taken
waits in SQLite's busy handler, which polls with growing sleeps (up to 100 ms): a writer that
has waited a while keeps losing the lock to writers that have just arrived, and under twenty
busy writers some waited over ten seconds and were told "database is locked". So the threads
of one process queue for the write lock on a Python lock instead, and are woken the moment it
is free; the busy timeout only arbitrates between processes.
"""

from __future__ import annotations

import re
import sqlite3
import threading

from sqlalchemy import event
from sqlalchemy.engine import Engine
from sqlalchemy.pool import Pool

#: seconds a writer waits for the write lock before giving up with "database is locked"
BUSY_TIMEOUT = 15
#: statements that take SQLite's write lock for the rest of their transaction
_WRITE = re.compile(r"\s*(INSERT|UPDATE|DELETE|REPLACE)\b", re.IGNORECASE)
#: where a connection keeps the queue lock it holds (in its pool record's info)
_HELD = "proeftuin_write_lock"

_queues: dict[str, threading.Lock] = {}
_queues_lock = threading.Lock()


@event.listens_for(Engine, "connect")
def _sqlite_pragmas(dbapi_connection, connection_record):
    """Turn on WAL, foreign keys and a busy timeout for every SQLite connection."""
    if isinstance(dbapi_connection, sqlite3.Connection):
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT * 1000}")
        cursor.close()


@event.listens_for(Engine, "savepoint")
def _begin_before_savepoint(conn, name):
    # Fired just before SAVEPOINT is sent.
    if conn.dialect.name == "sqlite":
        dbapi_connection = conn.connection.dbapi_connection
        if not dbapi_connection.in_transaction:
            dbapi_connection.execute("BEGIN")


def _queue_for(database: str) -> threading.Lock:
    with _queues_lock:
        return _queues.setdefault(database, threading.Lock())


@event.listens_for(Engine, "before_cursor_execute")
def _wait_for_turn_to_write(conn, cursor, statement, parameters, context, executemany):
    """Before a transaction's first write, queue behind this process's other writers."""
    if conn.dialect.name != "sqlite" or _HELD in conn.info or not _WRITE.match(statement):
        return
    database = conn.engine.url.database
    if not database or database == ":memory:":
        return  # every in-memory connection is a database of its own
    queue = _queue_for(database)
    # Should a holder ever fail to let go, writers fall back on SQLite's own waiting.
    if queue.acquire(timeout=BUSY_TIMEOUT):
        conn.info[_HELD] = queue


def _let_go(info: dict) -> None:
    queue = info.pop(_HELD, None)
    if queue is not None:
        queue.release()


@event.listens_for(Engine, "commit")
def _after_commit(conn):
    # Fired just before the commit itself: the next writer may start its first statement,
    # and SQLite's busy handler covers the moment until this commit is done.
    _let_go(conn.info)


@event.listens_for(Engine, "rollback")
def _after_rollback(conn):
    _let_go(conn.info)


@event.listens_for(Pool, "checkin")
def _on_checkin(dbapi_connection, connection_record):
    # A connection handed back to the pool is no longer in a transaction of its own.
    _let_go(connection_record.info)


@event.listens_for(Pool, "invalidate")
def _on_invalidate(dbapi_connection, connection_record, exception):
    # A broken connection's transaction is gone with it.
    _let_go(connection_record.info)
