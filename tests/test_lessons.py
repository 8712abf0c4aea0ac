"""Lessons: writing them in the workspace, the review by facilitators, revisions and audit."""

from __future__ import annotations

import re
from datetime import date, timedelta
from types import SimpleNamespace

import pytest
import sqlalchemy as sa
from sqlalchemy.orm.attributes import set_committed_value

from proeftuin.extensions import db
from proeftuin.lessons import services
from proeftuin.library.urls import public_lesson_url
from proeftuin.models import (
    AuditAction,
    AuditEvent,
    Lesson,
    LessonReview,
    LessonStatus,
    PilotStatus,
    PrivacyConfirmation,
    ReviewDecision,
    TargetGroup,
    utcnow,
)
from proeftuin.personal_data import guard
from proeftuin.personal_data.detection import fingerprint, scan
from tests.csrf import csrf_token, signed_in_with_token

# Helpers ----------------------------------------------------------------------------------


def world(make, status: PilotStatus = PilotStatus.active) -> SimpleNamespace:
    """A pilot with someone in every role around it, and a second pilot in another programme."""
    programme = make.programme(name="Programma Thuis")
    other_programme = make.programme(name="Programma Elders")
    pilot = make.pilot(programme=programme, status=status, name="Proeftuin Denkstad")
    other_pilot = make.pilot(programme=other_programme, name="Proeftuin Elders")
    w = SimpleNamespace(
        programme=programme,
        pilot=pilot,
        slug=pilot.slug,
        other_pilot=other_pilot,
        facilitator=make.facilitator(programme, name="Begeleider Bram"),
        other_facilitator=make.facilitator(other_programme, name="Begeleider Elders"),
        admin=make.admin(name="Beheerder Bea"),
        outsider=make.member(other_pilot, name="Buitenstaander Olga"),
        coordinator=make.coordinator(pilot, name="Coördinator Cor"),
        member=make.member(pilot, name="Deelnemer Dina"),
        anonymous=None,
    )
    return w


def html_of(response) -> str:
    return response.get_data(as_text=True)


def lesson_form(**overrides) -> dict:
    group = db.session.scalar(sa.select(TargetGroup).where(TargetGroup.key == "dementia"))
    data = {
        "title": "Een vast aanspreekpunt voor de mantelzorger",
        "summary": "Eén vaste contactpersoon voorkomt dat de mantelzorger alles steeds opnieuw uitlegt.",
        "context": "In de wijk werkten *vijf* organisaties langs elkaar heen.",
        "body": "Spreek per gezin **één** aanspreekpunt af.",
        "advice": "- Leg het vast in het zorgplan\n- Evalueer na drie maanden",
        "kind": "success_factor",
        "level": "professional",
        "evidence": "several_cases",
        "questions": ["1"],
        "directions": ["1", "3"],
        "target_groups": [str(group.id)],
        "source_cases": [],
    }
    data.update(overrides)
    return data


def is_checked(html: str, name: str, value) -> bool:
    """Whether the page has a ticked box or radio button `name` with this value."""
    for tag in re.findall(r"<input[^>]*>", html):
        if f'name="{name}"' in tag and f'value="{value}"' in tag:
            return re.search(r"\schecked[\s>]", tag) is not None
    return False


def lesson_row(lesson_id: int) -> Lesson:
    db.session.expire_all()
    return db.session.get(Lesson, lesson_id)


def events(lesson_id: int, record_type: str = "lesson") -> list[AuditEvent]:
    db.session.expire_all()
    return list(db.session.scalars(
        sa.select(AuditEvent)
        .where(AuditEvent.record_type == record_type, AuditEvent.record_id == lesson_id)
        .order_by(AuditEvent.id)
    ))


def actions(lesson_id: int) -> list[str]:
    return [e.action.value for e in events(lesson_id) if e.action is not AuditAction.viewed]


def lesson_url(w, lesson_id: int, suffix: str = "") -> str:
    return f"/werkplaats/{w.slug}/lessen/{lesson_id}{suffix}"


def public_path(client, lesson_id: int) -> tuple[int, str]:
    """Follow the short public URL; return the status and the page (or the redirect)."""
    response = client.get(f"/bibliotheek/{lesson_id}", follow_redirects=True)
    return response.status_code, html_of(response)


def logout(client):
    client.post("/logout")


# The full lifecycle -----------------------------------------------------------------------


