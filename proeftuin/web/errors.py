"""Error pages: HTML for people, JSON for API clients; a rollback before every 500."""

from __future__ import annotations

from flask import Flask, jsonify, make_response, render_template, request
from flask_babel import gettext as _
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException, InternalServerError, SecurityError

from proeftuin.extensions import db
from proeftuin.security_log import log_event


def _wants_json() -> bool:
    if request.path.startswith("/api/"):
        return True
    best = request.accept_mimetypes.best_match(["text/html", "application/json"])
    return best == "application/json" and request.accept_mimetypes[best] > request.accept_mimetypes[
        "text/html"
    ]


def _messages() -> dict[int, tuple[str, str]]:
    return {
        400: (_("Verzoek niet begrepen"), _("Het verzoek kon niet worden verwerkt. Probeer het opnieuw.")),
        403: (_("Geen toegang"), _("U heeft geen toegang tot deze pagina.")),
        404: (_("Pagina niet gevonden"), _("Deze pagina bestaat niet (meer). Controleer het adres.")),
        405: (_("Niet toegestaan"), _("Deze handeling is op deze pagina niet mogelijk.")),
        413: (_("Te veel gegevens"), _("Wat u verstuurde is te groot. Maak het korter en probeer het opnieuw.")),
        429: (_("Te veel pogingen"), _("U heeft het te vaak geprobeerd. Wacht even en probeer het dan opnieuw.")),
        500: (_("Er ging iets mis"), _("Er ging aan onze kant iets mis. Uw gegevens zijn niet opgeslagen; probeer het later opnieuw.")),
    }


def _render(code: int, title: str | None = None, message: str | None = None):
    default_title, default_message = _messages().get(code, _messages()[400])
    title = title or default_title
    message = message or default_message
    if _wants_json():
        return jsonify(error={"status": code, "title": title, "message": message}), code
    return render_template("errors/error.html", code=code, title=title, message=message), code


def register_error_handlers(app: Flask) -> None:
    """Answer every HTTP error in the site's style."""

    @app.errorhandler(CSRFError)
    def _csrf(error):
        log_event("csrf_failed", reason=error.description)
        return _render(
            400,
            _("Formulier verlopen"),
            _("Het formulier was verlopen of onvolledig. Laad de pagina opnieuw en probeer het nog eens."),
        )

    @app.errorhandler(HTTPException)
    def _http(error: HTTPException):
        if error.code is None or error.code < 400:
            return error
        if isinstance(error, SecurityError):
            # An untrusted Host header: no URL can be built for it, so no site page either.
            return "Bad request: unknown host.", 400, {"Content-Type": "text/plain"}
        if error.code in (401, 403, 429):
            log_event({401: "unauthenticated", 403: "access_denied", 429: "rate_limited"}[error.code])
        if isinstance(error, InternalServerError):
            db.session.rollback()
        response, code = _render(error.code)
        if error.code == 405 and error.valid_methods:
            response = make_response(response, code)
            response.headers["Allow"] = ", ".join(error.valid_methods)
            return response
        return response, code

    @app.errorhandler(Exception)
    def _unexpected(error: Exception):
        db.session.rollback()
        app.logger.exception("Unhandled error on %s %s", request.method, request.path)
        return _render(500)
