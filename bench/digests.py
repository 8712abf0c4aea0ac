"""The followers' weekly digests over the national data set (issue 18).

10,000 confirmed weekly subscriptions, shaped like what visitors follow: a solution direction
or a carer question (most of them), a direction in a region, a pilot, or search words alone
or within a direction; one in five in English. Their last digest was a week before the newest
lesson of the data set, so the run finds a week of new lessons (hundreds, at this scale).
The run queues every digest with something new, as the worker's Monday job does; it is timed
whole (finding, composing, queuing) and then rolled back, so the data set stays as it was.
"""

from __future__ import annotations

import random
import secrets
import time
from dataclasses import dataclass
from datetime import timedelta

import sqlalchemy as sa

SUBSCRIPTIONS = 10_000
TARGET_S = 120.0
#: words visitors follow, from the synthetic data's vocabulary: common ones and rare ones
WORDS = ("respijtzorg", "dementie", "eenzaamheid", "dagbesteding", "logeeropvang",
         "valpreventie", "keukentafelgesprek", "vrijwilligers", "crisisplan",
         "mantelzorgwaardering", "woningaanpassing", "nachtelijke onrust",
         "medicatieveiligheid", "levenseinde", "zorg op afstand", "mantelzorger")


@dataclass(frozen=True)
class DigestFigures:
    subscriptions: int
    selections: int
    new_lessons: int
    queued: int
    seconds: float
    queries: int

    def lines(self) -> list[tuple[str, str, bool]]:
        return [(
            f"Weekly digests: {self.subscriptions:,} subscriptions ({self.selections:,} distinct "
            f"selections, {self.new_lessons:,} lessons new that week) composed and queued in "
            f"{self.seconds:.1f} s: {self.queued:,} digests, {self.queries:,} queries",
            f"< {TARGET_S:g} s", self.seconds < TARGET_S)]


def _selections(rng: random.Random, pilot_ids: list[int], regions: list[int]) -> list[str]:
    """What each subscription follows, as its `selection` column."""
    chosen = []
    for _ in range(SUBSCRIPTIONS):
        draw = rng.random()
        if draw < 0.35:
            chosen.append(f"richting={rng.randint(1, 10)}")
        elif draw < 0.50:
            chosen.append(f"vraag={rng.randint(1, 3)}")
        elif draw < 0.65:
            chosen.append(f"regio={rng.choice(regions)}&richting={rng.randint(1, 10)}")
        elif draw < 0.80:
            chosen.append(f"proeftuin={rng.choice(pilot_ids)}")
        elif draw < 0.92:
            chosen.append(f"q={rng.choice(WORDS).replace(' ', '+')}")
        else:
            chosen.append(f"q={rng.choice(WORDS).replace(' ', '+')}&richting={rng.randint(1, 10)}")
    return chosen


def measure(app) -> DigestFigures:
    from proeftuin.extensions import db
    from proeftuin.following import digests
    from proeftuin.models import PUBLIC_STATUSES, Frequency, Lesson, Pilot, Region, Subscription

    rng = random.Random(18)  # noqa: S311 - a fixed mix of subscriptions, not a secret
    with app.app_context():
        newest = db.session.scalar(sa.select(sa.func.max(Lesson.first_published_at)))
        week_before = newest - timedelta(days=7)
        pilot_ids = list(db.session.scalars(
            sa.select(Pilot.id).where(Pilot.status.in_(PUBLIC_STATUSES))))
        regions = list(db.session.scalars(sa.select(Region.id)))
        rows = []
        for number, selection in enumerate(_selections(rng, pilot_ids, regions)):
            pilot_id = int(selection.split("=")[1]) if selection.startswith("proeftuin=") else None
            rows.append({
                "email": f"volger{number}@gemeente-voorbeeld.example",
                "language": "en" if rng.random() < 0.2 else "nl",
                "frequency": Frequency.weekly, "selection": selection, "pilot_id": pilot_id,
                "key": secrets.token_hex(16), "created_at": week_before,
                "confirmed_at": week_before, "covered_until": week_before,
            })
        db.session.execute(sa.insert(Subscription), rows)
        db.session.flush()
        new_lessons = db.session.scalar(sa.select(sa.func.count()).select_from(Lesson).where(
            Lesson.first_published_at > week_before))
        queries = []
        engine = db.session.get_bind()

        def count(*_args):
            queries.append(1)

        sa.event.listen(engine, "before_cursor_execute", count)
        started = time.perf_counter()
        try:
            queued = digests.send_digests(newest, Frequency.weekly)
            db.session.flush()
            seconds = time.perf_counter() - started
        finally:
            sa.event.remove(engine, "before_cursor_execute", count)
            db.session.rollback()
    return DigestFigures(SUBSCRIPTIONS, len({row["selection"] for row in rows}), new_lessons,
                         queued, seconds, len(queries))
