"""Pilot measures: defining them, recording a value per month, run charts, who may do what."""

from __future__ import annotations

import base64
import re
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from types import SimpleNamespace

import pytest
import sqlalchemy as sa
from flask_babel import LazyString, refresh
from wtforms.validators import ValidationError

from proeftuin import dates
from proeftuin.charts import run_chart
from proeftuin.charts.run_chart import Marker, build, median
from proeftuin.dashboard import measures_routes as dashboard_measures_routes
from proeftuin.dashboard import period_forms
from proeftuin.dashboard.measures_routes import PILOTS_PER_PAGE
from proeftuin.dates import add_months, local_today, month_of
from proeftuin.extensions import db
from proeftuin.forms import month_text, parse_month
from proeftuin.lessons import forms as lesson_forms
from proeftuin.measures import forms, services
from proeftuin.measures import routes as measure_routes
from proeftuin.models import (
    AuditEvent,
    Experiment,
    ImprovementDirection,
    Measure,
    MeasureValue,
    PilotStatus,
    RecordType,
)
from proeftuin.personal_data import export


def world(make, status: PilotStatus = PilotStatus.active) -> SimpleNamespace:
    """A pilot with someone in every role around it, and a second pilot in another programme."""
    programme = make.programme(name="Programma Thuis")
    other_programme = make.programme(name="Programma Elders")
    pilot = make.pilot(programme=programme, status=status, name="Proeftuin Denkstad")
    other_pilot = make.pilot(programme=other_programme, name="Proeftuin Elders")
    return SimpleNamespace(
        programme=programme, other_programme=other_programme,
        pilot=pilot, slug=pilot.slug, other_pilot=other_pilot,
        facilitator=make.facilitator(programme, name="Begeleider Bram"),
        other_facilitator=make.facilitator(other_programme, name="Begeleider Elders"),
        admin=make.admin(name="Beheerder Bea"),
        outsider=make.member(other_pilot, name="Buitenstaander Olga"),
        coordinator=make.coordinator(pilot, name="Coördinator Cor"),
        member=make.member(pilot, name="Deelnemer Dina"),
        anonymous=None,
    )


def add_measure(pilot, name="Mantelzorgers met een steunplan", unit="%", goal=60.0,
                values=None, position=0, direction=ImprovementDirection.higher) -> Measure:
    """A measure with values given as {first day of month: value}."""
    measure = Measure(pilot=pilot, name=name, unit=unit, goal=goal, direction=direction,
                      position=position)
    db.session.add(measure)
    for month, value in (values or {}).items():
        measure.values.append(MeasureValue(month=month, value=value))
    db.session.commit()
    return measure


def add_experiment(pilot, title="Mantelzorgcheck", started_on=date(2026, 3, 10), measures=(),
                   ended_on=None, **fields) -> Experiment:
    experiment = Experiment(pilot=pilot, title=title, plan="We proberen de check.",
                            started_on=started_on, ended_on=ended_on, **fields)
    experiment.measures = list(measures)
    db.session.add(experiment)
    db.session.commit()
    return experiment


def last_months(count: int) -> list[date]:
    """The first days of the `count` months up to and including last month, oldest first."""
    last = add_months(month_of(local_today()), -1)
    return [add_months(last, -i) for i in reversed(range(count))]


def html_of(response) -> str:
    return response.get_data(as_text=True)


def svg_of(html: str) -> str:
    """Decode the first run chart image on a page."""
    data = re.search(r'src="data:image/svg\+xml;base64,([^"]+)"', html).group(1)
    return base64.b64decode(data).decode("utf-8")


def events(record_type: str) -> list[AuditEvent]:
    return list(db.session.scalars(
        sa.select(AuditEvent).where(AuditEvent.record_type == record_type)
        .order_by(AuditEvent.id)))


# The run chart's numbers -----------------------------------------------------------------------


def test_median_takes_the_middle_value_of_an_odd_count():
    assert median([7, 1, 3]) == 3


def test_median_of_an_even_count_is_the_mean_of_the_middle_two():
    assert median([4, 1, 3, 2]) == 2.5
    assert median([10, 20]) == 15


def test_median_of_nothing_is_none():
    assert median([]) is None


