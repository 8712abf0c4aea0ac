"""Harvest moments: which pilots met them, and the reminder that asks the active pilots for
lessons on the harvest's day.

A harvest is met by a pilot that submitted at least one lesson from the harvest's day up to
and including its due day, counted in Dutch days. Every submission is read from the audit
trail, which keeps each one (a lesson's `submitted_at` only keeps its latest), together with
the lessons' own `submitted_at` in case an operator purged old events. A harvest that is not
met is overdue once its due day has passed, and pending until then.

A harvest applies to the pilots of the call's cohort (`COHORT_STATUSES`), bar a pilot that
completed or stopped before the harvest's day.
"""

from __future__ import annotations

import enum
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from flask import current_app
from flask_babel import LazyString, format_date
from sqlalchemy.orm import joinedload

from proeftuin.dates import TIMEZONE
from proeftuin.extensions import db
from proeftuin.models import (
    ACTIVE_COHORT_STATUSES,
    COHORT_STATUSES,
    AuditAction,
    AuditEvent,
    Call,
    CohortDate,
    CohortDateKind,
    Lesson,
    Membership,
    Pilot,
    PilotStatus,
    PilotStatusChange,
    RecordType,
    User,
    call_application,
)
from proeftuin.models.base import utcnow

#: the hour (Europe/Amsterdam) from which the worker sends the day's harvest reminders
REMINDER_HOUR = 8
#: the statuses of pilots that left the cohort; harvests after they left do not apply
LEFT_STATUSES = (PilotStatus.completed, PilotStatus.stopped)

_ZONE = ZoneInfo(TIMEZONE)


class Standing(enum.Enum):
    """Where a pilot stands with one harvest."""

    met = "met"
    overdue = "overdue"
    pending = "pending"


def default_due_on(held_on: date) -> date:
    """The due day of a harvest on `held_on` when none is given: HARVEST_WEEKS later."""
    return held_on + timedelta(weeks=current_app.config["HARVEST_WEEKS"])


def _start_of(day: date) -> datetime:
    """The first moment of a Dutch day, in UTC."""
    return datetime.combine(day, time(), _ZONE).astimezone(UTC)


def window(harvest: CohortDate) -> tuple[datetime, datetime]:
    """The moments (UTC) in which a submitted lesson meets the harvest: from the start of its
    day to the start of the day after its due day."""
    return _start_of(harvest.held_on), _start_of(harvest.due_on + timedelta(days=1))


def standing_of(harvest: CohortDate, met: bool, today: date) -> Standing:
    """Where a pilot that did (or did not) meet the harvest stands on `today`."""
    if met:
        return Standing.met
    return Standing.overdue if today > harvest.due_on else Standing.pending


@dataclass(frozen=True)
class CohortPilot:
    """A pilot of a cohort as the harvest figures need it."""

    pilot_id: int
    call_id: int
    status: PilotStatus


def _left_days(pilots: Iterable[CohortPilot]) -> dict[int, date]:
    """The Dutch day each pilot that completed or stopped did so (its latest such step)."""
    gone = [p.pilot_id for p in pilots if p.status in LEFT_STATUSES]
    if not gone:
        return {}
    rows = db.session.execute(
        sa.select(PilotStatusChange.pilot_id, sa.func.max(PilotStatusChange.created_at))
        .where(PilotStatusChange.pilot_id.in_(gone),
               PilotStatusChange.to_status.in_(LEFT_STATUSES))
        .group_by(PilotStatusChange.pilot_id))
    return {pilot_id: moment.astimezone(_ZONE).date() for pilot_id, moment in rows}


def met_pairs(harvests: list[CohortDate], pilots: list[CohortPilot]) -> set[tuple[int, int]]:
    """Return (harvest id, pilot id) for each pilot of a harvest's cohort that met it.

    One select whatever the number of harvests and pilots: the pilots' submissions inside
    the harvests' span, reduced per pilot to a yes or no per harvest window.
    """
    if not harvests or not pilots:
        return set()
    windows = {h.id: window(h) for h in harvests}
    first = min(start for start, _end in windows.values())
    last = max(end for _start, end in windows.values())
    ids = sorted({p.pilot_id for p in pilots})
    submitted = sa.union_all(
        sa.select(AuditEvent.pilot_id.label("pilot_id"), AuditEvent.occurred_at.label("at"))
        .where(AuditEvent.pilot_id.in_(ids), AuditEvent.action == AuditAction.submitted,
               AuditEvent.record_type == RecordType.lesson.value,
               AuditEvent.occurred_at >= first, AuditEvent.occurred_at < last),
        sa.select(Lesson.pilot_id, Lesson.submitted_at)
        .where(Lesson.pilot_id.in_(ids), Lesson.submitted_at >= first,
               Lesson.submitted_at < last),
    ).subquery()
    flags = [
        sa.func.max(sa.case((sa.and_(submitted.c.at >= start, submitted.c.at < end), 1),
                            else_=0)).label(f"h{harvest_id}")
        for harvest_id, (start, end) in windows.items()
    ]
    call_of = {p.pilot_id: p.call_id for p in pilots}
    found = set()
    call_of_harvest = {h.id: h.call_id for h in harvests}
    for pilot_id, *met in db.session.execute(
            sa.select(submitted.c.pilot_id, *flags).group_by(submitted.c.pilot_id)):
        found.update((harvest_id, pilot_id)
                     for harvest_id, flag in zip(windows, met, strict=True)
                     if flag and call_of_harvest[harvest_id] == call_of[pilot_id])
    return found


