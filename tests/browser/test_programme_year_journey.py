"""A programme's year, walked in a real browser with the mail read from the development
mailbox.

The facilitator opens a call with three criteria; two groups apply to it; an external
assessor, invited by mail, creates her account, scores one application and declares a
conflict of interest with the other; the facilitator reads the scores, selects one group and
declines the other, and each applicant finds the decision in the mailbox. The selected
group's coordinator joins; the cohort's calendar gets a learning session and a harvest
moment; the worker's reminder reaches the coordinator in the site and by mail; the lesson she
submits meets the harvest on the facilitator's calendar and table. Every page on the way
passes the checks of visitor.py.
"""

from __future__ import annotations

import re
from datetime import timedelta

import sqlalchemy as sa

from proeftuin.dates import local_today
from proeftuin.demo import DEMO_PASSWORD
from proeftuin.extensions import db
from proeftuin.models import Pilot, utcnow
from proeftuin.programmes.harvests import send_harvest_reminders
from tests.browser.test_following_journey import link_in, open_mail

FACILITATOR = "begeleider.mantelzorg@proeftuin.example"
PROGRAMME = "In voor mantelzorg – thuis"
CALL = "Ronde Proefjaar"
CRITERIA = ("Mantelzorgers aan tafel", "Vier disciplines", "Leren en delen")
ASSESSOR = "externe.beoordelaar@verzonnen-fonds.example"
PASSWORD = "een lange zin als wachtwoord"  # noqa: S105 - a test account's password
#: the two applying groups and the addresses of their contact persons
CHOSEN = ("Thuis in Bedenkdorp", "jet@bedenkdorp.example")
OTHER = ("Zorgzaam Fantasiaveen", "kees@fantasiaveen.example")


def open_a_call(facilitator) -> str:
    """Open the call with three criteria; return its page's path."""
    facilitator.sign_in(FACILITATOR, DEMO_PASSWORD)
    facilitator.go("/begeleiding/rondes/")
    facilitator.click("Nieuwe ronde openen", role="link")
    facilitator.check()
    page = facilitator.page
    if page.locator("select[name=programme_id]").count():
        page.locator("select[name=programme_id]").select_option(label=PROGRAMME)
    facilitator.fill("Titel", CALL)
    page.locator("[name=text]").fill("Voor groepen die een jaar **samen** willen leren.")
    today = local_today()
    page.locator("[name=opens_on]").fill(today.isoformat())
    page.locator("[name=closes_on]").fill((today + timedelta(days=30)).isoformat())
    page.locator("[name=places]").fill("1")
    for number, title in enumerate(CRITERIA):
        page.locator(f"[name='criteria-{number}-title']").fill(title)
    facilitator.click("Ronde openen")
    assert CALL in page.locator("h1").inner_text(), facilitator.text()
    for title in CRITERIA:
        assert title in facilitator.text()
    facilitator.check()
    return facilitator.path


def apply(visitor, name: str, email: str) -> None:
    """Apply to the call as a group without an account."""
    visitor.go("/aanmelden")
    page = visitor.page
    visitor.fill("Naam van de proeftuin", name)
    visitor.fill("Gemeente", "Verzinstad")
    page.get_by_role("combobox", name=re.compile("^Regio")).select_option(label="Utrecht")
    page.get_by_role("radio", name="Wijk").check()
    option = page.locator("select[name=call_id] option", has_text=CALL)
    page.locator("select[name=call_id]").select_option(value=option.get_attribute("value"))
    visitor.fill("Thema", "Mantelzorgers eerder in beeld.")
    visitor.fill("Ambitie", "Minder crises thuis.")
    page.locator("[name='organisations-0-name']").fill(f"Zorggroep {name}")
    page.locator("[name='organisations-0-kind']").select_option(index=1)
    page.get_by_label("Huisarts (essentieel)").check()
    page.locator("input[name=questions]").first.check()
    page.locator("input[name=directions][value='5']").check()
    visitor.fill("Geplande start", "2027-03-01")
    visitor.fill("Gepland einde", "2028-02-29")
    visitor.fill("Naam contactpersoon", "Contact " + name)
    visitor.fill("E-mailadres contactpersoon", email)
    page.get_by_label("Ik geef toestemming", exact=False).check()
    visitor.click("Aanmelding versturen")
    assert visitor.path == "/aanmelden/bedankt", visitor.text()