def test_months_without_a_value_are_gaps_and_experiments_sit_in_their_months():
    values = {date(2026, 1, 1): 20.0, date(2026, 2, 1): 30.0, date(2026, 4, 1): 50.0}
    chart = build("Steunplannen", "%", 60.0, values,
                  [Marker("Check bij huisbezoek", date(2026, 3, 10), date(2026, 4, 20))],
                  until=date(2026, 6, 15))

    assert [row.month for row in chart.rows] == [date(2026, m, 1) for m in (1, 2, 3, 4)]
    assert [row.value for row in chart.rows] == [20.0, 30.0, None, 50.0]
    assert chart.rows[2].started == ["Check bij huisbezoek"]
    assert chart.rows[3].ended == ["Check bij huisbezoek"]
    assert chart.median == 30.0
    assert chart.latest.month == date(2026, 4, 1)


def test_the_chart_never_runs_past_the_current_month():
    chart = build("Steunplannen", "%", None, {date(2026, 1, 1): 20.0},
                  [Marker("Later", date(2026, 9, 1))], until=date(2026, 2, 10))
    assert [row.month for row in chart.rows] == [date(2026, 1, 1)]
    assert chart.markers == []


def test_the_run_chart_draws_values_median_goal_and_experiment_starts(app):
    values = {date(2026, 1, 1): 20.0, date(2026, 2, 1): 30.0, date(2026, 3, 1): 45.5}
    chart = build("Steunplannen", "%", 60.0, values,
                  [Marker("Check bij huisbezoek", date(2026, 2, 10))], until=date(2026, 4, 1))
    with app.test_request_context():
        html = str(run_chart.render(chart))
    svg = svg_of(html)
    assert "Steunplannen (%)" in svg
    assert "Mediaan: 30 %" in svg
    assert "Doel: 60 %" in svg
    assert "Start experiment: Check bij huisbezoek" in svg
    alt = re.search(r'alt="([^"]+)"', html).group(1)
    assert "3 maandwaarden" in alt and "mediaan 30 %" in alt and "Doel: 60 %" in alt


def test_long_legend_entries_each_get_a_line_and_same_month_starts_do_not_hide(app):
    values = {date(2026, month, 1): 20.0 + month for month in range(1, 10)}
    chart = build("Mantelzorgers met een ondersteuningsplan binnen vier weken", "%", 60.0, values,
                  [Marker("Mantelzorgcheck bij elk eerste huisbezoek", date(2026, 3, 2)),
                   Marker("Belronde door de wijkverpleging", date(2026, 3, 20))],
                  until=date(2026, 10, 1))
    with app.test_request_context():
        svg = svg_of(str(run_chart.render(chart)))

    legends = svg.split('class="legends"', 1)[1]
    entries = re.findall(r'<text x="([0-9.]+)" y="([0-9.]+)">([^<]+)</text>', legends)
    assert len(entries) == 5
    assert len({y for _, y, _ in entries}) == 5, "two legend entries share a line"
    width = float(re.search(r'<svg[^>]* width="([0-9.]+)"', svg).group(1))
    for x, _, text in entries:
        # Arial averages about 0.55 em a character; 14 px is the legend's font size.
        assert float(x) + len(text) * 0.55 * 14 < width, f"{text!r} runs off the chart"
    # The two experiment starts of March are two dots at different heights.
    starts = [re.findall(rf'<g class="series serie-{n} color-{n}"><g class="dots"><circle[^>]*'
                         r' cy="([0-9.]+)"', svg) for n in (3, 4)]
    assert [len(dots) for dots in starts] == [1, 1]
    assert starts[0] != starts[1]


# Defining measures and recording values ---------------------------------------------------------


def test_member_defines_a_measure_with_a_decimal_comma_goal(client, make, login):
    w = world(make)
    login(w.member)
    response = client.post(f"/werkplaats/{w.slug}/metingen/nieuw", data={
        "name": "Dagen tot contact", "unit": "dagen", "goal": "4,5", "direction": "lower",
        "description": "Werkdagen tussen signaal en eerste contact.",
    })
    assert response.status_code == 302
    measure = db.session.scalar(sa.select(Measure).where(Measure.pilot_id == w.pilot.id))
    assert (measure.name, measure.unit, measure.goal, measure.direction) == (
        "Dagen tot contact", "dagen", 4.5, ImprovementDirection.lower)
    assert response.headers["Location"].endswith(f"/metingen/{measure.id}/waarde")
    assert [e.action.value for e in events(RecordType.measure)] == ["created"]


