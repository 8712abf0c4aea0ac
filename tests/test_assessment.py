"""Assessing a call's applications: external assessors, scores with notes, conflicts of
interest, the scores side by side, decisions that are mailed and kept with the call, and the
end of the assessors' role when the call is decided."""

from __future__ import annotations

import re
from types import SimpleNamespace

import pytest
import sqlalchemy as sa

from proeftuin.extensions import db
from proeftuin.messaging import worker
from proeftuin.models import (
    ApplicationScore,
    AssessmentConflict,
    AuditEvent,
    Call,
    CallAssessor,
    CallDecision,
    DecisionOutcome,
    OutboxMessage,
    PilotStatus,
    RecordType,
    User,
    call_application,
)
from proeftuin.programmes import assessment, assessors
from proeftuin.programmes import assessment_queries as queries
from tests.conftest import PASSWORD
from tests.test_messaging import smtp  # noqa: F401 - the fixture


def _world(make) -> SimpleNamespace:
    programme = make.programme(name="Programma Thuis")
    facilitator = make.facilitator(programme, name="Begeleider Bram")
    call = make.call(programme, title="Ronde 2027", places=1)
    first = make.application(call, name="Netwerk Oost", region="Utrecht", questions=(1,),
                             directions=(1, 2))
    second = make.application(call, name="Netwerk West", region="Zeeland", questions=(2,),
                              directions=(3,))
    return SimpleNamespace(programme=programme, facilitator=facilitator, call=call,
                           first=first, second=second)


def _assessor(make, w, name="Anna Assessor") -> User:
    """An external assessor of the world's call, who accepted."""
    user = make.user(name=name)
    row = assessors.invite(w.call, name, user.email, w.facilitator)
    assessors.accept(row, user)
    db.session.commit()
    return user


def _scores(call: Call, *values: int, note: str = "Goed onderbouwd.") -> dict:
    form = {}
    for criterion, value in zip(call.criteria, values, strict=False):
        form[f"score_{criterion.id}"] = str(value)
        form[f"note_{criterion.id}"] = note
    return form


def _sign_in_as(client, login, user):
    client.post("/logout")
    login(user)


# Inviting an external assessor ------------------------------------------------------------


def test_an_invited_assessor_gets_a_mail_makes_an_account_and_sees_only_the_call(
        client, make, login, smtp):  # noqa: F811
    w = _world(make)
    other_call = make.call(w.programme, title="Ronde 2028")
    elsewhere = make.application(other_call, name="Netwerk Elders")
    login(w.facilitator)

    response = client.post(f"/begeleiding/rondes/{w.call.id}/beoordelaars",
                           data={"name": "Anna Assessor", "email": "Anna@Voorbeeld.example"})
    assert response.status_code == 303
    assert worker.deliver_due().sent == 1
    (mail,) = smtp.messages
    assert mail["To"] == "Anna Assessor <anna@voorbeeld.example>"
    text = mail.get_body(("plain",)).get_content()
    assert "Begeleider Bram vraagt u de aanmeldingen van ‘Ronde 2027’" in text
    link = re.search(r"http://\S+/beoordelen/uitnodiging/\S+", text).group(0)
    path = link.split("localhost", 1)[-1] if "localhost" in link else "/" + link.split("/", 3)[3]

    client.post("/logout")
    page = client.get(path)
    assert page.status_code == 200 and "Maak uw account aan" in page.get_data(as_text=True)
    created = client.post(path, data={"name": "Anna Assessor", "password": PASSWORD,
                                      "password_repeat": PASSWORD})
    assert created.status_code == 302
    assert created.headers["Location"].endswith(f"/beoordelen/{w.call.id}/")
    anna = db.session.scalar(sa.select(User).where(User.email == "anna@voorbeeld.example"))
    assert anna.memberships == []

    listing = client.get(f"/beoordelen/{w.call.id}/").get_data(as_text=True)
    assert "Netwerk Oost" in listing and "Netwerk West" in listing
    assert "Netwerk Elders" not in listing
    # Nothing outside the call: not the other call, its application, or the facilitators' pages.
    assert client.get(f"/beoordelen/{other_call.id}/").status_code == 403
    assert client.get(f"/beoordelen/{other_call.id}/{elsewhere.id}").status_code == 403
    assert client.get(f"/beoordelen/{w.call.id}/{elsewhere.id}").status_code == 404
    assert client.get(f"/begeleiding/rondes/{w.call.id}/beoordeling").status_code == 403
    assert client.get(f"/begeleiding/proeftuinen/{w.first.slug}").status_code == 403
    # The link worked once.
    client.post("/logout")
    assert client.get(path).status_code == 410


