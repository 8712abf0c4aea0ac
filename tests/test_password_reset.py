"""A forgotten password: the same answer for every address, a link that works once within the
hour, every session ended, and the second sign-in step still asked."""

from __future__ import annotations

import logging
import re
import time

import pytest
import sqlalchemy as sa

from proeftuin.auth import password_reset
from proeftuin.extensions import db
from proeftuin.models import OutboxMessage, Role, UserSession
from tests.test_auth import NEW_PASSWORD
from tests.test_two_factor import enable_two_factor

FORGOT = "/wachtwoord-vergeten"


@pytest.fixture
def security_log(caplog):
    caplog.set_level(logging.INFO, logger="proeftuin.security")
    return lambda: [r.getMessage() for r in caplog.records if r.name == "proeftuin.security"]


def _messages() -> list[OutboxMessage]:
    db.session.expire_all()
    return list(db.session.scalars(sa.select(OutboxMessage).order_by(OutboxMessage.id)))


def _link_of(message: OutboxMessage) -> str:
    return re.search(r"http://127\.0\.0\.1:5000(/wachtwoord-herstellen/\S+)",
                     message.text_body).group(1)


def test_every_address_gets_the_same_answer_and_only_an_account_gets_mail(
        client, make, security_log):
    user = make.user(email="bekend@voorbeeld.example")
    known = client.post(FORGOT, data={"email": "Bekend@Voorbeeld.example"})
    unknown = client.post(FORGOT, data={"email": "onbekend@voorbeeld.example"})
    assert known.status_code == unknown.status_code == 303
    assert known.headers["Location"] == unknown.headers["Location"]
    (message,) = _messages()
    assert message.recipient == user.email and message.kind == "password_reset"
    assert message.user_id == user.id
    logged = security_log()
    assert any("password_reset_requested" in line and 'known="True"' in line for line in logged)
    assert any("password_reset_requested" in line and 'known="False"' in line for line in logged)
    assert not any("onbekend@" in line or "bekend@" in line for line in logged)


def test_an_inactive_account_gets_no_mail(client, make):
    user = make.user()
    user.active = False
    db.session.commit()
    assert client.post(FORGOT, data={"email": user.email}).status_code == 303
    assert _messages() == []


def test_the_mail_is_in_the_account_s_language(client, make):
    user = make.user()
    user.language = "en"
    db.session.commit()
    client.post(FORGOT, data={"email": user.email})
    (message,) = _messages()
    assert message.language == "en" and message.subject == "A new password for Proeftuin"
    assert "choose a new password" in message.text_body


def test_the_link_sets_a_password_once_and_ends_every_session(client, make, login,
                                                               security_log):
    user = make.user()
    login(user)  # a session elsewhere, which the reset must end
    other_link_token = password_reset.reset_token(user)
    client.post("/logout")
    client.post(FORGOT, data={"email": user.email})
    link = _link_of(_messages()[0])

    form = client.get(link)
    assert form.status_code == 200 and user.email in form.get_data(as_text=True)
    mismatch = client.post(link, data={"new_password": NEW_PASSWORD,
                                       "new_password_repeat": NEW_PASSWORD + "x"})
    assert mismatch.status_code == 200 and "niet gelijk" in mismatch.get_data(as_text=True)
    done = client.post(link, data={"new_password": NEW_PASSWORD,
                                   "new_password_repeat": NEW_PASSWORD})
    assert done.status_code == 303 and done.headers["Location"].endswith("/klaar")
    db.session.expire_all()
    assert db.session.scalar(sa.select(sa.func.count()).select_from(UserSession).where(
        UserSession.user_id == user.id, UserSession.revoked_at.is_(None))) == 0
    assert any('event="password_reset" ' in line and f'account_id="{user.id}"' in line
               for line in security_log())

    # Used once; and every other link made before the change is void too.
    assert client.get(link).status_code == 410
    assert client.get(f"/wachtwoord-herstellen/{other_link_token}").status_code == 410
    assert client.post("/login", data={"email": user.email,
                                       "password": NEW_PASSWORD}).status_code == 302


def test_a_link_works_for_an_hour(client, make, monkeypatch):
    user = make.user()
    token = password_reset.reset_token(user)
    assert client.get(f"/wachtwoord-herstellen/{token}").status_code == 200
    later = time.time() + password_reset.LIFETIME.total_seconds() + 1
    monkeypatch.setattr(time, "time", lambda: later)
    gone = client.get(f"/wachtwoord-herstellen/{token}")
    assert gone.status_code == 410 and "Vraag een nieuwe link aan" in gone.get_data(as_text=True)
    assert client.get("/wachtwoord-herstellen/geen-echte-link").status_code == 410


def test_staff_still_give_their_second_factor_after_a_reset(client, make):
    facilitator = make.user(role=Role.facilitator)
    enable_two_factor(facilitator)
    token = password_reset.reset_token(facilitator)
    client.post(f"/wachtwoord-herstellen/{token}",
                data={"new_password": NEW_PASSWORD, "new_password_repeat": NEW_PASSWORD})
    response = client.post("/login", data={"email": facilitator.email,
                                           "password": NEW_PASSWORD})
    assert response.headers["Location"].endswith("/login/code")
    assert client.get("/account").status_code == 302


def test_requests_are_limited_per_address(app, client, make):
    app.config["RESET_RATE_LIMIT"] = "2 per hour"
    user = make.user()
    for number in range(2):
        client.environ_base["REMOTE_ADDR"] = f"192.0.2.{number + 10}"
        assert client.post(FORGOT, data={"email": user.email}).status_code == 303
    client.environ_base["REMOTE_ADDR"] = "192.0.2.99"
    assert client.post(FORGOT, data={"email": user.email}).status_code == 429
    assert len(_messages()) == 2


def test_choosing_a_language_keeps_it_with_the_account(client, make, login):
    user = make.user()
    login(user)
    client.post("/taal", data={"lang": "en"})
    db.session.refresh(user)
    assert user.language == "en"
