"""The application factory, configuration and the health check."""


def test_health_check_reports_database(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.get_json() == {"status": "ok", "database": "ok"}


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
