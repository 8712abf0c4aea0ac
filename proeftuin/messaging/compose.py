"""Compose a message in its recipient's language and put it in the outbox.

`queue` adds the message to the session and does not commit: the caller's commit saves it
with the change it is about, and a rollback drops it (the outbox pattern). Text and HTML come
from `templates/mail/<template>.txt` and `.html`; both are rendered in the recipient's
language, and the HTML is plain: real text, no images, no remote content, no tracking.
"""

from __future__ import annotations

import re
import secrets
from email.utils import parseaddr

import sqlalchemy as sa
from flask import current_app, has_request_context, render_template, url_for
from flask_babel import force_locale
from markupsafe import escape

from proeftuin.extensions import db
from proeftuin.models import OutboxMessage, User

#: line breaks and other control characters, which would let a name or subject add headers
_CONTROL = re.compile(r"[\x00-\x1f\x7f]+")


def one_line(text: str, limit: int) -> str:
    """Text fit for a header: control characters become spaces, and it is cut at `limit`."""
    return " ".join(_CONTROL.sub(" ", str(text)).split())[:limit]


def site_path(endpoint: str, **values) -> str:
    """The path of a page, also outside a request (the worker, the demo data, a command)."""
    if has_request_context():
        return url_for(endpoint, **values)
    with current_app.test_request_context():
        return url_for(endpoint, **values)


def absolute_url(endpoint: str, **values) -> str:
    """A link for a message: SITE_URL and the endpoint's path, valid outside any request."""
    return current_app.config["SITE_URL"] + site_path(endpoint, **values)


def message(kind: str, *, to: str, language: str, subject, template: str, name: str = "",
            user: User | None = None, headers: dict[str, str] | None = None,
            **context) -> dict:
    """Compose a message from `template`: the values of its outbox row.

    `subject` is a (lazy) translatable string, rendered in `language` like the templates.
    """
    language = language if language in current_app.config["LANGUAGES"] else "nl"
    with force_locale(language):
        subject_text = one_line(str(subject), 250)
        context.update(subject=subject_text, language=language, recipient_name=name)
        text = render_template(f"mail/{template}.txt", **context)
        html = render_template(f"mail/{template}.html", **context)
    return dict(
        kind=kind, recipient=one_line(to, 254), recipient_name=one_line(name, 120),
        language=language, subject=subject_text, text_body=text, html_body=html,
        headers=_header_lines(headers),
        message_id=_message_id(),
        user_id=user.id if user is not None else None,
    )


def personalised(composed: dict, *, to: str, links: dict[str, str],
                 headers: dict[str, str] | None = None) -> dict:
    """The same message for another recipient: their address, a Message-ID of its own, and
    their links in place of the placeholders the message was composed with.

    Many followers of one selection get one text; composing it once and filling in each one's
    links is what lets a digest run reach ten thousand people in seconds.
    """
    text, html = composed["text_body"], composed["html_body"]
    for placeholder, link in links.items():
        text = text.replace(placeholder, link)
        html = html.replace(placeholder, str(escape(link)))
    return {
        **composed, "recipient": one_line(to, 254), "text_body": text, "html_body": html,
        "headers": _header_lines(headers),
        "message_id": _message_id(),
    }


def _header_lines(headers: dict[str, str] | None) -> dict[str, str]:
    return {name: one_line(value, 1000) for name, value in (headers or {}).items()}


def _message_id() -> str:
    return f"<{secrets.token_hex(16)}@{_sender_domain()}>"


def queue(kind: str, **options) -> OutboxMessage:
    """Compose a message (`message`) and add it to the outbox in the caller's transaction."""
    outgoing = OutboxMessage(**message(kind, **options))
    db.session.add(outgoing)
    return outgoing


def queue_all(messages: list[dict]) -> None:
    """Add composed messages to the outbox in one statement, however many there are."""
    if messages:
        db.session.execute(sa.insert(OutboxMessage), messages)


def _sender_domain() -> str:
    address = parseaddr(current_app.config["MAIL_FROM"])[1]
    return address.rpartition("@")[2] or "localhost"
