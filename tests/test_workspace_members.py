"""A pilot's members: roles, removal, invitations; who may manage them."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
import sqlalchemy as sa

from proeftuin.auth.invitations import create_invitation, load_invitation
from proeftuin.extensions import db
from proeftuin.models import (
    Invitation,
    MemberRole,
    Membership,
    OutboxMessage,
    Pilot,
    PilotStatus,
    utcnow,
)
from tests.test_workspace import (
    MANAGERS,
    ROLES,
    html_of,
    sign_in,
    snapshot,
    world,
)


def membership_of(pilot_id: int, user_id: int) -> Membership | None:
    db.session.expire_all()
    return db.session.scalar(
        sa.select(Membership).where(Membership.pilot_id == pilot_id, Membership.user_id == user_id)
    )


def invitations_of(pilot_id: int) -> list[Invitation]:
    db.session.expire_all()
    return list(db.session.scalars(
        sa.select(Invitation).where(Invitation.pilot_id == pilot_id).order_by(Invitation.id)
    ))


def open_invitation(w, email: str = "nieuw@voorbeeld.example",
                    role: MemberRole = MemberRole.member) -> Invitation:
    pilot = db.session.get(Pilot, w.pilot.id)
    invitation = create_invitation(pilot, email, role, by=w.coordinator)
    db.session.commit()
    return invitation


def member_ids(w) -> dict:
    """Membership ids of the world's coordinator and member."""
    return {
        "coordinator": membership_of(w.pilot.id, w.coordinator.id).id,
        "member": membership_of(w.pilot.id, w.member.id).id,
    }


# Who may do what --------------------------------------------------------------------------


def _posts(w):
    base = f"/werkplaats/{w.slug}/leden"
    ids = member_ids(w)
    invitation = open_invitation(w)
    return {
        "invite": (base, {"email": "gast@voorbeeld.example", "role": "member"}),
        "change_role": (f"{base}/{ids['member']}/rol", {"role": "coordinator"}),
        "remove": (f"{base}/{ids['member']}/verwijderen", {}),
        "revoke": (f"{base}/uitnodigingen/{invitation.id}/intrekken", {}),
    }


@pytest.mark.parametrize("action", ["invite", "change_role", "remove", "revoke"])
@pytest.mark.parametrize("role", ROLES)
def test_member_management_only_for_coordinators_facilitators_and_admins(
        client, make, login, role, action):
    w = world(make)
    url, data = _posts(w)[action]
    before = snapshot(w.pilot.id)
    sign_in(login, w, role)

    response = client.post(url, data=data)

    after = snapshot(w.pilot.id)
    if role == "anonymous":
        assert response.status_code == 302
        assert "/login" in response.headers["Location"]
        assert after == before
    elif role in MANAGERS:
        assert response.status_code == 302, html_of(response)[:2000]
        assert after != before
    else:
        assert response.status_code == 403
        assert after == before


@pytest.mark.parametrize("role", ["member", "facilitator", "coordinator", "admin"])
def test_members_page_lists_members_with_roles(client, make, login, role):
    w = world(make)
    login(getattr(w, role))

    html = html_of(client.get(f"/werkplaats/{w.slug}/leden"))

    assert "Coördinator Cor" in html and "Deelnemer Dina" in html
    assert "Coördinator" in html and "Deelnemer" in html
    assert "Buitenstaander Olga" not in html
    assert f'href="/werkplaats/{w.slug}/leden" aria-current="page"' in html
    if role in MANAGERS:
        assert 'name="email"' in html
        assert "/rol" in html and "/verwijderen" in html
    else:
        assert 'name="email"' not in html
        assert "/verwijderen" not in html


# Roles and removal ------------------------------------------------------------------------


def test_coordinator_makes_member_coordinator_and_back(client, make, login):
    w = world(make)
    ids = member_ids(w)
    login(w.coordinator)

    response = client.post(f"/werkplaats/{w.slug}/leden/{ids['member']}/rol",
                           data={"role": "coordinator"})
    assert response.status_code == 302
    assert membership_of(w.pilot.id, w.member.id).role is MemberRole.coordinator

    client.post(f"/werkplaats/{w.slug}/leden/{ids['member']}/rol", data={"role": "member"})
    assert membership_of(w.pilot.id, w.member.id).role is MemberRole.member


