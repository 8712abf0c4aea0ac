"""Shared fixtures: a fresh database per test, clients, sign-in and query counting.

The suite runs on SQLite by default and on PostgreSQL when TEST_DATABASE_URL is set.
Each test starts from an empty schema holding only the reference data.
"""

from __future__ import annotations

import os
import re
import time
from contextlib import contextmanager
from pathlib import Path

import pytest
import sqlalchemy as sa
from flask import g
from hypothesis import settings

from proeftuin import create_app, search
from proeftuin.auth import passwords
from proeftuin.extensions import db, limiter
from proeftuin.reference import reference_rows
from tests import measurements
from tests.factories import Factories

_schema_ready: set[str] = set()

# On CI the property tests try the same inputs on every run, so that a submission fails only
# on what it changed; locally each run explores new ones. A failure prints how to replay it.
settings.register_profile("ci", derandomize=True, print_blob=True)
if os.environ.get("CI"):
    settings.load_profile("ci")


class _RememberingHasher:
    """Argon2id as the site uses it, remembering each verdict on a (hash, password) pair.

    Verifying is deliberately slow (64 MiB, about 130 ms) and a pure function of the hash and
    the password. The suite signs the same factory password in against the same hash some two
    thousand times; each distinct pair is still verified by Argon2 once, and a wrong one still
    raises as Argon2 does.
    """

    def __init__(self, hasher):
        self._hasher = hasher
        self._verdicts: dict[tuple[str, str], Exception | None] = {}

    def verify(self, password_hash, password) -> bool:
        key = (password_hash, password)
        if key not in self._verdicts:
            try:
                self._hasher.verify(password_hash, password)
                self._verdicts[key] = None
            except Exception as error:  # the verdict, re-raised below and on every later call
                self._verdicts[key] = error
        if self._verdicts[key] is not None:
            raise self._verdicts[key]
        return True

    def __getattr__(self, name):
        return getattr(self._hasher, name)


@pytest.fixture(autouse=True, scope="session")
def _remember_password_verdicts():
    real = passwords._hasher
    passwords._hasher = _RememberingHasher(real)
    yield
    passwords._hasher = real


def pytest_configure(config):
    """Give each pytest-xdist worker a PostgreSQL database of its own, beside the one named.

    Every test that reads TEST_DATABASE_URL (the migrations, backups and concurrency tests
    build apps of their own) then works in its worker's database.
    """
    worker = os.environ.get("PYTEST_XDIST_WORKER")
    url = os.environ.get("TEST_DATABASE_URL")
    if worker and url:
        os.environ["TEST_DATABASE_URL"] = _database_of_worker(url, worker)


def _database_of_worker(url: str, worker: str) -> str:
    base = sa.engine.make_url(url)
    name = f"{base.database}_{worker}"
    engine = sa.create_engine(base, isolation_level="AUTOCOMMIT")
    try:
        with engine.connect() as connection:
            exists = connection.scalar(
                sa.text("SELECT 1 FROM pg_database WHERE datname = :name"), {"name": name})
            if not exists:
                connection.execute(sa.text(f'CREATE DATABASE "{name}"'))
    finally:
        engine.dispose()
    return base.set(database=name).render_as_string(hide_password=False)


def _database_url(tmp_path_factory) -> str:
    url = os.environ.get("TEST_DATABASE_URL")
    if url:
        return url
    return f"sqlite:///{tmp_path_factory.getbasetemp() / 'test.sqlite3'}"


def load_reference_data() -> None:
    """Insert the framework's reference rows, as the first migration does."""
    for table_name, rows in reference_rows().items():
        db.session.execute(sa.insert(db.metadata.tables[table_name]), rows)
    db.session.commit()


#: the append-only tables, which refuse DELETE (proeftuin/models/audit.py)
AUDIT_TABLES = ("audit_event", "audit_purge")


def empty_audit_trail(conn) -> None:
    """Empty the audit trail between tests: its guards are lifted for the moment, as only a
    test's throwaway database may (the application and operators go through a purge)."""
    from proeftuin.models.audit import APPEND_ONLY_DDL, DROP_APPEND_ONLY_DDL

    if conn.dialect.name == "sqlite":
        for statement in DROP_APPEND_ONLY_DDL["sqlite"]:
            conn.exec_driver_sql(statement)
        for table in AUDIT_TABLES:
            conn.exec_driver_sql(f"DELETE FROM {table}")  # noqa: S608 - our own table names
        for statement in APPEND_ONLY_DDL["sqlite"]:
            conn.exec_driver_sql(statement)
        return
    for table in AUDIT_TABLES:
        conn.exec_driver_sql(f"ALTER TABLE {table} DISABLE TRIGGER USER")
        conn.exec_driver_sql(f"DELETE FROM {table}")  # noqa: S608 - our own table names
        conn.exec_driver_sql(f"ALTER TABLE {table} ENABLE TRIGGER USER")


def empty_tables(conn) -> None:
    """Delete every row of every table, the audit trail's included."""
    empty_audit_trail(conn)
    for table in reversed(db.metadata.sorted_tables):
        if table.name not in AUDIT_TABLES:
            conn.execute(table.delete())


def _reset_database() -> None:
    url = str(db.engine.url)
    if url not in _schema_ready:
        db.drop_all()
        db.create_all()
        _schema_ready.add(url)
    else:
        with db.engine.begin() as conn:
            # The search index has no model: empty it too (PostgreSQL's goes with its lessons).
            search.backend(conn).clear(conn)
            empty_tables(conn)
    load_reference_data()


