"""Jobs the worker runs at set hours (Europe/Amsterdam), once per period.

A job's run is claimed by inserting (job, period) into scheduled_run: the primary key lets
one worker win, also after a restart in the same period, so a digest never goes out twice.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

import sqlalchemy as sa

from proeftuin.extensions import db
from proeftuin.models.notification import ScheduledRun

ZONE = ZoneInfo("Europe/Amsterdam")


@dataclass(frozen=True)
class Job:
    name: str
    #: the local hour from which it runs, once per day
    hour: int
    run: Callable[[datetime], object]


def jobs() -> list[Job]:
    from proeftuin import notifications  # noqa: PLC0415 - the jobs' modules use the app

    return [Job("daily-digest", notifications.DIGEST_HOUR, notifications.send_daily_digests)]


def run_due(now: datetime) -> list[str]:
    """Run each job whose hour has come today and which has not run today; their names."""
    local = now.astimezone(ZONE)
    ran = []
    for job in jobs():
        if local.hour < job.hour:
            continue
        db.session.add(ScheduledRun(job=job.name, period=local.date().isoformat(),
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
