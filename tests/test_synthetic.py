"""`flask generate-data`: a synthetic data set that the site reads like its own."""

from __future__ import annotations

import re

import sqlalchemy as sa

from proeftuin import search
from proeftuin.demo.synthetic.generate import Plan, generate
from proeftuin.extensions import db
from proeftuin.models import (
    AuditEvent,
    CaseDiscussion,
    Lesson,
    LessonRevision,
    LessonStatus,
    Membership,
    Pilot,
    PilotStatus,
    Programme,
    User,
)
from proeftuin.personal_data import detection
from proeftuin.text import readable_text

PASSWORD = "synthetisch-wachtwoord"


def _generate(runner, *extra: str):
    with runner.app.app_context():
        return runner.invoke(args=["generate-data", "--pilots", "24", "--cases", "300",
                                   "--lessons", "80", "--first-programme", "10",
                                   "--password", PASSWORD, *extra])


def _count(model) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(model))


def test_the_command_makes_what_it_was_asked_for(ctx, runner):
    result = _generate(runner)

    assert result.exit_code == 0, result.output
    assert (_count(Pilot), _count(CaseDiscussion), _count(Lesson)) == (24, 300, 80)
    assert _count(LessonRevision) == 80
    assert db.session.scalar(sa.select(sa.func.count()).where(
        Lesson.status == LessonStatus.published, Lesson.public_revision_id.is_not(None))) == 80
    # The first programme has the size asked for; the rest share the others.
    sizes = db.session.execute(sa.select(Pilot.programme_id, sa.func.count())
                               .group_by(Pilot.programme_id).order_by(Pilot.programme_id)).all()
    assert sizes[0][1] == 10 and sum(n for _, n in sizes) == 24
    assert _count(Membership) == 24 * 4
    assert _count(AuditEvent) == 300 + 3 * 80
    assert "begeleider" in result.output and PASSWORD in result.output


def test_cases_and_lessons_belong_to_working_pilots_and_their_members(ctx, runner):
    _generate(runner)

    statuses = set(db.session.scalars(
        sa.select(Pilot.status).join(CaseDiscussion, CaseDiscussion.pilot_id == Pilot.id)))
    assert statuses <= {PilotStatus.active, PilotStatus.completed, PilotStatus.stopped}
    outsiders = db.session.scalar(
        sa.select(sa.func.count()).select_from(CaseDiscussion).where(~sa.exists().where(
            Membership.pilot_id == CaseDiscussion.pilot_id,
            Membership.user_id == CaseDiscussion.created_by_id)))
    assert outsiders == 0


def test_the_library_finds_and_shows_the_generated_lessons(ctx, runner, client):
    _generate(runner)

    found = db.session.scalars(sa.select(search.matches(["mantelzorger"]).c.lesson_id)).all()
    assert 0 < len(found) <= 80
    html = client.get("/bibliotheek/?q=mantelzorger").get_data(as_text=True)
    assert re.search(r"\d+ lessen gevonden", html)
    lesson = db.session.scalars(sa.select(Lesson).limit(1)).one()
    assert client.get(f"/bibliotheek/{lesson.id}").status_code == 301
    # Results are cut from each revision's readable text, which the generator writes itself.
    for revision in db.session.scalars(sa.select(LessonRevision)):
        assert revision.readable_text == readable_text(
            revision.summary, revision.context, revision.body, revision.advice)


def test_the_facilitator_of_the_first_programme_can_sign_in_and_sees_its_pilots(
        ctx, runner, client):
    result = _generate(runner)
    email = re.search(r"first programme: (\S+);", result.output).group(1)

    response = client.post("/login", data={"email": email, "password": PASSWORD})
    assert response.status_code == 302
    html = client.get("/begeleiding/").get_data(as_text=True)
    assert "10 van 10 proeftuinen" in html


def test_a_second_run_adds_to_the_first_and_the_site_keeps_inserting(ctx, runner, make):
    _generate(runner)
    result = _generate(runner, "--seed", "7")

    assert result.exit_code == 0, result.output
    assert (_count(Pilot), _count(Lesson)) == (48, 160)
    # PostgreSQL's sequences were moved past the chosen ids: the ORM can insert again.
    pilot = make.pilot(programme=db.session.scalars(sa.select(Programme).limit(1)).one())
    assert pilot.id > 48


def test_the_same_seed_makes_the_same_text(ctx):
    def titles():
        generate(Plan(pilots=6, cases=20, lessons=10, first_programme=3, seed=11), "x")
        rows = db.session.scalars(sa.select(Lesson.title).order_by(Lesson.id.desc()).limit(10))
        return list(rows)

    assert titles() == titles()


def test_generated_text_is_invented_and_holds_no_personal_data(ctx, runner):
    _generate(runner)

    texts = [*db.session.scalars(sa.select(CaseDiscussion.situation)),
             *db.session.scalars(sa.select(Lesson.body)),
             *db.session.scalars(sa.select(Pilot.name))]
    assert all(not detection.scan(text) for text in texts)
    assert all(email.endswith("@synthetisch.example")
               for email in db.session.scalars(sa.select(User.email)))
