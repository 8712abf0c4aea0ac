"""Accepting invitations: new accounts, existing accounts, and links that no longer work."""

from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa

from proeftuin.auth.invitations import (
    InvitationError,
    accept_invitation,
    create_invitation,
    find_invitation,
    invitation_token,
    load_invitation,
)
from proeftuin.auth.passwords import verify_password
from proeftuin.extensions import db
from proeftuin.models import Invitation, MemberRole, Membership, Role, User, UserSession, utcnow
from tests.conftest import PASSWORD

NEW_PASSWORD = "mijn eigen lange wachtwoord"


@pytest.fixture
def pilot(make):
    return make.pilot(name="Proeftuin Zonnebloem")


@pytest.fixture
def invite(make, pilot):
    """Create an invitation the way the members page does; return (invitation, link)."""

    def _invite(email="nieuw@voorbeeld.example", role=MemberRole.member, for_pilot=None):
        inviter = make.coordinator(for_pilot or pilot, name="Coby Coördinator")
        invitation = create_invitation(for_pilot or pilot, email, role, by=inviter)
        db.session.commit()
        return invitation, f"/uitnodiging/{invitation_token(invitation)}"

    return _invite


def _user(email: str) -> User | None:
    db.session.expire_all()
    return db.session.scalar(sa.select(User).where(User.email == email))


def _membership(pilot_id: int, user_id: int) -> Membership | None:
    db.session.expire_all()
    return db.session.scalar(sa.select(Membership).where(
        Membership.pilot_id == pilot_id, Membership.user_id == user_id))


def _register(client, link, name="Nina Nieuw", password=NEW_PASSWORD, repeat=None):
    return client.post(link, data={
        "name": name, "password": password,
        "password_repeat": password if repeat is None else repeat,
    })


# New account ------------------------------------------------------------------------------


def test_invitation_for_a_new_address_asks_for_name_and_password(client, invite):
    invitation, link = invite()
    response = client.get(link)
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert html.count('<h1 class="utrecht-heading-1">') == 1
    assert "Proeftuin Zonnebloem" in html
    assert "Coby Coördinator" in html
    assert 'value="nieuw@voorbeeld.example"' in html
    assert '<label class="utrecht-form-label" for="name">' in html
    assert 'autocomplete="name"' in html
    assert html.count('autocomplete="new-password"') == 2
    assert 'autocomplete="username"' in html


def test_new_invitee_gets_a_participant_account_membership_and_session(client, invite, pilot):
    invitation, link = invite(email="Nina.Nieuw@Voorbeeld.example", role=MemberRole.coordinator)
    response = _register(client, link)
    assert response.status_code == 302
    assert response.headers["Location"] == f"/werkplaats/{pilot.slug}/"

    user = _user("nina.nieuw@voorbeeld.example")  # stored lower-case
    assert user is not None
    assert user.name == "Nina Nieuw"
    assert user.role is Role.participant
    assert verify_password(user.password_hash, NEW_PASSWORD)
    assert _membership(pilot.id, user.id).role is MemberRole.coordinator
    accepted = db.session.get(Invitation, invitation.id)
    assert accepted.accepted_at is not None and accepted.accepted_by_id == user.id
    assert db.session.scalar(sa.select(UserSession).where(UserSession.user_id == user.id))
    # Signed in straight away.
    page = client.get("/account")
    assert page.status_code == 200
    assert "Nina Nieuw" in page.get_data(as_text=True)


@pytest.mark.parametrize("name, password, repeat, message", [
    ("", NEW_PASSWORD, None, "Vul uw naam in."),
    ("   \x00\t ", NEW_PASSWORD, None, "Vul uw naam in."),
    ("N" * 121, NEW_PASSWORD, None, "Uw naam is te lang"),
    ("Nina", "kort", None, "Het wachtwoord is te kort: gebruik minstens 12 tekens."),
    ("Nina", "w" * 129, None, "Het wachtwoord is te lang: gebruik hooguit 128 tekens."),
    ("Nina", NEW_PASSWORD, "iets anders dan dat", "De twee wachtwoorden zijn niet gelijk."),
    ("Nina", "", "", "Kies een wachtwoord."),
])
def test_bad_registration_input_is_refused_beside_the_field_and_keeps_the_name(
    client, invite, name, password, repeat, message
):
    invitation, link = invite()
    response = _register(client, link, name=name, password=password, repeat=repeat)
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert message in html
    assert "field-error" in html
    if name == "Nina":
        assert 'value="Nina"' in html
    if password:
        assert f'value="{password}"' not in html
    assert _user("nieuw@voorbeeld.example") is None
    assert db.session.get(Invitation, invitation.id).accepted_at is None


