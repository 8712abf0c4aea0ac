"""A person at a browser: opens pages, fills forms and checks every page they see.

Every page a visitor reaches can be checked with `check()`: axe-core's WCAG 2.0, 2.1 and
2.2 A and AA rules plus its best practices, and what the design asks of every page (one h1,
landmarks, a skip link to the main content, errors tied to their fields, visible focus).
The visitor also watches the whole time for script dialogs, script errors, console errors
(a Content-Security-Policy violation is one) and server errors; `assert_no_trouble()`
reports them at the end of the test.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from urllib.parse import urlsplit

from axe_playwright_python.sync_playwright import Axe

from tests.test_translations import catalogue

#: the WCAG levels the site promises; a violation of any of these rules fails the test
#: the width of a small phone, at which every page is also looked at
PHONE_WIDTH = 375
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"]

_axe = Axe()

#: Installed before any page script: records calls a successful XSS payload would make.
TRAP_SCRIPT = """
window.__xssHits = [];
window.__xss = (n) => window.__xssHits.push(String(n));
for (const name of ['alert', 'confirm', 'prompt', 'print']) {
  window[name] = (n) => { window.__xssHits.push(name + ':' + String(n)); };
}
"""

#: What every page must have beyond axe's rules; returns a list of problems.
STRUCTURE_SCRIPT = """
() => {
  const problems = [];
  const h1s = document.querySelectorAll('h1');
  if (h1s.length !== 1) problems.push(`expected one h1, found ${h1s.length}`);
  if (!document.documentElement.lang) problems.push('no lang on <html>');
  for (const role of ['main', 'header', 'footer', 'nav']) {
    if (!document.querySelector(role)) problems.push(`no <${role}> landmark`);
  }
  const skip = document.querySelector('body a[href^="#"]');
  const firstFocusable = document.querySelector('a[href], button, input:not([type=hidden]), select, textarea');
  if (!skip || skip !== firstFocusable) {
    problems.push('the first focusable element is not a skip link');
  } else if (!document.getElementById(skip.getAttribute('href').slice(1))) {
    problems.push('the skip link points nowhere');
  }
  const errors = document.querySelectorAll('.field-error');
  for (const error of errors) {
    const tied = error.id && document.querySelector(`[aria-describedby~="${error.id}"]`);
    if (!tied) problems.push(`error "${error.textContent.trim().slice(0, 60)}" is tied to no field`);
  }
  if (errors.length && !document.querySelector('.form-errors')) {
    problems.push('fields show errors but there is no error summary');
  }
  return problems;
}
"""

#: What a person sees go wrong in a page's layout: the page scrolling sideways, a checkbox or
#: radio label that wraps while its form has room for it on one line, a field marked invalid
#: without a message beside it, a message the error summary does not link to, content running
#: out of its box.
LAYOUT_SCRIPT = """
() => {
  const problems = [];
  if (document.documentElement.scrollWidth > window.innerWidth + 1) {
    problems.push(`page scrolls sideways at ${window.innerWidth}px: ${document.documentElement.scrollWidth}px wide`);
  }
  const describe = el => (el.textContent || '').trim().replace(/\\s+/g, ' ').slice(0, 50);
  for (const label of document.querySelectorAll(
      '.utrecht-form-field--checkbox label, .utrecht-form-field--radio label')) {
    const lineHeight = parseFloat(getComputedStyle(label).lineHeight) || 24;
    if (label.getBoundingClientRect().height < 1.5 * lineHeight) continue;
    const probe = label.cloneNode(true);
    probe.style.cssText = 'position:absolute;visibility:hidden;white-space:nowrap;width:auto';
    document.body.appendChild(probe);
    const oneLine = probe.getBoundingClientRect().width;
    probe.remove();
    const form = label.closest('form, fieldset') || document.body;
    const room = form.getBoundingClientRect().right - label.getBoundingClientRect().left;
    if (oneLine < room - 4) {
      problems.push(`label "${describe(label)}" wraps although its form has room for it`);
    }
  }
  for (const invalid of document.querySelectorAll(
      '.utrecht-form-field--invalid, .utrecht-form-fieldset--invalid')) {
    const message = invalid.querySelector('.field-error');
    if (!message || !message.textContent.trim()) {
      problems.push(`a field marked invalid has no message beside it: "${describe(invalid)}"`);
    }
  }
  const summary = document.querySelector('.form-errors');
  for (const error of document.querySelectorAll('.field-error')) {
    const field = error.id && document.querySelector(`[aria-describedby~="${error.id}"]`);
    if (field && summary && !summary.querySelector(`a[href="#${field.id}"]`)) {
      problems.push(`the error summary does not link to the field of "${describe(error)}"`);
    }
  }
  const scrolls = el => ['auto', 'scroll', 'hidden', 'clip'].includes(getComputedStyle(el).overflowX);
  for (const el of document.querySelectorAll('main *')) {
    if (!el.clientWidth || el.scrollWidth <= el.clientWidth + 1) continue;
    if (el.closest('svg')) continue;
    let inside = el;
    while (inside && !scrolls(inside)) inside = inside.parentElement;
    if (inside) continue;  // overflow inside a scroll region is what the region is for
    problems.push(`content runs out of its box: <${el.tagName.toLowerCase()}`
      + `${el.className ? ' class="' + el.className + '"' : ''}> "${describe(el)}"`
      + ` is ${el.scrollWidth}px wide in ${el.clientWidth}px`);
  }
  return problems;
}
"""

#: the text a reader sees on the page, and the text of its labels for assistive technology
# Text marked as another language than the page's (a Dutch e-mail shown on an English page)
# is that language on purpose: it is left out while the text is read.
VISIBLE_TEXT_SCRIPT = """
() => {
  const page = document.documentElement.lang;
  const other = [...document.body.querySelectorAll('[lang]')].filter(el => el.lang !== page);
  const display = other.map(el => el.style.display);
  other.forEach(el => { el.style.display = 'none'; });
  const text = [document.body.innerText,
       ...[...document.querySelectorAll('[aria-label], [alt], [title], [placeholder]')]
         .filter(el => !other.some(o => o.contains(el)))
         .map(el => ['aria-label', 'alt', 'title', 'placeholder']
           .map(name => el.getAttribute(name) || '').join(' '))].join('\\n');
  other.forEach((el, i) => { el.style.display = display[i]; });
  return text;
}
"""

@cache
def dutch_phrases() -> tuple[str, ...]:
    """Phrases of the interface's Dutch that its English says otherwise.

    Each message is cut at its placeholders; pieces of three words or more are kept, so that
    a Dutch word that is also English, or a name, does not count.
    """
    phrases = set()
    for message in catalogue("en"):
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        for dutch in ids:
            if not dutch or dutch in strings:
                continue
            for piece in re.split(r"%\(\w+\)[sd]|%[sd]|\{[^}]*\}|[*_`\n]", dutch):
                piece = piece.strip(" .,:;()‘’'\"-")
                if len(piece.split()) >= 3:
                    phrases.add(piece)
    return tuple(sorted(phrases))


def dutch_on_page(page) -> list[str]:
    """Dutch interface phrases on a page that should be in English."""
    text = " ".join(page.evaluate(VISIBLE_TEXT_SCRIPT).split())
    return [f"Dutch on an English page: \"{phrase}\"" for phrase in dutch_phrases()
            if phrase in text]


#: the project's own stylesheets, and the vendored ones (NL Design System, on every page)
PROJECT_CSS = Path(__file__).resolve().parents[2] / "static" / "css"
VENDOR_CSS = Path(__file__).resolve().parents[2] / "static" / "vendor"

STYLESHEETS_AND_CLASSES_SCRIPT = """
() => ({
  sheets: [...document.querySelectorAll('link[rel="stylesheet"]')]
    .map(link => new URL(link.href).pathname.split('/').pop()),
  classes: [...new Set([...document.querySelectorAll('[class]')]
    .flatMap(element => [...element.classList]))],
})
"""


def _classes_in(sheet: Path) -> set[str]:
    text = re.sub(r"/\*.*?\*/", "", sheet.read_text(), flags=re.DOTALL)
    return {name for selectors in re.findall(r"([^{}]+)\{", text)
            for name in re.findall(r"\.(-?[A-Za-z_][\w-]*)", selectors)}


@cache
def stylesheets_of_classes() -> dict[str, frozenset[str]]:
    """The project's own classes (not the design system's) → the stylesheets that style them."""
    vendor = set().union(*(_classes_in(sheet) for sheet in VENDOR_CSS.rglob("*.css")))
    found: dict[str, set[str]] = {}
    for sheet in PROJECT_CSS.glob("*.css"):
        for name in _classes_in(sheet) - vendor:
            found.setdefault(name, set()).add(sheet.name)
    return {name: frozenset(sheets) for name, sheets in found.items()}


def unstyled_classes(page) -> list[str]:
    """Classes on the page whose only rules are in stylesheets the page does not load.

    A shared component styled in one area's stylesheet looks right there and broken
    elsewhere (the lesson page's breadcrumb was a numbered list).
    """
    seen = page.evaluate(STYLESHEETS_AND_CLASSES_SCRIPT)
    loaded = set(seen["sheets"])
    styled_in = stylesheets_of_classes()
    return [
        f"class {name!r} is styled only in {', '.join(sorted(styled_in[name]))}, which this"
        " page does not load: move the rules to a stylesheet it loads (shared components go"
        " in proeftuin.css)"
        for name in sorted(seen["classes"])
        if name in styled_in and not styled_in[name] & loaded
    ]


#: Is the focused element visibly marked (outline or box shadow)?
FOCUS_SCRIPT = """
() => {
  const el = document.activeElement;
  if (!el || el === document.body) return 'nothing has focus';
  const style = getComputedStyle(el);
  const outline = style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) > 0;
  const shadow = style.boxShadow && style.boxShadow !== 'none';
  return outline || shadow ? '' : `no visible focus on <${el.tagName.toLowerCase()}> ${el.textContent.trim().slice(0, 40)}`;
}
"""


class PageProblem(AssertionError):
    """A page failed one of the checks every page must pass."""


@dataclass
class Visitor:
    """One browser context (its own cookies) with one page, and what went wrong in it."""

    context: object
    page: object
    base_url: str
    trouble: list[str] = field(default_factory=list)
    checked: list[str] = field(default_factory=list)

    @classmethod
    def open(cls, browser, base_url: str, *, width: int = 1280, height: int = 800,
             bypass_csp: bool = False, locale: str = "nl-NL") -> Visitor:
        context = browser.new_context(
            base_url=base_url, viewport={"width": width, "height": height},
            locale=locale, bypass_csp=bypass_csp,
        )
        context.set_default_timeout(5000)  # a local page that takes longer is broken
        context.add_init_script(TRAP_SCRIPT)
        page = context.new_page()
        visitor = cls(context=context, page=page, base_url=base_url)
        page.on("dialog", visitor._on_dialog)
        page.on("pageerror", lambda error: visitor.trouble.append(f"script error: {error}"))
        page.on("console", visitor._on_console)
        page.on("response", visitor._on_response)
        return visitor

    def _on_dialog(self, dialog) -> None:
        self.trouble.append(f"a {dialog.type} dialog opened: {dialog.message!r} on {self.page.url}")
        dialog.dismiss()

    def _on_console(self, message) -> None:
        # A page answering 403 or 404 is logged as a failed load; responses are checked
        # on their own (see _on_response), so only other errors count here.
        if message.type == "error" and not message.text.startswith("Failed to load resource"):
            self.trouble.append(f"console error on {self.page.url}: {message.text}")

    def _on_response(self, response) -> None:
        if response.status >= 500:
            self.trouble.append(f"{response.status} from {response.url}")
        elif response.status >= 400 and response.request.resource_type != "document":
            self.trouble.append(f"{response.status} for {response.url} on {self.page.url}")

    # -- getting around ------------------------------------------------------------------

    def go(self, path: str, *, expect: int = 200):
        response = self.page.goto(path)
        assert response is not None
        assert response.status == expect, f"{path}: {response.status}, expected {expect}"
        return response

    @property
    def path(self) -> str:
        parts = urlsplit(self.page.url)
        return parts.path + (f"?{parts.query}" if parts.query else "")

    def click(self, name: str, *, role: str = "button", exact: bool = True) -> None:
        """Click a button or link by its accessible name, and wait for the next page."""
        with self.page.expect_navigation():
            self.page.get_by_role(role, name=name, exact=exact).first.click()

    def follow(self, navigation: str, name: str) -> None:
        """Follow a link in the navigation landmark with this accessible name."""
        nav = self.page.get_by_role("navigation", name=navigation)
        with self.page.expect_navigation():
            nav.get_by_role("link", name=name, exact=True).click()

    def fill(self, label: str, value: str, *, exact: bool = False) -> None:
        self.page.get_by_label(label, exact=exact).first.fill(value)

    def sign_in(self, email: str, password: str) -> None:
        self.go("/login")
        self.page.locator("input[name=email]").fill(email)
        self.page.locator("input[name=password]").fill(password)
        with self.page.expect_navigation():
            self.page.locator("main form button[type=submit]").first.click()
        assert "/login" not in self.page.url, f"sign-in as {email} failed"

    def switch_language(self) -> str:
        """Press the language switch in the header; return the page's new language."""
        with self.page.expect_navigation():
            self.page.locator("form.language-switch button").click()
        return self.page.locator("html").get_attribute("lang")

    def text(self) -> str:
        return self.page.locator("main").inner_text()

    # -- checks ------------------------------------------------------------------------

    def check(self, *, focus: bool = True) -> None:
        """Run axe and the structural checks on the current page; raise on any problem."""
        problems = self.problems(focus=focus)
        if problems:
            raise PageProblem("\n".join(problems))

    def problems(self, *, focus: bool = True) -> list[str]:
        """What is wrong with the current page, one line per problem (empty when fine)."""
        where = f"{self.path} [{self.page.locator('html').get_attribute('lang')}]"
        results = _axe.run(self.page, options={
            "runOnly": {"type": "tag", "values": AXE_TAGS},
            "resultTypes": ["violations"],
        })
        problems = [
            f"{violation['id']}: {violation['help']} at {', '.join(node['target'])}"
            f" ({(node.get('any') or node.get('all') or node.get('none') or [{}])[0].get('message', '')})"
            for violation in results.response["violations"]
            for node in violation["nodes"]
        ]
        problems += self.page.evaluate(STRUCTURE_SCRIPT)
        problems += self.page.evaluate(LAYOUT_SCRIPT)
        problems += unstyled_classes(self.page)
        if focus:
            problems += self._focus_problems()
        self.checked.append(where)
        return [f"{where}: {problem}" for problem in problems]

    def phone_problems(self, screenshots: Path | None = None, name: str = "") -> list[str]:
        """Look at the current page on a phone as well: the layout checks at 375 px.

        With `screenshots`, the whole page is saved there at its own width and at 375 px,
        as `<name>-<width>.png`, for people to look at.
        """
        where = f"{self.path} [{self.page.locator('html').get_attribute('lang')}, 375px]"
        width = self.page.viewport_size["width"]
        height = self.page.viewport_size["height"]
        if screenshots is not None:
            self.page.screenshot(path=screenshots / f"{name}-{width}.png", full_page=True)
        self.page.set_viewport_size({"width": PHONE_WIDTH, "height": height})
        try:
            problems = self.page.evaluate(LAYOUT_SCRIPT)
            if screenshots is not None:
                self.page.screenshot(path=screenshots / f"{name}-{PHONE_WIDTH}.png",
                                     full_page=True)
        finally:
            self.page.set_viewport_size({"width": width, "height": height})
        return [f"{where}: {problem}" for problem in problems]

    def _focus_problems(self) -> list[str]:
        """Tab to the first few elements: each must show where the focus is."""
        problems = []
        self.page.locator("body").focus()
        for _ in range(3):
            self.page.keyboard.press("Tab")
            problem = self.page.evaluate(FOCUS_SCRIPT)
            if problem:
                problems.append(problem)
        self.page.evaluate("() => document.activeElement && document.activeElement.blur()")
        return problems

    def xss_hits(self) -> list[str]:
        return self.page.evaluate("() => window.__xssHits || []")

    def assert_no_trouble(self) -> None:
        assert not self.trouble, "\n".join(self.trouble)

    def close(self) -> None:
        self.context.close()


def links_on(page, base_url: str) -> list[str]:
    """Every same-site link on the page, as a path with query, without the fragment."""
    hrefs = page.eval_on_selector_all("a[href]", "els => els.map(e => e.href)")
    paths = []
    for href in hrefs:
        parts = urlsplit(href)
        if f"{parts.scheme}://{parts.netloc}" != base_url:
            continue
        path = parts.path + (f"?{parts.query}" if parts.query else "")
        if not re.search(r"\.(css|svg|png|ico|js|csv|atom|json|zip|xlsx)$", parts.path):
            paths.append(path)
    return paths
