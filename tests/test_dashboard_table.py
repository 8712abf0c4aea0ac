"""The facilitators' pilot table on /begeleiding/: figures per pilot, the quiet flag, missing
disciplines, sorting and filtering, the CSV export, and a query count that does not grow."""

from __future__ import annotations

import csv
import io
import re
from datetime import UTC, date, datetime, timedelta
from types import SimpleNamespace

import pytest
import sqlalchemy as sa

from proeftuin import demo
from proeftuin.extensions import db
from proeftuin.models import (
    CaseDiscussion,
    Experiment,
    Lesson,
    LessonReuse,
    LessonReview,
    LessonStatus,
    Measure,
    MeasureValue,
    PilotStatus,
    PilotStatusChange,
    ReviewDecision,
    User,
)
from tests.test_dashboard import assert_sent_to_login, html_of

PAGE = "/begeleiding/"
CSV = "/begeleiding/proeftuinen.csv"
NOW = datetime.now(UTC)


# Helpers ----------------------------------------------------------------------------------


def ago(days: float) -> datetime:
    return NOW - timedelta(days=days)


def set_activity(pilot_id: int, when: datetime) -> None:
    """Date everything that happened to the pilot at `when`, as if nothing happened since."""
    lesson_ids = sa.select(Lesson.id).where(Lesson.pilot_id == pilot_id)
    db.session.execute(sa.update(PilotStatusChange)
                       .where(PilotStatusChange.pilot_id == pilot_id).values(created_at=when))
    db.session.execute(sa.update(CaseDiscussion).where(CaseDiscussion.pilot_id == pilot_id)
                       .values(created_at=when, updated_at=when))
    db.session.execute(sa.update(LessonReview).where(LessonReview.lesson_id.in_(lesson_ids))
                       .values(created_at=when))
    db.session.execute(sa.update(Lesson).where(Lesson.pilot_id == pilot_id)
                       .values(created_at=when, updated_at=when,
                               submitted_at=sa.case((Lesson.submitted_at.is_(None), None),
                                                    else_=when)))
    measure_ids = sa.select(Measure.id).where(Measure.pilot_id == pilot_id)
    db.session.execute(sa.update(MeasureValue).where(MeasureValue.measure_id.in_(measure_ids))
                       .values(created_at=when, updated_at=when))
    db.session.execute(sa.update(Experiment).where(Experiment.pilot_id == pilot_id)
                       .values(created_at=when, updated_at=when))
    db.session.execute(sa.update(LessonReuse).where(LessonReuse.pilot_id == pilot_id)
                       .values(created_at=when))
    db.session.commit()


def measured_and_tried(make, pilot) -> tuple[MeasureValue, Experiment, LessonReuse]:
    """Give the pilot a measure with a value, an experiment, and a reuse report it filed."""
    measure = Measure(pilot=pilot, name="Mantelzorgers gesproken")
    value = MeasureValue(month=date(2030, 1, 1), value=4)
    measure.values.append(value)
    experiment = Experiment(pilot=pilot, title="Belronde", started_on=date(2030, 1, 1))
    elsewhere = make.pilot(programme=pilot.programme, name="Proeftuin Bron")
    reuse = LessonReuse(lesson=make.lesson(elsewhere, status=LessonStatus.published),
                        pilot=pilot, how="Overgenomen.", outcome="Werkt.")
    db.session.add_all([measure, experiment, reuse])
    db.session.commit()
    return value, experiment, reuse


def world(make) -> SimpleNamespace:
    """Two programmes, a facilitator of each, and a pilot in each with its people."""
    programme = make.programme(name="Programma Thuis")
    other_programme = make.programme(name="Programma Elders")
    facilitator = make.facilitator(programme, name="Begeleider Bram")
    other_facilitator = make.facilitator(other_programme, name="Begeleider Elders")
    pilot = make.pilot(programme=programme, name="Proeftuin Denkstad", region="Gelderland",
                       municipality="Denkstad")
    other_pilot = make.pilot(programme=other_programme, name="Proeftuin Elders")
    participant = make.member(pilot, name="Deelnemer Dina")
    return SimpleNamespace(
        programme=programme, other_programme=other_programme, pilot=pilot,
        other_pilot=other_pilot, facilitator=facilitator, other_facilitator=other_facilitator,
        participant=participant, coordinator=make.coordinator(pilot, name="Coördinator Cas"),
        other_participant=make.member(other_pilot, name="Deelnemer Elders"),
        admin=make.admin(name="Beheerder Bea"), anonymous=None,
    )


