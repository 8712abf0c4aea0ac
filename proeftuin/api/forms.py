"""The API's query parameters: the library's and pilot list's filters, pages and language.

The HTML pages set an unusable value aside and show the rest; an API client is better served
by a 400 that names the parameter, so it finds its mistake instead of silently getting more.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from flask import current_app, request
from werkzeug.datastructures import MultiDict

from proeftuin.library.forms import LibraryFilterForm
from proeftuin.models.base import MAX_ID
from proeftuin.pilots.forms import PilotFilterForm
from proeftuin.web.converters import SlugConverter

#: page size when the client names none, and the most it may ask for
DEFAULT_PER_PAGE = 20
MAX_PER_PAGE = 100
#: deeper pages than this are refused; the cap keeps the offset in range
MAX_PAGE = 10_000

PAGE = "pagina"
PER_PAGE = "per_pagina"
LANG = "lang"
REUSED = "hergebruikt"
#: only lessons another pilot adopted or adapted; the same values as REUSED
PROVEN = "bewezen"
#: the values `hergebruikt` takes; the library page's checkbox sends "1"
REUSED_VALUES = {"1": True, "true": True, "0": False, "false": False, "": False}


#: what a programme's slug and a target group's key look like, as the document says
SLUG_PATTERN = f"^{SlugConverter.regex}$"
KEY_PATTERN = "^[a-z0-9_]{1,40}$"


def _region(raw: str):
    return int(raw) if raw.isascii() and raw.isdigit() and 1 <= int(raw) <= MAX_ID else None


def _matching(pattern: str):
    return lambda raw: raw if re.fullmatch(pattern, raw) else None


#: filters whose well-formed value may name nothing (yet): it then selects nothing, an empty
#: list, as the document promises, where the pages' forms set it aside as unknown
NAMING = {"regio": _region, "programma": _matching(SLUG_PATTERN),
          "doelgroep": _matching(KEY_PATTERN)}


def _keep_unknown_names(form, invalid: list[str]) -> list[str]:
    """Put back the well-formed values the form set aside because they name nothing;
    return the names that remain invalid."""
    remaining = []
    for name in invalid:
        value = NAMING[name](request.args.get(name, "")) if name in NAMING else None
        if value is None:
            remaining.append(name)
            continue
        next(field for field in form if field.name == name).data = value
    return remaining


@dataclass(frozen=True)
class Page:
    """Which page of a list the client asked for."""

    number: int = 1
    size: int = DEFAULT_PER_PAGE
    #: whether the client named a size, so links keep it
    size_given: bool = False


class InvalidParameters(Exception):
    """Some query parameters cannot be used; the API answers 400 naming them."""

    def __init__(self, names: list[str]):
        super().__init__(", ".join(names))
        self.names = sorted(set(names))


def _bounded_int(name: str, lowest: int, highest: int, invalid: list[str]) -> int | None:
    raw = request.args.get(name)
    if raw is None or raw == "":
        return None
    if not (raw.isascii() and raw.isdigit()) or not lowest <= int(raw) <= highest:
        invalid.append(name)
        return None
    return int(raw)


def page(invalid: list[str]) -> Page:
    """Read `pagina` and `per_pagina`; a value out of range is named in `invalid`."""
    number = _bounded_int(PAGE, 1, MAX_PAGE, invalid)
    size = _bounded_int(PER_PAGE, 1, MAX_PER_PAGE, invalid)
    return Page(number=number or 1, size=size or DEFAULT_PER_PAGE, size_given=size is not None)


def language() -> tuple[str, bool]:
    """Return the language of the answer and whether `lang` was valid.

    `lang` wins, then the Accept-Language header; never the session, so a signed-in person
    gets what anyone else gets.
    """
    languages = current_app.config["LANGUAGES"]
    chosen = request.args.get(LANG)
    if chosen is not None:
        return (chosen, True) if chosen in languages else ("nl", False)
    return request.accept_languages.best_match(languages, default="nl"), True


def library_filters(invalid: list[str]) -> LibraryFilterForm:
    """Read the library's filters; unusable values are named in `invalid`."""
    args = MultiDict(request.args)
    for name in (REUSED, PROVEN):
        if name in args:
            chosen = REUSED_VALUES.get(args[name].strip().lower())
            if chosen is None:
                invalid.append(name)
            # The form's checkbox counts any value but "false" as ticked, so "0" would filter.
            if not chosen:
                del args[name]
    form = LibraryFilterForm(args)
    invalid.extend(_keep_unknown_names(form, form.invalid))
    return form


class _PilotFilters(PilotFilterForm):
    """The pilot list's filters, remembering which values it had to set aside."""

    def _drop_invalid(self) -> None:
        self.validate()
        self.invalid = [field.name for field in self if field.errors]
        super()._drop_invalid()


def pilot_filters(invalid: list[str]) -> PilotFilterForm:
    """Read the pilot list's filters; unusable values are named in `invalid`."""
    form = _PilotFilters(request.args)
    invalid.extend(_keep_unknown_names(form, form.invalid))
    return form


#: the parameters that take one value of a list or a number, which an empty one is not
#: (`q` takes any text, `hergebruikt` documents its empty value)
CHOSEN = {PAGE, PER_PAGE, "richting", "vraag", "soort", "niveau", "regio", "programma",
          "doelgroep", "jaar", "volgorde", "status"}


def check(invalid: list[str]) -> None:
    """Refuse the request if any parameter was unusable, or the language unknown.

    An empty value is unusable too: the HTML forms send one for "any", and the pages take it
    so, but the document promises each filter one of its values, and an API client that
    sends `programma=` has left something out it meant to send.
    """
    empty = [name for name, value in request.args.items(multi=True)
             if value == "" and name in CHOSEN]
    invalid = [*invalid, *empty]
    if not language()[1]:
        invalid = [*invalid, LANG]
    if invalid:
        raise InvalidParameters(invalid)
