"""Reuse of published lessons: pilots elsewhere report it, facilitators hide a report, and
each lesson's trail runs from its source cases (a count only) to the reports of reuse."""

from __future__ import annotations

import re
from types import SimpleNamespace

import pytest
import sqlalchemy as sa
from flask import g, render_template
from flask_login import login_user

from proeftuin import demo
from proeftuin.admin import services as admin_services
from proeftuin.demo.reuse import REUSES
from proeftuin.extensions import db
from proeftuin.lessons import services as lesson_services
from proeftuin.library.queries import public_lesson
from proeftuin.models import (
    AuditAction,
    AuditEvent,
    Lesson,
    LessonReuse,
    LessonStatus,
    Membership,
    PilotStatus,
    PrivacyConfirmation,
    RecordType,
    User,
)
from proeftuin.personal_data import guard
from proeftuin.personal_data.detection import fingerprint, scan
from proeftuin.reuse import services
from proeftuin.reuse.queries import trail_reports
from tests.csrf import csrf_token, signed_in_with_token

HOW = "We hebben het **vaste aanspreekpunt** overgenomen in twee wijken."
OUTCOME = "Mantelzorgers wisten sneller bij wie ze terecht konden."
CASE_TEXT = "Casus over de overbelaste schoondochter"


# Helpers ----------------------------------------------------------------------------------


def world(make) -> SimpleNamespace:
    """A published lesson of one pilot, another pilot that may reuse it, and everyone around."""
    programme = make.programme(name="Programma Thuis")
    other_programme = make.programme(name="Programma Elders")
    third_programme = make.programme(name="Programma Ver Weg")
    pilot = make.pilot(programme=programme, name="Proeftuin Denkstad", municipality="Denkstad")
    reusing = make.pilot(programme=other_programme, name="Proeftuin Elders",
                         municipality="Verweg", region="Gelderland")
    writer = make.member(pilot, name="Schrijver Sanne")
    facilitator = make.facilitator(programme, name="Begeleider Bram")
    cases = [make.case(pilot, writer, title=CASE_TEXT), make.case(pilot, writer)]
    lesson = make.lesson(pilot, writer, status=LessonStatus.submitted,
                         title="Een vast aanspreekpunt werkt", source_cases=cases)
    lesson_services.publish_lesson(lesson, facilitator)
    db.session.commit()
    applied = make.pilot(programme=other_programme, status=PilotStatus.applied,
                         name="Proeftuin Aanvraag")
    return SimpleNamespace(
        programme=programme,
        pilot=pilot,
        reusing=reusing,
        lesson=lesson,
        writer=writer,
        facilitator=facilitator,
        reusing_facilitator=make.facilitator(other_programme, name="Begeleider Elders"),
        other_facilitator=make.facilitator(third_programme, name="Begeleider Ver Weg"),
        admin=make.admin(name="Beheerder Bea"),
        reuser=make.member(reusing, name="Hergebruiker Hanna"),
        reusing_coordinator=make.coordinator(reusing, name="Coördinator Cas"),
        nobody=make.user(name="Losse Lotte"),
        applicant=make.member(applied, name="Aanvrager Ad"),
    )


def html_of(response) -> str:
    return response.get_data(as_text=True)


def report_url(lesson_id: int) -> str:
    return f"/bibliotheek/{lesson_id}/hergebruik"


def form_data(w, **overrides) -> dict:
    return {"pilot": str(w.reusing.id), "how": HOW, "outcome": OUTCOME} | overrides


def add_report(w, pilot=None, by=None, hidden: bool = False, **texts) -> LessonReuse:
    reuse = services.report_reuse(w.lesson, pilot or w.reusing, how=texts.get("how", HOW),
                                  outcome=texts.get("outcome", OUTCOME), by=by or w.reuser)
    if hidden:
        services.hide_reuse(reuse, by=w.facilitator, reason="Gaat over een andere les.")
    db.session.commit()
    return reuse


def reuse_count() -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(LessonReuse))


def events(record_type: str = RecordType.reuse) -> list[AuditEvent]:
    return list(db.session.scalars(
        sa.select(AuditEvent).where(AuditEvent.record_type == record_type)
        .order_by(AuditEvent.id)
    ))


