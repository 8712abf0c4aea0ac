"""The security log records who signed in, failed or was refused, and never a secret."""

from __future__ import annotations

import logging

import pytest

from tests.factories import PASSWORD


@pytest.fixture
def security_log(caplog):
    caplog.set_level(logging.INFO, logger="proeftuin.security")
    return lambda: [r.getMessage() for r in caplog.records if r.name == "proeftuin.security"]


def test_sign_in_and_failure_are_logged_without_address_or_password(client, make, security_log):
    user = make.user(email="geheim.adres@voorbeeld.example")
    client.post("/login", data={"email": user.email, "password": "helemaal verkeerd 123"})
    client.post("/login", data={"email": user.email, "password": PASSWORD})

    lines = security_log()
    assert any('event="sign_in_failed"' in line and 'account="' in line for line in lines)
    assert any('event="sign_in"' in line and f'account_id="{user.id}"' in line for line in lines)
    joined = "\n".join(lines)
    assert "geheim.adres" not in joined
    assert "helemaal verkeerd" not in joined
    assert PASSWORD not in joined


def test_failed_sign_ins_on_one_account_share_a_fingerprint(client, make, security_log):
    for spelling in ("Iemand@voorbeeld.example", " iemand@voorbeeld.example"):
        client.post("/login", data={"email": spelling, "password": "verkeerd wachtwoord"})
    fingerprints = {line.split('account="')[1].split('"')[0]
                    for line in security_log() if "sign_in_failed" in line}
    assert len(fingerprints) == 1


def test_denied_access_is_logged_with_user_and_path(client, make, login, security_log):
    user = make.user()
    login(user)
    assert client.get("/beheer/").status_code == 403
    assert any('event="access_denied"' in line and f'user="{user.id}"' in line
               and 'path="/beheer/"' in line for line in security_log())


def test_csrf_failure_is_logged(csrf_app, security_log):
    csrf_app.test_client().post("/taal", data={"lang": "en"})
    assert any('event="csrf_failed"' in line for line in security_log())


def test_a_hostile_value_cannot_forge_a_field_or_a_line(app, security_log):
    from proeftuin.security_log import log_event

    with app.test_request_context('/pad" event="sign_in'):
        log_event("access_denied", reason='x"\nevent="forged')

    (line,) = security_log()
    assert line.count(' event="') == 0 and line.startswith('event="access_denied"')
    assert "\n" not in line
