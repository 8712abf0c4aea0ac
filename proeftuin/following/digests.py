"""The followers' digests: per subscription, the lessons first published since the last one.

A run reads every confirmed subscription of one frequency at once and finds the new lessons
once per distinct selection (most followers share theirs with others: a direction, a carer
question), so its queries grow with the selections followed, not with the followers. A
subscription with nothing new gets no mail; each one's period moves on either way. The whole
run is one transaction with the worker's claim of the period: a run that fails sends nothing
and is tried again.
"""

from __future__ import annotations

import contextlib
import textwrap
from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from flask import current_app, has_request_context
from flask_babel import force_locale, lazy_ngettext

from proeftuin.extensions import db
from proeftuin.following import selection as followed_selection
from proeftuin.following.services import link_token
from proeftuin.library import queries as library_queries
from proeftuin.library.urls import public_lesson_url
from proeftuin.messaging.compose import absolute_url, message, personalised, queue_all
from proeftuin.models import PUBLIC_STATUSES, Frequency, Lesson, Pilot, Subscription
from proeftuin.text import markdown_to_text

#: the local hour the weekly (Monday) and monthly (first of the month) digests go out
DIGEST_HOUR = 7
#: a digest lists this many of the newest lessons, and links to the rest in the library
LISTED = 10
#: messages added to the outbox per statement
CHUNK = 1_000
#: where a digest's text has each follower's own links, filled in per follower
MANAGE, UNSUBSCRIBE = "@@manage-link@@", "@@unsubscribe-link@@"
#: the characters of a lesson's summary a digest shows
SUMMARY_CHARS = 300


@dataclass(frozen=True)
class Listed:
    """A lesson as a digest lists it."""

    title: str
    pilot: str
    summary: str
    url: str


def send_digests(now: datetime, frequency: Frequency) -> int:
    """Queue the digests of one frequency that have something new; the number queued."""
    # One request context for the whole run, so the links are made without one each.
    with (contextlib.nullcontext() if has_request_context()
          else current_app.test_request_context()):
        return _send(now, frequency)


def _send(now: datetime, frequency: Frequency) -> int:
    followers = db.session.execute(
        sa.select(Subscription.id, Subscription.email, Subscription.language,
                  Subscription.selection, Subscription.pilot_id, Subscription.key,
                  Subscription.covered_until)
        .where(Subscription.frequency == frequency, Subscription.confirmed_at.is_not(None),
               Subscription.covered_until < now)
        .order_by(Subscription.id)
    ).all()
    if not followers:
        return 0
    since = min(row.covered_until for row in followers)
    found = _new_lessons(since, now, {(row.selection, row.pilot_id) for row in followers})
    listed: dict[int, list[tuple[int, datetime]]] = {}
    for row in followers:
        new = [(lesson_id, at) for lesson_id, at in found[row.selection]
               if at > row.covered_until]
        if new:
            listed[row.id] = new
    lessons = _lessons({lesson_id for new in listed.values() for lesson_id, _ in new[:LISTED]})
    pilots = _pilots({row.pilot_id for row in followers if row.id in listed and row.pilot_id})
    readers: dict[str, followed_selection.Reader] = {}
    described: dict[tuple[str, str], list[tuple[str, str]]] = {}
    composed: dict[tuple, dict] = {}
    outgoing = []
    for row in followers:
        if row.id not in listed:
            continue
        key = (row.selection, row.language)
        if key not in described:
            with force_locale(row.language):
                if row.language not in readers:
                    readers[row.language] = followed_selection.Reader()
                described[key] = readers[row.language].describe(row.selection,
                                                                pilots.get(row.pilot_id))
        # Followers of one selection, in one language, with the same new lessons, share a
        # text: it is composed once, and each gets it with their own links.
        text_key = (*key, tuple(lesson_id for lesson_id, _ in listed[row.id]))
        if text_key not in composed:
            composed[text_key] = _digest(row, listed[row.id], lessons, pilots.get(row.pilot_id),
                                         described[key], frequency)
        token = link_token(row.id, row.key)
        unsubscribe = absolute_url("following.unsubscribe", token=token)
        outgoing.append(personalised(
            composed[text_key], to=row.email,
            links={MANAGE: absolute_url("following.manage", token=token),
                   UNSUBSCRIBE: unsubscribe},
            headers={"List-Unsubscribe": f"<{unsubscribe}>",
                     "List-Unsubscribe-Post": "List-Unsubscribe=One-Click"}))
        if len(outgoing) == CHUNK:
            queue_all(outgoing)
            outgoing = []
    queue_all(outgoing)
    ids = [row.id for row in followers]
    for start in range(0, len(ids), CHUNK):
        part = ids[start:start + CHUNK]
        db.session.execute(sa.update(Subscription).where(Subscription.id.in_(part))
                           .values(covered_until=now))
        mailed = [subscription_id for subscription_id in part if subscription_id in listed]
        if mailed:
            db.session.execute(sa.update(Subscription).where(Subscription.id.in_(mailed))
                               .values(last_sent_at=now))
    return len(listed)


