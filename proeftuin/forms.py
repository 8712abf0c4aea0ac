"""Form pieces that every area uses: text clean-up, a length stop, checkbox groups, dates and
months, the reference data's choices, and the empty form of a POST-only button."""

from __future__ import annotations

import re
from datetime import date

from flask_babel import LazyString
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    FieldList,
    SelectChoice,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.fields.core import UnboundField
from wtforms.validators import DataRequired, Length, StopValidation, ValidationError
from wtforms.widgets import CheckboxInput, ListWidget

from proeftuin import reference, reference_queries

# Control characters have no place in form text, and PostgreSQL refuses NUL outright.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_LINE_BREAKS = re.compile(r"[\r\n\t]+")

#: planned dates outside these years are typing mistakes
EARLIEST_YEAR, LATEST_YEAR = 2000, 2100

#: generous, but keeps a pasted book out of the database
MAX_TEXT = 20_000

TOO_LONG = _l("Gebruik hoogstens %(max)d tekens.")
MARKDOWN_HINT = _l("U kunt Markdown gebruiken: **vet**, *schuin*, lijstjes met - en links.")
INVALID_DATE = _l("Vul een geldige datum in, bijvoorbeeld 2026-03-10.")


class ActionForm(FlaskForm):
    """No fields: carries the CSRF token of a POST-only button."""


def clean_text(value):
    """Strip a multi-line text and drop control characters other than line breaks."""
    if not isinstance(value, str):
        return value
    return _CONTROL.sub("", value.replace("\r\n", "\n").replace("\r", "\n")).strip()


def clean_line(value):
    """Strip a one-line text, turn line breaks into spaces, drop control characters."""
    if not isinstance(value, str):
        return value
    return _CONTROL.sub("", _LINE_BREAKS.sub(" ", value)).strip()


def int_or_none(value):
    """Coerce a select's value to an int; the empty placeholder becomes None."""
    if value is None or value == "":
        return None
    return int(value)


def str_or_none(value):
    """Coerce a select's value to a string; the empty placeholder becomes None."""
    return value or None


def line_field(label, max: int, required=None, **kwargs) -> StringField:
    """A one-line text of at most `max` characters; `required` is the message when it is blank."""
    validators = [Length(max=max, message=TOO_LONG)]
    if required is not None:
        validators.insert(0, DataRequired(required))
    return StringField(label, validators=validators, filters=[clean_line], **kwargs)


def with_markdown_hint(description=None):
    """A Markdown field's description: its own hint, then how to write Markdown.

    Joined each time it is shown, so both halves are in the reader's language; joined once,
    at start-up, it would be Dutch for every reader.
    """
    if not description:
        return MARKDOWN_HINT
    return LazyString(lambda: f"{description} {MARKDOWN_HINT}")


def markdown_area(label, description=None) -> TextAreaField:
    """An optional Markdown text of at most MAX_TEXT characters, its hint after the description."""
    return TextAreaField(label, description=with_markdown_hint(description),
                         validators=[Length(max=MAX_TEXT)], filters=[clean_text])


class StopIfLonger:
    """Stop validating text longer than `max`: one clear message, and nothing slow runs on it.

    Unlike Length it sets no maxlength attribute, so a browser never silently cuts a pasted
    password to another one than the user thinks.
    """

    def __init__(self, max: int, message):
        self.max = max
        self.message = message

    def __call__(self, form, field):
        if isinstance(field.data, str) and len(field.data) > self.max:
            raise StopValidation(self.message)


class RowList(FieldList):
    """A FieldList that ignores row numbers other than plain ASCII digits.

    WTForms takes any name whose number passes str.isdigit(), which "²" or "٣" do, and then
    fails on int(): a crafted field name would be a server error instead of a form.
    """

    def _extract_indices(self, prefix, formdata):
        offset = len(prefix) + 1
        for key in formdata:
            if key.startswith(prefix):
                index = key[offset:].split(self._field_separator, 1)[0]
                if index.isascii() and index.isdigit():
                    yield int(index)


class MultiCheckboxField(SelectMultipleField):
    """A set of checkboxes; the forms macro renders it as a fieldset with a legend."""

    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


def int_checkboxes(label, invalid_message, **kwargs) -> MultiCheckboxField:
    """Checkboxes of ids or numbers; a value that is not one on offer gets `invalid_message`."""
    return MultiCheckboxField(label, coerce=int, invalid_value_message=invalid_message,
                              invalid_choice_message=invalid_message, **kwargs)


def int_select(label, invalid_message, **kwargs) -> SelectField:
    """A select of ids or numbers, its placeholder None; a value not on offer gets the message."""
    return SelectField(label, coerce=int_or_none, invalid_value_message=invalid_message,
                       invalid_choice_message=invalid_message, **kwargs)


class AtLeastOne:
    """Require at least one ticked box.

    Unlike DataRequired it sets no `required` flag: that would put `required` on every
    single checkbox of the group.
    """

    def __init__(self, message):
        self.message = message

    def __call__(self, form, field):
        if not field.data:
            raise StopValidation(self.message)


class RequiredDate:
    """Require a date, saying once what is wrong: missing, or not a date at all."""

    field_flags = {"required": True}

    def __init__(self, message):
        self.message = message

    def __call__(self, form, field):
        if not any(isinstance(v, str) and v.strip() for v in field.raw_data or ()):
            field.errors[:] = []  # "not a valid date" says nothing useful about a blank field
            raise StopValidation(self.message)
        if field.process_errors:
            raise StopValidation()  # the field already says the value is not a date


