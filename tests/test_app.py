"""The application factory, configuration and the health check."""

import socket

from proeftuin import create_app
from tests.conftest import _test_config


def test_health_check_reports_database(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.get_json() == {"status": "ok", "database": "ok", "rate_limits": "memory"}


def test_a_redis_outage_is_logged_and_reported_without_failing_health(
        app, tmp_path_factory, capsys):
    with socket.socket() as probe:  # a port where no Redis answers
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    redisless = create_app({
        **_test_config(tmp_path_factory),
        "RATELIMIT_STORAGE_URI": f"redis://127.0.0.1:{port}/0",
        "RATELIMIT_STORAGE_OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
    })
    client = redisless.test_client()
    health = client.get("/healthz")
    assert health.status_code == 200
    assert health.get_json() == {"status": "ok", "database": "ok", "rate_limits": "unreachable"}
    capsys.readouterr()

    # Signing in is rate limited: it goes on, counted in memory, and the error log says so.
    answer = client.post("/login", data={"email": "iemand@voorbeeld.example", "password": "x"})
    assert answer.status_code == 200
    assert "falling back to in-memory storage" in capsys.readouterr().err


def test_home_page_is_dutch_by_default(client):
    response = client.get("/")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert '<html lang="nl">' in html
    assert "Samen leren in de zorg thuis" in html


def test_signed_in_user_reaches_workspace_list(client, make, login):
    user = make.user()
    response = login(user)
    assert response.headers["Location"].endswith("/werkplaats/")


def test_accessibility_statement_and_privacy_page_are_public_and_linked(client):
    home = client.get("/").get_data(as_text=True)
    assert 'href="/toegankelijkheid"' in home and 'href="/privacy"' in home
    statement = client.get("/toegankelijkheid")
    privacy = client.get("/privacy")
    assert statement.status_code == privacy.status_code == 200
    assert "WCAG" in statement.get_data(as_text=True)
    assert "Contactgegevens bij een aanmelding" in privacy.get_data(as_text=True)


def test_contact_address_is_shown_only_when_configured(app, client):
    assert "mailto:" not in client.get("/privacy").get_data(as_text=True)
    app.config["CONTACT_EMAIL"] = "privacy@proeftuin.example"
    assert 'href="mailto:privacy@proeftuin.example"' in client.get("/privacy").get_data(
        as_text=True
    )
