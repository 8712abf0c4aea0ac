"""No XSS payload runs in a real browser, whichever free-text field it was typed into.

Every free-text field of the site's forms gets payloads from the shared corpus
(`tests/hostile_input.py`), typed and sent by the browser as a user would. Then the pages that
show those texts are opened in a browser that ignores the Content-Security-Policy, so only
escaping and sanitising stand between a payload and its execution. The hooks every payload
calls (`window.__xss`, `alert` and friends) are trapped before any page script runs, script
dialogs fail the test, and the parsed page is searched for event handlers and script URLs
(so markup the browser builds from the text is judged, not the HTML source).
"""

from __future__ import annotations

import re

from proeftuin.demo import DEMO_PASSWORD
from tests.hostile_input import XSS_PAYLOADS

COORDINATOR = "coordinator.groningen@proeftuin.example"
FACILITATOR = "begeleider.mantelzorg@proeftuin.example"
ADMIN = "beheer@proeftuin.example"
PILOT = "samen-sterk-thuis-groningen"

#: Run in the page after it has loaded: every handler attribute or script URL in the DOM.
DOM_SCAN = """
() => {
  const found = [];
  for (const el of document.querySelectorAll('*')) {
    for (const attr of el.attributes) {
      const name = attr.name.toLowerCase();
      // As URL parsing does: trim C0 controls and spaces, drop tabs and newlines inside.
      const value = attr.value.replace(/^[\\u0000-\\u0020]+|[\\u0000-\\u0020]+$/g, '')
        .replace(/[\\t\\n\\r]/g, '').toLowerCase();
      if (name.startsWith('on')) found.push(`<${el.localName} ${name}>`);
      if (['href', 'src', 'action', 'formaction', 'xlink:href', 'data', 'srcdoc'].includes(name)
          && (value.startsWith('javascript:') || value.startsWith('data:text/html')
              || name === 'srcdoc')) {
        found.push(`<${el.localName} ${name}="${attr.value.slice(0, 40)}">`);
      }
    }
    if (['script', 'iframe', 'object', 'embed', 'base', 'meta'].includes(el.localName)
        && el.closest('main')) {
      found.push(`<${el.localName}> inside main`);
    }
  }
  return found;
}
"""


def _chunks(payloads: list[str], size: int) -> list[str]:
    return ["\n\n".join(payloads[i:i + size]) for i in range(0, len(payloads), size)]


