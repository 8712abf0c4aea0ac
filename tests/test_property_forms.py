"""Random, oversized and malformed input to every form and query parameter: never a 5xx.

The forms are not listed here: the test signs in as an admin, crawls the site from a few
entry pages, parses every <form> it finds and fuzzes the fields each one declares; it then
visits every page it saw as a visitor who is not signed in, for the public forms and the
invitation page. A new form on a linked page is covered without touching this file.

For each post: no server error; a refused post (200) shows an error message and the free
text typed into it again, cleaned as proeftuin/forms.py documents; and a refused post (any
4xx or a re-rendered form) leaves every table as it was. When a post is accepted the
database is put back to the snapshot taken after the crawl, so every example starts alike.
"""

from __future__ import annotations

import io
import json
import re
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlencode, urlsplit

import pytest
import sqlalchemy as sa
from argon2 import PasswordHasher
from flask import current_app
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from werkzeug.datastructures import MultiDict

from proeftuin.extensions import db
from proeftuin.forms import clean_line, clean_text
from proeftuin.models import Agreement, PilotStatus, User
from proeftuin.models.library_version import library_version
from tests.conftest import PASSWORD, empty_tables
from tests.hostile_input import Form, FormField, parse_forms, scan_page

FUZZ = settings(
    max_examples=40,
    deadline=None,
    database=None,  # nothing written to .hypothesis/ in the working tree
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow,
                           HealthCheck.data_too_large, HealthCheck.large_base_example],
)

#: where the crawl starts; every page linked from these is visited too
ROOTS = ["/", "/werkplaats/", "/begeleiding/", "/beheer/", "/account", "/aanmelden",
         "/proeftuinen/", "/kader/"]
#: links the crawl does not follow: files, feeds, the API
SKIP = re.compile(r"^/(static|api)/|\.(csv|atom|json|xml|svg|png|ico)$")
MAX_PAGES = 200
#: columns that ordinary requests may touch without saving anything
VOLATILE_COLUMNS = {"last_seen_at"}
#: elements the site's own pages use (forms, the favicon, meta and style sheets)
SITE_ELEMENTS = frozenset({"meta", "link", "body", "img", "form", "input", "button",
                           "textarea", "select"})
#: markers our templates write around an error; escaped user text cannot produce them
ERROR_MARKERS = ('id="fouten"', "utrecht-form-field-error-message", 'role="alert"')

CHEAP_HASHER = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)
PACKAGE = Path(__file__).resolve().parent.parent / "proeftuin"


# The site as a crawler sees it -------------------------------------------------------------


@dataclass
class FoundForm:
    """A POST form, where it was found and which browser (signed in or not) found it."""

    page: str
    form: Form
    signed_in: bool

    @property
    def key(self) -> tuple:
        """Forms alike but for the pilot or row they are about count once."""
        # A segment with a digit (an id, a pilot's slug) or a long one (a token) is a value.
        action = re.sub(r"/(?:[^/]*\d[^/]*|[^/]{30,})(?=/|$)", "/{x}",
                        urlsplit(self.form.action).path)
        hidden = tuple(sorted((n, tuple(f.values)) for n, f in self.form.fields.items()
                              if f.kind == "hidden" and n not in ("csrf_token", "next")))
        return action, tuple(sorted(self.form.fields)), hidden


def id_pattern(path: str) -> str:
    """The path with its numeric ids as {n}: one pattern for every organisation's form."""
    return re.sub(r"/\d+(?=/|$)", "/{n}", path)


def _links(html: str, origin: str) -> set[str]:
    found = set()
    for value in scan_page(html).attributes:
        if value.startswith(origin):
            value = value[len(origin):]
        if value.startswith("/") and not value.startswith("//"):
            path = urlsplit(value).path
            if not SKIP.search(path):
                found.add(path)
    return found


