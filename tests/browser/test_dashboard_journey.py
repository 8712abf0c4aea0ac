"""A facilitator of the demo data follows her programmes through the facilitator pages.

She sees at a glance which pilots are quiet and narrows the table to them, opens the lessons
that wait for her review, finds in the coverage matrix which directions nobody works on in a
region, opens one pilot's progress, looks at the activity charts, and exports the monitor
report for this year as a spreadsheet whose figures are the page's. Every page on the way
passes the checks of visitor.py.
"""

from __future__ import annotations

import io
import re
from datetime import date

from openpyxl import load_workbook

from proeftuin.demo import DEMO_PASSWORD

FACILITATOR = "begeleider@proeftuin.example"


def promised(link) -> int:
    """The number a link's text starts with."""
    return int(re.match(r"\s*(\d+)", link.inner_text()).group(1))


def test_facilitator_sees_quiet_pilots_reviews_gaps_and_exports_the_monitor(open_browser):
    visitor = open_browser(width=1280, height=900)
    visitor.sign_in(FACILITATOR, DEMO_PASSWORD)
    visitor.go("/begeleiding/")
    visitor.check()

    # The columns that ask for action are in view at 1280 px, without scrolling sideways.
    wrapper = visitor.page.locator(".pilot-table .table-wrapper").bounding_box()
    for heading in ("Wacht op beoordeling", "Mist essentiële disciplines"):
        box = visitor.page.locator(".pilot-table thead th", has_text=heading).bounding_box()
        assert box["x"] + box["width"] <= wrapper["x"] + wrapper["width"], heading

    # Quiet pilots: the summary's count is the number of rows the filter leaves, each flagged.
    quiet = visitor.page.locator(".attention-list a", has_text=re.compile("stil"))
    quiet_count = promised(quiet)
    assert quiet_count >= 1
    with visitor.page.expect_navigation():
        quiet.click()
    assert "stil=1" in visitor.page.url
    rows = visitor.page.locator(".pilot-table tbody tr")
    assert rows.count() == quiet_count
    for row in rows.all():
        assert "Stil" in row.inner_text()
    visitor.check()

    # Lessons waiting for review: the queue holds as many as the summary said.
    visitor.go("/begeleiding/")
    waiting = visitor.page.locator(".attention-list a", has_text="beoordeling")
    waiting_count = promised(waiting)
    with visitor.page.expect_navigation():
        waiting.click()
    assert visitor.path == "/begeleiding/lessen/"
    assert visitor.page.locator("main table tbody tr").count() == waiting_count
    visitor.check()

    # Coverage: a matrix per programme and, per region, what nobody there works on.
    visitor.follow("Begeleiding", "Dekking")
    assert visitor.page.locator("table.coverage-matrix, main table").count() >= 1
    gaps = visitor.page.locator(".region-gaps")
    assert gaps.count() >= 1
    assert "waaraan geen proeftuin werkt" in gaps.first.inner_text()
    visitor.check()
    pilot_link = visitor.page.locator("main tbody th a").first
    pilot = pilot_link.inner_text()
    with visitor.page.expect_navigation():
        pilot_link.click()
    assert visitor.path.endswith("/voortgang")
    assert pilot in visitor.page.locator("h1").inner_text()
    visitor.check()

    # Activity: charts are images with a text alternative, their numbers in a table.
    visitor.go("/begeleiding/")
    visitor.follow("Begeleiding", "Activiteit")
    chart = visitor.page.locator("main img.chart").first
    assert chart.get_attribute("alt")
    assert chart.get_attribute("src").startswith("data:image/svg+xml;base64,")
    visitor.check()

    # The monitor report for this year, on the page and as a spreadsheet.
    visitor.follow("Begeleiding", "Monitor")
    year = str(date.today().year)
    visitor.page.locator("main input[name=jaar]").fill(year)
    visitor.click("Jaar tonen")
    assert f"jaar={year}" in visitor.page.url
    visitor.check()
    started = visitor.page.locator("main table").first
    page_cells = [cell.strip() for cell in started.locator("tbody td, tbody th").all_inner_texts()]
    download = visitor.page.get_by_role("link", name=re.compile("spreadsheet"))
    response = visitor.page.request.get(download.get_attribute("href"))
    assert response.ok
    assert "spreadsheetml" in response.headers["content-type"]
    workbook = load_workbook(io.BytesIO(response.body()), read_only=True)
    assert len(workbook.sheetnames) >= 2
    first_table = workbook[workbook.sheetnames[1]]
    sheet_cells = [str(value) for row in first_table.iter_rows(min_row=2, values_only=True)
                   for value in row if value is not None]
    workbook.close()
    assert page_cells and set(page_cells) <= set(sheet_cells)