def test_the_application_an_assessor_reads_has_no_contact_details(client, make, login):
    w = _world(make)
    anna = _assessor(make, w)
    login(anna)
    page = client.get(f"/beoordelen/{w.call.id}/{w.first.id}").get_data(as_text=True)
    assert "Netwerk Oost" in page and "Samenwerking rond de mantelzorger." in page
    assert w.first.contact_email not in page and w.first.contact_name not in page


def test_inviting_a_facilitator_or_an_active_assessor_again_is_refused_and_keeps_the_input(
        client, make, login):
    w = _world(make)
    anna = _assessor(make, w)
    login(w.facilitator)
    for address, message in ((w.facilitator.email, "begeleiders beoordelen de aanmeldingen al"),
                             (anna.email, "beoordeelt deze ronde al"),
                             ("geen-adres", "Vul een geldig e-mailadres in.")):
        response = client.post(f"/begeleiding/rondes/{w.call.id}/beoordelaars",
                               data={"name": "Iemand Anders", "email": address})
        page = response.get_data(as_text=True)
        assert response.status_code == 200 and message in page
        assert 'value="Iemand Anders"' in page
    assert db.session.scalar(sa.select(sa.func.count()).select_from(CallAssessor)) == 1


# Scores and conflicts ---------------------------------------------------------------------


def test_an_assessor_scores_each_criterion_with_a_note_and_every_score_is_audited(
        client, make, login):
    w = _world(make)
    anna = _assessor(make, w)
    login(anna)
    response = client.post(f"/beoordelen/{w.call.id}/{w.first.id}",
                           data=_scores(w.call, 4, 5, 3))
    assert response.status_code == 303
    given = db.session.scalars(sa.select(ApplicationScore).where(
        ApplicationScore.user_id == anna.id).order_by(ApplicationScore.criterion_id)).all()
    assert [(s.score, s.note) for s in given] == [(4, "Goed onderbouwd.")] * 1 + [
        (5, "Goed onderbouwd."), (3, "Goed onderbouwd.")]
    events = db.session.scalars(sa.select(AuditEvent).where(
        AuditEvent.record_type == RecordType.score.value)).all()
    assert len(events) == 3 and {e.role for e in events} == {"assessor"}
    assert {e.pilot_id for e in events} == {w.first.id}

    # Changing one score audits that one only.
    client.post(f"/beoordelen/{w.call.id}/{w.first.id}", data=_scores(w.call, 4, 2, 3))
    changed = db.session.scalars(sa.select(AuditEvent).where(
        AuditEvent.record_type == RecordType.score.value,
        AuditEvent.action == "changed")).all()
    assert len(changed) == 1


@pytest.mark.parametrize(("field", "value", "message"), [
    ("score", "7", "Not a valid choice"),
    ("note", "x" * 2001, "Maak de toelichting korter"),
    ("score", "", "Kies ook een score bij deze toelichting."),
])
def test_a_wrong_score_is_explained_keeps_what_was_typed_and_saves_nothing(
        client, make, login, field, value, message):
    w = _world(make)
    login(w.facilitator)
    data = _scores(w.call, 4, 5, 3, note="Mijn toelichting")
    first = w.call.criteria[0].id
    data[f"{field}_{first}"] = value
    response = client.post(f"/beoordelen/{w.call.id}/{w.first.id}", data=data)
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert message in page or message == "Not a valid choice" and "field-error" in page
    assert "Mijn toelichting" in page
    assert db.session.scalar(sa.select(sa.func.count()).select_from(ApplicationScore)) == 0