def crawl(client, roots, origin="http://localhost") -> dict[str, str]:
    """Visit the pages reachable from `roots`; return the HTML of each, by path."""
    pages: dict[str, str] = {}
    queue = list(roots)
    seen = set(queue)
    while queue and len(pages) < MAX_PAGES:
        url = queue.pop(0)
        response = client.get(url)
        assert response.status_code < 500, (url, response.status_code)
        if response.status_code != 200 or response.mimetype != "text/html":
            response.close()  # a download (the open-data archive) holds its file open
            continue
        html = response.get_data(as_text=True)
        pages[url] = html
        for link in sorted(_links(html, origin) - seen):
            seen.add(link)
            queue.append(link)
    return pages


def discover(admin, visitor) -> tuple[list[FoundForm], dict[str, str]]:
    """Crawl as the admin, then visit what was seen as a visitor; return the fuzzable forms."""
    admin_pages = crawl(admin, ROOTS)
    visitor_pages = crawl(visitor, ["/login", *admin_pages])
    found: dict[tuple, FoundForm] = {}
    for pages, signed_in in ((admin_pages, True), (visitor_pages, False)):
        for url, html in pages.items():
            for form in parse_forms(html):
                fuzzable = [n for n, f in form.fields.items()
                            if n != "csrf_token" and f.kind != "submit"]
                if form.method != "post" or not fuzzable:
                    continue  # POST-only buttons carry nothing but their token
                candidate = FoundForm(url, form, signed_in)
                found.setdefault(candidate.key, candidate)
    return list(found.values()), {**visitor_pages, **admin_pages}


# The database before and after ---------------------------------------------------------------


def snapshot() -> dict[str, list[tuple]]:
    """Every row of every table, without the columns ordinary requests may touch."""
    db.session.rollback()
    rows = {}
    for table in db.metadata.sorted_tables:
        columns = [c for c in table.columns if c.name not in VOLATILE_COLUMNS]
        rows[table.name] = sorted(
            (tuple(r) for r in db.session.execute(sa.select(*columns))), key=repr
        )
    db.session.rollback()
    return rows


def full_rows() -> dict[str, list[dict]]:
    db.session.rollback()
    data = {t.name: [dict(r._mapping) for r in db.session.execute(sa.select(t))]
            for t in db.metadata.sorted_tables}
    db.session.rollback()
    return data


def restore(rows: dict[str, list[dict]]) -> None:
    """Put every table back as it was (same ids, so the crawled form actions stay valid)."""
    db.session.rollback()
    empty_tables(db.session.connection())
    for table in db.metadata.sorted_tables:
        if rows[table.name]:
            db.session.execute(sa.insert(table), rows[table.name])
    # Putting the rows back fired the triggers that count changes to the library: the
    # counts go back too, and with them what the app kept under them.
    db.session.execute(library_version.delete())
    if rows[library_version.name]:
        db.session.execute(sa.insert(library_version), rows[library_version.name])
    db.session.commit()
    db.session.expire_all()
    for kept in ("library_cache", "page_cache"):
        current_app.extensions.pop(kept, None)


# What to type ----------------------------------------------------------------------------------

ODD = ["\x00", "\x01", "\x07", "\x0b", "\x1b", "\x7f", "\x85", "\r", "\r\n", "\t", "\u2028",
       "\u202e", "\u200b", "\ufeff", "\ufffd", "\uffff", "\U0010ffff", "\U0001f600", "\u0301",
       "é", "ß", "İ", "%00", "&#0;", "&amp;", "\\", "'", '"', "<", ">", "{{", "}}", "%(x)s",
       "'; DROP TABLE pilot; --", " ", ""]
NUMBERS = ["0", "-1", "1", "2147483647", "2147483648", "-2147483649", "9223372036854775808",
           "1" + "0" * 40, "1e309", "NaN", "-0", "0x10", "١٢", "3.5", " 7 "]
DATES = ["2026-02-30", "0001-01-01", "9999-12-31", "2026-13-01", "26-09-01", "2026-09-01",
         "2100-12-31", "2000-01-01", "01-09-2026", "2026-09-01T10:00"]
