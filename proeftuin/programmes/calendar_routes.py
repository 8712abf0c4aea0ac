"""The calendar of a call's cohort: its dates past and coming, adding, changing and deleting
one, and a learning session's attendance and report (`/begeleiding/rondes/<id>/kalender`)."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from proeftuin.dates import local_today
from proeftuin.extensions import db
from proeftuin.forms import ActionForm
from proeftuin.labels import cohort_date_kind_label
from proeftuin.models import Call, CohortDate, CohortDateKind
from proeftuin.permissions import can_manage_cohort_calendar
from proeftuin.programmes import calendar_forms, calendar_queries, calendar_services, ical
from proeftuin.programmes import queries as call_queries
from proeftuin.programmes.blueprint import bp


def _calendar_call(call_id: int) -> Call:
    call = call_queries.call_by_id(call_id)
    if call is None:
        abort(404)
    if not can_manage_cohort_calendar(current_user, call):
        abort(403)
    return call


def _cohort_date(call: Call, date_id: int) -> CohortDate:
    cohort_date = calendar_queries.date_of(call, date_id)
    if cohort_date is None:
        abort(404)
    return cohort_date


def _to_calendar(call: Call):
    return redirect(url_for("programmes.calendar", call_id=call.id), code=303)


def _refused() -> None:
    db.session.rollback()
    flash(_("De datum kon niet worden opgeslagen. Controleer de gegevens en probeer het opnieuw."), "error")


@bp.get("/<int:call_id>/kalender")
def calendar(call_id: int):
    """Show the cohort's dates, past and coming, its pilots, and per harvest who met it."""
    call = _calendar_call(call_id)
    today = local_today()
    dates = calendar_queries.dates_of(call, with_pilots=True)
    cohort = calendar_queries.cohort_of(call)
    return render_template(
        "programmes/calendar.html", call=call, today=today, cohort=cohort,
        coming=[d for d in dates if d.held_on >= today],
        past=[d for d in dates if d.held_on < today][::-1],
        record=calendar_queries.record_of(call, dates, cohort, today),
        feed_url=ical.feed_url(call), webcal_url=ical.webcal_url(call))


@bp.route("/<int:call_id>/kalender/nieuw", methods=["GET", "POST"])
def new_calendar_date(call_id: int):
    """Put a date on the cohort's calendar: kick-off, learning session, harvest or close."""
    call = _calendar_call(call_id)
    kind = request.args.get("soort")
    form = calendar_forms.CohortDateForm(
        data={"kind": kind} if request.method == "GET" and kind in {
            k.value for k in CohortDateKind} else None)
    if form.validate_on_submit():
        try:
            cohort_date = calendar_services.add_date(call, **form.values())
        except calendar_services.CalendarError:
            _refused()
        else:
            db.session.commit()
            flash(_("%(kind)s ‘%(title)s’ staat op de kalender.",
                    kind=cohort_date_kind_label(cohort_date.kind), title=cohort_date.title),
                  "success")
            return _to_calendar(call)
    return render_template("programmes/calendar_date_form.html", form=form, call=call,
                           cohort_date=None)


@bp.route("/<int:call_id>/kalender/<int:date_id>/bewerken", methods=["GET", "POST"])
def edit_calendar_date(call_id: int, date_id: int):
    """Change a date of the cohort's calendar."""
    call = _calendar_call(call_id)
    cohort_date = _cohort_date(call, date_id)
    form = calendar_forms.CohortDateForm(
        data=calendar_forms.cohort_date_data(cohort_date) if request.method == "GET" else None)
    if form.validate_on_submit():
        try:
            calendar_services.change_date(cohort_date, **form.values(), today=local_today())
        except calendar_services.CalendarError:
            _refused()
        else:
            db.session.commit()
            flash(_("De datum ‘%(title)s’ is opgeslagen.", title=cohort_date.title), "success")
            return _to_calendar(call)
    return render_template("programmes/calendar_date_form.html", form=form, call=call,
                           cohort_date=cohort_date)


@bp.route("/<int:call_id>/kalender/<int:date_id>/verwijderen", methods=["GET", "POST"])
def delete_calendar_date(call_id: int, date_id: int):
    """Ask whether to take a date off the calendar, and do so once confirmed."""
    call = _calendar_call(call_id)
    cohort_date = _cohort_date(call, date_id)
    form = ActionForm()
    if request.method == "POST":
        if not form.validate_on_submit():
            abort(400)
        title = cohort_date.title
        calendar_services.delete_date(cohort_date)
        db.session.commit()
        flash(_("De datum ‘%(title)s’ is van de kalender gehaald.", title=title), "success")
        return _to_calendar(call)
    return render_template("programmes/calendar_date_delete.html", call=call,
                           cohort_date=cohort_date, form=form)


@bp.route("/<int:call_id>/kalender/<int:date_id>/verslag", methods=["GET", "POST"])
def session_report(call_id: int, date_id: int):
    """Keep a learning session's report and which pilots of the cohort attended."""
    call = _calendar_call(call_id)
    cohort_date = _cohort_date(call, date_id)
    if not cohort_date.is_session:
        abort(404)
    cohort = calendar_queries.cohort_of(call)
    form = calendar_forms.SessionReportForm(
        data={"report": cohort_date.report, "pilots": [p.id for p in cohort_date.pilots]}
        if request.method == "GET" else None, cohort=cohort)
    if form.validate_on_submit():
        chosen = set(form.pilots.data or ())
        try:
            calendar_services.write_report(cohort_date, form.report.data,
                                           [p for p in cohort if p.id in chosen], cohort)
        except calendar_services.CalendarError:
            _refused()
        else:
            db.session.commit()
            flash(_("Het verslag van ‘%(title)s’ is opgeslagen.", title=cohort_date.title),
                  "success")
            return _to_calendar(call)
    return render_template("programmes/calendar_report.html", form=form, call=call,
                           cohort_date=cohort_date, cohort=cohort)