def test_a_declared_conflict_removes_the_scores_and_refuses_new_ones(client, make, login):
    w = _world(make)
    anna = _assessor(make, w)
    login(anna)
    client.post(f"/beoordelen/{w.call.id}/{w.second.id}", data=_scores(w.call, 2, 2, 2))
    blank = client.post(f"/beoordelen/{w.call.id}/{w.second.id}/belangenconflict",
                        data={"note": ""})
    assert "Beschrijf kort uw band" in blank.get_data(as_text=True)

    response = client.post(f"/beoordelen/{w.call.id}/{w.second.id}/belangenconflict",
                           data={"note": "Ik werk bij een van de organisaties."})
    assert response.status_code == 303
    assert db.session.get(AssessmentConflict, (w.second.id, anna.id)) is not None
    assert db.session.scalar(sa.select(sa.func.count()).select_from(ApplicationScore)) == 0
    refused = client.post(f"/beoordelen/{w.call.id}/{w.second.id}", data=_scores(w.call, 5, 5, 5))
    assert "belangenconflict" in refused.get_data(as_text=True)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(ApplicationScore)) == 0
    page = client.get(f"/beoordelen/{w.call.id}/").get_data(as_text=True)
    assert "Belangenconflict gemeld" in page
    kinds = set(db.session.scalars(sa.select(AuditEvent.record_type)))
    assert kinds == {RecordType.score.value, RecordType.conflict.value}


# The scores side by side ----------------------------------------------------------------------


def test_the_side_by_side_view_shows_means_spread_and_who_has_not_scored(client, make, login):
    w = _world(make)
    anna = _assessor(make, w, name="Anna Assessor")
    bert = _assessor(make, w, name="Bert Beoordelaar")
    assessment.save_scores(w.call, w.first, anna, {c.id: (4, "") for c in w.call.criteria})
    assessment.save_scores(w.call, w.first, bert, {c.id: (2, "") for c in w.call.criteria})
    assessment.declare_conflict(w.call, w.second, bert, "Mijn buurvrouw doet mee.")
    db.session.commit()

    overview = queries.assessment(queries.call_by_id(w.call.id))
    first, second = overview.rows
    assert [f.mean for f in first.criteria] == [3.0, 3.0, 3.0]
    assert (first.overall.mean, first.assessors.spread) == (3.0, 2.0)
    assert [u.name for u in first.missing] == ["Begeleider Bram"]
    assert {u.name for u in second.missing} == {"Begeleider Bram", "Anna Assessor"}
    assert [u.name for u in second.conflicts] == ["Bert Beoordelaar"]

    login(w.facilitator)
    page = client.get(f"/begeleiding/rondes/{w.call.id}/beoordeling").get_data(as_text=True)
    assert "3,0" in page and "(2–4)" in page
    assert "Belangenconflict: Bert Beoordelaar" in page
    assert "Mijn buurvrouw" not in page  # the declaration's words are not shown in the table
    assert f'href="/beoordelen/{w.call.id}/"' in page  # a facilitator scores too


def test_an_admin_sees_the_scores_but_is_not_sent_to_score(client, make, login):
    w = _world(make)
    login(make.admin())
    page = client.get(f"/begeleiding/rondes/{w.call.id}/beoordeling").get_data(as_text=True)
    assert "Scores naast elkaar" in page
    assert f'href="/beoordelen/{w.call.id}/"' not in page
    assert client.get(f"/beoordelen/{w.call.id}/").status_code == 403


