"""Odd input and races that must never reach the database as a 500 or a double decision."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from proeftuin.extensions import db
from proeftuin.models import MemberRole, Pilot, PilotStatus, PilotStatusChange
from proeftuin.pilots.lifecycle import TransitionError, decline_pilot, select_pilot


def test_control_characters_are_dropped_from_workspace_text(client, make, login):
    pilot = make.pilot()
    coordinator = make.member(pilot, role=MemberRole.coordinator)
    login(coordinator)

    response = client.post(
        f"/werkplaats/{pilot.slug}/afspraken",
        data={"party": "Wijk\x00verpleging\x07", "commitment": "Belt\x00 de mantelzorger.\nElke week."},
    )

    assert response.status_code in (200, 302)
    db.session.expire_all()
    agreement = db.session.get(Pilot, pilot.id).agreements[0]
    assert agreement.party == "Wijkverpleging"
    assert agreement.commitment == "Belt de mantelzorger.\nElke week."


@pytest.mark.parametrize("path", ["/werkplaats/a%00b/", "/proeftuinen/A%00B",
                                  "/begeleiding/proeftuinen/Hoofd%20Letters"])
def test_an_address_that_cannot_be_a_slug_is_not_found(client, make, login, path):
    login(make.admin())
    assert client.get(path).status_code == 404


@pytest.mark.parametrize("status", [PilotStatus.applied, PilotStatus.declined])
def test_outsider_cannot_tell_that_a_non_public_pilot_exists(client, make, login, status):
    pilot = make.pilot(status=status)
    login(make.user())
    unknown = client.get("/werkplaats/bestaat-helemaal-niet/")
    hidden = client.get(f"/werkplaats/{pilot.slug}/")
    assert hidden.status_code == unknown.status_code == 404


def test_a_decision_on_a_stale_pilot_is_refused(app, make):
    facilitator = make.admin()
    pilot = make.pilot(status=PilotStatus.applied)
    # Another facilitator selected it a moment ago, in another request.
    db.session.execute(
        sa.update(Pilot).where(Pilot.id == pilot.id).values(status=PilotStatus.selected)
    )
    history_before = db.session.scalar(
        sa.select(sa.func.count()).select_from(PilotStatusChange)
    )

    with pytest.raises(TransitionError):
        decline_pilot(pilot, by=facilitator, reason="Past niet.")

    assert pilot.status is PilotStatus.selected
    assert db.session.scalar(
        sa.select(sa.func.count()).select_from(PilotStatusChange)
    ) == history_before


def test_a_decision_records_its_step_and_updates_the_pilot(app, make):
    facilitator = make.admin()
    pilot = make.pilot(status=PilotStatus.applied)

    change = select_pilot(pilot, by=facilitator, reason="Sterk plan.")
    db.session.commit()

    db.session.expire_all()
    assert db.session.get(Pilot, pilot.id).status is PilotStatus.selected
    assert (change.from_status, change.to_status) == (PilotStatus.applied, PilotStatus.selected)


def test_seed_demo_refuses_production(app, runner):
    app.config["ENV_NAME"] = "production"
    result = runner.invoke(args=["seed-demo"])
    assert result.exit_code != 0
    assert "production" in result.output


def test_wrong_method_keeps_the_allow_header(client):
    response = client.get("/logout")
    assert response.status_code == 405
    assert "POST" in response.headers["Allow"]


def test_coordinator_cannot_untick_every_question_and_direction(client, make, login):
    pilot = make.pilot(directions=(1, 2), questions=(1,))
    login(make.member(pilot, role=MemberRole.coordinator))

    response = client.post(f"/werkplaats/{pilot.slug}/kader", data={})

    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "Kies ten minste één vraagstuk." in html
    assert "Kies ten minste één oplossingsrichting." in html
    db.session.expire_all()
    assert [d.direction_number for d in db.session.get(Pilot, pilot.id).directions] == [1, 2]


def test_profile_refuses_an_implausible_year(client, make, login):
    pilot = make.pilot()
    login(make.member(pilot, role=MemberRole.coordinator))

    response = client.post(f"/werkplaats/{pilot.slug}/profiel", data={
        "name": pilot.name, "municipality": pilot.municipality,
        "region_id": str(pilot.region_id), "scale": "local", "planned_start": "0001-01-01",
    })

    assert response.status_code == 200
    assert "Kies een datum tussen 2000 en 2100." in response.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(Pilot, pilot.id).planned_start is None


def test_admin_sees_every_pilot_in_their_workspace_list(client, make, login):
    pilot = make.pilot(name="Proeftuin van niemand anders")
    login(make.admin())
    html = client.get("/werkplaats/").get_data(as_text=True)
    assert "Proeftuin van niemand anders" in html
    assert pilot.slug in html
