"""Published lessons as flat records and CSV: shared by the CSV export and the open data.

A record holds plain values; a column with several values holds a list. CSV joins such a list
with `MULTI_SEPARATOR`; JSON keeps it a list. Every column is described in Dutch and English
here, so the open data's LEESMIJ.md and README.md document exactly the columns that are written.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from itertools import islice

from flask import url_for

from proeftuin.labels import evidence_label, lesson_kind_label, lesson_level_label
from proeftuin.library import queries
from proeftuin.library.urls import LICENCE_URL, public_lesson_url
from proeftuin.models import Lesson

#: between the values of a column that holds several (directions, questions, …)
MULTI_SEPARATOR = " | "
#: the first characters that make a spreadsheet read a cell as a formula (CSV injection)
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
#: Excel reads a UTF-8 file as UTF-8 only when it starts with a byte order mark
BOM = "\ufeff"
#: what a spreadsheet in Dutch or Flemish settings opens as columns without asking: the
#: comma is the decimal separator there, so the list separator is a semicolon
SPREADSHEET_DELIMITER = ";"
#: lessons loaded and written per step; what became of them elsewhere is fetched per batch
BATCH = 500


@dataclass(frozen=True)
class Column:
    """One column of an export, with what it holds in Dutch and English for the documentation."""

    name: str
    nl: str
    en: str
    #: whether the column can hold several values (a list in JSON, joined in CSV)
    multi: bool = False


def download_column(header: str, multi: bool = False) -> Column:
    """A column of a page's download for people: its translated header is its description."""
    return Column(header, header, header, multi=multi)


# The descriptions are documentation of a file, written once in both languages (like the
# reference data), not interface text: the open-data archive is the same for every visitor.
LESSON_COLUMNS = (
    Column("id", "Nummer van de les; blijft gelijk bij nieuwe versies.",
           "The lesson's number; stays the same across versions."),
    Column("title", "Titel.", "Title."),
    Column("summary", "Samenvatting in een of twee zinnen (platte tekst).",
           "Summary in one or two sentences (plain text)."),
    Column("context", "De situatie waarin de les is geleerd (Markdown).",
           "The situation in which the lesson was learned (Markdown)."),
    Column("body", "De les zelf (Markdown).", "The lesson itself (Markdown)."),
    Column("advice", "Advies voor anderen die de les willen toepassen (Markdown).",
           "Advice for others who want to apply the lesson (Markdown)."),
    Column("kind", "Soort les, als sleutel (zie lesson_kinds in framework.json).",
           "Kind of lesson, as a key (see lesson_kinds in framework.json)."),
    Column("kind_label", "Soort les, als tekst.", "Kind of lesson, as text."),
    Column("level", "Niveau waarvoor de les bedoeld is, als sleutel (zie lesson_levels).",
           "Level the lesson is meant for, as a key (see lesson_levels)."),
    Column("level_label", "Niveau, als tekst.", "Level, as text."),
    Column("evidence", "Onderbouwing, als sleutel (zie evidence_bases).",
           "Evidence basis, as a key (see evidence_bases)."),
    Column("evidence_label", "Onderbouwing, als tekst.", "Evidence basis, as text."),
    Column("direction_numbers", "Nummers van de oplossingsrichtingen (zie solution_directions).",
           "Numbers of the solution directions (see solution_directions).", multi=True),
    Column("directions", "Oplossingsrichtingen, als nummer en naam.",
           "Solution directions, as number and name.", multi=True),
    Column("question_numbers", "Nummers van de vraagstukken van de mantelzorger "
           "(zie carer_questions).",
           "Numbers of the informal carer's questions (see carer_questions).", multi=True),
    Column("questions", "Vraagstukken van de mantelzorger, als nummer en tekst.",
           "The informal carer's questions, as number and text.", multi=True),
    Column("target_group_keys", "Doelgroepen, als sleutel (zie target_groups).",
           "Target groups, as keys (see target_groups).", multi=True),
    Column("target_groups", "Doelgroepen, als naam.", "Target groups, as names.", multi=True),
    Column("pilot", "Naam van de proeftuin die de les leerde; noem die bij hergebruik.",
           "Name of the pilot that learned the lesson; name it when reusing the lesson."),
    Column("pilot_url", "Adres van het openbare profiel van de proeftuin.",
           "Address of the pilot's public profile."),
    Column("municipality", "Gemeente van de proeftuin.", "The pilot's municipality."),
    Column("region", "Provincie (of regio) van de proeftuin.", "The pilot's province (or region)."),
    Column("programme", "Programma waarin de proeftuin werkt.", "Programme the pilot works in."),
    Column("first_published", "Eerste publicatie (UTC, ISO 8601).",
           "First publication (UTC, ISO 8601)."),
    Column("updated", "Publicatie van deze versie (UTC, ISO 8601).",
           "Publication of this version (UTC, ISO 8601)."),
    Column("version", "Versienummer; 1 bij de eerste publicatie.",
           "Version number; 1 at the first publication."),
    Column("source_case_count", "Aantal casusbesprekingen waarop de les steunt (de besprekingen "
           "zelf zijn niet openbaar).",
           "Number of case discussions the lesson draws on (the discussions are not public)."),
    Column("reuse_count", "Aantal meldingen van andere proeftuinen dat zij de les hergebruikten.",
           "Number of reports by other pilots that they reused the lesson."),
    Column("reuse_adopted", "Aantal van die proeftuinen dat de les maanden later had "
           "overgenomen zoals beschreven.",
           "How many of those pilots had adopted the lesson as it was, months later."),
    Column("reuse_adapted", "Aantal van die proeftuinen dat de les had aangepast aan de eigen "
           "situatie.",
           "How many of those pilots had adapted the lesson to their own situation."),
    Column("reuse_dropped", "Aantal van die proeftuinen dat met de les was gestopt.",
           "How many of those pilots had dropped the lesson."),
    Column("proven_elsewhere", "1 als ten minste één andere proeftuin de les overnam of "
           "aanpaste, anders 0.",
           "1 if at least one other pilot adopted or adapted the lesson, else 0."),
    Column("url", "Vast adres van de les in de bibliotheek.",
           "Canonical address of the lesson in the library."),
    Column("licence", "Licentie van de les.", "Licence of the lesson."),
)


