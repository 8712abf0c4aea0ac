"""Two-factor sign-in: setting it up, the code step, recovery codes, the rules for staff,
turning it off, resets by admins and on the command line, the security log and the migration."""

from __future__ import annotations

import hashlib
import logging
import re
from datetime import UTC, datetime, timedelta

import pyotp
import pytest
import sqlalchemy as sa
from cryptography.fernet import Fernet
from flask_migrate import downgrade, upgrade

from proeftuin import create_app
from proeftuin.auth import two_factor
from proeftuin.config import ConfigError, load_config
from proeftuin.extensions import db
from proeftuin.models import RecoveryCode, Role, User, UserSession, utcnow
from tests.conftest import PASSWORD, TOTP_KEY

CODE_PATTERN = re.compile(r"\b[a-km-np-z2-9]{4}-[a-km-np-z2-9]{4}-[a-km-np-z2-9]{4}-[a-km-np-z2-9]{4}\b")
WRONG_CODE_MESSAGE = "Deze code klopt niet of is al gebruikt."


# Helpers ----------------------------------------------------------------------------------


class Clock:
    """The two-factor module's clock, frozen mid-way through a 30-second time step."""

    def __init__(self):
        start = utcnow().timestamp() // 30 * 30
        self.now = datetime.fromtimestamp(start + 15, UTC)

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta) -> None:
        self.now += timedelta(**delta)


@pytest.fixture
def clock(monkeypatch):
    """Freeze time for codes and the pending sign-in, so no test straddles a time step."""
    frozen = Clock()
    monkeypatch.setattr(two_factor, "utcnow", frozen)
    return frozen


@pytest.fixture
def security_log(caplog):
    caplog.set_level(logging.INFO, logger="proeftuin.security")
    return lambda: [r.getMessage() for r in caplog.records if r.name == "proeftuin.security"]


@pytest.fixture
def required(app):
    """This site requires two-factor sign-in of facilitators and admins (as production does)."""
    app.config["REQUIRE_TWO_FACTOR"] = True


def enable_two_factor(user: User) -> list[str]:
    """Switch two-factor sign-in on for the user directly; return the recovery codes."""
    two_factor.start_enrolment(user)
    user.totp_enabled_at = utcnow()
    codes = two_factor.new_recovery_codes(user)
    db.session.commit()
    return codes


def code(user: User, clock: Clock, steps: int = 0) -> str:
    """The code the user's app shows now, or `steps` time steps from now."""
    db.session.refresh(user)
    return pyotp.TOTP(user.totp_secret).at(clock.now + timedelta(seconds=30 * steps))


def reload(user_id: int) -> User:
    db.session.expire_all()
    return db.session.get(User, user_id)


def sessions_of(user_id: int) -> list[UserSession]:
    db.session.expire_all()
    return list(db.session.scalars(sa.select(UserSession).where(UserSession.user_id == user_id)))


def live_sessions_of(user_id: int) -> list[UserSession]:
    return [s for s in sessions_of(user_id) if s.revoked_at is None]


def signed_in(client) -> bool:
    return client.get("/account").status_code == 200


def password_step(client, user, next_target=None, address="10.0.0.1"):
    data = {"email": user.email, "password": PASSWORD}
    if next_target is not None:
        data["next"] = next_target
    return client.post("/login", data=data, environ_base={"REMOTE_ADDR": address})


def post_code(client, value, address="10.0.0.1"):
    return client.post("/login/code", data={"code": value}, environ_base={"REMOTE_ADDR": address})


def html_of(response) -> str:
    return response.get_data(as_text=True)


def shown_codes(response) -> list[str]:
    return CODE_PATTERN.findall(html_of(response))


# Setting up from the account page ----------------------------------------------------------


def test_participant_sets_up_two_factor_with_qr_code_and_a_confirming_code(
        client, make, login, clock):
    user = make.user(email="deelnemer@voorbeeld.example")
    login(user)
    account = html_of(client.get("/account"))
    assert 'action="/account/tweestapsverificatie/starten"' in account
    assert "Tweestapsverificatie staat uit." in account

    assert client.get("/account/tweestapsverificatie/starten").status_code == 405  # POST only
    response = client.post("/account/tweestapsverificatie/starten")
    assert response.headers["Location"] == "/account/tweestapsverificatie/instellen"

    page = client.get("/account/tweestapsverificatie/instellen")
    html = html_of(page)
    secret = reload(user.id).totp_secret
    assert page.status_code == 200
    assert page.headers["Cache-Control"] == "no-store"
    assert html.count('<h1 class="utrecht-heading-1">') == 1
    # The QR code is inline SVG with an accessible name: nothing loaded, no script, no data: URI.
    assert re.search(r'<svg role="img" aria-label="QR-code[^"]+"', html)
    assert "<script" not in html and "data:image" not in html and "<img src=\"data" not in html
    svg = html[html.index("<svg role"):html.index("</svg>")]
    assert "style=" not in svg  # the CSP allows no inline styles
    assert " ".join(secret[i:i + 4] for i in range(0, 32, 4)) in html  # grouped for typing
    assert ">Proeftuin</dd>" in html and "deelnemer@voorbeeld.example" in html
    assert 'autocomplete="one-time-code"' in html and 'inputmode="numeric"' in html
    assert '<label class="utrecht-form-label" for="code">' in html
    assert not reload(user.id).two_factor_enabled  # not before a code confirms it

    wrong = client.post("/account/tweestapsverificatie/instellen", data={"code": "000000"})
    assert wrong.status_code == 200 and "Deze code klopt niet." in html_of(wrong)
    assert not reload(user.id).two_factor_enabled

    done = client.post("/account/tweestapsverificatie/instellen",
                       data={"code": pyotp.TOTP(secret).at(clock.now)})
    codes = shown_codes(done)
    assert done.status_code == 200
    assert done.headers["Cache-Control"] == "no-store"
    assert "U ziet ze maar één keer." in html_of(done)
    assert len(codes) == 10 == len(set(codes))
    stored = reload(user.id)
    assert stored.two_factor_enabled and stored.totp_secret == secret
    hashes = set(db.session.scalars(
        sa.select(RecoveryCode.code_hash).where(RecoveryCode.user_id == user.id)))
    assert hashes == {hashlib.sha256(c.replace("-", "").encode()).hexdigest() for c in codes}
    assert not hashes & {c.replace("-", "") for c in codes}  # only hashes are stored

    # This browser stays signed in; the account page now says it is on.
    account = html_of(client.get("/account"))
    assert "Tweestapsverificatie staat aan sinds" in account
    assert "U heeft nog 10 ongebruikte herstelcodes." in account


