"""Facilitators' monitor report for a chosen period: as a page, as CSV and as a spreadsheet."""

from __future__ import annotations

from flask import Response, render_template, request
from flask_login import current_user

from proeftuin.dashboard import monitor, monitor_exports, queries
from proeftuin.dashboard.blueprint import bp
from proeftuin.dashboard.period_forms import MonitorPeriodForm
from proeftuin.dates import local_today


def _report() -> tuple[MonitorPeriodForm, monitor.MonitorReport]:
    form = MonitorPeriodForm(request.args, today=local_today())
    return form, monitor.monitor_report(queries.programmes_for(current_user), form.period)


@bp.get("/monitor", endpoint="monitor")
def monitor_page():
    """Show the monitor report of the facilitator's programmes for the chosen period."""
    form, report = _report()
    return render_template(
        "dashboard/monitor.html", form=form, report=report, tables=monitor.tables(report),
        definitions=monitor.definitions(), params=form.params(),
    )


def _download(body, content_type: str, filename: str) -> Response:
    response = Response(body, content_type=content_type)
    response.headers.set("Content-Disposition", "attachment", filename=filename)
    # The report is about the facilitator's own programmes: no shared cache keeps it.
    response.headers["Cache-Control"] = "private, no-store"
    return response


@bp.get("/monitor.csv")
def monitor_csv():
    """Download the monitor report of the chosen period as one CSV file."""
    _form, report = _report()
    return _download(monitor_exports.monitor_csv(report), monitor_exports.CSV_CONTENT_TYPE,
                     monitor_exports.filename(report, "csv"))


@bp.get("/monitor.xlsx")
def monitor_xlsx():
    """Download the monitor report of the chosen period as a spreadsheet."""
    _form, report = _report()
    return _download(monitor_exports.monitor_xlsx(report), monitor_exports.XLSX_CONTENT_TYPE,
                     monitor_exports.filename(report, "xlsx"))
