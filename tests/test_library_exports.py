"""The library for machines: the Atom feed, the CSV export and the open-data archive."""

from __future__ import annotations

import csv
import io
import json
import xml.etree.ElementTree as ET  # noqa: S405 - parses only what the app under test wrote
import zipfile
from datetime import UTC, datetime, timedelta
from pathlib import Path

import feedparser
import pytest

from proeftuin.extensions import db
from proeftuin.lessons import services
from proeftuin.library import export_routes, exports, open_data
from proeftuin.models import LessonKind, LessonReuse, LessonStatus, PilotStatus

ATOM = "{http://www.w3.org/2005/Atom}"
BASE = "http://localhost"
SECRETS = ("Contactpersoon Verzonnen", "@voorbeeld.example", "Geheime werkversie",
           "Vertrouwelijke casus", "Situatie die niemand mag lezen", "Concept-les",
           "Ingediende les", "Teruggegeven les", "Ingetrokken les", "Les van een aanmelding",
           "Les van een afgewezen proeftuin")


def publish(make, pilot, title, days_ago=0, **kwargs):
    """A published lesson whose first publication lies days_ago in the past."""
    lesson = make.lesson(pilot, status=LessonStatus.published, title=title, **kwargs)
    when = datetime(2026, 3, 1, 9, 0, tzinfo=UTC) - timedelta(days=days_ago)
    lesson.first_published_at = when
    lesson.public_revision.published_at = when
    db.session.commit()
    return lesson


def parse_feed(response):
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "application/atom+xml; charset=utf-8"
    parsed = feedparser.parse(response.data,
                              response_headers={"content-type": response.headers["Content-Type"]})
    assert parsed.bozo == 0, parsed.get("bozo_exception")
    assert parsed.version == "atom10"
    return parsed


def xml_of(response) -> ET.Element:
    return ET.fromstring(response.data)  # noqa: S314 - written by the app under test


def csv_rows(response, delimiter: str = ",") -> list[dict]:
    text = response.get_data(as_text=True)
    assert text.startswith("\ufeff")
    return list(csv.DictReader(io.StringIO(text[1:], newline=""), delimiter=delimiter))


def download(client, url="/bibliotheek/open-data.zip", **kwargs):
    """GET a file the app sends from disk, read it, and close it."""
    response = client.get(url, **kwargs)
    response.get_data()
    response.close()
    return response


def archive_of(response) -> zipfile.ZipFile:
    assert response.status_code == 200
    assert response.mimetype == "application/zip"
    return zipfile.ZipFile(io.BytesIO(response.data))


@pytest.fixture
def library(make):
    """Three public lessons of two pilots, newest first: a, b, c."""
    programme = make.programme(name="Programma Langer Thuis")
    north = make.pilot(programme=programme, name="Proeftuin Noord", region="Groningen")
    south = make.pilot(programme=programme, name="Proeftuin Zuid", region="Limburg")
    a = publish(make, north, "Een vast aanspreekpunt werkt", days_ago=1, directions=(2, 5),
                summary="Eén contactpersoon voor de mantelzorger.",
                body="Spreek **één** aanspreekpunt af.", kind=LessonKind.precondition)
    b = publish(make, south, "Vraag naar de nachten", days_ago=5, directions=(5,))
    c = publish(make, north, "Huisbezoek samen plannen", days_ago=9, directions=(1,))
    return a, b, c


# The feed ----------------------------------------------------------------------------------


def test_the_feed_is_valid_atom_with_the_newest_lessons_first(client, library):
    a, b, c = library
    response = client.get("/bibliotheek/feed.atom")
    feed = parse_feed(response)
    assert feed.feed.title == "Proeftuin — geleerde lessen"
    assert feed.feed.id == f"{BASE}/bibliotheek/feed.atom"
    links = {link.rel: link.href for link in feed.feed.links}
    assert links["self"] == f"{BASE}/bibliotheek/feed.atom"
    assert links["alternate"] == f"{BASE}/bibliotheek/"
    assert links["license"] == "https://creativecommons.org/licenses/by/4.0/deed.nl"
    assert "CC BY 4.0" in feed.feed.rights
    assert feed.feed.updated == "2026-02-28T09:00:00Z"

    assert [e.title for e in feed.entries] == [
        "Een vast aanspreekpunt werkt", "Vraag naar de nachten", "Huisbezoek samen plannen"]
    entry = feed.entries[0]
    assert entry.link == f"{BASE}/bibliotheek/{a.id}-een-vast-aanspreekpunt-werkt"
    assert entry.id == f"{BASE}/bibliotheek/{a.id}"
    assert entry.published == entry.updated == "2026-02-28T09:00:00Z"
    assert entry.author == "Proeftuin Noord"
    assert entry.summary == "Eén contactpersoon voor de mantelzorger."
    assert entry.content[0].type == "text/html"
    assert "<strong>één</strong>" in entry.content[0].value
    terms = {(tag.scheme, tag.term) for tag in entry.tags}
    assert {(f"{BASE}/bibliotheek/?richting=", "2"), (f"{BASE}/bibliotheek/?richting=", "5"),
            (f"{BASE}/bibliotheek/?soort=", "precondition")} <= terms
    assert "Randvoorwaarde" in {tag.label for tag in entry.tags}

    # A plain XML parser agrees: one feed element in the Atom namespace, three entries.
    root = xml_of(response)
    assert root.tag == f"{ATOM}feed"
    assert len(root.findall(f"{ATOM}entry")) == 3