def test_unicode_name_is_accepted_and_control_characters_dropped(client, invite):
    _, link = invite()
    response = _register(client, link, name="  Zoë Ünal-Ørsted 🌻\x00 ")
    assert response.status_code == 302
    assert _user("nieuw@voorbeeld.example").name == "Zoë Ünal-Ørsted 🌻"


def test_invitation_is_single_use(app, client, invite):
    _, link = invite()
    assert _register(client, link).status_code == 302
    client.post("/logout")
    again = app.test_client()
    for browser in (client, again):
        response = browser.get(link)
        assert response.status_code == 410
        assert "Uitnodiging al gebruikt" in response.get_data(as_text=True)
        assert _register(browser, link, name="Tweede Poging").status_code == 410
    assert db.session.scalar(sa.select(sa.func.count()).select_from(User).where(
        User.name == "Tweede Poging")) == 0


# Existing account -------------------------------------------------------------------------


def test_existing_account_signed_in_accepts_with_a_button(client, make, invite, login, pilot):
    user = make.user(email="bestaand@voorbeeld.example")
    invitation, link = invite(email="BESTAAND@voorbeeld.example")
    login(user)
    page = client.get(link)
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "Uitnodiging aannemen" in html
    assert 'name="password"' not in html
    assert _membership(pilot.id, user.id) is None  # nothing changes on GET

    response = client.post(link)
    assert response.status_code == 302
    assert response.headers["Location"] == f"/werkplaats/{pilot.slug}/"
    assert _membership(pilot.id, user.id).role is MemberRole.member
    assert db.session.get(Invitation, invitation.id).accepted_by_id == user.id
    assert client.post(link).status_code == 410


def test_coordinator_invitation_upgrades_an_existing_membership(client, make, invite, login,
                                                                pilot):
    user = make.member(pilot, email="lid@voorbeeld.example")
    _, link = invite(email=user.email, role=MemberRole.coordinator)
    login(user)
    assert client.post(link).status_code == 302
    assert _membership(pilot.id, user.id).role is MemberRole.coordinator


def test_existing_account_not_signed_in_is_asked_to_sign_in_and_comes_back(client, make, invite,
                                                                          pilot):
    user = make.user(email="bestaand@voorbeeld.example")
    _, link = invite(email=user.email)
    page = client.get(link)
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "Er bestaat al een account" in html
    assert 'name="password"' not in html
    login_link = "/login?next=" + link
    assert login_link in html

    # Posting without signing in changes nothing.
    assert client.post(link).status_code == 302
    assert _membership(pilot.id, user.id) is None

    assert 'value="' + link + '"' in client.get(login_link).get_data(as_text=True)
    response = client.post("/login", data={"email": user.email, "password": PASSWORD,
                                           "next": link})
    assert response.headers["Location"] == link
    assert client.post(link).status_code == 302
    assert _membership(pilot.id, user.id) is not None


def test_someone_else_signed_in_is_told_the_invitation_is_for_another_address(
    client, make, invite, login, pilot
):
    make.user(email="bestaand@voorbeeld.example")
    intruder = make.user(email="iemand-anders@voorbeeld.example")
    invitation, link = invite(email="bestaand@voorbeeld.example")
    login(intruder)
    page = client.get(link)
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "ander e-mailadres" in html
    assert "bestaand@voorbeeld.example" not in html
    assert "Uitnodiging aannemen" not in html

    client.post(link)
    assert _membership(pilot.id, intruder.id) is None
    assert db.session.get(Invitation, invitation.id).accepted_at is None