def test_each_start_makes_a_new_secret_and_a_finished_setup_cannot_restart(
        client, make, login, clock):
    user = make.user()
    login(user)
    client.post("/account/tweestapsverificatie/starten")
    first = reload(user.id).totp_secret
    client.post("/account/tweestapsverificatie/starten")
    second = reload(user.id).totp_secret
    assert first and second and first != second

    client.post("/account/tweestapsverificatie/instellen",
                data={"code": pyotp.TOTP(second).at(clock.now)})
    assert reload(user.id).two_factor_enabled
    client.post("/account/tweestapsverificatie/starten")
    assert reload(user.id).totp_secret == second  # switching on again changes nothing
    assert client.get("/account/tweestapsverificatie/instellen").headers["Location"] == "/account"


def test_a_code_of_the_first_secret_does_not_confirm_the_second(client, make, login, clock):
    user = make.user()
    login(user)
    client.post("/account/tweestapsverificatie/starten")
    first = reload(user.id).totp_secret
    client.post("/account/tweestapsverificatie/starten")
    client.post("/account/tweestapsverificatie/instellen",
                data={"code": pyotp.TOTP(first).at(clock.now)})
    assert not reload(user.id).two_factor_enabled


def test_setting_up_ends_the_other_sessions_and_keeps_this_one(app, make, clock):
    user = make.user()
    laptop, phone = app.test_client(), app.test_client()
    for browser in (laptop, phone):
        password_step(browser, user)
    laptop.post("/account/tweestapsverificatie/starten")
    laptop.post("/account/tweestapsverificatie/instellen", data={"code": code(user, clock)})
    assert signed_in(laptop)
    assert not signed_in(phone)


# The code step ------------------------------------------------------------------------------


def test_password_alone_gives_no_session_and_the_code_completes_sign_in(client, make, clock):
    user = make.user()
    enable_two_factor(user)

    response = password_step(client, user)
    assert response.status_code == 302
    assert response.headers["Location"] == "/login/code"
    assert sessions_of(user.id) == []
    with client.session_transaction() as sess:
        assert "sid" not in sess and "_user_id" not in sess
        assert sess["two_factor_pending"]["user_id"] == user.id

    page = client.get("/login/code")
    html = html_of(page)
    assert page.status_code == 200
    assert html.count('<h1 class="utrecht-heading-1">') == 1
    assert '<label class="utrecht-form-label" for="code">' in html
    assert 'autocomplete="one-time-code"' in html and 'inputmode="numeric"' in html
    assert 'href="/login/herstelcode"' in html

    response = post_code(client, code(user, clock))
    assert response.status_code == 302
    assert response.headers["Location"] == "/werkplaats/"
    assert signed_in(client)
    assert len(live_sessions_of(user.id)) == 1
    with client.session_transaction() as sess:
        assert "two_factor_pending" not in sess  # cleared on success


def test_pages_cannot_be_reached_between_password_and_code(client, make, clock):
    admin = make.admin()
    enable_two_factor(admin)
    password_step(client, admin)
    for page in ("/account", "/werkplaats/", "/beheer/", "/begeleiding/",
                 "/account/tweestapsverificatie/instellen"):
        response = client.get(page)
        assert response.status_code == 302, page
        assert response.headers["Location"].startswith("/login?next="), page
    assert client.post("/account/tweestapsverificatie/starten").status_code == 302
    assert client.post("/beheer/gebruikers/nieuw", data={}).status_code == 302
    assert sessions_of(admin.id) == []
    # The code page is still waiting for the code.
    assert client.get("/login/code").status_code == 200


def test_code_step_without_a_password_step_sends_to_sign_in(client, make):
    for page in ("/login/code", "/login/herstelcode", "/login/tweestapsverificatie"):
        response = client.get(page)
        assert response.status_code == 302 and response.headers["Location"] == "/login"
        assert client.post(page, data={"code": "123456"}).headers["Location"] == "/login"


