"""The open-data download: every published lesson, the public pilots and the framework.

Building the archive reads the whole library, so it is built once per state of the public
data and kept in the instance folder. A cheap fingerprint of that state, read in one query,
names the file: a new publication, a withdrawal, a pilot's change or a report of reuse gives
a new fingerprint and so a new archive on the next download.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import tempfile
import time
import zipfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import BinaryIO

import sqlalchemy as sa
from flask import current_app, url_for
from flask_babel import force_locale
from sqlalchemy.orm import joinedload, selectinload

from proeftuin import reference
from proeftuin.extensions import db
from proeftuin.labels import organisation_kind_label, scale_label, status_label
from proeftuin.library import exports, queries
from proeftuin.library.urls import LICENCE_URL
from proeftuin.models import (
    PUBLIC_STATUSES,
    Lesson,
    LessonReuse,
    LessonReview,
    Pilot,
    PilotDirection,
    PilotOrganisation,
    Programme,
    ReuseFollowUp,
)
from proeftuin.models.base import utcnow
from proeftuin.models.pilot import pilot_discipline, pilot_question, pilot_target_group
from proeftuin.pilots.queries import WITHOUT_CONTACT

#: raise when the files change shape, so archives built by older code are not served
FORMAT_VERSION = 1
#: the folder in the instance folder that holds the archive
FOLDER = "open-data"
#: an older archive is removed once it is this old, so a download that just found it can
#: still open it
STALE_AFTER = 60
#: a half-written archive of a build that died is removed after this long
ABANDONED_AFTER = 3600
#: the language of the labels in the files; the archive is the same for every visitor
LANGUAGE = "nl"

FILES = ("lessons.csv", "lessons.json", "pilots.csv", "pilots.json", "framework.json",
         "README.md", "LEESMIJ.md")


# What is in the archive ------------------------------------------------------------------

Column = exports.Column

PILOT_COLUMNS = (
    Column("id", "Nummer van de proeftuin.", "The pilot's number."),
    Column("slug", "Korte naam in het adres van het profiel.",
           "Short name in the address of the profile."),
    Column("name", "Naam.", "Name."),
    Column("url", "Adres van het openbare profiel.", "Address of the public profile."),
    Column("municipality", "Gemeente.", "Municipality."),
    Column("region", "Provincie (of regio).", "Province (or region)."),
    Column("country", "Land (ISO-code: NL of BE).", "Country (ISO code: NL or BE)."),
    Column("programme", "Programma waarin de proeftuin werkt.", "Programme the pilot works in."),
    Column("scale", "Schaal, als sleutel (zie pilot_scales in framework.json).",
           "Scale, as a key (see pilot_scales in framework.json)."),
    Column("scale_label", "Schaal, als tekst.", "Scale, as text."),
    Column("status", "Fase: selected, active, completed of stopped.",
           "Stage: selected, active, completed or stopped."),
    Column("status_label", "Fase, als tekst.", "Stage, as text."),
    Column("planned_start", "Geplande start (ISO 8601-datum; leeg of null als onbekend).",
           "Planned start (ISO 8601 date; empty or null when unknown)."),
    Column("planned_end", "Gepland einde (ISO 8601-datum; leeg of null als onbekend).",
           "Planned end (ISO 8601 date; empty or null when unknown)."),
    Column("theme", "Thema, in de eigen woorden van de proeftuin (Markdown).",
           "Theme, in the pilot's own words (Markdown)."),
    Column("ambition", "Ambitie: wat de proeftuin aan het eind wil hebben bereikt (Markdown).",
           "Ambition: what the pilot wants to have reached at the end (Markdown)."),
    Column("actions", "Wat de proeftuin doet (Markdown).", "What the pilot does (Markdown)."),
    Column("results", "Wat de proeftuin tot nu toe heeft bereikt (Markdown).",
           "What the pilot has reached so far (Markdown)."),
    Column("direction_numbers", "Nummers van de gekozen oplossingsrichtingen.",
           "Numbers of the solution directions chosen.", multi=True),
    Column("directions", "Gekozen oplossingsrichtingen, als nummer en naam.",
           "Solution directions chosen, as number and name.", multi=True),
    Column("question_numbers", "Nummers van de vraagstukken van de mantelzorger.",
           "Numbers of the informal carer's questions.", multi=True),
    Column("target_group_keys", "Doelgroepen, als sleutel.", "Target groups, as keys.",
           multi=True),
    Column("target_groups", "Doelgroepen, als naam.", "Target groups, as names.", multi=True),
    Column("disciplines", "Disciplines die meedoen.", "Disciplines taking part.", multi=True),
    Column("organisations", "Organisaties die meedoen, met hun soort tussen haakjes.",
           "Organisations taking part, with their kind in brackets.", multi=True),
    Column("lesson_count", "Aantal gepubliceerde lessen van de proeftuin.",
           "Number of published lessons of the pilot."),
)

#: the groups of the reference data that the files refer to by key or number
FRAMEWORK_GROUPS = ("carer_questions", "solution_directions", "lesson_kinds", "lesson_levels",
                    "evidence_bases", "target_groups", "pilot_scales", "essential_disciplines",
                    "other_disciplines", "organisation_kinds", "regions")


def public_pilots() -> list[Pilot]:
    """Return the pilots with a public profile and what the open data shows of them."""
    return list(db.session.scalars(
        sa.select(Pilot)
        .where(Pilot.status.in_(PUBLIC_STATUSES))
        .options(
            *WITHOUT_CONTACT,
            joinedload(Pilot.region),
            joinedload(Pilot.programme),
            selectinload(Pilot.questions),
            selectinload(Pilot.directions).joinedload(PilotDirection.direction),
            selectinload(Pilot.target_groups),
            selectinload(Pilot.disciplines),
            selectinload(Pilot.organisations),
        )
        .order_by(Pilot.name, Pilot.id)
    ))


def lesson_counts() -> dict[int, int]:
    """Return how many published lessons each pilot has (absent: none)."""
    rows = db.session.execute(
        sa.select(Lesson.pilot_id, sa.func.count())
        .where(Lesson.public_revision_id.is_not(None))
        .group_by(Lesson.pilot_id)
    )
    return {pilot_id: count for pilot_id, count in rows}


def pilot_record(pilot: Pilot, lesson_count: int) -> dict:
    """Return a public pilot as a flat record, keyed by the names of `PILOT_COLUMNS`.

    Only what the public profile shows: never the contact details of the application.
    """
    return {
        "id": pilot.id,
        "slug": pilot.slug,
        "name": pilot.name,
        "url": url_for("pilots.show", slug=pilot.slug, _external=True),
        "municipality": pilot.municipality,
        "region": pilot.region.name,
        "country": pilot.region.country,
        "programme": pilot.programme.name,
        "scale": pilot.scale.value,
        "scale_label": scale_label(pilot.scale),
        "status": pilot.status.value,
        "status_label": status_label(pilot.status),
        "planned_start": pilot.planned_start.isoformat() if pilot.planned_start else None,
        "planned_end": pilot.planned_end.isoformat() if pilot.planned_end else None,
        "theme": pilot.theme,
        "ambition": pilot.ambition,
        "actions": pilot.actions,
        "results": pilot.results,
        "direction_numbers": [d.direction_number for d in pilot.directions],
        "directions": [f"{d.direction_number}. {d.direction.name}" for d in pilot.directions],
        "question_numbers": [q.number for q in pilot.questions],
        "target_group_keys": [t.key for t in pilot.target_groups],
        "target_groups": [t.name for t in pilot.target_groups],
        "disciplines": [d.name for d in pilot.disciplines],
        "organisations": [f"{o.name} ({organisation_kind_label(o.kind)})"
                          for o in pilot.organisations],
        "lesson_count": lesson_count,
    }


def framework_document() -> dict:
    """Return the reference data the files refer to, in Dutch and English."""
    data = reference.framework()
    return {"name": data["name"], **{group: data[group] for group in FRAMEWORK_GROUPS}}


# The fingerprint --------------------------------------------------------------------------


def _link_checksum(table: sa.Table, owner: str, other: str):
    # Count and a weighted sum of the pairs: swapping one link for another changes the sum.
    owner_column, other_column = table.c[owner], table.c[other]
    return (
        sa.select(sa.func.count()).select_from(table).scalar_subquery(),
        sa.select(sa.func.coalesce(sa.func.sum(owner_column * 1000 + other_column), 0))
        .scalar_subquery(),
    )


def data_state() -> tuple:
    """Return, in one query, figures that change whenever the public data changes."""
    visible_reuse = LessonReuse.hidden_at.is_(None)
    published = Lesson.public_revision_id.is_not(None)
    columns = [
        sa.select(sa.func.count()).where(published).scalar_subquery(),
        sa.select(sa.func.coalesce(sa.func.sum(Lesson.public_revision_id), 0)).scalar_subquery(),
        sa.select(sa.func.max(Lesson.public_revision_id)).scalar_subquery(),
        sa.select(sa.func.max(LessonReview.id)).scalar_subquery(),
        sa.select(sa.func.count()).select_from(Pilot)
        .where(Pilot.status.in_(PUBLIC_STATUSES)).scalar_subquery(),
        sa.select(sa.func.coalesce(sa.func.sum(Pilot.id), 0))
        .where(Pilot.status.in_(PUBLIC_STATUSES)).scalar_subquery(),
        sa.select(sa.func.max(Pilot.updated_at)).scalar_subquery(),
        sa.select(sa.func.count()).select_from(LessonReuse).where(visible_reuse)
        .scalar_subquery(),
        sa.select(sa.func.coalesce(sa.func.sum(LessonReuse.id), 0)).where(visible_reuse)
        .scalar_subquery(),
        # An answer about what became of a reuse changes the lessons' outcome columns.
        sa.select(sa.func.count()).select_from(ReuseFollowUp)
        .where(ReuseFollowUp.answered_at.is_not(None)).scalar_subquery(),
        sa.select(sa.func.max(ReuseFollowUp.answered_at)).scalar_subquery(),
        sa.select(sa.func.count()).select_from(PilotDirection).scalar_subquery(),
        sa.select(sa.func.coalesce(sa.func.sum(PilotDirection.id), 0)).scalar_subquery(),
        sa.select(sa.func.count()).select_from(PilotOrganisation).scalar_subquery(),
        sa.select(sa.func.coalesce(sa.func.sum(PilotOrganisation.id), 0)).scalar_subquery(),
        *_link_checksum(pilot_question, "pilot_id", "question_id"),
        *_link_checksum(pilot_target_group, "pilot_id", "target_group_id"),
        *_link_checksum(pilot_discipline, "pilot_id", "discipline_id"),
        sa.select(sa.func.count()).select_from(Programme).scalar_subquery(),
        sa.select(sa.func.coalesce(sa.func.sum(sa.func.length(Programme.name)), 0))
        .scalar_subquery(),
    ]
    return tuple(db.session.execute(sa.select(*columns)).one())


def fingerprint(state: tuple, base_url: str, today: datetime) -> str:
    """Return the name of the archive for this state of the data, site address and day.

    The day is part of it so that a change the figures cannot see (a programme renamed to a
    name of the same length, an organisation renamed) reaches the download within a day.
    """
    text = repr((FORMAT_VERSION, base_url, today.date().isoformat(),
                 tuple(str(value) for value in state)))
    return hashlib.sha256(text.encode()).hexdigest()[:24]


# Writing the archive ----------------------------------------------------------------------


def _entry(archive: zipfile.ZipFile, name: str, when: datetime):
    info = zipfile.ZipInfo(name, date_time=when.timetuple()[:6])
    info.compress_type = zipfile.ZIP_DEFLATED
    info.external_attr = 0o644 << 16
    return io.TextIOWrapper(archive.open(info, "w"), encoding="utf-8", newline="")


def _write_json(out, header: dict, key: str, records: Iterable[dict]) -> int:
    # Written a record at a time, so the whole library never sits in memory as one string.
    out.write(json.dumps(header, ensure_ascii=False, indent=1)[:-2] + f',\n "{key}": [')
    count = 0
    for record in records:
        out.write(("," if count else "") + "\n  " + json.dumps(record, ensure_ascii=False))
        count += 1
    out.write("\n ]\n}\n")
    return count


def _write_csv(out, columns, records: Iterable[dict]) -> None:
    for chunk in exports.csv_chunks(columns, records):
        out.write(chunk)


def _all_lessons() -> Iterator[dict]:
    return exports.lesson_records(queries.all_lessons(queries.LibrarySelection()))


def write_archive(target, generated_at: datetime) -> dict[str, int]:
    """Write the open-data ZIP to a binary file; return how many lessons and pilots it has."""
    sources = {
        "source": url_for("library.index", _external=True),
        "download": url_for("library.open_data", _external=True),
        "generated_at": generated_at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
    }
    with force_locale(LANGUAGE), zipfile.ZipFile(target, "w") as archive:
        with _entry(archive, "lessons.csv", generated_at) as out:
            _write_csv(out, exports.LESSON_COLUMNS, _all_lessons())
        with _entry(archive, "lessons.json", generated_at) as out:
            lessons = _write_json(out, {**sources, "licence": LICENCE_URL}, "lessons",
                                  _all_lessons())
        counts = lesson_counts()
        pilots = [pilot_record(pilot, counts.get(pilot.id, 0)) for pilot in public_pilots()]
        with _entry(archive, "pilots.csv", generated_at) as out:
            _write_csv(out, PILOT_COLUMNS, pilots)
        with _entry(archive, "pilots.json", generated_at) as out:
            _write_json(out, sources, "pilots", pilots)
        with _entry(archive, "framework.json", generated_at) as out:
            json.dump({**sources, **framework_document()}, out, ensure_ascii=False, indent=1)
        totals = {"lessons": lessons, "pilots": len(pilots)}
        with _entry(archive, "README.md", generated_at) as out:
            out.write(readme("en", sources, totals))
        with _entry(archive, "LEESMIJ.md", generated_at) as out:
            out.write(readme("nl", sources, totals))
    return totals


# The documentation in the archive -------------------------------------------------------

_TEXT = {
    "nl": {
        "title": "Open data van Proeftuin: geleerde lessen",
        "intro": "Alle gepubliceerde geleerde lessen van de proeftuinen (lerende praktijken) in "
                 "de thuiszorg, de openbare gegevens van de proeftuinen en het kader waarnaar "
                 "ze verwijzen.",
        "generated": "Gemaakt op", "source": "Bron", "download": "Download",
        "counts": "{lessons} lessen en {pilots} proeftuinen.",
        "licence_h": "Licentie",
        "licence": "De lessen (lessons.csv en lessons.json) vallen onder de licentie Creative "
                   "Commons Naamsvermelding 4.0 Internationaal (CC BY 4.0, {url}): u mag ze "
                   "delen en bewerken, ook commercieel, als u de proeftuin noemt (kolom pilot) "
                   "en naar de les verwijst (kolom url).",
        "licence_other": "De profielen van de proeftuinen (pilots.csv en pilots.json) zijn "
                         "openbare gegevens die de proeftuinen zelf op de site publiceren; "
                         "voor het kader (framework.json) is de bron het programma \"{name}\". "
                         "Daarvoor is geen aparte open licentie afgesproken: vermeld de bron "
                         "als u ze gebruikt.",
        "files_h": "Bestanden",
        "files": [
            ("lessons.csv", "alle gepubliceerde lessen, een regel per les, nieuwste eerst"),
            ("lessons.json", "dezelfde lessen als JSON"),
            ("pilots.csv", "de proeftuinen met een openbaar profiel, op naam"),
            ("pilots.json", "dezelfde proeftuinen als JSON"),
            ("framework.json", "het kader en de andere lijsten, in het Nederlands en Engels"),
            ("README.md", "deze uitleg in het Engels"),
            ("LEESMIJ.md", "deze uitleg in het Nederlands"),
        ],
        "format_h": "Opmaak",
        "format": [
            "CSV: UTF-8 met byte order mark (zodat Excel de tekens goed leest), komma als "
            "scheidingsteken, tekst tussen dubbele aanhalingstekens waar nodig, regels eindigen "
            "op CRLF (RFC 4180). Open het in een Nederlandse Excel via Gegevens > Van tekst/CSV.",
            "Een kolom met meerdere waarden zet ze achter elkaar, gescheiden door \" | \"; in "
            "JSON is het een lijst.",
            "Een cel in CSV die begint met =, +, -, @, tab of CR krijgt een apostrof ervoor, "
            "zodat een spreadsheet haar niet als formule uitvoert. In JSON staat de tekst "
            "onveranderd.",
            "Tijden in UTC (ISO 8601). Teksten in Markdown zoals de schrijvers ze invoerden; "
            "labels in het Nederlands (framework.json heeft ook het Engels, per sleutel of "
            "nummer).",
            "JSON: een object met generated_at, source en download, en de regels in "
            "\"lessons\" of \"pilots\", met dezelfde namen als de CSV-kolommen.",
            "Casusbesprekingen, concepten en contactgegevens zitten er nooit in.",
        ],
        "columns_h": "Kolommen van {files}",
        "column": "kolom", "meaning": "betekenis", "multi": " (meerdere waarden)",
        "framework_h": "framework.json",
        "framework": "Per lijst de items met hun sleutel (key) of nummer (number), de Nederlandse "
                     "naam (nl) en de Engelse (en): {groups}. Regions geeft per land (NL, BE) de "
                     "provincies.",
    },
    "en": {
        "title": "Proeftuin open data: lessons learned",
        "intro": "All published lessons learned by the pilots (learning networks) in home care, "
                 "the public data of the pilots, and the framework they refer to.",
        "generated": "Generated at", "source": "Source", "download": "Download",
        "counts": "{lessons} lessons and {pilots} pilots.",
        "licence_h": "Licence",
        "licence": "The lessons (lessons.csv and lessons.json) are licensed under Creative "
                   "Commons Attribution 4.0 International (CC BY 4.0, {url}): you may share and "
                   "adapt them, also commercially, if you name the pilot (column pilot) and "
                   "link to the lesson (column url).",
        "licence_other": "The pilot profiles (pilots.csv and pilots.json) are public "
                         "information the pilots publish on the site themselves; the framework "
                         "(framework.json) comes from the programme \"{name}\". No separate open "
                         "licence applies to these: cite the source when you use them.",
        "files_h": "Files",
        "files": [
            ("lessons.csv", "every published lesson, one row per lesson, newest first"),
            ("lessons.json", "the same lessons as JSON"),
            ("pilots.csv", "the pilots with a public profile, by name"),
            ("pilots.json", "the same pilots as JSON"),
            ("framework.json", "the framework and the other lists, in Dutch and English"),
            ("README.md", "this description in English"),
            ("LEESMIJ.md", "this description in Dutch"),
        ],
        "format_h": "Format",
        "format": [
            "CSV: UTF-8 with a byte order mark (so that Excel reads the characters right), "
            "comma-separated, text in double quotes where needed, lines ending in CRLF "
            "(RFC 4180).",
            "A column with several values lists them separated by \" | \"; in JSON it is a "
            "list.",
            "A CSV cell that starts with =, +, -, @, tab or CR gets a leading apostrophe, so a "
            "spreadsheet does not run it as a formula. JSON holds the text unchanged.",
            "Times in UTC (ISO 8601). Texts in Markdown as their writers entered them; labels "
            "in Dutch (framework.json also has English, by key or number).",
            "JSON: an object with generated_at, source and download, and the rows in "
            "\"lessons\" or \"pilots\", named as the CSV columns.",
            "Case discussions, drafts and contact details are never included.",
        ],
        "columns_h": "Columns of {files}",
        "column": "column", "meaning": "meaning", "multi": " (several values)",
        "framework_h": "framework.json",
        "framework": "For each list its items with their key or number, the Dutch name (nl) and "
                     "the English one (en): {groups}. Regions lists the provinces per country "
                     "(NL, BE).",
    },
}


def _column_table(text: dict, language: str, columns) -> list[str]:
    lines = [f"| {text['column']} | {text['meaning']} |", "| --- | --- |"]
    for column in columns:
        meaning = getattr(column, language)
        if column.multi:
            meaning = meaning.rstrip(".") + text["multi"] + "."
        lines.append(f"| `{column.name}` | {meaning} |")
    return lines


def readme(language: str, sources: dict, totals: dict) -> str:
    """Return the documentation of the archive, in Dutch ("nl") or English ("en")."""
    text = _TEXT[language]
    name = reference.framework()["name"][language]
    lines = [
        f"# {text['title']}", "", text["intro"], "",
        f"- {text['generated']}: {sources['generated_at']}",
        f"- {text['source']}: {sources['source']}",
        f"- {text['download']}: {sources['download']}",
        f"- {text['counts'].format(**totals)}", "",
        f"## {text['licence_h']}", "", text["licence"].format(url=LICENCE_URL), "",
        text["licence_other"].format(name=name), "",
        f"## {text['files_h']}", "",
        *(f"- `{file}`: {what}" for file, what in text["files"]), "",
        f"## {text['format_h']}", "",
        *(f"- {line}" for line in text["format"]), "",
        f"## {text['columns_h'].format(files='lessons.csv, lessons.json')}", "",
        *_column_table(text, language, exports.LESSON_COLUMNS), "",
        f"## {text['columns_h'].format(files='pilots.csv, pilots.json')}", "",
        *_column_table(text, language, PILOT_COLUMNS), "",
        f"## {text['framework_h']}", "",
        text["framework"].format(groups=", ".join(f"`{g}`" for g in FRAMEWORK_GROUPS)), "",
    ]
    return "\n".join(lines)


# The cached archive -----------------------------------------------------------------------


@dataclass(frozen=True)
class Archive:
    """The archive file for the current state of the data."""

    path: Path
    fingerprint: str

    @property
    def download_name(self) -> str:
        return f"proeftuin-open-data-{utcnow():%Y-%m-%d}.zip"


def folder() -> Path:
    """Return the folder in the instance folder that holds the archive, made if missing."""
    path = Path(current_app.instance_path) / FOLDER
    path.mkdir(parents=True, exist_ok=True)
    return path


def current_archive() -> Archive:
    """Return the archive of the current public data, building it first if it changed."""
    now = utcnow()
    name = fingerprint(data_state(), url_for("main.index", _external=True), now)
    path = folder() / f"{name}.zip"
    if not path.exists():
        build(path, now)
    return Archive(path, name)


def open_current() -> tuple[Archive, BinaryIO]:
    """Return the current archive, opened for reading.

    Opening it at once keeps it readable even if another worker removes the file next; one
    that disappeared between the check and the opening is built again.
    """
    archive = current_archive()
    try:
        return archive, archive.path.open("rb")
    except FileNotFoundError:
        build(archive.path, utcnow())
        return archive, archive.path.open("rb")


def build(path: Path, generated_at: datetime) -> None:
    """Build the archive at path atomically, then remove archives of earlier states."""
    # A temporary file beside the target and a rename: a download never sees half a file,
    # and two workers building at once both end with a whole one.
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=".building-", suffix=".tmp")
    try:
        with os.fdopen(handle, "wb") as out:
            write_archive(out, generated_at)
        os.chmod(temporary, 0o644)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    remove_stale(path)


def remove_stale(keep: Path) -> None:
    """Remove archives other than keep once they are old enough, and abandoned builds."""
    now = time.time()
    for other in keep.parent.iterdir():
        if other == keep:
            continue
        try:
            age = now - other.stat().st_mtime
            if (other.suffix == ".zip" and age >= STALE_AFTER) or (
                    other.suffix == ".tmp" and age >= ABANDONED_AFTER):
                other.unlink()
        except FileNotFoundError:  # another worker removed it first
            continue
