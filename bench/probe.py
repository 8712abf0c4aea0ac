"""In-process measurements on the benchmark's database: the pages' addresses, the queries
each page makes, and how long the database itself takes for a page's queries."""

from __future__ import annotations

from contextlib import contextmanager

import sqlalchemy as sa

from bench import cold_mix
from bench.pages import COMMON_WORD, FACET_DIRECTION
from bench.server import TOTP_KEY
from proeftuin import create_app
from proeftuin.demo.synthetic.generate import LAST_DAY
from proeftuin.extensions import db
from proeftuin.library.urls import public_lesson_url
from proeftuin.models import Lesson, LessonRevision, Pilot, Programme, Region
from proeftuin.models.pilot import PUBLIC_STATUSES

#: the lesson and pilot pages cycle through this many different records
SAMPLE = 200


#: the settings that turn the library's caches off: every request searches and renders
UNCACHED = {"LIBRARY_CACHE_SIZE": 0, "PAGE_CACHE_SIZE": 0}


def make_app(database_url: str, cached: bool = True):
    return create_app({"SQLALCHEMY_DATABASE_URI": database_url, "WTF_CSRF_ENABLED": False,
                       "TOTP_ENCRYPTION_KEY": TOTP_KEY,
                       "RATELIMIT_ENABLED": False, "SERVER_NAME": "127.0.0.1",
                       **({} if cached else UNCACHED)})


def page_paths(app) -> dict[str, list[str]]:
    """Return the addresses each page is measured at."""
    with app.app_context():
        step = max(db.session.scalar(sa.select(sa.func.count(Lesson.id))) // SAMPLE, 1)
        revisions = db.session.scalars(
            sa.select(LessonRevision)
            .join(Lesson, Lesson.public_revision_id == LessonRevision.id)
            .where(Lesson.id % step == 0).order_by(Lesson.id).limit(SAMPLE)).all()
        lessons = [public_lesson_url(revision) for revision in revisions]
        public = sa.select(Pilot).where(Pilot.status.in_(PUBLIC_STATUSES))
        step = max(db.session.scalar(
            sa.select(sa.func.count()).select_from(public.subquery())) // SAMPLE, 1)
        pilots = [f"/proeftuinen/{pilot.slug}" for pilot in db.session.scalars(
            public.where(Pilot.id % step == 0).order_by(Pilot.id).limit(SAMPLE))]
        regions = list(db.session.scalars(sa.select(Region.id)))
        programmes = list(db.session.scalars(sa.select(Programme.slug)))
        region = db.session.scalar(
            sa.select(Pilot.region_id).join(Lesson, Lesson.pilot_id == Pilot.id)
            .group_by(Pilot.region_id).order_by(sa.func.count().desc()).limit(1))
    return {
        "floor": ["/healthz"],
        "search_word": [f"/bibliotheek/?q={COMMON_WORD}"],
        "search_facets": [f"/bibliotheek/?q={COMMON_WORD}&richting={FACET_DIRECTION}"
                          f"&regio={region}"],
        "search_cold": cold_mix.paths(regions, programmes),
        "lesson": lessons,
        "pilot": pilots,
        "dashboard": ["/begeleiding/"],
        "demand": [f"/begeleiding/vraag?maand={LAST_DAY:%Y-%m}"],
        "api_lessons": ["/api/v1/lessons"],
    }


@contextmanager
def recorded_statements(app):
    """Collect (statement, parameters) of every query the app sends while inside."""
    statements: list[tuple[str, object]] = []

    def before(conn, cursor, statement, parameters, context, executemany):
        statements.append((statement, parameters))

    with app.app_context():
        engine = db.engine
    sa.event.listen(engine, "before_cursor_execute", before)
    try:
        yield statements
    finally:
        sa.event.remove(engine, "before_cursor_execute", before)


def signed_in_client(app, email: str, password: str):
    client = app.test_client()
    response = client.post("/login", data={"email": email, "password": password})
    if response.status_code != 302:
        raise RuntimeError(f"could not sign in as {email}: {response.status_code}")
    return client


def queries_per_page(app, paths: dict[str, list[str]], signed_in: set[str], email: str,
                     password: str) -> dict[str, int]:
    """Return the most queries any of a page's first addresses made (after one warm-up)."""
    anonymous = app.test_client()
    member = signed_in_client(app, email, password)
    counts = {}
    for key, addresses in paths.items():
        client = member if key in signed_in else anonymous
        most = 0
        for path in addresses[:5]:
            client.get(path)  # warm caches, as under load
            with recorded_statements(app) as statements:
                response = client.get(path)
            if response.status_code != 200:
                raise RuntimeError(f"{path} answered {response.status_code}")
            most = max(most, len(statements))
        counts[key] = most
    return counts