def test_forged_pending_marker_is_not_a_sign_in(client, make, clock):
    user = make.user()
    enable_two_factor(user)
    with client.session_transaction() as sess:
        sess["two_factor_pending"] = {"user_id": str(user.id), "started_at": "nu"}
    assert post_code(client, code(user, clock)).headers["Location"] == "/login"
    assert sessions_of(user.id) == []


def _copied_marker(client) -> dict:
    with client.session_transaction() as sess:
        return dict(sess["two_factor_pending"])


def _replay(app, marker: dict, value: str):
    """Another browser presents a copy of the password-accepted cookie, and a valid code."""
    thief = app.test_client()
    with thief.session_transaction() as sess:
        sess["two_factor_pending"] = marker
    return post_code(thief, value, address="10.9.9.9")


def test_a_copied_pending_marker_is_worthless_once_sign_in_completed(app, make, clock):
    user = make.user()
    enable_two_factor(user)
    owner = app.test_client()
    password_step(owner, user)
    marker = _copied_marker(owner)
    post_code(owner, code(user, clock))
    assert len(live_sessions_of(user.id)) == 1

    response = _replay(app, marker, code(user, clock, steps=1))
    assert response.headers["Location"] == "/login"
    assert len(live_sessions_of(user.id)) == 1


def test_a_pending_marker_dies_with_a_password_change(app, make, clock):
    from proeftuin.auth import services

    user = make.user()
    enable_two_factor(user)
    client = app.test_client()
    password_step(client, user)
    marker = _copied_marker(client)
    services.change_password(reload(user.id), "een heel ander lang wachtwoord")
    db.session.commit()

    response = _replay(app, marker, code(user, clock))
    assert response.headers["Location"] == "/login"
    assert sessions_of(user.id) == []


def test_wrong_code_is_refused_beside_the_field(client, make, clock):
    user = make.user()
    enable_two_factor(user)
    password_step(client, user)
    for value, message in (("000000", WRONG_CODE_MESSAGE),
                           ("12345", "Een code bestaat uit zes cijfers."),
                           ("abcdef", "Een code bestaat uit zes cijfers."),
                           ("\u0661\u0662\u0663\u0664\u0665\u0666", "Een code bestaat uit zes cijfers."),
                           ("", "Vul de code uit uw authenticator-app in."),
                           ("1" * 10_000, "Een code bestaat uit zes cijfers.")):
        response = post_code(client, value)
        assert response.status_code == 200
        assert 'id="code-error"' in html_of(response) and message in html_of(response)
    assert sessions_of(user.id) == []
    assert not signed_in(client)


def test_code_with_spaces_is_accepted(client, make, clock):
    user = make.user()
    enable_two_factor(user)
    password_step(client, user)
    value = code(user, clock)
    assert post_code(client, f" {value[:3]} {value[3:]} ").status_code == 302
    assert signed_in(client)


def test_replayed_code_is_refused(app, make, clock):
    user = make.user()
    enable_two_factor(user)
    value = code(user, clock)
    first, second = app.test_client(), app.test_client()
    password_step(first, user)
    assert post_code(first, value).status_code == 302

    password_step(second, user)
    response = post_code(second, value)
    assert response.status_code == 200
    assert WRONG_CODE_MESSAGE in html_of(response)
    assert not signed_in(second)
    # Nor is the code of an earlier time step, once a later one was used.
    assert post_code(second, code(user, clock, steps=-1)).status_code == 200
    assert not signed_in(second)
    # The next time step's code works.
    clock.advance(seconds=30)
    assert post_code(second, code(user, clock)).status_code == 302


@pytest.mark.parametrize("steps, accepted", [(-2, False), (-1, True), (1, True), (2, False)])
def test_codes_one_time_step_either_side_are_accepted(client, make, clock, steps, accepted):
    user = make.user()
    enable_two_factor(user)
    password_step(client, user)
    response = post_code(client, code(user, clock, steps=steps))
    assert (response.status_code == 302) is accepted
    assert signed_in(client) is accepted


def test_expired_pending_step_needs_the_password_again(client, make, clock):
    user = make.user()
    enable_two_factor(user)
    password_step(client, user, next_target="/account")
    clock.advance(minutes=5, seconds=1)

    response = post_code(client, code(user, clock))
    assert response.status_code == 302
    assert response.headers["Location"] == "/login"
    assert sessions_of(user.id) == []
    page = html_of(client.get("/login"))
    assert "Het inloggen duurde te lang of is afgebroken. Log opnieuw in." in page
    with client.session_transaction() as sess:
        assert "two_factor_pending" not in sess


def test_pending_step_of_exactly_five_minutes_still_works(client, make, clock):
    # The other side of the boundary is the test above: a second later needs the password.
    user = make.user()
    enable_two_factor(user)
    password_step(client, user)
    clock.advance(minutes=5)
    assert post_code(client, code(user, clock)).status_code == 302
    assert signed_in(client)