@pytest.mark.parametrize("role", ["", "owner", "admin"])
def test_unknown_role_is_refused(client, make, login, role):
    w = world(make)
    ids = member_ids(w)
    before = snapshot(w.pilot.id)
    login(w.coordinator)

    response = client.post(f"/werkplaats/{w.slug}/leden/{ids['member']}/rol",
                           data={"role": role}, follow_redirects=True)

    assert response.status_code == 200
    assert "Kies een geldige rol." in html_of(response)
    assert snapshot(w.pilot.id) == before


def test_coordinator_removes_member(client, make, login):
    w = world(make)
    ids = member_ids(w)
    login(w.coordinator)

    response = client.post(f"/werkplaats/{w.slug}/leden/{ids['member']}/verwijderen",
                           follow_redirects=True)

    assert response.status_code == 200
    assert "Deelnemer Dina is geen lid meer" in html_of(response)
    assert membership_of(w.pilot.id, w.member.id) is None


def test_last_coordinator_cannot_remove_themselves(client, make, login):
    w = world(make)
    ids = member_ids(w)
    login(w.coordinator)

    response = client.post(f"/werkplaats/{w.slug}/leden/{ids['coordinator']}/verwijderen",
                           follow_redirects=True)

    assert response.status_code == 200
    assert "U bent de enige coördinator en kunt uzelf niet verwijderen" in html_of(response)
    assert membership_of(w.pilot.id, w.coordinator.id) is not None


def test_last_coordinator_cannot_step_down(client, make, login):
    w = world(make)
    ids = member_ids(w)
    login(w.coordinator)

    response = client.post(f"/werkplaats/{w.slug}/leden/{ids['coordinator']}/rol",
                           data={"role": "member"}, follow_redirects=True)

    assert "U bent de enige coördinator" in html_of(response)
    assert membership_of(w.pilot.id, w.coordinator.id).role is MemberRole.coordinator


def test_coordinator_leaves_when_another_coordinator_remains(client, make, login):
    w = world(make)
    ids = member_ids(w)
    login(w.coordinator)
    client.post(f"/werkplaats/{w.slug}/leden/{ids['member']}/rol", data={"role": "coordinator"})

    response = client.post(f"/werkplaats/{w.slug}/leden/{ids['coordinator']}/verwijderen")

    assert response.status_code == 302
    assert response.headers["Location"].endswith("/werkplaats/")
    assert membership_of(w.pilot.id, w.coordinator.id) is None
    assert client.get(f"/werkplaats/{w.slug}/").status_code == 403


def test_facilitator_may_remove_last_coordinator(client, make, login):
    w = world(make)
    ids = member_ids(w)
    login(w.facilitator)
    response = client.post(f"/werkplaats/{w.slug}/leden/{ids['coordinator']}/verwijderen")
    assert response.status_code == 302
    assert membership_of(w.pilot.id, w.coordinator.id) is None


def test_membership_of_another_pilot_is_404(client, make, login):
    w = world(make)
    outsider_membership = membership_of(w.other_pilot.id, w.outsider.id)
    before = snapshot(w.other_pilot.id)
    login(w.coordinator)
    base = f"/werkplaats/{w.slug}/leden/{outsider_membership.id}"
    assert client.post(f"{base}/rol", data={"role": "coordinator"}).status_code == 404
    assert client.post(f"{base}/verwijderen").status_code == 404
    assert client.post(f"/werkplaats/{w.slug}/leden/999999/verwijderen").status_code == 404
    assert client.post(f"/werkplaats/{w.slug}/leden/{10**20}/rol",
                       data={"role": "member"}).status_code == 404
    assert snapshot(w.other_pilot.id) == before


def test_role_change_is_post_only(client, make, login):
    w = world(make)
    ids = member_ids(w)
    login(w.coordinator)
    assert client.get(f"/werkplaats/{w.slug}/leden/{ids['member']}/verwijderen").status_code == 405
    assert membership_of(w.pilot.id, w.member.id) is not None


# Invitations ------------------------------------------------------------------------------


