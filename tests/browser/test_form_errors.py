"""Every form of the workspace, sent empty, in a real browser: each page with errors passes
the checks of visitor.py, at 1280 and 375 px (every message beside its field, tied to it and
linked from the summary; no field marked invalid without a message; labels on one line)."""

from __future__ import annotations

import pytest

from proeftuin.demo import DEMO_PASSWORD, FIRST_ACCOUNT

PILOT = "/werkplaats/samen-sterk-thuis-groningen"

#: a form's page, and the button that sends it
FORMS = [
    (f"{PILOT}/profiel", "Profiel opslaan"),
    (f"{PILOT}/kader", "Keuze opslaan"),
    (f"{PILOT}/organisaties", "Toevoegen"),
    (f"{PILOT}/afspraken", "Toevoegen"),
    (f"{PILOT}/leden", "Uitnodiging maken"),
    (f"{PILOT}/casussen/nieuw", "Opslaan"),
    (f"{PILOT}/lessen/nieuw", "Opslaan"),
    (f"{PILOT}/metingen/nieuw", "Opslaan"),
    (f"{PILOT}/experimenten/nieuw", "Opslaan"),
]


def empty(page) -> None:
    """Clear what the form holds: text, selections, ticks."""
    form = page.locator("main form:has(button[type=submit])").last
    for field in form.locator("input[type=text], input[type=email], input[type=date],"
                              " input:not([type]), textarea").all():
        field.fill("")
    ticked = form.locator("input[type=checkbox]:checked")
    while ticked.count():
        ticked.first.uncheck()


@pytest.mark.parametrize("path, button", FORMS)
def test_a_form_sent_empty_shows_its_errors_as_they_should_be(open_browser, path, button):
    visitor = open_browser(width=1280, height=900)
    visitor.sign_in(FIRST_ACCOUNT, DEMO_PASSWORD)
    visitor.go(path)
    empty(visitor.page)
    with visitor.page.expect_navigation():
        visitor.page.locator("main").get_by_role("button", name=button, exact=True).last.click()
    assert visitor.page.locator(".form-errors").is_visible(), f"{path}: no error summary"
    problems = visitor.problems(focus=False) + visitor.phone_problems()
    assert not problems, "\n".join(problems)