def _when(moment: datetime | None) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ") if moment else ""


def lesson_record(lesson: Lesson, outcome: queries.ReuseOutcome) -> dict:
    """Return a public lesson as a flat record, keyed by the names of `LESSON_COLUMNS`.

    Reads only the public revision, never the working copy or the source cases.
    """
    revision = lesson.public_revision
    pilot = lesson.pilot
    return {
        "id": lesson.id,
        "title": revision.title,
        "summary": revision.summary,
        "context": revision.context,
        "body": revision.body,
        "advice": revision.advice,
        "kind": revision.kind.value,
        "kind_label": lesson_kind_label(revision.kind),
        "level": revision.level.value,
        "level_label": lesson_level_label(revision.level),
        "evidence": revision.evidence.value,
        "evidence_label": evidence_label(revision.evidence),
        "direction_numbers": [d.number for d in revision.directions],
        "directions": [f"{d.number}. {d.name}" for d in revision.directions],
        "question_numbers": [q.number for q in revision.questions],
        "questions": [f"{q.number}. {q.name}" for q in revision.questions],
        "target_group_keys": [t.key for t in revision.target_groups],
        "target_groups": [t.name for t in revision.target_groups],
        "pilot": pilot.name,
        "pilot_url": url_for("pilots.show", slug=pilot.slug, _external=True),
        "municipality": pilot.municipality,
        "region": pilot.region.name,
        "programme": pilot.programme.name,
        "first_published": _when(lesson.first_published_at),
        "updated": _when(revision.published_at),
        "version": revision.number,
        "source_case_count": revision.source_case_count,
        "reuse_count": outcome.pilots,
        "reuse_adopted": outcome.adopted,
        "reuse_adapted": outcome.adapted,
        "reuse_dropped": outcome.dropped,
        "proven_elsewhere": int(outcome.proven),
        "url": public_lesson_url(revision, _external=True),
        "licence": LICENCE_URL,
    }


def lesson_records(lessons: Iterable[Lesson]) -> Iterator[dict]:
    """Yield a record per lesson, fetching what became of them elsewhere one batch of
    lessons at a time."""
    lessons = iter(lessons)
    none = queries.ReuseOutcome()
    while batch := list(islice(lessons, BATCH)):
        outcomes = queries.reuse_outcomes([lesson.id for lesson in batch])
        for lesson in batch:
            yield lesson_record(lesson, outcomes.get(lesson.id, none))


def neutralise(value) -> str | int:
    """Return a cell value that no spreadsheet runs as a formula.

    A text starting with one of `FORMULA_STARTS` gets a leading apostrophe, which spreadsheets
    show as text; numbers stay numbers.
    """
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, int):
        return value
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def csv_cell(value) -> str | int:
    """Return a record's value as one CSV cell: lists joined, formulas neutralised."""
    if isinstance(value, list | tuple):
        value = MULTI_SEPARATOR.join(str(item) for item in value)
    return neutralise(value)


def csv_chunks(columns: tuple[Column, ...], records: Iterable[dict],
               rows_per_chunk: int = BATCH, delimiter: str = ",") -> Iterator[str]:
    """Yield a CSV file in pieces: a byte order mark and the header, then the rows.

    Comma-separated unless told otherwise (`SPREADSHEET_DELIMITER` for people's
    spreadsheets), every field that needs it quoted, lines ending in CRLF (RFC 4180).
    """
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter)
    writer.writerow([column.name for column in columns])
    yield BOM + buffer.getvalue()
    rows = 0
    buffer.seek(0)
    buffer.truncate()
    for record in records:
        writer.writerow([csv_cell(record[column.name]) for column in columns])
        rows += 1
        if rows % rows_per_chunk == 0:
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
    if buffer.tell():
        yield buffer.getvalue()


def lessons_csv(lessons: Iterable[Lesson], delimiter: str = ",") -> Iterator[str]:
    """Yield these lessons as CSV, in their order."""
    return csv_chunks(LESSON_COLUMNS, lesson_records(lessons), delimiter=delimiter)


def export_filename(today: datetime, for_spreadsheets: bool = False) -> str:
    """Return the file name of a CSV export made on this day."""
    return f"proeftuin-lessen-{today:%Y-%m-%d}{'-excel' if for_spreadsheets else ''}.csv"
