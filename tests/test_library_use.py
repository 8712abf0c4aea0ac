"""The library counts searches and lesson views without knowing who made them; facilitators
see what readers look for (never a search fewer than five share), authors their views."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta
from types import SimpleNamespace

import pytest
import sqlalchemy as sa

from proeftuin.dashboard.demand import FEW_LESSONS, MIN_SHARED_SEARCHES
from proeftuin.dates import local_today, month_of
from proeftuin.extensions import db
from proeftuin.library import usage
from proeftuin.library.queries import LibrarySelection
from proeftuin.library.urls import public_lesson_url
from proeftuin.messaging import schedule
from proeftuin.models import LessonKind, LessonStatus, LessonViewCount, SearchCount

DEMAND_URL = "/begeleiding/vraag"
THIS_MONTH = month_of(local_today())


@pytest.fixture(autouse=True)
def empty_tally(monkeypatch):
    """Each test starts with nothing counted and unwritten in this process."""
    monkeypatch.setattr(usage, "_tally", usage._Tally())


@pytest.fixture
def w(make):
    programme = make.programme(name="Programma Thuis")
    other_programme = make.programme(name="Programma Elders")
    pilot = make.pilot(programme=programme, name="Proeftuin Denkstad")
    other_pilot = make.pilot(programme=other_programme, name="Proeftuin Elders")
    member = make.member(pilot, name="Deelnemer Dina")
    lesson = make.lesson(pilot, member, status=LessonStatus.published,
                         title="Respijtzorg in de wijk", directions=(3,), questions=(1,))
    other_lesson = make.lesson(other_pilot, status=LessonStatus.published,
                               title="Elders gelezen", directions=(4,), questions=(2,))
    return SimpleNamespace(
        programme=programme, pilot=pilot, member=member, lesson=lesson,
        other_lesson=other_lesson,
        other_member=make.member(other_pilot, name="Deelnemer Elders"),
        facilitator=make.facilitator(programme, name="Begeleider Bram"),
        other_facilitator=make.facilitator(other_programme, name="Begeleider Elders"),
    )


def html_of(response) -> str:
    return response.get_data(as_text=True)


def add_searches(words: str, facets: str, searches: int, found: bool = True,
                 month: date = THIS_MONTH) -> None:
    db.session.add(SearchCount(month=month, words=words, facets=facets, found=found,
                               searches=searches))
    db.session.commit()


def search_rows() -> set[tuple]:
    db.session.expire_all()
    return {(r.month, r.words, r.facets, r.found, r.searches)
            for r in db.session.scalars(sa.select(SearchCount))}


def view_rows() -> dict[tuple[int, date], int]:
    db.session.expire_all()
    return {(r.lesson_id, r.day): r.views for r in db.session.scalars(sa.select(LessonViewCount))}


# Nothing that identifies a visitor ------------------------------------------------------------


def test_the_search_log_has_no_column_that_could_identify_a_visitor(app):
    with app.app_context():
        columns = {c["name"] for c in sa.inspect(db.engine).get_columns("search_count")}
        view_columns = {c["name"] for c in sa.inspect(db.engine).get_columns("lesson_view_count")}
    # Exactly these: a month, what was searched and whether it found anything, and how
    # often. No address, session, account, user agent, referrer or moment; nor an id that
    # would give each search a row of its own.
    assert columns == {"month", "words", "facets", "found", "searches"}
    assert view_columns == {"lesson_id", "day", "views"}


def test_searches_of_a_month_with_the_same_words_and_facets_share_one_row(app, w, client):
    for agent in ("Firefox", "Safari", "Firefox"):
        client.get("/bibliotheek/", query_string={"q": "Respijtzorg wijk", "richting": "3"},
                   headers={"User-Agent": agent, "X-Forwarded-For": "203.0.113.9"})
    client.get("/bibliotheek/", query_string={"q": "wijk respijtzorg respijtzorg",
                                               "richting": "3"})
    usage.flush()

    assert search_rows() == {(THIS_MONTH, "respijtzorg wijk", "richting=3", True, 4)}


# What counts as a search ------------------------------------------------------------------------


def test_words_are_folded_sorted_once_each_and_long_numbers_left_out():
    assert usage.normalised_words(["wijk", "respijt", "wijk", "0612345678", "2026"]) == (
        "2026 respijt wijk")


def test_facets_are_written_in_a_fixed_order_without_the_order_of_results():
    selection = LibrarySelection(q="x", question=2, direction=3, kind=LessonKind.barrier,
                                 reused=True)
    assert usage.facet_string(selection) == "richting=3&vraag=2&soort=barrier&hergebruikt=1"
    assert usage.search_key(LibrarySelection()) is None


def test_browsing_further_pages_robots_and_redirects_are_not_counted(app, w, client):
    client.get("/bibliotheek/")  # browsing, no search
    client.get("/bibliotheek/", query_string={"q": "respijtzorg", "pagina": "2"})
    client.get("/bibliotheek/", query_string={"q": "respijtzorg"},
               headers={"User-Agent": "Googlebot/2.1"})
    client.get(f"/bibliotheek/{w.lesson.id}")  # a short address redirects
    client.get(f"/bibliotheek/{w.lesson.id}-anders")  # another spelling redirects

    assert usage.pending() == ({}, {})


def test_the_lesson_s_own_pilot_reading_its_page_is_not_counted(app, w, client, login):
    url = public_lesson_url(w.lesson.public_revision)
    login(w.member)
    client.get(url)
    client.post("/logout")
    login(w.other_member)
    client.get(url)

    assert usage.pending() == ({}, {(w.lesson.id, local_today()): 1})


def test_a_search_that_found_nothing_is_counted_so(app, w, client):
    client.get("/bibliotheek/", query_string={"q": "dementiecafe"})
    usage.flush()
    assert search_rows() == {(THIS_MONTH, "dementiecafe", "", False, 1)}


def test_a_page_served_from_the_page_cache_is_counted_with_its_outcome(app, w, client):
    for _ in range(3):
        client.get("/bibliotheek/", query_string={"q": "respijtzorg"})
    for _ in range(2):
        client.get(public_lesson_url(w.lesson.public_revision))
    searches, views = usage.pending()
    assert searches == {(THIS_MONTH, "respijtzorg", "", True): 3}
    assert views == {(w.lesson.id, local_today()): 2}


# Not while the visitor waits ----------------------------------------------------------------


def test_counting_adds_no_query_to_the_request_and_writes_after_the_response(
        app, w, client, count_queries):
    url = public_lesson_url(w.lesson.public_revision)
    client.get(url)
    client.get("/bibliotheek/", query_string={"q": "respijtzorg"})
    app.config["LIBRARY_USAGE_FLUSH_SECONDS"] = 0
    db.session.expire_all()
    with count_queries() as n:
        response = client.get(url)
        search = client.get("/bibliotheek/", query_string={"q": "respijtzorg"})
        # Served from the page cache: the library's version is all the request reads.
        assert n() == 2
        assert view_rows() == {}
        written_from = n()
        response.close()  # the server closes the response once it has gone out
        search.close()
    usage_writes = n() - written_from
    assert usage_writes > 0
    assert view_rows() == {(w.lesson.id, local_today()): 2}
    assert {row[1:] for row in search_rows()} == {("respijtzorg", "", True, 2)}


def test_flushes_add_up_and_views_of_a_deleted_lesson_are_dropped(app, w, client):
    url = public_lesson_url(w.lesson.public_revision)
    client.get(url)
    usage.flush()
    client.get(url)
    gone = public_lesson_url(w.other_lesson.public_revision)
    client.get(gone)
    db.session.delete(db.session.get(type(w.other_lesson), w.other_lesson.id))
    db.session.commit()
    usage.flush()

    assert view_rows() == {(w.lesson.id, local_today()): 2}
    assert usage.pending() == ({}, {})


def test_the_night_deletes_searches_older_than_two_years(app, w):
    night = datetime(2027, 3, 1, 2, tzinfo=UTC)  # 03:00 in Amsterdam, on 1 March
    kept = date(2025, 3, 1)  # the 24th month before March 2027
    add_searches("respijtzorg", "", 7, month=kept)
    add_searches("respijtzorg", "", 9, month=date(2025, 2, 1))
    add_searches("dagbesteding", "richting=3", 2, found=False, month=date(2024, 1, 1))

    assert "retention" in schedule.run_due(night)

    assert search_rows() == {(kept, "respijtzorg", "", True, 7)}
    assert usage.purge_old_searches(night) == 0


# The facilitators' page -------------------------------------------------------------------------


def test_searches_fewer_than_five_share_never_appear(app, w, client, login):
    shared = MIN_SHARED_SEARCHES
    add_searches("respijtzorg", "", shared)
    add_searches("dagbesteding", "", shared - 1)
    add_searches("dagbesteding", "", 3, month=THIS_MONTH - timedelta(days=40))
    # Five in all, but only four found nothing: not shown as a search that found nothing.
    add_searches("logeerhuis", "", shared - 1, found=False)
    add_searches("logeerhuis", "", 1, found=True)
    add_searches("mantelzorgwoning", "", shared, found=False)
    add_searches("", "vraag=2&richting=7", shared - 1, found=False)
    login(w.facilitator)

    html = html_of(client.get(DEMAND_URL, query_string={"maand": THIS_MONTH.strftime("%Y-%m")}))

    frequent = section(html, "vaakst-kop")
    nothing = section(html, "niets-kop")
    assert "respijtzorg" in frequent and "logeerhuis" in frequent
    assert "mantelzorgwoning" in nothing and "logeerhuis" not in nothing
    assert "dagbesteding" not in html
    # The cell of four searches is not shown either, though no lesson answers it.
    assert "7." not in section(html, "cellen-kop")


def test_cells_with_searches_but_few_lessons_are_shown_fewest_lessons_first(
        app, w, client, login, make):
    add_searches("", "richting=3&vraag=1", 8)  # one lesson there
    add_searches("opvang", "richting=7&vraag=2", 6, found=False)  # none
    add_searches("", "richting=4", 5)  # one lesson on the direction
    for _ in range(FEW_LESSONS):
        make.lesson(w.pilot, w.member, status=LessonStatus.published, directions=(5,),
                    questions=(3,))
    make.lesson(w.pilot, w.member, status=LessonStatus.published, directions=(5,),
                questions=(3,))
    add_searches("", "richting=5&vraag=3", 20)  # more than a few lessons: not shown
    login(w.facilitator)

    cells = section(html_of(client.get(DEMAND_URL)), "cellen-kop")

    body = cells.split("<tbody", 1)[1]
    rows = re.findall(r'<tr class="utrecht-table__row">(.*?)</tr>', body, re.S)
    numbers = [re.findall(r'numeric">(?:<a[^>]*>)?(\d+)', row) for row in rows]
    assert numbers == [["6", "0"], ["8", "1"], ["5", "1"]]
    assert "elk vraagstuk" in cells
    assert "5. " not in cells


def test_the_most_read_lessons_are_those_of_the_facilitators_own_programmes(
        app, w, client, login):
    db.session.add_all([
        LessonViewCount(lesson_id=w.lesson.id, day=local_today(), views=7),
        LessonViewCount(lesson_id=w.other_lesson.id, day=local_today(), views=9),
    ])
    db.session.commit()
    login(w.facilitator)

    read = section(html_of(client.get(DEMAND_URL, query_string={
        "maand": THIS_MONTH.strftime("%Y-%m")})), "gelezen-kop")

    assert "Respijtzorg in de wijk" in read and ">7<" in read
    assert "Elders gelezen" not in read


def test_a_month_that_cannot_be_used_gets_a_message_not_an_error(app, w, client, login):
    login(w.facilitator)
    for value in ("2026-13", "gisteren", "1999-01", "x" * 500):
        response = client.get(DEMAND_URL, query_string={"maand": value})
        assert response.status_code == 200
        assert "Kies een maand uit de lijst." in html_of(response)
    # Without a month asked for, nothing is wrong, and the list shows the month shown.
    page = html_of(client.get(DEMAND_URL))
    assert "Kies een maand uit de lijst." not in page
    assert re.search(r'<option selected value="\d{4}-\d{2}"', page) or \
        re.search(r'<option value="\d{4}-\d{2}" selected', page)


def test_the_demand_page_is_linked_beside_the_coverage_matrix(app, w, client, login):
    login(w.facilitator)
    assert DEMAND_URL in html_of(client.get("/begeleiding/dekking"))
    assert "/begeleiding/dekking" in html_of(client.get(DEMAND_URL))


def test_query_count_does_not_grow_with_searches_cells_and_views(
        app, w, client, login, make, count_queries):
    login(w.facilitator)
    client.get(DEMAND_URL)

    def measure() -> int:
        # The filters' names come from the library's choices, read once per version of the
        # library (a publication changes it), as the library page reads them.
        client.get(DEMAND_URL)
        db.session.expire_all()
        with count_queries() as n:
            assert client.get(DEMAND_URL).status_code == 200
        return n()

    add_searches("respijt", "richting=3", 6)
    few = measure()
    for i in range(25):
        add_searches(f"woord{i}", f"richting={i % 10 + 1}&vraag={i % 3 + 1}", 5 + i,
                     found=bool(i % 2))
        lesson = make.lesson(w.pilot, w.member, status=LessonStatus.published,
                             directions=(i % 10 + 1,))
        db.session.add(LessonViewCount(lesson_id=lesson.id, day=local_today(), views=i + 1))
    db.session.commit()
    many = measure()
    assert many == few


# A lesson's own views ---------------------------------------------------------------------------


def test_authors_and_facilitators_see_a_lesson_s_views_and_visitors_do_not(
        app, w, client, login):
    url = public_lesson_url(w.lesson.public_revision)
    for _ in range(3):
        client.get(url)
    usage.flush()
    db.session.add(LessonViewCount(lesson_id=w.lesson.id,
                                   day=local_today() - timedelta(days=60), views=4))
    db.session.commit()
    workspace = f"/werkplaats/{w.pilot.slug}/lessen/{w.lesson.id}"

    assert "Gelezen in de bibliotheek" not in html_of(client.get(url))
    for person in (w.member, w.facilitator):
        login(person)
        html = html_of(client.get(workspace))
        assert "3 keer in de laatste 30 dagen" in html
        assert "7 keer in totaal" in html
        client.post("/logout")
    login(w.other_member)
    assert client.get(workspace).status_code in (403, 404)
    assert "Gelezen in de bibliotheek" not in html_of(client.get(url))


def section(html: str, heading_id: str) -> str:
    """Return the section of the page labelled by the heading with this id."""
    match = re.search(rf'<section aria-labelledby="{heading_id}".*?</section>', html, re.S)
    assert match, heading_id
    return match.group(0)


def test_the_demo_shows_shared_searches_and_hides_the_rare_ones(app, ctx, client, login):
    from proeftuin import demo
    from proeftuin.models import Role, User

    demo.seed_demo()
    db.session.commit()
    facilitator = db.session.scalars(sa.select(User).where(User.role == Role.facilitator)
                                     .order_by(User.id)).first()
    login(facilitator, password=demo.DEMO_PASSWORD)

    html = html_of(client.get(DEMAND_URL))

    assert "mantelzorger respijtzorg" in section(html, "vaakst-kop")
    assert "logeerhuis" in section(html, "niets-kop")
    assert "<td" in section(html, "cellen-kop") and "<td" in section(html, "gelezen-kop")
    assert "mantelzorgwoning" not in html and "zorgrobot" not in html
