"""Shared fixtures: a fresh database per test, clients, sign-in and query counting.

The suite runs on SQLite by default and on PostgreSQL when TEST_DATABASE_URL is set.
Each test starts from an empty schema holding only the reference data.
"""

from __future__ import annotations

import os
import re
from contextlib import contextmanager

import pytest
import sqlalchemy as sa
from flask import g
from hypothesis import settings

from proeftuin import create_app, search
from proeftuin.extensions import db
from proeftuin.reference import reference_rows
from tests import measurements
from tests.factories import Factories

_schema_ready: set[str] = set()

# On CI the property tests try the same inputs on every run, so that a submission fails only
# on what it changed; locally each run explores new ones. A failure prints how to replay it.
settings.register_profile("ci", derandomize=True, print_blob=True)
if os.environ.get("CI"):
    settings.load_profile("ci")


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
            for table in reversed(db.metadata.sorted_tables):
                conn.execute(table.delete())
    load_reference_data()


@pytest.fixture
def app(tmp_path_factory, tmp_path):
    """A fresh app on a fresh database."""
    app = create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "test-secret-key-not-for-production",
            "SQLALCHEMY_DATABASE_URI": _database_url(tmp_path_factory),
            "WTF_CSRF_ENABLED": False,
            "RATELIMIT_STORAGE_URI": "memory://",
        }
    )
    app.instance_path = str(tmp_path)

    @app.url_value_preprocessor
    def _forget_request_cache(endpoint, values):
        # The `make` fixture keeps an app context pushed, which the client's requests reuse;
        # what Flask-Login, Flask-WTF and Flask-Babel (the language) cache in `g` must not
        # leak from request to request.
        g.pop("_login_user", None)
        g.pop("csrf_token", None)
        g.pop("_flask_babel", None)

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


def pytest_terminal_summary(terminalreporter):
    """Print what the tests measured, such as the personal-data guard's corpus figures."""
    if measurements.LINES:
        terminalreporter.section("measurements")
        for line in measurements.LINES:
            terminalreporter.write_line(line)
