"""Proeftuin reaches people, in a real browser, with the mail read from the development
mailbox as a newcomer to `make run` reads it.

A coordinator invites a new member, who opens the invitation in the mailbox, accepts it and
sets a password. A policy officer without an account follows a selection of the library and
confirms it from her mail; a facilitator publishes a lesson that matches; the worker's next
weekly digest holds it, and its unsubscribe link stops her subscription without signing in.
Every page on the way passes the checks of visitor.py.
"""

from __future__ import annotations

import re

import sqlalchemy as sa

from proeftuin.demo import DEMO_PASSWORD
from proeftuin.extensions import db
from proeftuin.following import digests
from proeftuin.models import Frequency, Pilot, utcnow

PILOT = "Samen Sterk Thuis Groningen"
COORDINATOR = "coordinator.groningen@proeftuin.example"
FACILITATOR = "begeleider.mantelzorg@proeftuin.example"
NEWCOMER = "nieuwe.collega@proeftuin.example"
FOLLOWER = "beleidsadviseur@gemeente-verzonnen.example"
#: a lesson of the demo that waits for review, and one of its solution directions
LESSON = "Respijt regelen via het wijkoverleg gaat sneller"
DIRECTION = 5


def open_mail(visitor, recipient: str, subject: str) -> str:
    """Open the newest message to `recipient` with `subject` in the mailbox; its text."""
    visitor.go("/dev/mailbox/")
    row = visitor.page.locator("tr", has_text=recipient).filter(has_text=subject).first
    with visitor.page.expect_navigation():
        row.get_by_role("link").click()
    visitor.check()
    return visitor.page.locator("pre.mail-text").inner_text()


def link_in(text: str, path: str) -> str:
    """The path of the site's link that starts with `path` in a mail's text."""
    return re.search(rf"https?://[^/\s]+({re.escape(path)}\S+)", text).group(1)


def test_an_invitation_is_read_in_the_mailbox_and_accepted(site, open_browser):
    coordinator, newcomer = open_browser(), open_browser()
    coordinator.sign_in(COORDINATOR, DEMO_PASSWORD)
    with site.app.app_context():
        slug = db.session.scalar(sa.select(Pilot.slug).where(Pilot.name == PILOT))
        db.session.remove()
    coordinator.go(f"/werkplaats/{slug}/leden")
    coordinator.fill("E-mailadres", NEWCOMER)
    coordinator.page.get_by_label("Deelnemer", exact=True).check()
    coordinator.click("Uitnodiging maken")
    assert NEWCOMER in coordinator.text()
    coordinator.check()

    text = open_mail(newcomer, NEWCOMER, "Uitnodiging voor de proeftuin")
    newcomer.go(link_in(text, "/uitnodiging/"))
    newcomer.check()
    newcomer.fill("Uw naam", "Noor Nieuwkomer")
    newcomer.fill("Kies een wachtwoord", "een nieuwe lange zin als wachtwoord")
    newcomer.fill("Herhaal het wachtwoord", "een nieuwe lange zin als wachtwoord")
    newcomer.click("Account aanmaken en lid worden")
    assert PILOT in newcomer.page.locator("h1").inner_text()
    newcomer.check()


def test_follow_confirm_receive_a_digest_and_unsubscribe(site, open_browser):
    visitor, facilitator = open_browser(width=390, height=844), open_browser()
    visitor.go(f"/bibliotheek/?richting={DIRECTION}")
    visitor.click("Volg deze selectie per e-mail", role="link", exact=False)
    assert visitor.path.startswith("/volgen?") and f"richting={DIRECTION}" in visitor.path
    visitor.check()
    # A mistyped address is kept and explained; nothing is sent.
    visitor.fill("Uw e-mailadres", "beleidsadviseur-at-gemeente")
    visitor.click("Volgen")
    assert "Vul een geldig e-mailadres in" in visitor.text()
    assert visitor.page.get_by_label("Uw e-mailadres").input_value() == "beleidsadviseur-at-gemeente"
    visitor.check()
    visitor.fill("Uw e-mailadres", FOLLOWER)
    visitor.page.get_by_label("Eén keer per week").check()
    visitor.click("Volgen")
    assert visitor.path == "/volgen/verstuurd"
    visitor.check()

    text = open_mail(visitor, FOLLOWER, "Bevestig dat u nieuwe lessen wilt volgen")
    visitor.go(link_in(text, "/volgen/bevestigen/"))
    visitor.check()
    visitor.click("Ja, ik wil dit volgen")
    assert visitor.path.startswith("/volgen/abonnement/")
    assert "Bevestigd" in visitor.text() and FOLLOWER in visitor.text()
    visitor.check()

    facilitator.sign_in(FACILITATOR, DEMO_PASSWORD)
    facilitator.go("/begeleiding/")
    facilitator.follow("Begeleiding", "Lessen beoordelen")
    facilitator.click(LESSON, role="link")
    facilitator.click("Publiceren")
    facilitator.check()

    # The worker's weekly run, as it runs on Monday morning.
    with site.app.app_context():
        digests.send_digests(utcnow(), Frequency.weekly)
        db.session.commit()
        db.session.remove()

    text = open_mail(visitor, FOLLOWER, "Een nieuwe les in de bibliotheek van Proeftuin")
    assert LESSON in text
    assert "List-Unsubscribe-Post" in visitor.text()
    visitor.go(link_in(text, "/volgen/afmelden/"))
    visitor.check()
    visitor.click("Stoppen met volgen")
    assert "U volgt dit niet meer" in visitor.text()
    visitor.check()
    # The link has done its work: it says so, and nothing of the address is left.
    visitor.go(link_in(text, "/volgen/abonnement/"), expect=410)
    visitor.check()
    assert FOLLOWER not in open_mail_list(visitor)


def open_mail_list(visitor) -> str:
    visitor.go("/dev/mailbox/")
    return visitor.text()