def test_full_lifecycle_from_draft_to_withdrawal(client, make, login):
    w = world(make)
    case = make.case(w.pilot, w.member, title="Casus dochter op afstand",
                     situation="Geheime situatieschets die nooit openbaar mag.")

    # A member writes a draft from a case discussion.
    login(w.member)
    response = client.get(f"/werkplaats/{w.slug}/lessen/nieuw?casus={case.id}")
    assert response.status_code == 200
    html = html_of(response)
    assert is_checked(html, "source_cases", case.id)
    assert is_checked(html, "directions", 1) and is_checked(html, "questions", 1)
    assert "Casus dochter op afstand" in html

    response = client.post(f"/werkplaats/{w.slug}/lessen/nieuw",
                           data=lesson_form(source_cases=[str(case.id)]))
    assert response.status_code == 302, html_of(response)[:2000]
    lesson = db.session.scalar(sa.select(Lesson))
    lesson_id = lesson.id
    assert response.headers["Location"].endswith(lesson_url(w, lesson_id))
    assert lesson.status is LessonStatus.draft
    assert [c.id for c in lesson.source_cases] == [case.id]
    assert [d.number for d in lesson.directions] == [1, 3]

    # Not public yet.
    assert public_path(client, lesson_id)[0] == 404

    # Submit.
    response = client.post(lesson_url(w, lesson_id, "/indienen"))
    assert response.status_code == 302
    lesson = lesson_row(lesson_id)
    assert lesson.status is LessonStatus.submitted and lesson.submitted_at is not None

    # The facilitator returns it with feedback.
    logout(client)
    login(w.facilitator)
    queue = html_of(client.get("/begeleiding/lessen/"))
    assert "Een vast aanspreekpunt" in queue and "Proeftuin Denkstad" in queue
    response = client.post(f"/begeleiding/lessen/{lesson_id}",
                           data={"decision": "return", "feedback": "Noem ook wat **niet** werkte."})
    assert response.status_code == 303
    assert lesson_row(lesson_id).status is LessonStatus.returned

    # The authors see the feedback, edit and resubmit.
    logout(client)
    login(w.coordinator)
    html = html_of(client.get(lesson_url(w, lesson_id)))
    assert "Teruggegeven" in html and "<strong>niet</strong>" in html
    response = client.post(lesson_url(w, lesson_id, "/bewerken"),
                           data=lesson_form(body="Spreek één aanspreekpunt af; dat werkte niet bij crisis.",
                                            source_cases=[str(case.id)]))
    assert response.status_code == 302
    assert lesson_row(lesson_id).status is LessonStatus.draft
    assert client.post(lesson_url(w, lesson_id, "/indienen")).status_code == 302

    # Publish.
    logout(client)
    login(w.facilitator)
    response = client.post(f"/begeleiding/lessen/{lesson_id}",
                           data={"decision": "publish", "feedback": ""})
    assert response.status_code == 303
    lesson = lesson_row(lesson_id)
    assert lesson.status is LessonStatus.published
    assert lesson.public_revision.number == 1
    assert lesson.first_published_at is not None
    first_published = lesson.first_published_at
    # The facilitator is told where the public page is, and can go there.
    queue = html_of(client.get(response.headers["Location"]))
    public = public_lesson_url(lesson.public_revision)
    assert re.search(rf'gepubliceerd en staat nu in de bibliotheek: <a class="utrecht-link" '
                     rf'href="{re.escape(public)}">', queue)

    # The public sees revision 1.
    logout(client)
    status, html = public_path(client, lesson_id)
    assert status == 200
    assert "dat werkte niet bij crisis" in html
    assert "Geheime situatieschets" not in html and "Casus dochter op afstand" not in html

    # An edit to the published lesson stays out of sight until it is published.
    login(w.member)
    response = client.post(lesson_url(w, lesson_id, "/bewerken"),
                           data=lesson_form(title="Een vast aanspreekpunt, ook in crisis",
                                            body="Tweede versie van de les.",
                                            source_cases=[str(case.id)]))
    assert response.status_code == 302
    lesson = lesson_row(lesson_id)
    assert lesson.status is LessonStatus.draft and lesson.public_revision.number == 1
    logout(client)
    status, html = public_path(client, lesson_id)
    assert status == 200 and "dat werkte niet bij crisis" in html
    assert "Tweede versie" not in html

    login(w.member)
    assert client.post(lesson_url(w, lesson_id, "/indienen")).status_code == 302
    logout(client)
    status, html = public_path(client, lesson_id)
    assert status == 200 and "Tweede versie" not in html

    login(w.facilitator)
    assert client.post(f"/begeleiding/lessen/{lesson_id}",
                       data={"decision": "publish", "feedback": "Mooi aangescherpt."}).status_code == 303
    lesson = lesson_row(lesson_id)
    assert lesson.public_revision.number == 2
    assert lesson.first_published_at == first_published
    logout(client)
    status, html = public_path(client, lesson_id)
    assert status == 200 and "Tweede versie" in html and "crisis" in html
    assert "Bijgewerkt" in html

    # The history lists both revisions, each readable.
    login(w.member)
    html = html_of(client.get(lesson_url(w, lesson_id, "/versies")))
    assert "Versie 1" in html and "Versie 2" in html
    assert "Begeleider Bram" in html
    assert "De werkversie is gelijk aan versie 2" in html
    html = html_of(client.get(lesson_url(w, lesson_id, "/versies/1")))
    assert "dat werkte niet bij crisis" in html and "Tweede versie" not in html

    # Withdraw: the public page is gone.
    logout(client)
    login(w.facilitator)
    response = client.post(f"/begeleiding/lessen/{lesson_id}/intrekken",
                           data={"reason": "Bevat verouderde informatie."})
    assert response.status_code == 303
    lesson = lesson_row(lesson_id)
    assert lesson.status is LessonStatus.withdrawn and lesson.public_revision is None
    logout(client)
    assert public_path(client, lesson_id)[0] == 404
    assert client.get(f"/bibliotheek/{lesson_id}-een-vast-aanspreekpunt-ook-in-crisis").status_code == 404

    # The trail holds every step, in order, with the role each person acted in.
    assert actions(lesson_id) == [
        "created", "submitted", "returned", "changed", "submitted", "published", "changed",
        "submitted", "published", "withdrawn",
    ]
    roles = {(e.action.value, e.role) for e in events(lesson_id)}
    assert ("created", "member") in roles
    assert ("changed", "coordinator") in roles
    assert ("returned", "facilitator") in roles
    assert ("viewed", "member") in roles


def test_published_lesson_edited_then_withdrawn_keeps_nothing_public(make):
    w = world(make)
    lesson = make.lesson(w.pilot, w.member, status=LessonStatus.published)
    services.update_lesson(lesson, services.LessonContent(
        title="Nieuwe titel", kind="barrier", level="national", evidence="measured",
        summary="s", body="b"), by=w.member)
    assert lesson.status is LessonStatus.draft and lesson.is_public
    services.withdraw_lesson(lesson, w.facilitator, "Niet meer actueel.")
    db.session.commit()
    assert lesson_row(lesson.id).public_revision_id is None
    # The new version the writers are working on stays theirs, a draft.
    assert lesson_row(lesson.id).status is LessonStatus.draft


