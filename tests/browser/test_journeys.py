"""The main journeys, walked as users in a real browser, with every page checked on the way.

A group applies; the programme's facilitator selects it and invites its coordinator; she
creates her account through the link, maps the pilot to the framework and switches the
interface to English and back. Each page on the way passes the checks of
`tests/browser/visitor.py`, including the pages that show form errors.
"""

from __future__ import annotations

import re

from proeftuin.demo import DEMO_PASSWORD

FACILITATOR = "begeleider.mantelzorg@proeftuin.example"
NEW_PASSWORD = "een lange zin als wachtwoord"  # noqa: S105 - a test account's password
PILOT = "Thuis in Verzinbuurt"


def apply_for_a_pilot(visitor) -> None:
    apply_for_a_pilot_with(visitor, lambda _: None)


def apply_for_a_pilot_with(visitor, more) -> str:
    """Apply as a visitor; `more(visitor)` may change the filled form before it is sent.

    Returns the pilot's name as sent.
    """
    visitor.go("/")
    visitor.click("Aanmelden", role="link")
    assert visitor.path == "/aanmelden"
    visitor.check()

    # Sending the empty form shows every problem, summarised and beside its field.
    visitor.click("Aanmelding versturen")
    assert visitor.page.locator(".form-errors").is_visible()
    assert "Vul de naam van de proeftuin in." in visitor.text()
    visitor.check()

    page = visitor.page
    visitor.fill("Naam van de proeftuin", PILOT)
    visitor.fill("Gemeente", "Verzinstad")
    page.get_by_role("combobox", name=re.compile("^Regio")).select_option(label="Utrecht")
    page.get_by_role("radio", name="Wijk").check()
    page.get_by_role("combobox", name=re.compile("^Ronde")).select_option(index=1)
    visitor.fill("Thema", "Mantelzorgers **eerder** in beeld.")
    visitor.fill("Ambitie", "Minder crises thuis.")
    page.locator("[name='organisations-0-name']").fill("Zorggroep Verzonnen")
    page.locator("[name='organisations-0-kind']").select_option(index=1)
    page.get_by_label("Huisarts (essentieel)").check()
    page.locator("input[name=questions]").first.check()
    page.locator("input[name=directions][value='5']").check()
    visitor.fill("Geplande start", "2027-01-01")
    visitor.fill("Gepland einde", "2028-06-30")
    visitor.fill("Naam contactpersoon", "Jet Verzonnen")
    visitor.fill("E-mailadres contactpersoon", "jet@verzinbuurt.example")
    page.get_by_label("Ik geef toestemming", exact=False).check()
    more(visitor)
    name = page.locator("[name=name]").input_value()
    visitor.click("Aanmelding versturen")
    assert visitor.path == "/aanmelden/bedankt", visitor.text()
    visitor.check()
    return name


def select_and_invite(facilitator) -> str:
    """Select the new pilot and invite its coordinator; return the invitation link."""
    facilitator.go("/login")
    facilitator.fill("E-mailadres", FACILITATOR)
    facilitator.fill("Wachtwoord", "niet het goede wachtwoord")
    facilitator.click("Inloggen")
    assert "kennen we niet" in facilitator.text()
    facilitator.check()
    facilitator.sign_in(FACILITATOR, DEMO_PASSWORD)

    facilitator.go("/begeleiding/aanmeldingen")
    facilitator.check()
    facilitator.click(PILOT, role="link")
    facilitator.check()
    # Declining needs a reason; without one the page says so and nothing changes.
    with facilitator.page.expect_navigation():
        facilitator.page.locator("form#actie-declined").get_by_role("button").click()
    assert "Aangemeld" in facilitator.text()
    facilitator.check()
    selection = facilitator.page.locator("form#actie-selected")
    selection.get_by_role("textbox").fill("Past goed bij het programma.")
    with facilitator.page.expect_navigation():
        selection.get_by_role("button").click()
    assert "Geselecteerd" in facilitator.text()
    facilitator.check()

    facilitator.click("Werkplaats", role="link", exact=False)
    facilitator.follow("Werkplaats van de proeftuin", "Leden")
    facilitator.fill("E-mailadres", "jet@verzinbuurt.example")
    facilitator.page.get_by_label("Coördinator", exact=False).check()
    facilitator.click("Uitnodiging maken")
    facilitator.check()
    link = facilitator.page.locator("input.invitation-link").first.input_value()
    assert re.search(r"/uitnodiging/", link)
    return link


def accept_and_map(coordinator, link: str) -> None:
    coordinator.page.goto(link)
    coordinator.check()
    coordinator.fill("Uw naam", "Jet Verzonnen")
    coordinator.fill("Kies een wachtwoord", NEW_PASSWORD)
    coordinator.fill("Herhaal het wachtwoord", "een ander wachtwoord dan dat")
    coordinator.click("Account aanmaken en lid worden")
    assert "niet gelijk" in coordinator.text()
    coordinator.check()
    coordinator.fill("Kies een wachtwoord", NEW_PASSWORD)
    coordinator.fill("Herhaal het wachtwoord", NEW_PASSWORD)
    coordinator.click("Account aanmaken en lid worden")
    assert PILOT in coordinator.page.locator("h1").inner_text()
    coordinator.check()

    coordinator.follow("Werkplaats van de proeftuin", "Kader")
    coordinator.check()
    for box in coordinator.page.locator("input[name=questions]").all():
        box.uncheck()
    coordinator.click("Keuze opslaan")
    assert "Kies ten minste één vraagstuk." in coordinator.text()
    coordinator.check()
    with coordinator.page.expect_navigation():
        coordinator.page.locator("a[href*='/werkplaats/'][href$='/kader/richting/5']").click()
    coordinator.fill("Opgave", "Mantelzorgers **eerder** in beeld bij de huisarts.")
    coordinator.fill("Gewenste uitkomst", "Minder crises.")
    coordinator.click("Opslaan")
    assert "eerder" in coordinator.text()
    coordinator.check()


def test_apply_select_invite_and_map(open_browser):
    visitor, facilitator, coordinator = open_browser(), open_browser(), open_browser()
    apply_for_a_pilot(visitor)
    link = select_and_invite(facilitator)
    accept_and_map(coordinator, link)

    # In English the same page reads in English, passes the checks, and switches back.
    workspace = coordinator.path
    assert coordinator.switch_language() == "en"
    assert coordinator.path == workspace
    assert "Desired outcome" in coordinator.text()
    coordinator.check()
    assert coordinator.switch_language() == "nl"
    assert "Gewenste uitkomst" in coordinator.text()


def test_pages_reflow_on_a_phone_and_at_200_percent_zoom(open_browser):
    """At 320 px (a phone, or 400% zoom) and 640 px (200% zoom) nothing scrolls sideways."""
    for width, height in [(320, 640), (375, 667), (640, 400)]:
        visitor = open_browser(width=width, height=height)
        visitor.sign_in("coordinator.groningen@proeftuin.example", DEMO_PASSWORD)
        for path in ["/", "/proeftuinen/", "/kader/", "/aanmelden", "/werkplaats/"]:
            visitor.go(path)
            visitor.check(focus=False)
        visitor.close()