def render_trail(app, lesson_id: int, user_id: int | None = None,
                 include_hidden: bool = False) -> str:
    """Render the trail partial as the lesson page will, for a visitor or a signed-in user."""
    with app.test_request_context("/"):
        g.pop("_login_user", None)
        if user_id is not None:
            login_user(db.session.get(User, user_id))
        lesson = public_lesson(lesson_id)
        return render_template(
            "reuse/_trail.html", lesson=lesson, revision=lesson.public_revision,
            pilot=lesson.pilot, reuses=trail_reports(lesson_id, include_hidden=include_hidden),
        )


# Reporting ------------------------------------------------------------------------------


def test_member_of_another_pilot_reports_reuse_and_it_joins_the_trail(client, make, login):
    w = world(make)
    login(w.reuser)
    page = client.get(report_url(w.lesson.id))
    assert page.status_code == 200
    html = html_of(page)
    assert "Een vast aanspreekpunt werkt" in html and "Proeftuin Elders (Verweg)" in html
    assert "openbaar" in html

    response = client.post(report_url(w.lesson.id), data=form_data(w))
    assert response.status_code == 303
    assert response.headers["Location"].endswith(
        f"/bibliotheek/{w.lesson.id}-een-vast-aanspreekpunt-werkt#hergebruik")
    (reuse,) = trail_reports(w.lesson.id)
    assert reuse.pilot_id == w.reusing.id and reuse.lesson_id == w.lesson.id
    assert reuse.how == HOW and reuse.outcome == OUTCOME
    assert reuse.reported_by_id == w.reuser.id and not reuse.is_hidden
    (event,) = events()
    assert (event.action, event.record_id, event.pilot_id, event.user_id, event.role) == (
        AuditAction.created, reuse.id, w.reusing.id, w.reuser.id, "member")


def test_a_single_eligible_pilot_is_chosen_already(client, make, login):
    w = world(make)
    login(w.reuser)
    html = html_of(client.get(report_url(w.lesson.id)))
    (radio,) = re.findall(r'<input[^>]*name="pilot"[^>]*>', html)
    assert "checked" in radio and f'value="{w.reusing.id}"' in radio


def test_members_of_the_lessons_own_pilot_cannot_report_it(client, make, login):
    w = world(make)
    login(w.writer)
    page = client.get(report_url(w.lesson.id))
    assert page.status_code == 403
    assert "U kunt hier geen hergebruik melden" in html_of(page)
    assert client.post(report_url(w.lesson.id), data=form_data(w, pilot=str(w.pilot.id))
                       ).status_code == 403
    assert reuse_count() == 0


def test_a_member_of_both_pilots_reports_only_for_the_other_one(client, make, login):
    w = world(make)
    both = make.member(w.pilot, name="Dubbel Dirk")
    db.session.add(Membership(pilot=w.reusing, user=both))
    db.session.commit()
    login(both)
    html = html_of(client.get(report_url(w.lesson.id)))
    (radio,) = re.findall(r'<input[^>]*name="pilot"[^>]*>', html)
    assert f'value="{w.reusing.id}"' in radio
    response = client.post(report_url(w.lesson.id), data=form_data(w, pilot=str(w.pilot.id)))
    assert response.status_code == 200
    assert "Kies een van uw proeftuinen uit de lijst." in html_of(response)
    assert reuse_count() == 0


def test_visitors_are_sent_to_sign_in(client, make):
    w = world(make)
    for response in (client.get(report_url(w.lesson.id)),
                     client.post(report_url(w.lesson.id), data=form_data(w))):
        assert response.status_code == 302
        assert "/login" in response.headers["Location"]
    assert reuse_count() == 0


@pytest.mark.parametrize("who", ["nobody", "applicant", "facilitator", "admin"])
def test_people_without_an_eligible_pilot_are_told_why(client, make, login, who):
    w = world(make)
    login(getattr(w, who))
    page = client.get(report_url(w.lesson.id))
    assert page.status_code == 403
    assert "U kunt hier geen hergebruik melden" in html_of(page)
    assert client.post(report_url(w.lesson.id), data=form_data(w)).status_code == 403
    assert reuse_count() == 0