def test_next_is_kept_through_the_code_step_and_stays_on_the_site(app, make, clock):
    user = make.user()
    enable_two_factor(user)
    browser = app.test_client()
    password_step(browser, user, next_target="/account")
    assert post_code(browser, code(user, clock)).headers["Location"] == "/account"

    clock.advance(seconds=30)
    other = app.test_client()
    password_step(other, user, next_target="//evil.example/")
    assert post_code(other, code(user, clock)).headers["Location"] == "/werkplaats/"


def test_a_deactivated_account_cannot_finish_the_code_step(client, make, clock):
    user = make.user()
    enable_two_factor(user)
    password_step(client, user)
    user.active = False
    db.session.commit()
    assert post_code(client, code(user, clock)).headers["Location"] == "/login"
    assert sessions_of(user.id) == []


def test_participant_without_two_factor_signs_in_with_the_password(client, make, required):
    user = make.user()
    response = password_step(client, user)
    assert response.headers["Location"] == "/werkplaats/"
    assert signed_in(client)


# Recovery codes -------------------------------------------------------------------------------


def test_recovery_code_signs_in_once(app, make, clock):
    user = make.user()
    codes = enable_two_factor(user)
    browser = app.test_client()
    password_step(browser, user)
    page = browser.get("/login/herstelcode")
    assert page.status_code == 200
    assert 'autocomplete="off"' in html_of(page)

    # Capitals and spaces, as people type it, are fine.
    typed = codes[0].upper().replace("-", " ")
    response = browser.post("/login/herstelcode", data={"code": typed})
    assert response.status_code == 302
    assert "U heeft nog 9 herstelcodes over." in html_of(browser.get("/account"))
    used = db.session.scalars(sa.select(RecoveryCode).where(RecoveryCode.used_at.is_not(None)))
    assert len(list(used)) == 1

    again = app.test_client()
    password_step(again, user)
    response = again.post("/login/herstelcode", data={"code": codes[0]})
    assert response.status_code == 200
    assert "Deze herstelcode klopt niet of is al gebruikt." in html_of(response)
    assert not signed_in(again)
    assert again.post("/login/herstelcode", data={"code": codes[1]}).status_code == 302


def test_another_users_recovery_code_does_not_work(client, make, clock):
    owner, other = make.user(), make.user()
    codes = enable_two_factor(owner)
    enable_two_factor(other)
    password_step(client, other)
    assert client.post("/login/herstelcode", data={"code": codes[0]}).status_code == 200
    assert not signed_in(client)


def test_new_recovery_codes_need_a_current_code_and_replace_the_old(client, make, clock):
    user = make.user()
    old = enable_two_factor(user)
    password_step(client, user)
    post_code(client, code(user, clock, steps=-1))

    page = client.get("/account/tweestapsverificatie/herstelcodes")
    assert page.status_code == 200 and 'inputmode="numeric"' in html_of(page)
    refused = client.post("/account/tweestapsverificatie/herstelcodes", data={"code": "000000"})
    assert refused.status_code == 200 and WRONG_CODE_MESSAGE in html_of(refused)
    assert shown_codes(refused) == []

    response = client.post("/account/tweestapsverificatie/herstelcodes",
                           data={"code": code(user, clock)})
    new = shown_codes(response)
    assert response.status_code == 200 and len(new) == 10
    assert response.headers["Cache-Control"] == "no-store"
    assert not set(new) & set(old)
    assert not two_factor.use_recovery_code(reload(user.id), old[1])
    assert two_factor.use_recovery_code(reload(user.id), new[1])


# Staff and REQUIRE_TWO_FACTOR -------------------------------------------------------------------


@pytest.mark.parametrize("role", [Role.facilitator, Role.admin])
def test_staff_must_set_up_two_factor_before_they_get_a_session(client, make, clock, required,
                                                                role):
    user = make.user(role=role)
    response = password_step(client, user, next_target="/account")
    assert response.headers["Location"] == "/login/tweestapsverificatie"
    assert sessions_of(user.id) == []
    assert not signed_in(client)
    assert client.get("/login/code").headers["Location"] == "/login/tweestapsverificatie"

    page = client.get("/login/tweestapsverificatie")
    html = html_of(page)
    assert page.status_code == 200
    assert "moeten daarom met tweestapsverificatie inloggen" in html
    assert '<svg role="img"' in html
    assert sessions_of(user.id) == []

    wrong = client.post("/login/tweestapsverificatie", data={"code": "000000"})
    assert wrong.status_code == 200 and not signed_in(client)

    done = client.post("/login/tweestapsverificatie", data={"code": code(user, clock)})
    assert done.status_code == 200
    assert len(shown_codes(done)) == 10
    assert 'href="/account"' in html_of(done)  # on to where they were going
    assert signed_in(client)
    assert reload(user.id).two_factor_enabled

    # From now on they sign in with a code.
    client.post("/logout")
    clock.advance(seconds=30)
    assert password_step(client, user).headers["Location"] == "/login/code"
    assert post_code(client, code(user, clock)).status_code == 302


def test_each_password_step_gives_staff_a_fresh_secret(app, make, clock, required):
    user = make.facilitator()
    password_step(app.test_client(), user)
    seen_by_first = reload(user.id).totp_secret
    browser = app.test_client()
    password_step(browser, user)
    assert reload(user.id).totp_secret != seen_by_first
    response = browser.post("/login/tweestapsverificatie",
                            data={"code": pyotp.TOTP(seen_by_first).at(clock.now)})
    assert response.status_code == 200 and not signed_in(browser)