def _new_lessons(since: datetime, now: datetime,
                 followed: set[tuple[str, int | None]]) -> dict[str, list[tuple[int, datetime]]]:
    """Per selection followed, its lessons first published in the period, newest first."""
    found: dict[str, list[tuple[int, datetime]]] = {}
    by_pilot: dict[int, list[tuple[int, datetime]]] = defaultdict(list)
    pilot_ids = {pilot_id for _, pilot_id in followed if pilot_id}
    reader = followed_selection.Reader()
    if pilot_ids:
        for lesson_id, pilot_id, at in db.session.execute(
                library_queries.in_library()
                .add_columns(Lesson.pilot_id, Lesson.first_published_at)
                .where(Lesson.pilot_id.in_(pilot_ids), Lesson.first_published_at > since,
                       Lesson.first_published_at <= now)):
            by_pilot[pilot_id].append((lesson_id, at))
    for key, pilot_id in followed:
        if pilot_id:
            rows = by_pilot.get(pilot_id, [])
        else:
            rows = library_queries.published_between(reader.library_selection(key), since, now)
        found[key] = sorted(rows, key=lambda row: (row[1], row[0]), reverse=True)
    return found


def _lessons(ids: set[int]) -> dict[int, Listed]:
    site = current_app.config["SITE_URL"]
    return {
        lesson.id: Listed(
            title=lesson.public_revision.title, pilot=lesson.pilot.name,
            summary=textwrap.shorten(markdown_to_text(lesson.public_revision.summary),
                                     SUMMARY_CHARS, placeholder=" …"),
            url=site + public_lesson_url(lesson.public_revision),
        )
        for lesson in library_queries.lessons_in_order(sorted(ids))
    }


def _pilots(ids: set[int]) -> dict[int, Pilot]:
    if not ids:
        return {}
    return {pilot.id: pilot for pilot in db.session.scalars(
        sa.select(Pilot).where(Pilot.id.in_(ids), Pilot.status.in_(PUBLIC_STATUSES)))}


def _digest(row, new: list[tuple[int, datetime]], lessons: dict[int, Listed],
            pilot: Pilot | None, described: list[tuple[str, str]],
            frequency: Frequency) -> dict:
    shown = [lessons[lesson_id] for lesson_id, _ in new[:LISTED] if lesson_id in lessons]
    if pilot is not None:
        more = absolute_url("pilots.show", slug=pilot.slug)
    else:
        params = followed_selection.params_of(row.selection)
        more = absolute_url("library.index", **params, volgorde="nieuwste")
    return message(
        "follow_digest", to=row.email, language=row.language, template="follow_digest",
        subject=lazy_ngettext("Een nieuwe les in de bibliotheek van Proeftuin",
                   "%(num)d nieuwe lessen in de bibliotheek van Proeftuin", len(new)),
        described=described, total=len(new), frequency=frequency, lessons=shown, more=more,
        manage=MANAGE, unsubscribe=UNSUBSCRIBE,
    )