def test_the_selection_spread_counts_applications_and_selected_per_value(make):
    w = _world(make)
    assessment.decide(w.call, w.first, DecisionOutcome.selected, "Sterk plan.", w.facilitator)
    db.session.commit()
    overview = queries.assessment(queries.call_by_id(w.call.id))
    regions = {row.label: (row.applications, row.selected)
               for row in next(s for s in overview.spreads if s.key == "regions").rows}
    assert regions == {"Utrecht": (1, 1), "Zeeland": (1, 0)}
    directions = next(s for s in overview.spreads if s.key == "directions")
    assert [row.label[:2] for row in directions.rows] == ["1.", "2.", "3."]
    assert directions.uncovered == [directions.rows[2].label]
    assert overview.selected == 1 and overview.waiting == 1


def test_the_assessment_page_makes_the_same_queries_for_more_applications_and_assessors(
        client, make, login, count_queries):
    w = _world(make)
    anna = _assessor(make, w)
    assessment.save_scores(w.call, w.first, anna, {c.id: (3, "") for c in w.call.criteria})
    db.session.commit()
    login(w.facilitator)
    url = f"/begeleiding/rondes/{w.call.id}/beoordeling"
    db.session.expire_all()  # as after the commit below: nothing is read from memory
    with count_queries() as few:
        assert client.get(url).status_code == 200
    for n in range(4):
        pilot = make.application(w.call, name=f"Netwerk {n}", region="Drenthe")
        extra = _assessor(make, w, name=f"Extra {n}")
        assessment.save_scores(w.call, pilot, extra, {c.id: (5, "") for c in w.call.criteria})
        assessment.declare_conflict(w.call, w.first, extra, "Band.")
    db.session.commit()
    with count_queries() as many:
        assert client.get(url).status_code == 200
    assert many() == few()


# Decisions ----------------------------------------------------------------------------------------


def test_a_decision_is_kept_with_the_call_audited_and_mailed_in_the_application_language(
        client, make, login, smtp):  # noqa: F811
    w = _world(make)
    db.session.execute(sa.update(call_application).where(
        call_application.c.pilot_id == w.second.id).values(language="en"))
    db.session.commit()
    login(w.facilitator)
    url = f"/begeleiding/rondes/{w.call.id}/besluit"

    blank = client.post(f"{url}/{w.second.id}", data={
        f"besluit-{w.second.id}-outcome": "declined", f"besluit-{w.second.id}-reason": ""})
    assert "Geef een toelichting" in blank.get_data(as_text=True)
    db.session.refresh(w.second)
    assert w.second.status is PilotStatus.applied

    client.post(f"{url}/{w.first.id}", data={
        f"besluit-{w.first.id}-outcome": "selected",
        f"besluit-{w.first.id}-reason": "Een sterk plan met alle vier de disciplines."})
    client.post(f"{url}/{w.second.id}", data={
        f"besluit-{w.second.id}-outcome": "declined",
        f"besluit-{w.second.id}-reason": "Er waren meer aanmeldingen dan plaatsen."})
    db.session.expire_all()
    assert (w.first.status, w.second.status) == (PilotStatus.selected, PilotStatus.declined)
    decisions = {d.pilot_id: d for d in db.session.scalars(sa.select(CallDecision))}
    assert decisions[w.first.id].outcome is DecisionOutcome.selected
    assert decisions[w.second.id].reason == "Er waren meer aanmeldingen dan plaatsen."
    assert {d.call_id for d in decisions.values()} == {w.call.id}
    audited = db.session.scalars(sa.select(AuditEvent.record_id).where(
        AuditEvent.record_type == RecordType.decision.value)).all()
    assert sorted(audited) == sorted(d.id for d in decisions.values())

    assert worker.deliver_due().sent == 2
    mails = {m["To"]: m for m in smtp.messages}
    chosen = mails[f"Contactpersoon Verzonnen <{w.first.contact_email}>"]
    refused = mails[f"Contactpersoon Verzonnen <{w.second.contact_email}>"]
    assert chosen["Subject"] == "Uw aanmelding voor Programma Thuis is geselecteerd"
    assert chosen["Reply-To"] == w.facilitator.email
    assert "alle vier de disciplines" in chosen.get_body(("plain",)).get_content()
    assert refused["Content-Language"] == "en"
    assert refused["Subject"] == "Decision on your application for Programma Thuis"
    assert "Unfortunately" in refused.get_body(("plain",)).get_content()
    page = client.get(f"/begeleiding/rondes/{w.call.id}/beoordeling").get_data(as_text=True)
    assert "Er waren meer aanmeldingen dan plaatsen." in page


