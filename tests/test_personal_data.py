"""Downloading one's own data: everything the user wrote and what their account holds, as
JSON; nothing of others, no secrets; each case discussion and lesson logged as exported."""

from __future__ import annotations

import json
from datetime import date
from types import SimpleNamespace

import pytest
import sqlalchemy as sa

from proeftuin.auth import two_factor
from proeftuin.extensions import db
from proeftuin.models import (
    AuditAction,
    AuditEvent,
    CaseFollowUp,
    LessonReview,
    LessonStatus,
    PrivacyConfirmation,
    ReviewDecision,
    utcnow,
)

DOWNLOAD = "/account/mijn-gegevens.json"
PAGE = "/account/mijn-gegevens"


def world(make) -> SimpleNamespace:
    """A coordinator who wrote a case and a lesson, beside a colleague who wrote others."""
    programme = make.programme(name="Programma Thuis")
    pilot = make.pilot(programme=programme, name="Proeftuin Denkstad")
    other_pilot = make.pilot(name="Proeftuin Elders")
    writer = make.coordinator(pilot, name="Schrijver Sam", email="sam@denkstad.example")
    colleague = make.member(pilot, name="Collega Cor")
    case = make.case(pilot, writer, title="Casus over de zoon", held_on=date(2026, 2, 3),
                     situation="De zoon zorgt; de thuiszorg komt twee keer per dag.",
                     went_well="Snel overleg met de huisarts.", directions=(1, 2))
    db.session.add(CaseFollowUp(case=case, action="Gesprek met de zoon plannen.",
                                owner="de wijkverpleegkundige", due_on=date(2026, 3, 1)))
    lesson = make.lesson(pilot, writer, status=LessonStatus.submitted,
                         title="Vraag eerst de mantelzorger", source_cases=[case],
                         advice="Plan het gesprek bij de mantelzorger thuis.")
    db.session.add(PrivacyConfirmation(record_type="case_discussion", record_id=case.id,
                                       fingerprint="f" * 64, kind="phone",
                                       confirmed_by_id=writer.id))
    db.session.commit()
    w = SimpleNamespace(pilot=pilot, other_pilot=other_pilot, writer=writer,
                        colleague=colleague, case=case, lesson=lesson)
    w.others_case = make.case(pilot, colleague, title="Casus van Cor",
                              situation="Geheim verhaal van een collega.")
    w.others_lesson = make.lesson(pilot, colleague, title="Les van Cor",
                                  body="Wat Cor leerde.")
    w.elsewhere = make.case(other_pilot, make.member(other_pilot), title="Casus elders")
    return w


def download(client) -> dict:
    response = client.get(DOWNLOAD)
    assert response.status_code == 200
    return json.loads(response.get_data(as_text=True))


# Who gets it ------------------------------------------------------------------------------


@pytest.mark.parametrize("url", [PAGE, DOWNLOAD])
def test_only_a_signed_in_user_gets_their_data(client, make, url):
    world(make)
    response = client.get(url)
    assert response.status_code == 302
    assert "/login?next=" in response.headers["Location"]


@pytest.mark.parametrize("url", [PAGE, DOWNLOAD])
def test_the_download_is_not_changed_by_other_methods(client, make, login, url):
    w = world(make)
    login(w.writer)
    assert client.post(url).status_code == 405


def test_the_account_page_links_to_the_download_page(client, make, login):
    w = world(make)
    login(w.writer)
    html = client.get("/account").get_data(as_text=True)
    assert f'href="{PAGE}"' in html


def test_the_page_explains_what_is_in_the_download(client, make, login):
    w = world(make)
    login(w.writer)

    html = client.get(PAGE).get_data(as_text=True)

    assert f'href="{DOWNLOAD}"' in html
    assert "1 casusbespreking die u heeft vastgelegd" in html
    assert "1 les die u heeft geschreven" in html
    assert "Wat anderen schreven staat er niet in" in html
    # Looking at the page hands out nothing, so it logs nothing.
    assert db.session.scalar(sa.select(sa.func.count()).select_from(AuditEvent)) == 0


# What is in it ----------------------------------------------------------------------------


def test_the_download_is_a_json_attachment_kept_out_of_caches(client, make, login):
    w = world(make)
    login(w.writer)

    response = client.get(DOWNLOAD)

    assert response.mimetype == "application/json"
    disposition = response.headers["Content-Disposition"]
    assert disposition.startswith('attachment; filename="proeftuin-mijn-gegevens-')
    assert disposition.endswith('.json"')
    assert response.headers["Cache-Control"] == "no-store"


def test_the_download_holds_the_account_and_memberships(client, make, login):
    w = world(make)
    login(w.writer)

    data = download(client)

    account = data["account"]
    assert account["name"] == "Schrijver Sam" and account["email"] == "sam@denkstad.example"
    assert account["role"] == "participant" and account["two_factor_enabled"] is False
    assert account["created_at"].startswith(str(w.writer.created_at.year))
    assert data["memberships"] == [{"pilot": {"slug": w.pilot.slug, "name": "Proeftuin Denkstad"},
                                    "role": "coordinator",
                                    "since": data["memberships"][0]["since"]}]