def test_withdrawing_keeps_a_new_version_in_the_review_queue(make):
    w = world(make)
    lesson = make.lesson(w.pilot, w.member, status=LessonStatus.published)
    lesson.body = "Een betere les."
    lesson.status = LessonStatus.submitted
    services.withdraw_lesson(lesson, w.facilitator, "De oude versie klopt niet meer.")
    db.session.commit()
    stored = lesson_row(lesson.id)
    assert stored.status is LessonStatus.submitted and stored.public_revision_id is None


def test_a_withdrawn_lesson_can_be_submitted_again(make):
    w = world(make)
    lesson = make.lesson(w.pilot, w.member, status=LessonStatus.published)
    services.withdraw_lesson(lesson, w.facilitator, "Verouderd.")
    services.submit_lesson(lesson, w.member)
    db.session.commit()
    assert lesson_row(lesson.id).status is LessonStatus.submitted


# Transitions refused in the wrong state ---------------------------------------------------


@pytest.mark.parametrize("status", [LessonStatus.submitted, LessonStatus.published])
def test_a_lesson_waiting_for_review_or_published_cannot_be_submitted(make, status):
    w = world(make)
    lesson = make.lesson(w.pilot, w.member, status=status)
    with pytest.raises(services.LessonError):
        services.submit_lesson(lesson, w.member)


@pytest.mark.parametrize("status", [LessonStatus.draft, LessonStatus.returned,
                                    LessonStatus.published, LessonStatus.withdrawn])
def test_only_submitted_lessons_can_be_published_or_returned(make, status):
    w = world(make)
    lesson = make.lesson(w.pilot, w.member, status=status)
    with pytest.raises(services.LessonError):
        services.publish_lesson(lesson, w.facilitator)
    with pytest.raises(services.LessonError):
        services.return_lesson(lesson, w.facilitator, "Feedback")
    db.session.rollback()
    assert db.session.scalar(sa.select(sa.func.count()).select_from(LessonReview)) == 0


@pytest.mark.parametrize("status", [LessonStatus.draft, LessonStatus.submitted,
                                    LessonStatus.returned])
def test_a_lesson_that_is_not_public_cannot_be_withdrawn(make, status):
    w = world(make)
    lesson = make.lesson(w.pilot, w.member, status=status)
    with pytest.raises(services.LessonError):
        services.withdraw_lesson(lesson, w.facilitator, "Reden")


def test_returning_needs_feedback_and_withdrawing_needs_a_reason(make):
    w = world(make)
    submitted = make.lesson(w.pilot, w.member, status=LessonStatus.submitted)
    with pytest.raises(services.LessonError) as error:
        services.return_lesson(submitted, w.facilitator, "   ")
    assert error.value.field == "feedback"
    assert submitted.status is LessonStatus.submitted
    published = make.lesson(w.pilot, w.member, status=LessonStatus.published)
    with pytest.raises(services.LessonError) as error:
        services.withdraw_lesson(published, w.facilitator, "")
    assert error.value.field == "reason"
    assert published.is_public


def test_a_submitted_lesson_cannot_be_updated_by_the_service(make):
    w = world(make)
    lesson = make.lesson(w.pilot, w.member, status=LessonStatus.submitted)
    with pytest.raises(services.LessonError):
        services.update_lesson(lesson, services.LessonContent(
            title="X", kind="barrier", level="national", evidence="measured"), by=w.member)


def test_an_incomplete_lesson_cannot_be_submitted(client, make, login):
    w = world(make)
    lesson = make.lesson(w.pilot, w.member, summary="", body="")
    login(w.member)
    response = client.post(lesson_url(w, lesson.id, "/indienen"), follow_redirects=True)
    assert "Vul eerst de samenvatting en de les zelf in" in html_of(response)
    assert lesson_row(lesson.id).status is LessonStatus.draft


def test_submitting_twice_is_refused_with_a_message(client, make, login):
    w = world(make)
    lesson = make.lesson(w.pilot, w.member, status=LessonStatus.submitted)
    login(w.member)
    response = client.post(lesson_url(w, lesson.id, "/indienen"), follow_redirects=True)
    assert response.status_code == 200
    assert "Deze les wacht al op beoordeling of staat in de bibliotheek" in html_of(response)


def test_deciding_on_a_lesson_that_is_no_longer_submitted_says_so(client, make, login):
    w = world(make)
    lesson = make.lesson(w.pilot, w.member, status=LessonStatus.published)
    login(w.facilitator)
    response = client.post(f"/begeleiding/lessen/{lesson.id}",
                           data={"decision": "publish"}, follow_redirects=True)
    assert response.status_code == 200
    assert "Alleen een ingediende les kan worden gepubliceerd" in html_of(response)
    assert len(lesson_row(lesson.id).revisions) == 1


def test_returning_without_feedback_keeps_the_form_and_changes_nothing(client, make, login):
    w = world(make)
    lesson = make.lesson(w.pilot, w.member, status=LessonStatus.submitted)
    login(w.facilitator)
    response = client.post(f"/begeleiding/lessen/{lesson.id}",
                           data={"decision": "return", "feedback": "  "})
    assert response.status_code == 200
    assert "Schrijf feedback voor de schrijvers" in html_of(response)
    assert lesson_row(lesson.id).status is LessonStatus.submitted