SIZES = [41, 121, 161, 255, 2_001, 20_001, 100_000]

odd_text = st.lists(st.sampled_from(ODD) | st.text(max_size=5), max_size=8).map("".join)
any_text = st.text(
    alphabet=st.characters(codec=None, exclude_categories=("Cs",)), max_size=40)
huge_text = st.builds(lambda n, c: (c * n)[:n], st.sampled_from(SIZES),
                      st.sampled_from(["x", "é", "<b>", "\x00", "a\n", "😀"]))


def values_for(field: FormField) -> st.SearchStrategy[list[str]]:
    """The values one field is posted with: none, one, or several where one is expected."""
    single = [any_text, odd_text, huge_text, st.sampled_from(NUMBERS), st.sampled_from(DATES)]
    good = [st.sampled_from(field.options)] if field.options else []
    if field.values:
        good.append(st.just(field.values[0]))
    one = st.one_of(*good, *single) if good else st.one_of(*single)
    return st.one_of(
        one.map(lambda v: [v]),
        st.lists(one, min_size=2, max_size=4),
        st.just([]),
        st.just(list(field.values)),  # as the page offers it
    )


def submission(form: Form, valid: dict[str, list[str]]) -> st.SearchStrategy[MultiDict]:
    """A random submission of `form`: a valid one with a few fields spoilt, or all random.

    Starting from a valid submission gets past the first refusal to the code behind it
    (services, slugs, the database); all-random covers missing and doubled fields everywhere.
    """
    names = [n for n, f in form.fields.items() if n != "csrf_token" and f.kind != "submit"]
    buttons = {name: f for name, f in form.fields.items() if f.kind == "submit"}
    button_values = st.tuples(*(st.sampled_from(f.options or [""]) | any_text
                                for f in buttons.values())).map(list)

    def build(chosen: dict[str, list[str]], button: list[str]) -> MultiDict:
        pairs = [(name, v) for name, values in chosen.items() for v in values]
        pairs += [(name, v) for name, v in zip(buttons, button, strict=False)]
        return MultiDict(pairs)

    random = st.fixed_dictionaries({n: values_for(form.fields[n]) for n in names})
    # About two fields spoilt per submission, however long the form (shrinking keeps more).
    keeps = [True] * max(3, len(names) // 2) + [False]
    spoilt = st.fixed_dictionaries({
        n: st.sampled_from(keeps).flatmap(
            lambda keep, n=n: st.just(valid.get(n, [])) if keep else values_for(form.fields[n]))
        for n in names
    })
    return st.builds(build, spoilt | random, button_values)


# Checks ---------------------------------------------------------------------------------------


def cleaned(field: FormField, value: str) -> str:
    """What a form shows again for a typed value (proeftuin/forms.py's clean-up)."""
    return clean_text(value) if field.kind == "textarea" else clean_line(value)


def _row_shifts(name: str, data: MultiDict) -> bool:
    """Whether a list row moves up: WTForms renumbers rows after one that was left out."""
    row = re.match(r"^(.*)-(\d+)-", name)
    if row is None:
        return False
    prefix, index = row.group(1), int(row.group(2))
    present = {int(m.group(1)) for key in data
               if (m := re.match(rf"^{re.escape(prefix)}-(\d+)-", key))}
    return not set(range(index)) <= present


def check_typed_text_kept(html: str, form: Form, data: MultiDict, where: str) -> None:
    """Each free-text field posted with one value shows it again, cleaned, in the form."""
    again = [f for f in parse_forms(html) if urlsplit(f.action).path == urlsplit(form.action).path]
    assert again, f"{where}: the refused form is not shown again"
    for name, field in form.fields.items():
        values = data.getlist(name)
        if not field.is_free_text or len(values) != 1 or _row_shifts(name, data):
            continue
        expected = cleaned(field, values[0])
        shown = [f.fields[name].values for f in again if name in f.fields]
        assert [expected] in shown, (
            f"{where}: {name!r} was typed as {values[0]!r} but shows {shown!r}"
        )


def post_and_check(client, found: FoundForm, data: MultiDict, before, rows) -> None:
    """Post one submission and check the answer and the database."""
    where = f"POST {found.form.action} (form on {found.page})"
    cookie = client.get_cookie(current_app.config["SESSION_COOKIE_NAME"])
    response = client.post(found.form.action, data=data)
    status = response.status_code
    assert status < 500, f"{where} answered {status}"
    if response.mimetype == "text/html":
        dangers = scan_page(response.get_data(as_text=True), SITE_ELEMENTS).dangers
        assert not dangers, f"{where} shows script: {dangers}"
    after = snapshot()
    if 300 <= status < 400:
        # Accepted (or refused with a message after a redirect): start the next example from
        # the same database and the same browser session (a sign-in or -out, or a language).
        if after != before:
            restore(rows)
        if cookie is None:
            client.delete_cookie(current_app.config["SESSION_COOKIE_NAME"])
        else:
            client.set_cookie(cookie.key, cookie.value)
        return
    changed = [t for t in before if before[t] != after[t]]
    assert not changed, f"{where} answered {status} yet changed {changed}"
    if status == 200:
        html = response.get_data(as_text=True)
        assert any(marker in html for marker in ERROR_MARKERS), (
            f"{where} refused the post without an error message"
        )
        check_typed_text_kept(html, found.form, data, where)


# The world ------------------------------------------------------------------------------------


@pytest.fixture
def site(app, make, login, client):
    """A small but complete site, the admin signed in on `client`, and the crawl's forms."""
    app.config.update(APPLY_RATE_LIMIT="100000 per minute", LOGIN_RATE_LIMIT="100000 per minute")
    programme = make.programme(name="Programma Thuis")
    call = make.call(programme)
    make.facilitator(programme)
    active = make.pilot(programme=programme, name="Samen Thuis")
    make.pilot(programme=programme, status=PilotStatus.applied, name="Aangemeld")
    make.pilot(programme=programme, status=PilotStatus.selected, name="Geselecteerd")
    coordinator = make.coordinator(active)
    make.member(active)
    db.session.add(Agreement(pilot=active, party="Wijkverpleging", commitment="Belt.",
                             position=0))
    db.session.commit()
    login(make.admin())
    client.post(f"/werkplaats/{active.slug}/leden",
                data={"email": "genodigde@voorbeeld.example", "role": "member"})
    # Forms that check a password would spend most of the run in Argon2: same password,
    # cheaper parameters (verification reads them from the hash).
    db.session.execute(sa.update(User).values(password_hash=CHEAP_HASHER.hash(PASSWORD)))
    db.session.commit()
    site = Site(client, app.test_client(), active)
    # Valid submissions of the forms that are not valid as the page first shows them.
    site.valid = {
        "/aanmelden": {
            "name": ["Samen thuis"], "municipality": ["Denkstad"],
            "region_id": [str(make.region().id)], "scale": ["local"],
            "call_id": [str(call.id)], "theme": ["Thema"], "ambition": ["Ambitie"],
            "organisations-0-name": ["Zorggroep"], "organisations-0-kind": ["care"],
            "questions": ["1"], "directions": ["2"], "planned_start": ["2026-09-01"],
            "planned_end": ["2027-09-01"], "contact_name": ["Contactpersoon"],
            "contact_email": ["contact@voorbeeld.example"], "consent": ["y"]},
        "/login": {"email": [coordinator.email], "password": [PASSWORD]},
        "/account/wachtwoord": {"current_password": [PASSWORD],
                                "new_password": ["een heel nieuw wachtwoord"],
                                "new_password_repeat": ["een heel nieuw wachtwoord"]},
        "/beheer/gebruikers/nieuw": {"name": ["Nieuwe Persoon"],
                                     "email": ["nieuw@voorbeeld.example"],
                                     "role": ["participant"], "password": [PASSWORD],
                                     "password_repeat": [PASSWORD]},
        "/beheer/programmas/nieuw": {"name": ["Nieuw programma"], "description": ["Over"],
                                     "accepts_applications": ["y"]},
        "/werkplaats/{x}/organisaties": {"name": ["Welzijn"], "kind": ["welfare"]},
        "/werkplaats/{x}/afspraken": {"party": ["Huisarts"], "commitment": ["Belt."]},
        "/werkplaats/{x}/leden": {"email": ["lid@voorbeeld.example"], "role": ["member"]},
        "/begeleiding/proeftuinen/{x}/status": {"reason": ["Omdat het kan."]},
        "/uitnodiging/{x}": {"name": ["Genodigde"], "password": [PASSWORD],
                             "password_repeat": [PASSWORD]},
    }
    return site


class Site:
    """The signed-in admin's and a visitor's browsers; the crawl is made when first asked."""

    def __init__(self, admin, visitor, active):
        self.admin, self.visitor, self.active = admin, visitor, active
        self._crawl = None
        self.rows = full_rows()
        self.before = snapshot()

    @property
    def forms(self) -> list[FoundForm]:
        return self._crawled()[0]

    @property
    def pages(self) -> dict[str, str]:
        return self._crawled()[1]

    def _crawled(self):
        if self._crawl is None:
            self._crawl = discover(self.admin, self.visitor)
            assert snapshot() == self.before, "the crawl changed the database"
        return self._crawl


def test_the_crawl_finds_the_forms_of_every_area(site):
    actions = {urlsplit(f.form.action).path for f in site.forms}
    slug = site.active.slug
    expected = {
        "/aanmelden", "/login", "/taal",
        f"/werkplaats/{slug}/profiel", f"/werkplaats/{slug}/kader",
        f"/werkplaats/{slug}/kader/richting/1", f"/werkplaats/{slug}/organisaties",
        f"/werkplaats/{slug}/afspraken", f"/werkplaats/{slug}/leden",
        "/beheer/gebruikers/nieuw", "/beheer/programmas/nieuw", "/account/wachtwoord",
    }
    assert expected <= actions, expected - actions
    patterns = {id_pattern(a) for a in actions}
    for pattern in ("/werkplaats/{slug}/organisaties/{n}", "/werkplaats/{slug}/afspraken/{n}",
                    "/werkplaats/{slug}/leden/{n}/rol", "/beheer/gebruikers/{n}",
                    "/beheer/programmas/{n}", "/uitnodiging/"):
        pattern = pattern.replace("{slug}", slug)
        assert any(p.startswith(pattern) for p in patterns), pattern
    assert any("/begeleiding/proeftuinen/" in a and a.endswith("/status") for a in actions)


def form_fuzzer(site, found: FoundForm):
    """A Hypothesis test of one discovered form."""
    client = site.admin if found.signed_in else site.visitor
    valid = {**found.form.data(), **site.valid.get(found.key[0], {})}

    @FUZZ
    @given(data=submission(found.form, valid))
    def fuzz(data):
        post_and_check(client, found, data, site.before, site.rows)

    return fuzz


def test_every_form_survives_random_input(site):
    assert len(site.forms) >= 15
    for found in site.forms:
        form_fuzzer(site, found)()
    # The fuzzing left the site as it found it (and still signed in).
    assert snapshot() == site.before


def test_a_file_in_any_field_is_refused_without_a_server_error(site):
    """Flask-WTF gives uploaded files to the fields of that name; no form takes a file."""
    for found in site.forms:
        client = site.admin if found.signed_in else site.visitor
        valid = {**found.form.data(), **site.valid.get(found.key[0], {})}
        for name in (n for n in found.form.fields if n != "csrf_token"):
            data = MultiDict(valid)
            data.setlist(name, [(io.BytesIO(b"<script>alert(1)</script>"), "a.txt")])
            response = client.post(found.form.action, data=data,
                                   content_type="multipart/form-data")
            assert response.status_code == 400, (found.form.action, name, response.status_code)
            assert snapshot() == site.before, (found.form.action, name)


def test_a_json_body_is_refused_without_a_server_error(site):
    """Flask-WTF reads a JSON body as form data, numbers and all; no form takes JSON."""
    for found in site.forms:
        client = site.admin if found.signed_in else site.visitor
        valid = {**found.form.data(), **site.valid.get(found.key[0], {})}
        for odd in (5, 1.5, True, None, {"a": 1}, ["a", "b"]):
            body = {name: values[0] if values else "" for name, values in valid.items()}
            body.update({name: odd for name in found.form.fields if name != "csrf_token"})
            response = client.post(found.form.action, data=json.dumps(body),
                                   content_type="application/json")
            assert response.status_code == 400, (found.form.action, odd, response.status_code)
    assert snapshot() == site.before


def test_a_multipart_form_without_files_is_still_accepted(site):
    response = site.admin.post(f"/werkplaats/{site.active.slug}/afspraken",
                               data={"party": "Huisarts", "commitment": "Belt."},
                               content_type="multipart/form-data")
    assert response.status_code == 302
    assert snapshot()["agreement"] != site.before["agreement"]


# Query parameters ------------------------------------------------------------------------------


def query_parameters(pages: dict[str, str]) -> list[str]:
    """Every parameter a GET page reads: from GET forms, and from request.args in the code."""
    names = set()
    for html in pages.values():
        for form in parse_forms(html):
            if form.method == "get":
                names.update(form.fields)
    for source in PACKAGE.rglob("*.py"):
        names.update(re.findall(r"request\.(?:args|values)\.get\(\s*[\"'](\w+)[\"']",
                                source.read_text(encoding="utf-8")))
    return sorted(names)


def test_query_parameters_found_include_the_known_ones(site):
    names = set(query_parameters(site.pages))
    assert {"q", "regio", "programma", "richting", "vraag", "doelgroep", "status", "pagina",
            "rol", "nieuw", "next"} <= names


def test_every_page_survives_random_query_parameters(site):
    names = query_parameters(site.pages)
    paths = sorted({re.sub(r"\d+", "1", p) if "/kader/" in p else p for p in site.pages})
    value = st.one_of(any_text, odd_text, huge_text.map(lambda s: s[:3000]),
                      st.sampled_from(NUMBERS), st.sampled_from(DATES))
    params = st.lists(st.tuples(st.sampled_from(names), value), min_size=1, max_size=6)

    @settings(FUZZ, max_examples=60)
    @given(path=st.sampled_from(paths), params=params, signed_in=st.booleans())
    def fuzz(path, params, signed_in):
        client = site.admin if signed_in else site.visitor
        url = f"{path}?{urlencode(params)}"
        response = client.get(url)
        assert response.status_code < 500, f"GET {url} answered {response.status_code}"
        if response.status_code == 200 and response.mimetype == "text/html":
            dangers = scan_page(response.get_data(as_text=True), SITE_ELEMENTS).dangers
            assert not dangers, f"GET {url} shows script: {dangers}"

    fuzz()
    assert snapshot() == site.before


@pytest.mark.parametrize("path", ["/proeftuinen/", "/beheer/gebruikers"])
def test_list_pages_take_any_page_number(site, path):
    for page in NUMBERS + ["", "abc", "-99999999999"]:
        response = site.admin.get(f"{path}?{urlencode({'pagina': page})}")
        assert response.status_code == 200, (page, response.status_code)


def test_a_nul_in_every_text_field_is_dropped_or_refused(site):
    """PostgreSQL refuses NUL in text: it must never reach the database."""
    for found in site.forms:
        client = site.admin if found.signed_in else site.visitor
        data = MultiDict(found.form.data())
        for name, field in found.form.fields.items():
            if field.is_free_text or field.kind in ("password", "hidden"):
                data.setlist(name, [f"Nul\x00{field.values[0] if field.values else ''}x"])
        post_and_check(client, found, data, site.before, site.rows)