def test_a_completed_pilot_reports_but_a_stopped_one_does_not(client, make, login):
    w = world(make)
    login(w.reuser)
    w.reusing.status = PilotStatus.completed
    db.session.commit()
    assert client.get(report_url(w.lesson.id)).status_code == 200
    w.reusing.status = PilotStatus.stopped
    db.session.commit()
    assert client.get(report_url(w.lesson.id)).status_code == 403


def test_a_lesson_that_is_not_public_is_not_found(client, make, login):
    w = world(make)
    login(w.reuser)
    draft = make.lesson(w.pilot, w.writer)
    assert client.get(report_url(draft.id)).status_code == 404
    assert client.get(report_url(999_999)).status_code == 404
    assert client.get(report_url(2**40)).status_code == 404
    lesson_services.withdraw_lesson(w.lesson, w.facilitator, reason="Klopt niet meer.")
    db.session.commit()
    assert client.get(report_url(w.lesson.id)).status_code == 404
    assert client.post(report_url(w.lesson.id), data=form_data(w)).status_code == 404
    assert reuse_count() == 0


def test_a_lesson_of_a_pilot_without_public_profile_is_not_found(client, make, login):
    w = world(make)
    login(w.reuser)
    w.pilot.status = PilotStatus.declined
    db.session.commit()
    assert client.get(report_url(w.lesson.id)).status_code == 404


@pytest.mark.parametrize("field,message", [
    ("how", "Beschrijf hoe uw proeftuin de les heeft toegepast."),
    ("outcome", "Beschrijf wat het hergebruik opleverde, ook als het niet werkte."),
])
def test_how_and_what_came_of_it_are_required(client, make, login, field, message):
    w = world(make)
    login(w.reuser)
    response = client.post(report_url(w.lesson.id), data=form_data(w, **{field: "  \n "}))
    assert response.status_code == 200
    assert message in html_of(response)
    assert reuse_count() == 0


def test_too_long_a_report_is_refused_with_a_message(client, make, login):
    w = world(make)
    login(w.reuser)
    response = client.post(report_url(w.lesson.id), data=form_data(w, how="x" * 5001))
    assert response.status_code == 200
    assert "hooguit 5000 tekens" in html_of(response)
    assert reuse_count() == 0


@pytest.mark.parametrize("pilot", ["", "abc", "999999", "²"])
def test_a_pilot_not_on_offer_is_refused_with_a_message(client, make, login, pilot):
    w = world(make)
    login(w.reuser)
    response = client.post(report_url(w.lesson.id), data=form_data(w, pilot=pilot))
    assert response.status_code == 200
    html = html_of(response)
    assert ("Kies een van uw proeftuinen uit de lijst." in html
            or "Kies de proeftuin die de les hergebruikte." in html)
    assert reuse_count() == 0


def test_personal_data_blocks_the_report_and_keeps_what_was_typed(client, make, login):
    w = world(make)
    login(w.reuser)
    how = "Bel mevrouw Jansen op 06-12345678 voor de uitleg."
    response = client.post(report_url(w.lesson.id), data=form_data(w, how=how))
    assert response.status_code == 200
    html = html_of(response)
    assert "Mogelijk persoonsgegevens" in html
    assert "privacy-mark" in html and 'name="not_personal"' in html
    assert "06-12345678" in html and OUTCOME in html
    assert re.search(r'<textarea[^>]*name="how"[^>]*>\s*Bel mevrouw Jansen op 06-12345678', html)
    assert reuse_count() == 0


def test_confirming_a_finding_saves_the_report_and_the_confirmation(client, make, login):
    w = world(make)
    login(w.reuser)
    text = "Meneer De Vries van de thuiszorg hielp mee."
    (finding,) = scan(text)
    with client.application.test_request_context():
        print_ = fingerprint(finding, key=guard.fingerprint_key())
    response = client.post(report_url(w.lesson.id),
                           data=form_data(w, outcome=text, not_personal=[print_]))
    assert response.status_code == 303
    (reuse,) = trail_reports(w.lesson.id)
    (row,) = db.session.scalars(sa.select(PrivacyConfirmation)).all()
    assert (row.record_type, row.record_id, row.fingerprint) == (RecordType.reuse, reuse.id, print_)


def test_the_service_refuses_the_lessons_own_pilot(make):
    w = world(make)
    with pytest.raises(services.ReuseError):
        services.report_reuse(w.lesson, w.pilot, how=HOW, outcome=OUTCOME, by=w.writer)