def invite_the_assessor(facilitator, call_path: str) -> None:
    facilitator.go(call_path)
    facilitator.click("Beoordeling en besluiten", role="link")
    facilitator.check()
    # A mistyped address is kept and explained.
    facilitator.fill("Naam", "Ilse Extern")
    facilitator.fill("E-mailadres", "externe.beoordelaar-at-fonds")
    facilitator.click("Uitnodiging versturen")
    assert "Vul een geldig e-mailadres in" in facilitator.text()
    assert facilitator.page.locator("[name=name]").input_value() == "Ilse Extern"
    facilitator.check()
    facilitator.fill("E-mailadres", ASSESSOR)
    facilitator.click("Uitnodiging versturen")
    assert f"De uitnodiging is verstuurd naar {ASSESSOR}" in facilitator.text()
    assert "uitgenodigd, nog niet aangenomen" in facilitator.text()
    facilitator.check()


def assess(assessor) -> None:
    """Accept the invitation from the mailbox, score one application, and declare a
    conflict of interest with the other."""
    text = open_mail(assessor, ASSESSOR, "Uitnodiging om aanmeldingen te beoordelen")
    assessor.go(link_in(text, "/beoordelen/uitnodiging/"))
    assessor.check()
    assessor.fill("Uw naam", "Ilse Extern")
    assessor.fill("Kies een wachtwoord", PASSWORD)
    assessor.fill("Herhaal het wachtwoord", PASSWORD)
    assessor.click("Account aanmaken en beoordelen")
    assert CALL in assessor.page.locator("h1").inner_text()
    # The assessor sees this call's applications and nothing of the facilitators' pages.
    assert CHOSEN[0] in assessor.text() and OTHER[0] in assessor.text()
    assessor.check()

    assessor.click(CHOSEN[0], role="link")
    assert CHOSEN[1] not in assessor.text()  # no contact details
    assessor.check()
    # A note without a score is refused and kept.
    criterion = assessor.page.locator(".score-criterion").first
    criterion.get_by_role("textbox").fill("Mantelzorgers denken vanaf de start mee.")
    assessor.click("Scores opslaan")
    assert "Kies ook een score bij deze toelichting." in assessor.text()
    assert "vanaf de start" in criterion.get_by_role("textbox").input_value()
    assessor.check()
    for block, score in zip(assessor.page.locator(".score-criterion").all(), "453", strict=True):
        block.get_by_label(score, exact=True).check()
    assessor.click("Scores opslaan")
    assert "Uw scores zijn opgeslagen." in assessor.text()
    assessor.check()

    assessor.click(OTHER[0], role="link")
    assessor.fill("Wat is uw band met deze aanvraag?", "Ik adviseer een van de organisaties.")
    assessor.click("Belangenconflict melden")
    assert "Belangenconflict gemeld" in assessor.text()
    assessor.check()
    assessor.go("/begeleiding/", expect=403)


def decide(facilitator, call_path: str) -> None:
    facilitator.go(call_path + "/beoordeling")
    page = facilitator.page
    text = facilitator.text()
    assert "Ilse Extern" in text and "externe beoordelaar" in text
    assert "Belangenconflict: Ilse Extern" in text
    assert "4,0" in text  # the assessor's score beside the (absent) others
    for (name, _email), outcome, reason in (
            (CHOSEN, "Selecteren", "Een sterk plan met alle disciplines aan tafel."),
            (OTHER, "Afwijzen", "Er was één plaats; een ander plan sloot beter aan.")):
        section = page.locator("section.decision", has_text=name)
        section.get_by_label(outcome, exact=True).check()
        section.get_by_role("textbox").fill(reason)
        with page.expect_navigation():
            section.get_by_role("button", name="Besluit vastleggen en mailen").click()
        assert f"{name} is" in facilitator.text()
        facilitator.check()


def join_as_coordinator(facilitator, coordinator, slug: str) -> None:
    facilitator.go(f"/werkplaats/{slug}/leden")
    facilitator.fill("E-mailadres", CHOSEN[1])
    facilitator.page.get_by_label("Coördinator", exact=False).check()
    facilitator.click("Uitnodiging maken")
    link = facilitator.page.locator("input.invitation-link").first.input_value()
    coordinator.page.goto(link)
    coordinator.fill("Uw naam", "Jet Bedenkdorp")
    coordinator.fill("Kies een wachtwoord", PASSWORD)
    coordinator.fill("Herhaal het wachtwoord", PASSWORD)
    coordinator.click("Account aanmaken en lid worden")
    assert CHOSEN[0] in coordinator.page.locator("h1").inner_text()


