"""The cohort's calendar as an iCalendar feed, and the secret link that opens it.

Calendar apps cannot sign in, so the feed's address carries a token signed with the app's
secret key that names the call: whoever has the link reads the cohort's dates, and nothing
else. The feed holds what the dates say (kind, title, place, description, times), never a
session's report nor the names of people or pilots.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import TYPE_CHECKING
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

from flask import current_app
from flask_babel import format_date
from flask_babel import gettext as _
from itsdangerous import BadSignature, URLSafeSerializer

from proeftuin.dates import TIMEZONE
from proeftuin.labels import cohort_date_kind_label
from proeftuin.messaging.compose import absolute_url, site_path
from proeftuin.models import Call, CohortDate
from proeftuin.models.base import MAX_ID
from proeftuin.programmes import queries as call_queries

if TYPE_CHECKING:
    from icalendar import Event, Timezone

#: how long a calendar app (or a cache in between) may keep the feed before asking again
MAX_AGE = 15 * 60

_SALT = "cohort-calendar"
_ZONE = ZoneInfo(TIMEZONE)


def _serializer() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt=_SALT)


def feed_token(call: Call) -> str:
    """The token of the call's feed link; it does not expire."""
    return _serializer().dumps(call.id)


def call_of_token(token: str) -> Call | None:
    """The call a feed token names, while it exists; None for anything else."""
    try:
        call_id = _serializer().loads(token)
    except BadSignature:
        return None
    if not isinstance(call_id, int) or isinstance(call_id, bool) or not 0 < call_id <= MAX_ID:
        return None
    return call_queries.call_by_id(call_id)


def feed_url(call: Call) -> str:
    """The feed's address on the site, for a calendar app that subscribes over https."""
    return absolute_url("calendar_feed.feed", token=feed_token(call))


def webcal_url(call: Call) -> str:
    """The same address as webcal://, which asks the device's calendar app to subscribe."""
    return "webcal://" + feed_url(call).split("://", 1)[1]


def _amsterdam() -> Timezone:
    """Europe/Amsterdam's rules since 1996, written out for apps that do not know the zone."""
    from icalendar import Timezone, TimezoneDaylight, TimezoneStandard, vRecur

    zone = Timezone()
    zone.add("tzid", TIMEZONE)
    for part, name, before, after, start, month in (
            (TimezoneDaylight(), "CEST", timedelta(hours=1), timedelta(hours=2),
             datetime(1996, 3, 31, 2), 3),
            (TimezoneStandard(), "CET", timedelta(hours=2), timedelta(hours=1),
             datetime(1996, 10, 27, 3), 10)):
        part.add("tzname", name)
        part.add("tzoffsetfrom", before)
        part.add("tzoffsetto", after)
        part.add("dtstart", start)
        part.add("rrule", vRecur(freq="YEARLY", bymonth=month, byday="-1SU"))
        zone.add_component(part)
    return zone


def _event(cohort_date: CohortDate, domain: str, link: str) -> Event:
    from icalendar import Event

    event = Event()
    event.add("uid", f"cohort-date-{cohort_date.id}@{domain}")
    event.add("dtstamp", cohort_date.updated_at)
    event.add("last-modified", cohort_date.updated_at)
    event.add("summary", f"{cohort_date_kind_label(cohort_date.kind)}: {cohort_date.title}")
    if cohort_date.start_time is None:
        event.add("dtstart", cohort_date.held_on)
        event.add("dtend", cohort_date.held_on + timedelta(days=1))
    else:
        event.add("dtstart", datetime.combine(cohort_date.held_on, cohort_date.start_time,
                                              _ZONE))
        if cohort_date.end_time is not None:
            event.add("dtend", datetime.combine(cohort_date.held_on, cohort_date.end_time,
                                                _ZONE))
    if cohort_date.place:
        event.add("location", cohort_date.place)
    description = [cohort_date.description] if cohort_date.description else []
    if cohort_date.is_harvest and cohort_date.due_on is not None:
        description.append(_("Dien uiterlijk %(day)s ten minste één les in.",
                             day=format_date(cohort_date.due_on, "long")))
    if description:
        event.add("description", "\n\n".join(description))
    event.add("url", link)
    event.add("transp", "TRANSPARENT" if cohort_date.start_time is None else "OPAQUE")
    return event


def calendar_bytes(call: Call, dates: list[CohortDate]) -> bytes:
    """Return the call's dates as an iCalendar file: a VEVENT per date, all day when it has
    no time, else in Europe/Amsterdam time."""
    # icalendar is imported where a feed is written, not at the top: it adds some 4 MB to
    # every worker, and only this download needs it.
    from icalendar import Calendar

    calendar = Calendar()
    calendar.add("prodid", "-//Proeftuin//Kalender van de ronde//NL")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    name = f"{call.programme.name} – {call.title}"
    calendar.add("x-wr-calname", name)
    calendar.add("name", name)
    calendar.add("x-wr-timezone", TIMEZONE)
    calendar.add("refresh-interval", timedelta(hours=12), parameters={"VALUE": "DURATION"})
    calendar.add("x-published-ttl", timedelta(hours=12))
    if any(d.start_time is not None for d in dates):
        calendar.add_component(_amsterdam())
    domain = urlsplit(current_app.config["SITE_URL"]).hostname or "proeftuin"
    link = current_app.config["SITE_URL"] + site_path("workspace.mine")
    for cohort_date in dates:
        calendar.add_component(_event(cohort_date, domain, link))
    return calendar.to_ical()