def test_a_measure_needs_a_name_and_a_goal_that_is_a_number(client, make, login):
    w = world(make)
    login(w.member)
    response = client.post(f"/werkplaats/{w.slug}/metingen/nieuw", data={
        "name": "", "unit": "%", "goal": "zestig", "direction": "higher"})
    html = html_of(response)
    assert response.status_code == 200
    assert "Geef de meting een naam." in html
    assert "Vul een getal in, bijvoorbeeld 42 of 42,5." in html
    assert 'value="zestig"' in html  # what was typed stays
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Measure)) == 0


def test_member_records_a_month_and_a_second_entry_corrects_it(client, make, login):
    w = world(make)
    measure = add_measure(w.pilot)
    login(w.member)
    url = f"/werkplaats/{w.slug}/metingen/{measure.id}/waarde"
    month = last_months(1)[0]
    typed = f"{month.year}-{month.month:02d}"

    first = client.post(url, data={"month": typed, "value": "40", "note": ""},
                        follow_redirects=True)
    assert "is vastgelegd: 40" in html_of(first)
    second = client.post(url, data={"month": typed, "value": "42,5", "note": "Herteld"},
                         follow_redirects=True)
    assert "was al een waarde vastgelegd. Die is vervangen: 40 werd 42,5." in html_of(second)

    rows = list(db.session.scalars(sa.select(MeasureValue)))
    assert [(r.month, r.value, r.note, r.entered_by_id) for r in rows] == [
        (month, 42.5, "Herteld", w.member.id)]
    assert [e.action.value for e in events(RecordType.measure_value)] == ["created", "changed"]


def test_a_month_that_has_not_begun_is_refused_and_the_input_kept(client, make, login):
    w = world(make)
    measure = add_measure(w.pilot)
    login(w.member)
    # The app's month is Amsterdam's, which begins an hour or two before UTC's.
    future = add_months(month_of(local_today()), 1)
    typed = f"{future.year}-{future.month:02d}"
    response = client.post(f"/werkplaats/{w.slug}/metingen/{measure.id}/waarde",
                           data={"month": typed, "value": "12"})
    html = html_of(response)
    assert response.status_code == 200
    assert "Deze maand is nog niet begonnen." in html
    assert f'value="{typed}"' in html and 'value="12"' in html
    assert db.session.scalar(sa.select(sa.func.count()).select_from(MeasureValue)) == 0


def test_the_current_month_may_be_recorded(client, make, login):
    w = world(make)
    measure = add_measure(w.pilot)
    login(w.member)
    today = local_today()
    response = client.post(f"/werkplaats/{w.slug}/metingen/{measure.id}/waarde",
                           data={"month": f"{today.year}-{today.month:02d}", "value": "3"})
    assert response.status_code == 302
    assert db.session.scalar(sa.select(MeasureValue.month)) == month_of(today)


@pytest.mark.parametrize(("month", "value", "message"), [
    ("2026-13", "12", "Vul de maand in als jaar en maand, bijvoorbeeld 2026-03."),
    ("maart", "12", "Vul de maand in als jaar en maand, bijvoorbeeld 2026-03."),
    ("1999-05", "12", "Kies een maand tussen 2000 en 2100."),
    ("", "12", "Vul de maand in, bijvoorbeeld 2026-03."),
    ("2026-01", "", "Vul een getal in."),
    ("2026-01", "veel", "Vul een getal in, bijvoorbeeld 42 of 42,5."),
    ("2026-01", "nan", "Vul een getal in, bijvoorbeeld 42 of 42,5."),
    ("2026-01", "1e12", "Vul een getal in, bijvoorbeeld 42 of 42,5."),
    ("2026-01", "9999999999", "Dit getal is te groot."),
])
def test_bad_months_and_values_get_a_clear_message(client, make, login, month, value, message):
    w = world(make)
    measure = add_measure(w.pilot)
    login(w.member)
    response = client.post(f"/werkplaats/{w.slug}/metingen/{measure.id}/waarde",
                           data={"month": month, "value": value})
    assert response.status_code == 200
    assert message in html_of(response)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(MeasureValue)) == 0


