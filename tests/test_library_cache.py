"""The library's search cache: repeated searches skip the database, and no change goes unseen."""

from __future__ import annotations

import re

import pytest
import sqlalchemy as sa

from proeftuin.caching.versioned_cache import LRU
from proeftuin.extensions import db
from proeftuin.lessons import services as lessons
from proeftuin.models import (
    Lesson,
    LessonStatus,
    Pilot,
    PilotStatus,
    Programme,
    library_version,
)
from proeftuin.reuse import services as reuse
from tests.test_library import facet_counts, html_of, titles


@pytest.fixture
def library(make):
    north = make.pilot(programme=make.programme(name="Programma Noord"), region="Groningen",
                       name="Proeftuin Wadstad", municipality="Wadstad")
    south = make.pilot(programme=make.programme(name="Programma Zuid"), region="Limburg",
                       name="Proeftuin Heuvelrijk", municipality="Heuvelrijk")
    make.lesson(north, status=LessonStatus.published, title="Mantelzorgers krijgen een vast gesprek",
                directions=(1,))
    make.lesson(south, status=LessonStatus.published, title="Een mantelzorger plant respijt",
                directions=(3,))
    return north, south


def _search(client, path="/bibliotheek/?q=mantelzorger"):
    return html_of(client.get(path))


def _without_csrf_tokens(html: str) -> str:
    # A token is signed with the second it was made in, so two renderings a tick apart differ.
    return re.sub(r'(name="csrf_token"[^>]*value=")[^"]+"', r'\1"', html)


def test_a_repeated_search_is_answered_without_searching_again(client, library, count_queries):
    # As signed-in readers get it: the rendered page is never kept for them.
    client.application.config["PAGE_CACHE_SIZE"] = 0
    # The database's way: what the index answers costs no queries to begin with.
    client.application.config["LIBRARY_INDEX"] = "off"
    first = _without_csrf_tokens(_search(client))
    with count_queries() as warm:
        assert _without_csrf_tokens(_search(client)) == first
    client.application.extensions.pop("library_cache")
    with count_queries() as cold:
        assert _without_csrf_tokens(_search(client)) == first
    assert warm() < cold()


def test_a_new_publication_shows_in_a_search_made_before_it(client, make, library):
    north, _ = library
    assert len(titles(_search(client))) == 2
    author = make.member(north)
    lesson = make.lesson(north, author, status=LessonStatus.draft,
                         title="Mantelzorgers en de nacht")
    lessons.submit_lesson(lesson, author)
    lessons.publish_lesson(lesson, make.facilitator(north.programme))
    db.session.commit()

    assert "Mantelzorgers en de nacht" in titles(_search(client))


def test_a_withdrawn_lesson_leaves_a_search_made_before(client, make, library):
    north, _ = library
    assert "Mantelzorgers krijgen een vast gesprek" in titles(_search(client))
    lesson = db.session.scalars(sa.select(Lesson).where(
        Lesson.pilot_id == north.id)).one()
    lessons.withdraw_lesson(lesson, make.facilitator(north.programme), reason="Verouderd.")
    db.session.commit()

    assert titles(_search(client)) == ["Een mantelzorger plant respijt"]


def test_a_pilot_moving_region_moves_its_lessons_in_the_facets(client, make, library):
    north, _ = library
    assert facet_counts(_search(client), "Regio") == {"Groningen": 1, "Limburg": 1}
    north.region = make.region("Limburg")
    db.session.commit()

    assert facet_counts(_search(client), "Regio") == {"Limburg": 2}


def test_a_report_of_reuse_and_its_hiding_change_the_reused_filter(client, make, library):
    north, south = library
    path = "/bibliotheek/?q=mantelzorger&hergebruikt=1"
    assert titles(_search(client, path)) == []
    lesson = db.session.scalars(sa.select(Lesson).where(
        Lesson.pilot_id == north.id)).one()
    report = reuse.report_reuse(lesson, south, how="Overgenomen.", outcome="Werkte.",
                                by=make.member(south))
    db.session.commit()
    assert titles(_search(client, path)) == ["Mantelzorgers krijgen een vast gesprek"]

    reuse.hide_reuse(report, by=make.facilitator(north.programme), reason="Niet passend.")
    db.session.commit()
    assert titles(_search(client, path)) == []