def test_a_deleted_account_leaves_the_report_in_place(make):
    w = world(make)
    reuse = add_report(w)
    admin_services.delete_account(w.reuser, by=w.admin)
    db.session.commit()
    (kept,) = trail_reports(w.lesson.id)
    assert kept.id == reuse.id and kept.how == HOW


# Hiding and showing again -----------------------------------------------------------------


def hide_url(reuse_id: int, action: str = "verbergen") -> str:
    return f"/begeleiding/hergebruik/{reuse_id}/{action}"


@pytest.mark.parametrize("who", ["facilitator", "reusing_facilitator", "admin"])
def test_facilitators_hide_a_report_with_a_reason_and_show_it_again(client, make, login, who):
    w = world(make)
    reuse = add_report(w)
    user = getattr(w, who)
    login(user)
    page = client.get(hide_url(reuse.id))
    assert page.status_code == 200
    assert "Reden van het verbergen" in html_of(page) and "vaste aanspreekpunt" in html_of(page)

    refused = client.post(hide_url(reuse.id), data={"reason": "   "})
    assert refused.status_code == 200
    assert "Geef een reden op" in html_of(refused)
    assert [r.id for r in trail_reports(w.lesson.id)] == [reuse.id]

    response = client.post(hide_url(reuse.id), data={"reason": "Dubbele melding."})
    assert response.status_code == 303
    assert response.headers["Location"].endswith("#hergebruik")
    db.session.refresh(reuse)
    assert reuse.is_hidden and reuse.hidden_by_id == user.id
    assert reuse.hidden_reason == "Dubbele melding."
    assert trail_reports(w.lesson.id) == []
    assert [r.id for r in trail_reports(w.lesson.id, include_hidden=True)] == [reuse.id]

    again = client.post(hide_url(reuse.id, "tonen"))
    assert again.status_code == 303
    db.session.refresh(reuse)
    assert not reuse.is_hidden and reuse.hidden_reason == "" and reuse.hidden_by_id is None
    assert [r.id for r in trail_reports(w.lesson.id)] == [reuse.id]

    actions = [(e.action, e.record_id, e.user_id) for e in events()][1:]
    assert actions == [(AuditAction.withdrawn, reuse.id, user.id),
                       (AuditAction.published, reuse.id, user.id)]


def test_hiding_twice_changes_nothing_and_logs_once(client, make, login):
    w = world(make)
    reuse = add_report(w, hidden=True)
    login(w.facilitator)
    page = client.post(hide_url(reuse.id), data={"reason": "Nog eens."})
    assert page.status_code == 200 and "Weer tonen bij de les" in html_of(page)
    db.session.refresh(reuse)
    assert reuse.hidden_reason == "Gaat over een andere les."
    assert [e.action for e in events()] == [AuditAction.created, AuditAction.withdrawn]


def test_showing_a_report_that_is_not_hidden_says_so(client, make, login):
    w = world(make)
    reuse = add_report(w)
    login(w.facilitator)
    response = client.post(hide_url(reuse.id, "tonen"), follow_redirects=True)
    assert "Deze melding is niet verborgen." in html_of(response)
    assert [e.action for e in events()] == [AuditAction.created]


@pytest.mark.parametrize("who", ["other_facilitator", "reuser", "reusing_coordinator", "writer",
                                 "nobody"])
def test_others_cannot_hide_or_show_a_report(client, make, login, who):
    w = world(make)
    shown, hidden = add_report(w), add_report(w, hidden=True)
    login(getattr(w, who))
    assert client.get(hide_url(shown.id)).status_code == 403
    assert client.post(hide_url(shown.id), data={"reason": "Weg ermee."}).status_code == 403
    assert client.post(hide_url(hidden.id, "tonen")).status_code == 403
    db.session.refresh(shown)
    db.session.refresh(hidden)
    assert not shown.is_hidden and hidden.is_hidden


def test_visitors_are_sent_to_sign_in_before_hiding(client, make):
    w = world(make)
    reuse = add_report(w)
    for response in (client.get(hide_url(reuse.id)),
                     client.post(hide_url(reuse.id), data={"reason": "Weg."}),
                     client.post(hide_url(reuse.id, "tonen"))):
        assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_an_unknown_report_is_not_found(client, make, login):
    w = world(make)
    login(w.facilitator)
    assert client.get(hide_url(12345)).status_code == 404
    assert client.get(hide_url(2**40)).status_code == 404
    assert client.get("/begeleiding/hergebruik/12345/tonen").status_code == 405


