"""The period forms of the activity page and the monitor report, read from GET parameters.

A value that cannot be used gets a message beside its field and keeps what was typed; the
page then shows its default period and says so, rather than failing.
"""

from __future__ import annotations

from datetime import date

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField, IntegerField, StringField
from wtforms.validators import NumberRange, Optional, ValidationError

from proeftuin.dashboard.activity import MAX_MONTHS, MonthSpan
from proeftuin.dashboard.monitor import MAX_YEARS, Period
from proeftuin.dates import add_months, month_count
from proeftuin.forms import (
    EARLIEST_YEAR,
    LATEST_YEAR,
    check_month,
    check_year,
    clean_line,
    programme_choices,
    programme_filter_field,
)
from proeftuin.models import Programme

MONTH_EXAMPLE = _l("Schrijf de maand als jaar-maand, bijvoorbeeld 2026-01.")
DATE_EXAMPLE = _l("Vul een geldige datum in, bijvoorbeeld 2026-03-10.")


def parse_month(text: str | None) -> date | None:
    """Return the first day of the month written as `YYYY-MM`; None when empty.

    Raises ValidationError with a message for the writer when it is not such a month.
    """
    if not text:
        return None
    return check_month(text, MONTH_EXAMPLE)


class ActivityPeriodForm(FlaskForm):
    """Which programme and which months the activity page shows."""

    class Meta:
        csrf = False  # a GET form that changes nothing

    programme = programme_filter_field()
    first = StringField(
        _l("Van maand"), name="van", filters=[clean_line],
        description=_l("Jaar en maand, bijvoorbeeld 2026-01. Leeg: twaalf maanden vóór de "
                       "laatste maand."),
    )
    last = StringField(
        _l("Tot en met maand"), name="tot", filters=[clean_line],
        description=_l("Jaar en maand, bijvoorbeeld 2026-12. Leeg: deze maand."),
    )

    def __init__(self, formdata, programmes: list[Programme], today: date, **kwargs):
        super().__init__(formdata=formdata, **kwargs)
        self.today = today
        self.programme.choices = programme_choices(programmes)
        self._span: MonthSpan | None = None
        self.validate()

    def validate_first(self, field):
        """The first month is a month."""
        parse_month(field.data)

    def validate_last(self, field):
        """The last month is a month, not before the first, and the period is not too long."""
        last = parse_month(field.data) or self.today.replace(day=1)
        try:
            first = parse_month(self.first.data)
        except ValidationError:
            return  # the first month has its own message
        first = first or add_months(last, 1 - 12)
        if last < first:
            raise ValidationError(_l("De laatste maand ligt vóór de eerste."))
        if month_count(first, last) > MAX_MONTHS:
            raise ValidationError(_l("Kies een periode van hooguit %(max)d maanden.",
                                     max=MAX_MONTHS))
        self._span = MonthSpan(first, last)

    @property
    def chosen_programme(self) -> str | None:
        """Return the slug of the chosen programme, or None for all of them."""
        return None if self.programme.errors else self.programme.data

    @property
    def span(self) -> MonthSpan:
        """Return the chosen months, or the last twelve when they cannot be used."""
        if self._span is None or self.first.errors or self.last.errors:
            return MonthSpan.ending(self.today)
        return self._span

    @property
    def period_errors(self) -> bool:
        """Whether the chosen months could not be used."""
        return bool(self.first.errors or self.last.errors)

class MonitorPeriodForm(FlaskForm):
    """The period of the monitor report: a calendar year, or a first and last day."""

    class Meta:
        csrf = False  # a GET form that changes nothing

    year = IntegerField(
        _l("Jaar"), name="jaar",
        validators=[Optional(), NumberRange(
            EARLIEST_YEAR, LATEST_YEAR,
            message=_l("Kies een jaar tussen %(first)d en %(last)d.", first=EARLIEST_YEAR,
                       last=LATEST_YEAR))],
        invalid_value_message=_l("Vul een jaar in, bijvoorbeeld 2026."),
    )
    start = DateField(
        _l("Van"), name="van", validators=[Optional(), check_year],
        invalid_value_message=DATE_EXAMPLE, description=_l("Bijvoorbeeld 2026-01-01."),
    )
    end = DateField(
        _l("Tot en met"), name="tot", validators=[Optional(), check_year],
        invalid_value_message=DATE_EXAMPLE, description=_l("Bijvoorbeeld 2026-06-30."),
    )

    def __init__(self, formdata, today: date, **kwargs):
        super().__init__(formdata=formdata, **kwargs)
        self.today = today
        self._period: Period | None = None
        self.validate()
        if self._period is None and not self.period_errors:
            if self.year.data is None and not self.uses_dates:
                self.year.data = today.year  # the form shows the year it reports on
            if self.year.data is not None:
                self._period = Period.year(self.year.data)

    @property
    def uses_dates(self) -> bool:
        """Whether a first or last day was given: they take precedence over the year."""
        return bool(self.start.raw_data and self.start.raw_data[0]) or bool(
            self.end.raw_data and self.end.raw_data[0]
        )

    def validate(self, extra_validators=None) -> bool:
        """Check the fields, then that both days are given, in order, and not too far apart."""
        valid = super().validate(extra_validators)
        if not valid or not self.uses_dates:
            return valid
        start, end = self.start.data, self.end.data
        if start is None:
            self.start.errors.append(_l("Vul ook de eerste dag in."))
        elif end is None:
            self.end.errors.append(_l("Vul ook de laatste dag in."))
        elif end < start:
            self.end.errors.append(_l("De laatste dag ligt vóór de eerste."))
        elif Period(start, end).too_long:
            self.end.errors.append(
                _l("Kies een periode van hooguit %(max)d jaar.", max=MAX_YEARS)
            )
        else:
            self._period = Period(start, end)
            return True
        return False

    @property
    def period_errors(self) -> bool:
        """Whether the chosen period could not be used."""
        return bool(self.errors)

    @property
    def period(self) -> Period:
        """Return the chosen period, or the current year when it cannot be used."""
        if self._period is None or self.period_errors:
            return Period.year(self.today.year)
        return self._period

    def params(self) -> dict[str, str]:
        """Return the URL parameters of the period shown now, for the export links."""
        period = self.period
        if period.is_year:
            return {"jaar": str(period.start.year)}
        return {"van": period.start.isoformat(), "tot": period.end.isoformat()}