def test_the_record_page_fills_in_the_month_asked_for(client, make, login):
    w = world(make)
    month = last_months(2)[0]
    measure = add_measure(w.pilot, values={month: 33.0})
    login(w.member)
    html = html_of(client.get(
        f"/werkplaats/{w.slug}/metingen/{measure.id}/waarde?maand={month:%Y-%m}"))
    assert f'value="{month:%Y-%m}"' in html and 'value="33"' in html


def test_member_edits_a_measure(client, make, login):
    w = world(make)
    measure = add_measure(w.pilot)
    login(w.member)
    page = html_of(client.get(f"/werkplaats/{w.slug}/metingen/{measure.id}/bewerken"))
    assert 'value="60"' in page
    response = client.post(f"/werkplaats/{w.slug}/metingen/{measure.id}/bewerken", data={
        "name": "Steunplannen", "unit": "%", "goal": "", "direction": "higher"})
    assert response.status_code == 302
    db.session.expire_all()
    assert (measure.name, measure.goal) == ("Steunplannen", None)
    assert [e.action.value for e in events(RecordType.measure)] == ["changed"]


def test_deleting_a_measure_asks_first_then_removes_its_values(client, make, login):
    w = world(make)
    measure = add_measure(w.pilot, values={date(2026, 1, 1): 10.0, date(2026, 2, 1): 12.0})
    experiment = add_experiment(w.pilot, measures=[measure])
    login(w.member)
    url = f"/werkplaats/{w.slug}/metingen/{measure.id}/verwijderen"
    assert "2 vastgelegde waarden" in html_of(client.get(url))
    assert db.session.get(Measure, measure.id) is not None

    assert client.post(url).status_code == 302
    db.session.expire_all()
    assert db.session.scalar(sa.select(sa.func.count()).select_from(MeasureValue)) == 0
    assert db.session.get(Measure, measure.id) is None
    assert db.session.get(Experiment, experiment.id).measures == []
    assert [e.action.value for e in events(RecordType.measure)] == ["deleted"]


def test_a_measure_of_another_pilot_is_not_found(client, make, login):
    w = world(make)
    elsewhere = add_measure(w.other_pilot)
    login(w.member)
    assert client.get(f"/werkplaats/{w.slug}/metingen/{elsewhere.id}/waarde").status_code == 404
    assert client.get(f"/werkplaats/{w.slug}/metingen/{elsewhere.id}/bewerken").status_code == 404
    assert client.get(f"/werkplaats/{w.slug}/metingen/{2**40}/waarde").status_code == 404


# Who may do what -------------------------------------------------------------------------------

READ_RESULTS = {"anonymous": 302, "outsider": 403, "member": 200, "coordinator": 200,
                "other_facilitator": 403, "facilitator": 200, "admin": 200}
WRITE_RESULTS = {**READ_RESULTS, "facilitator": 403, "admin": 403}


@pytest.mark.parametrize("who", list(READ_RESULTS))
def test_who_may_read_the_measures(client, make, login, who):
    w = world(make)
    add_measure(w.pilot, values={last_months(1)[0]: 40.0})
    if getattr(w, who) is not None:
        login(getattr(w, who))
    response = client.get(f"/werkplaats/{w.slug}/metingen")
    assert response.status_code == READ_RESULTS[who]
    if response.status_code == 302:
        assert "/login" in response.headers["Location"]


@pytest.mark.parametrize("who", list(WRITE_RESULTS))
def test_only_members_record_values(client, make, login, who):
    w = world(make)
    measure = add_measure(w.pilot)
    if getattr(w, who) is not None:
        login(getattr(w, who))
    month = last_months(1)[0]
    response = client.post(f"/werkplaats/{w.slug}/metingen/{measure.id}/waarde",
                           data={"month": f"{month:%Y-%m}", "value": "5"})
    member = who in ("member", "coordinator")
    # Members are sent back to the form with a message; the rest get the GET answer.
    assert response.status_code == (302 if member else WRITE_RESULTS[who])
    saved = db.session.scalar(sa.select(sa.func.count()).select_from(MeasureValue))
    assert saved == (1 if member else 0)


@pytest.mark.parametrize("who", list(WRITE_RESULTS))
def test_only_members_define_measures(client, make, login, who):
    w = world(make)
    if getattr(w, who) is not None:
        login(getattr(w, who))
    assert client.get(f"/werkplaats/{w.slug}/metingen/nieuw").status_code == WRITE_RESULTS[who]


