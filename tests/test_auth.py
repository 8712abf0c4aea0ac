"""Sign-in, rate limiting, the account page and changing the password."""

from __future__ import annotations

import re
import subprocess
import sys

import pytest
import sqlalchemy as sa
from argon2 import PasswordHasher

from proeftuin.auth.passwords import (
    DUMMY_HASH,
    hash_password,
    needs_rehash,
    verify_password,
)
from proeftuin.extensions import db
from proeftuin.models import MemberRole, Membership, OutboxMessage, User, UserSession
from tests.conftest import PASSWORD

NEW_PASSWORD = "een heel nieuw wachtwoord 2024"
FAILED = "Deze combinatie van e-mailadres en wachtwoord kennen we niet."




def _sessions_of(user_id: int) -> list[UserSession]:
    db.session.expire_all()
    return list(db.session.scalars(
        sa.select(UserSession).where(UserSession.user_id == user_id).order_by(UserSession.id)
    ))


def _reload(user_id: int) -> User:
    db.session.expire_all()
    return db.session.get(User, user_id)


def _signed_in(client) -> bool:
    """Whether the client's cookie is a signed-in session (the account page answers 200)."""
    return client.get("/account").status_code == 200


# Sign-in --------------------------------------------------------------------------------


def test_login_page_has_labelled_fields_with_autocomplete(client):
    response = client.get("/login")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert html.count('<h1 class="utrecht-heading-1">') == 1
    assert '<label class="utrecht-form-label" for="email">' in html
    assert '<label class="utrecht-form-label" for="password">' in html
    assert 'autocomplete="username"' in html
    assert 'autocomplete="current-password"' in html


def test_user_signs_in_and_reaches_workspace_list(client, make):
    user = make.user()
    response = client.post("/login", data={"email": user.email, "password": PASSWORD})
    assert response.status_code == 302
    assert response.headers["Location"] == "/werkplaats/"
    assert _signed_in(client)
    sessions = _sessions_of(user.id)
    assert len(sessions) == 1 and sessions[0].revoked_at is None
    assert _reload(user.id).last_login_at is not None


def test_failed_sign_in_keeps_email_and_does_not_tell_whether_account_exists(client, make):
    user = make.user(email="bestaand@voorbeeld.example")
    wrong_password = client.post(
        "/login", data={"email": user.email, "password": "verkeerd wachtwoord!"}
    )
    unknown_account = client.post(
        "/login", data={"email": "onbekend@voorbeeld.example", "password": "verkeerd wachtwoord!"}
    )
    for response, typed in ((wrong_password, user.email),
                            (unknown_account, "onbekend@voorbeeld.example")):
        html = response.get_data(as_text=True)
        assert response.status_code == 200
        assert FAILED in html
        assert f'value="{typed}"' in html
        assert "verkeerd wachtwoord!" not in html  # the password is never sent back
    # Both failures read exactly alike, apart from the address typed and the CSRF token
    # (which carries a timestamp).
    def comparable(response, typed):
        html = response.get_data(as_text=True).replace(typed, "X")
        return re.sub(r'name="csrf_token" value="[^"]*"', "", html)

    assert (comparable(wrong_password, user.email)
            == comparable(unknown_account, "onbekend@voorbeeld.example"))
    assert not _signed_in(client)
    assert _sessions_of(user.id) == []


def test_inactive_account_cannot_sign_in(client, make):
    user = make.user(active=False)
    response = client.post("/login", data={"email": user.email, "password": PASSWORD})
    assert response.status_code == 200
    assert FAILED in response.get_data(as_text=True)
    assert _sessions_of(user.id) == []
    assert not _signed_in(client)


def test_sign_in_with_empty_fields_shows_messages_beside_fields(client):
    response = client.post("/login", data={"email": "", "password": ""})
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert 'id="email-error"' in html and "Vul uw e-mailadres in." in html
    assert 'id="password-error"' in html and "Vul uw wachtwoord in." in html