def test_enrolment_during_sign_in_has_fifteen_minutes(client, make, clock, required):
    user = make.facilitator()
    password_step(client, user)
    clock.advance(minutes=14)
    assert client.post("/login/tweestapsverificatie",
                       data={"code": code(user, clock)}).status_code == 200
    assert signed_in(client)


def test_staff_sign_in_with_the_password_when_the_setting_is_off(client, make):
    assert client.application.config["REQUIRE_TWO_FACTOR"] is False
    user = make.facilitator()
    page = html_of(client.get("/login"))
    assert "deze demo laat begeleiders en beheerders inloggen zonder tweestapsverificatie" in page
    assert "In productie is tweestapsverificatie voor hen verplicht" in page
    assert password_step(client, user).headers["Location"] == "/begeleiding/"
    assert signed_in(client)


def test_the_notice_and_the_code_step_are_in_english_too(client, make, clock):
    client.post("/taal", data={"lang": "en", "next": "/"})
    assert "this demo lets facilitators and administrators sign in without two-factor" in (
        html_of(client.get("/login")))
    user = make.user()
    enable_two_factor(user)
    password_step(client, user)
    page = html_of(client.get("/login/code"))
    assert "Enter code" in page and "Code from your app" in page


def test_the_demo_notice_is_gone_when_two_factor_is_required(client, required):
    assert "deze demo laat" not in html_of(client.get("/login"))


def test_a_production_site_without_the_requirement_does_not_advertise_it(app, client):
    # Switching the requirement off in production is the operator's choice; the sign-in
    # page must not tell visitors that staff accounts have no second factor.
    app.config["ENV_NAME"] = "production"
    assert app.config["REQUIRE_TWO_FACTOR"] is False
    assert "deze demo laat" not in html_of(client.get("/login"))


@pytest.mark.parametrize("env, override, expected", [
    ({"PROEFTUIN_ENV": "production"}, None, True),
    ({"PROEFTUIN_ENV": "production"}, "0", False),
    ({"PROEFTUIN_ENV": "production"}, "false", False),
    ({}, None, False),
    ({}, "1", True),
    ({}, "TRUE", True),
])
def test_require_two_factor_follows_the_environment(monkeypatch, tmp_path, env, override,
                                                    expected):
    monkeypatch.delenv("PROEFTUIN_ENV", raising=False)
    monkeypatch.delenv("REQUIRE_TWO_FACTOR", raising=False)
    monkeypatch.setenv("SECRET_KEY", "x" * 40)
    monkeypatch.setenv("TOTP_ENCRYPTION_KEY", TOTP_KEY)
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    if override is not None:
        monkeypatch.setenv("REQUIRE_TWO_FACTOR", override)
    assert load_config(str(tmp_path))["REQUIRE_TWO_FACTOR"] is expected


def test_an_unclear_require_two_factor_value_stops_the_start(monkeypatch, tmp_path):
    monkeypatch.setenv("REQUIRE_TWO_FACTOR", "misschien")
    with pytest.raises(ConfigError, match="REQUIRE_TWO_FACTOR"):
        load_config(str(tmp_path))


def test_making_someone_a_facilitator_ends_their_password_only_sessions(app, make):
    participant, admin = make.user(), make.admin()
    theirs, admin_client = app.test_client(), app.test_client()
    password_step(theirs, participant)
    password_step(admin_client, admin)
    assert signed_in(theirs) and signed_in(admin_client)
    app.config["REQUIRE_TWO_FACTOR"] = True

    response = admin_client.post(f"/beheer/gebruikers/{participant.id}", data={
        "name": participant.name, "email": participant.email, "role": "facilitator",
        "active": "y"})
    assert response.status_code == 302
    assert reload(participant.id).role is Role.facilitator
    assert not signed_in(theirs)
    assert password_step(theirs, participant).headers["Location"] == "/login/tweestapsverificatie"


def test_a_role_change_without_the_requirement_keeps_sessions(app, make):
    participant, admin = make.user(), make.admin()
    theirs, admin_client = app.test_client(), app.test_client()
    password_step(theirs, participant)
    password_step(admin_client, admin)
    admin_client.post(f"/beheer/gebruikers/{participant.id}", data={
        "name": participant.name, "email": participant.email, "role": "facilitator",
        "active": "y"})
    assert reload(participant.id).role is Role.facilitator
    assert signed_in(theirs)


# Turning it off ------------------------------------------------------------------------------


def _disable(client, password=PASSWORD, code_value="", recovery=""):
    return client.post("/account/tweestapsverificatie/uitzetten",
                       data={"password": password, "code": code_value, "recovery_code": recovery})


