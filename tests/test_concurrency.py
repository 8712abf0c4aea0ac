"""Twenty writers, a few readers and a backup at once, against the real app on SQLite.

The app serves a SQLite file built by the real migrations from a threaded server, as in
production. Every writer, signed in as its own member of the pilot, posts the real case form
WRITES times, readers search the library and open a lesson until the writers are done, and
once half the writes are confirmed `proeftuin.backup` copies the live database. Nothing may
fail, every confirmed case must be stored once and whole, and the backup must be a
consistent snapshot. The test counts writes, not seconds: a slow or busy machine takes
longer over the same work instead of doing less of it.
"""

from __future__ import annotations

import http.client
import logging
import os
import re
import sqlite3
import threading
import time
from dataclasses import dataclass, field
from datetime import date
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import urlencode

import pytest
from werkzeug.serving import make_server

from proeftuin import backup as backups
from proeftuin import create_app, database
from proeftuin.extensions import db
from proeftuin.models import CASE_TEXT_FIELDS, LessonStatus
from tests import measurements
from tests.factories import PASSWORD, Factories

pytestmark = pytest.mark.skipif(
    bool(os.environ.get("TEST_DATABASE_URL")),
    reason="a test of SQLite under concurrent writers; the PostgreSQL pass leaves it out",
)

WRITERS = 20
#: case discussions each writer posts
WRITES = 12
READERS = 4
#: seconds everyone may take to sign in, and each client to finish: a bound on a hang only
SIGN_IN_TIMEOUT = JOIN_TIMEOUT = 300
#: what the readers search the library for; every seeded lesson holds it
COMMON_WORD = "mantelzorger"
MIGRATIONS = Path(__file__).resolve().parents[1] / "migrations"
CASE_PATH = re.compile(r"/werkplaats/[^/]+/casussen/(\d+)$")


class Client:
    """A browser of one: its own cookies, a fresh connection per request, no redirects followed."""

    def __init__(self, port: int):
        self.port = port
        self.cookies = SimpleCookie()

    def request(self, method: str, path: str, form: dict | None = None):
        """Send one request; return the status, the Location header and the body."""
        headers = {}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={m.value}" for k, m in self.cookies.items())
        body = None
        if form is not None:
            body = urlencode(form, doseq=True)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
        try:
            connection.request(method, path, body, headers)
            response = connection.getresponse()
            content = response.read()
            for cookie in response.headers.get_all("Set-Cookie") or ():
                self.cookies.load(cookie)
            return response.status, response.headers.get("Location", ""), content
        finally:
            connection.close()


@dataclass
class Tally:
    """What the threads saw, gathered under one lock."""

    lock: threading.Lock = field(default_factory=threading.Lock)
    #: case id -> the form fields its writer sent and got confirmed
    confirmed: dict[int, dict] = field(default_factory=dict)
    reads: int = 0
    failures: list[str] = field(default_factory=list)
    #: set once half of all writes are confirmed: the backup's moment
    half_way: threading.Event = field(default_factory=threading.Event)
    #: set once every writer is done: the readers' signal to stop
    written: threading.Event = field(default_factory=threading.Event)

    def confirm(self, case_id: int, form: dict) -> None:
        with self.lock:
            self.confirmed[case_id] = form
            if len(self.confirmed) >= WRITERS * WRITES // 2:
                self.half_way.set()

    def fail(self, message: str) -> None:
        with self.lock:
            self.failures.append(message)


class Collector(logging.Handler):
    """Keep the errors the app logs, with their exception."""

    def __init__(self, errors: list[str]):
        super().__init__(level=logging.ERROR)
        self.errors = errors

    def emit(self, record: logging.LogRecord) -> None:
        exception = record.exc_info[1] if record.exc_info else None
        self.errors.append(f"{record.getMessage()}: {exception!r}")


@pytest.fixture
def site(tmp_path):
    """The app on a migrated SQLite file, served by a threaded server on a free port."""
    from flask_migrate import upgrade

    db_file = tmp_path / "concurrency.sqlite3"
    app = create_app({
        "TESTING": True,
        "SECRET_KEY": "concurrency-test-secret-key",
        "SQLALCHEMY_DATABASE_URI": f"sqlite:///{db_file}",
        "WTF_CSRF_ENABLED": False,
        "RATELIMIT_STORAGE_URI": "memory://",
        "LOGIN_RATE_LIMIT": "1000 per minute",
    })
    app.instance_path = str(tmp_path)
    with app.app_context():
        upgrade(directory=str(MIGRATIONS))
        db.session.remove()
    errors: list[str] = []
    # The app's error handler answers 500 and logs the exception: keep what it logs.
    collector = Collector(errors)
    app.logger.addHandler(collector)
    logging.getLogger("werkzeug").setLevel(logging.WARNING)
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield app, server.server_port, db_file, errors
    server.shutdown()
    thread.join(timeout=10)
    app.logger.removeHandler(collector)
    with app.app_context():
        db.engine.dispose()


