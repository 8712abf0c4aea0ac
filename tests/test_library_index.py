"""The library index in memory answers exactly as the database: totals, counts and order.

The searches are drawn as the benchmark's cold mix draws them (words of the synthetic text,
one or two, a third with facets), with every order, later pages and "reused"; the data is the
synthetic generator's, with reports of reuse (one hidden) and a pilot that left the library
after publishing, so the database's index holds a lesson the library does not show.
"""

from __future__ import annotations

import random
import time

import pytest
import sqlalchemy as sa

from bench.cold_mix import vocabulary
from proeftuin.extensions import db
from proeftuin.library import current_index, memory_index, queries, results
from proeftuin.library.queries import LibrarySelection, Order
from proeftuin.models import (
    Lesson,
    LessonKind,
    LessonLevel,
    LessonReuse,
    Pilot,
    PilotStatus,
    Programme,
    Region,
    ReuseVerdict,
    utcnow,
)

PER_PAGE = 7


@pytest.fixture
def corpus(ctx, runner):
    with runner.app.app_context():
        result = runner.invoke(args=["generate-data", "--pilots", "16", "--cases", "20",
                                     "--lessons", "240", "--first-programme", "8",
                                     "--password", "synthetisch-wachtwoord"])
    assert result.exit_code == 0, result.output
    lessons = db.session.scalars(sa.select(Lesson).order_by(Lesson.id)).all()
    pilots = db.session.scalars(sa.select(Pilot).where(
        Pilot.status.in_([PilotStatus.active, PilotStatus.completed])).order_by(Pilot.id)).all()
    for number, lesson in enumerate(lessons[:30]):
        reporters = [p for p in pilots if p.id != lesson.pilot_id][: number % 4]
        for place, reporter in enumerate(reporters):
            # Months later, some adopted or adapted it and some dropped it; most said nothing.
            verdict = [None, *ReuseVerdict][(number + place) % 4]
            db.session.add(LessonReuse(lesson_id=lesson.id, pilot_id=reporter.id,
                                       how="Fictief hergebruik voor de test.",
                                       outcome="Het werkte.", verdict=verdict,
                                       hidden_at=utcnow() if number == 3 else None))
    # A pilot whose lessons stay in the database's index but leave the library.
    leaving = db.session.scalar(sa.select(Pilot).join(Lesson, Lesson.pilot_id == Pilot.id)
                                .where(Pilot.status == PilotStatus.active).limit(1))
    leaving.status = PilotStatus.declined
    db.session.commit()
    regions = db.session.scalars(sa.select(Region.id).join(Pilot).distinct()).all()
    programmes = db.session.scalars(sa.select(Programme.slug)).all()
    return sorted(regions), sorted(programmes)


def _selections(regions, programmes, count: int = 120) -> list[tuple[LibrarySelection, int]]:
    rng = random.Random(7)
    words = vocabulary()
    facets = [
        lambda: {"direction": rng.randint(1, 10)},
        lambda: {"question": rng.randint(1, 3)},
        lambda: {"region_id": rng.choice(regions)},
        lambda: {"programme_slug": rng.choice(programmes)},
        lambda: {"kind": rng.choice(list(LessonKind))},
        lambda: {"level": rng.choice(list(LessonLevel))},
        lambda: {"year": rng.choice([2024, 2025, 2026])},
        lambda: {"reused": True},
        lambda: {"proven": True},
    ]
    chosen = [(LibrarySelection(), 1), (LibrarySelection(q="mantelzorger"), 1),
              (LibrarySelection(q="mantelzorger", order=Order.reuse), 1),
              (LibrarySelection(q="woordzonderlessen"), 1),
              (LibrarySelection(order=Order.reuse), 2),
              (LibrarySelection(order=Order.proven), 1),
              (LibrarySelection(q="mantelzorger", proven=True), 1)]
    while len(chosen) < count:
        fields: dict = {}
        if rng.random() < 0.85:
            fields["q"] = " ".join(rng.sample(words, rng.choice((1, 1, 2))))
        for make in rng.sample(facets, rng.choice((0, 0, 1, 2))):
            fields.update(make())
        fields["order"] = rng.choice([None, *Order])
        chosen.append((LibrarySelection(**fields), rng.choice((1, 1, 2, 3))))
    return chosen


