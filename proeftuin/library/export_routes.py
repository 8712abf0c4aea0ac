"""The library for machines: its Atom feed, the CSV export and the open-data download.

Registered on the library's blueprint; every one of these is public, like the library.
"""

from __future__ import annotations

import os

from flask import Response, request, send_file, stream_with_context

from proeftuin.library import exports, feeds, results
from proeftuin.library import open_data as archives
from proeftuin.library.blueprint import bp
from proeftuin.library.forms import LibraryFilterForm
from proeftuin.models.base import utcnow

#: how long a browser or proxy may keep the open-data archive before asking again
OPEN_DATA_MAX_AGE = 300


@bp.get("/feed.atom")
def feed():
    """Serve the Atom feed of the newest lessons in the selection the parameters describe."""
    response = Response(feeds.library_feed(LibraryFilterForm(request.args)),
                        content_type=feeds.CONTENT_TYPE)
    response.add_etag()
    return response.make_conditional(request)


def _lessons_csv(for_spreadsheets: bool) -> Response:
    found = results.search(LibraryFilterForm(request.args).selection(), all_links=True)
    delimiter = exports.SPREADSHEET_DELIMITER if for_spreadsheets else ","
    response = Response(stream_with_context(exports.lessons_csv(found.lessons, delimiter)),
                        content_type="text/csv; charset=utf-8")
    response.headers.set("Content-Disposition", "attachment",
                         filename=exports.export_filename(utcnow(), for_spreadsheets))
    return response


@bp.get("/export.csv")
def export_csv():
    """Stream every lesson of the selection as standard CSV (commas), in the library's order."""
    return _lessons_csv(for_spreadsheets=False)


@bp.get("/export-excel.csv")
def export_spreadsheet_csv():
    """The same as semicolon-separated CSV, which Dutch and Flemish spreadsheets open directly."""
    return _lessons_csv(for_spreadsheets=True)


@bp.get("/open-data.zip")
def open_data():
    """Send the archive of all published lessons, public pilots and the framework."""
    archive, stream = archives.open_current()
    modified = os.fstat(stream.fileno()).st_mtime
    return send_file(stream, mimetype="application/zip", as_attachment=True,
                     download_name=archive.download_name, etag=archive.fingerprint,
                     last_modified=modified, max_age=OPEN_DATA_MAX_AGE)