def test_signed_in_user_cannot_create_a_second_account_through_an_invitation(
    client, make, invite, login, pilot
):
    user = make.user()
    invitation, link = invite(email="nog-geen-account@voorbeeld.example")
    login(user)
    page = client.get(link)
    assert "ander e-mailadres" in page.get_data(as_text=True)
    _register(client, link)
    assert _user("nog-geen-account@voorbeeld.example") is None
    assert db.session.get(Invitation, invitation.id).accepted_at is None
    # Signing out with the button brings the visitor back to the invitation.
    response = client.post("/logout", data={"next": link})
    assert response.headers["Location"] == link
    assert "Maak uw account aan" in client.get(link).get_data(as_text=True)


# Links that do not work -------------------------------------------------------------------


@pytest.mark.parametrize("token", [
    "onzin",
    "eyJpZCI6MX0.Zm9v.YmFy",
    "ü" * 30,
    "x" * 5000,
    "..",
    "%00",
    "<img src=x onerror=alert(1)>",
])
def test_unknown_or_forged_link_is_a_clear_404(client, token):
    response = client.get(f"/uitnodiging/{token}")
    html = response.get_data(as_text=True)
    assert response.status_code == 404
    assert '<h1 class="utrecht-heading-1">Uitnodiging niet gevonden</h1>' in html
    assert "site-header" in html
    assert "<img src=x" not in html
    assert client.post(f"/uitnodiging/{token}", data={"name": "x"}).status_code == 404


def test_token_signed_with_another_key_is_refused(app, client, invite):
    invitation, link = invite()
    app.config["SECRET_KEY"] = "een-andere-sleutel-voor-deze-test"
    assert client.get(link).status_code == 404


def test_token_with_a_wrong_nonce_is_refused(client, invite):
    invitation, link = invite()
    invitation.nonce = "vervangen"
    db.session.commit()
    assert client.get(link).status_code == 404


def test_expired_invitation_is_gone(client, invite):
    invitation, link = invite()
    invitation.expires_at = utcnow() - timedelta(minutes=1)
    db.session.commit()
    response = client.get(link)
    assert response.status_code == 410
    assert "Uitnodiging verlopen" in response.get_data(as_text=True)
    assert _register(client, link).status_code == 410
    assert _user("nieuw@voorbeeld.example") is None


def test_revoked_invitation_is_gone(client, invite):
    invitation, link = invite()
    invitation.revoked_at = utcnow()
    db.session.commit()
    response = client.get(link)
    assert response.status_code == 410
    assert "Uitnodiging ingetrokken" in response.get_data(as_text=True)


def test_new_invitation_for_the_same_address_replaces_the_old_link(client, invite, make, pilot):
    _, old_link = invite()
    _, new_link = invite()
    assert client.get(old_link).status_code == 410
    assert client.get(new_link).status_code == 200


# The service ------------------------------------------------------------------------------


def test_load_invitation_returns_only_open_invitations(invite):
    invitation, link = invite()
    token = link.rsplit("/", 1)[1]
    assert load_invitation(token) is invitation
    invitation.revoked_at = utcnow()
    assert load_invitation(token) is None
    assert find_invitation(token) is invitation
    assert find_invitation("onzin") is None


def test_accept_invitation_refuses_another_address_and_a_second_use(make, invite):
    invitation, _ = invite(email="juist@voorbeeld.example")
    wrong = make.user(email="fout@voorbeeld.example")
    with pytest.raises(InvitationError):
        accept_invitation(invitation, wrong)
    right = make.user(email="juist@voorbeeld.example")
    accept_invitation(invitation, right)
    with pytest.raises(InvitationError):
        accept_invitation(invitation, right)


def test_invitation_claimed_elsewhere_meanwhile_cannot_be_accepted_again(make, invite):
    """The conditional update refuses when another request accepted it first."""
    invitation, _ = invite(email="juist@voorbeeld.example")
    user = make.user(email="juist@voorbeeld.example")
    db.session.execute(
        sa.update(Invitation).where(Invitation.id == invitation.id)
        .values(accepted_at=utcnow()).execution_options(synchronize_session=False)
    )
    # The object in memory still looks open, as it would in the other request.
    assert invitation.accepted_at is None
    with pytest.raises(InvitationError):
        accept_invitation(invitation, user)
