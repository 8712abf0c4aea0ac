"""Response headers that every page carries, and request bodies no page accepts."""

from __future__ import annotations

from flask import Flask, abort, request
from flask_login import current_user

CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "font-src 'self'",
        "connect-src 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
        "base-uri 'none'",
        "object-src 'none'",
    ]
)


def register_security_headers(app: Flask) -> None:
    """Add the security headers to every response."""

    @app.after_request
    def _headers(response):
        headers = response.headers
        headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
        headers.setdefault("X-Content-Type-Options", "nosniff")
        headers.setdefault("Referrer-Policy", "same-origin")
        headers.setdefault("X-Frame-Options", "DENY")
        headers.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
        if app.config.get("SESSION_COOKIE_SECURE"):
            headers.setdefault("Strict-Transport-Security", "max-age=31536000")
        if request.endpoint != "static" and current_user.is_authenticated:
            # What a signed-in person sees (case discussions, drafts, the audit trail) stays
            # out of shared caches and the back button of a shared computer.
            headers["Cache-Control"] = "no-store"
        return response


def register_body_checks(app: Flask) -> None:
    """Refuse a POST whose body no form can read: one that carries files, or JSON.

    Flask-WTF hands uploaded files, and the values of a JSON body, to the form fields of
    the same name; a text field given a file or a number instead of a string fails in its
    validators with a server error. No form takes either (the API only answers GET).
    """

    @app.before_request
    def _form_bodies_only():
        if request.method != "POST":
            return
        if request.is_json or (request.mimetype == "multipart/form-data" and request.files):
            abort(400)