def test_the_download_holds_every_case_and_lesson_they_wrote_in_full(client, make, login):
    w = world(make)
    login(w.writer)

    data = download(client)

    [case] = data["case_discussions"]
    assert case["id"] == w.case.id and case["title"] == "Casus over de zoon"
    assert case["held_on"] == "2026-02-03" and case["status"] == "final"
    assert case["situation"] == "De zoon zorgt; de thuiszorg komt twee keer per dag."
    assert case["went_well"] == "Snel overleg met de huisarts."
    assert case["presenter_question"] == "Hoe betrekken we de dochter?"
    assert [d["number"] for d in case["solution_directions"]] == [1, 2]
    assert [q["number"] for q in case["carer_questions"]] == [1]
    assert {d["key"] for d in case["disciplines"]} == {"gp", "district_nurse"}
    assert case["follow_ups"] == [{"action": "Gesprek met de zoon plannen.",
                                   "owner": "de wijkverpleegkundige", "due_on": "2026-03-01",
                                   "done": False}]
    [lesson] = data["lessons"]
    assert lesson["title"] == "Vraag eerst de mantelzorger" and lesson["status"] == "submitted"
    assert lesson["advice"] == "Plan het gesprek bij de mantelzorger thuis."
    assert lesson["kind"] == "success_factor" and lesson["source_case_ids"] == [w.case.id]
    assert data["privacy_confirmations"] == [{
        "record_type": "case_discussion", "record_id": w.case.id, "kind": "phone",
        "confirmed_at": data["privacy_confirmations"][0]["confirmed_at"]}]


def test_the_download_holds_nothing_of_others_and_no_secrets(client, make, login):
    w = world(make)
    login(w.writer)
    # Switched on after signing in, so the sign-in above needs no code.
    two_factor.start_enrolment(w.writer)
    w.writer.totp_enabled_at = utcnow()
    codes = two_factor.new_recovery_codes(w.writer)
    db.session.commit()
    secret, password_hash = w.writer.totp_secret, w.writer.password_hash

    text = client.get(DOWNLOAD).get_data(as_text=True)

    data = json.loads(text)
    assert data["account"]["two_factor_enabled"] is True
    for absent in (secret, password_hash, "$argon2", *codes, "fingerprint", "f" * 64,
                   "password", "totp", "Casus van Cor", "Geheim verhaal", "Les van Cor",
                   "Wat Cor leerde", "Casus elders", "Collega Cor"):
        assert absent not in text, absent


def test_a_facilitator_gets_their_programmes_and_reviews(client, make, login):
    w = world(make)
    facilitator = make.facilitator(w.pilot.programme, name="Begeleider Bram")
    colleague = make.facilitator(w.pilot.programme)
    reviews = [(w.lesson.id, ReviewDecision.returned, facilitator.id, "Maak het concreter."),
               (w.others_lesson.id, ReviewDecision.published, colleague.id, "Prima.")]
    db.session.add_all([LessonReview(lesson_id=lesson_id, decision=decision, reviewer_id=by,
                                     feedback=feedback)
                        for lesson_id, decision, by, feedback in reviews])
    db.session.commit()
    login(facilitator)

    data = download(client)

    assert data["facilitated_programmes"] == [{"slug": w.pilot.programme.slug,
                                               "name": "Programma Thuis"}]
    [review] = data["lesson_reviews"]
    assert review["lesson_id"] == w.lesson.id and review["decision"] == "returned"
    assert review["feedback"] == "Maak het concreter."
    assert "Les van Cor" not in json.dumps(data) and "Prima." not in json.dumps(data)
    assert data["case_discussions"] == [] and data["lessons"] == []


def test_someone_who_wrote_nothing_gets_an_almost_empty_file(client, make, login):
    user = make.user(name="Nieuwkomer Nina")
    login(user)

    data = download(client)

    assert data["account"]["name"] == "Nieuwkomer Nina"
    for key in ("memberships", "facilitated_programmes", "case_discussions", "lessons",
                "lesson_reviews", "privacy_confirmations"):
        assert data[key] == []
    assert db.session.scalar(sa.select(sa.func.count()).select_from(AuditEvent)) == 0


def test_what_they_wrote_in_a_pilot_they_left_stays_with_the_pilot(client, make, login):
    # Case discussions are the pilot's, and others may have added to them since: someone who
    # can no longer read them on the site does not take them away in a download either.
    w = world(make)
    for membership in list(w.writer.memberships):
        db.session.delete(membership)
    db.session.commit()
    login(w.writer)

    data = download(client)

    assert data["case_discussions"] == [] and data["lessons"] == []
    assert data["memberships"] == []


# The audit trail --------------------------------------------------------------------------


def test_each_case_and_lesson_in_the_download_is_logged_as_exported(client, make, login):
    w = world(make)
    login(w.writer)

    download(client)

    db.session.expire_all()
    events = db.session.scalars(sa.select(AuditEvent).order_by(AuditEvent.record_type)).all()
    assert [(e.action, e.user_id, e.role, e.record_type, e.record_id, e.pilot_id)
            for e in events] == [
        (AuditAction.exported, w.writer.id, "coordinator", "case_discussion", w.case.id,
         w.pilot.id),
        (AuditAction.exported, w.writer.id, "coordinator", "lesson", w.lesson.id, w.pilot.id),
    ]


def test_the_download_costs_the_same_queries_for_few_or_many_records(client, make, login,
                                                                     count_queries):
    w = world(make)
    login(w.writer)

    def queries() -> int:
        db.session.expire_all()
        with count_queries() as n:
            download(client)
        return n()

    queries()
    few = queries()
    for number in range(6):
        pilot = make.pilot()
        make.case(pilot, w.writer, title=f"Nog een casus {number}")
        make.lesson(pilot, w.writer, title=f"Nog een les {number}")
    assert queries() == few