@pytest.mark.parametrize("email, password", [
    ("x" * 100_000 + "@voorbeeld.example", PASSWORD),
    ("gebruiker@voorbeeld.example", "p" * 100_000),
    ("ünïcødé@bëispiel.example", "wachtwoord met ünïcødé ✓ 🙂"),
    ("nul\x00byte@voorbeeld.example", "nul\x00byte wachtwoord"),
    ("<script>alert(1)</script>", "<script>"),
    ("   ", "   "),
])
def test_odd_sign_in_input_never_breaks_the_page(client, make, email, password):
    make.user(email="gebruiker@voorbeeld.example")
    response = client.post("/login", data={"email": email, "password": password})
    assert response.status_code == 200
    assert "<script>alert(1)</script>" not in response.get_data(as_text=True)
    assert not _signed_in(client)


def test_email_is_compared_case_insensitively(client, make):
    user = make.user(email="hoofdletters@voorbeeld.example")
    response = client.post(
        "/login", data={"email": "  HoofdLetters@Voorbeeld.EXAMPLE ", "password": PASSWORD}
    )
    assert response.status_code == 302
    assert _sessions_of(user.id)


def test_account_stored_with_capitals_before_normalising_still_signs_in(client, make):
    user = make.user(email="Oud.Account@Voorbeeld.example")
    response = client.post(
        "/login", data={"email": "oud.account@voorbeeld.example", "password": PASSWORD}
    )
    assert response.status_code == 302
    assert _sessions_of(user.id)


def test_sign_in_rehashes_a_hash_made_with_other_parameters(client, make):
    user = make.user()
    weak = PasswordHasher(time_cost=1, memory_cost=8 * 1024, parallelism=1).hash(PASSWORD)
    user.password_hash = weak
    db.session.commit()
    assert needs_rehash(weak)

    response = client.post("/login", data={"email": user.email, "password": PASSWORD})
    assert response.status_code == 302
    stored = _reload(user.id).password_hash
    assert stored != weak
    assert not needs_rehash(stored)
    assert verify_password(stored, PASSWORD)


def test_an_unknown_address_is_checked_against_a_hash_as_costly_as_a_real_one():
    # Same parameters as a password set today, so a wrong address takes as long as a wrong
    # password; a change to the hasher's parameters fails here until the constant is redone.
    assert not needs_rehash(DUMMY_HASH)
    assert verify_password(None, PASSWORD) is False


def test_current_hash_is_not_rewritten_on_sign_in(client, make):
    user = make.user()
    before = user.password_hash
    client.post("/login", data={"email": user.email, "password": PASSWORD})
    assert _reload(user.id).password_hash == before


def test_passwords_are_normalised_before_hashing():
    # "é" as one code point and as "e" plus a combining accent is the same password.
    stored = hash_password("caf\u00e9 met een lange zin")
    assert verify_password(stored, "cafe\u0301 met een lange zin")
    assert not verify_password(stored, "cafe met een lange zin")
    assert not verify_password(None, "wat dan ook")
    assert not verify_password("geen-argon2-hash", "wat dan ook")


def test_sign_in_starts_a_new_session_and_drops_planted_cookie_contents(client, make):
    user = make.user()
    with client.session_transaction() as sess:
        sess["sid"] = "token-van-een-aanvaller"
        sess["_user_id"] = str(user.id)
        sess["geplant"] = "iets"
        sess["lang"] = "en"
    assert not _signed_in(client)  # a planted token is not a session

    client.post("/login", data={"email": user.email, "password": PASSWORD})
    with client.session_transaction() as sess:
        assert sess["sid"] != "token-van-een-aanvaller"
        assert "geplant" not in sess
        assert sess["lang"] == "en"  # the language choice is harmless and kept
        first_token = sess["sid"]
    assert _signed_in(client)

    # Signing in again (after signing out) gives yet another token.
    client.post("/logout")
    client.post("/login", data={"email": user.email, "password": PASSWORD})
    with client.session_transaction() as sess:
        assert sess["sid"] != first_token


@pytest.mark.parametrize("target", [
    "https://evil.example/",
    "http://evil.example",
    "//evil.example",
    "//evil.example/werkplaats/",
    "/\\evil.example",
    "\\\\evil.example",
    "/\\/evil.example",
    "javascript:alert(1)",
    "JavaScript:alert(1)",
    " //evil.example",
    "/\t/evil.example",
    "",
])
def test_next_never_leaves_the_site(client, make, target):
    user = make.user()
    response = client.post(
        "/login", data={"email": user.email, "password": PASSWORD, "next": target}
    )
    assert response.status_code == 302
    assert response.headers["Location"] == "/werkplaats/"