@pytest.mark.parametrize("role", ["coordinator", "facilitator", "admin"])
def test_invitation_is_created_and_its_link_shown(client, make, login, role):
    w = world(make)
    login(getattr(w, role))

    response = client.post(f"/werkplaats/{w.slug}/leden",
                           data={"email": "  Nieuw.Lid@Voorbeeld.example ", "role": "coordinator"})

    assert response.status_code == 302
    invitations = invitations_of(w.pilot.id)
    assert len(invitations) == 1
    invitation = invitations[0]
    assert invitation.email == "nieuw.lid@voorbeeld.example"
    assert invitation.member_role is MemberRole.coordinator
    assert invitation.created_by_id == getattr(w, role).id
    assert invitation.is_open

    html = html_of(client.get(response.headers["Location"]))
    assert "nieuw.lid@voorbeeld.example" in html
    assert "De uitnodiging is gemaild naar nieuw.lid@voorbeeld.example" in html
    links = re.findall(r'value="(http://localhost/uitnodiging/[^"]+)"', html)
    assert len(links) == 1
    token = links[0].rsplit("/", 1)[1]
    assert load_invitation(token).id == invitation.id
    # The same link went out by e-mail, in the outbox with the invitation.
    (message,) = db.session.scalars(sa.select(OutboxMessage)).all()
    assert message.recipient == "nieuw.lid@voorbeeld.example" and message.kind == "invitation"
    # A link to the same invitation: the page signs its own afresh, so across a second's
    # turn the two tokens differ in their timestamp.
    mailed = re.findall(r"/uitnodiging/([\w.-]+)", message.text_body)
    assert [load_invitation(found).id for found in mailed] == [invitation.id]


def test_an_open_invitation_can_be_mailed_again_and_a_used_one_not(client, make, login):
    w = world(make)
    invitation = open_invitation(w, "een@voorbeeld.example")
    login(w.coordinator)
    url = f"/werkplaats/{w.slug}/leden/uitnodigingen/{invitation.id}/opnieuw"
    html = html_of(client.post(url, follow_redirects=True))
    assert "opnieuw gemaild naar een@voorbeeld.example" in html
    assert db.session.scalar(sa.select(sa.func.count()).select_from(OutboxMessage)) == 1

    invitation.accepted_at = utcnow()
    db.session.commit()
    html = html_of(client.post(url, follow_redirects=True))
    assert "al gebruikt, ingetrokken of verlopen" in html
    assert db.session.scalar(sa.select(sa.func.count()).select_from(OutboxMessage)) == 1


def test_open_invitations_are_listed_with_role_and_expiry(client, make, login):
    w = world(make)
    open_invitation(w, "een@voorbeeld.example")
    open_invitation(w, "twee@voorbeeld.example", MemberRole.coordinator)
    used = open_invitation(w, "gebruikt@voorbeeld.example")
    used.accepted_at = utcnow()
    expired = open_invitation(w, "verlopen@voorbeeld.example")
    expired.expires_at = utcnow() - timedelta(days=1)
    db.session.commit()
    login(w.coordinator)

    html = html_of(client.get(f"/werkplaats/{w.slug}/leden"))

    assert "een@voorbeeld.example" in html and "twee@voorbeeld.example" in html
    assert "gebruikt@voorbeeld.example" not in html
    assert "verlopen@voorbeeld.example" not in html
    assert html.count('/uitnodiging/') == 2
    assert html.count("/intrekken") == 2
    assert "Geldig tot" in html


def test_members_do_not_see_invitation_links(client, make, login):
    w = world(make)
    open_invitation(w)
    login(w.member)
    html = html_of(client.get(f"/werkplaats/{w.slug}/leden"))
    assert "/uitnodiging/" not in html
    assert "nieuw@voorbeeld.example" not in html


@pytest.mark.parametrize("data,field", [
    ({"email": "", "role": "member"}, "email"),
    ({"email": "geen-adres", "role": "member"}, "email"),
    ({"email": "a@voorbeeld.example", "role": "admin"}, "role"),
    ({"email": "a@voorbeeld.example"}, "role"),
])
def test_invitation_odd_input_is_refused_beside_the_field(client, make, login, data, field):
    w = world(make)
    login(w.coordinator)

    response = client.post(f"/werkplaats/{w.slug}/leden", data=data)

    assert response.status_code == 200
    html = html_of(response)
    assert f'id="{field}-error"' in html
    if data.get("email"):
        assert f'value="{data["email"]}"' in html
    assert invitations_of(w.pilot.id) == []


