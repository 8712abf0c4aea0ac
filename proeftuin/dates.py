"""Today as the Netherlands and Flanders count it, whatever the server clock's zone is."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

#: the time zone in which the application counts days, months and years (CET/CEST)
TIMEZONE = "Europe/Amsterdam"


def local_today() -> date:
    """Return today's date in the Netherlands and Flanders."""
    return datetime.now(ZoneInfo(TIMEZONE)).date()