def test_next_to_a_page_of_this_site_is_followed(client, make):
    user = make.user()
    page = client.get("/login?next=/account")
    assert 'value="/account"' in page.get_data(as_text=True)
    response = client.post(
        "/login", data={"email": user.email, "password": PASSWORD, "next": "/account"}
    )
    assert response.headers["Location"] == "/account"


def test_protected_page_sends_anonymous_visitor_to_login_and_back(client, make):
    user = make.user()
    response = client.get("/account")
    assert response.status_code == 302
    assert response.headers["Location"] == "/login?next=%2Faccount"
    response = client.post(
        "/login", data={"email": user.email, "password": PASSWORD, "next": "/account"}
    )
    assert response.headers["Location"] == "/account"


def test_signed_in_user_visiting_login_is_sent_on(client, make, login):
    login(make.user())
    assert client.get("/login").headers["Location"] == "/werkplaats/"
    assert client.get("/login?next=/account").headers["Location"] == "/account"
    assert client.get("/login?next=//evil.example").headers["Location"] == "/werkplaats/"


@pytest.mark.parametrize("kind, start", [("user", "/werkplaats/"),
                                         ("facilitator", "/begeleiding/"),
                                         ("admin", "/beheer/")])
def test_each_role_lands_on_the_pages_it_works_on(client, make, login, kind, start):
    user = getattr(make, kind)()
    assert login(user).headers["Location"] == start
    assert client.get("/login").headers["Location"] == start
    assert client.get("/login?next=//evil.example").headers["Location"] == start


def test_wrong_password_for_the_right_account_does_not_create_a_session(client, make):
    user = make.user()
    client.post("/login", data={"email": user.email, "password": "x" * 20})
    assert _sessions_of(user.id) == []


# Rate limiting ----------------------------------------------------------------------------


WRONG_PASSWORD = "verkeerd wachtwoord"


def _attempt(client, email, address="10.0.0.1", password=WRONG_PASSWORD):
    return client.post(
        "/login", data={"email": email, "password": password},
        environ_base={"REMOTE_ADDR": address},
    )


def test_too_many_attempts_from_one_address_get_the_sites_429_page(app, client, make):
    app.config["LOGIN_RATE_LIMIT"] = "3 per minute"
    for n in range(3):
        assert _attempt(client, f"iemand{n}@voorbeeld.example").status_code == 200
    response = _attempt(client, "nog-iemand@voorbeeld.example")
    html = response.get_data(as_text=True)
    assert response.status_code == 429
    assert '<h1 class="utrecht-heading-1">Te veel pogingen</h1>' in html
    assert "Wacht even en probeer het dan opnieuw." in html
    assert "site-header" in html  # the site's own layout, not a bare error
    assert "Retry-After" in response.headers

    # Even the right password is refused while the limit holds.
    user = make.user()
    assert _attempt(client, user.email, password=PASSWORD).status_code == 429
    assert _sessions_of(user.id) == []


#: signs in four times with a wrong address to an app whose Redis is down (nothing listens on
#: port 9 of the loopback address), and prints the answers
_WITHOUT_REDIS = """
import sys
from proeftuin import create_app
from proeftuin.extensions import db
app = create_app({"TESTING": True, "SECRET_KEY": "test-secret-key-not-for-production",
                  "SQLALCHEMY_DATABASE_URI": "sqlite:///" + sys.argv[1],
                  "WTF_CSRF_ENABLED": False, "RATELIMIT_STORAGE_URI": "redis://127.0.0.1:9/0",
                  "LOGIN_RATE_LIMIT": "3 per minute"})
with app.app_context():
    db.create_all()
client = app.test_client()
print(*(client.post("/login", data={"email": f"iemand{n}@voorbeeld.example",
                                    "password": "wrong"}).status_code for n in range(4)))
"""