def test_a_stopped_pilot_keeps_its_measures_read_only(client, make, login):
    w = world(make, status=PilotStatus.stopped)
    measure = add_measure(w.pilot, values={last_months(1)[0]: 40.0})
    login(w.member)
    html = html_of(client.get(f"/werkplaats/{w.slug}/metingen"))
    assert "Mantelzorgers met een steunplan" in html
    assert "Waarde vastleggen" not in html and "Nieuwe meting" not in html
    assert client.get(f"/werkplaats/{w.slug}/metingen/{measure.id}/waarde").status_code == 403


def test_the_service_refuses_a_value_from_someone_outside_the_pilot(make):
    w = world(make)
    measure = add_measure(w.pilot)
    with pytest.raises(services.NotAllowed):
        services.record_value(measure, last_months(1)[0], 3.0, "", by=w.facilitator)


# The workspace page ----------------------------------------------------------------------------


def test_the_measures_page_shows_each_run_chart_with_its_table(client, make, login):
    w = world(make)
    months = last_months(4)
    measure = add_measure(w.pilot, values={months[0]: 20.0, months[1]: 30.0, months[3]: 50.0})
    add_experiment(w.pilot, title="Check bij huisbezoek", started_on=months[2] + timedelta(days=3),
                   measures=[measure])
    add_experiment(w.pilot, title="Niet bij deze meting", started_on=months[1])
    login(w.facilitator)
    html = html_of(client.get(f"/werkplaats/{w.slug}/metingen"))
    assert "Waarden van ‘Mantelzorgers met een steunplan’ per maand" in html
    assert "geen waarde" in html  # the gap month is in the table too
    assert "Check bij huisbezoek" in html
    svg = svg_of(html)
    assert "Start experiment: Check bij huisbezoek" in svg
    assert "Niet bij deze meting" not in svg
    assert "Mediaan: 30 %" in svg and "Doel: 60 %" in svg


def _fill_measures(pilot, count: int) -> None:
    months = last_months(6)
    for n in range(count):
        measure = add_measure(pilot, name=f"Meting {pilot.id}-{n}", position=n,
                              values={m: float(i + n) for i, m in enumerate(months)})
        add_experiment(pilot, title=f"Experiment {pilot.id}-{n}", started_on=months[2],
                       measures=[measure])


def test_the_measures_page_costs_the_same_queries_for_more_data(client, make, login,
                                                                count_queries):
    w = world(make)
    login(w.member)
    url = f"/werkplaats/{w.slug}/metingen"
    _fill_measures(w.pilot, 1)
    db.session.expire_all()
    with count_queries() as few:
        assert client.get(url).status_code == 200
    _fill_measures(w.pilot, 4)
    db.session.expire_all()
    with count_queries() as many:
        assert client.get(url).status_code == 200
    assert many() == few()


# The facilitators' page ------------------------------------------------------------------------


def test_facilitators_see_the_measures_of_their_own_programmes_only(client, make, login):
    w = world(make)
    months = last_months(3)
    add_measure(w.pilot, name="Steunplannen hier", values={m: 10.0 for m in months})
    add_measure(w.other_pilot, name="Steunplannen elders", values={months[0]: 5.0})
    add_experiment(w.pilot, title="Loopt nog", started_on=months[1])
    add_experiment(w.pilot, title="Al besloten", started_on=months[0],
                   act_decision=None, ended_on=months[1])
    login(w.facilitator)
    html = html_of(client.get("/begeleiding/metingen"))
    assert "Steunplannen hier" in html
    assert "Steunplannen elders" not in html and "Proeftuin Elders" not in html
    assert "Loopt nog" in html and "Al besloten" not in html
    assert "data:image/svg+xml" in html


def test_admins_filter_the_facilitators_page_by_programme(client, make, login):
    w = world(make)
    add_measure(w.pilot, name="Steunplannen hier", values={last_months(1)[0]: 10.0})
    add_measure(w.other_pilot, name="Steunplannen elders", values={last_months(1)[0]: 5.0})
    login(w.admin)
    both = html_of(client.get("/begeleiding/metingen"))
    assert "Steunplannen hier" in both and "Steunplannen elders" in both
    one = html_of(client.get(f"/begeleiding/metingen?programma={w.other_programme.slug}"))
    assert "Steunplannen elders" in one and "Steunplannen hier" not in one