def test_the_feed_takes_the_library_filters_and_names_them(client, library):
    a, b, c = library
    feed = parse_feed(client.get("/bibliotheek/feed.atom?richting=5&soort=&regio=abc"))
    assert [e.title for e in feed.entries] == ["Een vast aanspreekpunt werkt",
                                               "Vraag naar de nachten"]
    assert feed.feed.title.startswith("Proeftuin — geleerde lessen (")
    assert "Oplossingsrichting" in feed.feed.title and "5." in feed.feed.title
    links = {link.rel: link.href for link in feed.feed.links}
    # Only the valid parameters stay in the feed's own address.
    assert links["self"] == f"{BASE}/bibliotheek/feed.atom?richting=5"
    assert feed.feed.id == links["self"]
    assert links["alternate"] == f"{BASE}/bibliotheek/?richting=5"

    only_c = parse_feed(client.get("/bibliotheek/feed.atom?richting=1"))
    assert [e.title for e in only_c.entries] == ["Huisbezoek samen plannen"]
    none = parse_feed(client.get("/bibliotheek/feed.atom?richting=10"))
    assert none.entries == [] and none.feed.updated


def test_a_search_feed_holds_the_matches_newest_first(client, library):
    feed = parse_feed(client.get("/bibliotheek/feed.atom?q=contactpersonen"))
    assert [e.title for e in feed.entries] == ["Een vast aanspreekpunt werkt"]
    assert "contactpersonen" in feed.feed.title
    assert {link.rel: link.href for link in feed.feed.links}["self"] == (
        f"{BASE}/bibliotheek/feed.atom?q=contactpersonen")


@pytest.mark.parametrize("query", [
    "jaar=abc&richting=999999999999&soort=%00&volgorde=willekeurig&hergebruikt=misschien",
    "q=" + "x" * 5000, "q=%22%27%3C%3E%26%3B%2D%2D&regio=-1&programma=%E2%80%AE",
])
def test_bad_parameters_are_set_aside_not_fatal(client, library, query):
    feed = parse_feed(client.get(f"/bibliotheek/feed.atom?{query}"))
    response = client.get(f"/bibliotheek/export.csv?{query}")
    assert response.status_code == 200
    rows = csv_rows(response)
    assert len(rows) == len([e for e in feed.entries])


def test_the_feed_honours_the_order_asked_for(client, make, library):
    a, b, c = library
    other = make.pilot(name="Proeftuin Elders")
    db.session.add(LessonReuse(lesson=c, pilot=other, how="Overgenomen.", outcome="Goed."))
    db.session.commit()
    feed = parse_feed(client.get("/bibliotheek/feed.atom?volgorde=hergebruik"))
    assert feed.entries[0].title == "Huisbezoek samen plannen"
    assert "Sorteren" not in feed.feed.title


def test_the_feed_holds_at_most_fifty_entries(client, make):
    pilot = make.pilot()
    for n in range(52):
        publish(make, pilot, f"Les nummer {n}", days_ago=n)
    feed = parse_feed(client.get("/bibliotheek/feed.atom"))
    assert len(feed.entries) == 50
    assert feed.entries[0].title == "Les nummer 0" and feed.entries[-1].title == "Les nummer 49"


HOSTILE = "<script>alert('x')</script> ]]> & \"Tom & Jerry\" <b>vet</b>"