def test_declining_on_the_pilot_page_also_keeps_the_decision_and_mails_it(client, make, login):
    w = _world(make)
    login(w.facilitator)
    client.post(f"/begeleiding/proeftuinen/{w.second.slug}/status",
                data={"to": "declined", "reason": "Past niet in deze ronde."})
    decision = db.session.scalar(sa.select(CallDecision))
    assert (decision.pilot_id, decision.outcome) == (w.second.id, DecisionOutcome.declined)
    assert db.session.scalar(sa.select(OutboxMessage.kind).where(
        OutboxMessage.recipient == w.second.contact_email)) == "application_decision"


# Closing the assessment --------------------------------------------------------------------------


def test_the_assessment_closes_only_when_the_call_has_closed_and_nothing_waits(
        client, make, login):
    w = _world(make)
    anna = _assessor(make, w)
    login(w.facilitator)
    url = f"/begeleiding/rondes/{w.call.id}/afronden"
    assert "neemt nog aanmeldingen aan" in client.post(url, follow_redirects=True).get_data(
        as_text=True)
    client.post(f"/begeleiding/rondes/{w.call.id}/sluiten")
    assert "wachten nog aanmeldingen" in client.post(url, follow_redirects=True).get_data(
        as_text=True)
    for pilot, outcome in ((w.first, "selected"), (w.second, "declined")):
        client.post(f"/begeleiding/rondes/{w.call.id}/besluit/{pilot.id}", data={
            f"besluit-{pilot.id}-outcome": outcome, f"besluit-{pilot.id}-reason": "Gewogen."})
    assert client.post(url).status_code == 303
    db.session.expire_all()
    assert db.session.get(Call, w.call.id).decided_at is not None

    # The assessor's role has ended: the call tells them so, and nothing of it opens.
    _sign_in_as(client, login, anna)
    gone = client.get(f"/beoordelen/{w.call.id}/")
    assert gone.status_code == 410 and "is afgerond" in gone.get_data(as_text=True)
    assert client.get(f"/beoordelen/{w.call.id}/{w.first.id}").status_code == 410
    assert "Ronde 2027" not in client.get("/beoordelen/").get_data(as_text=True)


def test_a_revoked_assessor_reaches_nothing_and_their_link_is_gone(client, make, login):
    w = _world(make)
    anna = _assessor(make, w)
    row = db.session.scalar(sa.select(CallAssessor))
    login(w.facilitator)
    client.post(f"/begeleiding/rondes/{w.call.id}/beoordelaars/{row.id}/intrekken")
    _sign_in_as(client, login, anna)
    assert client.get(f"/beoordelen/{w.call.id}/").status_code == 403


# Scores are never public ----------------------------------------------------------------------------


def test_scores_notes_and_conflicts_appear_on_no_public_page_or_api(client, make):
    w = _world(make)
    anna = _assessor(make, w)
    assessment.save_scores(w.call, w.first, anna,
                           {c.id: (5, "Geheime-notitie-7431") for c in w.call.criteria})
    assessment.decide(w.call, w.first, DecisionOutcome.selected, "Reden-8812", w.facilitator)
    db.session.commit()
    for url in (f"/proeftuinen/{w.first.slug}", "/proeftuinen/", f"/api/v1/pilots/{w.first.slug}",
                "/api/v1/pilots"):
        body = client.get(url).get_data(as_text=True)
        assert "Geheime-notitie-7431" not in body and "Reden-8812" not in body, url
