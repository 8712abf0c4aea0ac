"""What came of reuse, walked in a real browser.

The coordinator of a pilot in Gent reports that it reused a lesson from Dordrecht. Three months
later the worker asks her what came of it; she opens the question from her notifications and
answers "adapted". The lesson's page now says so, with her text, and the library's "proven
elsewhere" facet counts one lesson more and finds it. Every page on the way passes the checks
of visitor.py.
"""

from __future__ import annotations

import re

import sqlalchemy as sa

from proeftuin.dates import local_today
from proeftuin.demo import DEMO_PASSWORD
from proeftuin.extensions import db
from proeftuin.library.urls import public_lesson_url
from proeftuin.models import Lesson, LessonReuse, LessonRevision, utcnow
from proeftuin.reuse import follow_ups

COORDINATOR = "coordinator.gent@proeftuin.example"
LESSON = "Leg een zorgapp uit aan huis"
ANSWER = "We leggen de app nu uit in de huiskamer van het buurthuis, niet meer aan huis."


def _proven_count(visitor) -> int:
    visitor.go("/bibliotheek/")
    link = visitor.page.locator("a.facet-link", has_text="Elders bewezen")
    if not link.count():
        return 0
    return int(re.search(r"\((\d+)", link.inner_text()).group(1))


def test_reuse_is_reported_followed_up_as_adapted_and_the_library_shows_it(site, open_browser):
    visitor, coordinator = open_browser(), open_browser(width=390, height=844)
    with site.app.test_request_context():
        revision = db.session.scalar(sa.select(LessonRevision).join(
            Lesson, Lesson.public_revision_id == LessonRevision.id)
            .where(LessonRevision.title == LESSON))
        lesson_path = public_lesson_url(revision)
        db.session.remove()
    proven_before = _proven_count(visitor)
    visitor.check()

    coordinator.sign_in(COORDINATOR, DEMO_PASSWORD)
    coordinator.go(lesson_path)
    coordinator.click("Meld hergebruik", role="link")
    coordinator.fill("Hoe heeft uw proeftuin de les toegepast?",
                     "We legden de zorgapp uit bij het eerste huisbezoek.")
    coordinator.fill("Wat kwam ervan terecht?", "Meer familie deed mee in de app.")
    coordinator.click("Melding plaatsen")
    assert "Uitgeprobeerd door 1 proeftuin" in coordinator.text()
    coordinator.check()

    # Three months on: the worker's daily run on the question's day.
    with site.app.app_context():
        reuse = db.session.scalar(sa.select(LessonReuse).order_by(LessonReuse.id.desc()))
        reuse.follow_ups[0].due_on = local_today()
        db.session.commit()
        assert follow_ups.ask_due(utcnow()) == 1
        db.session.commit()
        db.session.remove()

    coordinator.go("/meldingen")
    coordinator.check()
    coordinator.click("Wat is ervan geworden?", role="link", exact=False)
    assert "/hergebruik/" in coordinator.path
    coordinator.check()
    # An answer without its text is refused, and the choice is kept.
    coordinator.page.get_by_label("Aangepast aan de eigen situatie").check()
    coordinator.click("Antwoord opslaan")
    assert "Schrijf een korte toelichting." in coordinator.text()
    assert coordinator.page.get_by_label("Aangepast aan de eigen situatie").is_checked()
    coordinator.check()
    coordinator.fill("Toelichting", ANSWER)
    coordinator.click("Antwoord opslaan")
    assert coordinator.path == lesson_path
    text = coordinator.text()
    assert "Na 3 maanden: Aangepast aan de eigen situatie" in text and ANSWER in text
    assert "aangepast door 1" in text
    coordinator.check()

    visitor.go(lesson_path)
    assert ANSWER in visitor.text() and "aangepast door 1" in visitor.text()
    assert _proven_count(visitor) == proven_before + 1
    visitor.click("Elders bewezen", role="link", exact=False)
    assert LESSON in visitor.text()
    visitor.check()
