"""Back up the live database to one file, consistent while the site keeps writing.

SQLite is copied with its online backup API, PostgreSQL is dumped with `pg_dump`. Either way
the copy is written beside the destination under a temporary name and only renamed into
place once it is complete (and, for SQLite, checked), so the destination name never holds a
half or damaged backup.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import sqlite3
import subprocess  # noqa: S404 - runs pg_dump with an argument list, never a shell
import tempfile
from dataclasses import dataclass
from pathlib import Path

import sqlalchemy as sa

from proeftuin.extensions import db

#: the program that dumps a PostgreSQL database; tests point it elsewhere
PG_DUMP = "pg_dump"
#: how long the backup's own SQLite connection waits for a lock, in seconds
SQLITE_TIMEOUT = 30
#: the tables whose row counts the summary gives, with what to call their rows
SUMMARY_TABLES = {
    "pilot": "pilot(s)",
    "case_discussion": "case discussion(s)",
    "lesson": "lesson(s)",
}


class BackupError(Exception):
    """A backup that could not be made; nothing was left under the destination name."""


@dataclass
class BackupResult:
    """Where the backup went, how large it is and how many rows of each kind it holds."""

    destination: Path
    size: int
    counts: dict[str, int]


def backup(destination: str | os.PathLike, force: bool = False) -> BackupResult:
    """Back up the app's database to the destination file."""
    destination = Path(destination)
    _check_destination(destination, force)
    url = db.engine.url
    if url.get_backend_name() == "sqlite":
        if not url.database or url.database == ":memory:":
            raise BackupError("An in-memory SQLite database has no file to back up.")
        counts = backup_sqlite(Path(url.database), destination, force=force)
    elif url.get_backend_name() == "postgresql":
        counts = dump_postgresql(url, destination, force=force)
    else:
        raise BackupError(f"Cannot back up a {url.get_backend_name()} database.")
    return BackupResult(destination=destination, size=destination.stat().st_size, counts=counts)


def _check_destination(destination: Path, force: bool) -> None:
    if destination.is_dir():
        raise BackupError(f"{destination} is a directory; give the name of the backup file.")
    if not destination.parent.is_dir():
        raise BackupError(f"The directory {destination.parent} does not exist.")
    if destination.exists() and not force:
        raise BackupError(f"{destination} already exists; use --force to overwrite it.")


@contextlib.contextmanager
def _partial_file(destination: Path, force: bool):
    """Yield a temporary path beside the destination; move it into place if the block succeeds."""
    handle, name = tempfile.mkstemp(prefix=f".{destination.name}.", suffix=".partial",
                                    dir=destination.parent)
    os.close(handle)
    partial = Path(name)
    try:
        yield partial
        _sync(partial)
        _move_into_place(partial, destination, force)
        _sync(destination.parent)
    finally:
        partial.unlink(missing_ok=True)


def _sync(path: Path) -> None:
    """Flush a file, or a directory's entries, to disk so a crash cannot undo the backup."""
    handle = os.open(path, os.O_RDONLY)
    try:
        os.fsync(handle)
    finally:
        os.close(handle)


def _move_into_place(partial: Path, destination: Path, force: bool) -> None:
    if force:
        os.replace(partial, destination)
        return
    # A hard link never replaces an existing file, so a destination that appeared while the
    # backup ran is still not overwritten; the partial name is removed by the caller.
    try:
        os.link(partial, destination)
    except FileExistsError as error:
        raise BackupError(
            f"{destination} already exists; use --force to overwrite it.") from error
    except OSError:
        # A file system without hard links: check once more, then rename.
        if destination.exists():
            raise BackupError(
                f"{destination} already exists; use --force to overwrite it.") from None
        os.replace(partial, destination)


# SQLite ---------------------------------------------------------------------------------


def backup_sqlite(source: Path, destination: Path, force: bool = False) -> dict[str, int]:
    """Copy a live SQLite database with the online backup API, check it, return its counts."""
    if not source.is_file():
        raise BackupError(f"The database file {source} does not exist.")
    with _partial_file(destination, force) as partial:
        live = sqlite3.connect(source, timeout=SQLITE_TIMEOUT)
        try:
            copy = sqlite3.connect(partial)
            try:
                # All pages in one step: the copy is one snapshot of the database, and in WAL
                # mode that read blocks no writer.
                live.backup(copy)
                # The copy is a single file to keep or restore, without -wal and -shm beside it.
                copy.execute("PRAGMA journal_mode=DELETE")
                problems = [row[0] for row in copy.execute("PRAGMA integrity_check")]
                if problems != ["ok"]:
                    raise BackupError("The copy failed SQLite's integrity check: "
                                      + "; ".join(problems[:5]))
                counts = _sqlite_counts(copy)
            finally:
                copy.close()
        except sqlite3.Error as error:
            raise BackupError(f"SQLite could not make the backup: {error}") from error
        finally:
            live.close()
    return counts


def _sqlite_counts(connection: sqlite3.Connection) -> dict[str, int]:
    # The table names come from SUMMARY_TABLES, never from input.
    return {
        label: connection.execute(f'SELECT count(*) FROM "{table}"').fetchone()[0]  # noqa: S608
        for table, label in SUMMARY_TABLES.items()
    }


# PostgreSQL -----------------------------------------------------------------------------


def libpq_url(url: sa.engine.URL) -> str:
    """Return the database URL as libpq reads it: no SQLAlchemy driver, no password."""
    plain = sa.engine.URL.create("postgresql", username=url.username, host=url.host,
                                 port=url.port, database=url.database, query=url.query)
    return plain.render_as_string(hide_password=False)


def _pg_environment(url: sa.engine.URL) -> dict[str, str]:
    # The password goes through the environment, where `ps` does not show it to other users.
    env = dict(os.environ)
    if url.password:
        env["PGPASSWORD"] = str(url.password)
    return env


def dump_postgresql(url: sa.engine.URL, destination: Path, force: bool = False) -> dict[str, int]:
    """Dump a PostgreSQL database with `pg_dump --format=custom`, return its counts."""
    program = shutil.which(PG_DUMP)
    if program is None:
        raise BackupError(f"{PG_DUMP} was not found. Install PostgreSQL's client programs "
                          "(on Debian: apt-get install postgresql-client) and try again.")
    with _partial_file(destination, force) as partial, db.engine.connect() as connection:
        # The counts and the dump read one exported snapshot, so the summary tells exactly
        # what the file holds, however much the site writes meanwhile.
        connection = connection.execution_options(isolation_level="REPEATABLE READ")
        with connection.begin():
            snapshot = connection.scalar(sa.text("SELECT pg_export_snapshot()"))
            counts = {
                label: connection.scalar(
                    sa.select(sa.func.count()).select_from(sa.table(table)))
                for table, label in SUMMARY_TABLES.items()
            }
            result = subprocess.run(  # noqa: S603 - a fixed program and argument list
                [program, "--format=custom", f"--snapshot={snapshot}",
                 f"--file={partial}", f"--dbname={libpq_url(url)}"],
                env=_pg_environment(url), capture_output=True, text=True, check=False,
            )
        if result.returncode != 0:
            raise BackupError(f"pg_dump failed (exit code {result.returncode}): "
                              f"{result.stderr.strip()}")
    return counts


def describe_size(size: int) -> str:
    """Return a file size as people read it: bytes, kB, MB or GB."""
    value = float(size)
    for unit in ("bytes", "kB", "MB"):
        if value < 1000:
            return f"{size} bytes" if unit == "bytes" else f"{value:.1f} {unit}"
        value /= 1000
    return f"{value:.1f} GB"
