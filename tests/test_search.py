"""Full-text search of the library: Dutch stemming, ranking and an index kept current.

These tests run on SQLite and, with TEST_DATABASE_URL, on PostgreSQL, with the same data and
the same expected results: the two backends must agree.
"""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from flask import current_app

from proeftuin import search
from proeftuin.extensions import db
from proeftuin.lessons import services
from proeftuin.library.queries import LibrarySelection
from proeftuin.library.results import search as library_search
from proeftuin.models import LessonStatus
from proeftuin.search import text as search_text


def found(q: str, **filters) -> list[str]:
    """Return the titles the library finds for a query, in order."""
    # A request of its own, as a reader's: each reads the library's version anew.
    with current_app.test_request_context():
        found = library_search(LibrarySelection(q=q, **filters), page=1, per_page=50)
        return [lesson.public_revision.title for lesson in found.lessons]


@pytest.fixture
def library(make):
    pilot = make.pilot()
    member = make.member(pilot)
    lessons = {
        "steun": make.lesson(pilot, member, status=LessonStatus.published,
                             title="Ondersteuning van de mantelzorger begint bij de huisarts",
                             summary="Een vast gesprek met de cliënt en zijn naaste.",
                             body="Huisartsen vragen bij elk bezoek naar de belasting."),
        "wijk": make.lesson(pilot, member, status=LessonStatus.published,
                            title="Wijkverpleegkundigen plannen samen",
                            summary="Een gezamenlijke planning scheelt reistijd.",
                            body="Mantelzorgers ondersteunen we door vaste tijden af te spreken."),
        "app": make.lesson(pilot, member, status=LessonStatus.published,
                           title="Een zorgapp uitleggen aan huis",
                           summary="Digitale hulpmiddelen werken als iemand ze voordoet.",
                           body="Vrijwilligers helpen ouderen met de tablet."),
    }
    return lessons


@pytest.mark.parametrize(("query", "expected"), [
    ("mantelzorgers", {"steun", "wijk"}),
    ("mantelzorger", {"steun", "wijk"}),
    ("ondersteunen", {"steun", "wijk"}),
    ("huisarts", {"steun"}),
    ("clienten cliënt", {"steun"}),
    ("Wijkverpleegkundige", {"wijk"}),
    ("ZORGAPP", {"app"}),
    ("tablet vrijwilligers", {"app"}),
    ("tablet huisarts", set()),
])
def test_dutch_words_find_their_inflected_forms(library, query, expected):
    titles = {key for key, lesson in library.items() if lesson.title in found(query)}
    assert titles == expected


def test_a_match_in_the_title_ranks_above_one_in_the_body(library):
    assert found("mantelzorger")[0] == library["steun"].title
    assert found("ondersteunen")[0] == library["steun"].title


@pytest.mark.parametrize("query", [
    '"', '""', "'", "mantelzorger\"", "(", ")", "*", "AND", "OR NOT", "NEAR(a b)", "a:b",
    "title:zorg", "^zorg", "-zorg", "+zorg", "zorg*", "{zorg}", "[zorg]", "\\", "%", "_",
    "&&", "||", "!zorg", "zorg & | !", "' OR 1=1 --", "\x00", "…", "🙂", "x" * 5000,
    "zorg " * 300, "?!.,;:", "\u200b", "ｍａｎｔｅｌｚｏｒｇｅｒ",
])
def test_malformed_queries_never_raise(library, query):
    found(query)
    search_text.highlight(query, set(search_text.stems(search_text.query_words(query))))


def test_operators_are_words_not_syntax(library):
    assert found("huisarts OR tablet") == []
    assert found('"mantelzorger"') == found("mantelzorger")


def test_a_query_of_only_stop_words_or_punctuation_has_nothing_to_search(library):
    assert search_text.query_words("de het een ... !!") == []
    assert len(found("de het een")) == 3


def test_fullwidth_and_accented_letters_fold_to_the_same_word():
    assert search_text.query_words("ＭＡＮＴＥＬＺＯＲＧ Cliënt") == ["mantelzorg", "client"]


def test_withdrawal_takes_a_lesson_out_of_the_index(make, library):
    lesson = library["app"]
    services.withdraw_lesson(lesson, make.facilitator(lesson.pilot.programme), "Verouderd.")
    db.session.commit()
    assert found("tablet") == []


