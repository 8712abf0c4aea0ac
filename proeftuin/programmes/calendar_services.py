"""Adding, changing and deleting the dates of a cohort's calendar, and a learning session's
attendance and report."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, time

from proeftuin.extensions import db
from proeftuin.models import Call, CohortDate, CohortDateKind, Pilot
from proeftuin.programmes.harvests import default_due_on


class CalendarError(ValueError):
    """A change the calendar cannot take; the forms rule these out, bar a race."""


def _checked(kind: CohortDateKind, held_on: date, start_time: time | None,
             end_time: time | None, due_on: date | None) -> date | None:
    """Check a date's day and times; return the due day it keeps (a harvest's only)."""
    if end_time is not None and (start_time is None or end_time <= start_time):
        raise CalendarError("ends before it starts")
    if kind is not CohortDateKind.harvest:
        return None
    if start_time is not None:
        raise CalendarError("a harvest lasts all day")
    due_on = due_on or default_due_on(held_on)
    if due_on < held_on:
        raise CalendarError("due before its day")
    return due_on


def add_date(call: Call, *, kind: CohortDateKind, held_on: date, start_time: time | None,
             end_time: time | None, title: str, place: str, description: str,
             due_on: date | None) -> CohortDate:
    """Put a date on the calendar of the call's cohort; a harvest without a due day gets
    the default one."""
    due_on = _checked(kind, held_on, start_time, end_time, due_on)
    cohort_date = CohortDate(call=call, kind=kind, held_on=held_on, start_time=start_time,
                             end_time=end_time, title=title, place=place or "",
                             description=description or "", report="", due_on=due_on)
    db.session.add(cohort_date)
    db.session.flush()
    return cohort_date


def change_date(cohort_date: CohortDate, *, kind: CohortDateKind, held_on: date,
                start_time: time | None, end_time: time | None, title: str, place: str,
                description: str, due_on: date | None, today: date) -> CohortDate:
    """Change a date; a harvest moved to a later day than today is reminded of again then.

    A session's report and attendance stay, also if its kind changes, so nothing written is
    lost by choosing the wrong kind for a moment.
    """
    due_on = _checked(kind, held_on, start_time, end_time, due_on)
    if kind is not CohortDateKind.harvest or (held_on != cohort_date.held_on and held_on > today):
        cohort_date.reminded_at = None
    cohort_date.kind, cohort_date.held_on, cohort_date.due_on = kind, held_on, due_on
    cohort_date.start_time, cohort_date.end_time = start_time, end_time
    cohort_date.title, cohort_date.place = title, place or ""
    cohort_date.description = description or ""
    db.session.flush()
    return cohort_date


def delete_date(cohort_date: CohortDate) -> None:
    """Take a date off the calendar, with a session's attendance and report."""
    db.session.delete(cohort_date)
    db.session.flush()


def write_report(session: CohortDate, report: str, pilots: Sequence[Pilot],
                 cohort: Sequence[Pilot]) -> None:
    """Keep a learning session's report and which pilots of the cohort attended."""
    if session.kind is not CohortDateKind.session:
        raise CalendarError("only a learning session has a report")
    members = {pilot.id for pilot in cohort}
    if any(pilot.id not in members for pilot in pilots):
        raise CalendarError("a pilot outside the cohort")
    session.report = report or ""
    session.pilots = sorted(pilots, key=lambda pilot: (pilot.name, pilot.id))
    db.session.flush()