def test_participant_turns_two_factor_off_with_password_and_code(client, make, clock):
    user = make.user()
    codes = enable_two_factor(user)
    password_step(client, user)
    post_code(client, code(user, clock, steps=-1))
    assert 'href="/account/tweestapsverificatie/uitzetten"' in html_of(client.get("/account"))

    page = client.get("/account/tweestapsverificatie/uitzetten")
    assert page.status_code == 200 and 'autocomplete="current-password"' in html_of(page)

    wrong_password = _disable(client, password="niet mijn wachtwoord", code_value=code(user, clock))
    assert "Dit is niet uw wachtwoord." in html_of(wrong_password)
    no_code = _disable(client)
    assert "Vul de code uit uw app in, of een herstelcode." in html_of(no_code)
    wrong_code = _disable(client, code_value="000000")
    assert WRONG_CODE_MESSAGE in html_of(wrong_code)
    assert reload(user.id).two_factor_enabled

    response = _disable(client, code_value=code(user, clock))
    assert response.headers["Location"] == "/account"
    stored = reload(user.id)
    assert not stored.two_factor_enabled and stored.totp_secret is None
    assert db.session.scalar(sa.select(sa.func.count()).select_from(RecoveryCode)) == 0
    assert signed_in(client)

    client.post("/logout")
    assert password_step(client, user).headers["Location"] == "/werkplaats/"
    assert codes  # the old recovery codes are gone with it


def test_two_factor_can_be_turned_off_with_a_recovery_code(client, make, clock):
    user = make.user()
    codes = enable_two_factor(user)
    password_step(client, user)
    client.post("/login/herstelcode", data={"code": codes[0]})
    assert _disable(client, recovery=codes[0]).status_code == 200  # already used
    assert reload(user.id).two_factor_enabled
    assert _disable(client, recovery=codes[1]).status_code == 302
    assert not reload(user.id).two_factor_enabled


@pytest.mark.parametrize("role", [Role.facilitator, Role.admin])
def test_staff_cannot_turn_two_factor_off_while_it_is_required(client, make, clock, required,
                                                              role):
    user = make.user(role=role)
    enable_two_factor(user)
    password_step(client, user)
    post_code(client, code(user, clock, steps=-1))
    account = html_of(client.get("/account"))
    assert "/account/tweestapsverificatie/uitzetten" not in account
    assert "Voor uw rol is tweestapsverificatie verplicht." in account

    assert client.get("/account/tweestapsverificatie/uitzetten").status_code == 403
    assert _disable(client, code_value=code(user, clock)).status_code == 403
    assert reload(user.id).two_factor_enabled


def test_staff_may_turn_it_off_when_the_site_does_not_require_it(client, make, clock):
    user = make.facilitator()
    enable_two_factor(user)
    password_step(client, user)
    post_code(client, code(user, clock, steps=-1))
    assert _disable(client, code_value=code(user, clock)).status_code == 302
    assert not reload(user.id).two_factor_enabled


def test_two_factor_pages_need_a_signed_in_user(client):
    for page in ("/account/tweestapsverificatie/instellen",
                 "/account/tweestapsverificatie/herstelcodes",
                 "/account/tweestapsverificatie/uitzetten"):
        assert client.get(page).headers["Location"].startswith("/login?next=")
    assert client.post("/account/tweestapsverificatie/starten").status_code == 302


def _token(response) -> str:
    return re.search(r'name="csrf_token"[^>]*value="([^"]+)"', html_of(response)).group(1)


def test_two_factor_forms_carry_a_working_csrf_token(csrf_app, make, clock):
    user = make.user()
    enable_two_factor(user)
    client = csrf_app.test_client()
    client.post("/login", data={"email": user.email, "password": PASSWORD,
                                "csrf_token": _token(client.get("/login"))})
    assert client.post("/login/code", data={"code": code(user, clock)}).status_code == 400
    response = client.post("/login/code", data={"code": code(user, clock),
                                                "csrf_token": _token(client.get("/login/code"))})
    assert response.status_code == 302 and signed_in(client)

    account = client.get("/account")
    assert client.post("/account/tweestapsverificatie/uitzetten", data={
        "password": PASSWORD, "recovery_code": "x"}).status_code == 400
    clock.advance(seconds=30)
    response = client.post("/account/tweestapsverificatie/herstelcodes", data={
        "code": code(user, clock),
        "csrf_token": _token(client.get("/account/tweestapsverificatie/herstelcodes"))})
    assert len(shown_codes(response)) == 10
    assert 'name="csrf_token"' in html_of(account)


# Rate limiting --------------------------------------------------------------------------------


def test_guessing_codes_is_rate_limited_per_account_from_any_address(app, client, make, clock):
    app.config["LOGIN_RATE_LIMIT"] = "3 per minute"
    user = make.user()
    enable_two_factor(user)
    password_step(client, user, address="10.9.0.1")
    for n in range(2):
        assert post_code(client, "000000", address=f"10.9.1.{n}").status_code == 200
    # The recovery-code page draws on the same budget.
    assert client.post("/login/herstelcode", data={"code": "aaaa-bbbb-cccc-dddd"},
                       environ_base={"REMOTE_ADDR": "10.9.1.50"}).status_code == 200
    response = post_code(client, code(user, clock), address="10.9.1.99")
    assert response.status_code == 429
    assert "Te veel pogingen" in html_of(response)
    assert sessions_of(user.id) == []

    # Another account is not affected.
    other = make.user()
    enable_two_factor(other)
    browser = app.test_client()
    password_step(browser, other, address="10.9.2.1")
    assert post_code(browser, code(other, clock), address="10.9.2.1").status_code == 302