def seed(app):
    """One programme, one active pilot with WRITERS members, lessons the readers find."""
    with app.test_request_context():
        make = Factories()
        pilot = make.pilot()
        members = [make.member(pilot, email=f"schrijver{n}@voorbeeld.example")
                   for n in range(WRITERS)]
        lessons = [
            make.lesson(pilot, members[0], status=LessonStatus.published,
                        title=f"Les {n} over de {COMMON_WORD}",
                        summary=f"Vraag de {COMMON_WORD} wat die zelf nodig heeft ({n}).")
            for n in range(5)
        ]
        seeded = (pilot.slug, [m.email for m in members],
                  f"/bibliotheek/{lessons[0].id}")
        db.session.remove()
    return seeded


def case_form(writer: int, number: int) -> dict:
    """A complete case form, unique to this writer and post, free of personal data."""
    tag = f"schrijver {writer} bespreking {number}"
    return {
        "held_on": date(2026, 3, 10).isoformat(),
        "title": f"Casus van {tag}",
        "status": "final",
        **{name: f"Tekst voor {name.replace('_', ' ')} van {tag}." for name in CASE_TEXT_FIELDS},
        "disciplines": ["1"],
        "questions": ["1"],
        "directions": ["1"],
        "follow_ups-0-action": f"Afspraak van {tag}",
        "follow_ups-0-owner": "de wijkverpleegkundige",
    }


def write(port: int, slug: str, email: str, writer: int, start: threading.Barrier,
          tally: Tally) -> None:
    client = Client(port)
    status, location, _ = client.request("POST", "/login",
                                         {"email": email, "password": PASSWORD})
    if status != 302:
        tally.fail(f"writer {writer}: sign-in answered {status}")
    start.wait(timeout=SIGN_IN_TIMEOUT)
    for number in range(1, WRITES + 1):
        form = case_form(writer, number)
        try:
            status, location, body = client.request("POST", f"/werkplaats/{slug}/casussen/nieuw",
                                                    form)
        except OSError as error:
            tally.fail(f"writer {writer}: {type(error).__name__}: {error}")
            continue
        found = CASE_PATH.search(location) if status == 302 else None
        if found is None:
            tally.fail(f"writer {writer}: answered {status} {location!r} "
                       f"{body[:200]!r}")
            continue
        tally.confirm(int(found.group(1)), form)


def read(port: int, lesson_path: str, start: threading.Barrier, tally: Tally) -> None:
    client = Client(port)
    start.wait(timeout=SIGN_IN_TIMEOUT)
    paths = [f"/bibliotheek/?q={COMMON_WORD}", lesson_path]
    turn = 0
    while not tally.written.is_set():
        path = paths[turn % 2]
        turn += 1
        try:
            status, location, _ = client.request("GET", path)
        except OSError as error:
            tally.fail(f"reader: {type(error).__name__}: {error}")
            continue
        if path == lesson_path and status == 301:
            # The short URL names the canonical one; read that from now on.
            paths[1] = lesson_path = location.removeprefix(f"http://127.0.0.1:{port}")
            continue
        if status != 200:
            tally.fail(f"reader: {path} answered {status}")
            continue
        with tally.lock:
            tally.reads += 1


def stored_cases(connection: sqlite3.Connection) -> dict[int, dict]:
    """Every case discussion in the file, with what the form set, as the form sent it."""
    columns = ", ".join(("id", "held_on", "title", "status", *CASE_TEXT_FIELDS))
    cases = {}
    for row in connection.execute(f"SELECT {columns} FROM case_discussion"):  # noqa: S608
        case_id, held_on, title, status, *texts = row
        cases[case_id] = {"held_on": held_on, "title": title, "status": status,
                          **dict(zip(CASE_TEXT_FIELDS, texts, strict=True))}
    links = {
        "disciplines": "SELECT case_id, discipline_id FROM case_discipline",
        "questions": "SELECT case_id, number FROM case_question"
                     " JOIN carer_question ON carer_question.id = question_id",
        "directions": "SELECT case_id, number FROM case_direction"
                      " JOIN solution_direction ON solution_direction.id = direction_id",
    }
    for name, query in links.items():
        for case_id, value in connection.execute(query):
            cases[case_id].setdefault(name, []).append(str(value))
    for case_id, action, owner in connection.execute(
            "SELECT case_id, action, owner FROM case_follow_up"):
        cases[case_id]["follow_ups-0-action"] = action
        cases[case_id]["follow_ups-0-owner"] = owner
    return cases


