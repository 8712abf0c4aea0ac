"""Jobs the worker runs at set hours (Europe/Amsterdam), once per day, week or month.

A job's run is claimed by inserting (job, period) into scheduled_run: the primary key lets
one worker win, also after a restart in the same period, so a digest never goes out twice.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

import sqlalchemy as sa

from proeftuin.dates import TIMEZONE
from proeftuin.extensions import db
from proeftuin.models.notification import ScheduledRun

ZONE = ZoneInfo(TIMEZONE)
#: the night's clean-up of addresses and mail no longer needed, before anyone is at work
RETENTION_HOUR = 3


def daily(local: datetime) -> str:
    return local.date().isoformat()


def weekly(local: datetime) -> str:
    """The ISO week: a weekly job runs on Monday, or on the first day after it can."""
    year, week, _ = local.isocalendar()
    return f"{year}-W{week:02d}"


def monthly(local: datetime) -> str:
    return f"{local.year}-{local.month:02d}"


@dataclass(frozen=True)
class Job:
    name: str
    #: the local hour from which it runs, once per period
    hour: int
    run: Callable[[datetime], object]
    #: the period of a local time, which names the job's run in scheduled_run
    period: Callable[[datetime], str] = daily


def jobs() -> list[Job]:
    # The jobs' modules use the app's models and templates, which import this package.
    from proeftuin import notifications  # noqa: PLC0415
    from proeftuin.following import digests, services  # noqa: PLC0415
    from proeftuin.library import usage  # noqa: PLC0415
    from proeftuin.messaging import worker  # noqa: PLC0415
    from proeftuin.models import Frequency  # noqa: PLC0415
    from proeftuin.programmes import harvests  # noqa: PLC0415
    from proeftuin.reuse import follow_ups  # noqa: PLC0415

    def retention(now: datetime) -> None:
        services.purge_unconfirmed(now)
        worker.purge_sent(now)
        usage.purge_old_searches(now)

    return [
        Job("daily-digest", notifications.DIGEST_HOUR, notifications.send_daily_digests),
        Job("weekly-follow-digest", digests.DIGEST_HOUR,
            lambda now: digests.send_digests(now, Frequency.weekly), weekly),
        Job("monthly-follow-digest", digests.DIGEST_HOUR,
            lambda now: digests.send_digests(now, Frequency.monthly), monthly),
        Job("retention", RETENTION_HOUR, retention),
        Job("harvest-reminders", harvests.REMINDER_HOUR, harvests.send_harvest_reminders),
        Job("reuse-follow-ups", follow_ups.ASK_HOUR, follow_ups.ask_due),
    ]


def run_due(now: datetime) -> list[str]:
    """Run each job whose hour has come today and which has not run today; their names."""
    local = now.astimezone(ZONE)
    ran = []
    for job in jobs():
        if local.hour < job.hour:
            continue
        db.session.add(ScheduledRun(job=job.name, period=job.period(local),
                                    started_at=now))
        try:
            db.session.flush()
        except sa.exc.IntegrityError:
            db.session.rollback()
            continue
        job.run(now)
        db.session.commit()
        ran.append(job.name)
    return ran