def date_kwargs(invalid_message=INVALID_DATE) -> dict:
    """Return a DateField's message for text that is no date, and its plausible years."""
    return {
        "invalid_value_message": invalid_message,
        "render_kw": {"min": f"{EARLIEST_YEAR}-01-01", "max": f"{LATEST_YEAR}-12-31"},
    }


_MONTH = re.compile(r"(\d{4})-(\d{1,2})")


def parse_month(text: str | None) -> date | None:
    """Return the first day of the month written as `YYYY-MM`, or None if it is not one.

    A month outside the years from EARLIEST_YEAR to LATEST_YEAR is not one either: such a
    year is a typing mistake, and year 0 is not even a date.
    """
    match = _MONTH.fullmatch((text or "").strip())
    if not match:
        return None
    year, month = int(match[1]), int(match[2])
    if not (EARLIEST_YEAR <= year <= LATEST_YEAR and 1 <= month <= 12):
        return None
    return date(year, month, 1)


def check_month(text: str | None, message) -> date:
    """Return the month `parse_month` reads in the text, or raise ValidationError.

    `message` is the form's own example of the format; a real month in an implausible
    year gets the range of years instead.
    """
    month = parse_month(text)
    if month is not None:
        return month
    match = _MONTH.fullmatch((text or "").strip())
    if match and 1 <= int(match[2]) <= 12:
        raise ValidationError(_l("Kies een maand tussen %(first)d en %(last)d.",
                                 first=EARLIEST_YEAR, last=LATEST_YEAR))
    raise ValidationError(message)


def month_text(day: date) -> str:
    """Write the month of a day as month fields and `maand` parameters take it: YYYY-MM."""
    return f"{day.year:04d}-{day.month:02d}"


def check_year(form, field):
    """Refuse a date outside the years a pilot can plausibly plan for."""
    if field.data and not EARLIEST_YEAR <= field.data.year <= LATEST_YEAR:
        raise ValidationError(
            _l("Kies een datum tussen %(first)d en %(last)d.", first=EARLIEST_YEAR,
               last=LATEST_YEAR)
        )


class FilterForm(FlaskForm):
    """Filters of a list, read from plain GET parameters; a field left as None is not used."""

    @classmethod
    def parameters(cls) -> frozenset[str]:
        """The URL parameters the form reads (and `pagina`, the list's page)."""
        names = {"pagina"}
        for klass in cls.__mro__:
            for attribute, value in vars(klass).items():
                if isinstance(value, UnboundField):
                    names.add(value.name or attribute)
        return frozenset(names)

    def params(self) -> dict[str, str]:
        """Return the valid filters as URL parameters, for links that keep the selection."""
        return {field.name: str(field.data) for field in self if field.data is not None}

    def active(self) -> list[dict]:
        """Describe each active filter, with the parameters that remain without it."""
        params = self.params()
        chosen = []
        for field in self:
            if field.data is None:
                continue
            if isinstance(field, SelectField):
                value = next(
                    (str(c.label) for c in field.iter_choices() if c.selected), str(field.data)
                )
            elif isinstance(field.data, date):
                value = field.data.isoformat()
            elif field.data is True:
                value = str(_l("ja"))
            else:
                value = f"‘{field.data}’"
            remaining = {k: v for k, v in params.items() if k != field.name}
            chosen.append({"label": field.label.text, "value": value, "remaining": remaining})
        return chosen


def programme_filter_field() -> SelectField:
    """A filter on one of the user's programmes, by slug (`programma`); see programme_choices."""
    return SelectField(_l("Programma"), name="programma", coerce=str_or_none,
                       invalid_choice_message=_l("Kies een programma uit de lijst."))


def programme_choices(programmes) -> list[SelectChoice]:
    """The programmes given, by slug, after a first choice for all of them."""
    return [SelectChoice("", _l("Alle programma's"))] + [
        SelectChoice(p.slug, p.name) for p in programmes
    ]


# Choices from the reference data -----------------------------------------------------------


def reference_choices(group: str, placeholder=None) -> list[SelectChoice]:
    """The keys of a keyed reference group, such as "lesson_kinds", after the placeholder if any."""
    first = [SelectChoice("", placeholder)] if placeholder is not None else []
    return first + [SelectChoice(key, label) for key, label in reference.choices(group)]


def discipline_choices() -> list[SelectChoice]:
    """Every discipline by id, the essential ones marked as such."""
    essential = _("essentieel")
    return [
        SelectChoice(d.id, f"{d.name} ({essential})" if d.essential else d.name)
        for d in reference_queries.disciplines()
    ]


def question_choices() -> list[SelectChoice]:
    """Every carer question by number."""
    return [
        SelectChoice(q.number, f"{q.number}. {q.name}") for q in reference_queries.carer_questions()
    ]


def direction_choices() -> list[SelectChoice]:
    """Every solution direction by number."""
    return [
        SelectChoice(d.number, f"{d.number}. {d.name}")
        for d in reference_queries.solution_directions()
    ]


def target_group_choices() -> list[SelectChoice]:
    """Every target group by id."""
    return [SelectChoice(t.id, t.name) for t in reference_queries.target_groups()]


def direction_filter_choices() -> list[SelectChoice]:
    """Every solution direction, after a first choice for all of them."""
    return [SelectChoice("", _l("Alle richtingen")), *direction_choices()]


def question_filter_choices() -> list[SelectChoice]:
    """Every carer question, after a first choice for all of them."""
    return [SelectChoice("", _l("Alle vraagstukken")), *question_choices()]


def target_group_filter_choices() -> list[SelectChoice]:
    """Every target group by key, after a first choice for all of them."""
    return [SelectChoice("", _l("Alle doelgroepen"))] + [
        SelectChoice(t.key, t.name) for t in reference_queries.target_groups()
    ]
