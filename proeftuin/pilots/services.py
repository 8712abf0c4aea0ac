"""State changes of the public pilot pages: a group's application."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date

import sqlalchemy as sa
from flask_babel import get_locale

from proeftuin.dates import local_today
from proeftuin.extensions import db
from proeftuin.messaging.compose import site_path
from proeftuin.models import (
    CarerQuestion,
    Discipline,
    OrganisationKind,
    Pilot,
    PilotDirection,
    PilotOrganisation,
    PilotScale,
    PilotStatus,
    Region,
    SolutionDirection,
    TargetGroup,
    call_application,
)
from proeftuin.notifications import notify
from proeftuin.pilots.lifecycle import record_application
from proeftuin.programmes import queries as call_queries
from proeftuin.slugs import unique_slug


class ApplicationError(ValueError):
    """The application refers to something that does not exist or takes no applications."""


def _rows(model, column, values: Sequence) -> list:
    wanted = set(values or ())
    if not wanted:
        return []
    rows = list(db.session.scalars(sa.select(model).where(column.in_(wanted))))
    if len(rows) != len(wanted):
        raise ApplicationError(f"unknown {model.__name__} in {sorted(wanted)}")
    return rows


def _organisations(rows: Sequence[Mapping]) -> list[PilotOrganisation]:
    filled = [row for row in rows if row.get("name") or row.get("kind")]
    if not filled:
        raise ApplicationError("no organisation")
    organisations = []
    for position, row in enumerate(filled):
        if not row.get("name"):
            raise ApplicationError("organisation without a name")
        try:
            kind = OrganisationKind(row.get("kind"))
        except ValueError as error:
            raise ApplicationError("unknown organisation kind") from error
        organisations.append(PilotOrganisation(name=row["name"], kind=kind, position=position))
    return organisations


def submit_application(data: Mapping) -> Pilot:
    """Create a pilot in status applied from a validated application, and log the step.

    `data` holds the application form's values: ids for region, call, disciplines
    and target groups, numbers for questions and directions, and `organisations` as a list
    of {"name", "kind"} rows, of which wholly blank ones are skipped.
    """
    region = db.session.get(Region, data["region_id"])
    call = call_queries.open_call(data["call_id"], local_today())
    if region is None:
        raise ApplicationError("unknown region")
    if call is None:
        raise ApplicationError("no open call")
    start, end = data["planned_start"], data["planned_end"]
    if isinstance(start, date) and isinstance(end, date) and end <= start:
        raise ApplicationError("planned end before start")
    organisations = _organisations(data["organisations"])
    questions = _rows(CarerQuestion, CarerQuestion.number, data["questions"])
    directions = _rows(SolutionDirection, SolutionDirection.number, data["directions"])
    if not questions or not directions:
        raise ApplicationError("no question or no direction")
    disciplines = _rows(Discipline, Discipline.id, data.get("disciplines"))
    target_groups = _rows(TargetGroup, TargetGroup.id, data.get("target_groups"))
    slug = unique_slug(Pilot, data["name"])

    pilot = Pilot(
        slug=slug,
        name=data["name"],
        municipality=data["municipality"],
        region=region,
        programme=call.programme,
        call=call,
        scale=PilotScale(data["scale"]),
        status=PilotStatus.applied,
        theme=data["theme"],
        ambition=data["ambition"],
        planned_start=start,
        planned_end=end,
        contact_name=data["contact_name"],
        contact_email=data["contact_email"],
        contact_phone=data.get("contact_phone") or "",
    )
    pilot.questions = sorted(questions, key=lambda q: q.number)
    pilot.directions = [
        PilotDirection(direction=d, direction_number=d.number)
        for d in sorted(directions, key=lambda d: d.number)
    ]
    pilot.disciplines = sorted(disciplines, key=lambda d: d.position)
    pilot.target_groups = sorted(target_groups, key=lambda t: t.position)
    pilot.organisations = organisations
    db.session.add(pilot)
    record_application(pilot)
    notify(pilot.programme.facilitators, "application_received",
           site_path("dashboard.pilot", slug=pilot.slug),
           pilot=pilot.name, programme=pilot.programme.name)
    db.session.flush()
    # The decision e-mail is written in the language the group applied in.
    db.session.execute(sa.update(call_application)
                       .where(call_application.c.pilot_id == pilot.id)
                       .values(language=str(get_locale() or "nl")))
    return pilot
