"""What a subscription follows, as text that names it, and back.

A library selection is kept as its URL parameters in a fixed order, so the same selection is
one subscription however its link was written, and a digest can link to it in the library.
The order of the results and the page are not part of it: they are how one reads, not what.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import parse_qsl, urlencode

from flask_babel import gettext as _
from werkzeug.datastructures import MultiDict

from proeftuin.library.forms import LibraryFilterForm
from proeftuin.library.queries import LibrarySelection
from proeftuin.models import Pilot

#: library parameters that say how to read, not what to follow
NOT_FOLLOWED = ("volgorde", "pagina")
PILOT_PREFIX = "proeftuin="


@dataclass(frozen=True)
class Followed:
    """A library selection (its parameters) or a pilot, as a subscription stores it."""

    params: dict[str, str]
    pilot: Pilot | None = None
    #: parameters of the link that were left out, their values unknown (a stale link)
    invalid: tuple[str, ...] = ()

    @property
    def key(self) -> str:
        """The subscription's `selection` column."""
        if self.pilot is not None:
            return f"{PILOT_PREFIX}{self.pilot.id}"
        return urlencode(sorted(self.params.items()))


def from_library_args(args) -> Followed:
    """The valid selection of the library's parameters; a value it cannot use is left out."""
    form = LibraryFilterForm(MultiDict(args))
    return Followed({name: value for name, value in form.params().items()
                     if name not in NOT_FOLLOWED}, invalid=tuple(form.invalid))


def params_of(key: str) -> dict[str, str]:
    """The library parameters a stored selection stands for."""
    return dict(parse_qsl(key, keep_blank_values=False))


class Reader:
    """Reads stored selections with one library filter form, its choices (regions,
    programmes) read once: a page or a digest run that reads many makes the same few
    queries as one that reads a single one."""

    def __init__(self):
        self._form = LibraryFilterForm(MultiDict())

    def _filled(self, key: str) -> LibraryFilterForm:
        self._form.process(MultiDict(params_of(key)))
        self._form.invalid = self._form._drop_invalid()
        return self._form

    def describe(self, key: str, pilot: Pilot | None = None) -> list[tuple[str, str]]:
        """Name what is followed, as (label, value) pairs in the current language."""
        if pilot is not None:
            return [(_("Proeftuin"), pilot.name)]
        return [(str(item["label"]), str(item["value"])) for item in self._filled(key).active()]

    def library_selection(self, key: str) -> LibrarySelection:
        """The library's selection a stored one stands for."""
        return self._filled(key).selection()


def describe(key: str, pilot: Pilot | None = None) -> list[tuple[str, str]]:
    """Name one followed selection or pilot (see Reader, for many)."""
    return Reader().describe(key, pilot)
