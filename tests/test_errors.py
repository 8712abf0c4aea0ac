"""Error pages in the site's style, JSON for API clients, and the security headers."""

from __future__ import annotations

import sqlalchemy as sa

from proeftuin import create_app
from proeftuin.extensions import db
from proeftuin.models import Programme
from tests.conftest import TOTP_KEY


def test_unknown_page_gets_styled_404_in_dutch(client):
    response = client.get("/bestaat-niet")
    assert response.status_code == 404
    html = response.get_data(as_text=True)
    assert "Pagina niet gevonden" in html
    assert 'class="skip-link"' in html
    assert html.count("<h1") == 1


def test_json_client_gets_json_error(client):
    response = client.get("/bestaat-niet", headers={"Accept": "application/json"})
    assert response.status_code == 404
    assert response.get_json()["error"]["status"] == 404


def test_server_error_rolls_back_and_shows_friendly_page(fresh_app):
    def boom():
        db.session.add(Programme(slug="half", name="Half opgeslagen"))
        db.session.flush()
        raise RuntimeError("simulated failure")

    fresh_app.add_url_rule("/test-boom", "test_boom", boom)
    client = fresh_app.test_client()

    response = client.get("/test-boom")

    assert response.status_code == 500
    assert "Er ging iets mis" in response.get_data(as_text=True)
    with fresh_app.app_context():
        count = db.session.scalar(sa.select(sa.func.count()).select_from(Programme))
    assert count == 0


def test_post_without_csrf_token_is_refused_with_a_clear_page(csrf_app):
    client = csrf_app.test_client()
    response = client.post("/taal", data={"lang": "en"})
    assert response.status_code == 400
    assert "Formulier verlopen" in response.get_data(as_text=True)


def test_every_response_carries_security_headers(client):
    for path in ("/", "/bestaat-niet", "/healthz", "/static/css/proeftuin.css"):
        with client.get(path) as response:
            headers = response.headers
        assert "frame-ancestors 'none'" in headers["Content-Security-Policy"], path
        assert "unsafe-inline" not in headers["Content-Security-Policy"], path
        assert headers["X-Content-Type-Options"] == "nosniff", path
        assert headers["Referrer-Policy"] == "same-origin", path


def test_oversized_request_is_refused_with_413(app):
    app.config["MAX_CONTENT_LENGTH"] = 1024
    response = app.test_client().post("/taal", data={"lang": "x" * 5000})
    assert response.status_code == 413


def test_requests_for_untrusted_hosts_are_refused(app):
    app.config["TRUSTED_HOSTS"] = ["proeftuin.example"]
    client = app.test_client()
    assert client.get("/", headers={"Host": "proeftuin.example"}).status_code == 200
    assert client.get("/", headers={"Host": "elders.example"}).status_code == 400


def test_session_cookie_is_secure_httponly_and_lax_outside_development(monkeypatch, tmp_path):
    monkeypatch.setenv("PROEFTUIN_ENV", "production")
    monkeypatch.setenv("SECRET_KEY", "a-production-secret-for-this-test")
    monkeypatch.setenv("TOTP_ENCRYPTION_KEY", TOTP_KEY)
    monkeypatch.setenv("REQUIRE_TWO_FACTOR", "0")
    app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'p.sqlite3'}",
                      "RATELIMIT_STORAGE_URI": "memory://"})
    response = app.test_client().get("/login")
    cookies = response.headers.getlist("Set-Cookie")
    assert cookies, "the sign-in page sets the session cookie (for its CSRF token)"
    for cookie in cookies:
        flags = {part.strip().lower() for part in cookie.split(";")}
        assert {"secure", "httponly", "samesite=lax"} <= flags, cookie
    assert response.headers["Strict-Transport-Security"].startswith("max-age=")


def test_pages_for_signed_in_people_are_never_stored_but_public_pages_may_be(client, make,
                                                                              login):
    assert "no-store" not in client.get("/").headers.get("Cache-Control", "")
    pilot = make.pilot()
    login(make.member(pilot))
    for url in ("/", f"/werkplaats/{pilot.slug}/", f"/werkplaats/{pilot.slug}/lessen/"):
        assert client.get(url).headers["Cache-Control"] == "no-store", url
