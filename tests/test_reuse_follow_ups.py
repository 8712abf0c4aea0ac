"""What came of reuse: the reusing pilot is asked after three and six months, in the site and
by e-mail; its answer is on the lesson's page, the writers hear of it, and an unanswered
question becomes overdue on the facilitators' table."""

from __future__ import annotations

import csv
import io
import json
import zipfile
from datetime import UTC, date, datetime, timedelta

import sqlalchemy as sa

from proeftuin.dates import local_today
from proeftuin.extensions import db
from proeftuin.library.urls import public_lesson_url
from proeftuin.models import (
    Notification,
    OutboxMessage,
    ReuseFollowUp,
    ReuseVerdict,
)
from proeftuin.reuse import follow_ups, services
from tests.test_reuse import HOW, OUTCOME, world


def _report(w, when: datetime | None = None):
    reuse = services.report_reuse(w.lesson, w.reusing, how=HOW, outcome=OUTCOME, by=w.reuser)
    if when is not None:
        reuse.created_at = when
        follow_ups.plan(reuse)
    db.session.commit()
    return reuse


def _due_now(reuse, months: int = 3) -> ReuseFollowUp:
    question = next(f for f in reuse.follow_ups if f.months == months)
    question.due_on = local_today()
    db.session.commit()
    return question


def test_a_report_is_asked_again_after_three_and_six_months(make):
    w = world(make)
    reuse = _report(w, datetime(2026, 1, 31, 11, tzinfo=UTC))

    assert [(f.months, f.due_on) for f in reuse.follow_ups] == [
        (3, date(2026, 4, 30)), (6, date(2026, 7, 31))]
    assert [f.is_answered for f in reuse.follow_ups] == [False, False]


def test_the_worker_asks_the_reusing_pilots_members_once_in_the_site_and_by_mail(make):
    w = world(make)
    reuse = _report(w)
    question = _due_now(reuse)

    assert follow_ups.ask_due() == 1
    db.session.commit()
    assert follow_ups.ask_due() == 0  # asked once, whatever runs next

    told = db.session.execute(sa.select(Notification.user_id, Notification.path).where(
        Notification.kind == "reuse_follow_up")).all()
    assert {user_id for user_id, _ in told} == {w.reuser.id, w.reusing_coordinator.id}
    assert {path for _, path in told} == {f"/hergebruik/{reuse.id}/na/3"}
    mails = db.session.scalars(sa.select(OutboxMessage).where(
        OutboxMessage.recipient == w.reuser.email, OutboxMessage.kind == "notification")).all()
    assert any("3 maanden geleden" in m.subject for m in mails)
    assert question.asked_at is not None
    # The six-month question waits for its own day.
    assert next(f for f in reuse.follow_ups if f.months == 6).asked_at is None


def test_a_question_before_its_day_cannot_be_answered_yet(client, make, login):
    w = world(make)
    reuse = _report(w)
    login(w.reuser)

    page = client.get(f"/hergebruik/{reuse.id}/na/3")
    assert page.status_code == 200
    assert "Deze vraag staat open vanaf" in page.get_data(as_text=True)
    client.post(f"/hergebruik/{reuse.id}/na/3", data={"verdict": "adopted", "text": "Werkt."})
    db.session.expire_all()
    assert reuse.follow_ups[0].answered_at is None


def test_an_answer_is_public_with_the_report_and_the_writers_are_told(client, make, login):
    w = world(make)
    reuse = _report(w)
    _due_now(reuse)
    login(w.reuser)

    # Without a verdict, or without the text it asks for, nothing is saved and what was
    # typed is kept.
    page = client.post(f"/hergebruik/{reuse.id}/na/3", data={"text": "We deden het anders."})
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and "Kies wat er van de les is geworden." in html
    assert "We deden het anders." in html
    page = client.post(f"/hergebruik/{reuse.id}/na/3", data={"verdict": "adapted", "text": ""})
    assert "Schrijf een korte toelichting." in page.get_data(as_text=True)
    db.session.expire_all()
    assert reuse.follow_ups[0].answered_at is None

    assert "Elders bewezen" not in client.get("/bibliotheek/").get_data(as_text=True)
    answer = "We voeren het gesprek nu **met de wijkverpleging** samen."
    response = client.post(f"/hergebruik/{reuse.id}/na/3",
                           data={"verdict": "adapted", "text": answer})
    assert response.status_code == 303
    db.session.expire_all()
    assert reuse.verdict is ReuseVerdict.adapted
    assert reuse.follow_ups[0].verdict is ReuseVerdict.adapted

    lesson_page = client.get(public_lesson_url(w.lesson.public_revision)).get_data(as_text=True)
    assert "Na 3 maanden: Aangepast aan de eigen situatie" in lesson_page
    assert "met de wijkverpleging" in lesson_page
    assert "Uitgeprobeerd door 1 proeftuin in 1 regio" in lesson_page
    assert "overgenomen door 0, aangepast door 1, gestopt door 0" in lesson_page
    told = db.session.scalars(sa.select(Notification.user_id).where(
        Notification.kind == "reuse_outcome")).all()
    assert told == [w.writer.id]

    # The library filters on it, counts it and sorts by it.
    library = client.get("/bibliotheek/").get_data(as_text=True)
    assert "Elders bewezen" in library and "(1<span" in library.split("Elders bewezen")[1]
    title = w.lesson.public_revision.title
    assert title in client.get("/bibliotheek/?bewezen=1").get_data(as_text=True)
    assert title in client.get("/bibliotheek/?volgorde=bewezen").get_data(as_text=True)