def test_an_unknown_decision_is_refused(client, make, login):
    w = world(make)
    lesson = make.lesson(w.pilot, w.member, status=LessonStatus.submitted)
    login(w.facilitator)
    response = client.post(f"/begeleiding/lessen/{lesson.id}", data={"decision": "delete"})
    assert response.status_code == 200
    assert "Kies publiceren of teruggeven" in html_of(response)
    assert lesson_row(lesson.id).status is LessonStatus.submitted


def test_withdrawing_without_a_reason_keeps_the_lesson_public(client, make, login):
    w = world(make)
    lesson = make.lesson(w.pilot, w.member, status=LessonStatus.published)
    login(w.admin)
    response = client.post(f"/begeleiding/lessen/{lesson.id}/intrekken", data={"reason": " "})
    assert response.status_code == 200
    assert "Geef een reden op" in html_of(response)
    assert lesson_row(lesson.id).is_public


def test_admin_withdraws_through_the_confirmation_page(client, make, login):
    w = world(make)
    lesson = make.lesson(w.pilot, w.member, status=LessonStatus.published)
    login(w.admin)
    html = html_of(client.get(f"/begeleiding/lessen/{lesson.id}/intrekken"))
    assert "Reden van het intrekken" in html
    response = client.post(f"/begeleiding/lessen/{lesson.id}/intrekken",
                           data={"reason": "Op verzoek van de proeftuin."})
    assert response.status_code == 303
    lesson = lesson_row(lesson.id)
    assert lesson.status is LessonStatus.withdrawn
    assert lesson.reviews[-1].decision is ReviewDecision.withdrawn
    assert events(lesson.id)[-1].role == "admin"


# Writing: validation, preview, the personal-data guard -------------------------------------


def test_missing_title_and_choices_keep_what_was_typed(client, make, login):
    w = world(make)
    login(w.member)
    response = client.post(f"/werkplaats/{w.slug}/lessen/nieuw",
                           data=lesson_form(title="", kind="", body="Mijn zorgvuldige tekst"))
    assert response.status_code == 200
    html = html_of(response)
    assert "Geef de les een titel." in html and "Kies de soort les." in html
    assert "Mijn zorgvuldige tekst" in html
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Lesson)) == 0


def test_nonsense_in_checkbox_values_is_a_form_error_not_a_crash(client, make, login):
    w = world(make)
    login(w.member)
    response = client.post(f"/werkplaats/{w.slug}/lessen/nieuw",
                           data=lesson_form(directions=["x"], questions=["99"],
                                            source_cases=["99999999999"]))
    assert response.status_code == 200
    assert "Kies alleen" in html_of(response)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Lesson)) == 0


def test_preview_renders_markdown_and_saves_nothing(client, make, login):
    w = world(make)
    login(w.member)
    response = client.post(f"/werkplaats/{w.slug}/lessen/nieuw",
                           data=lesson_form(body="Een **vet** punt <script>alert(1)</script>",
                                            preview="1"))
    assert response.status_code == 200
    html = html_of(response)
    assert "Voorbeeld" in html and "<strong>vet</strong>" in html
    assert "<script>alert(1)</script>" not in html
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Lesson)) == 0


def test_preview_of_an_edit_changes_nothing(client, make, login):
    w = world(make)
    lesson = make.lesson(w.pilot, w.member, status=LessonStatus.published)
    login(w.member)
    response = client.post(lesson_url(w, lesson.id, "/bewerken"),
                           data=lesson_form(title="Voorlopig", preview="1"))
    assert response.status_code == 200 and "Voorlopig" in html_of(response)
    lesson = lesson_row(lesson.id)
    assert lesson.status is LessonStatus.published and lesson.title != "Voorlopig"


def test_personal_data_blocks_the_save_and_keeps_the_text(client, make, login):
    w = world(make)
    login(w.member)
    text = "Bel mevrouw Jansen op 06-12345678 voor meer uitleg."
    response = client.post(f"/werkplaats/{w.slug}/lessen/nieuw",
                           data=lesson_form(advice=text))
    assert response.status_code == 200
    html = html_of(response)
    assert "Mogelijk persoonsgegevens" in html
    assert "privacy-mark" in html and "06-12345678" in html
    assert 'name="not_personal"' in html
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Lesson)) == 0


def test_confirming_a_finding_saves_and_records_the_confirmation(client, make, login):
    w = world(make)
    login(w.member)
    text = "Meneer De Vries van de thuiszorg belde."
    (finding,) = scan(text)
    with client.application.test_request_context():
        print_ = fingerprint(finding, key=guard.fingerprint_key())
    response = client.post(f"/werkplaats/{w.slug}/lessen/nieuw",
                           data=lesson_form(context=text, not_personal=[print_]))
    assert response.status_code == 302
    lesson = db.session.scalar(sa.select(Lesson))
    (row,) = db.session.scalars(sa.select(PrivacyConfirmation)).all()
    assert (row.record_type, row.record_id, row.confirmed_by_id) == ("lesson", lesson.id,
                                                                      w.member.id)

    # Saved again with the same text, nothing is asked again.
    response = client.post(lesson_url(w, lesson.id, "/bewerken"),
                           data=lesson_form(context=text, title="Andere titel"))
    assert response.status_code == 302


def test_personal_data_in_an_edit_leaves_the_lesson_unchanged(client, make, login):
    w = world(make)
    lesson = make.lesson(w.pilot, w.member)
    login(w.member)
    response = client.post(lesson_url(w, lesson.id, "/bewerken"),
                           data=lesson_form(title="Mail jan@voorbeeld.nl"))
    assert response.status_code == 200
    assert "e-mailadres" in html_of(response)
    assert lesson_row(lesson.id).title == lesson.title


