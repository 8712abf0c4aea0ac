"""The development mailbox: every message the site queued, as its recipient would read it.

`make run` sends no mail (SMTP_URL is empty); a newcomer who invites someone reads the
invitation here. Registered only when DEV_MAILBOX is on, which production never has.
"""

from __future__ import annotations

import sqlalchemy as sa
from flask import Blueprint, Response, abort, render_template

from proeftuin.extensions import db
from proeftuin.models import OutboxMessage

bp = Blueprint("mailbox", __name__, url_prefix="/dev/mailbox")

#: the newest messages the list shows
SHOWN = 200


@bp.get("/")
def index():
    """The newest messages, newest first."""
    messages = db.session.scalars(
        sa.select(OutboxMessage).order_by(OutboxMessage.id.desc()).limit(SHOWN)
    ).all()
    return render_template("mailbox/index.html", messages=messages)


@bp.get("/<int:message_id>")
def show(message_id: int):
    """One message: its headers, its text and its HTML."""
    message = db.session.get(OutboxMessage, message_id)
    if message is None:
        abort(404)
    return render_template("mailbox/show.html", message=message)


#: a message's HTML is shown as a mail program would: its own inline styles, nothing else
_MESSAGE_POLICY = "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'self'"


@bp.get("/<int:message_id>/html")
def html(message_id: int):
    """A message's HTML alone, for the frame on its page."""
    message = db.session.get(OutboxMessage, message_id)
    if message is None:
        abort(404)
    return Response(message.html_body, mimetype="text/html", headers={
        "Content-Security-Policy": _MESSAGE_POLICY, "X-Frame-Options": "SAMEORIGIN",
    })