def test_a_programme_the_facilitator_does_not_follow_is_not_a_filter(client, make, login):
    w = world(make)
    add_measure(w.pilot, name="Steunplannen hier", values={last_months(1)[0]: 10.0})
    add_measure(w.other_pilot, name="Steunplannen elders", values={last_months(1)[0]: 5.0})
    login(w.facilitator)
    response = client.get(f"/begeleiding/metingen?programma={w.other_programme.slug}")
    html = html_of(response)
    assert response.status_code == 200
    assert "Kies een programma uit de lijst." in html
    assert "Steunplannen hier" in html and "Steunplannen elders" not in html


@pytest.mark.parametrize(("who", "code"), [("anonymous", 302), ("member", 403),
                                           ("facilitator", 200), ("admin", 200)])
def test_the_facilitators_page_is_for_facilitators(client, make, login, who, code):
    w = world(make)
    if getattr(w, who) is not None:
        login(getattr(w, who))
    assert client.get("/begeleiding/metingen").status_code == code


def test_a_pilot_with_many_measures_gets_a_link_instead_of_charts(client, make, login):
    w = world(make)
    _fill_measures(w.pilot, 4)
    login(w.facilitator)
    html = html_of(client.get("/begeleiding/metingen"))
    assert "De run charts van de 4 metingen van Proeftuin Denkstad" in html
    assert "data:image/svg+xml" not in html
    assert "Meting" in html and html.count("Laatste waarde") == 1


def _fill_pilots(programme, make, count: int, measures: int) -> None:
    for n in range(count):
        _fill_measures(make.pilot(programme=programme, name=f"Extra {n:02d}"), measures)


def test_the_facilitators_page_costs_the_same_queries_for_more_data(client, make, login,
                                                                    count_queries):
    w = world(make)
    login(w.facilitator)
    _fill_pilots(w.programme, make, PILOTS_PER_PAGE + 1, measures=1)
    db.session.expire_all()
    with count_queries() as few:
        assert client.get("/begeleiding/metingen").status_code == 200
    _fill_pilots(w.programme, make, 2 * PILOTS_PER_PAGE, measures=2)
    _fill_measures(w.pilot, 2)
    db.session.expire_all()
    with count_queries() as many:
        assert client.get("/begeleiding/metingen").status_code == 200
    assert many() == few()


def test_the_facilitators_page_shows_the_pilots_a_page_at_a_time(client, make, login):
    w = world(make)
    _fill_pilots(w.programme, make, PILOTS_PER_PAGE, measures=1)  # 11 pilots with Denkstad
    login(w.admin)

    first = html_of(client.get(f"/begeleiding/metingen?programma={w.programme.slug}"))
    assert first.count("data:image/svg+xml") == PILOTS_PER_PAGE
    assert "Extra 00" in first and "Proeftuin Denkstad" not in first
    assert f"Proeftuin 1 tot en met {PILOTS_PER_PAGE} van {PILOTS_PER_PAGE + 1}." in first
    assert f"programma={w.programme.slug}" in first and "pagina=2" in first

    second = html_of(client.get(f"/begeleiding/metingen?programma={w.programme.slug}&pagina=2"))
    assert "Proeftuin Denkstad" in second and "Extra 00" not in second

    beyond = client.get(f"/begeleiding/metingen?programma={w.programme.slug}&pagina=9")
    assert beyond.status_code == 200
    assert "Deze pagina bestaat niet." in html_of(beyond)
    for bad in ("abc", "-3", "0", "99999999999999999999"):
        response = client.get(f"/begeleiding/metingen?pagina={bad}")
        assert response.status_code == 200


def test_a_programme_without_pilots_is_named_on_the_first_page_only(client, make, login):
    w = world(make)
    make.programme(name="Programma Leeg")
    _fill_pilots(w.programme, make, PILOTS_PER_PAGE, measures=0)
    login(w.admin)
    first = html_of(client.get("/begeleiding/metingen"))
    second = html_of(client.get("/begeleiding/metingen?pagina=2"))
    assert "Programma Leeg" in first
    assert "Dit programma heeft nog geen geselecteerde proeftuinen." in first
    assert "Dit programma heeft nog geen geselecteerde proeftuinen." not in second


# Numbers and months as people type them ----------------------------------------------------