def test_hostile_text_is_escaped_in_the_feed(client, make):
    pilot = make.pilot(name="Proeftuin <Noord> & Zuid")
    publish(make, pilot, HOSTILE, summary="Samenvatting ]]> met <img src=x onerror=alert(1)>\x0b",
            body="<script>alert(1)</script> **vet** ]]>")
    response = client.get("/bibliotheek/feed.atom")
    raw = response.get_data(as_text=True)
    assert "<script>" not in raw and "<img" not in raw and "<b>" not in raw
    feed = parse_feed(response)
    entry = feed.entries[0]
    assert entry.title == HOSTILE
    assert entry.author == "Proeftuin <Noord> & Zuid"
    assert entry.summary == "Samenvatting ]]> met <img src=x onerror=alert(1)>"
    # The HTML content is sanitised before it is escaped into the feed.
    assert "<script>" not in entry.content[0].value
    assert "<strong>vet</strong>" in entry.content[0].value
    root = xml_of(response)
    title = root.find(f"{ATOM}entry/{ATOM}title")
    assert title.text == HOSTILE and title.get("type") == "text"
    content = root.find(f"{ATOM}entry/{ATOM}content")
    assert content.get("type") == "html" and "<strong>vet</strong>" in content.text
    assert "&lt;script&gt;" in content.text or "<script>" not in content.text


def test_a_conditional_request_for_an_unchanged_feed_gets_304(client, library):
    first = client.get("/bibliotheek/feed.atom")
    again = client.get("/bibliotheek/feed.atom", headers={"If-None-Match": first.headers["ETag"]})
    assert again.status_code == 304


# The CSV export ----------------------------------------------------------------------------


def test_the_csv_export_has_a_header_and_a_row_per_lesson_of_the_selection(client, library,
                                                                             monkeypatch):
    a, b, c = library
    # A second before midnight in UTC: the file is named for the day it was made on.
    monkeypatch.setattr(export_routes, "utcnow",
                        lambda: datetime(2026, 3, 20, 23, 59, 59, 900_000, tzinfo=UTC))
    response = client.get("/bibliotheek/export.csv")
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "text/csv; charset=utf-8"
    disposition = response.headers["Content-Disposition"]
    assert disposition.startswith("attachment;")
    assert "proeftuin-lessen-2026-03-20.csv" in disposition
    rows = csv_rows(response)
    assert list(rows[0]) == [column.name for column in exports.LESSON_COLUMNS]
    assert [row["id"] for row in rows] == [str(a.id), str(b.id), str(c.id)]
    first = rows[0]
    assert first["title"] == "Een vast aanspreekpunt werkt"
    assert first["kind"] == "precondition" and first["kind_label"] == "Randvoorwaarde"
    assert first["direction_numbers"] == "2 | 5"
    assert first["directions"].startswith("2. Betere samenwerking tussen beroepskrachten")
    assert first["pilot"] == "Proeftuin Noord" and first["region"] == "Groningen"
    assert first["programme"] == "Programma Langer Thuis"
    assert first["first_published"] == first["updated"] == "2026-02-28T09:00:00Z"
    assert first["version"] == "1" and first["reuse_count"] == "0"
    assert first["url"] == f"{BASE}/bibliotheek/{a.id}-een-vast-aanspreekpunt-werkt"
    assert first["licence"] == "https://creativecommons.org/licenses/by/4.0/deed.nl"

    filtered = csv_rows(client.get(
        f"/bibliotheek/export.csv?richting=5&regio={a.pilot.region_id}"))
    assert [row["id"] for row in filtered] == [str(a.id)]
    assert csv_rows(client.get("/bibliotheek/export.csv?richting=10")) == []


def test_the_spreadsheet_export_is_the_same_selection_separated_by_semicolons(client, library):
    a, b, c = library
    standard = client.get(f"/bibliotheek/export.csv?regio={a.pilot.region_id}")
    response = client.get(f"/bibliotheek/export-excel.csv?regio={a.pilot.region_id}")
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "text/csv; charset=utf-8"
    assert "-excel.csv" in response.headers["Content-Disposition"]
    text = response.get_data(as_text=True)
    header = text[1:].split("\r\n", 1)[0]
    assert header == ";".join(column.name for column in exports.LESSON_COLUMNS)
    assert csv_rows(response, delimiter=";") == csv_rows(standard)
    assert str(a.id) in [row["id"] for row in csv_rows(response, delimiter=";")]
    assert str(b.id) not in [row["id"] for row in csv_rows(response, delimiter=";")]


