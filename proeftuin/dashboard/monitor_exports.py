"""The monitor report as CSV (one long table) and as a spreadsheet (a worksheet per table).

Both follow the library's CSV house style (`proeftuin.library.exports`): UTF-8 with a byte
order mark, RFC 4180 quoting, and no text cell that a spreadsheet would run as a formula.
"""

from __future__ import annotations

import io
from collections.abc import Iterator

from flask_babel import gettext as _

from proeftuin.dashboard.monitor import MonitorReport, Table, definitions, tables
from proeftuin.library.exports import Column, csv_chunks, neutralise

CSV_CONTENT_TYPE = "text/csv; charset=utf-8"
XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

# The columns are a file format, named in English like the library's export.
MONITOR_COLUMNS = (
    Column("section", "Tabel: pilots, active_pilots, lessons_by_direction, lessons_by_kind, "
           "lessons_by_region, of period voor de periode zelf.",
           "Table: pilots, active_pilots, lessons_by_direction, lessons_by_kind, "
           "lessons_by_region, or period for the period itself."),
    Column("label", "Programma, regio, oplossingsrichting of soort les.",
           "Programme, region, solution direction or kind of lesson."),
    Column("year", "Jaar (alleen bij pilots).", "Year (pilots only)."),
    Column("measure", "Wat er geteld is (applied, selected, started, active_during, "
           "active_at_end, published, public).",
           "What was counted (applied, selected, started, active_during, active_at_end, "
           "published, public)."),
    Column("value", "Het aantal; bij period de eerste en laatste dag (ISO 8601).",
           "The number; for period the first and last day (ISO 8601)."),
)

#: the widest a spreadsheet column is made, in characters
MAX_WIDTH = 60
#: a worksheet title may hold 31 characters
MAX_SHEET_TITLE = 31


def filename(report: MonitorReport, extension: str) -> str:
    """Return the download name of the report for its period."""
    return f"proeftuin-monitor-{report.period.slug()}.{extension}"


def csv_records(report: MonitorReport) -> Iterator[dict]:
    """Yield the report as long-format records: one per table cell holding a number."""
    period = report.period
    yield {"section": "period", "label": period.label(), "year": "", "measure": "start",
           "value": period.start.isoformat()}
    yield {"section": "period", "label": period.label(), "year": "", "measure": "end",
           "value": period.end.isoformat()}
    for table in tables(report):
        for row in table.rows:
            labels, numbers = row[:table.label_count], row[table.label_count:]
            year = labels[1] if table.label_count == 2 else ""
            for measure, value in zip(table.measures, numbers, strict=True):
                yield {"section": table.key, "label": labels[0], "year": year,
                       "measure": measure, "value": value}


def monitor_csv(report: MonitorReport) -> str:
    """Return the report as one CSV file."""
    return "".join(csv_chunks(MONITOR_COLUMNS, csv_records(report)))


def _sheet_title(title: str, used: set[str]) -> str:
    # Excel refuses these characters in a sheet title, and two sheets of one name.
    clean = "".join(" " if c in "[]:*?/\\" else c for c in title)[:MAX_SHEET_TITLE].strip()
    name, n = clean, 2
    while name.lower() in used:
        suffix = f" {n}"
        name = clean[:MAX_SHEET_TITLE - len(suffix)] + suffix
        n += 1
    used.add(name.lower())
    return name


def _fit_columns(sheet, rows: list[list]) -> None:
    from openpyxl.utils import get_column_letter

    widths: dict[int, int] = {}
    for row in rows:
        for i, value in enumerate(row, start=1):
            widths[i] = max(widths.get(i, 0), len(str(value)))
    for i, width in widths.items():
        sheet.column_dimensions[get_column_letter(i)].width = min(width + 2, MAX_WIDTH)


def _write_table(sheet, table: Table) -> None:
    from openpyxl.styles import Font

    bold = Font(bold=True)
    sheet.append([neutralise(h) for h in table.headers])
    for cell in sheet[1]:
        cell.font = bold
    written = [table.headers]
    for row in table.rows:
        sheet.append([neutralise(v) for v in row])
        written.append(row)
    if table.total is not None:
        sheet.append([neutralise(v) for v in table.total])
        for cell in sheet[sheet.max_row]:
            cell.font = bold
        written.append(table.total)
    if table.note:
        sheet.append([])
        sheet.append([neutralise(table.note)])
    sheet.freeze_panes = "A2"
    _fit_columns(sheet, written)


def _write_about(sheet, report: MonitorReport) -> None:
    from openpyxl.styles import Alignment, Font

    bold = Font(bold=True)
    sheet.append([neutralise(_("Monitorrapportage proeftuinen"))])
    sheet["A1"].font = Font(bold=True, size=14)
    sheet.append([])
    rows = [
        (_("Periode"), report.period.label()),
        (_("Eerste dag"), report.period.start.isoformat()),
        (_("Laatste dag"), report.period.end.isoformat()),
        (_("Programma's"), ", ".join(p.name for p in report.programmes) or _("geen")),
    ]
    for term, value in rows:
        sheet.append([neutralise(term), neutralise(value)])
        sheet.cell(sheet.max_row, 1).font = bold
    sheet.append([])
    sheet.append([neutralise(_("Wat er geteld is"))])
    sheet.cell(sheet.max_row, 1).font = bold
    for term, explanation in definitions():
        sheet.append([neutralise(term), neutralise(explanation)])
        sheet.cell(sheet.max_row, 1).font = bold
        sheet.cell(sheet.max_row, 2).alignment = Alignment(wrap_text=True, vertical="top")
    sheet.column_dimensions["A"].width = 24
    sheet.column_dimensions["B"].width = 90


def monitor_xlsx(report: MonitorReport) -> bytes:
    """Return the report as a spreadsheet: what it covers first, then a sheet per table."""
    # openpyxl is imported in the functions that write the workbook, not at the top: it adds
    # 13 MB to every worker, and only this download needs it.
    from openpyxl import Workbook

    book = Workbook()
    used: set[str] = set()
    about = book.active
    about.title = _sheet_title(_("Toelichting"), used)
    _write_about(about, report)
    for table in tables(report):
        _write_table(book.create_sheet(_sheet_title(table.sheet, used)), table)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
