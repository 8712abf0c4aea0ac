"""The `flask backup` command: a complete, checked copy, or nothing under the destination name."""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess

import pytest
import sqlalchemy as sa

from proeftuin import backup as backups
from proeftuin.extensions import db
from proeftuin.models import LessonStatus

ON_POSTGRESQL = bool(os.environ.get("TEST_DATABASE_URL"))
only_sqlite = pytest.mark.skipif(ON_POSTGRESQL, reason="backs up the SQLite test database")
only_postgresql = pytest.mark.skipif(not ON_POSTGRESQL,
                                     reason="needs TEST_DATABASE_URL (PostgreSQL)")

SECRET_SITUATION = "Mevrouw (91) vergeet haar medicijnen sinds de verhuizing."


def run_backup(runner, *args):
    with runner.app.app_context():
        return runner.invoke(args=["backup", *map(str, args)])


@pytest.fixture
def content(make):
    """Rows of each kind the summary counts: one pilot, two case discussions, one lesson."""
    pilot = make.pilot()
    writer = make.member(pilot)
    make.case(pilot, writer, title="Overbelaste partner", situation=SECRET_SITUATION)
    make.case(pilot, writer, title="Zoon woont ver weg")
    make.lesson(pilot, writer, status=LessonStatus.published, title="Vraag het de mantelzorger")
    slug = pilot.slug
    db.session.remove()
    return slug


def leftovers(directory, keep: str) -> list[str]:
    return sorted(name for name in os.listdir(directory) if name != keep)


@only_sqlite
def test_sqlite_backup_is_a_checked_copy_with_every_row(runner, content, tmp_path):
    destination = tmp_path / "proeftuin-backup.sqlite3"

    result = run_backup(runner, destination)

    assert result.exit_code == 0, result.output
    assert f"Backed up to {destination} (" in result.output
    assert "It holds 1 pilot(s), 2 case discussion(s), 1 lesson(s)." in result.output
    # The summary counts rows; it never shows what they hold.
    for text in ("Overbelaste partner", SECRET_SITUATION, "Vraag het de mantelzorger"):
        assert text not in result.output
    copy = sqlite3.connect(destination)
    try:
        assert copy.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
        # One self-contained file: restoring it needs no -wal file beside it.
        assert copy.execute("PRAGMA journal_mode").fetchone() == ("delete",)
        assert sorted(copy.execute("SELECT title, situation FROM case_discussion")) == [
            ("Overbelaste partner", SECRET_SITUATION),
            ("Zoon woont ver weg", "Mevrouw J. (84) woont alleen; de zoon zorgt."),
        ]
        assert copy.execute("SELECT slug FROM pilot").fetchall() == [(content,)]
        # The library's full-text index travels with the lessons.
        assert copy.execute("SELECT count(*) FROM lesson_fts").fetchone() == (1,)
    finally:
        copy.close()
    assert leftovers(tmp_path, keep=destination.name) == []


@only_sqlite
def test_backup_refuses_an_existing_destination_without_force(runner, content, tmp_path):
    destination = tmp_path / "backup.sqlite3"
    destination.write_bytes(b"an older backup")

    refused = run_backup(runner, destination)

    assert refused.exit_code == 1
    assert f"{destination} already exists; use --force to overwrite it." in refused.output
    assert destination.read_bytes() == b"an older backup"
    assert leftovers(tmp_path, keep=destination.name) == []

    forced = run_backup(runner, destination, "--force")

    assert forced.exit_code == 0, forced.output
    copy = sqlite3.connect(destination)
    try:
        assert copy.execute("SELECT count(*) FROM case_discussion").fetchone() == (2,)
    finally:
        copy.close()


@only_sqlite
def test_a_failed_backup_leaves_nothing_under_the_destination_name(runner, content, tmp_path,
                                                                   monkeypatch):
    def disk_full(connection):
        raise sqlite3.OperationalError("database or disk is full")

    monkeypatch.setattr(backups, "_sqlite_counts", disk_full)
    destination = tmp_path / "backup.sqlite3"

    result = run_backup(runner, destination)

    assert result.exit_code == 1
    assert "SQLite could not make the backup: database or disk is full" in result.output
    assert os.listdir(tmp_path) == []


def test_a_damaged_copy_fails_the_integrity_check_and_is_not_kept(tmp_path):
    source = tmp_path / "damaged.sqlite3"
    connection = sqlite3.connect(source)
    connection.execute("CREATE TABLE t (x TEXT)")
    connection.execute("CREATE INDEX ix_t_x ON t (x)")
    connection.executemany("INSERT INTO t VALUES (?)", [(f"rij {n} " * 3,) for n in range(3000)])
    connection.commit()
    connection.close()
    with source.open("r+b") as file:
        file.seek(3 * 4096 + 20)  # a cell pointer of the index's root page
        file.write(b"\0\0\0\0")
    destination = tmp_path / "backup.sqlite3"

    with pytest.raises(backups.BackupError, match="failed SQLite's integrity check"):
        backups.backup_sqlite(source, destination)

    assert sorted(os.listdir(tmp_path)) == ["damaged.sqlite3"]


def test_a_missing_pg_dump_is_a_clear_error(tmp_path, monkeypatch):
    monkeypatch.setattr(backups, "PG_DUMP", "pg_dump-not-installed")
    destination = tmp_path / "backup.dump"
    url = sa.make_url("postgresql+psycopg://postgres@127.0.0.1:5432/proeftuin")

    with pytest.raises(backups.BackupError, match="pg_dump-not-installed was not found. "
                       "Install PostgreSQL's client programs"):
        backups.dump_postgresql(url, destination)

    assert os.listdir(tmp_path) == []


def test_the_libpq_url_has_no_driver_and_no_password():
    url = sa.make_url("postgresql+psycopg://proeftuin:geheim@db.example:5433/proeftuin"
                      "?sslmode=require")

    assert backups.libpq_url(url) == (
        "postgresql://proeftuin@db.example:5433/proeftuin?sslmode=require")
    assert backups._pg_environment(url)["PGPASSWORD"] == "geheim"


@only_postgresql
def test_postgresql_dump_can_be_read_by_pg_restore(runner, content, tmp_path):
    destination = tmp_path / "proeftuin.dump"

    result = run_backup(runner, destination)

    assert result.exit_code == 0, result.output
    assert "It holds 1 pilot(s), 2 case discussion(s), 1 lesson(s)." in result.output
    assert SECRET_SITUATION not in result.output
    listing = subprocess.run(  # noqa: S603 - a fixed program and argument list
        [shutil.which("pg_restore"), "--list", str(destination)],
        capture_output=True, text=True, check=True,
    ).stdout
    assert "TABLE DATA public case_discussion" in listing
    assert "TABLE DATA public lesson " in listing
    assert leftovers(tmp_path, keep=destination.name) == []


@only_postgresql
def test_postgresql_backup_without_pg_dump_exits_with_one(runner, content, tmp_path,
                                                          monkeypatch):
    monkeypatch.setattr(backups, "PG_DUMP", "pg_dump-not-installed")
    destination = tmp_path / "proeftuin.dump"

    result = run_backup(runner, destination)

    assert result.exit_code == 1
    assert "pg_dump-not-installed was not found." in result.output
    assert os.listdir(tmp_path) == []