def case_count(db_file: Path) -> int:
    connection = sqlite3.connect(db_file, timeout=30)
    try:
        return connection.execute("SELECT count(*) FROM case_discussion").fetchone()[0]
    finally:
        connection.close()


def test_writers_readers_and_a_backup_at_once_lose_and_break_nothing(site, tmp_path):
    app, port, db_file, errors = site
    slug, emails, lesson_path = seed(app)
    tally = Tally()
    began = []
    # Runs once everyone has signed in, before any of them is let go.
    start = threading.Barrier(WRITERS + READERS + 1, action=lambda: began.append(time.monotonic()))
    writers = [threading.Thread(target=write, args=(port, slug, email, n, start, tally))
               for n, email in enumerate(emails)]
    readers = [threading.Thread(target=read, args=(port, lesson_path, start, tally))
               for _ in range(READERS)]
    for thread in writers + readers:
        thread.start()
    start.wait(timeout=SIGN_IN_TIMEOUT)

    # Half-way through the writes, or when the writers are done (failing, say) before that.
    while not tally.half_way.wait(timeout=0.05):
        if not any(thread.is_alive() for thread in writers):
            break
    copy = tmp_path / "backup.sqlite3"
    before = case_count(db_file)
    backup_began = time.monotonic()
    with app.app_context():
        result = backups.backup(copy)
        db.session.remove()
    backup_seconds = time.monotonic() - backup_began
    after = case_count(db_file)

    for thread in writers:
        thread.join(timeout=JOIN_TIMEOUT)
    tally.written.set()
    for thread in readers:
        thread.join(timeout=JOIN_TIMEOUT)
    assert not any(thread.is_alive() for thread in writers + readers), "a client never finished"
    elapsed = time.monotonic() - began[0]

    assert errors == []
    assert tally.failures == []
    assert len(tally.confirmed) == WRITERS * WRITES and tally.reads

    live = sqlite3.connect(db_file)
    try:
        stored = stored_cases(live)
    finally:
        live.close()
    # Every confirmed write is there once, whole; nothing unconfirmed slipped in.
    assert sorted(stored) == sorted(tally.confirmed)
    titles = [case["title"] for case in stored.values()]
    assert len(set(titles)) == len(titles)
    for case_id, sent in tally.confirmed.items():
        assert stored[case_id] == sent, case_id

    backup = sqlite3.connect(copy)
    try:
        assert backup.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
        in_backup = stored_cases(backup)
    finally:
        backup.close()
    assert before <= len(in_backup) <= after
    assert result.counts["case discussion(s)"] == len(in_backup)
    for case_id, case in in_backup.items():
        assert case == tally.confirmed[case_id], case_id

    writes = len(tally.confirmed)
    measurements.report(
        f"concurrency on SQLite: {WRITERS} writers saved {writes} case discussions "
        f"({writes / elapsed:.0f}/s) and {READERS} readers got {tally.reads} library pages "
        f"({tally.reads / elapsed:.0f}/s) in {elapsed:.0f} s; the backup half-way took "
        f"{backup_seconds:.2f} s and holds {len(in_backup)} of them "
        f"({before} before it began, {after} after it ended)",
    )


def test_a_writer_leaves_the_write_queue_however_its_transaction_ends(app, make):
    queue = database._queue_for(db.engine.url.database)
    user = make.user()
    assert not queue.locked()

    user.name = "Eerste wijziging"
    db.session.flush()
    assert queue.locked()
    db.session.commit()
    assert not queue.locked()

    user.name = "Teruggedraaide wijziging"
    db.session.flush()
    db.session.rollback()
    assert not queue.locked()

    user.name = "Vergeten wijziging"
    db.session.flush()
    db.session.remove()  # the connection goes back to the pool, its transaction undone
    assert not queue.locked()
    assert db.session.get(type(user), user.id).name == "Eerste wijziging"
