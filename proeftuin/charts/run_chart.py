"""Run charts: a measure's monthly values, their median, the goal and the experiments.

`build` turns what a pilot logged into one `RunChart` (the rows of its table and the lines
of its picture), so the table and the chart always show the same numbers; `render` draws it.
The module works on plain values, not on models, so any page can feed it.
"""

from __future__ import annotations

import statistics
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date

from flask_babel import format_date, format_decimal, ngettext
from flask_babel import gettext as _
from markupsafe import Markup

from proeftuin.charts import BASE_CONFIG, config, image, load_pygal
from proeftuin.dates import month_of, months_between

#: x-axis labels drawn at most; with more months only every so many gets one
MAX_X_LABELS = 12
#: a legend line: its height in pixels, and the characters of a name that fit on it (the
#: whole name is in the table beside the chart)
LEGEND_LINE_HEIGHT = 22
LEGEND_CHARACTERS = 85
#: how far above the previous one, as a share of the chart's height, a second experiment
#: start in the same month is drawn
MARKER_STEP = 0.06


def median(values: Iterable[float]) -> float | None:
    """Return the median of the values (the mean of the middle two for an even count)."""
    values = list(values)
    return statistics.median(values) if values else None


def format_value(value: float | None) -> str:
    """Write a value the way the interface language does, with at most two decimals."""
    if value is None:
        return ""
    return format_decimal(value, format="#,##0.##")


@dataclass(frozen=True)
class Marker:
    """An experiment as the chart marks it."""

    title: str
    started_on: date
    ended_on: date | None = None


@dataclass
class MonthRow:
    """One month of the table: its value (None if not logged) and its experiments."""

    month: date
    value: float | None
    note: str = ""
    started: list[str] = field(default_factory=list)
    ended: list[str] = field(default_factory=list)


@dataclass
class RunChart:
    """Everything a run chart and its table show."""

    name: str
    unit: str
    goal: float | None
    rows: list[MonthRow]
    median: float | None
    markers: list[Marker]

    @property
    def values(self) -> list[float]:
        """Return the logged values, oldest first."""
        return [row.value for row in self.rows if row.value is not None]

    @property
    def latest(self) -> MonthRow | None:
        """Return the most recent month with a value."""
        return next((row for row in reversed(self.rows) if row.value is not None), None)

    @property
    def is_empty(self) -> bool:
        """Whether there is nothing to draw: no value logged yet."""
        return not self.values


def build(name: str, unit: str, goal: float | None, values: Mapping[date, float],
          markers: Iterable[Marker] = (), *, notes: Mapping[date, str] | None = None,
          until: date | None = None) -> RunChart:
    """Lay the logged values and the experiments out month by month.

    The months run from the first value or experiment to the last one, never past the month
    of `until`; a month without a value stays a gap.
    """
    notes = notes or {}
    markers = sorted(markers, key=lambda m: (m.started_on, m.title))
    moments = [month_of(m) for m in values]
    moments += [month_of(m.started_on) for m in markers]
    moments += [month_of(m.ended_on) for m in markers if m.ended_on]
    last_month = month_of(until) if until else None
    if last_month:
        moments = [m for m in moments if m <= last_month]
    rows = []
    if moments:
        for month in months_between(min(moments), max(moments)):
            rows.append(MonthRow(
                month=month,
                value=values.get(month),
                note=notes.get(month, ""),
                started=[m.title for m in markers if month_of(m.started_on) == month],
                ended=[m.title for m in markers
                       if m.ended_on is not None and month_of(m.ended_on) == month],
            ))
    if rows:
        markers = [m for m in markers if month_of(m.started_on) <= rows[-1].month]
    logged = [row.value for row in rows if row.value is not None]
    return RunChart(name=name, unit=unit, goal=goal, rows=rows, median=median(logged),
                    markers=markers)


def _with_unit(value: float, unit: str) -> str:
    text = format_value(value)
    return f"{text} {unit}" if unit else text


def describe(chart: RunChart) -> str:
    """Say in words what the chart shows, for its text alternative."""
    first, last = chart.rows[0].month, chart.rows[-1].month
    text = ngettext(
        "Run chart van ‘%(name)s’ van %(first)s tot en met %(last)s: %(num)d maandwaarde, mediaan %(median)s.",
        "Run chart van ‘%(name)s’ van %(first)s tot en met %(last)s: %(num)d maandwaarden, mediaan %(median)s.",
        len(chart.values), name=chart.name, first=format_date(first, "MMMM yyyy"),
        last=format_date(last, "MMMM yyyy"), median=_with_unit(chart.median, chart.unit))
    if chart.goal is not None:
        text += " " + _("Doel: %(goal)s.", goal=_with_unit(chart.goal, chart.unit))
    if chart.markers:
        text += " " + ngettext("Gemarkeerd: de start van %(num)d experiment.",
                               "Gemarkeerd: de start van %(num)d experimenten.",
                               len(chart.markers))
    return text + " " + _("De getallen staan in de tabel bij de grafiek.")


def render(chart: RunChart) -> Markup:
    """Draw the run chart as an image: values with dots, median, goal, experiment starts."""
    months = [row.month for row in chart.rows]
    lines = [value for value in (*chart.values, chart.median, chart.goal) if value is not None]
    low, high = min(0.0, *lines), max(lines)
    high = high + max((high - low) * 0.1, 1.0)
    entries = 2 + (chart.goal is not None) + len(chart.markers)
    settings = config(
        allow_interruptions=True,
        range=(low, high),
        x_labels=[format_date(month, "MMM yyyy") for month in months],
        x_label_rotation=30,
        show_legend=True,
        # A measure's or an experiment's name is often longer than a third of the width:
        # one legend entry per line, the chart taller by a line for each, so none overlaps.
        legend_at_bottom_columns=1,
        truncate_legend=LEGEND_CHARACTERS,
        height=BASE_CONFIG["height"] + LEGEND_LINE_HEIGHT * entries,
        dots_size=4,
        value_formatter=format_value,
    )
    if len(months) > MAX_X_LABELS:
        settings.update(x_labels_major_every=-(-len(months) // MAX_X_LABELS),
                        show_minor_x_labels=False)
    line = load_pygal().Line(**settings)
    label = f"{chart.name} ({chart.unit})" if chart.unit else chart.name
    line.add(label, [row.value for row in chart.rows])
    line.add(_("Mediaan: %(value)s", value=_with_unit(chart.median, chart.unit)),
             [chart.median] * len(months), show_dots=False,
             stroke_style={"width": 2, "dasharray": "8, 5"})
    if chart.goal is not None:
        line.add(_("Doel: %(value)s", value=_with_unit(chart.goal, chart.unit)),
                 [chart.goal] * len(months), show_dots=False,
                 stroke_style={"width": 2, "dasharray": "2, 4"})
    stacked: dict[date, int] = {}
    for marker in chart.markers:
        start = month_of(marker.started_on)
        # The start of an experiment sits on the time axis, at the bottom of the chart; a
        # second start in the same month sits above the first instead of hiding it.
        height = low + (high - low) * MARKER_STEP * stacked.get(start, 0)
        stacked[start] = stacked.get(start, 0) + 1
        line.add(_("Start experiment: %(title)s", title=marker.title),
                 [height if month == start else None for month in months],
                 stroke=False, dots_size=7)
    return image(line, describe(chart), css_class="chart run-chart__image")
