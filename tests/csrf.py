"""Signing in the way a browser does, with the CSRF tokens the forms carry."""

from __future__ import annotations

import re

from tests.factories import PASSWORD


def csrf_token(html: str) -> str:
    """Return the CSRF token of the first form on a page."""
    return re.search(r'name="csrf_token"[^>]*value="([^"]+)"', html).group(1)


def signed_in_with_token(app, user):
    """A new client, signed in through the sign-in form with its CSRF token."""
    client = app.test_client()
    token = csrf_token(client.get("/login").get_data(as_text=True))
    response = client.post("/login", data={"email": user.email, "password": PASSWORD,
                                           "csrf_token": token})
    assert response.status_code == 302
    return client
