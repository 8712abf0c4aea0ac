"""The whole first workflow through the real routes: apply, select, invite, map, publish."""

from __future__ import annotations

import re

import sqlalchemy as sa

from proeftuin.extensions import db
from proeftuin.models import MemberRole, Membership, Pilot, PilotStatus, User
from tests.factories import PASSWORD
from tests.test_apply import application


def _pilot(name: str) -> Pilot:
    db.session.expire_all()
    return db.session.scalar(sa.select(Pilot).where(Pilot.name == name))


def test_group_applies_is_selected_joins_by_invitation_and_appears_on_the_framework(app, make):
    programme = make.programme(name="In voor mantelzorg – thuis")
    facilitator = make.facilitator(programme, name="Begeleider Bea")
    visitor, staff, invitee = app.test_client(), app.test_client(), app.test_client()

    # A visitor applies; the application is on no public page.
    response = visitor.post("/aanmelden", data=application(make, programme=programme))
    assert response.status_code == 303
    pilot = _pilot("Samen Thuis Denkstad-Noord")
    assert pilot.status is PilotStatus.applied
    assert "Samen Thuis Denkstad-Noord" not in visitor.get("/kader/richting/5").get_data(
        as_text=True
    )

    # The programme's facilitator finds it in the queue and selects it.
    staff.post("/login", data={"email": facilitator.email, "password": PASSWORD})
    queue = staff.get("/begeleiding/aanmeldingen").get_data(as_text=True)
    assert "Samen Thuis Denkstad-Noord" in queue
    response = staff.post(
        f"/begeleiding/proeftuinen/{pilot.slug}/status",
        data={"to": "selected", "reason": "Past goed bij het programma."},
    )
    assert response.status_code == 302
    assert _pilot("Samen Thuis Denkstad-Noord").status is PilotStatus.selected

    # The facilitator invites the applicant as coordinator and passes on the link.
    staff.post(
        f"/werkplaats/{pilot.slug}/leden",
        data={"email": "jet@voorbeeld.example", "role": "coordinator"},
    )
    members_page = staff.get(f"/werkplaats/{pilot.slug}/leden").get_data(as_text=True)
    link = re.search(r"https?://[^\s\"<]+/uitnodiging/[^\s\"<]+", members_page).group(0)
    path = link.split("localhost", 1)[1]

    # The invitee sets a name and password through the link and lands in the workspace.
    response = invitee.post(
        path, data={"name": "Jet Verzonnen", "password": PASSWORD, "password_repeat": PASSWORD}
    )
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/werkplaats/{pilot.slug}/")
    db.session.expire_all()
    jet = db.session.scalar(sa.select(User).where(User.email == "jet@voorbeeld.example"))
    membership = db.session.scalar(sa.select(Membership).where(Membership.user_id == jet.id))
    assert membership.role is MemberRole.coordinator

    # As coordinator she maps the pilot: direction 5 gets a task and desired outcome.
    response = invitee.post(
        f"/werkplaats/{pilot.slug}/kader/richting/5",
        data={"task": "Mantelzorgers **eerder** in beeld.", "desired_outcome": "Minder crises."},
    )
    assert response.status_code == 302

    # Once the facilitator starts the pilot, the public framework page shows it with its task.
    staff.post(f"/begeleiding/proeftuinen/{pilot.slug}/status", data={"to": "active"})
    public = visitor.get("/kader/richting/5").get_data(as_text=True)
    assert "Samen Thuis Denkstad-Noord" in public
    assert "<strong>eerder</strong>" in public
    assert "jet@voorbeeld.example" not in public
    profile = visitor.get(f"/proeftuinen/{pilot.slug}").get_data(as_text=True)
    assert "Minder crises." in profile

    history = [(c.from_status, c.to_status) for c in _pilot(pilot.name).status_changes]
    assert history == [
        (None, PilotStatus.applied),
        (PilotStatus.applied, PilotStatus.selected),
        (PilotStatus.selected, PilotStatus.active),
    ]
