"""Days and months as the Netherlands and Flanders count them, whatever the server clock's zone is."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from flask_babel import format_date, format_time, get_locale

#: the time zone in which the application counts days, months and years (CET/CEST)
TIMEZONE = "Europe/Amsterdam"


def local_today() -> date:
    """Return today's date in the Netherlands and Flanders."""
    return datetime.now(ZoneInfo(TIMEZONE)).date()


def local_date(moment: datetime) -> date:
    """Return the date a moment (with its zone) falls on in the Netherlands and Flanders."""
    return moment.astimezone(ZoneInfo(TIMEZONE)).date()


def month_of(day: date) -> date:
    """Return the first day of the month `day` falls in."""
    return day.replace(day=1)


def add_months(day: date, count: int) -> date:
    """Return the first day of the month `count` months after the month of `day`."""
    index = day.year * 12 + day.month - 1 + count
    return date(index // 12, index % 12 + 1, 1)


def months_later(day: date, count: int) -> date:
    """The same day of the month `count` months after `day`, or that month's last day."""
    first = add_months(day, count)
    last_day = (add_months(first, 1) - timedelta(days=1)).day
    return first.replace(day=min(day.day, last_day))


def month_count(first: date, last: date) -> int:
    """Return the number of months from the month of `first` through the month of `last`."""
    return (last.year - first.year) * 12 + last.month - first.month + 1


def months_between(first: date, last: date) -> list[date]:
    """Return the first days of every month from the month of `first` to `last`, both included."""
    return [add_months(first, i) for i in range(max(month_count(first, last), 0))]


def format_moment(value: datetime | None) -> str:
    """Return a moment as people read it on a page: the date and the time to the minute.

    In the reader's language and time zone ("6 dec 2026, 13:05"); seconds say nothing there.
    """
    if value is None:
        return ""
    pattern = get_locale().datetime_formats["medium"]
    return pattern.format(format_time(value, "short"), format_date(value, "medium"))
