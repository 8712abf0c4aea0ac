"""Deleting an account: admins only, after typing its address; the account is anonymised,
not removed, so the audit trail holds; what the person wrote stays, without their name."""

from __future__ import annotations

import logging
from types import SimpleNamespace

import pytest
import sqlalchemy as sa

from proeftuin import audit
from proeftuin.admin import services
from proeftuin.auth import two_factor
from proeftuin.auth.passwords import verify_password
from proeftuin.extensions import db
from proeftuin.models import (
    AuditAction,
    CaseDiscussion,
    Invitation,
    Lesson,
    LessonStatus,
    MemberRole,
    Membership,
    PilotStatusChange,
    RecordType,
    RecoveryCode,
    Role,
    User,
    UserSession,
    utcnow,
)
from proeftuin.workspace import services as workspace_services
from tests.conftest import PASSWORD

NAME, EMAIL = "Vertrekkende Vera", "vera@vertrek.example"


def world(make) -> SimpleNamespace:
    """An admin, and a coordinator who wrote a case and a published lesson."""
    programme = make.programme(name="Programma Thuis")
    pilot = make.pilot(programme=programme, name="Proeftuin Denkstad")
    w = SimpleNamespace(
        programme=programme, pilot=pilot,
        admin=make.admin(name="Beheerder Bea", email="bea@beheer.example"),
        facilitator=make.facilitator(programme, name="Begeleider Bram"),
        leaver=make.coordinator(pilot, name=NAME, email=EMAIL),
    )
    w.other_member = make.member(pilot, name="Blijvend Lid")
    w.case = make.case(pilot, w.leaver, title="Casus van de mantelzorger")
    w.lesson = make.lesson(pilot, w.leaver, status=LessonStatus.published,
                           title="Een vast aanspreekpunt werkt")
    audit.log(AuditAction.created, w.leaver, w.case, RecordType.case)
    audit.log(AuditAction.created, w.leaver, w.lesson, RecordType.lesson)
    db.session.commit()
    return w


def path(user) -> str:
    return f"/beheer/gebruikers/{user.id}/verwijderen"


def reread(user_id: int) -> User:
    db.session.expire_all()
    return db.session.get(User, user_id)


def html_of(response) -> str:
    return response.get_data(as_text=True)


def delete(client, user, typed=None):
    return client.post(path(user), data={"confirm_email": EMAIL if typed is None else typed})


# Who may do it ----------------------------------------------------------------------------


@pytest.mark.parametrize("role", ["anonymous", "participant", "facilitator", "admin"])
@pytest.mark.parametrize("method", ["get", "post"])
def test_only_admins_delete_accounts(client, make, login, role, method):
    w = world(make)
    actors = {"participant": w.other_member, "facilitator": w.facilitator, "admin": w.admin}
    if role != "anonymous":
        login(actors[role])

    if method == "get":
        response = client.get(path(w.leaver))
    else:
        response = delete(client, w.leaver)

    if role == "anonymous":
        assert response.status_code == 302 and "/login?next=" in response.headers["Location"]
    elif role == "admin":
        assert response.status_code == (200 if method == "get" else 302)
    else:
        assert response.status_code == 403
    assert (reread(w.leaver.id).name == NAME) is (role != "admin" or method == "get")


@pytest.mark.parametrize("user_id", ["0", "999999", "99999999999999999999"])
def test_an_unknown_account_is_not_found(client, make, login, user_id):
    login(make.admin())
    assert client.get(f"/beheer/gebruikers/{user_id}/verwijderen").status_code == 404
    assert client.post(f"/beheer/gebruikers/{user_id}/verwijderen").status_code == 404


def test_the_edit_page_links_to_deletion_except_for_oneself(client, make, login):
    w = world(make)
    login(w.admin)
    assert f'href="{path(w.leaver)}"' in html_of(client.get(f"/beheer/gebruikers/{w.leaver.id}"))
    own = html_of(client.get(f"/beheer/gebruikers/{w.admin.id}"))
    assert f'href="{path(w.admin)}"' not in own


def test_the_page_says_what_happens_and_asks_for_the_address(client, make, login):
    w = world(make)
    login(w.admin)

    html = html_of(client.get(path(w.leaver)))

    assert NAME in html and EMAIL in html
    assert "1 les" in html and "1 casusbespreking" in html
    assert "Dit kan niet ongedaan worden gemaakt." in html
    assert 'name="confirm_email"' in html
    assert "Proeftuin Denkstad (coördinator)" in html


# Confirming -------------------------------------------------------------------------------


