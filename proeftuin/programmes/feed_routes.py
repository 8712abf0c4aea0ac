"""The cohort's calendar feed: a blueprint of its own, outside the facilitators' pages,
because calendar apps cannot sign in; the secret token in the address is the key."""

from __future__ import annotations

from flask import Blueprint, Response, abort

from proeftuin.programmes import calendar_queries, ical

bp = Blueprint("calendar_feed", __name__, url_prefix="/agenda")


@bp.get("/<token>.ics")
def feed(token: str):
    """Answer the calendar of the call the token names, as iCalendar."""
    call = ical.call_of_token(token)
    if call is None:
        abort(404)
    body = ical.calendar_bytes(call, calendar_queries.dates_of(call))
    response = Response(body, content_type="text/calendar; charset=utf-8")
    # The address is a secret: private, so no shared cache keeps it.
    response.headers["Cache-Control"] = f"private, max-age={ical.MAX_AGE}"
    response.headers["Content-Disposition"] = 'inline; filename="kalender.ics"'
    return response