#: a fixed Fernet key for the suite's TOTP secrets (not a secret: tests only)
TOTP_KEY = "dGVzdC10b3RwLWtleS1ub3QtZm9yLXByb2R1Y3Rpb24="


def _test_config(tmp_path_factory) -> dict:
    return {
        "TESTING": True,
        "SECRET_KEY": "test-secret-key-not-for-production",
        "TOTP_ENCRYPTION_KEY": TOTP_KEY,
        "SQLALCHEMY_DATABASE_URI": _database_url(tmp_path_factory),
        "WTF_CSRF_ENABLED": False,
        "RATELIMIT_STORAGE_URI": "memory://",
        # Every search after a change builds the library index in the request, so the tests
        # see what it answers (tests/test_library_index.py compares it with the database).
        "LIBRARY_INDEX": "inline",
    }


def _forget_request_cache(endpoint, values):
    # The `make` fixture keeps an app context pushed, which the client's requests reuse;
    # what Flask-Login, Flask-WTF and Flask-Babel (the language) cache in `g` must not
    # leak from request to request.
    g.pop("_login_user", None)
    g.pop("csrf_token", None)
    g.pop("_flask_babel", None)


def build_test_app(tmp_path_factory):
    """Build an app on the suite's database, as every test's `app` is built."""
    app = create_app(_test_config(tmp_path_factory))
    app.url_value_preprocessor(_forget_request_cache)
    return app


@pytest.fixture(scope="session")
def _session_app(tmp_path_factory):
    # Building the app (some 200 URL rules compiled, every template compiled again on first
    # use) cost more than most tests: the tests share one, and `app` gives each of them its
    # configuration, caches, rate limits and database afresh.
    app = build_test_app(tmp_path_factory)
    return app, dict(vars(limiter))


@pytest.fixture
def app(_session_app, tmp_path):
    """The app on a fresh database, with its own configuration, caches and instance folder."""
    app, limiter_state = _session_app
    config, extensions = app.config.copy(), dict(app.extensions)
    # Flask-Limiter keeps its storage on the extension: a test that built an app of its own
    # bound it to that app's.
    vars(limiter).update(limiter_state)
    limiter.reset()
    app.instance_path = str(tmp_path)
    with app.app_context():
        _reset_database()
    yield app
    with app.app_context():
        db.session.remove()
    app.config.clear()
    app.config.update(config)
    # What a test kept in the app's extensions (searches, pages) goes with it.
    app.extensions.clear()
    app.extensions.update(extensions)


@pytest.fixture
def fresh_app(tmp_path_factory, tmp_path):
    """An app of its own on a fresh database, for a test that adds routes or hooks to it."""
    app = build_test_app(tmp_path_factory)
    app.instance_path = str(tmp_path)
    with app.app_context():
        _reset_database()
    yield app
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


@pytest.fixture
def csrf_app(app):
    """The same app with CSRF protection on, for tests of the protection itself."""
    app.config["WTF_CSRF_ENABLED"] = True
    return app


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


@pytest.fixture
def ctx(app):
    """An application context for tests that work with models directly."""
    with app.test_request_context():
        yield


@pytest.fixture
def make(app, ctx):
    """Factories for users, programmes and pilots (see tests/factories.py)."""
    return Factories()


PASSWORD = "correct horse battery staple"


@pytest.fixture
def login(client):
    """Sign a user in through the real sign-in form."""

    def _login(user, password: str = PASSWORD):
        response = client.post(
            "/login", data={"email": user.email, "password": password}, follow_redirects=False
        )
        assert response.status_code == 302, response.get_data(as_text=True)[:500]
        return response

    return _login


@pytest.fixture
def count_queries(app):
    """Count the SQL statements run inside the block: `with count_queries() as n: ...; n()`."""

    @contextmanager
    def _count():
        statements: list[str] = []

        def before(conn, cursor, statement, parameters, context, executemany):
            if not re.match(r"\s*(SAVEPOINT|RELEASE|ROLLBACK)", statement, re.I):
                statements.append(statement)

        with app.app_context():
            engine = db.engine
        sa.event.listen(engine, "before_cursor_execute", before)
        try:
            yield lambda: len(statements)
        finally:
            sa.event.remove(engine, "before_cursor_execute", before)

    return _count


#: where the Dutch every-page crawls save a screenshot of each route's first page, per role,
#: at 1280 and 375 px; the run names the folder at its end (tests/browser/crawler.py)
SCREENSHOTS = Path(os.environ.get("PROEFTUIN_SCREENSHOTS",
                                  Path(__file__).resolve().parents[1] / "screenshots"))
_STARTED = time.time()


def pytest_terminal_summary(terminalreporter):
    """Print what the tests measured (the personal-data guard's corpus figures, …) and where
    this run's screenshots are."""
    if measurements.LINES:
        terminalreporter.section("measurements")
        for line in measurements.LINES:
            terminalreporter.write_line(line)
    shots = [shot for shot in SCREENSHOTS.glob("*/*.png") if shot.stat().st_mtime >= _STARTED]
    if shots:
        terminalreporter.section("screenshots")
        terminalreporter.write_line(f"{len(shots)} screenshots of every page, per role at 1280 and"
                                    f" 375 px, to look at: {SCREENSHOTS}")