def fill_free_text(visitor, form_selector: str, payloads: list[str]) -> dict[str, str]:
    """Type payloads into every free-text field of the form; return field name -> text.

    Textareas get many payloads each; one-line fields one each. Required choices left empty
    get their first option, so that the form can be saved.
    """
    form = visitor.page.locator(form_selector)
    typed: dict[str, str] = {}
    areas = form.locator("textarea").all()
    lines = form.locator("input[type=text]:not([readonly]), input:not([type])").all()
    per_area = max(1, len(payloads) // max(1, len(areas)))
    chunks = _chunks(payloads, per_area)
    for index, area in enumerate(areas):
        text = chunks[index % len(chunks)]
        area.fill(text)
        typed[area.get_attribute("name")] = text
    for index, line in enumerate(lines):
        limit = int(line.get_attribute("maxlength") or 160)
        text = next(p for p in payloads[index:] + payloads if len(p) <= limit)
        line.fill(text)
        typed[line.get_attribute("name")] = text
    for select in form.locator("select").all():
        if not select.input_value():
            select.select_option(index=1)
    return typed


def submit(visitor, form_selector: str) -> None:
    with visitor.page.expect_navigation():
        visitor.page.locator(form_selector).locator("button[type=submit]").last.click()


def assert_nothing_runs(visitor, path: str) -> None:
    """Open the page, give handlers a chance to fire, and prove none did."""
    visitor.go(path)
    page = visitor.page
    page.wait_for_timeout(150)  # onload, onerror and animation handlers fire early
    for _ in range(6):  # focus handlers
        page.keyboard.press("Tab")
    page.mouse.move(400, 400)
    page.mouse.move(600, 300)
    assert visitor.xss_hits() == [], f"payloads ran on {path}: {visitor.xss_hits()}"
    assert page.evaluate(DOM_SCAN) == [], f"{path}: {page.evaluate(DOM_SCAN)}"


def test_pilot_texts_never_run_in_the_workspace_the_profile_or_the_dashboard(open_browser):
    coordinator = open_browser(bypass_csp=True)
    coordinator.sign_in(COORDINATOR, DEMO_PASSWORD)

    coordinator.go(f"/werkplaats/{PILOT}/profiel")
    typed = fill_free_text(coordinator, "main form", XSS_PAYLOADS)
    submit(coordinator, "main form")
    assert coordinator.page.locator(".form-errors").count() == 0, coordinator.text()
    name = typed["name"]
    # Kept as typed and shown as text: the name is the page's heading, letter for letter.
    coordinator.go(f"/werkplaats/{PILOT}/")
    assert coordinator.page.locator("h1").inner_text().strip().startswith(name.strip())

    coordinator.go(f"/werkplaats/{PILOT}/kader/richting/5")
    fill_free_text(coordinator, "main form", XSS_PAYLOADS)
    submit(coordinator, "main form")

    coordinator.go(f"/werkplaats/{PILOT}/organisaties")
    fill_free_text(coordinator, "main form:has(textarea), main form:has(select)", XSS_PAYLOADS)
    submit(coordinator, "main form:has(textarea), main form:has(select)")
    coordinator.go(f"/werkplaats/{PILOT}/afspraken")
    fill_free_text(coordinator, "main form:has(textarea)", XSS_PAYLOADS)
    submit(coordinator, "main form:has(textarea)")

    for path in [
        f"/werkplaats/{PILOT}/", f"/werkplaats/{PILOT}/profiel", f"/werkplaats/{PILOT}/kader",
        f"/werkplaats/{PILOT}/kader/richting/5", f"/werkplaats/{PILOT}/organisaties",
        f"/werkplaats/{PILOT}/afspraken", "/werkplaats/", "/",
        "/proeftuinen/", f"/proeftuinen/{PILOT}", "/kader/richting/5",
    ]:
        assert_nothing_runs(coordinator, path)

    facilitator = open_browser(bypass_csp=True)
    facilitator.sign_in(FACILITATOR, DEMO_PASSWORD)
    for path in ["/begeleiding/", f"/begeleiding/proeftuinen/{PILOT}"]:
        assert_nothing_runs(facilitator, path)


def test_an_application_full_of_payloads_never_runs_for_the_facilitator(open_browser):
    from tests.browser.test_journeys import apply_for_a_pilot_with

    visitor = open_browser(bypass_csp=True)
    name = apply_for_a_pilot_with(visitor, lambda v: fill_free_text(v, "main form", XSS_PAYLOADS))
    facilitator = open_browser(bypass_csp=True)
    facilitator.sign_in(FACILITATOR, DEMO_PASSWORD)
    assert_nothing_runs(facilitator, "/begeleiding/aanmeldingen")
    # The name was kept as typed and is shown as text: its link reads exactly the payload.
    link = facilitator.page.get_by_role("link", name=name.strip(), exact=True)
    path = re.sub(r"^https?://[^/]+", "", link.get_attribute("href"))
    assert_nothing_runs(facilitator, path)
    assert name.strip() in facilitator.text()


def test_programme_texts_never_run_on_the_admin_and_public_pages(open_browser):
    admin = open_browser(bypass_csp=True)
    admin.sign_in(ADMIN, DEMO_PASSWORD)
    admin.go("/beheer/programmas/nieuw")
    fill_free_text(admin, "main form", XSS_PAYLOADS)
    submit(admin, "main form")
    assert admin.page.locator(".form-errors").count() == 0, admin.text()
    for path in ["/beheer/programmas", "/beheer/", "/aanmelden", "/begeleiding/"]:
        assert_nothing_runs(admin, path)