LIBRARY_CHANGES = [
    "UPDATE lesson SET public_revision_id = NULL",
    "UPDATE pilot SET status = 'stopped'",
    "UPDATE pilot SET region_id = (SELECT max(id) FROM region)",
    "UPDATE pilot SET programme_id = (SELECT max(id) FROM programme)",
    "UPDATE pilot SET name = name || ' Noord'",
    "UPDATE pilot SET municipality = 'Noorddorp'",
    "UPDATE programme SET slug = slug || '-nieuw'",
    "UPDATE programme SET name = name || ' Nieuw'",
    "INSERT INTO programme (slug, name, description, accepts_applications, created_at) "
    "VALUES ('programma-nieuw', 'Programma Nieuw', '', true, CURRENT_TIMESTAMP)",
    "UPDATE lesson_reuse SET hidden_at = CURRENT_TIMESTAMP",
    "DELETE FROM lesson_reuse",
    "DELETE FROM lesson",
]
#: what only a pilot's profile shows, kept rendered by proeftuin.caching.page_cache
PROFILE_CHANGES = [
    "UPDATE pilot SET results = 'Elke mantelzorger heeft een vast aanspreekpunt.'",
    "UPDATE pilot SET planned_end = '2027-12-31'",
    "UPDATE pilot_direction SET task = 'Een vast overleg.'",
    "DELETE FROM pilot_direction",
    "UPDATE pilot_organisation SET name = 'Zorggroep Anders'",
    "DELETE FROM pilot_organisation",
    "DELETE FROM pilot_question",
    "DELETE FROM pilot_discipline",
    "DELETE FROM pilot_target_group",
]


@pytest.mark.parametrize(("change", "changed", "kept"), [
    *((change, library_version.LIBRARY, None) for change in LIBRARY_CHANGES),
    *((change, library_version.PROFILES, library_version.LIBRARY) for change in PROFILE_CHANGES),
])
def test_every_write_that_changes_the_library_gives_a_new_version(app, make, library, change,
                                                                  changed, kept):
    north, south = library
    lesson = db.session.scalars(sa.select(Lesson).where(
        Lesson.pilot_id == north.id)).one()
    reuse.report_reuse(lesson, south, how="Overgenomen.", outcome="Werkte.",
                       by=make.member(south))
    db.session.commit()
    before = library_version.all_current(db.session.connection())

    db.session.execute(sa.text(change))
    db.session.commit()

    after = library_version.all_current(db.session.connection())
    assert after[changed] != before[changed]
    if kept:
        # A profile's texts change often: the searches keep their results.
        assert after[kept] == before[kept]


def test_writes_that_leave_the_library_alone_keep_the_version(app, make, library):
    north, _ = library
    before = library_version.current(db.session.connection())
    make.case(north)
    db.session.get(Pilot, north.id).contact_phone = "010 123 45 67"
    db.session.get(Programme, north.programme_id).description = "Anders beschreven."
    db.session.commit()

    assert library_version.current(db.session.connection()) == before


def test_without_a_cache_every_search_asks_the_database(client, library, count_queries):
    client.application.config["LIBRARY_CACHE_SIZE"] = 0
    _search(client)
    with count_queries() as first:
        _search(client)
    with count_queries() as second:
        _search(client)
    assert first() == second()
    assert "library_cache" not in client.application.extensions


def test_the_cache_forgets_the_least_recently_used_search_first():
    kept = LRU(2)
    kept.put("a", 1)
    kept.put("b", 2)
    assert kept.get("a") == 1
    kept.put("c", 3)
    assert (kept.get("a"), kept.get("b"), kept.get("c")) == (1, None, 3)


def test_pilots_that_become_public_bring_their_lessons(client, make, library):
    hidden = make.pilot(status=PilotStatus.selected, region="Utrecht")
    make.lesson(hidden, status=LessonStatus.published, title="Mantelzorgers in Utrecht")
    db.session.execute(sa.update(Pilot).where(Pilot.id == hidden.id)
                       .values(status=PilotStatus.declined))
    db.session.commit()
    assert "Mantelzorgers in Utrecht" not in titles(_search(client))

    db.session.execute(sa.update(Pilot).where(Pilot.id == hidden.id)
                       .values(status=PilotStatus.active))
    db.session.commit()
    assert "Mantelzorgers in Utrecht" in titles(_search(client))


def test_a_new_version_shows_only_when_the_write_that_made_it_commits(app, make, library):
    # Otherwise a reader could cache results of the old data under the new version.
    before = library_version.current(db.session.connection())
    db.session.commit()
    with db.engine.connect() as writer, db.engine.connect() as reader:
        writer.execute(sa.text("UPDATE lesson SET public_revision_id = NULL"))
        assert library_version.current(reader) == before
        writer.commit()
        reader.rollback()  # a new snapshot
        assert library_version.current(reader) != before