@dataclass
class HarvestRecord:
    """Where each pilot of some cohorts stands with each harvest that applies to it."""

    standings: dict[tuple[int, int], Standing]

    def of(self, harvest: CohortDate, pilot_id: int) -> Standing | None:
        """Where the pilot stands with the harvest; None if it does not apply to the pilot."""
        return self.standings.get((harvest.id, pilot_id))

    def met_count(self, harvest: CohortDate) -> int:
        """How many pilots met the harvest."""
        return sum(1 for (h, _p), s in self.standings.items()
                   if h == harvest.id and s is Standing.met)

    def rows(self, harvest: CohortDate, pilots: Iterable[Pilot]) -> list[tuple[Pilot, Standing]]:
        """The pilots (of those given, in their order) the harvest applies to, each with
        where it stands."""
        return [(pilot, standing) for pilot in pilots
                if (standing := self.standings.get((harvest.id, pilot.id))) is not None]


def harvest_record(harvests: list[CohortDate], pilots: list[CohortPilot],
                   today: date) -> HarvestRecord:
    """Work out the standing of every cohort pilot with every harvest of its call that
    applies to it: at most two selects, whatever the numbers."""
    harvests = [h for h in harvests if h.kind is CohortDateKind.harvest]
    left = _left_days(pilots)
    met = met_pairs(harvests, pilots)
    standings = {}
    for harvest in harvests:
        for pilot in pilots:
            if pilot.call_id != harvest.call_id:
                continue
            if pilot.pilot_id in left and left[pilot.pilot_id] < harvest.held_on:
                continue
            standings[(harvest.id, pilot.pilot_id)] = standing_of(
                harvest, (harvest.id, pilot.pilot_id) in met, today)
    return HarvestRecord(standings)


@dataclass
class HarvestTally:
    """A pilot's harvests: met, overdue, and still to come or open."""

    met: int = 0
    overdue: int = 0
    pending: int = 0


def tallies(programme_ids: list[int], today: date) -> dict[int, HarvestTally]:
    """Count, per pilot of a cohort in these programmes, its harvests met, overdue and
    pending; pilots outside any cohort are left out. Four selects at most, whatever the
    number of pilots and harvests."""
    if not programme_ids:
        return {}
    pilots = [CohortPilot(*row) for row in db.session.execute(
        sa.select(Pilot.id, call_application.c.call_id, Pilot.status)
        .join(call_application, call_application.c.pilot_id == Pilot.id)
        .where(Pilot.programme_id.in_(programme_ids), Pilot.status.in_(COHORT_STATUSES)))]
    if not pilots:
        return {}
    harvests = list(db.session.scalars(
        sa.select(CohortDate).where(CohortDate.kind == CohortDateKind.harvest,
                                    CohortDate.call_id.in_({p.call_id for p in pilots}))))
    record = harvest_record(harvests, pilots, today)
    counts = {p.pilot_id: HarvestTally() for p in pilots}
    for (_harvest, pilot_id), standing in record.standings.items():
        tally = counts[pilot_id]
        setattr(tally, standing.value, getattr(tally, standing.value) + 1)
    return counts


# Reminders ------------------------------------------------------------------------------


def due_harvests(today: date) -> list[CohortDate]:
    """The harvests whose day has come, whose window is still open and that have not been
    reminded of, with their call and programme."""
    return list(db.session.scalars(
        sa.select(CohortDate)
        .where(CohortDate.kind == CohortDateKind.harvest, CohortDate.reminded_at.is_(None),
               CohortDate.held_on <= today, CohortDate.due_on >= today)
        .options(joinedload(CohortDate.call).joinedload(Call.programme))
        .order_by(CohortDate.held_on, CohortDate.id)))


def _members_by_call(call_ids: set[int]) -> dict[int, list[User]]:
    """The members of each call's active cohort pilots, per call: one select."""
    found: dict[int, list[User]] = defaultdict(list)
    if not call_ids:
        return found
    for user, call_id in db.session.execute(
            sa.select(User, call_application.c.call_id)
            .join(Membership, Membership.user_id == User.id)
            .join(Pilot, Pilot.id == Membership.pilot_id)
            .join(call_application, call_application.c.pilot_id == Pilot.id)
            .where(call_application.c.call_id.in_(call_ids),
                   Pilot.status.in_(ACTIVE_COHORT_STATUSES))
            .order_by(User.id)):
        found[call_id].append(user)
    return found


def _day_text(day: date) -> LazyString:
    # Written when the notification is, in each recipient's language.
    return LazyString(lambda: format_date(day, "long"))


def send_harvest_reminders(now: datetime | None = None) -> int:
    """Ask every member of each active cohort pilot, once per harvest, to turn case
    discussions into lessons; returns the number of harvests reminded of.

    `reminded_at` marks a harvest done in the same transaction as its notifications, so a
    restart, another worker or the next day never sends it again.
    """
    from proeftuin.messaging.compose import site_path  # noqa: PLC0415 - needs the app
    from proeftuin.notifications import notify  # noqa: PLC0415 - imports the messaging

    now = now or utcnow()
    harvests = due_harvests(now.astimezone(_ZONE).date())
    members = _members_by_call({h.call_id for h in harvests})
    path = site_path("workspace.mine")
    for harvest in harvests:
        notify(members.get(harvest.call_id, ()), "harvest_due", path,
               harvest=harvest.title, programme=harvest.call.programme.name,
               due=_day_text(harvest.due_on))
        harvest.reminded_at = now
    db.session.flush()
    return len(harvests)