@pytest.mark.parametrize("start", ["=", "+", "-", "@", "\t", "\r"])
def test_the_csv_export_neutralises_spreadsheet_formulas(client, make, start):
    pilot = make.pilot(name=f"{start}Proeftuin")
    publish(make, pilot, f"{start}HYPERLINK(\"http://kwaad.example\")",
            summary=f"{start}1+1", body="- een lijst")
    row = csv_rows(client.get("/bibliotheek/export.csv"))[0]
    assert row["title"] == f"'{start}HYPERLINK(\"http://kwaad.example\")"
    assert row["summary"] == f"'{start}1+1"
    assert row["pilot"] == f"'{start}Proeftuin"
    assert row["body"] == "'- een lijst"
    assert row["version"] == "1"


# Nothing private anywhere ------------------------------------------------------------------


def test_no_unpublished_withdrawn_or_private_content_in_feed_csv_or_archive(client, make):
    programme = make.programme()
    pilot = make.pilot(programme=programme)
    case = make.case(pilot, title="Vertrouwelijke casus",
                     situation="Situatie die niemand mag lezen.")
    public = publish(make, pilot, "Openbare les", source_cases=[case])
    public.title = "Geheime werkversie"  # an edit after publication, not yet reviewed
    db.session.commit()
    for status, title in ((LessonStatus.draft, "Concept-les"),
                          (LessonStatus.submitted, "Ingediende les"),
                          (LessonStatus.returned, "Teruggegeven les")):
        make.lesson(pilot, status=status, title=title)
    withdrawn = publish(make, pilot, "Ingetrokken les")
    services.withdraw_lesson(withdrawn, make.admin(), "Verouderd.")
    db.session.commit()
    for status, title in ((PilotStatus.applied, "Les van een aanmelding"),
                          (PilotStatus.declined, "Les van een afgewezen proeftuin")):
        hidden_pilot = make.pilot(programme=programme, status=status, name=f"Verborgen {title}")
        publish(make, hidden_pilot, title)

    documents = {
        "feed": client.get("/bibliotheek/feed.atom").get_data(as_text=True),
        "csv": client.get("/bibliotheek/export.csv").get_data(as_text=True),
    }
    archive = archive_of(download(client))
    for name in archive.namelist():
        documents[name] = archive.read(name).decode("utf-8")
    for name, text in documents.items():
        if name in ("feed", "csv", "lessons.csv", "lessons.json"):
            assert "Openbare les" in text, name
        for secret in (*SECRETS, "Verborgen"):
            assert secret not in text, (name, secret)
    assert [row["title"] for row in csv_rows(client.get("/bibliotheek/export.csv"))] == [
        "Openbare les"]
    pilots = json.loads(archive.read("pilots.json"))["pilots"]
    assert [p["name"] for p in pilots] == [pilot.name]
    lessons = json.loads(archive.read("lessons.json"))["lessons"]
    assert lessons[0]["source_case_count"] == 1


# The open-data archive ---------------------------------------------------------------------


def test_the_archive_holds_every_file_and_documents_every_column(client, library,
                                                                monkeypatch):
    # A second before midnight in UTC: the documents say when they were made, to the second.
    monkeypatch.setattr(open_data, "utcnow",
                        lambda: datetime(2026, 3, 20, 23, 59, 59, tzinfo=UTC))
    a, b, c = library
    response = download(client)
    archive = archive_of(response)
    assert sorted(archive.namelist()) == sorted(open_data.FILES)
    assert response.headers["ETag"] and response.headers["Last-Modified"]
    assert response.headers["Content-Disposition"].startswith("attachment;")
    assert "proeftuin-open-data-" in response.headers["Content-Disposition"]

    lessons = json.loads(archive.read("lessons.json"))
    assert lessons["licence"] == "https://creativecommons.org/licenses/by/4.0/deed.nl"
    assert lessons["source"] == f"{BASE}/bibliotheek/"
    assert [lesson["id"] for lesson in lessons["lessons"]] == [a.id, b.id, c.id]
    assert lessons["lessons"][0]["direction_numbers"] == [2, 5]
    pilots = json.loads(archive.read("pilots.json"))["pilots"]
    assert sorted(p["name"] for p in pilots) == ["Proeftuin Noord", "Proeftuin Zuid"]
    noord = next(p for p in pilots if p["name"] == "Proeftuin Noord")
    assert noord["lesson_count"] == 2 and noord["url"] == f"{BASE}/proeftuinen/{a.pilot.slug}"
    assert not any(key.startswith("contact") for key in noord)
    framework = json.loads(archive.read("framework.json"))
    assert len(framework["solution_directions"]) == 10
    assert {k["key"] for k in framework["lesson_kinds"]} >= {"precondition"}

    readme = archive.read("README.md").decode()
    leesmij = archive.read("LEESMIJ.md").decode()
    for name in ("lessons.csv", "pilots.csv"):
        text = archive.read(name).decode("utf-8")
        header = next(csv.reader(io.StringIO(text.lstrip("\ufeff"))))
        rows = list(csv.DictReader(io.StringIO(text.lstrip("\ufeff"))))
        assert len(rows) == (3 if name == "lessons.csv" else 2)
        for column in header:
            assert f"`{column}`" in readme and f"`{column}`" in leesmij, (name, column)
    for document in (readme, leesmij):
        assert "CC BY 4.0" in document and "creativecommons.org/licenses/by/4.0" in document
        assert f"{BASE}/bibliotheek/" in document
        assert "2026-03-20T23:59:59Z" in document