def test_only_this_pilots_cases_are_accepted_as_sources(client, make, login):
    w = world(make)
    own = make.case(w.pilot, w.member, title="Eigen casus")
    foreign = make.case(w.other_pilot, w.outsider, title="Casus van elders")
    login(w.member)
    html = html_of(client.get(f"/werkplaats/{w.slug}/lessen/nieuw"))
    assert "Eigen casus" in html and "Casus van elders" not in html

    response = client.post(f"/werkplaats/{w.slug}/lessen/nieuw",
                           data=lesson_form(source_cases=[str(own.id), str(foreign.id)]))
    assert response.status_code == 200
    assert "Kies alleen casusbesprekingen van deze proeftuin." in html_of(response)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Lesson)) == 0

    # A case of another pilot in the URL prefills nothing.
    html = html_of(client.get(f"/werkplaats/{w.slug}/lessen/nieuw?casus={foreign.id}"))
    assert not is_checked(html, "source_cases", own.id)
    assert not is_checked(html, "source_cases", foreign.id)


def test_service_refuses_a_case_of_another_pilot(make):
    w = world(make)
    foreign = make.case(w.other_pilot, w.outsider)
    with pytest.raises(services.LessonError) as error:
        services.create_lesson(w.pilot, services.LessonContent(
            title="T", kind="barrier", level="national", evidence="measured",
            case_ids=[foreign.id]), by=w.member)
    assert error.value.field == "source_cases"


def test_saving_an_unchanged_published_lesson_keeps_it_published(client, make, login):
    w = world(make)
    lesson = make.lesson(w.pilot, w.member, status=LessonStatus.published)
    login(w.member)
    data = client.get(lesson_url(w, lesson.id, "/bewerken"))
    assert data.status_code == 200
    lesson = lesson_row(lesson.id)
    form = lesson_form(title=lesson.title, summary=lesson.summary, context=lesson.context,
                       body=lesson.body, advice=lesson.advice, directions=["1"], questions=["1"],
                       target_groups=[])
    response = client.post(lesson_url(w, lesson.id, "/bewerken"), data=form,
                           follow_redirects=True)
    assert "Er was niets gewijzigd." in html_of(response)
    assert lesson_row(lesson.id).status is LessonStatus.published
    assert "changed" not in actions(lesson.id)


# Who may do what --------------------------------------------------------------------------


def test_submitted_lesson_is_not_editable(client, make, login):
    w = world(make)
    lesson = make.lesson(w.pilot, w.member, status=LessonStatus.submitted)
    login(w.member)
    assert client.get(lesson_url(w, lesson.id, "/bewerken")).status_code == 403
    assert client.post(lesson_url(w, lesson.id, "/bewerken"),
                       data=lesson_form(title="Stiekem")).status_code == 403
    assert lesson_row(lesson.id).title != "Stiekem"
    html = html_of(client.get(lesson_url(w, lesson.id)))
    assert "wacht op beoordeling" in html
    assert "/bewerken" not in html


@pytest.mark.parametrize("role, code", [("other_facilitator", 403), ("member", 403),
                                        ("coordinator", 403), ("outsider", 403),
                                        ("admin", 403)])
def test_only_the_programmes_facilitators_review(client, make, login, role, code):
    w = world(make)
    lesson = make.lesson(w.pilot, w.member, status=LessonStatus.submitted)
    login(getattr(w, role))
    assert client.get(f"/begeleiding/lessen/{lesson.id}").status_code == code
    response = client.post(f"/begeleiding/lessen/{lesson.id}",
                           data={"decision": "publish", "feedback": ""})
    assert response.status_code == code
    assert lesson_row(lesson.id).status is LessonStatus.submitted
    assert not events(lesson.id)


def test_review_of_a_lesson_of_a_pilot_that_is_not_public_is_hidden(client, make, login):
    w = world(make)
    hidden = make.pilot(programme=w.programme, status=PilotStatus.declined)
    lesson = make.lesson(hidden, status=LessonStatus.submitted)
    login(w.other_facilitator)
    assert client.get(f"/begeleiding/lessen/{lesson.id}").status_code == 404


@pytest.mark.parametrize("role", ["member", "outsider", "admin"])
def test_queue_is_for_facilitators_only(client, make, login, role):
    w = world(make)
    login(getattr(w, role))
    assert client.get("/begeleiding/lessen/").status_code == 403


def test_anonymous_visitors_are_sent_to_sign_in(client, make):
    w = world(make)
    lesson = make.lesson(w.pilot, w.member, status=LessonStatus.published)
    for url in (f"/werkplaats/{w.slug}/lessen/", lesson_url(w, lesson.id),
                "/begeleiding/lessen/", f"/begeleiding/lessen/{lesson.id}",
                f"/begeleiding/lessen/{lesson.id}/intrekken"):
        response = client.get(url)
        assert response.status_code == 302 and "/login" in response.headers["Location"], url


def test_other_facilitator_cannot_withdraw(client, make, login):
    w = world(make)
    lesson = make.lesson(w.pilot, w.member, status=LessonStatus.published)
    login(w.other_facilitator)
    response = client.post(f"/begeleiding/lessen/{lesson.id}/intrekken", data={"reason": "Weg"})
    assert response.status_code == 403
    assert lesson_row(lesson.id).is_public


def test_participant_of_another_pilot_sees_no_lessons(client, make, login):
    w = world(make)
    lesson = make.lesson(w.pilot, w.member)
    login(w.outsider)
    assert client.get(f"/werkplaats/{w.slug}/lessen/").status_code == 403
    assert client.get(lesson_url(w, lesson.id)).status_code == 403
    assert client.get(f"/werkplaats/{w.slug}/lessen/nieuw").status_code == 403
    # Nor through its own pilot's URL.
    assert client.get(f"/werkplaats/{w.other_pilot.slug}/lessen/{lesson.id}").status_code == 404


