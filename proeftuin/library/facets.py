"""The library's facets as the page shows them: each value with its count and its own link."""

from __future__ import annotations

from dataclasses import dataclass

from proeftuin.library.forms import LibraryFilterForm
from proeftuin.library.queries import PROVEN
from proeftuin.library.urls import library_urls


@dataclass(frozen=True)
class FacetOption:
    """One value of a facet: choosing it (or, when chosen, dropping it) is a plain link."""

    label: str
    count: int
    selected: bool
    #: the URL parameters of the library with this value chosen, or dropped when selected
    params: dict[str, str]
    #: the library's address with those parameters
    href: str


@dataclass(frozen=True)
class Facet:
    """A facet with its values that have lessons under the current selection."""

    name: str
    label: str
    options: list[FacetOption]

    @property
    def selected(self) -> FacetOption | None:
        return next((option for option in self.options if option.selected), None)


def toggled(params: dict[str, str], name: str, value: str) -> dict[str, str]:
    """Return the parameters with name set to value, or without it if it had that value."""
    chosen = {k: v for k, v in params.items() if k not in (name, "pagina")}
    if params.get(name) != value:
        chosen[name] = value
    return chosen


def build(filters: LibraryFilterForm, counts: dict[str, dict[str, int]]) -> list[Facet]:
    """Return the facets of the page, in the form's order, labelled from its choices."""
    params = filters.params()
    address = library_urls()
    facets = []
    for field in filters:
        # The proven facet has one value; the page shows it beside the reuse filter.
        if field.name not in counts or field.name == PROVEN:
            continue
        found = counts[field.name]
        current = "" if field.data is None else str(field.data)
        if field.name == "jaar":
            choices = [(year, year) for year in sorted(set(found) | ({current} - {""}),
                                                       reverse=True)]
        else:
            choices = [(str(c.value), str(c.label)) for c in field.iter_choices() if c.value]
        options = []
        for value, label in choices:
            selected = value == current
            if not selected and not found.get(value):
                continue
            chosen = toggled(params, field.name, value)
            options.append(FacetOption(label=label, count=found.get(value, 0),
                                       selected=selected, params=chosen,
                                       href=address(chosen)))
        facets.append(Facet(name=field.name, label=str(field.label.text), options=options))
    return facets