def row_of(html: str, name: str) -> str:
    """Return the HTML of the table row of the pilot with this name."""
    match = re.search(rf'scope="row"><a [^>]*>{re.escape(name)}</a>(.*?)</tr>', html, re.S)
    assert match, f"no row for {name}"
    return match.group(1)


def names_in_table(html: str) -> list[str]:
    return re.findall(r'scope="row"><a class="utrecht-link" href="/begeleiding/proeftuinen/'
                      r'[^"]+">([^<]+)</a>', html)


#: the table's cells after the pilot's name, in the order the page shows them
COLUMNS = ("status", "waiting", "missing", "last_activity", "cases", "lessons", "harvests",
           "municipality", "region", "planned")


def cells(row_html: str) -> dict[str, str]:
    """Return the text of each cell of a row by its column, whitespace collapsed."""
    found = re.findall(r"<td[^>]*>(.*?)</td>", row_html, re.S)
    texts = [re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", cell)).strip() for cell in found]
    return dict(zip(COLUMNS, texts, strict=True))


def read_csv(response) -> list[list[str]]:
    text = response.get_data(as_text=True)
    assert text.startswith("\ufeff"), "a byte order mark, so spreadsheets read UTF-8"
    return list(csv.reader(io.StringIO(text[1:]), delimiter=";"))  # for Dutch spreadsheets


# The figures ------------------------------------------------------------------------------


def test_row_shows_cases_lessons_by_status_waiting_and_missing_disciplines(client, make, login):
    w = world(make)
    author = w.participant
    for _ in range(3):
        make.case(w.pilot, by=author)
    make.case(w.other_pilot)  # another pilot's work counts for that pilot only
    for status, number in ((LessonStatus.draft, 2), (LessonStatus.submitted, 2),
                           (LessonStatus.published, 1), (LessonStatus.returned, 1),
                           (LessonStatus.withdrawn, 1)):
        for _ in range(number):
            make.lesson(w.pilot, by=author, status=status)
    w.pilot.planned_start, w.pilot.planned_end = date(2031, 1, 6), date(2032, 12, 31)
    db.session.commit()
    login(w.facilitator)

    html = html_of(client.get(PAGE))

    row = row_of(html, "Proeftuin Denkstad")
    status, waiting, missing, _last, cases, lessons, harvests, municipality, region, \
        planned = cells(row).values()
    assert (municipality, region, status) == ("Denkstad", "Gelderland", "Actief")
    assert planned == "6 jan 2031 – 31 dec 2032"
    assert cases == "3"
    assert harvests == "– geen ronde"  # a pilot outside any call's cohort has no harvests
    assert lessons.startswith("1 gepubliceerd, 5 in bewerking")
    assert "Concept 2" in lessons and "Ingetrokken 1" in lessons and "Teruggegeven 1" in lessons
    assert waiting.startswith("2")
    assert 'href="/begeleiding/lessen/"' in row, "the waiting lessons link to the review queue"
    # The factory's pilots have a GP and a district nurse; the other two essentials are missing.
    assert missing == "Mist Wmo-consulent, Sociaal werker"
    assert "Proeftuin Elders" not in html


def test_pilot_with_every_essential_discipline_misses_none(client, make, login):
    w = world(make)
    w.pilot.disciplines = [make.discipline(k) for k in
                           ("gp", "district_nurse", "wmo_consultant", "social_worker")]
    db.session.commit()
    login(w.facilitator)

    html = html_of(client.get(PAGE))

    assert cells(row_of(html, "Proeftuin Denkstad"))["missing"] == "geen"
    assert "Alle proeftuinen hebben de essentiële disciplines aan tafel." in html


@pytest.mark.parametrize("latest", ["started", "case_created", "case_updated",
                                    "lesson_created", "submitted", "value_entered",
                                    "value_changed", "experiment_created",
                                    "experiment_updated", "reuse"])
def test_last_activity_is_the_latest_thing_the_pilots_members_did(client, make, login,
                                                                   latest):
    w = world(make)
    case = make.case(w.pilot)
    lesson = make.lesson(w.pilot, status=LessonStatus.returned)
    value, experiment, reuse = measured_and_tried(make, w.pilot)
    set_activity(w.pilot.id, datetime(2030, 1, 1, 12, tzinfo=UTC))
    moment = datetime(2030, 6, 15, 12, tzinfo=UTC)
    changes = {
        "case_created": (CaseDiscussion, case.id, "created_at"),
        "case_updated": (CaseDiscussion, case.id, "updated_at"),
        "lesson_created": (Lesson, lesson.id, "created_at"),
        "submitted": (Lesson, lesson.id, "submitted_at"),
        "value_entered": (MeasureValue, value.id, "created_at"),
        "value_changed": (MeasureValue, value.id, "updated_at"),
        "experiment_created": (Experiment, experiment.id, "created_at"),
        "experiment_updated": (Experiment, experiment.id, "updated_at"),
        "reuse": (LessonReuse, reuse.id, "created_at"),
    }
    if latest == "started":
        db.session.add(PilotStatusChange(pilot_id=w.pilot.id, from_status=PilotStatus.selected,
                                         to_status=PilotStatus.active, created_at=moment))
    else:
        model, row_id, column = changes[latest]
        db.session.execute(sa.update(model).where(model.id == row_id)
                           .values({column: moment}))
    db.session.commit()
    login(w.facilitator)

    html = html_of(client.get(PAGE))

    assert "15 jun 2030" in cells(row_of(html, "Proeftuin Denkstad"))["last_activity"]
    row = next(r for r in read_csv(client.get(CSV)) if r[0] == "Proeftuin Denkstad")
    assert row[7] == "2030-06-15T12:00:00Z"


@pytest.mark.parametrize("done_by_facilitator", ["review", "lesson_touched"])
def test_what_a_facilitator_does_keeps_no_pilot_from_being_quiet(client, make, login,
                                                                  done_by_facilitator):
    w = world(make)
    lesson = make.lesson(w.pilot, status=LessonStatus.submitted)
    set_activity(w.pilot.id, ago(100))
    if done_by_facilitator == "review":
        db.session.add(LessonReview(lesson=lesson, decision=ReviewDecision.returned,
                                    feedback="Maak het concreter.", created_at=ago(3)))
    else:  # a review or publication bumps it
        db.session.execute(sa.update(Lesson).where(Lesson.id == lesson.id)
                           .values(updated_at=ago(3)))
    db.session.commit()
    login(w.facilitator)

    html = html_of(client.get(PAGE))

    row = cells(row_of(html, "Proeftuin Denkstad"))
    assert "Stil" in row["last_activity"]
    assert "1 proeftuin is langer dan 6 weken stil" in html


def test_page_says_what_counts_as_activity(client, make, login):
    w = world(make)
    login(w.facilitator)

    html = html_of(client.get(PAGE))

    assert ("Als activiteit telt wat de deelnemers van een proeftuin zelf doen" in
            re.sub(r"\s+", " ", html))


# Quiet pilots -----------------------------------------------------------------------------


@pytest.mark.parametrize(("status", "can_be_quiet"), [
    (PilotStatus.active, True), (PilotStatus.selected, True), (PilotStatus.applied, False),
    (PilotStatus.declined, False), (PilotStatus.completed, False), (PilotStatus.stopped, False),
])
def test_only_active_and_selected_pilots_are_flagged_quiet(client, make, login, status,
                                                           can_be_quiet):
    w = world(make)
    sleepy = make.pilot(programme=w.programme, status=status, name="Proeftuin Slaap")
    make.case(sleepy)
    set_activity(sleepy.id, ago(7 * 6 + 1))  # six weeks and a day: longer than the default
    login(w.facilitator)

    html = html_of(client.get(PAGE))

    quiet_cell = cells(row_of(html, "Proeftuin Slaap"))["last_activity"]
    assert ("Stil" in quiet_cell) is can_be_quiet
    if can_be_quiet:
        assert "6 weken niets gebeurd" in quiet_cell
        assert "1 proeftuin is langer dan 6 weken stil" in html
    assert "Stil" not in cells(row_of(html, "Proeftuin Denkstad"))["last_activity"]


def test_quiet_follows_the_configured_number_of_weeks(app, client, make, login):
    w = world(make)
    set_activity(w.pilot.id, ago(7 * 3 + 1))
    login(w.facilitator)

    assert "Stil" not in cells(row_of(html_of(client.get(PAGE)), "Proeftuin Denkstad"))["last_activity"]
    app.config["QUIET_AFTER_WEEKS"] = 3
    html = html_of(client.get(PAGE))
    assert "Stil" in cells(row_of(html, "Proeftuin Denkstad"))["last_activity"]
    assert "1 proeftuin is langer dan 3 weken stil" in html


def test_recent_work_keeps_a_pilot_from_being_quiet(client, make, login):
    w = world(make)
    set_activity(w.pilot.id, ago(200))
    make.case(w.pilot)  # logged just now
    login(w.facilitator)

    html = html_of(client.get(PAGE))

    assert "Stil" not in cells(row_of(html, "Proeftuin Denkstad"))["last_activity"]
    assert "Geen proeftuin is langer dan 6 weken stil." in html


def test_quiet_weeks_setting_must_be_a_positive_whole_number(monkeypatch, tmp_path):
    from proeftuin.config import ConfigError, load_config

    monkeypatch.setenv("QUIET_AFTER_WEEKS", "8")
    assert load_config(str(tmp_path))["QUIET_AFTER_WEEKS"] == 8
    monkeypatch.setenv("QUIET_AFTER_WEEKS", "nul")
    with pytest.raises(ConfigError):
        load_config(str(tmp_path))
    monkeypatch.delenv("QUIET_AFTER_WEEKS")
    assert load_config(str(tmp_path))["QUIET_AFTER_WEEKS"] == 6


# Sorting ----------------------------------------------------------------------------------


def three_pilots(make, w):
    """Pilots that sort differently on every column."""
    a = make.pilot(programme=w.programme, name="Aa Proeftuin", status=PilotStatus.selected)
    b = make.pilot(programme=w.programme, name="Bb Proeftuin", status=PilotStatus.applied)
    c = make.pilot(programme=w.programme, name="Cc Proeftuin", status=PilotStatus.completed)
    for _ in range(3):
        make.case(b)
    make.case(c)
    make.lesson(c, status=LessonStatus.published)
    make.lesson(a, status=LessonStatus.submitted)
    make.lesson(a, status=LessonStatus.submitted)
    set_activity(a.id, ago(30))
    set_activity(b.id, ago(10))
    set_activity(c.id, ago(20))
    set_activity(w.pilot.id, ago(5))
    a.planned_start, b.planned_start, c.planned_start = (
        date(2031, 3, 1), date(2031, 1, 1), date(2031, 2, 1))
    a.disciplines = []
    db.session.commit()


@pytest.mark.parametrize(("query", "expected"), [
    ("", ["Aa", "Bb", "Cc", "Proeftuin Denkstad"]),
    ("?sorteer=naam&volgorde=aflopend", ["Proeftuin Denkstad", "Cc", "Bb", "Aa"]),
    ("?sorteer=status&volgorde=oplopend", ["Bb", "Aa", "Proeftuin Denkstad", "Cc"]),
    # A pilot without a planned start comes last, either way.
    ("?sorteer=start&volgorde=oplopend", ["Bb", "Cc", "Aa", "Proeftuin Denkstad"]),
    ("?sorteer=start&volgorde=aflopend", ["Aa", "Cc", "Bb", "Proeftuin Denkstad"]),
    ("?sorteer=activiteit", ["Aa", "Cc", "Bb", "Proeftuin Denkstad"]),
    ("?sorteer=activiteit&volgorde=aflopend", ["Proeftuin Denkstad", "Bb", "Cc", "Aa"]),
    ("?sorteer=casussen", ["Bb", "Cc", "Aa", "Proeftuin Denkstad"]),
    ("?sorteer=lessen&volgorde=aflopend", ["Cc", "Aa", "Bb", "Proeftuin Denkstad"]),
    ("?sorteer=wacht&volgorde=aflopend", ["Aa", "Bb", "Cc", "Proeftuin Denkstad"]),
    ("?sorteer=mist&volgorde=aflopend", ["Aa", "Bb", "Cc", "Proeftuin Denkstad"]),
])
def test_table_sorts_on_each_column_both_ways(client, make, login, query, expected):
    w = world(make)
    three_pilots(make, w)
    login(w.facilitator)

    names = names_in_table(html_of(client.get(PAGE + query)))

    assert [n if n.startswith("Proeftuin") else n[:2] for n in names] == expected


def test_sort_headers_are_links_and_mark_the_sorted_column(client, make, login):
    w = world(make)
    login(w.facilitator)

    html = html_of(client.get(PAGE + "?sorteer=activiteit&volgorde=oplopend&status=active"))

    sorted_headers = re.findall(r'<th [^>]*aria-sort="([a-z]+)"[^>]*>\s*<a[^>]*>([^<]+)', html)
    assert sorted_headers == [("ascending", "Laatste activiteit")]
    links = dict((text, href.replace("&amp;", "&")) for href, text in re.findall(
        r'<a class="utrecht-link sort-link" href="([^"]+)">([^<]+)', html))
    # The sorted column links to the other way round; another column to its first direction;
    # both keep the filter.
    assert links["Laatste activiteit"] == (
        "/begeleiding/?status=active&sorteer=activiteit&volgorde=aflopend#proeftuinen")
    assert links["Casussen"] == (
        "/begeleiding/?status=active&sorteer=casussen&volgorde=aflopend#proeftuinen")
    assert links["Proeftuin"].endswith("sorteer=naam&volgorde=oplopend#proeftuinen")
    assert "gesorteerd op laatste activiteit, oplopend" in html


# Filtering --------------------------------------------------------------------------------


def test_table_filters_on_status_region_programme_quiet_and_missing(client, make, login):
    w = world(make)
    w.other_programme.facilitators.append(w.facilitator)
    quiet = make.pilot(programme=w.programme, name="Proeftuin Stil", region="Zeeland")
    set_activity(quiet.id, ago(100))
    make.pilot(programme=w.programme, name="Proeftuin Aangemeld", status=PilotStatus.applied)
    complete = make.pilot(programme=w.programme, name="Proeftuin Compleet")
    complete.disciplines = [make.discipline(k) for k in
                            ("gp", "district_nurse", "wmo_consultant", "social_worker")]
    closed = make.pilot(programme=w.programme, name="Proeftuin Klaar",
                        status=PilotStatus.completed)
    db.session.commit()
    login(w.facilitator)

    def names(query: str) -> set[str]:
        return set(names_in_table(html_of(client.get(PAGE + query))))

    everyone = {"Proeftuin Denkstad", "Proeftuin Elders", "Proeftuin Stil",
                "Proeftuin Aangemeld", "Proeftuin Compleet", "Proeftuin Klaar"}
    assert names("") == everyone
    assert names("?status=applied") == {"Proeftuin Aangemeld"}
    zeeland = make.region("Zeeland").id
    assert names(f"?regio={zeeland}") == {"Proeftuin Stil"}
    assert names(f"?programma={w.other_programme.slug}") == {"Proeftuin Elders"}
    assert names("?stil=1") == {"Proeftuin Stil"}
    # A completed pilot's gap no longer asks for attention.
    assert names("?mist=1") == everyone - {"Proeftuin Compleet", closed.name}
    assert names(f"?stil=1&regio={zeeland}&status=active") == {"Proeftuin Stil"}
    assert names("?stil=1&status=applied") == set()
    assert "Geen proeftuinen met deze selectie." in html_of(client.get(PAGE + "?stil=1&status=applied"))


def test_filter_form_works_with_get_and_keeps_its_values(client, make, login):
    w = world(make)
    w.other_programme.facilitators.append(w.facilitator)
    db.session.commit()
    login(w.facilitator)
    zeeland = make.region("Zeeland").id

    html = html_of(client.get(
        f"{PAGE}?programma={w.programme.slug}&status=active&regio={zeeland}&stil=1&mist=1"
        "&sorteer=casussen&volgorde=oplopend"))

    form = re.search(r'<form class="filter-form" method="get" action="/begeleiding/#proeftuinen"'
                     r".*?</form>", html, re.S).group(0)
    assert re.search(rf'<option selected value="{w.programme.slug}">', form)
    assert re.search(r'<option selected value="active">', form)
    assert re.search(rf'<option selected value="{zeeland}">', form)
    assert re.search(r'<input [^>]*checked[^>]*name="stil"[^>]*value="1"', form)
    assert re.search(r'<input [^>]*checked[^>]*name="mist"[^>]*value="1"', form)
    # The order survives filtering again.
    assert '<input type="hidden" name="sorteer" value="casussen">' in form
    assert '<input type="hidden" name="volgorde" value="oplopend">' in form
    assert "csrf_token" not in form


@pytest.mark.parametrize("query", [
    "?status=onzin", "?regio=abc", "?regio=999999", "?sorteer=grootte", "?volgorde=zijwaarts",
    "?programma=bestaat-niet", "?status=%00", "?regio=" + "9" * 400,
])
def test_unknown_values_are_named_and_the_table_shown_without_them(client, make, login, query):
    w = world(make)
    make.pilot(programme=w.programme, name="Proeftuin Tweede", status=PilotStatus.applied)
    login(w.facilitator)

    response = client.get(PAGE + query)

    assert response.status_code == 200
    html = html_of(response)
    assert "Deze keuzes bestaan niet en zijn niet gebruikt" in html
    assert set(names_in_table(html)) == {"Proeftuin Denkstad", "Proeftuin Tweede"}
    csv_response = client.get(CSV + query)
    assert csv_response.status_code == 200
    assert len(read_csv(csv_response)) == 3


def test_another_programme_cannot_be_chosen_as_a_filter(client, make, login):
    w = world(make)
    login(w.facilitator)

    html = html_of(client.get(f"{PAGE}?programma={w.other_programme.slug}"))

    assert "Deze keuzes bestaan niet en zijn niet gebruikt" in html
    assert "Proeftuin Elders" not in html
    assert names_in_table(html) == ["Proeftuin Denkstad"]


# CSV --------------------------------------------------------------------------------------


def test_csv_holds_the_filtered_sorted_table_with_a_header(client, make, login):
    w = world(make)
    three_pilots(make, w)
    login(w.facilitator)

    page = html_of(client.get(PAGE + "?status=applied&sorteer=casussen"))
    link = re.search(r'<a class="utrecht-link" href="([^"]+)" type="text/csv"', page).group(1)
    assert link.replace("&amp;", "&") == (
        "/begeleiding/proeftuinen.csv?status=applied&sorteer=casussen")

    everything = client.get(CSV + "?sorteer=casussen")
    assert everything.status_code == 200
    assert everything.headers["Content-Type"] == "text/csv; charset=utf-8"
    assert re.fullmatch(r'attachment; filename=proeftuinen-begeleiding-\d{4}-\d\d-\d\d\.csv',
                        everything.headers["Content-Disposition"])
    rows = read_csv(everything)
    assert rows[0][:10] == ["Proeftuin", "Programma", "Gemeente", "Regio", "Status",
                            "Geplande start", "Gepland einde", "Laatste activiteit (UTC)",
                            "Stil", "Casusbesprekingen"]
    assert rows[0][-1] == "Ontbrekende essentiële disciplines"
    assert [r[0] for r in rows[1:]] == ["Bb Proeftuin", "Cc Proeftuin", "Aa Proeftuin",
                                        "Proeftuin Denkstad"]
    aa = dict(zip(rows[0], rows[3], strict=True))
    assert aa["Programma"] == "Programma Thuis"
    assert aa["Status"] == "Geselecteerd"
    assert aa["Geplande start"] == "2031-03-01"
    assert aa["Lessen: ingediend, wachten op beoordeling"] == "2"
    assert aa["Ontbrekende essentiële disciplines"] == (
        "Huisarts | Wijkverpleegkundige | Wmo-consulent | Sociaal werker")

    applied = read_csv(client.get(CSV + "?status=applied"))
    assert [r[0] for r in applied[1:]] == ["Bb Proeftuin"]


def test_csv_neutralises_cells_that_look_like_formulas(client, make, login):
    w = world(make)
    make.pilot(programme=w.programme, name='=HYPERLINK("http://kwaad.example","klik")',
               municipality="+31 Denkstad")
    login(w.facilitator)

    rows = read_csv(client.get(CSV))

    evil = next(r for r in rows if "HYPERLINK" in r[0])
    assert evil[0].startswith("'=") and evil[2] == "'+31 Denkstad"


@pytest.mark.parametrize("role", ["anonymous", "participant", "coordinator",
                                  "other_participant", "other_facilitator", "facilitator",
                                  "admin"])
def test_page_and_csv_show_each_person_only_their_programmes(client, make, login, role):
    w = world(make)
    user = getattr(w, role)
    if user is not None:
        login(user)

    for path in (PAGE, CSV):
        response = client.get(path)
        if role == "anonymous":
            assert_sent_to_login(response, path)
        elif role in ("participant", "coordinator", "other_participant"):
            assert response.status_code == 403
            assert "Proeftuin Denkstad" not in response.get_data(as_text=True)
        else:
            assert response.status_code == 200
            body = response.get_data(as_text=True)
            assert ("Proeftuin Denkstad" in body) is (role in ("facilitator", "admin"))
            assert ("Proeftuin Elders" in body) is (role in ("other_facilitator", "admin"))


def test_admin_sees_waiting_lessons_without_a_queue_link(client, make, login):
    w = world(make)
    make.lesson(w.pilot, status=LessonStatus.submitted)
    login(w.admin)

    html = html_of(client.get(PAGE))

    assert "1 les wacht op beoordeling" in html
    assert 'href="/begeleiding/lessen/"' not in html  # admins have no review queue
    assert cells(row_of(html, "Proeftuin Denkstad"))["waiting"] == "1"


# No N+1 -----------------------------------------------------------------------------------


def grow(make, programme, number: int, start: int) -> None:
    """Add pilots with cases, lessons in several states, reviews and status changes."""
    regions = ("Utrecht", "Gelderland", "Zeeland")
    for i in range(start, start + number):
        pilot = make.pilot(programme=programme, name=f"Proeftuin Extra {i}",
                           region=regions[i % len(regions)],
                           status=(PilotStatus.active, PilotStatus.selected)[i % 2])
        for _ in range(2):
            make.case(pilot)
        make.lesson(pilot, status=LessonStatus.draft)
        make.lesson(pilot, status=LessonStatus.submitted)
        returned = make.lesson(pilot, status=LessonStatus.returned)
        db.session.add(LessonReview(lesson=returned, decision=ReviewDecision.returned,
                                    feedback="Maak het concreter."))
        db.session.add(PilotStatusChange(pilot_id=pilot.id, from_status=PilotStatus.selected,
                                         to_status=PilotStatus.active))
        db.session.commit()
        if i % 3 == 0:
            set_activity(pilot.id, ago(120))


@pytest.mark.parametrize("path", [PAGE, PAGE + "?sorteer=activiteit&stil=1", CSV,
                                  CSV + "?mist=1&sorteer=wacht"])
def test_query_count_does_not_grow_with_pilots_cases_and_lessons(client, make, login,
                                                                  count_queries, path):
    w = world(make)
    programme_id = w.programme.id
    login(w.facilitator)
    grow(make, w.programme, 2, 0)
    client.get(path)  # warm up: the first request of a session loads a little more

    def measure() -> int:
        db.session.expunge_all()  # nothing cached from building the data
        with count_queries() as n:
            response = client.get(path)
        assert response.status_code == 200
        return n()

    few = measure()
    programme = db.session.get(type(w.programme), programme_id)
    grow(make, programme, 12, 100)
    many = measure()
    assert many == few
    assert "Proeftuin Extra 111" in client.get(path).get_data(as_text=True)


# The demo ---------------------------------------------------------------------------------


def test_demo_facilitator_sees_a_quiet_pilot_waiting_lessons_and_missing_disciplines(
        app, ctx, client, login):
    demo.seed_demo()
    db.session.commit()
    fatima = db.session.scalar(sa.select(User).where(User.email == "begeleider@proeftuin.example"))
    login(fatima, password=demo.DEMO_PASSWORD)

    html = html_of(client.get(PAGE))

    assert re.search(r"\d+ proeftuin(en)? (is|zijn) langer dan 6 weken stil", html)
    assert re.search(r"\d+ (les wacht|lessen wachten) op beoordeling", html)
    assert re.search(r"\d+ proeftuin(en)? (mist|missen) een essentiële discipline", html)
    quiet = html_of(client.get(PAGE + "?stil=1"))
    assert names_in_table(quiet)
    assert all(cell["last_activity"].count("Stil") for cell in
               (cells(row_of(quiet, name)) for name in names_in_table(quiet)))
    first = names_in_table(html_of(client.get(PAGE + "?sorteer=wacht&volgorde=aflopend")))[0]
    assert int(cells(row_of(html, first))["waiting"].split()[0]) >= 1
    missing = html_of(client.get(PAGE + "?mist=1"))
    assert all(cells(row_of(missing, name))["missing"].startswith("Mist ")
               for name in names_in_table(missing))