def test_personal_data_in_an_answer_is_stopped_and_marked(client, make, login):
    w = world(make)
    reuse = _report(w)
    _due_now(reuse)
    login(w.reuser)

    page = client.post(f"/hergebruik/{reuse.id}/na/3", data={
        "verdict": "dropped", "text": "Mevrouw Jansen belde op 06-12345678 om af te zeggen."})
    assert "Mogelijk persoonsgegevens" in page.get_data(as_text=True)
    db.session.expire_all()
    assert reuse.follow_ups[0].answered_at is None


def test_only_members_of_the_reusing_pilot_answer(client, make, login):
    w = world(make)
    reuse = _report(w)
    _due_now(reuse)
    for person in (w.writer, w.facilitator, w.nobody):
        client.post("/logout")
        login(person)
        assert client.get(f"/hergebruik/{reuse.id}/na/3").status_code == 403
    assert client.get(f"/hergebruik/{reuse.id}/na/4").status_code == 404


def test_the_summary_counts_each_pilots_latest_verdict(make):
    w = world(make)
    reuse = _report(w)
    question = _due_now(reuse)
    follow_ups.answer(question, ReuseVerdict.adopted, "Het loopt.", by=w.reuser)
    six = next(f for f in reuse.follow_ups if f.months == 6)
    six.due_on = local_today()
    follow_ups.answer(six, ReuseVerdict.dropped, "Geen tijd meer.", by=w.reuser)
    db.session.commit()

    tally = follow_ups.summary([reuse])
    assert (tally.pilots, tally.adopted, tally.adapted, tally.dropped, tally.unknown) == (
        1, 0, 0, 1, 0)
    assert reuse.verdict is ReuseVerdict.dropped
    assert not tally.proven


def test_an_unanswered_question_becomes_overdue_after_four_weeks(client, make, login):
    w = world(make)
    reuse = _report(w)
    question = _due_now(reuse)
    follow_ups.ask_due()
    today = local_today()
    assert follow_ups.overdue_counts([w.reusing.id], today) == {}
    question.due_on = today - follow_ups.OVERDUE_AFTER - timedelta(days=1)
    db.session.commit()
    assert follow_ups.overdue_counts([w.reusing.id], today) == {w.reusing.id: 1}

    login(w.reusing_facilitator)
    table = client.get("/begeleiding/").get_data(as_text=True)
    assert "1 vraag over hergebruik onbeantwoord" in table
    csv = client.get("/begeleiding/proeftuinen.csv").get_data(as_text=True)
    assert "Vragen over hergebruik onbeantwoord" in csv.splitlines()[0]


def test_the_feed_the_csv_and_the_open_data_carry_the_outcome(client, make):
    w = world(make)
    reuse = _report(w)
    follow_ups.answer(_due_now(reuse), ReuseVerdict.adopted, "Het loopt vanzelf.", by=w.reuser)
    db.session.commit()

    feed = client.get("/bibliotheek/feed.atom").get_data(as_text=True)
    assert 'term="1"' in feed and "bewezen=" in feed and "overgenomen door 1" in feed
    text = client.get("/bibliotheek/export.csv").get_data(as_text=True).lstrip("\ufeff")
    [row] = list(csv.DictReader(io.StringIO(text)))
    assert (row["reuse_count"], row["reuse_adopted"], row["reuse_adapted"],
            row["reuse_dropped"], row["proven_elsewhere"]) == ("1", "1", "0", "0", "1")
    response = client.get("/bibliotheek/open-data.zip")
    archive = zipfile.ZipFile(io.BytesIO(response.get_data()))
    response.close()
    [lesson] = json.loads(archive.read("lessons.json"))["lessons"]
    assert lesson["reuse_adopted"] == 1 and lesson["proven_elsewhere"] == 1
    assert "`proven_elsewhere`" in archive.read("README.md").decode()
