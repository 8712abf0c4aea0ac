"""Notifications: in the site with an unread count, and by e-mail as each person chose."""

from __future__ import annotations

from datetime import UTC, datetime

import sqlalchemy as sa

from proeftuin import notifications
from proeftuin.extensions import db
from proeftuin.lessons import services as lesson_services
from proeftuin.messaging import schedule
from proeftuin.models import (
    Delivery,
    LessonStatus,
    Notification,
    NotificationPreference,
    OutboxMessage,
    ScheduledRun,
    User,
)
from proeftuin.notifications import notify
from tests.test_lessons import html_of, world


def _outbox() -> list[OutboxMessage]:
    db.session.expire_all()
    return list(db.session.scalars(sa.select(OutboxMessage).order_by(OutboxMessage.id)))


def _notifications(user) -> list[Notification]:
    db.session.expire_all()
    return list(db.session.scalars(
        sa.select(Notification).where(Notification.user_id == user.id).order_by(Notification.id)))


def test_a_returned_lesson_tells_its_writer_in_the_site_and_by_mail(client, make, login):
    w = world(make)
    lesson = make.lesson(w.pilot, w.member, status=LessonStatus.submitted, title="Samen plannen")
    login(w.facilitator)
    client.post(f"/begeleiding/lessen/{lesson.id}",
                data={"decision": "return", "feedback": "Maak de context concreter."})
    (notification,) = _notifications(w.member)
    assert notification.kind == "lesson_returned"
    assert notification.path == f"/werkplaats/{w.slug}/lessen/{lesson.id}"
    (message,) = [m for m in _outbox() if m.kind == "notification"]
    assert message.recipient == w.member.email
    assert message.subject == "Uw les ‘Samen plannen’ is teruggegeven met feedback."
    assert f"/werkplaats/{w.slug}/lessen/{lesson.id}" in message.text_body
    assert _notifications(w.facilitator) == []  # not told of what they did themselves

    client.post("/logout")
    login(w.member)
    header = html_of(client.get("/werkplaats/"))
    assert 'class="unread-count">1<' in header
    page = html_of(client.get("/meldingen"))
    assert "Uw les ‘Samen plannen’ is teruggegeven met feedback." in page
    response = client.get(f"/meldingen/{notification.id}")
    assert response.status_code == 302
    assert response.headers["Location"] == f"/werkplaats/{w.slug}/lessen/{lesson.id}"
    assert _notifications(w.member)[0].read_at is not None
    assert "unread-count" not in html_of(client.get("/werkplaats/"))


def test_a_submitted_lesson_tells_the_programme_s_facilitators(app, make):
    w = world(make)
    lesson = make.lesson(w.pilot, w.member, summary="Kort.", body="De les.")
    with app.test_request_context():
        lesson_services.submit_lesson(lesson, by=w.member)
    db.session.commit()
    assert [n.kind for n in _notifications(w.facilitator)] == ["lesson_submitted"]
    assert _notifications(w.other_facilitator) == []


def test_each_person_chooses_how_a_kind_reaches_them(client, make, login):
    w = world(make)
    login(w.member)
    response = client.post("/account/meldingen", data={
        **dict.fromkeys(notifications.KINDS, "immediately"),
        "lesson_returned": "site", "lesson_published": "daily"})
    assert response.status_code == 302
    chosen = {p.kind: p.delivery for p in db.session.scalars(sa.select(NotificationPreference))}
    assert chosen["lesson_returned"] is Delivery.site
    assert chosen["lesson_published"] is Delivery.daily
    assert client.post("/account/meldingen", data={"lesson_returned": "fax"}).status_code == 200

    notify([w.member], "lesson_returned", "/x", lesson="Een")
    notify([w.member], "lesson_published", "/y", lesson="Twee")
    notify([w.member], "lesson_withdrawn", "/z", lesson="Drie")
    db.session.commit()
    assert [m.subject for m in _outbox()] == [
        "Uw les ‘Drie’ is uit de bibliotheek teruggetrokken."]
    assert len(_notifications(w.member)) == 3


def test_the_daily_digest_goes_once_a_day_with_what_waited(app, make):
    w = world(make)
    db.session.add(NotificationPreference(user_id=w.member.id, kind="lesson_published",
                                          delivery=Delivery.daily))
    db.session.commit()
    with app.test_request_context():
        notify([w.member], "lesson_published", "/bibliotheek/1", lesson="Een")
        notify([w.member], "lesson_published", "/bibliotheek/2", lesson="Twee")
    db.session.commit()
    assert _outbox() == []

    early = datetime(2026, 12, 7, 5, 30, tzinfo=UTC)  # 06:30 in Amsterdam
    assert "daily-digest" not in schedule.run_due(early)
    morning = datetime(2026, 12, 7, 6, 5, tzinfo=UTC)  # 07:05 in Amsterdam
    assert "daily-digest" in schedule.run_due(morning)
    (digest,) = _outbox()
    assert digest.kind == "digest" and digest.recipient == w.member.email
    assert "Uw les ‘Een’ staat nu in de bibliotheek." in digest.text_body
    assert "/bibliotheek/2" in digest.text_body
    # Once per day, also after a restart: the second run finds the day taken.
    assert "daily-digest" not in schedule.run_due(morning.replace(hour=9))
    assert db.session.scalar(sa.select(sa.func.count()).select_from(ScheduledRun)
                             .where(ScheduledRun.job == "daily-digest")) == 1
    assert len(_outbox()) == 1


def test_telling_many_people_costs_the_same_queries_as_telling_one(app, make, count_queries):
    few = [make.user() for _ in range(1)]
    many = [make.user() for _ in range(25)]
    db.session.commit()
    counts = []
    for group in (few, many):
        # As the callers load them: in one query (a programme's facilitators, a pilot's members).
        people = db.session.scalars(sa.select(User).where(User.id.in_([u.id for u in group])))
        people = list(people)
        with app.test_request_context(), count_queries() as queries:
            notify(people, "lesson_published", "/bibliotheek/1", lesson="Een")
            db.session.flush()
            counts.append(queries())
        db.session.commit()
    assert counts[0] == counts[1], counts
    assert len(_outbox()) == 26
