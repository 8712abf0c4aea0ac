"""From a case discussion to a published lesson, walked in a real browser.

A district nurse logs a case and writes a phone number in it; the personal-data guard marks
it, she removes it and the case is saved. She drafts a lesson from the case and submits it;
the programme's facilitator reads it beside the case and returns it with feedback; she
revises it and submits it again; the facilitator publishes it, and a visitor reads it in the
library without any of the case. Every page on the way passes the checks of visitor.py.
"""

from __future__ import annotations

from datetime import date, timedelta

from proeftuin.demo import DEMO_PASSWORD

MEMBER = "wijkverpleging.groningen@proeftuin.example"
FACILITATOR = "begeleider.mantelzorg@proeftuin.example"
PILOT = "Samen Sterk Thuis Groningen"
CASE_TITLE = "Mantelzorger met eigen zorgen"
LESSON_TITLE = "Vraag ook naar de gezondheid van de mantelzorger"
PHONE = "06-12345678"
FEEDBACK = "Beschrijf ook wat de groep anders zou doen."


def log_a_case(member) -> None:
    member.sign_in(MEMBER, DEMO_PASSWORD)
    member.go("/werkplaats/")
    member.click(PILOT, role="link")
    member.follow("Werkplaats van de proeftuin", "Casusbesprekingen")
    member.check()
    member.click("Nieuwe casusbespreking", role="link")
    member.check()

    member.fill("Datum van de bespreking", (date.today() - timedelta(days=2)).isoformat())
    member.fill("Korte titel", CASE_TITLE)
    member.page.get_by_label("Definitief", exact=True).check()
    member.page.get_by_label("Wijkverpleegkundige (essentieel)", exact=True).check()
    member.fill("Vraag van de inbrenger", "Hoe spreken we de partner aan op haar eigen zorgen?")
    member.fill("Situatie", f"Mevrouw (81) zorgt voor haar man. Bel de partner op {PHONE}.")
    member.fill("Advies van de groep", "Vraag bij elk bezoek hoe het met **haar** gaat.")
    member.page.locator("input[name=directions][value='7']").check()

    # The guard stops the save, marks the number in place and explains it.
    member.click("Opslaan")
    assert "/nieuw" in member.path
    assert member.page.locator(".form-errors").is_visible()
    assert PHONE in member.page.locator("mark.privacy-mark").first.inner_text()
    assert "telefoonnummer" in member.text()
    member.check()

    # Removing the number lets the case through.
    member.fill("Situatie", "Mevrouw (81) zorgt voor haar man. De partner is telefonisch "
                            "bereikbaar.")
    member.click("Opslaan")
    assert CASE_TITLE in member.page.locator("h1").inner_text()
    assert PHONE not in member.text()
    member.check()


def draft_and_submit_a_lesson(member) -> None:
    member.click("Les schrijven uit deze casus", role="link")
    member.check()
    member.fill("Titel", LESSON_TITLE)
    member.fill("Samenvatting", "Wie zorgt, heeft ook zelf zorgen.")
    member.fill("De les", exact=True, value="Een vaste vraag naar de mantelzorger brengt overbelasting vroeg "
                          "in beeld.")
    member.page.get_by_label("Succesfactor", exact=True).check()
    member.page.get_by_label("Voor professionals (microniveau)", exact=True).check()
    member.page.get_by_label("Uit één casus", exact=True).check()
    # The case brought its solution direction; the carer question is the writer's to add.
    assert member.page.locator("input[name=directions][value='7']").is_checked()
    member.page.locator("input[name=questions][value='1']").check()

    # A preview shows the Markdown and saves nothing.
    member.click("Voorbeeld bekijken")
    assert "Er is nog niets opgeslagen" in member.text()
    member.check()
    member.click("Opslaan")
    assert LESSON_TITLE in member.page.locator("h1").inner_text()
    member.check()
    member.click("Indienen ter beoordeling")
    assert "Deze les wacht op beoordeling" in member.text()
    member.check()


def review(facilitator, decision: str, feedback: str = "") -> None:
    facilitator.go("/begeleiding/")
    facilitator.follow("Begeleiding", "Lessen beoordelen")
    facilitator.check()
    facilitator.click(LESSON_TITLE, role="link")
    assert CASE_TITLE in facilitator.text()  # the lesson beside its source case
    facilitator.check()
    if decision == "Teruggeven met feedback":
        # Returning needs feedback; without it the page says so.
        facilitator.click(decision)
        assert "Schrijf feedback voor de schrijvers" in facilitator.text()
        facilitator.check()
    if feedback:
        facilitator.fill("Feedback voor de schrijvers", feedback)
    facilitator.click(decision)
    facilitator.check()


def test_from_case_to_published_lesson(open_browser):
    member, facilitator, visitor = open_browser(), open_browser(), open_browser()
    log_a_case(member)
    draft_and_submit_a_lesson(member)
    lesson_page = member.path

    facilitator.sign_in(FACILITATOR, DEMO_PASSWORD)
    review(facilitator, "Teruggeven met feedback", FEEDBACK)

    # The writer reads the feedback, revises and submits again.
    member.go(lesson_page)
    assert FEEDBACK in member.text()
    member.check()
    member.click("Bewerken", role="link")
    member.fill("Context", "In de wijk zagen we dat partners hun eigen klachten verzwijgen.")
    member.click("Opslaan")
    member.click("Indienen ter beoordeling")
    assert "Deze les wacht op beoordeling" in member.text()

    review(facilitator, "Publiceren")

    # The library shows the lesson, never the case it came from.
    member.go(lesson_page)
    member.click("Openbare versie 1", role="link")
    public_path = member.path
    assert public_path.startswith("/bibliotheek/")
    visitor.go(public_path)
    text = visitor.text()
    assert LESSON_TITLE in text and "partners hun eigen klachten" in text
    assert CASE_TITLE not in text and "telefonisch" not in text
    visitor.check()
    visitor.click(PILOT, role="link", exact=False)
    assert LESSON_TITLE in visitor.text()
    visitor.check()