@pytest.mark.parametrize("typed", ["", "   ", "iemand@anders.example", "vera@vertrek",
                                   "x" * 5000, "bea@beheer.example"])
def test_without_the_right_address_nothing_happens(client, make, login, typed):
    w = world(make)
    login(w.admin)

    response = delete(client, w.leaver, typed)

    assert response.status_code == 200
    html = html_of(response)
    assert 'id="confirm_email-error"' in html
    assert reread(w.leaver.id).email == EMAIL


def test_the_address_may_be_typed_in_any_case(client, make, login):
    w = world(make)
    login(w.admin)

    response = delete(client, w.leaver, "  VERA@Vertrek.example ")

    assert response.status_code == 302
    assert reread(w.leaver.id).email == f"verwijderd-{w.leaver.id}@invalid"


def test_deletion_needs_the_csrf_token(csrf_app, make, login):
    w = world(make)
    client = csrf_app.test_client()
    # Sign in through the form with its own token.
    page = client.get("/login").get_data(as_text=True)
    token = page.split('name="csrf_token" type="hidden" value="')[1].split('"')[0]
    client.post("/login", data={"email": w.admin.email, "password": PASSWORD,
                                "csrf_token": token})
    assert client.get(path(w.leaver)).status_code == 200

    response = client.post(path(w.leaver), data={"confirm_email": EMAIL})

    assert response.status_code == 400
    assert reread(w.leaver.id).name == NAME


# What deletion does -----------------------------------------------------------------------


def test_the_account_is_anonymised_and_can_no_longer_sign_in(app, client, make, login, caplog):
    caplog.set_level(logging.INFO, logger="proeftuin.security")
    w = world(make)
    two_factor.start_enrolment(w.leaver)
    w.leaver.totp_enabled_at = utcnow()
    two_factor.new_recovery_codes(w.leaver)
    w.programme.facilitators.append(w.leaver)  # as if they had been a facilitator once
    db.session.commit()
    theirs = app.test_client()
    login_response = theirs.post("/login", data={"email": EMAIL, "password": PASSWORD})
    assert login_response.status_code == 302
    login(w.admin)

    response = delete(client, w.leaver)

    assert response.status_code == 302 and response.headers["Location"] == "/beheer/gebruikers"
    user = reread(w.leaver.id)
    assert user.name == "Verwijderd account"
    assert user.email == f"verwijderd-{user.id}@invalid"
    assert not user.active and user.role is Role.participant
    assert not verify_password(user.password_hash, PASSWORD)
    assert user.totp_secret is None and user.totp_enabled_at is None
    assert user.last_login_at is None
    assert user.memberships == [] and user.programmes == []
    for model in (RecoveryCode, UserSession, Membership):
        assert db.session.scalar(
            sa.select(sa.func.count()).select_from(model).where(model.user_id == user.id)) == 0
    # Their browser is signed out at once, and the old password opens nothing.
    assert theirs.get("/account").status_code == 302
    assert theirs.post("/login", data={"email": EMAIL, "password": PASSWORD}).status_code == 200
    messages = [r.getMessage() for r in caplog.records if r.name == "proeftuin.security"]
    assert any('event="account_deleted"' in m and f'account_id="{user.id}"' in m
               and f'by="{w.admin.id}"' in m for m in messages)
    assert not any(EMAIL in m or NAME in m for m in messages)


def test_what_they_wrote_stays_without_their_name(client, make, login):
    w = world(make)
    login(w.admin)

    delete(client, w.leaver)

    db.session.expire_all()
    case = db.session.get(CaseDiscussion, w.case.id)
    lesson = db.session.get(Lesson, w.lesson.id)
    assert case.created_by_id == w.leaver.id and lesson.created_by_id == w.leaver.id
    assert lesson.status is LessonStatus.published and lesson.is_public
    assert case.created_by.name == "Verwijderd account"


def test_open_invitations_to_and_from_the_address_are_revoked(client, make, login):
    w = world(make)
    to_them = workspace_services.invite(make.pilot(), EMAIL, "member", by=w.facilitator)
    from_them = workspace_services.invite(w.pilot, "nieuw@lid.example", "member", by=w.leaver)
    unrelated = workspace_services.invite(w.pilot, "ander@lid.example", "member", by=w.facilitator)
    db.session.commit()
    ids = (to_them.id, from_them.id, unrelated.id)
    login(w.admin)

    delete(client, w.leaver)

    db.session.expire_all()
    to_them, from_them, unrelated = (db.session.get(Invitation, i) for i in ids)
    assert to_them.revoked_at is not None and from_them.revoked_at is not None
    assert unrelated.revoked_at is None
    assert to_them.email == f"verwijderd-{w.leaver.id}@invalid"
    assert from_them.email == "nieuw@lid.example"