def test_every_post_needs_itscsrf_token(csrf_app, make):
    w = world(make)
    shown, hidden = add_report(w), add_report(w, hidden=True)
    posts = [
        (w.reuser, report_url(w.lesson.id), form_data(w)),
        (w.facilitator, hide_url(shown.id), {"reason": "Weg."}),
        (w.facilitator, hide_url(hidden.id, "tonen"), {}),
    ]
    for user, url, data in posts:
        client = signed_in_with_token(csrf_app, user)
        assert client.post(url, data=data).status_code == 400, url
    assert reuse_count() == 2
    db.session.refresh(shown)
    db.session.refresh(hidden)
    assert not shown.is_hidden and hidden.is_hidden


def test_the_forms_carry_theircsrf_token(csrf_app, make):
    w = world(make)
    reuse = add_report(w)
    client = signed_in_with_token(csrf_app, w.reuser)
    page = html_of(client.get(report_url(w.lesson.id)))
    response = client.post(report_url(w.lesson.id),
                           data=form_data(w, csrf_token=csrf_token(page)))
    assert response.status_code == 303
    client = signed_in_with_token(csrf_app, w.facilitator)
    page = html_of(client.get(hide_url(reuse.id)))
    response = client.post(hide_url(reuse.id),
                           data={"reason": "Weg.", "csrf_token": csrf_token(page)})
    assert response.status_code == 303


# The trail ----------------------------------------------------------------------------------


def test_reports_of_a_pilot_without_public_profile_stay_out_of_the_trail(make):
    w = world(make)
    add_report(w)
    w.reusing.status = PilotStatus.declined
    db.session.commit()
    assert trail_reports(w.lesson.id) == []
    assert trail_reports(w.lesson.id, include_hidden=True) == []


def test_the_trail_never_loads_the_reporter_or_contact_details(make):
    w = world(make)
    add_report(w)
    lesson_id = w.lesson.id
    db.session.expunge_all()
    (reuse,) = trail_reports(lesson_id)
    assert reuse.pilot.region.name == "Gelderland"
    with pytest.raises(sa.exc.InvalidRequestError):
        _ = reuse.reported_by
    with pytest.raises(sa.exc.InvalidRequestError):
        _ = reuse.pilot.contact_email


def test_visitors_see_the_trail_from_case_count_to_reuse(app, make):
    w = world(make)
    add_report(w)
    add_report(w, hidden=True, how="Verborgen verhaal.")
    html = render_trail(app, w.lesson.id, include_hidden=True)
    assert "Gebaseerd op 2 casusbesprekingen" in html
    assert CASE_TEXT not in html and "Mevrouw J." not in html
    assert f'href="/proeftuinen/{w.pilot.slug}"' in html
    assert f'href="/proeftuinen/{w.reusing.slug}"' in html
    assert "Proeftuin Elders" in html and "Verweg, Gelderland" in html
    assert "<strong>vaste aanspreekpunt</strong>" in html and OUTCOME in html
    assert "Verborgen verhaal." not in html and "Verborgen" not in html
    assert "Log in om hergebruik te melden" in html
    assert "Meld hergebruik" not in html and "/verbergen" not in html
    assert "Hergebruiker Hanna" not in html
    assert html.index("casusbesprekingen") < html.index("Geleerde les") < html.index(
        "Proeftuin Elders")


def test_an_eligible_member_is_offered_to_report(app, make):
    w = world(make)
    html = render_trail(app, w.lesson.id, w.reuser.id)
    assert f'href="/bibliotheek/{w.lesson.id}/hergebruik"' in html and "Meld hergebruik" in html
    assert "Nog geen andere proeftuin" in html
    assert "Meld hergebruik" not in render_trail(app, w.lesson.id, w.writer.id)
    assert "Log in om" not in render_trail(app, w.lesson.id, w.writer.id)


