"""Hostile input shared by the server-side and browser tests: XSS payloads and HTML checks.

Every payload that would run script in a browser calls `window.__xss(n)` or `alert(n)` with
its own number `n`, so a browser test can install those hooks and prove none of them fires
(and, if one does, say which payload it was). Payloads that cannot run script (template
strings, encoded text) are here too: they must come back as typed, not evaluated.

Besides the corpus this module parses pages with `html.parser`, so tests need no extra
dependency: `parse_forms()` finds the forms of a page and their fields, `free_text_fields()`
says which of those take free text, and `dangerous_markup()` lists what in a page could run
script (an escaped payload is text and is not reported).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from html.parser import HTMLParser

#: the function every executing payload calls; a browser test defines it on `window`
HOOK = "__xss"

# Plain HTML: elements and event handlers.
HTML_PAYLOADS = [
    "<script>window.__xss(1)</script>",
    "<SCRIPT>alert(2)</SCRIPT>",
    '<script src="data:text/javascript,window.__xss(3)"></script>',
    "<img src=x onerror=window.__xss(4)>",
    '<img src="x" onerror="alert(5)">',
    "<IMG SRC=x OnErRoR=window.__xss(6)>",
    "<svg onload=window.__xss(7)>",
    "<svg><script>window.__xss(8)</script></svg>",
    "<body onload=window.__xss(9)>",
    '<iframe src="javascript:window.__xss(10)"></iframe>',
    '<iframe srcdoc="&lt;script&gt;window.__xss(11)&lt;/script&gt;"></iframe>',
    '<a href="javascript:window.__xss(12)">klik hier</a>',
    '<a href="JaVaScRiPt:alert(13)">klik hier</a>',
    '<object data="javascript:window.__xss(14)"></object>',
    '<embed src="javascript:window.__xss(15)">',
    "<details open ontoggle=window.__xss(16)>",
    "<input autofocus onfocus=window.__xss(17)>",
    "<svg><animate onbegin=window.__xss(18) attributeName=x dur=1s>",
    "<video><source onerror=window.__xss(19)></video>",
    "<audio src=x onerror=window.__xss(20)>",
    "<marquee onstart=window.__xss(21)>tekst</marquee>",
    '<a href="#" onclick="window.__xss(22)">klik hier</a>',
    '<form action="javascript:window.__xss(23)"><button>verstuur</button></form>',
    '<button formaction="javascript:window.__xss(24)">verstuur</button>',
    '<base href="javascript:window.__xss(25)//">',
    '<meta http-equiv="refresh" content="0;url=javascript:window.__xss(26)">',
    "<style>@import 'javascript:window.__xss(27)';</style>",
    '<div style="background:url(javascript:window.__xss(28))">tekst</div>',
    '<svg><a xlink:href="javascript:window.__xss(29)"><text x="20" y="20">klik</text></a></svg>',
    "<math><mtext><table><mglyph><style><img src=x onerror=window.__xss(30)>",
    '<noscript><p title="</noscript><img src=x onerror=window.__xss(31)>">',
    "<img src=x onerror=eval(atob('d2luZG93Ll9feHNzKDMyKQ=='))>",  # window.__xss(32)
    '<img src=x onerror="\\u0077indow.__xss(33)">',
    "<div onmouseover=window.__xss(34)>ga hier met de muis over</div>",
]

# Encoded and obfuscated variants: entities, percent-encoding, Unicode look-alikes, case.
ENCODED_PAYLOADS = [
    '<a href="&#106;avascript:window.__xss(35)">klik hier</a>',
    '<a href="&#x6A;&#x61;&#x76;&#x61;&#x73;&#x63;&#x72;&#x69;&#x70;&#x74;&#x3A;window.__xss(36)">klik hier</a>',
    '<a href="java&#x09;script:window.__xss(37)">klik hier</a>',
    '<a href="jav&#x0A;ascript:window.__xss(38)">klik hier</a>',
    '<a href=" &#14; javascript:window.__xss(39)">klik hier</a>',
    '<a href="data:text/html,&lt;script&gt;window.__xss(40)&lt;/script&gt;">klik hier</a>',
    # <script>window.__xss(41)</script>
    '<a href="data:text/html;base64,PHNjcmlwdD53aW5kb3cuX194c3MoNDEpPC9zY3JpcHQ+">klik hier</a>',
    "%3Cscript%3Ewindow.__xss(42)%3C%2Fscript%3E",
    "&lt;script&gt;window.__xss(43)&lt;/script&gt;",
    "&#60;script&#62;window.__xss(44)&#60;/script&#62;",
    "\\u003cscript\\u003ewindow.__xss(45)\\u003c/script\\u003e",
    "\uff1cscript\uff1ewindow.__xss(46)\uff1c/script\uff1e",
    "<ScRiPt>window.__xss(47)</sCrIpT>",
    "javascript:window.__xss(48)",
    "<img src=x onerror=&#119;indow.__xss(49)>",
    "<scr\u200bipt>window.__xss(50)</scr\u200bipt>",
]

# Breaking out of the markup the value lands in: attributes, textarea, title, script.
BREAKOUT_PAYLOADS = [
    '" autofocus onfocus="window.__xss(51)',
    "' autofocus onfocus='window.__xss(52)",
    '" onmouseover="window.__xss(53)" x="',
    '"><script>window.__xss(54)</script>',
    "'><img src=x onerror=window.__xss(55)>",
    "</textarea><script>window.__xss(56)</script>",
    "</title><script>window.__xss(57)</script>",
    "</script><script>window.__xss(58)</script>",
    "</option></select><img src=x onerror=window.__xss(59)>",
    "--><script>window.__xss(60)</script><!--",
    "<scr<script>ipt>window.__xss(61)</scr</script>ipt>",
    "<img src=x onerror=window.__xss(62)//",
    "<<script>window.__xss(63);//<</script>",
    "<script\n>window.__xss(64)</script\n>",
    "<img\tsrc=x\tonerror=window.__xss(65)>",
    "<img/src=x/onerror=window.__xss(66)>",
]

# Server- and client-side template syntax: must be shown as typed, never evaluated.
TEMPLATE_PAYLOADS = [
    "{{7*7}}",
    "{{ config }}",
    "{{ ''.__class__.__mro__ }}",
    "{% raw %}{{7*7}}{% endraw %}",
    "${7*7}",
    "#{7*7}",
    "<%= 7*7 %>",
    "{{constructor.constructor('window.__xss(67)')()}}",
    "%(name)s %s {0}",
]

# Markdown: links and images with script schemes, raw HTML, autolinks, attribute lists.
MARKDOWN_PAYLOADS = [
    "[klik hier](javascript:window.__xss(68))",
    "[klik hier](JaVaScRiPt:alert(69))",
    "![plaatje](javascript:window.__xss(70))",
    "[klik hier][ref]\n\n[ref]: javascript:window.__xss(71)",
    "[klik hier][]\n\n[klik hier]: JAVASCRIPT:window.__xss(72)",
    "<javascript:window.__xss(73)>",
    '<http://example.com/" onmouseover="window.__xss(74)>',
    '[klik hier](http://example.com/"onmouseover="window.__xss(75)")',
    "[klik hier](data:text/html;base64,PHNjcmlwdD53aW5kb3cuX194c3MoNzYpPC9zY3JpcHQ+)",  # 76
    "[klik hier](&#106;avascript:window.__xss(77))",
    "[klik hier](  javascript:window.__xss(78))",
    "[klik hier](javascript&colon;window.__xss(79))",
    "[<img src=x onerror=window.__xss(80)>](http://example.com)",
    "**<script>window.__xss(81)</script>**",
    '<div markdown="1">[klik hier](javascript:window.__xss(82))</div>',
    "`<script>window.__xss(83)</script>`",
    "```\n<script>window.__xss(84)</script>\n```",
    '[klik hier](http://example.com "titel\\" onmouseover=\\"window.__xss(85)")',
    '![plaatje" onerror="window.__xss(86)](x)',
    '[klik hier](http://example.com){: onclick="window.__xss(87)" }',
    '[klik hier](http://example.com){: href="javascript:window.__xss(88)" }',
    'Een alinea\n{: onmouseover="window.__xss(89)" }',
    "*[HTML]: <script>window.__xss(90)</script>\n\nHTML",
    "Tekst[^1]\n\n[^1]: [klik hier](javascript:window.__xss(91))",
    "<p>ruwe HTML</p>\n\n<img src=x onerror=window.__xss(92)>",
    "- [klik hier](javascript:window.__xss(93))\n- <svg onload=window.__xss(94)>",
    "[klik hier](java\tscript:window.__xss(95))",
    "<a href='javascript:window.__xss(96)'>klik hier</a> en **vet**",
]

XSS_PAYLOADS: list[str] = [
    *HTML_PAYLOADS,
    *ENCODED_PAYLOADS,
    *BREAKOUT_PAYLOADS,
    *TEMPLATE_PAYLOADS,
    *MARKDOWN_PAYLOADS,
]

_HOOK_CALL = re.compile(r"(?:__xss|alert)\((\d+)\)")
_HOOK_BASE64 = {"d2luZG93Ll9feHNzKDMyKQ==": 32,
                "PHNjcmlwdD53aW5kb3cuX194c3MoNDEpPC9zY3JpcHQ+": 41,
                "PHNjcmlwdD53aW5kb3cuX194c3MoNzYpPC9zY3JpcHQ+": 76}


def hook_numbers(payload: str) -> set[int]:
    """Return the numbers a payload passes to the hook if it runs (base64 ones included)."""
    numbers = {int(n) for n in _HOOK_CALL.findall(payload)}
    numbers.update(n for encoded, n in _HOOK_BASE64.items() if encoded in payload)
    numbers.update(int(n) for n in re.findall(r"&#119;indow\.__xss\((\d+)\)", payload))
    return numbers


def sample(payloads: list[str], every: int, offset: int = 0) -> list[str]:
    """Return every `every`-th payload from `offset`: a spread-out subset for slow loops."""
    return payloads[offset::every]


# Parsing pages ---------------------------------------------------------------------------

#: input types that take whatever text a person types
FREE_TEXT_INPUT_TYPES = {"text", "search", "email", "tel", "url"}


@dataclass
class FormField:
    """One named control of a form as the page renders it."""

    name: str
    kind: str  #: "textarea", "select", or the input's type ("text", "checkbox", …)
    values: list[str] = field(default_factory=list)  #: the current value(s)
    options: list[str] = field(default_factory=list)  #: offered values (select, box, radio)
    multiple: bool = False
    fixed: bool = False  #: hidden or read-only: shown, but not typed by the person

    @property
    def is_free_text(self) -> bool:
        """Whether a person types this field's value freely."""
        return not self.fixed and (self.kind == "textarea" or self.kind in FREE_TEXT_INPUT_TYPES)