@pytest.mark.parametrize(("locale", "text", "number"), [
    ("nl", "1234", 1234.0),
    ("nl", "1234,5", 1234.5),
    ("nl", "1.234", 1234.0),
    ("nl", "1.234,5", 1234.5),
    ("nl", "4,5", 4.5),
    ("nl", "4.5", 4.5),
    ("nl", "-0,25", -0.25),
    ("nl", " 12 345 ", 12345.0),
    ("en", "12345.5", 12345.5),
    ("en", "1,234", 1234.0),
    ("en", "4,5", 4.5),
])
def test_numbers_are_read_in_the_interface_language(app, locale, text, number):
    assert forms.parse_number(text, locale=locale) == number


@pytest.mark.parametrize(("locale", "text", "message"), [
    ("nl", "12345.678", "Is 12345.678 een getal met decimalen of met duizendtallen?"),
    ("en", "12345,678", "Is 12345,678 een getal met decimalen of met duizendtallen?"),
    ("nl", "NaN", "Vul een getal in"),
    ("nl", "inf", "Vul een getal in"),
    ("nl", "Infinity", "Vul een getal in"),
    ("nl", "1e5", "Vul een getal in"),
    ("nl", "1.2.3", "Vul een getal in"),
    ("nl", "4.5.", "Vul een getal in"),
    ("nl", "--4", "Vul een getal in"),
    ("nl", "", "Vul een getal in"),
    ("nl", "9999999999", "Dit getal is te groot."),
    ("nl", "9" * 400, "Dit getal is te groot."),
])
def test_numbers_that_are_not_clear_are_refused_with_a_reason(app, locale, text, message):
    with app.test_request_context():
        with pytest.raises(forms.NumberProblem) as refused:
            forms.parse_number(text, locale=locale)
        assert message in str(refused.value.message)


def test_a_goal_and_a_value_of_a_thousand_or_more_survive_saving_the_form_again(
        client, make, login):
    w = world(make)
    month = last_months(1)[0]
    measure = add_measure(w.pilot, goal=1234.5, values={month: 2500.0})
    login(w.member)
    edit_url = f"/werkplaats/{w.slug}/metingen/{measure.id}/bewerken"
    record_url = f"/werkplaats/{w.slug}/metingen/{measure.id}/waarde"

    goal = re.search(r'name="goal"[^>]*value="([^"]*)"', html_of(client.get(edit_url)))[1]
    assert goal == "1234,5"
    assert client.post(edit_url, data={"name": measure.name, "unit": "%", "goal": goal,
                                       "direction": "higher"}).status_code == 302
    page = html_of(client.get(f"{record_url}?maand={month:%Y-%m}"))
    value = re.search(r'name="value"[^>]*value="([^"]*)"', page)[1]
    assert value == "2500"
    assert client.post(record_url, data={"month": f"{month:%Y-%m}", "value": value}
                       ).status_code == 302

    db.session.expire_all()
    assert measure.goal == 1234.5
    assert db.session.scalar(sa.select(MeasureValue.value)) == 2500.0


def test_english_readers_type_and_see_numbers_with_a_decimal_point(client, make, login):
    w = world(make)
    measure = add_measure(w.pilot, goal=1234.5)
    login(w.member)
    client.post("/taal", data={"lang": "en"})
    refresh()
    url = f"/werkplaats/{w.slug}/metingen/{measure.id}/bewerken"
    assert 'value="1234.5"' in html_of(client.get(url))
    assert client.post(url, data={"name": measure.name, "unit": "%", "goal": "12,345.5",
                                  "direction": "higher"}).status_code == 302
    db.session.expire_all()
    assert measure.goal == 12345.5


def test_the_month_placeholder_is_translated():
    assert isinstance(forms.ValueForm.month.kwargs["render_kw"]["placeholder"], LazyString)


@pytest.mark.parametrize(("text", "month"), [
    ("2026-03", date(2026, 3, 1)),
    (" 2026-3 ", date(2026, 3, 1)),
    ("2100-12", date(2100, 12, 1)),
    ("0000-05", None),
    ("1999-12", None),
    ("2101-01", None),
    ("2026-13", None),
    ("2026-00", None),
    ("maart", None),
    ("", None),
    (None, None),
])
def test_one_helper_reads_months(text, month):
    assert parse_month(text) == month
    if month is not None:
        assert month_text(month) == text.strip().replace("-3", "-03")