def _search(app, selection, page):
    app.extensions.pop("library_cache", None)
    found = results.search(selection, page, PER_PAGE, facets=True)
    return found.total, found.counts, [lesson.id for lesson in found.lessons]


def test_the_index_answers_every_search_as_the_database_does(app, corpus):
    regions, programmes = corpus
    compared = 0
    for selection, page in _selections(regions, programmes):
        app.config["LIBRARY_INDEX"] = "off"
        expected = _search(app, selection, page)
        app.config["LIBRARY_INDEX"] = "inline"
        assert _search(app, selection, page) == expected, selection
        compared += bool(expected[2])
    # Most searches found something to compare the order of.
    assert compared > 60


def test_the_scores_are_the_databases_to_the_last_bit(app, corpus):
    index = current_index.get()
    for word in vocabulary()[:40]:
        selection = LibrarySelection(q=word)
        lexemes = memory_index.lexemes(db.session.connection(), selection.words)
        matches = queries._matches(selection)
        expected = dict(db.session.execute(sa.select(matches.c.lesson_id, matches.c.score)).all())
        docs = index.text.match(lexemes)
        scores = index.text.scores(lexemes, docs)
        found = dict(zip(index.lesson_ids[docs].tolist(), scores.tolist(), strict=True))
        library = set(index.lesson_ids.tolist())
        # PostgreSQL's ts_rank is a float4: compared as one, not as its printed digits.
        as_computed = scores.dtype.type
        assert found == {lesson: float(as_computed(score)) for lesson, score in expected.items()
                         if lesson in library}, word


def test_the_index_follows_the_library_version(app, corpus):
    first = current_index.get()
    assert first is not None and len(first) > 0
    lesson = db.session.scalar(sa.select(Lesson).where(Lesson.public_revision_id.is_not(None))
                               .order_by(Lesson.id).limit(1))
    lesson.public_revision_id = None
    db.session.commit()
    # A later request reads the new version: the old index is never used for it.
    with app.test_request_context():
        second = current_index.get()
    assert second.version != first.version
    assert lesson.id not in second.lesson_ids.tolist()
    assert len(second) == len(first) - 1


def test_a_worker_builds_its_index_in_a_process_of_its_own(app, corpus):
    app.config["LIBRARY_INDEX"] = "background"
    beats = []
    current_index.build_at_start(app, heartbeat=lambda: beats.append(1))
    built = app.extensions["library_index"].index
    assert beats  # gunicorn's master hears from the worker while it builds
    here = memory_index.LibraryIndex.build(db.session.connection())
    assert built.version == here.version
    assert built.lesson_ids.tolist() == here.lesson_ids.tolist()
    selection = LibrarySelection(q="mantelzorger", direction=3)
    lexemes = memory_index.lexemes(db.session.connection(), selection.words)
    assert built.search(selection, lexemes, 1, PER_PAGE, True) == here.search(
        selection, lexemes, 1, PER_PAGE, True)


def test_until_its_index_is_built_a_worker_searches_the_database(app, corpus):
    app.config["LIBRARY_INDEX"] = "background"
    selection = LibrarySelection(q="mantelzorger")
    expected = _search(app, selection, 1)
    # The first search started a build and was answered by the database meanwhile.
    holder = app.extensions["library_index"]
    deadline = time.monotonic() + 60
    while holder.building and time.monotonic() < deadline:
        time.sleep(0.05)
    assert current_index.get() is holder.index is not None
    assert _search(app, selection, 1) == expected


def test_the_index_gives_the_related_lessons_the_database_gives(app, corpus):
    lessons = db.session.scalars(
        sa.select(Lesson).join(Pilot).where(Lesson.public_revision_id.is_not(None),
                                            Pilot.status != PilotStatus.declined)
        .order_by(Lesson.id)).all()
    compared = 0
    for lesson in lessons[::4]:
        expected = queries.related_lessons(lesson)
        assert results._related_from_index(lesson) == expected, lesson.id
        compared += bool(expected)
    assert compared > 30