def plan_the_cohort(facilitator, call_path: str) -> None:
    facilitator.go(call_path)
    facilitator.click("Kalender van de ronde", role="link")
    facilitator.check()
    today = local_today()
    page = facilitator.page
    for kind, title, day, times in (
            ("Leersessie", "Samen beslissen met de mantelzorger", today + timedelta(days=10),
             ("13:30", "16:00")),
            ("Oogstmoment", "Eerste oogst", today, None)):
        facilitator.click("Datum toevoegen", role="link")
        page.get_by_label("Soort").select_option(label=kind)
        facilitator.fill("Titel of onderwerp", title)
        page.locator("[name=held_on]").fill(day.isoformat())
        if times:
            page.locator("[name=start_time]").fill(times[0])
            page.locator("[name=end_time]").fill(times[1])
            facilitator.fill("Plaats", "Buurthuis De Verzonnen Eik")
        facilitator.click("Datum toevoegen")
        assert f"‘{title}’ staat op de kalender" in facilitator.text(), facilitator.text()
        facilitator.check()
    assert "Gehaald door 0 van 1 proeftuin" in facilitator.text()


def test_a_call_is_assessed_decided_and_its_cohort_harvests(site, open_browser):
    facilitator, applicant, assessor, coordinator = (
        open_browser(), open_browser(width=390, height=844), open_browser(), open_browser())
    call_path = open_a_call(facilitator)
    apply(applicant, *CHOSEN)
    applicant.check()
    apply(applicant, *OTHER)

    invite_the_assessor(facilitator, call_path)
    assess(assessor)
    decide(facilitator, call_path)

    selected = open_mail(applicant, CHOSEN[1], "is geselecteerd")
    assert "Een sterk plan met alle disciplines aan tafel." in selected
    declined = open_mail(applicant, OTHER[1], "Besluit over uw aanmelding")
    assert "Er was één plaats" in declined
    # The call takes applications for a month yet: its assessor still has it, read-only.
    assessor.go("/beoordelen/")
    assessor.click(CALL, role="link")
    assessor.click(CHOSEN[0], role="link")
    assert "de scores liggen vast" in assessor.text()
    assessor.check()

    with site.app.app_context():
        slug = db.session.scalar(sa.select(Pilot.slug).where(Pilot.name == CHOSEN[0]))
        db.session.remove()
    join_as_coordinator(facilitator, coordinator, slug)
    plan_the_cohort(facilitator, call_path)

    # The worker's run on the harvest's day.
    with site.app.app_context():
        assert send_harvest_reminders(utcnow()) == 1
        db.session.commit()
        db.session.remove()
    coordinator.go(f"/werkplaats/{slug}")
    assert "Eerste oogst" in coordinator.text()
    assert "Samen beslissen met de mantelzorger" in coordinator.text()
    coordinator.check()
    coordinator.click("Meldingen", role="link", exact=False)
    assert "Oogstmoment ‘Eerste oogst’" in coordinator.text()
    coordinator.check()
    reminder = open_mail(applicant, CHOSEN[1], "Oogstmoment")
    assert "Eerste oogst" in reminder

    coordinator.go(f"/werkplaats/{slug}/lessen/")
    coordinator.click("Nieuwe les schrijven", role="link")
    coordinator.fill("Titel", "Begin het overleg bij de mantelzorger")
    coordinator.fill("Samenvatting", "Wie zorgt, zit vanaf het begin aan tafel.")
    coordinator.fill("De les", exact=True, value="Het overleg begint met de vraag van de "
                                                 "mantelzorger.")
    coordinator.page.get_by_label("Succesfactor", exact=True).check()
    coordinator.page.get_by_label("Voor professionals (microniveau)", exact=True).check()
    coordinator.page.get_by_label("Uit één casus", exact=True).check()
    coordinator.page.locator("input[name=questions][value='1']").check()
    coordinator.page.locator("input[name=directions][value='5']").check()
    coordinator.click("Opslaan")
    coordinator.click("Indienen ter beoordeling")
    assert "Deze les wacht op beoordeling" in coordinator.text()

    facilitator.go(call_path + "/kalender")
    assert "Gehaald door 1 van 1 proeftuin" in facilitator.text()
    assert re.search(rf"{re.escape(CHOSEN[0])}:\s*gehaald", facilitator.text())
    facilitator.check()
