"""Browser tests: the real app on a free local port, driven by Debian's Chromium.

The app runs in a thread of the test process on its own SQLite database, built by the real
migrations and filled with the demo data, with CSRF protection and every header on, as a
visitor gets it. Playwright drives `/usr/bin/chromium` (never a downloaded browser).

Without Chromium these tests are skipped with a note on how to install it; in CI (`CI` set)
a missing browser is an error, so the checks can never silently stop running.
"""

from __future__ import annotations

import logging
import os
import shutil
import threading
from dataclasses import dataclass, field
from pathlib import Path

import pytest
import sqlalchemy as sa
from flask import got_request_exception
from werkzeug.serving import make_server

from proeftuin import create_app
from proeftuin.extensions import db, limiter

CHROMIUM = os.environ.get("PROEFTUIN_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
MIGRATIONS = Path(__file__).resolve().parents[2] / "migrations"
INSTALL_HINT = (
    "Chromium not found at {path}, so the browser, accessibility and XSS tests cannot run. "
    "Install Debian's packages with `make browser-packages` (apt-get install chromium "
    "chromium-driver), or point PROEFTUIN_CHROMIUM at a Chromium binary."
)


def _browser_available() -> bool:
    return Path(CHROMIUM).is_file() or shutil.which(CHROMIUM) is not None


def _in_browser_tests(item) -> bool:
    return Path(__file__).parent in Path(str(item.fspath)).parents


def pytest_collection_modifyitems(config, items):
    for item in items:
        if _in_browser_tests(item):
            item.add_marker(pytest.mark.browser)
    if _browser_available():
        return
    hint = INSTALL_HINT.format(path=CHROMIUM)
    if os.environ.get("CI"):
        raise pytest.UsageError("CI requires the browser tests. " + hint)
    hint = "skipped: " + hint
    skip = pytest.mark.skip(reason=hint)
    for item in items:
        if _in_browser_tests(item):
            item.add_marker(skip)


def pytest_terminal_summary(terminalreporter):
    if not _browser_available():
        terminalreporter.write_sep("!", "browser tests skipped", yellow=True)
        terminalreporter.write_line(INSTALL_HINT.format(path=CHROMIUM))


def _closed_before_sending(app):
    """Wrap a WSGI app so each response is read whole and closed before the server sends it.

    Werkzeug's server drains the socket before it closes the response; when the browser has
    already dropped the connection (it navigates on while the favicon is still being sent)
    that read raises, the close is skipped, and the open static file surfaces later as a
    ResourceWarning in whichever test happens to be running.
    """

    def wsgi(environ, start_response):
        body = app(environ, start_response)
        try:
            return [b"".join(body)]
        finally:
            if hasattr(body, "close"):
                body.close()

    return wsgi


@dataclass
class LiveServer:
    """The running app, its address and the server errors it has seen."""

    app: object
    url: str
    errors: list[str] = field(default_factory=list)

    def reset_database(self) -> None:
        """Empty every table, then load the reference data and the demo data again."""
        from proeftuin import demo
        from proeftuin.models import library_version
        from tests.conftest import empty_tables, load_reference_data

        with self.app.app_context():
            with db.engine.begin() as conn:
                before = library_version.all_current(conn)
                empty_tables(conn)
            load_reference_data()
            demo.seed_demo()
            db.session.commit()
            # The numbers only ever grow, as in production: a worker's index and kept pages
            # of the last module's data must not match the new data's numbers.
            with db.engine.begin() as conn:
                for row, version in library_version.all_current(conn).items():
                    conn.execute(sa.text(
                        "INSERT INTO library_version (id, version) VALUES (:row, :version) "
                        "ON CONFLICT (id) DO UPDATE SET version = :version"),
                        {"row": row, "version": version + before[row] + 1})
            db.session.remove()


@pytest.fixture(scope="session")
def live_server(tmp_path_factory):
    """Serve the app on a free port of 127.0.0.1 for the whole session."""
    from flask_migrate import upgrade

    base = tmp_path_factory.mktemp("live")
    app = create_app(
        {
            "SECRET_KEY": "browser-test-secret-key",
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{base / 'browser.sqlite3'}",
            "RATELIMIT_STORAGE_URI": "memory://",
        }
    )
    app.instance_path = str(base)
    with app.app_context():
        upgrade(directory=str(MIGRATIONS))
        db.session.remove()
    logging.getLogger("werkzeug").setLevel(logging.WARNING)
    server = make_server("127.0.0.1", 0, _closed_before_sending(app), threaded=True)
    live = LiveServer(app=app, url=f"http://127.0.0.1:{server.server_port}")

    def _record(sender, exception, **extra):
        live.errors.append(f"{type(exception).__name__}: {exception}")

    got_request_exception.connect(_record, app)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield live
    server.shutdown()
    thread.join(timeout=5)
    with app.app_context():
        db.engine.dispose()


@pytest.fixture(scope="module")
def site(live_server):
    """The live server with a fresh database of demo data for each test module."""
    live_server.reset_database()
    return live_server


@pytest.fixture(autouse=True)
def _fresh_limits(live_server):
    # Journeys sign in many times from 127.0.0.1; each test starts with clean counters.
    with live_server.app.app_context():
        limiter.reset()
    live_server.errors.clear()
    yield
    assert not live_server.errors, f"server errors: {live_server.errors}"


@pytest.fixture(scope="module")
def invitation_path(site) -> str:
    """An open invitation of the demo pilot, for crawls to reach the invitation page."""
    from tests.browser.crawler import open_invitation_path

    return open_invitation_path(site.app)


@pytest.fixture(scope="module")
def reuse_paths(site) -> list[str]:
    """The pages for reporting and hiding reuse, which hang off one lesson page each."""
    from tests.browser.crawler import reuse_paths_of

    return reuse_paths_of(site.app)


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def open_browser(browser, site):
    """Open a fresh browser (own cookies) that watches for trouble; returns a `Visitor`."""
    from tests.browser.visitor import Visitor

    visitors: list[Visitor] = []

    def _open(**options) -> Visitor:
        visitor = Visitor.open(browser, site.url, **options)
        visitors.append(visitor)
        return visitor

    yield _open
    for visitor in visitors:
        visitor.close()
    for visitor in visitors:
        visitor.assert_no_trouble()

