"""Server-side sessions: absolute and idle expiry, revocation, and the touch."""

from __future__ import annotations

from datetime import timedelta

import sqlalchemy as sa
import time_machine

from proeftuin.extensions import db
from proeftuin.models import UserSession, utcnow
from tests.conftest import PASSWORD


def _only_session(user_id: int) -> UserSession:
    db.session.expire_all()
    return db.session.scalars(
        sa.select(UserSession).where(UserSession.user_id == user_id)
    ).one()


def _move_back(record: UserSession, created: timedelta, last_seen: timedelta) -> None:
    now = utcnow()
    record.created_at = now - created
    record.last_seen_at = now - last_seen
    db.session.commit()


def test_session_lasts_while_within_both_limits(client, make, login):
    user = make.user()
    login(user)
    _move_back(_only_session(user.id), created=timedelta(hours=11, minutes=50),
               last_seen=timedelta(minutes=29))
    assert client.get("/account").status_code == 200


def test_session_ends_twelve_hours_after_sign_in_however_active(client, make, login):
    user = make.user()
    login(user)
    _move_back(_only_session(user.id), created=timedelta(hours=12, minutes=1),
               last_seen=timedelta(seconds=5))
    response = client.get("/account")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login")
    page = client.get("/login")
    assert "Uw sessie is verlopen of beëindigd." in page.get_data(as_text=True)
    assert "Uw sessie is verlopen" not in client.get("/login").get_data(as_text=True)


def test_session_ends_after_thirty_idle_minutes(client, make, login):
    user = make.user()
    login(user)
    _move_back(_only_session(user.id), created=timedelta(hours=1),
               last_seen=timedelta(minutes=31))
    assert client.get("/account").status_code == 302


def test_limits_come_from_the_configuration(app, make):
    app.config["SESSION_IDLE_TIMEOUT"] = timedelta(minutes=5)
    app.config["SESSION_ABSOLUTE_LIFETIME"] = timedelta(hours=1)
    idle, old = make.user(), make.user()
    for user, created, last_seen in ((idle, timedelta(minutes=10), timedelta(minutes=6)),
                                     (old, timedelta(minutes=61), timedelta(seconds=1))):
        browser = app.test_client()
        browser.post("/login", data={"email": user.email, "password": PASSWORD})
        assert browser.get("/account").status_code == 200
        _move_back(_only_session(user.id), created=created, last_seen=last_seen)
        assert browser.get("/account").status_code == 302


def test_request_after_a_minute_moves_the_idle_clock(client, make, login):
    user = make.user()
    login(user)
    record = _only_session(user.id)
    _move_back(record, created=timedelta(minutes=20), last_seen=timedelta(minutes=20))
    assert client.get("/account").status_code == 200
    touched = _only_session(user.id).last_seen_at
    assert utcnow() - touched < timedelta(minutes=1)


def test_requests_within_a_minute_do_not_write(client, make, login):
    user = make.user()
    login(user)
    record = _only_session(user.id)
    _move_back(record, created=timedelta(seconds=10), last_seen=timedelta(seconds=10))
    before = _only_session(user.id).last_seen_at
    assert client.get("/account").status_code == 200
    assert _only_session(user.id).last_seen_at == before


def test_deactivated_account_is_signed_out_at_its_next_request(client, make, login):
    user = make.user()
    login(user)
    user.active = False
    db.session.commit()
    assert client.get("/account").status_code == 302


def test_revoked_session_is_anonymous(client, make, login):
    user = make.user()
    login(user)
    record = _only_session(user.id)
    record.revoked_at = utcnow()
    db.session.commit()
    assert client.get("/account").status_code == 302


def test_session_of_another_user_cannot_be_borrowed(client, make, login):
    """A cookie whose user id does not match its session record signs in nobody."""
    owner, other = make.user(), make.user()
    login(owner)
    with client.session_transaction() as sess:
        sess["_user_id"] = str(other.id)
    assert client.get("/account").status_code == 302


def test_signing_in_again_revokes_the_browsers_previous_session(app, make):
    user = make.user()
    browser = app.test_client()
    browser.post("/login", data={"email": user.email, "password": PASSWORD})
    first = _only_session(user.id)
    # Another person signs in in the same browser after the first one timed out.
    _move_back(first, created=timedelta(hours=1), last_seen=timedelta(minutes=10))
    other = make.user()
    with browser.session_transaction() as sess:
        sess.pop("_user_id")  # e.g. the first user's cookie lost its user id
    browser.post("/login", data={"email": other.email, "password": PASSWORD})
    assert _only_session(user.id).revoked_at is not None
    assert browser.get("/account").status_code == 200


def test_logout_keeps_the_language_choice(client, make, login):
    login(make.user())
    with client.session_transaction() as sess:
        sess["lang"] = "en"
    client.post("/logout")
    with client.session_transaction() as sess:
        assert sess.get("lang") == "en"
        assert "sid" not in sess
        assert "_user_id" not in sess


def test_logout_follows_a_local_next_only(client, make, login):
    login(make.user())
    assert client.post("/logout", data={"next": "/uitnodiging/abc"}).headers["Location"] == (
        "/uitnodiging/abc"
    )
    login(make.user())
    assert client.post("/logout", data={"next": "//evil.example"}).headers["Location"] == "/"


# The same limits with a clock that moves, through the real sign-in, requests and touches:
# nothing in the database is set by hand.


def test_an_idle_session_ends_after_thirty_minutes_by_the_clock(client, make, login):
    user = make.user()
    with time_machine.travel(utcnow(), tick=False) as clock:
        login(user)
        clock.shift(timedelta(minutes=29))
        assert client.get("/account").status_code == 200  # and the idle clock starts again
        clock.shift(timedelta(minutes=29))
        assert client.get("/account").status_code == 200
        clock.shift(timedelta(minutes=30, seconds=1))
        response = client.get("/account")
    assert response.status_code == 302 and response.headers["Location"].startswith("/login")


def test_an_active_session_ends_twelve_hours_after_sign_in_by_the_clock(client, make, login):
    user = make.user()
    with time_machine.travel(utcnow(), tick=False) as clock:
        login(user)
        for _quarter in range(47):  # a request every quarter of an hour, for 11¾ hours
            clock.shift(timedelta(minutes=15))
            assert client.get("/account").status_code == 200
        clock.shift(timedelta(minutes=15, seconds=1))
        response = client.get("/account")
    assert response.status_code == 302 and response.headers["Location"].startswith("/login")