def test_guessing_codes_from_one_address_is_rate_limited(app, make, clock):
    app.config["LOGIN_RATE_LIMIT"] = "3 per minute"
    users = [make.user() for _ in range(4)]
    for user in users:
        enable_two_factor(user)
    for n, user in enumerate(users):
        browser = app.test_client()
        password_step(browser, user, address=f"10.8.0.{n}")
        response = post_code(browser, "000000", address="10.8.1.1")
    assert response.status_code == 429


# Resets --------------------------------------------------------------------------------------


def test_admin_resets_two_factor_and_the_users_sessions_end(app, make, clock, security_log):
    user = make.user(name="Telefoon Kwijt")
    enable_two_factor(user)
    theirs = app.test_client()
    password_step(theirs, user)
    post_code(theirs, code(user, clock, steps=-1))
    assert signed_in(theirs)
    admin = make.admin()
    admin_client = app.test_client()
    password_step(admin_client, admin)

    page = html_of(admin_client.get(f"/beheer/gebruikers/{user.id}"))
    assert f'action="/beheer/gebruikers/{user.id}/tweestapsverificatie-resetten"' in page
    assert "Staat aan sinds" in page

    response = admin_client.post(f"/beheer/gebruikers/{user.id}/tweestapsverificatie-resetten")
    assert response.headers["Location"] == f"/beheer/gebruikers/{user.id}"
    assert "is gereset" in html_of(admin_client.get(response.headers["Location"]))
    stored = reload(user.id)
    assert stored.totp_secret is None and not stored.two_factor_enabled
    assert db.session.scalar(sa.select(sa.func.count()).select_from(RecoveryCode)) == 0
    assert live_sessions_of(user.id) == []
    assert not signed_in(theirs)
    assert any('event="two_factor_reset"' in line and f'account_id="{user.id}"' in line
               and f'by="{admin.id}"' in line for line in security_log())
    # A participant signs in with the password again.
    assert password_step(theirs, user).headers["Location"] == "/werkplaats/"


def test_only_admins_may_reset_and_not_their_own(app, client, make, clock, login):
    user = make.user()
    enable_two_factor(user)
    login(make.facilitator())
    assert client.post(f"/beheer/gebruikers/{user.id}/tweestapsverificatie-resetten"
                       ).status_code == 403
    assert reload(user.id).two_factor_enabled

    admin = make.admin()
    enable_two_factor(admin)
    browser = app.test_client()
    password_step(browser, admin)
    post_code(browser, code(admin, clock))
    response = browser.post(f"/beheer/gebruikers/{admin.id}/tweestapsverificatie-resetten",
                            follow_redirects=True)
    assert "U kunt uw eigen tweestapsverificatie hier niet resetten." in html_of(response)
    assert reload(admin.id).two_factor_enabled
    assert signed_in(browser)

    missing = browser.post("/beheer/gebruikers/999999/tweestapsverificatie-resetten")
    assert missing.status_code == 404
    assert browser.get(f"/beheer/gebruikers/{user.id}/tweestapsverificatie-resetten"
                       ).status_code == 405


def test_staff_set_up_again_after_a_reset_when_required(app, make, clock, required):
    facilitator = make.facilitator()
    enable_two_factor(facilitator)
    two_factor.reset(facilitator)
    db.session.commit()
    browser = app.test_client()
    assert password_step(browser, facilitator).headers["Location"] == "/login/tweestapsverificatie"


def _reset_command(runner, email):
    with runner.app.app_context():
        return runner.invoke(args=["reset-two-factor", email])


def test_reset_command_for_the_only_admin(app, runner, make, clock, required):
    admin = make.admin(email="enige.beheerder@voorbeeld.example")
    enable_two_factor(admin)
    browser = app.test_client()
    password_step(browser, admin)
    post_code(browser, code(admin, clock))
    assert signed_in(browser)

    result = _reset_command(runner, "Enige.Beheerder@voorbeeld.example")
    assert result.exit_code == 0, result.output
    assert "Two-factor sign-in reset for enige.beheerder@voorbeeld.example" in result.output
    assert not reload(admin.id).two_factor_enabled
    assert not signed_in(browser)
    # Required for admins: the next sign-in sets it up again.
    assert password_step(browser, admin).headers["Location"] == "/login/tweestapsverificatie"


def test_reset_command_refuses_unknown_accounts_and_accounts_without_two_factor(runner, make):
    user = make.user()
    unknown = _reset_command(runner, "niemand@voorbeeld.example")
    assert unknown.exit_code != 0 and "No account" in unknown.output
    without = _reset_command(runner, user.email)
    assert without.exit_code != 0
    assert "Dit account heeft geen tweestapsverificatie ingesteld." in without.output


# The security log -----------------------------------------------------------------------------