def test_inviting_an_existing_member_is_refused(client, make, login):
    w = world(make)
    login(w.coordinator)

    response = client.post(f"/werkplaats/{w.slug}/leden",
                           data={"email": w.member.email.upper(), "role": "member"})

    assert response.status_code == 200
    assert "al lid van de proeftuin" in html_of(response)
    assert invitations_of(w.pilot.id) == []


def test_coordinator_revokes_invitation(client, make, login):
    w = world(make)
    invitation = open_invitation(w)
    invitation_id = invitation.id
    login(w.coordinator)

    response = client.post(f"/werkplaats/{w.slug}/leden/uitnodigingen/{invitation_id}/intrekken",
                           follow_redirects=True)

    assert response.status_code == 200
    assert "is ingetrokken" in html_of(response)
    assert invitations_of(w.pilot.id)[0].revoked_at is not None
    assert "/uitnodiging/" not in html_of(response)


def test_revoking_an_accepted_invitation_changes_nothing(client, make, login):
    w = world(make)
    invitation = open_invitation(w)
    invitation.accepted_at = utcnow()
    db.session.commit()
    invitation_id = invitation.id
    login(w.coordinator)

    response = client.post(f"/werkplaats/{w.slug}/leden/uitnodigingen/{invitation_id}/intrekken",
                           follow_redirects=True)

    assert response.status_code == 200
    assert "al gebruikt, ingetrokken of verlopen" in html_of(response)
    assert invitations_of(w.pilot.id)[0].revoked_at is None


def test_invitation_of_another_pilot_is_404(client, make, login):
    w = world(make)
    other = db.session.get(Pilot, w.other_pilot.id)
    invitation = create_invitation(other, "elders@voorbeeld.example", MemberRole.member,
                                   by=w.outsider)
    db.session.commit()
    invitation_id = invitation.id
    login(w.coordinator)

    response = client.post(f"/werkplaats/{w.slug}/leden/uitnodigingen/{invitation_id}/intrekken")

    assert response.status_code == 404
    assert invitations_of(w.other_pilot.id)[0].revoked_at is None


# Applications have no members yet ---------------------------------------------------------


@pytest.mark.parametrize("status", [PilotStatus.applied, PilotStatus.declined])
def test_application_has_no_members_and_takes_no_invitations(client, make, login, status):
    w = world(make, status=status)
    login(w.facilitator)

    page = client.get(f"/werkplaats/{w.slug}/leden")
    assert page.status_code == 200
    assert "zodra zij geselecteerd is" in html_of(page)
    assert 'name="email"' not in html_of(page)

    response = client.post(f"/werkplaats/{w.slug}/leden",
                           data={"email": "vroeg@voorbeeld.example", "role": "coordinator"})
    assert response.status_code == 403
    assert invitations_of(w.pilot.id) == []


def test_facilitator_invites_first_coordinator_of_selected_pilot(client, make, login):
    w = world(make)
    pilot = make.pilot(programme=w.programme, status=PilotStatus.selected,
                       name="Proeftuin Nieuw")
    slug, pilot_id = pilot.slug, pilot.id
    login(w.facilitator)

    html = html_of(client.get(f"/werkplaats/{slug}/leden"))
    assert "nog geen leden" in html

    response = client.post(f"/werkplaats/{slug}/leden",
                           data={"email": "eerste@voorbeeld.example", "role": "coordinator"})
    assert response.status_code == 302
    assert [i.member_role for i in invitations_of(pilot_id)] == [MemberRole.coordinator]


# Queries ----------------------------------------------------------------------------------


def test_members_page_query_count_does_not_grow_with_rows(client, make, login, count_queries):
    w = world(make)
    big = make.pilot(programme=w.programme, name="Proeftuin Groot")
    coordinator = make.coordinator(big)
    for _i in range(12):
        make.member(big)
    for i in range(6):
        create_invitation(db.session.get(Pilot, big.id), f"gast{i}@voorbeeld.example",
                          MemberRole.member, by=coordinator)
    db.session.commit()
    slug, big_slug = w.slug, big.slug
    login(w.admin)

    db.session.expire_all()
    with count_queries() as few:
        assert client.get(f"/werkplaats/{slug}/leden").status_code == 200
    db.session.expire_all()
    with count_queries() as many:
        response = client.get(f"/werkplaats/{big_slug}/leden")
    assert response.status_code == 200
    assert html_of(response).count("/uitnodiging/") == 6
    assert many() == few()