def test_sign_in_stays_limited_and_answers_when_the_rate_limit_storage_is_down(tmp_path):
    # In a process of its own: the limiter is one object for every app of the test run, and
    # once it finds its storage dead it would count later tests' requests in its fallback.
    done = subprocess.run(  # noqa: S603 - this interpreter and a fixed script
        [sys.executable, "-c", _WITHOUT_REDIS, str(tmp_path / "p.sqlite3")],
        capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["200", "200", "200", "429"]


def test_too_many_attempts_on_one_account_are_limited_from_any_address(app, client, make):
    app.config["LOGIN_RATE_LIMIT"] = "3 per minute"
    victim = make.user(email="doelwit@voorbeeld.example")
    for n in range(3):
        assert _attempt(client, victim.email, address=f"10.0.1.{n}").status_code == 200
    # Same account, new address, other spelling: still the same account.
    response = _attempt(client, " DOELWIT@voorbeeld.example", address="10.0.1.99")
    assert response.status_code == 429
    assert "Te veel pogingen" in response.get_data(as_text=True)

    # Another account from another address is not affected.
    other = make.user()
    response = _attempt(client, other.email, address="10.0.2.1", password=PASSWORD)
    assert response.status_code == 302


def test_control_characters_do_not_make_a_fresh_rate_limit_key(app, client, make):
    app.config["LOGIN_RATE_LIMIT"] = "3 per minute"
    victim = make.user(email="doelwit@voorbeeld.example")
    for n in range(3):
        _attempt(client, victim.email + "\x01" * n, address=f"10.0.3.{n}")

    response = _attempt(client, victim.email + "\x01\x02\x03", address="10.0.3.99",
                        password=PASSWORD)

    assert response.status_code == 429
    assert not _signed_in(client)


def test_the_login_page_itself_is_not_rate_limited(app, client):
    app.config["LOGIN_RATE_LIMIT"] = "2 per minute"
    for _ in range(5):
        assert client.get("/login").status_code == 200


# Sign-out ---------------------------------------------------------------------------------


def test_logout_is_post_only(client, make, login):
    login(make.user())
    assert client.get("/logout").status_code == 405
    assert _signed_in(client)


def test_logout_revokes_the_session_and_the_old_cookie_is_anonymous(client, make, login):
    user = make.user()
    login(user)
    old_cookie = client.get_cookie("session").value
    response = client.post("/logout")
    assert response.status_code == 302
    assert response.headers["Location"] == "/"
    assert _sessions_of(user.id)[0].revoked_at is not None

    client.set_cookie("session", old_cookie)
    assert client.get("/account").status_code == 302
    assert client.get("/login").status_code == 200  # not sent on: nobody is signed in


# Account page -----------------------------------------------------------------------------


def test_account_page_shows_name_email_role_and_pilots(client, make, login):
    pilot_a = make.pilot(name="Proeftuin Aardappel")
    pilot_b = make.pilot(name="Proeftuin Bloemkool")
    user = make.coordinator(pilot_b, name="Anna Voorbeeld", email="anna@voorbeeld.example")
    db.session.add(Membership(pilot=pilot_a, user=user, role=MemberRole.member))
    db.session.commit()
    make.pilot(name="Proeftuin Courgette")  # not hers
    login(user)

    response = client.get("/account")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert html.count('<h1 class="utrecht-heading-1">') == 1
    assert "Anna Voorbeeld" in html and "anna@voorbeeld.example" in html
    assert "Deelnemer" in html  # the account role
    assert f'href="/werkplaats/{pilot_a.slug}/"' in html
    assert f'href="/werkplaats/{pilot_b.slug}/"' in html
    assert html.index("Proeftuin Aardappel") < html.index("Proeftuin Bloemkool")
    assert "Coördinator" in html
    assert "Proeftuin Courgette" not in html
    assert 'href="/account/wachtwoord"' in html
    assert "Mijn programma" not in html


def test_account_page_shows_a_facilitators_programmes(client, make, login):
    programme = make.programme(name="Programma Thuis Samen")
    make.programme(name="Programma Elders")
    user = make.facilitator(programme)
    login(user)
    html = client.get("/account").get_data(as_text=True)
    assert "Begeleider" in html
    assert "Programma Thuis Samen" in html
    assert "Programma Elders" not in html


def test_account_page_queries_do_not_grow_with_memberships(client, make, login, count_queries):
    user = make.user()
    pilot = make.pilot()
    db.session.add(Membership(pilot=pilot, user=user))
    db.session.commit()
    login(user)
    # Requests share the test's session; start both from the same (empty) identity map.
    db.session.expire_all()
    with count_queries() as one:
        assert client.get("/account").status_code == 200
    for _ in range(4):
        db.session.add(Membership(pilot=make.pilot(), user=user))
    db.session.commit()
    db.session.expire_all()
    with count_queries() as five:
        assert client.get("/account").status_code == 200
    assert five() == one()


# Changing the password ------------------------------------------------------------------


def _change(client, current=PASSWORD, new=NEW_PASSWORD, repeat=None):
    return client.post("/account/wachtwoord", data={
        "current_password": current,
        "new_password": new,
        "new_password_repeat": new if repeat is None else repeat,
    })


def test_change_password_page_has_labelled_fields(client, make, login):
    login(make.user())
    html = client.get("/account/wachtwoord").get_data(as_text=True)
    assert '<label class="utrecht-form-label" for="current_password">' in html
    assert '<label class="utrecht-form-label" for="new_password">' in html
    assert '<label class="utrecht-form-label" for="new_password_repeat">' in html
    assert html.count('autocomplete="new-password"') == 2
    assert 'autocomplete="current-password"' in html


def test_change_password_requires_sign_in(client):
    assert client.get("/account/wachtwoord").headers["Location"].startswith("/login?next=")
    assert client.post("/account/wachtwoord").status_code == 302


@pytest.mark.parametrize("current, new, repeat, message", [
    ("verkeerd wachtwoord", NEW_PASSWORD, None, "Dit is niet uw huidige wachtwoord."),
    (PASSWORD, "te kort", None, "Het wachtwoord is te kort: gebruik minstens 12 tekens."),
    (PASSWORD, "l" * 129, None, "Het wachtwoord is te lang: gebruik hooguit 128 tekens."),
    (PASSWORD, NEW_PASSWORD, NEW_PASSWORD + "!", "De twee nieuwe wachtwoorden zijn niet gelijk."),
    (PASSWORD, PASSWORD, None, "Kies een ander wachtwoord dan uw huidige."),
    ("", "", "", "Vul uw huidige wachtwoord in."),
    ("\x00" * 10, "ü" * 200_000, "", "Het wachtwoord is te lang"),
])
def test_change_password_refuses_bad_input_with_a_clear_message(
    client, make, login, current, new, repeat, message
):
    user = make.user()
    login(user)
    before = user.password_hash
    response = _change(client, current, new, repeat)
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert message in html
    assert "field-error" in html
    assert _reload(user.id).password_hash == before
    assert [s.revoked_at for s in _sessions_of(user.id)] == [None]


def test_password_of_exactly_12_and_128_characters_is_accepted(client, make, login):
    user = make.user()
    login(user)
    assert _change(client, new="a" * 12).status_code == 302
    assert _change(client, current="a" * 12, new="b" * 128).status_code == 302
    assert verify_password(_reload(user.id).password_hash, "b" * 128)


def test_change_password_revokes_other_sessions_and_keeps_this_browser_signed_in(app, make):
    user = make.user()
    laptop, phone = app.test_client(), app.test_client()
    for browser in (laptop, phone):
        browser.post("/login", data={"email": user.email, "password": PASSWORD})
    old_laptop_cookie = laptop.get_cookie("session").value

    response = _change(laptop)
    assert response.status_code == 302
    assert response.headers["Location"] == "/account"
    page = laptop.get("/account")
    assert page.status_code == 200
    assert "Uw wachtwoord is gewijzigd." in page.get_data(as_text=True)

    assert phone.get("/account").status_code == 302  # the other device is signed out
    sessions = _sessions_of(user.id)
    assert len(sessions) == 3
    assert [s.revoked_at is None for s in sessions] == [False, False, True]

    # The laptop's cookie from before the change is no longer a session either.
    replay = app.test_client()
    replay.set_cookie("session", old_laptop_cookie)
    assert replay.get("/account").status_code == 302

    stored = _reload(user.id).password_hash
    assert verify_password(stored, NEW_PASSWORD)
    assert not verify_password(stored, PASSWORD)
    assert phone.post("/login", data={"email": user.email, "password": NEW_PASSWORD}
                      ).status_code == 302


def test_guessing_the_current_password_is_rate_limited(app, client, make, login):
    login(make.user())
    app.config["LOGIN_RATE_LIMIT"] = "3 per minute"
    for _ in range(3):
        assert _change(client, current="geraden wachtwoord").status_code == 200
    assert _change(client, current="geraden wachtwoord").status_code == 429


def test_new_password_fields_do_not_cut_off_pasted_passwords(client, make, login):
    login(make.user())
    html = client.get("/account/wachtwoord").get_data(as_text=True)
    assert 'maxlength="128"' not in html


# Guessing without a lockout (auth/guessing.py): the owner's known browser keeps its own
# budget, the owner hears of the guessing, and a known browser is still limited itself.


def _signed_in_before(app, user):
    """A browser that signed in to the account before, and signed out again."""
    browser = app.test_client()
    assert _attempt(browser, user.email, address="10.0.9.1", password=PASSWORD).status_code == 302
    assert browser.get_cookie("proeftuin_device") is not None
    browser.post("/logout")
    return browser


def test_guessing_from_many_addresses_does_not_keep_the_owner_out(app, client, make):
    app.config["LOGIN_RATE_LIMIT"] = "3 per minute"
    owner = make.user(email="eigenaar@voorbeeld.example")
    own_browser = _signed_in_before(app, owner)
    for n in range(6):
        _attempt(client, owner.email, address=f"10.0.4.{n}")
    # A stranger's browser with the right password waits, as before ...
    assert _attempt(app.test_client(), owner.email, address="10.0.4.99",
                    password=PASSWORD).status_code == 429
    # ... but the owner's own browser gets in.
    assert _attempt(own_browser, owner.email, address="10.0.9.1",
                    password=PASSWORD).status_code == 302


def test_a_known_browser_has_a_budget_of_its_own(app, make):
    app.config["LOGIN_RATE_LIMIT"] = "3 per minute"
    owner = make.user(email="eigenaar@voorbeeld.example")
    own_browser = _signed_in_before(app, owner)
    # The sign-in above counted against this client address; a new one for the guesses.
    for n in range(3):
        assert _attempt(own_browser, owner.email, address=f"10.0.5.{n}").status_code == 200
    assert _attempt(own_browser, owner.email, address="10.0.5.9",
                    password=PASSWORD).status_code == 429


def test_a_device_cookie_of_another_account_counts_for_nothing(app, client, make):
    app.config["LOGIN_RATE_LIMIT"] = "3 per minute"
    owner, attacker = make.user(), make.user()
    attacker_browser = _signed_in_before(app, attacker)
    for n in range(3):
        _attempt(client, owner.email, address=f"10.0.6.{n}")
    assert _attempt(attacker_browser, owner.email, address="10.0.6.9").status_code == 429


def test_the_owner_is_told_once_a_day_when_wrong_passwords_pile_up(app, client, make):
    owner = make.user(email="eigenaar@voorbeeld.example")
    for n in range(5):
        _attempt(client, owner.email, address=f"10.0.7.{n}")
    assert _mail_to(owner.email) == []
    for n in range(5, 12):
        _attempt(client, owner.email, address=f"10.0.7.{n}")
    (mail,) = _mail_to(owner.email)
    assert mail.kind == "sign_in_guessed" and mail.user_id == owner.id
    assert "/wachtwoord-vergeten" in mail.text_body
    # An address without an account gets nothing, and nothing tells the guesser.
    for n in range(7):
        answer = _attempt(client, "niemand@voorbeeld.example", address=f"10.0.8.{n}")
    assert answer.status_code == 200 and _mail_to("niemand@voorbeeld.example") == []


def _mail_to(address: str):
    db.session.expire_all()
    return list(db.session.scalars(
        sa.select(OutboxMessage).where(OutboxMessage.recipient == address)))