def read_archive(client) -> tuple[set[str], Path]:
    response = download(client)
    titles = {row["title"] for row in json.loads(archive_of(response).read("lessons.json"))["lessons"]}
    return titles, response


def archives_in(app) -> list[Path]:
    return sorted((Path(app.instance_path) / open_data.FOLDER).glob("*.zip"))


def test_the_archive_is_served_from_cache_until_the_library_changes(app, client, make,
                                                                   monkeypatch, library):
    a, b, c = library
    builds = []
    real_write = open_data.write_archive
    monkeypatch.setattr(open_data, "write_archive",
                        lambda *args: builds.append(1) or real_write(*args))
    monkeypatch.setattr(open_data, "STALE_AFTER", 0)

    titles, first = read_archive(client)
    assert len(titles) == 3 and len(builds) == 1
    [cached] = archives_in(app)
    built = cached.stat().st_mtime_ns

    again_titles, again = read_archive(client)
    assert again_titles == titles and len(builds) == 1
    assert archives_in(app) == [cached] and cached.stat().st_mtime_ns == built
    assert again.headers["ETag"] == first.headers["ETag"]
    not_modified = download(client, headers={"If-None-Match": first.headers["ETag"]})
    assert not_modified.status_code == 304 and len(builds) == 1

    # A new publication gives a new archive, and the old one goes.
    lesson = make.lesson(b.pilot, status=LessonStatus.draft, title="Nieuw gepubliceerd")
    services.submit_lesson(lesson, make.member(b.pilot))
    services.publish_lesson(lesson, make.facilitator(b.pilot.programme))
    db.session.commit()
    titles, published = read_archive(client)
    assert "Nieuw gepubliceerd" in titles and len(builds) == 2
    assert published.headers["ETag"] != first.headers["ETag"]
    assert len(archives_in(app)) == 1 and archives_in(app) != [cached]

    # So does a withdrawal.
    services.withdraw_lesson(a, make.admin(), "Achterhaald.")
    db.session.commit()
    titles, _ = read_archive(client)
    assert "Een vast aanspreekpunt werkt" not in titles and len(builds) == 3

    # And a pilot that is no longer public takes its lessons along.
    b.pilot.status = PilotStatus.declined
    db.session.commit()
    titles, _ = read_archive(client)
    assert titles == {"Huisbezoek samen plannen"} and len(builds) == 4
    assert len(archives_in(app)) == 1
    assert not list((Path(app.instance_path) / open_data.FOLDER).glob("*.tmp"))


def test_the_fingerprint_of_the_data_takes_one_query(app, make, count_queries, library):
    with count_queries() as queries:
        state = open_data.data_state()
    assert queries() == 1
    make.pilot(name="Nog een proeftuin")
    assert open_data.data_state() != state


# Query counts ------------------------------------------------------------------------------


def _lessons(make, count):
    programme = make.programme()
    pilots = [make.pilot(programme=programme) for _ in range(2)]
    for n in range(count):
        publish(make, pilots[n % 2], f"Les {n}", days_ago=n, directions=(1, n % 9 + 2),
                questions=(1, 2))


@pytest.mark.parametrize("url", ["/bibliotheek/feed.atom", "/bibliotheek/export.csv",
                                 "/bibliotheek/feed.atom?richting=1&volgorde=hergebruik",
                                 "/bibliotheek/export.csv?soort=success_factor"])
def test_feed_and_export_queries_do_not_grow_with_the_lessons(client, make, count_queries,
                                                              url):
    counts = []
    for size in (2, 8):
        _lessons(make, size if not counts else size - 2)
        with count_queries() as queries:
            response = client.get(url)
            body = response.get_data()
        assert response.status_code == 200 and body
        counts.append(queries())
    assert counts[0] == counts[1], counts