def test_the_name_and_address_are_nowhere_in_the_database_afterwards(client, make, login):
    w = world(make)
    workspace_services.invite(make.pilot(), EMAIL, "member", by=w.facilitator)
    db.session.add(PilotStatusChange(pilot=w.pilot, from_status=None, to_status=w.pilot.status,
                                     changed_by=w.leaver))
    db.session.commit()
    login(w.admin)

    delete(client, w.leaver)

    db.session.expire_all()
    hits = []
    for table in db.metadata.sorted_tables:
        for column in table.columns:
            if isinstance(column.type, sa.String) and not isinstance(column.type, sa.Enum):
                for needle in (NAME, "vertrek.example", "Vertrekkende"):
                    if db.session.scalar(sa.select(sa.func.count()).select_from(table)
                                         .where(column.contains(needle))):
                        hits.append(f"{table.name}.{column.name}")
    assert hits == []


def test_the_name_appears_on_no_page_afterwards(client, make, login):
    w = world(make)
    login(w.admin)
    delete(client, w.leaver)
    pages = ["/beheer/gebruikers", f"/beheer/gebruikers/{w.leaver.id}",
             f"/werkplaats/{w.pilot.slug}/", f"/werkplaats/{w.pilot.slug}/leden",
             f"/werkplaats/{w.pilot.slug}/logboek", f"/werkplaats/{w.pilot.slug}/logboek.csv"]

    for page in pages:
        response = client.get(page)
        assert response.status_code == 200, page
        assert NAME not in html_of(response) and EMAIL not in html_of(response), page
    users = html_of(client.get("/beheer/gebruikers"))
    assert "Verwijderd account" in users and "Nee, verwijderd" in users
    assert "Verwijderd account" in html_of(client.get(f"/werkplaats/{w.pilot.slug}/logboek"))


def test_a_deleted_account_cannot_be_edited_or_deleted_again(client, make, login):
    w = world(make)
    login(w.admin)
    delete(client, w.leaver)

    edit = client.get(f"/beheer/gebruikers/{w.leaver.id}")
    assert edit.status_code == 200 and "Dit account is verwijderd." in html_of(edit)
    assert 'name="email"' not in html_of(edit)
    changed = client.post(f"/beheer/gebruikers/{w.leaver.id}",
                          data={"name": "Terug", "email": "terug@voorbeeld.example",
                                "role": "admin", "active": "y"})
    assert changed.status_code == 409
    again = client.get(path(w.leaver))
    assert "Dit account is al verwijderd." in html_of(again)
    assert 'name="confirm_email"' not in html_of(again)
    assert client.post(path(w.leaver), data={"confirm_email": "x"}).status_code == 409
    user = reread(w.leaver.id)
    assert user.name == "Verwijderd account" and not user.active and user.role is Role.participant


# Refusals ---------------------------------------------------------------------------------


def test_an_admin_cannot_delete_themselves(client, make, login):
    w = world(make)
    login(w.admin)

    page = client.get(path(w.admin))
    response = client.post(path(w.admin), data={"confirm_email": w.admin.email})

    assert "U kunt uw eigen account niet verwijderen." in html_of(page)
    assert 'name="confirm_email"' not in html_of(page)
    assert response.status_code == 409
    assert reread(w.admin.id).active


def test_an_admin_can_delete_another_admin(client, make, login):
    w = world(make)
    other = make.admin(name="Tweede Beheerder", email="tweede@beheer.example")
    login(w.admin)

    response = client.post(path(other), data={"confirm_email": "tweede@beheer.example"})

    assert response.status_code == 302
    assert reread(other.id).name == "Verwijderd account"


def test_the_last_admin_cannot_be_deleted(make):
    only = make.admin()
    inactive = make.admin(active=False)

    with pytest.raises(services.AccountError, match="laatste beheerder"):
        services.delete_account(only, by=None)
    # An inactive admin is no stand-in, but may itself go.
    services.delete_account(inactive, by=None)
    db.session.commit()
    assert reread(only.id).active
    assert reread(inactive.id).name == "Verwijderd account"


def test_the_last_coordinator_may_go_and_the_pilot_keeps_its_other_members(client, make, login):
    w = world(make)
    login(w.admin)

    delete(client, w.leaver)

    db.session.expire_all()
    members = db.session.scalars(sa.select(Membership).where(Membership.pilot_id == w.pilot.id))
    assert [(m.user_id, m.role) for m in members] == [(w.other_member.id, MemberRole.member)]
