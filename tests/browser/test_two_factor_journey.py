"""Two-factor sign-in walked in the browser, with every page of it checked.

These pages only exist in the middle of a sign-in or for accounts with two-factor sign-in
on, so the crawler of the every-page tests (`crawler.py`) cannot reach them; this journey
checks them (`TWO_FACTOR_PAGES` lists them, and the crawler's coverage test trusts this list).
"""

from __future__ import annotations

import time

import pyotp

from proeftuin.demo import DEMO_PASSWORD

PARTICIPANT = "wijkverpleging.groningen@proeftuin.example"
FACILITATOR = "begeleider.mantelzorg@proeftuin.example"

#: the pages of two-factor sign-in, each checked in this module
TWO_FACTOR_PAGES = {
    "auth.setup_two_factor": "/account/tweestapsverificatie/instellen",
    "auth.regenerate_recovery_codes": "/account/tweestapsverificatie/herstelcodes",
    "auth.disable_two_factor": "/account/tweestapsverificatie/uitzetten",
    "auth.two_factor_code": "/login/code",
    "auth.two_factor_recovery": "/login/herstelcode",
    "auth.enrol_two_factor": "/login/tweestapsverificatie",
}


def password_step(visitor, email: str) -> None:
    visitor.go("/login")
    visitor.fill("E-mailadres", email)
    visitor.fill("Wachtwoord", DEMO_PASSWORD)
    visitor.click("Inloggen")


def enter_code(visitor, code: str) -> None:
    visitor.page.get_by_role("textbox").first.fill(code)
    visitor.click("Tweestapsverificatie aanzetten")


def set_up_on_this_page(visitor) -> tuple[pyotp.TOTP, list[str]]:
    """Scan the key as an authenticator app would, confirm it, and keep the recovery codes."""
    assert visitor.page.locator("svg").first.is_visible()  # the QR code
    secret = visitor.page.locator("#two-factor-secret").inner_text().replace(" ", "")
    totp = pyotp.TOTP(secret)
    enter_code(visitor, "000000" if totp.now() != "000000" else "111111")
    assert visitor.page.locator(".form-errors").is_visible()
    visitor.check()
    enter_code(visitor, totp.now())
    assert visitor.page.locator("h1").inner_text() == "Uw herstelcodes"
    visitor.check()
    codes = visitor.page.locator(".recovery-codes code").all_inner_texts()
    assert len(codes) >= 8
    return totp, codes


def test_a_participant_turns_on_two_factor_and_signs_in_with_a_code_or_a_recovery_code(open_browser):
    visitor = open_browser()
    visitor.sign_in(PARTICIPANT, DEMO_PASSWORD)
    visitor.go("/account")
    visitor.click("Tweestapsverificatie aanzetten")
    assert visitor.path == TWO_FACTOR_PAGES["auth.setup_two_factor"]
    visitor.check()
    totp, codes = set_up_on_this_page(visitor)
    visitor.click("Ik heb de codes bewaard, ga verder", role="link")

    visitor.go(TWO_FACTOR_PAGES["auth.regenerate_recovery_codes"])
    visitor.check()
    visitor.go(TWO_FACTOR_PAGES["auth.disable_two_factor"])
    visitor.check()

    # The password alone opens nothing any more: the code step comes first.
    visitor.click("Uitloggen")
    password_step(visitor, PARTICIPANT)
    assert visitor.path == TWO_FACTOR_PAGES["auth.two_factor_code"]
    visitor.check()
    visitor.go("/account")
    assert visitor.path.startswith("/login"), "the account page opened before the code step"
    visitor.go(TWO_FACTOR_PAGES["auth.two_factor_code"])
    visitor.page.get_by_role("textbox").first.fill("12345")
    visitor.click("Inloggen")
    assert "zes cijfers" in visitor.text()
    visitor.check()
    # The next time step's code: the one used to set it up may not be used twice.
    visitor.page.get_by_role("textbox").first.fill(totp.at(time.time() + 30))
    visitor.click("Inloggen")
    assert visitor.path.startswith("/werkplaats/"), visitor.text()

    # Without the phone: a recovery code, once.
    visitor.click("Uitloggen")
    password_step(visitor, PARTICIPANT)
    visitor.click("Log in met een herstelcode", role="link")
    assert visitor.path == TWO_FACTOR_PAGES["auth.two_factor_recovery"]
    visitor.check()
    visitor.page.get_by_role("textbox").first.fill(codes[0])
    visitor.click("Inloggen")
    assert visitor.path.startswith("/werkplaats/"), visitor.text()


def test_staff_must_set_up_two_factor_when_the_site_requires_it(site, open_browser):
    site.app.config["REQUIRE_TWO_FACTOR"] = True
    try:
        facilitator = open_browser()
        password_step(facilitator, FACILITATOR)
        assert facilitator.path == TWO_FACTOR_PAGES["auth.enrol_two_factor"]
        facilitator.check()
        facilitator.go("/begeleiding/")
        assert facilitator.path.startswith("/login"), "the dashboard opened before enrolment"
        facilitator.go(TWO_FACTOR_PAGES["auth.enrol_two_factor"])
        set_up_on_this_page(facilitator)
        facilitator.click("Ik heb de codes bewaard, ga verder", role="link")
        facilitator.go("/begeleiding/")
        facilitator.check()
    finally:
        site.app.config["REQUIRE_TWO_FACTOR"] = False