def test_facilitators_and_admins_read_but_do_not_write(client, make, login):
    w = world(make)
    lesson = make.lesson(w.pilot, w.member)
    for user in (w.facilitator, w.admin):
        login(user)
        assert client.get(lesson_url(w, lesson.id)).status_code == 200
        assert client.get(f"/werkplaats/{w.slug}/lessen/nieuw").status_code == 403
        assert client.get(lesson_url(w, lesson.id, "/bewerken")).status_code == 403
        assert client.post(lesson_url(w, lesson.id, "/indienen")).status_code == 403
        assert client.post(lesson_url(w, lesson.id, "/bewerken"),
                           data=lesson_form(title="Overschreven")).status_code == 403
        logout(client)
    stored = lesson_row(lesson.id)
    assert stored.status is LessonStatus.draft and stored.submitted_at is None
    assert "Overschreven" not in {revision.title for revision in stored.revisions}


def test_admin_sees_that_there_are_source_cases_but_not_which(client, make, login):
    w = world(make)
    case = make.case(w.pilot, w.member, title="Casus met gevoelige titel")
    lesson = make.lesson(w.pilot, w.member, source_cases=[case])
    login(w.admin)
    html = html_of(client.get(lesson_url(w, lesson.id)))
    assert "Casus met gevoelige titel" not in html
    assert "1 casusbespreking" in html
    logout(client)
    login(w.member)
    html = html_of(client.get(lesson_url(w, lesson.id)))
    assert "Casus met gevoelige titel" in html
    assert f'href="/werkplaats/{w.slug}/casussen/{case.id}"' in html


def test_a_stopped_pilot_keeps_its_lessons_read_only(client, make, login):
    w = world(make, status=PilotStatus.stopped)
    lesson = make.lesson(w.pilot, w.member)
    login(w.member)
    assert client.get(lesson_url(w, lesson.id)).status_code == 200
    assert client.get(lesson_url(w, lesson.id, "/bewerken")).status_code == 403
    assert client.get(f"/werkplaats/{w.slug}/lessen/nieuw").status_code == 403


def test_huge_ids_are_not_found(client, make, login):
    w = world(make)
    login(w.facilitator)
    assert client.get(lesson_url(w, 2**40)).status_code == 404
    assert client.get(f"/begeleiding/lessen/{2**40}").status_code == 404
    assert client.get(f"/werkplaats/{w.slug}/lessen/nieuw?casus={2**40}").status_code == 403


# The pages --------------------------------------------------------------------------------


def test_index_groups_lessons_by_status_with_public_links(client, make, login):
    w = world(make)
    make.lesson(w.pilot, w.member, title="Concept over overdracht")
    published = make.lesson(w.pilot, w.member, title="Gepubliceerde les",
                            status=LessonStatus.published)
    make.lesson(w.other_pilot, w.outsider, title="Les van elders")
    login(w.member)
    html = html_of(client.get(f"/werkplaats/{w.slug}/lessen/"))
    assert "Concept over overdracht" in html and "Gepubliceerde les" in html
    assert "Les van elders" not in html
    assert f'href="/bibliotheek/{published.id}-gepubliceerde-les"' in html
    assert html.index("Concept over overdracht") < html.index("Gepubliceerde les")


def test_review_page_shows_the_lesson_beside_its_source_cases(client, make, login):
    w = world(make)
    case = make.case(w.pilot, w.member, title="Casus avondzorg",
                     situation="De buurvrouw helpt **s avonds**.", went_well="Snelle overdracht.")
    lesson = make.lesson(w.pilot, w.member, status=LessonStatus.submitted, source_cases=[case])
    login(w.facilitator)
    html = html_of(client.get(f"/begeleiding/lessen/{lesson.id}"))
    assert "Casus avondzorg" in html and "Snelle overdracht." in html
    assert 'value="publish"' in html and 'value="return"' in html
    viewed = [e for e in events(case.id, "case_discussion") if e.action is AuditAction.viewed]
    assert len(viewed) == 1 and viewed[0].role == "facilitator"


def test_review_page_shows_every_finding_in_the_public_text_confirmed_or_not(
        client, make, login):
    w = world(make)
    lesson = make.lesson(w.pilot, w.member, status=LessonStatus.submitted,
                         body="Mevrouw Jansen vertelde dat haar zoon Ahmed elke dag komt.")
    key = guard.fingerprint_key()
    named = scan("Mevrouw Jansen")[0]
    db.session.add(PrivacyConfirmation(record_type="lesson", record_id=lesson.id,
                                       kind="named_person", confirmed_by_id=w.member.id,
                                       fingerprint=fingerprint(named, key=key)))
    db.session.commit()
    login(w.facilitator)
    html = html_of(client.get(f"/begeleiding/lessen/{lesson.id}"))
    section = html[html.index('id="persoonsgegevens"'):]
    assert "<q>Mevrouw Jansen</q>. Door de schrijver bevestigd" in " ".join(section.split())
    assert "<q>Ahmed</q>. <strong>Niet bevestigd.</strong>" in " ".join(section.split())

    clean = make.lesson(w.pilot, w.member, status=LessonStatus.submitted)
    html = html_of(client.get(f"/begeleiding/lessen/{clean.id}"))
    assert "vond niets in de teksten die openbaar worden" in html