def test_facilitators_who_can_hide_see_hidden_reports_marked(app, make):
    w = world(make)
    shown = add_report(w)
    hidden = add_report(w, hidden=True, how="Verborgen verhaal.")
    html = render_trail(app, w.lesson.id, w.facilitator.id, include_hidden=True)
    assert "Verborgen verhaal." in html and "Gaat over een andere les." in html
    assert "reuse-report--hidden" in html
    assert f'action="/begeleiding/hergebruik/{hidden.id}/tonen"' in html
    assert f'href="/begeleiding/hergebruik/{shown.id}/verbergen"' in html
    other = render_trail(app, w.lesson.id, w.other_facilitator.id, include_hidden=True)
    assert "Verborgen verhaal." not in other and "/verbergen" not in other
    assert "vaste aanspreekpunt" in other


def test_the_trail_says_when_no_case_discussion_was_recorded(app, make):
    w = world(make)
    w.lesson.public_revision.source_case_count = 0
    db.session.commit()
    html = render_trail(app, w.lesson.id)
    assert "Niet gebaseerd op vastgelegde casusbesprekingen" in html


REGIONS = ("Groningen", "Drenthe", "Overijssel", "Zeeland", "Antwerpen", "Brussel", "Limburg",
           "Flevoland")


def _add_reports(make, lesson_id: int, facilitator_id: int, n: int) -> None:
    """Add n reports by new pilots, each in its own region and programme; hide every third."""
    lesson, facilitator = db.session.get(Lesson, lesson_id), db.session.get(User, facilitator_id)
    for _ in range(n):
        pilot = make.pilot(region=REGIONS[reuse_count() % len(REGIONS)])
        reuse = services.report_reuse(lesson, pilot, how=HOW, outcome=OUTCOME,
                                      by=make.member(pilot))
        if reuse_count() % 3 == 0:
            services.hide_reuse(reuse, by=facilitator, reason="Dubbel.")
        db.session.commit()
    # What a new request starts from: nothing loaded yet.
    db.session.expunge_all()


@pytest.mark.parametrize("who", [None, "facilitator", "reuser"])
def test_the_trail_takes_the_same_number_of_queries_for_more_reports(app, make, count_queries,
                                                                     who):
    w = world(make)
    user_id = getattr(w, who).id if who else None
    lesson_id, facilitator_id = w.lesson.id, w.facilitator.id
    counts = []
    for more in (2, 6):
        _add_reports(make, lesson_id, facilitator_id, more)
        with count_queries() as queries:
            html = render_trail(app, lesson_id, user_id, include_hidden=who == "facilitator")
        counts.append(queries())
        assert html.count('<li class="reuse-report') >= 2
    assert counts[0] == counts[1]


def test_the_query_loads_reports_with_their_pilots_and_answers_in_two_statements(
        make, count_queries):
    w = world(make)
    lesson_id, facilitator_id = w.lesson.id, w.facilitator.id
    counts = []
    for more, total in ((2, 2), (6, 8)):
        _add_reports(make, lesson_id, facilitator_id, more)
        with count_queries() as queries:
            reports = trail_reports(lesson_id, include_hidden=True)
            names = [(r.pilot.name, r.pilot.region.name, r.pilot.programme.name,
                      [f.verdict for f in r.follow_ups]) for r in reports]
        assert len(names) == total and len({n[1] for n in names}) == total
        counts.append(queries())
    assert counts == [2, 2]


# Demo data ----------------------------------------------------------------------------------


def test_the_demo_reports_reuse_of_published_lessons_by_other_pilots(ctx):
    demo.seed_demo()  # which calls seed_demo_reuse
    db.session.commit()
    created = list(db.session.scalars(sa.select(LessonReuse).order_by(LessonReuse.id)))
    assert len(created) == len(REUSES) >= 2
    for reuse in created:
        assert reuse.pilot_id != reuse.lesson.pilot_id
        assert reuse.lesson.is_public and reuse.pilot.is_public
        assert reuse.created_at > reuse.lesson.first_published_at
        selected = [c.created_at for c in reuse.pilot.status_changes
                    if c.to_status is PilotStatus.selected]
        assert reuse.created_at > max(selected)
        assert scan(reuse.how) == [] and scan(reuse.outcome) == []
        assert [r.id for r in trail_reports(reuse.lesson_id) if r.id == reuse.id] == [reuse.id]
    assert len(events()) == len(REUSES)