@pytest.mark.parametrize("month", ["0000-05", "0001-01", "9999-12"])
def test_a_month_in_an_impossible_year_is_a_message_not_an_error(client, make, login, month):
    w = world(make)
    measure = add_measure(w.pilot)
    login(w.member)
    url = f"/werkplaats/{w.slug}/metingen/{measure.id}/waarde"
    current = month_of(local_today())
    shown = client.get(f"{url}?maand={month}")
    assert shown.status_code == 200
    assert f'value="{current:%Y-%m}"' in html_of(shown)
    posted = client.post(url, data={"month": month, "value": "12"})
    assert posted.status_code == 200
    assert "Kies een maand tussen 2000 en 2100." in html_of(posted)


def test_the_period_forms_read_months_with_the_same_helper(app):
    with app.test_request_context():
        assert period_forms.parse_month("2026-02") == date(2026, 2, 1)
        for text, message in (("0000-05", "Kies een maand tussen 2000 en 2100."),
                              ("2026-13", "Schrijf de maand als jaar-maand")):
            with pytest.raises(ValidationError) as refused:
                period_forms.parse_month(text)
            assert message in str(refused.value)


# Dutch time, and saving without a change ---------------------------------------------------


def test_today_is_the_dutch_day_whatever_the_server_clock_says(monkeypatch):
    class Clock(datetime):
        @classmethod
        def now(cls, tz=None):
            return datetime(2026, 12, 31, 23, 30, tzinfo=UTC).astimezone(tz)

    monkeypatch.setattr(dates, "datetime", Clock)
    assert dates.local_today() == date(2027, 1, 1)


def test_the_current_month_is_the_dutch_one(client, make, login, monkeypatch):
    w = world(make)
    measure = add_measure(w.pilot)
    login(w.member)
    monkeypatch.setattr(measure_routes, "local_today", lambda: date(2099, 7, 1))
    response = client.post(f"/werkplaats/{w.slug}/metingen/{measure.id}/waarde",
                           data={"month": "2099-07", "value": "3"})
    assert response.status_code == 302
    assert db.session.scalar(sa.select(MeasureValue.month)) == date(2099, 7, 1)


def test_the_facilitators_page_counts_in_dutch_time(client, make, login, monkeypatch):
    w = world(make)
    add_experiment(w.pilot, title="Begint morgen", started_on=date(2030, 1, 2))
    login(w.facilitator)
    monkeypatch.setattr(dashboard_measures_routes, "local_today", lambda: date(2030, 1, 3))
    assert "Begint morgen" in html_of(client.get("/begeleiding/metingen"))


def test_saving_a_measure_unchanged_writes_no_audit_row(client, make, login):
    w = world(make)
    measure = add_measure(w.pilot, goal=60.0)
    login(w.member)
    response = client.post(f"/werkplaats/{w.slug}/metingen/{measure.id}/bewerken", data={
        "name": measure.name, "unit": "%", "goal": "60", "direction": "higher"},
        follow_redirects=True)
    assert "Er was niets gewijzigd." in html_of(response)
    assert events(RecordType.measure) == []


def test_recording_the_same_value_again_writes_no_audit_row(client, make, login):
    w = world(make)
    measure = add_measure(w.pilot)
    login(w.member)
    url = f"/werkplaats/{w.slug}/metingen/{measure.id}/waarde"
    typed = f"{last_months(1)[0]:%Y-%m}"
    client.post(url, data={"month": typed, "value": "40", "note": "Geteld"})
    again = client.post(url, data={"month": typed, "value": "40,0", "note": "Geteld"},
                        follow_redirects=True)
    assert "was deze waarde al vastgelegd: 40. Er is niets gewijzigd." in html_of(again)
    assert [e.action.value for e in events(RecordType.measure_value)] == ["created"]


def test_experiments_are_named_and_audited_in_one_place():
    assert lesson_forms.experiment_label is forms.experiment_label
    # Record types are the RecordType enum's members; no module names one again.
    values = "|".join(re.escape(kind.value) for kind in RecordType)
    again = re.compile(rf'^[A-Z_]+ = "({values})"$', re.M)
    package = Path(export.__file__).resolve().parents[1]
    assert [path.name for path in package.rglob("*.py") if again.search(path.read_text())] == []
