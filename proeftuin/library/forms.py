"""The library's search box, filters and order, read from plain GET parameters."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, IntegerField, SearchField, SelectChoice, SelectField
from wtforms.validators import NumberRange, Optional

from proeftuin.caching import versioned_cache
from proeftuin.forms import (
    EARLIEST_YEAR,
    LATEST_YEAR,
    FilterForm,
    clean_line,
    direction_filter_choices,
    int_or_none,
    programme_choices,
    question_filter_choices,
    reference_choices,
    str_or_none,
    target_group_filter_choices,
)
from proeftuin.library.queries import LibrarySelection, Order
from proeftuin.models import LessonKind, LessonLevel
from proeftuin.pilots import queries as pilot_queries
from proeftuin.pilots.forms import region_choices
from proeftuin.reference import current_language
from proeftuin.search.text import MAX_QUERY_LENGTH


class LibraryFilterForm(FilterForm):
    """What a visitor searches for in the library; invalid values are set aside, not fatal."""

    class Meta:
        csrf = False  # a GET form that changes nothing

    q = SearchField(_l("Zoeken in de lessen"), filters=[clean_line])
    direction = SelectField(_l("Oplossingsrichting"), name="richting", coerce=int_or_none)
    question = SelectField(_l("Vraagstuk"), name="vraag", coerce=int_or_none)
    kind = SelectField(_l("Soort les"), name="soort", coerce=str_or_none)
    level = SelectField(_l("Niveau"), name="niveau", coerce=str_or_none)
    region = SelectField(_l("Regio"), name="regio", coerce=int_or_none)
    programme = SelectField(_l("Programma"), name="programma", coerce=str_or_none)
    target_group = SelectField(_l("Doelgroep"), name="doelgroep", coerce=str_or_none)
    year = IntegerField(_l("Jaar van publicatie"), name="jaar",
                        validators=[Optional(), NumberRange(EARLIEST_YEAR, LATEST_YEAR)])
    reused = BooleanField(_l("Alleen lessen die elders zijn hergebruikt"), name="hergebruikt",
                          false_values=("", "0", "false", "nee"))
    proven = BooleanField(_l("Alleen lessen die elders bewezen zijn"), name="bewezen",
                          false_values=("", "0", "false", "nee"))
    order = SelectField(_l("Sorteren op"), name="volgorde", coerce=str_or_none)

    def __init__(self, formdata, **kwargs):
        super().__init__(formdata=formdata, **kwargs)
        for name, choices in _filter_choices().items():
            self[name].choices = list(choices)
        self.order.choices = [
            SelectChoice("", _l("Best passend, anders nieuwste")),
            SelectChoice(Order.newest.value, _l("Nieuwste eerst")),
            SelectChoice(Order.reuse.value, _l("Vaakst hergebruikt")),
            SelectChoice(Order.proven.value, _l("Vaakst elders bewezen")),
        ]
        self.invalid = self._drop_invalid()

    def _drop_invalid(self) -> list[str]:
        # A stale or hand-made link should still show a library, so a value we cannot use is
        # set aside (and named on the page) rather than refused.
        self.validate()
        invalid = []
        for field in self:
            if field.errors:
                invalid.append(field.name)
                field.data = None
                field.errors = []
        if isinstance(self.q.data, str):
            self.q.data = self.q.data[:MAX_QUERY_LENGTH] or None
        if not self.reused.data:
            self.reused.data = None
        if not self.proven.data:
            self.proven.data = None
        return invalid

    def params(self) -> dict[str, str]:
        """Return the valid selection as URL parameters, for links that keep it."""
        params = super().params()
        if self.reused.data:
            params[self.reused.name] = "1"
        if self.proven.data:
            params[self.proven.name] = "1"
        return params

    def selection(self) -> LibrarySelection:
        """Return the valid selection as a query selection."""
        return LibrarySelection(
            q=self.q.data,
            direction=self.direction.data,
            question=self.question.data,
            kind=LessonKind(self.kind.data) if self.kind.data else None,
            level=LessonLevel(self.level.data) if self.level.data else None,
            region_id=self.region.data,
            programme_slug=self.programme.data,
            target_group_key=self.target_group.data,
            year=self.year.data,
            reused=bool(self.reused.data),
            proven=bool(self.proven.data),
            order=Order(self.order.data) if self.order.data else None,
        )


#: the filters' choices kept per worker: one set per language and library version
CHOICE_SETS = 4


def _filter_choices() -> dict[str, list[SelectChoice]]:
    """The filters' choices, per field, kept under the library's version: a new programme
    changes it, reference data only with a release (see `proeftuin.models.library_version`).
    Reading them was five statements a search. They are the same for every search, so they
    are kept even where the searches' own cache is off."""
    kept = versioned_cache.entry("filter_choices", CHOICE_SETS, current_language())
    if kept.value is None:
        kept.keep({
            "direction": direction_filter_choices(),
            "question": question_filter_choices(),
            "kind": reference_choices("lesson_kinds", _l("Alle soorten")),
            "level": reference_choices("lesson_levels", _l("Alle niveaus")),
            "region": region_choices(_l("Alle regio's")),
            "programme": programme_choices(pilot_queries.programmes()),
            "target_group": target_group_filter_choices(),
        })
    return kept.value
