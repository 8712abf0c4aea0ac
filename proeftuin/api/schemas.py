"""Turn public models into the API's JSON objects; nothing here reads private fields.

Lessons are shown from their public revision only (the working copy raises if touched), and
pilots without their contact fields (the public selects raise on those too).
"""

from __future__ import annotations

from datetime import UTC, date, datetime

from flask import request, url_for
from flask_sqlalchemy.pagination import Pagination

from proeftuin import reference
from proeftuin.api.forms import LANG, PAGE, PER_PAGE, Page
from proeftuin.labels import PILOT_STATUS
from proeftuin.library.queries import ReuseOutcome
from proeftuin.library.urls import LICENCE_URL, public_lesson_url
from proeftuin.models import (
    PUBLIC_STATUSES,
    CarerQuestion,
    Discipline,
    Lesson,
    LessonRevision,
    Pilot,
    Programme,
    Region,
    SolutionDirection,
    TargetGroup,
)

#: every published lesson may be reused, naming the pilot and linking to the lesson
LICENCE = {"id": "CC-BY-4.0", "url": LICENCE_URL}


def timestamp(value: datetime | None) -> str | None:
    """Return a moment as RFC 3339 in UTC, to the second."""
    if value is None:
        return None
    return value.astimezone(UTC).replace(tzinfo=None).isoformat(timespec="seconds") + "Z"


def day(value: date | None) -> str | None:
    """Return a date as YYYY-MM-DD."""
    return value.isoformat() if value else None


def paged(endpoint: str, pagination: Pagination, page: Page, params: dict[str, str]) -> dict:
    """Return the `meta` and `links` of a page of a list; links keep the selection."""
    params = dict(params)
    if page.size_given:
        params[PER_PAGE] = str(page.size)
    if request.args.get(LANG):
        params[LANG] = request.args[LANG]
    last = max(pagination.pages, 1)

    def link(number: int | None) -> str | None:
        if number is None:
            return None
        return url_for(endpoint, _external=True, **params, **{PAGE: str(number)})

    return {
        "meta": {"page": page.number, "per_page": page.size, "total": pagination.total,
                 "pages": pagination.pages},
        "links": {
            "self": link(page.number),
            "first": link(1),
            "last": link(last),
            "prev": link(min(page.number - 1, last)) if page.number > 1 else None,
            "next": link(page.number + 1) if page.number < last else None,
        },
    }


def numbered(row: CarerQuestion | SolutionDirection) -> dict:
    """Return a carer question or solution direction as number and name."""
    return {"number": row.number, "name": row.name}


def keyed(row: TargetGroup | Discipline) -> dict:
    """Return a keyed reference row as key and name."""
    return {"key": row.key, "name": row.name}


def region(row: Region) -> dict:
    """Return a region."""
    return {"id": row.id, "name": row.name, "country": row.country}


def programme(row: Programme) -> dict:
    """Return a programme as slug and name."""
    return {"slug": row.slug, "name": row.name}


def pilot_reference(pilot: Pilot) -> dict:
    """Return what a lesson says about the pilot it came from."""
    return {
        "slug": pilot.slug,
        "name": pilot.name,
        "municipality": pilot.municipality,
        "region": {"id": pilot.region.id, "name": pilot.region.name},
        "programme": programme(pilot.programme),
        "url": url_for("pilots.show", slug=pilot.slug, _external=True),
        "api_url": url_for("api.pilot", slug=pilot.slug, _external=True),
    }


def lesson(item: Lesson, outcome: ReuseOutcome) -> dict:
    """Return a published lesson as the public sees it: its public revision, in full."""
    revision: LessonRevision = item.public_revision
    return {
        "id": item.id,
        "title": revision.title,
        "summary": revision.summary,
        "context": revision.context,
        "body": revision.body,
        "advice": revision.advice,
        "kind": revision.kind.value,
        "level": revision.level.value,
        "evidence": revision.evidence.value,
        "directions": [numbered(d) for d in revision.directions],
        "questions": [numbered(q) for q in revision.questions],
        "target_groups": [keyed(t) for t in revision.target_groups],
        "pilot": pilot_reference(item.pilot),
        "version": revision.number,
        "first_published_at": timestamp(item.first_published_at),
        "updated_at": timestamp(revision.published_at),
        "source_case_count": revision.source_case_count,
        "reuse_count": outcome.pilots,
        "reuse_outcome": {"pilots": outcome.pilots, "adopted": outcome.adopted,
                          "adapted": outcome.adapted, "dropped": outcome.dropped,
                          "proven_elsewhere": outcome.proven},
        "url": public_lesson_url(revision, _external=True),
        "api_url": url_for("api.lesson", lesson_id=item.id, _external=True),
        "licence": LICENCE,
    }


def pilot_listed(pilot: Pilot) -> dict:
    """Return a pilot as the public list shows it."""
    return {
        **pilot_reference(pilot),
        "status": pilot.status.value,
        "scale": pilot.scale.value,
        "planned_start": day(pilot.planned_start),
        "planned_end": day(pilot.planned_end),
        "directions": [numbered(pd.direction) for pd in pilot.directions],
    }


def pilot_profile(pilot: Pilot, lessons: list[LessonRevision]) -> dict:
    """Return a pilot's public profile with links to its published lessons."""
    return {
        **pilot_listed(pilot),
        "theme": pilot.theme,
        "ambition": pilot.ambition,
        "actions": pilot.actions,
        "results": pilot.results,
        "questions": [numbered(q) for q in pilot.questions],
        "directions": [
            {**numbered(pd.direction), "task": pd.task, "desired_outcome": pd.desired_outcome}
            for pd in pilot.directions
        ],
        "organisations": [{"name": o.name, "kind": o.kind.value} for o in pilot.organisations],
        "disciplines": [keyed(d) for d in pilot.disciplines],
        "target_groups": [keyed(t) for t in pilot.target_groups],
        "lessons": [
            {"id": revision.lesson_id, "title": revision.title,
             "url": public_lesson_url(revision, _external=True),
             "api_url": url_for("api.lesson", lesson_id=revision.lesson_id, _external=True)}
            for revision in lessons
        ],
    }


def _choices(group: str) -> list[dict]:
    return [{"key": key, "name": name} for key, name in reference.choices(group)]


def framework(questions, directions, regions, target_groups, disciplines, programmes) -> dict:
    """Return the framework and the other values the filters take, named in this language."""
    return {
        "questions": [numbered(q) for q in questions],
        "directions": [numbered(d) for d in directions],
        "lesson_kinds": _choices("lesson_kinds"),
        "lesson_levels": _choices("lesson_levels"),
        "evidence_bases": _choices("evidence_bases"),
        "regions": [region(r) for r in regions],
        "target_groups": [keyed(t) for t in target_groups],
        "disciplines": [{**keyed(d), "essential": d.essential} for d in disciplines],
        "programmes": [programme(p) for p in programmes],
        "pilot_scales": _choices("pilot_scales"),
        "pilot_statuses": [{"key": s.value, "name": str(PILOT_STATUS[s])}
                           for s in PUBLIC_STATUSES],
        "organisation_kinds": _choices("organisation_kinds"),
    }