def test_security_log_records_every_two_factor_event_without_secrets(app, make, clock,
                                                                    security_log):
    user = make.user()
    browser = app.test_client()
    password_step(browser, user)
    browser.post("/account/tweestapsverificatie/starten")
    secret = reload(user.id).totp_secret
    browser.post("/account/tweestapsverificatie/instellen", data={"code": "000000"})
    first = code(user, clock, steps=-1)
    enabled = browser.post("/account/tweestapsverificatie/instellen", data={"code": first})
    codes = shown_codes(enabled)
    second = code(user, clock)
    regenerated = browser.post("/account/tweestapsverificatie/herstelcodes",
                               data={"code": second})
    codes += shown_codes(regenerated)
    browser.post("/logout")

    password_step(browser, user)
    post_code(browser, "123456")
    browser.post("/login/herstelcode", data={"code": codes[-1]})
    clock.advance(seconds=30)
    third = code(user, clock)
    browser.post("/account/tweestapsverificatie/uitzetten",
                 data={"password": PASSWORD, "code": third})

    lines = security_log()
    for event in ("two_factor_enabled", "two_factor_failed", "recovery_codes_regenerated",
                  "recovery_code_used", "two_factor_disabled"):
        assert any(f'event="{event}"' in line and f'account_id="{user.id}"' in line
                   for line in lines), event
    assert any('event="sign_in"' in line and 'second_factor="recovery_code"' in line
               for line in lines)
    joined = "\n".join(lines)
    for secret_value in (secret, *codes, *(c.replace("-", "") for c in codes), first, second,
                         third, "123456", "000000", PASSWORD):
        assert secret_value not in joined


# The migration --------------------------------------------------------------------------------


@pytest.fixture
def migration_app(tmp_path):
    """An app on an empty SQLite file, for running the migrations themselves."""
    url = f"sqlite:///{tmp_path / 'two_factor_migration.sqlite3'}"
    app = create_app({"TESTING": True, "SECRET_KEY": "test", "SQLALCHEMY_DATABASE_URI": url})
    with app.app_context():
        yield app
        db.session.remove()
        db.engine.dispose()


def test_migration_adds_and_removes_two_factor_without_touching_other_rows(migration_app):
    upgrade(revision="0001")
    with db.engine.begin() as conn:
        conn.execute(sa.text(
            "INSERT INTO user_account (id, email, name, password_hash, role, active, created_at)"
            " VALUES (1, 'a@voorbeeld.example', 'A', 'x', 'admin', true, '2026-01-01 00:00:00')"))
        conn.execute(sa.text(
            "INSERT INTO user_session (user_id, token_hash, created_at, last_seen_at)"
            " VALUES (1, 'h', '2026-01-01 00:00:00', '2026-01-01 00:00:00')"))

    upgrade()
    columns = {c["name"] for c in sa.inspect(db.engine).get_columns("user_account")}
    assert {"totp_secret", "totp_enabled_at", "totp_last_counter"} <= columns
    assert "recovery_code" in sa.inspect(db.engine).get_table_names()

    downgrade(revision="0001")
    inspector = sa.inspect(db.engine)
    assert "recovery_code" not in inspector.get_table_names()
    assert "totp_secret" not in {c["name"] for c in inspector.get_columns("user_account")}
    with db.engine.connect() as conn:
        # Dropping the columns must not cascade into the account's other rows.
        assert conn.scalar(sa.text("SELECT count(*) FROM user_session")) == 1
        assert conn.scalar(sa.text("SELECT count(*) FROM user_account")) == 1


# The secret at rest ---------------------------------------------------------------------------


def _stored_secret(user_id: int) -> str:
    with db.engine.connect() as conn:
        return conn.scalar(sa.text("SELECT totp_secret FROM user_account WHERE id = :id"),
                           {"id": user_id})


def test_the_secret_is_encrypted_at_rest(ctx, make):
    user = make.user()
    user.totp_secret = pyotp.random_base32()
    db.session.commit()
    stored = _stored_secret(user.id)
    # A copy of the database alone holds no secret: not the text, nor anything that reads as it.
    assert stored != user.totp_secret and user.totp_secret not in stored
    assert Fernet(TOTP_KEY).decrypt(stored.encode()).decode() == user.totp_secret
    assert reload(user.id).totp_secret == user.totp_secret


def test_a_new_key_reads_the_old_secrets_and_rotation_moves_them_to_it(app, make, runner):
    with app.app_context():
        user = make.user()
        user.totp_secret = secret = pyotp.random_base32()
        db.session.commit()
        user_id = user.id
    new_key = Fernet.generate_key().decode()
    app.config["TOTP_ENCRYPTION_KEY"] = (new_key, TOTP_KEY)
    with app.app_context():
        assert reload(user_id).totp_secret == secret  # the old key still reads it
    done = runner.invoke(args=["rotate-totp-key"])
    assert done.exit_code == 0 and "1 TOTP secret(s)" in done.output
    app.config["TOTP_ENCRYPTION_KEY"] = (new_key,)
    with app.app_context():
        db.session.expire_all()
        assert reload(user_id).totp_secret == secret  # the new key alone reads it now
        assert Fernet(new_key).decrypt(_stored_secret(user_id).encode()).decode() == secret


def test_production_needs_a_key_of_its_own(monkeypatch, tmp_path):
    monkeypatch.setenv("PROEFTUIN_ENV", "production")
    monkeypatch.setenv("SECRET_KEY", "x" * 40)
    monkeypatch.delenv("TOTP_ENCRYPTION_KEY", raising=False)
    with pytest.raises(ConfigError, match="TOTP_ENCRYPTION_KEY"):
        load_config(str(tmp_path))
    monkeypatch.setenv("TOTP_ENCRYPTION_KEY", "geen-sleutel")
    with pytest.raises(ConfigError, match="not a Fernet key"):
        load_config(str(tmp_path))