@pytest.mark.parametrize("directions, questions, warning", [
    ((), (1,), "geen oplossingsrichting"),
    ((2,), (), "geen vraagstuk van de mantelzorger"),
    ((), (), "geen vraagstuk van de mantelzorger en geen oplossingsrichting"),
])
def test_a_lesson_outside_the_framework_is_published_only_when_the_facilitator_chooses(
        client, make, login, directions, questions, warning):
    w = world(make)
    lesson = make.lesson(w.pilot, w.member, status=LessonStatus.submitted,
                         directions=directions, questions=questions)
    login(w.facilitator)
    url = f"/begeleiding/lessen/{lesson.id}"
    html = html_of(client.get(url))
    assert f"Deze les noemt {warning}." in html
    assert "telt niet mee in de dekking" in html
    assert 'name="publish_unmapped"' in html

    response = client.post(url, data={"decision": "publish", "feedback": "Mooi."})
    assert response.status_code == 200
    assert "Vink aan dat u haar toch publiceert, of geef haar terug." in html_of(response)
    assert "Mooi." in html_of(response)  # what was typed stays
    assert lesson_row(lesson.id).status is LessonStatus.submitted

    response = client.post(url, data={"decision": "publish", "feedback": "Mooi.",
                                      "publish_unmapped": "y"})
    assert response.status_code == 303
    assert lesson_row(lesson.id).status is LessonStatus.published


def test_a_lesson_in_the_framework_is_published_without_the_extra_choice(client, make, login):
    w = world(make)
    lesson = make.lesson(w.pilot, w.member, status=LessonStatus.submitted)
    login(w.facilitator)
    html = html_of(client.get(f"/begeleiding/lessen/{lesson.id}"))
    assert "Deze les noemt geen" not in html and 'name="publish_unmapped"' not in html


def test_queue_lists_oldest_first_with_days_waiting_and_recent_decisions(client, make, login):
    w = world(make)
    old = make.lesson(w.pilot, w.member, title="Oude les", status=LessonStatus.submitted)
    new = make.lesson(w.pilot, w.member, title="Nieuwe les", status=LessonStatus.submitted)
    make.lesson(w.other_pilot, w.outsider, title="Les elders", status=LessonStatus.submitted)
    old.submitted_at = utcnow() - timedelta(days=9)
    new.submitted_at = utcnow() - timedelta(days=1)
    decided = make.lesson(w.pilot, w.member, title="Beslist", status=LessonStatus.submitted)
    services.return_lesson(decided, w.facilitator, "Graag aanvullen.")
    db.session.commit()
    login(w.facilitator)
    html = html_of(client.get("/begeleiding/lessen/"))
    assert html.index("Oude les") < html.index("Nieuwe les")
    assert "9 dagen" in html and "1 dag" in html
    assert "Les elders" not in html
    assert "Recent beslist" in html and "Beslist" in html


def test_revision_comparison_marks_what_changed(client, make, login):
    w = world(make)
    lesson = make.lesson(w.pilot, w.member, status=LessonStatus.published,
                         body="De oude tekst van de les.")
    login(w.member)
    client.post(lesson_url(w, lesson.id, "/bewerken"),
                data=lesson_form(title=lesson.title, summary=lesson.summary,
                                 body="De nieuwe tekst van de les.", context="", advice="",
                                 directions=["1"], questions=["1"], target_groups=[]))
    html = html_of(client.get(lesson_url(w, lesson.id, "/versies")))
    assert "<del>oude</del>" in html and "<ins>nieuwe</ins>" in html


def test_missing_revision_is_not_found(client, make, login):
    w = world(make)
    lesson = make.lesson(w.pilot, w.member, status=LessonStatus.published)
    login(w.member)
    assert client.get(lesson_url(w, lesson.id, "/versies/1")).status_code == 200
    assert client.get(lesson_url(w, lesson.id, "/versies/2")).status_code == 404


# The audit trail --------------------------------------------------------------------------


def test_audit_events_carry_role_and_never_content(client, make, login):
    w = world(make)
    login(w.member)
    client.post(f"/werkplaats/{w.slug}/lessen/nieuw",
                data=lesson_form(title="Titel die niet in het logboek hoort"))
    lesson = db.session.scalar(sa.select(Lesson))
    client.get(lesson_url(w, lesson.id))
    trail = events(lesson.id)
    assert [(e.action.value, e.role, e.user_id, e.pilot_id) for e in trail] == [
        ("created", "member", w.member.id, w.pilot.id),
        ("viewed", "member", w.member.id, w.pilot.id),
    ]
    for event in trail:
        values = {c.name: getattr(event, c.name) for c in AuditEvent.__table__.columns}
        assert not any("Titel die niet" in str(v) for v in values.values())


def test_a_refused_request_writes_no_audit_event(client, make, login):
    w = world(make)
    lesson = make.lesson(w.pilot, w.member)
    login(w.outsider)
    client.get(lesson_url(w, lesson.id))
    assert events(lesson.id) == []


# No N+1 -----------------------------------------------------------------------------------


def _fill(make, w, n: int) -> None:
    for i in range(n):
        case = make.case(w.pilot, w.member, title=f"Casus {i}", held_on=date(2026, 1, 1 + i))
        make.lesson(w.pilot, w.member, title=f"Les {i}", source_cases=[case],
                    status=[LessonStatus.draft, LessonStatus.published,
                            LessonStatus.submitted][i % 3])
    for i in range(n):
        lesson = make.lesson(w.pilot, w.member, title=f"Beslist {i}", status=LessonStatus.submitted)
        services.return_lesson(lesson, w.facilitator, "Graag aanvullen.")
    db.session.commit()


@pytest.mark.parametrize("path", ["/werkplaats/{slug}/lessen/", "/begeleiding/lessen/",
                                  "/werkplaats/{slug}/lessen/nieuw", "/proeftuinen/{slug}"])