def test_an_edit_is_searchable_only_once_it_is_published(make, library):
    lesson = library["app"]
    member = lesson.created_by
    services.update_lesson(lesson, services.LessonContent(
        title="Een zorgapp uitleggen aan huis", kind="barrier", level="national",
        evidence="evaluated", summary="Beeldbellen met de dagbesteding.",
        body="De thuiszorg legt het uit."), by=member)
    db.session.commit()
    assert found("beeldbellen") == [] and found("tablet") == [lesson.title]

    services.submit_lesson(lesson, member)
    services.publish_lesson(lesson, make.facilitator(lesson.pilot.programme))
    db.session.commit()
    assert found("beeldbellen") == [lesson.title] and found("tablet") == []


def test_a_lesson_of_a_pilot_that_is_no_longer_public_is_not_found(make, library):
    from proeftuin.models import PilotStatus

    other = make.pilot(status=PilotStatus.declined)
    make.lesson(other, status=LessonStatus.published, title="Tablet in de wijk",
                body="Een tablet voor iedereen.")
    assert found("tablet") == [library["app"].title]


def test_rebuilding_the_index_gives_the_same_results(library):
    before = {q: found(q) for q in ("mantelzorger", "tablet", "huisarts")}
    assert search.rebuild() == 3
    db.session.commit()
    assert {q: found(q) for q in before} == before


def test_any_word_matches_lessons_with_one_of_the_words(library):
    subquery = search.matches(["tablet", "huisarts"], any_word=True)
    ids = set(db.session.scalars(sa.select(subquery.c.lesson_id)))
    assert ids == {library["app"].id, library["steun"].id}


def test_the_highlight_marks_inflected_forms_and_escapes_the_text():
    stems = set(search_text.stems(search_text.query_words("mantelzorgers")))
    marked = str(search_text.highlight("<b>De mantelzorger</b> & de Mantelzorgers.", stems))
    assert marked == ("&lt;b&gt;De <mark>mantelzorger</mark>&lt;/b&gt; &amp; de "
                      "<mark>Mantelzorgers</mark>.")


def test_a_long_text_is_cut_around_its_first_match():
    text = "begin " + "woord " * 100 + "mantelzorger einde"
    marked = str(search_text.highlight(text, {"mantelzorger"}, width=80))
    assert marked.startswith("…") and "<mark>mantelzorger</mark>" in marked


def test_python_stems_like_postgresql_does(make):
    if db.engine.dialect.name != "postgresql":
        pytest.skip("compares with PostgreSQL's Dutch stemmer")
    words = ["mantelzorgers", "ondersteuning", "ondersteunen", "huisartsen", "wijkverpleegkundigen",
             "gemeenten", "vrijwilligers", "dagbesteding", "casusbesprekingen", "lessen",
             "gezamenlijke", "ouderen", "thuiszorg", "beslissingen", "eenzaamheid"]
    postgres = [db.session.scalar(sa.text("SELECT (ts_lexize('dutch_stem', :w))[1]"), {"w": w})
                for w in words]
    assert search_text.stems(words) == postgres


def test_letters_and_digits_are_separate_words_on_both_databases(make):
    pilot = make.pilot()
    lesson = make.lesson(pilot, status=LessonStatus.published, title="Huisbezoek bij 65plussers",
                         summary="Een [link](https://voorbeeld.example/geheimwoord) in de tekst.")
    assert found("65plusser") == [lesson.title]
    assert found("plussers 65") == [lesson.title]
    # The index holds what a reader sees, not the Markdown around it.
    assert found("geheimwoord") == []
    assert found("link") == [lesson.title]


def test_the_reindex_command_rebuilds_the_index(app, make, library):
    title = library["app"].title
    db.session.execute(sa.text("DELETE FROM lesson_fts" if db.engine.dialect.name == "sqlite"
                               else "DELETE FROM lesson_search"))
    db.session.commit()
    assert found("tablet") == []
    result = app.test_cli_runner().invoke(args=["search-reindex"])
    assert result.exit_code == 0 and "Indexed 3 published lesson(s)." in result.output
    db.session.remove()
    assert found("tablet") == [title]
