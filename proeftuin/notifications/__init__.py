"""Telling people what happened to their work: in the site, and by e-mail as they chose.

Services call `notify` in the transaction of the change; it adds a notification per person
and, for those who want each one by e-mail, queues the message (compose.queue). The daily
digest (`send_daily_digests`, run by the worker's schedule) mails the others who chose it.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from datetime import datetime

import sqlalchemy as sa
from flask import current_app
from flask_babel import force_locale
from flask_babel import lazy_gettext as _l

from proeftuin.extensions import db
from proeftuin.messaging.compose import message, queue, queue_all
from proeftuin.models import User, utcnow
from proeftuin.models.notification import Delivery, Notification, NotificationPreference
from proeftuin.models.user import is_deleted_account

#: every kind of notification: who gets it (for the preferences page) and what it says
KINDS = {
    "lesson_returned": (_l("Mijn les is teruggegeven met feedback"),
                        _l("Uw les ‘%(lesson)s’ is teruggegeven met feedback.")),
    "lesson_published": (_l("Mijn les is gepubliceerd"),
                         _l("Uw les ‘%(lesson)s’ staat nu in de bibliotheek.")),
    "lesson_withdrawn": (_l("Mijn les is uit de bibliotheek teruggetrokken"),
                         _l("Uw les ‘%(lesson)s’ is uit de bibliotheek teruggetrokken.")),
    "lesson_reused": (_l("Een andere proeftuin hergebruikt mijn les"),
                      _l("%(pilot)s meldt dat zij uw les ‘%(lesson)s’ hergebruikt.")),
    "lesson_submitted": (_l("Een les wacht op mijn beoordeling (begeleiders)"),
                         _l("‘%(lesson)s’ van %(pilot)s wacht op beoordeling.")),
    "application_received": (_l("Een nieuwe aanmelding (begeleiders)"),
                             _l("%(pilot)s heeft zich aangemeld voor %(programme)s.")),
    "member_joined": (_l("Iemand is lid geworden van mijn proeftuin (coördinatoren)"),
                      _l("%(name)s is lid geworden van %(pilot)s.")),
    "member_role_changed": (_l("Mijn rol in een proeftuin is veranderd"),
                            _l("Uw rol in %(pilot)s is nu: %(role)s.")),
    "pilot_status_changed": (_l("De status van mijn proeftuin is veranderd"),
                             _l("De status van %(pilot)s is nu: %(status)s.")),
    "reuse_follow_up": (_l("Een vraag wat er van een hergebruikte les is geworden"),
                        _l("%(months)s maanden geleden meldde uw proeftuin hergebruik van ‘%(lesson)s’. Wat is ervan geworden?")),
    "reuse_outcome": (_l("Een andere proeftuin vertelt wat er van mijn hergebruikte les is geworden"),
                      _l("%(pilot)s over uw les ‘%(lesson)s’, %(months)s maanden na het hergebruik: %(verdict)s.")),
    "harvest_due": (_l("Een oogstmoment van mijn ronde is aangebroken"),
                    _l("Oogstmoment ‘%(harvest)s’ van %(programme)s: zet uw casusbesprekingen om in lessen en dien er uiterlijk %(due)s minstens één in.")),
}
#: the daily digest's job: it runs once a day from this hour on, Europe/Amsterdam
DIGEST_HOUR = 7


def text(notification: Notification) -> str:
    """What a notification says, in the current language."""
    return str(KINDS[notification.kind][1]) % {
        key: str(value) for key, value in (notification.params or {}).items()
    }


def notify(users: Iterable[User | None], kind: str, path: str, *,
           by: User | None = None, **params) -> int:
    """Tell each person (once, never `by` themselves) in the caller's transaction; returns
    how many were told.

    `params` are plain strings, or lazy strings, which are kept in the recipient's language.
    Three statements whatever the number of people: their preferences, the notifications,
    and the e-mail of those who want each one at once.
    """
    people = {u.id: u for u in users if u is not None and u.active
              and not is_deleted_account(u) and (by is None or u.id != by.id)}
    if not people:
        return 0
    chosen = dict(db.session.execute(
        sa.select(NotificationPreference.user_id, NotificationPreference.delivery)
        .where(NotificationPreference.user_id.in_(people), NotificationPreference.kind == kind)
    ).all())
    now = utcnow()
    rows, mails = [], []
    for user in people.values():
        delivery = chosen.get(user.id, Delivery.immediately)
        with force_locale(user.language):
            stored = {key: str(value) for key, value in params.items()}
            said = str(KINDS[kind][1]) % stored
        rows.append(dict(user_id=user.id, kind=kind, path=path, params=stored, created_at=now,
                         in_digest=delivery is Delivery.daily,
                         mailed_at=now if delivery is Delivery.immediately else None))
        if delivery is Delivery.immediately:
            mails.append(message(
                "notification", to=user.email, name=user.name, language=user.language,
                user=user, subject=said, template="notification", message=said,
                link=current_app.config["SITE_URL"] + path,
            ))
    db.session.execute(sa.insert(Notification), rows)
    queue_all(mails)
    return len(rows)


def unread_count(user: User) -> int:
    return db.session.scalar(
        sa.select(sa.func.count()).select_from(Notification)
        .where(Notification.user_id == user.id, Notification.read_at.is_(None))
    ) or 0


def send_daily_digests(now: datetime | None = None) -> int:
    """Mail each person who chose the daily digest what came since the last one; returns
    the number of digests. Two queries and a message per person, whatever the number."""
    now = now or utcnow()
    waiting = db.session.scalars(
        sa.select(Notification)
        .where(Notification.in_digest.is_(True), Notification.mailed_at.is_(None))
        .order_by(Notification.user_id, Notification.id)
    ).all()
    per_user: dict[int, list[Notification]] = defaultdict(list)
    for notification in waiting:
        per_user[notification.user_id].append(notification)
    users = {u.id: u for u in db.session.scalars(
        sa.select(User).where(User.id.in_(per_user)))} if per_user else {}
    for user_id, notifications in per_user.items():
        user = users[user_id]
        for notification in notifications:
            notification.mailed_at = now
        if not user.active or is_deleted_account(user):
            continue
        with force_locale(user.language):
            items = [(text(n), current_app.config["SITE_URL"] + n.path) for n in notifications]
        queue("digest", to=user.email, name=user.name, language=user.language, user=user,
              subject=_l("Wat er gebeurde op Proeftuin"), template="digest", items=items)
    db.session.flush()
    return len(per_user)