def test_list_pages_do_not_grow_queries_with_data(client, make, login, count_queries, path):
    w = world(make)
    user = w.member if "nieuw" in path else w.facilitator
    login(user)
    _fill(make, w, 1)
    url = path.format(slug=w.slug)
    db.session.expire_all()
    with count_queries() as few:
        assert client.get(url).status_code == 200
    _fill(make, w, 6)
    db.session.expire_all()
    with count_queries() as many:
        assert client.get(url).status_code == 200
    assert many() == few()


def test_lesson_and_review_pages_do_not_grow_queries_with_sources(client, make, login,
                                                                  count_queries):
    w = world(make)
    login(w.facilitator)

    def lesson_with(n):
        cases = [make.case(w.pilot, w.member, title=f"Bron {i}") for i in range(n)]
        lesson = make.lesson(w.pilot, w.member, status=LessonStatus.submitted,
                             source_cases=cases, directions=(1, 2, 3), questions=(1, 2))
        services.return_lesson(lesson, w.facilitator, "Aanvullen")
        lesson.status = LessonStatus.submitted
        db.session.commit()
        return lesson.id

    small, big = lesson_with(1), lesson_with(5)
    for url in ("/begeleiding/lessen/{id}", "/werkplaats/" + w.slug + "/lessen/{id}",
                "/werkplaats/" + w.slug + "/lessen/{id}/versies"):
        db.session.expire_all()
        with count_queries() as few:
            assert client.get(url.format(id=small)).status_code == 200
        db.session.expire_all()
        with count_queries() as many:
            assert client.get(url.format(id=big)).status_code == 200
        # Each case viewed on the review page adds one audit insert, and no more.
        extra = 4 if url.startswith("/begeleiding") else 0
        assert many() == few() + extra, url


def test_a_deleted_account_is_named_as_such(client, make, login):
    from proeftuin.models.user import DELETED_NAME, deleted_email

    w = world(make)
    writer = make.member(w.pilot, name="Schrijver Sam")
    lesson = make.lesson(w.pilot, writer, status=LessonStatus.submitted)
    services.return_lesson(lesson, w.facilitator, "Aanvullen graag.")
    writer.name, writer.email = DELETED_NAME, deleted_email(writer.id)
    db.session.commit()
    login(w.member)
    for url in (f"/werkplaats/{w.slug}/lessen/", lesson_url(w, lesson.id)):
        html = html_of(client.get(url))
        assert "Verwijderd account" in html and "Schrijver Sam" not in html


def test_every_post_needs_itscsrf_token(csrf_app, make):
    w = world(make)
    draft = make.lesson(w.pilot, w.member)
    submitted = make.lesson(w.pilot, w.member, status=LessonStatus.submitted)
    public = make.lesson(w.pilot, w.member, status=LessonStatus.published)
    posts = [
        (w.member, f"/werkplaats/{w.slug}/lessen/nieuw", lesson_form()),
        (w.member, lesson_url(w, draft.id, "/bewerken"), lesson_form(title="Zonder token")),
        (w.member, lesson_url(w, draft.id, "/indienen"), {}),
        (w.facilitator, f"/begeleiding/lessen/{submitted.id}", {"decision": "publish"}),
        (w.facilitator, f"/begeleiding/lessen/{public.id}/intrekken", {"reason": "Weg"}),
    ]
    for user, url, data in posts:
        client = signed_in_with_token(csrf_app, user)
        assert client.post(url, data=data).status_code == 400, url
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Lesson)) == 3
    assert lesson_row(draft.id).status is LessonStatus.draft
    assert lesson_row(submitted.id).status is LessonStatus.submitted
    assert lesson_row(public.id).is_public
    assert actions(draft.id) == [] and actions(submitted.id) == [] and actions(public.id) == []

    # With the token from the page, the same post goes through.
    client = signed_in_with_token(csrf_app, w.member)
    page = html_of(client.get(lesson_url(w, draft.id)))
    form = page[page.index(f'action="{lesson_url(w, draft.id, "/indienen")}"'):]
    response = client.post(lesson_url(w, draft.id, "/indienen"),
                           data={"csrf_token": csrf_token(form)})
    assert response.status_code == 302
    assert lesson_row(draft.id).status is LessonStatus.submitted


def test_preview_shows_personal_data_findings_beside_the_preview(client, make, login):
    w = world(make)
    login(w.member)
    response = client.post(f"/werkplaats/{w.slug}/lessen/nieuw",
                           data=lesson_form(body="Mail *jan@voorbeeld.nl*", preview="1"))
    html = html_of(response)
    assert "Zo ziet de tekst eruit" in html and "Mogelijk persoonsgegevens" in html
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Lesson)) == 0


def test_a_decision_on_a_stale_page_is_refused_and_makes_no_second_revision(make):
    w = world(make)
    lesson = make.lesson(w.pilot, w.member, status=LessonStatus.submitted)
    services.publish_lesson(lesson, w.facilitator)
    # A second facilitator's request loaded the lesson while it was still submitted.
    set_committed_value(lesson, "status", LessonStatus.submitted)
    with pytest.raises(services.LessonError, match="Iemand anders"):
        services.return_lesson(lesson, w.facilitator, "Toch niet.")
    with pytest.raises(services.LessonError, match="Iemand anders"):
        set_committed_value(lesson, "status", LessonStatus.submitted)
        services.publish_lesson(lesson, w.facilitator)
    db.session.commit()
    stored = lesson_row(lesson.id)
    assert stored.status is LessonStatus.published
    assert [r.number for r in stored.revisions] == [1]
    assert [r.decision for r in stored.reviews] == [ReviewDecision.published]
