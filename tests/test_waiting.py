"""A member's start page says what waits for them: lessons returned with feedback, lessons in
review, and follow-up agreements past their date, in their own pilots only."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

from proeftuin.dates import local_today
from proeftuin.extensions import db
from proeftuin.models import (
    CaseFollowUp,
    LessonReview,
    LessonStatus,
    MemberRole,
    Membership,
    PilotStatus,
    ReviewDecision,
)


def html_of(response) -> str:
    assert response.status_code == 200
    return response.get_data(as_text=True)


def section(html: str) -> str:
    match = re.search(r'<section class="waiting".*?</section>', html, re.S)
    return match.group(0) if match else ""


def returned_lesson(make, pilot, by, title: str, feedback: str):
    lesson = make.lesson(pilot, by, status=LessonStatus.returned, title=title)
    db.session.add(LessonReview(lesson=lesson, decision=ReviewDecision.returned,
                                feedback=feedback, reviewer=make.facilitator(pilot.programme)))
    db.session.commit()
    return lesson


def follow_up(make, pilot, by, action: str, days: int, done: bool = False) -> CaseFollowUp:
    case = make.case(pilot, by)
    row = CaseFollowUp(case=case, action=action, owner="de wijkverpleegkundige",
                       due_on=local_today() + timedelta(days=days), done=done)
    db.session.add(row)
    db.session.commit()
    return row


def test_the_start_page_lists_what_waits_in_the_members_own_pilots(client, make, login):
    pilot = make.pilot(status=PilotStatus.active, name="Proeftuin Denkstad")
    member = make.member(pilot)
    elsewhere = make.pilot(status=PilotStatus.active, name="Proeftuin Elders")
    stranger = make.member(elsewhere)
    returned = returned_lesson(make, pilot, member, "Een vast aanspreekpunt",
                               "Vul de **context** aan.")
    submitted = make.lesson(pilot, member, status=LessonStatus.submitted, title="Respijt plannen")
    submitted.submitted_at = datetime(2026, 11, 2, 9, 0, tzinfo=UTC)
    db.session.commit()
    make.lesson(pilot, member, status=LessonStatus.draft, title="Nog een concept")
    follow_up(make, pilot, member, "Belt de huisarts over de medicatie", days=-3)
    follow_up(make, pilot, member, "Plant het vervolggesprek", days=+3)
    follow_up(make, pilot, member, "Stuurt de folder", days=-10, done=True)
    returned_lesson(make, elsewhere, stranger, "Les van elders", "Niet voor u.")
    follow_up(make, elsewhere, stranger, "Afspraak van elders", days=-5)

    login(member)
    waiting = section(html_of(client.get("/werkplaats/")))

    assert "Wat op u wacht" in waiting
    edit = f"/werkplaats/{pilot.slug}/lessen/{returned.id}/bewerken"
    assert re.search(rf'href="{edit}">Een vast aanspreekpunt</a>', waiting)
    assert "Vul de <strong>context</strong> aan." in waiting
    assert f'/lessen/{submitted.id}">Respijt plannen</a>' in waiting
    assert "ingediend op 2 nov 2026" in waiting
    assert "Belt de huisarts over de medicatie" in waiting
    for not_waiting in ("Nog een concept", "Plant het vervolggesprek", "Stuurt de folder",
                        "Les van elders", "Afspraak van elders", "Niet voor u."):
        assert not_waiting not in waiting, not_waiting


def test_nothing_waiting_shows_no_section(client, make, login):
    pilot = make.pilot(status=PilotStatus.active)
    member = make.member(pilot)
    login(member)
    html = html_of(client.get("/werkplaats/"))
    assert "Wat op u wacht" not in html
    assert pilot.name in html


def test_a_stopped_pilot_waits_for_nothing(client, make, login):
    pilot = make.pilot(status=PilotStatus.active)
    member = make.member(pilot)
    returned_lesson(make, pilot, member, "Een les", "Graag aanvullen.")
    follow_up(make, pilot, member, "Een afspraak", days=-3)
    pilot.status = PilotStatus.stopped
    db.session.commit()
    login(member)
    assert section(html_of(client.get("/werkplaats/"))) == ""


def test_the_start_page_makes_as_many_queries_however_much_waits(client, make, login,
                                                                 count_queries):
    pilot = make.pilot(status=PilotStatus.active)
    member = make.member(pilot)
    login(member)

    def queries_for_start_page() -> int:
        with count_queries() as count:
            html_of(client.get("/werkplaats/"))
        return count()

    returned_lesson(make, pilot, member, "Les 1", "Aanvullen.")
    follow_up(make, pilot, member, "Afspraak 1", days=-2)
    few = queries_for_start_page()
    for n in range(2, 6):  # more pilots, each with more waiting
        other = make.pilot(status=PilotStatus.active)
        db.session.add(Membership(pilot=other, user=member, role=MemberRole.member))
        db.session.commit()
        for where in (pilot, other):
            returned_lesson(make, where, member, f"Les {n}", "Aanvullen.")
            follow_up(make, where, member, f"Afspraak {n}", days=-n)
    more = queries_for_start_page()
    assert html_of(client.get("/werkplaats/")).count("Aanvullen.") == 9
    assert more == few