@dataclass
class Form:
    """A <form> of a page: where it posts to and its named fields in page order."""

    action: str
    method: str
    fields: dict[str, FormField] = field(default_factory=dict)

    def free_text(self) -> list[str]:
        """Return the names of the free-text fields."""
        return [f.name for f in self.fields.values() if f.is_free_text]

    def data(self) -> dict[str, list[str]]:
        """Return what the browser would submit as the form stands (no button pressed)."""
        out: dict[str, list[str]] = {}
        for f in self.fields.values():
            if f.kind in ("submit", "button", "reset", "image", "file"):
                continue
            out[f.name] = list(f.values)
        return out


class _FormParser(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.forms: list[Form] = []
        self._form: Form | None = None
        self._textarea: FormField | None = None
        self._select: FormField | None = None
        self._option: tuple[str | None, bool, list[str]] | None = None

    def _field(self, name: str, kind: str, attrs: dict | None = None) -> FormField:
        assert self._form is not None
        existing = self._form.fields.get(name)
        if existing is None:
            existing = self._form.fields[name] = FormField(name, kind)
            existing.fixed = bool(attrs) and ("hidden" in attrs or "readonly" in attrs)
        return existing

    def handle_starttag(self, tag, attrs):
        a = {k: (v if v is not None else "") for k, v in attrs}
        if tag == "form":
            self._form = Form(action=a.get("action", ""), method=a.get("method", "get").lower())
            self.forms.append(self._form)
            return
        if self._form is None or "name" not in a and tag not in ("option",):
            return
        if tag == "input":
            kind = a.get("type", "text").lower() or "text"
            f = self._field(a["name"], kind, a)
            value = a.get("value", "on" if kind in ("checkbox", "radio") else "")
            if kind in ("checkbox", "radio"):
                f.options.append(value)
                f.multiple = kind == "checkbox" and len(f.options) > 1
                if "checked" in a:
                    f.values.append(value)
            elif kind not in ("submit", "button", "reset", "image"):
                f.values.append(value)
        elif tag == "textarea":
            self._textarea = self._field(a["name"], "textarea", a)
            self._textarea.values.append("")
        elif tag == "select":
            self._select = self._field(a["name"], "select")
            self._select.multiple = "multiple" in a
        elif tag == "option" and self._select is not None:
            self._option = (a.get("value"), "selected" in a, [])
        elif tag == "button" and a.get("name"):
            self._field(a["name"], "submit").options.append(a.get("value", ""))

    def handle_data(self, data):
        if self._textarea is not None:
            self._textarea.values[-1] += data
        if self._option is not None:
            self._option[2].append(data)

    def _close_option(self):
        if self._option is None or self._select is None:
            return
        value, selected, text = self._option
        value = "".join(text).strip() if value is None else value
        self._select.options.append(value)
        if selected:
            self._select.values.append(value)
        self._option = None

    def handle_endtag(self, tag):
        if tag == "textarea" and self._textarea is not None:
            self._textarea = None
        elif tag == "option":
            self._close_option()
        elif tag == "select" and self._select is not None:
            self._close_option()
            if not self._select.values and self._select.options and not self._select.multiple:
                self._select.values.append(self._select.options[0])
            self._select = None
        elif tag == "form":
            self._form = None


def parse_forms(html: str) -> list[Form]:
    """Return the forms of a page with their named fields, current values and options."""
    parser = _FormParser()
    parser.feed(html)
    parser.close()
    for form in parser.forms:
        for f in form.fields.values():
            if f.kind == "textarea":
                # Browsers drop one line break right after <textarea>; WTForms writes "\r\n".
                f.values = [re.sub(r"^\r?\n", "", v, count=1) for v in f.values]
    return parser.forms


def free_text_fields(html: str) -> dict[str, list[str]]:
    """Return, per POST form of the page (by action), the names of its free-text fields."""
    out: dict[str, list[str]] = {}
    for form in parse_forms(html):
        names = form.free_text()
        if form.method == "post" and names:
            out.setdefault(form.action, []).extend(n for n in names if n not in out.get(form.action, []))
    return out


# Finding markup that could run script -----------------------------------------------------

#: elements that user text must never bring into a page (the site's own pages use none)
DANGEROUS_ELEMENTS = {
    "script", "iframe", "frame", "frameset", "object", "embed", "applet", "base", "svg", "math",
    "style", "link", "meta", "form", "input", "button", "textarea", "select", "video", "audio",
    "source", "img", "marquee", "details", "noscript", "template", "body",
}
#: attributes whose value is fetched or followed as a URL
URL_ATTRIBUTES = {
    "href", "src", "action", "formaction", "xlink:href", "data", "poster", "background",
    "lowsrc", "dynsrc", "ping", "cite", "codebase", "manifest", "srcset",
}
_URL_EDGES = "".join(map(chr, range(0x21)))
_URL_TAB_OR_NEWLINE = re.compile(r"[\t\n\r]")


def _as_browser_reads(url: str) -> str:
    # The URL standard strips leading and trailing C0 controls and spaces, and removes
    # tabs and line breaks anywhere; a space inside makes "java script:" a relative path.
    return _URL_TAB_OR_NEWLINE.sub("", url.strip(_URL_EDGES)).lower()


def is_script_url(value: str) -> bool:
    """Whether a URL, as a browser reads it, runs script or loads inline markup."""
    return _as_browser_reads(value).startswith(("javascript:", "vbscript:", "data:",
                                                "livescript:"))


def is_image_data(value: str) -> bool:
    """Whether a URL is an inline image: in <img src> even an SVG runs no script."""
    return _as_browser_reads(value).startswith("data:image/")


class _PageParser(HTMLParser):
    """One pass over a page: what could run script, the text, and the attribute values."""

    def __init__(self, allowed_elements: set[str] | frozenset[str]):
        super().__init__(convert_charrefs=True)
        self.allowed = allowed_elements
        self.found: list[str] = []
        self.parts: list[str] = []
        self.attr_values: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag in DANGEROUS_ELEMENTS and tag not in self.allowed:
            self.found.append(f"<{tag}> element")
        for name, value in attrs:
            if value:
                self.attr_values.append(value)
            if name.startswith("on"):
                self.found.append(f"{name}= on <{tag}>")
            elif name in ("srcdoc", "style") or name.startswith("xmlns"):
                self.found.append(f"{name}= on <{tag}>")
            elif name in URL_ATTRIBUTES and value and is_script_url(value):
                if not (tag == "img" and name == "src" and is_image_data(value)):
                    self.found.append(f"{name}={value!r} on <{tag}>")

    handle_startendtag = handle_starttag

    def handle_data(self, data):
        self.parts.append(data)


@dataclass
class PageScan:
    """A parsed page: `dangers` that could run script, `text` and `attributes` as shown."""

    dangers: list[str]
    text: str
    attributes: list[str]

    def shows(self, value: str) -> bool:
        """Whether a reader sees `value` as typed, as text or as a field's value."""
        return value in self.text or any(value in a for a in self.attributes)


def scan_page(html: str, allowed_elements: set[str] | frozenset[str] = frozenset()) -> PageScan:
    """Parse a page once; see `dangerous_markup`, `page_text` and `attribute_values`."""
    parser = _PageParser(allowed_elements)
    parser.feed(html)
    parser.close()
    return PageScan(parser.found, "".join(parser.parts), parser.attr_values)


def dangerous_markup(html: str, allowed_elements: set[str] | frozenset[str] = frozenset()) -> list[str]:
    """List the elements, event handlers and script URLs in `html` that could run script.

    Escaped text such as `&lt;script&gt;` is text to the parser and is not reported. Pass the
    page's own form controls and the like as `allowed_elements` (see `own_elements`).
    """
    return scan_page(html, allowed_elements).dangers


def own_elements(html: str) -> set[str]:
    """Return the dangerous-list elements a page uses itself, e.g. its own forms and meta."""
    return {entry.split(">")[0].lstrip("<") for entry in dangerous_markup(html)
            if entry.endswith("element")}


def page_text(html: str) -> str:
    """Return the text of a page as a reader sees it, entities decoded (textareas included)."""
    return scan_page(html).text


def attribute_values(html: str) -> list[str]:
    """Return every attribute value of a page, entities decoded (input values included)."""
    return scan_page(html).attributes
