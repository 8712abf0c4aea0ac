"""The demo data that `make run` loads: complete, fictional, and loaded only once."""

from __future__ import annotations

import re

import pytest
import sqlalchemy as sa

from proeftuin import ROOT, demo
from proeftuin.auth.passwords import MIN_LENGTH
from proeftuin.dates import local_today
from proeftuin.extensions import db
from proeftuin.models import (
    PUBLIC_STATUSES,
    ApplicationScore,
    Call,
    CallDecision,
    CallState,
    CohortDate,
    CohortDateKind,
    LessonKind,
    LessonLevel,
    LessonReuse,
    MemberRole,
    Notification,
    OutboxMessage,
    Pilot,
    PilotStatus,
    Programme,
    ReuseVerdict,
    Role,
    User,
)
from proeftuin.programmes.harvests import tallies
from proeftuin.reuse import follow_ups


@pytest.fixture
def seeded(ctx):
    """Seed the demo data into the fresh test database."""
    demo.seed_demo()
    db.session.commit()


def _pilots() -> list[Pilot]:
    return list(db.session.scalars(sa.select(Pilot).order_by(Pilot.name)))


def _users() -> list[User]:
    return list(db.session.scalars(sa.select(User).order_by(User.email)))


def test_seed_creates_both_programmes(seeded):
    names = set(db.session.scalars(sa.select(Programme.name)))
    assert names == {"In voor mantelzorg – thuis", "Proeftuinen Leven tot het Einde"}
    for programme in db.session.scalars(sa.select(Programme)):
        assert programme.description
        assert programme.facilitators
        assert programme.pilots


def test_seed_has_pilots_in_every_status(seeded):
    counts = {status: 0 for status in PilotStatus}
    for pilot in _pilots():
        counts[pilot.status] += 1
    assert all(counts.values()), counts
    assert counts[PilotStatus.applied] >= 2
    assert counts[PilotStatus.active] >= 3


def test_seed_spreads_pilots_over_provinces_and_programmes(seeded):
    pilots = _pilots()
    regions = {pilot.region.name for pilot in pilots}
    assert {"Oost-Vlaanderen", "Groningen", "Gelderland", "Zuid-Holland", "Noord-Brabant",
            "Limburg"} <= regions
    assert {pilot.region.country for pilot in pilots} == {"NL", "BE"}
    for programme in db.session.scalars(sa.select(Programme)):
        assert len({p.status for p in programme.pilots}) >= 3


def test_every_non_applied_pilot_has_coordinator_and_members(seeded):
    for pilot in _pilots():
        roles = [m.role for m in pilot.memberships]
        if pilot.status is PilotStatus.applied:
            assert roles == []
            continue
        assert MemberRole.coordinator in roles, pilot.name
        assert MemberRole.member in roles, pilot.name


def test_non_applied_pilots_are_mapped_to_the_framework(seeded):
    for pilot in _pilots():
        if pilot.status is PilotStatus.applied:
            continue
        assert pilot.questions, pilot.name
        assert pilot.directions, pilot.name
        assert all(d.task and d.desired_outcome for d in pilot.directions), pilot.name
        assert all(d.direction_number == d.direction.number for d in pilot.directions)
        assert pilot.organisations and pilot.disciplines and pilot.target_groups, pilot.name
        assert pilot.agreements, pilot.name


def test_active_and_completed_pilots_report_actions_and_results(seeded):
    for pilot in _pilots():
        if pilot.status in (PilotStatus.active, PilotStatus.completed):
            assert pilot.actions and pilot.results, pilot.name


def test_applied_pilots_look_like_fresh_applications(seeded):
    applied = [p for p in _pilots() if p.status is PilotStatus.applied]
    for pilot in applied:
        assert pilot.theme and pilot.ambition
        assert pilot.contact_name and pilot.contact_email.endswith(".example")
        assert pilot.questions and pilot.directions
        assert [c.to_status for c in pilot.status_changes] == [PilotStatus.applied]
        assert pilot.status_changes[0].changed_by is None


def test_some_pilots_miss_an_essential_discipline(seeded):
    missing = [
        pilot for pilot in _pilots()
        if pilot.status in PUBLIC_STATUSES
        and {"gp", "district_nurse", "wmo_consultant", "social_worker"}
        - {d.key for d in pilot.disciplines}
    ]
    assert 1 <= len(missing) < len([p for p in _pilots() if p.status in PUBLIC_STATUSES])


def test_status_history_follows_the_lifecycle_in_time_order(seeded):
    for pilot in _pilots():
        changes = pilot.status_changes
        assert changes[0].from_status is None
        assert changes[0].to_status is PilotStatus.applied
        assert changes[-1].to_status is pilot.status
        for before, after in zip(changes, changes[1:], strict=False):
            assert after.from_status is before.to_status
            assert before.created_at < after.created_at
            assert after.changed_by is not None and after.changed_by.is_facilitator
            assert pilot.programme in after.changed_by.programmes
        for change in changes:
            if change.to_status in (PilotStatus.declined, PilotStatus.stopped):
                assert change.reason


def test_facilitators_cover_each_programme_and_one_covers_both(seeded):
    facilitators = [u for u in _users() if u.role is Role.facilitator]
    assert len(facilitators) >= 2
    assert any(len(f.programmes) == 2 for f in facilitators)
    assert any(len(f.programmes) == 1 for f in facilitators)
    assert len([u for u in _users() if u.role is Role.admin]) == 1


def test_demo_people_are_fictional(seeded):
    for user in _users():
        assert user.email.endswith(".example"), user.email
        assert user.email == user.email.lower()
    for pilot in _pilots():
        assert pilot.contact_email.endswith(".example")
        assert pilot.contact_phone in ("", demo.FAKE_PHONE)


def test_demo_password_meets_the_password_rules():
    assert len(demo.DEMO_PASSWORD) >= MIN_LENGTH


def test_every_demo_account_can_sign_in(app, seeded, client, login):
    app.config["LOGIN_RATE_LIMIT"] = "1000 per minute"
    users = _users()
    assert len(users) == len(demo.ACCOUNTS)
    for user in users:
        login(user, password=demo.DEMO_PASSWORD)
        client.post("/logout")
    db.session.expire_all()
    assert all(user.last_login_at is not None for user in _users())


def test_seeding_twice_is_refused(seeded):
    with pytest.raises(demo.DemoDataError):
        demo.seed_demo()
    db.session.rollback()
    assert len(_users()) == len(demo.ACCOUNTS)


def test_seed_demo_command_loads_an_empty_database(ctx, runner):
    # The `flask` command line pushes an app context itself; the test runner does not.
    result = runner.invoke(args=["seed-demo", "--if-empty"])
    assert result.exit_code == 0, result.output
    assert "Demo data loaded." in result.output
    assert "coordinator.groningen@proeftuin.example" in result.output
    db.session.expire_all()
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Pilot)) == len(demo.PILOTS)
    assert len(_users()) == len(demo.ACCOUNTS)


def test_seed_demo_if_empty_leaves_existing_data_alone(runner, make):
    existing = make.admin(email="eerste.beheerder@voorbeeld.example")
    result = runner.invoke(args=["seed-demo", "--if-empty"])
    assert result.exit_code == 0, result.output
    assert "demo data not loaded" in result.output
    assert "Demo data loaded." not in result.output
    assert demo.DEMO_PASSWORD in result.output
    assert "begeleider@proeftuin.example" in result.output
    db.session.expire_all()
    assert [u.email for u in _users()] == [existing.email]
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Pilot)) == 0
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Programme)) == 0


def test_accounts_text_lists_every_account_with_pilot_roles():
    text = demo.accounts_text()
    for account in demo.ACCOUNTS:
        assert account.email in text
        assert account.name in text
    assert "Samen Sterk Thuis Groningen (coordinator)" in text
    assert "Palliatief Netwerk Ede (member)" in text
    assert text.count(demo.DEMO_PASSWORD) == len(demo.ACCOUNTS)
    # It ends by naming the account to try first: a coordinator of a pilot with every kind of work.
    first = text.rsplit("\n\n", 1)[1]
    assert first.startswith(f"Try first: {demo.FIRST_ACCOUNT}, a coordinator")
    assert "Samen Sterk Thuis Groningen (coordinator)" in next(
        line for line in text.splitlines() if demo.FIRST_ACCOUNT in line and "Try" not in line)


def test_public_pilot_list_hides_applications_and_declined_pilots(seeded, client):
    html = client.get("/proeftuinen/").get_data(as_text=True)
    for spec in demo.PILOTS:
        if spec.status in PUBLIC_STATUSES:
            if spec.status in (PilotStatus.selected, PilotStatus.active):
                assert spec.name in html, spec.name
        else:
            assert spec.name not in html, spec.name


def test_home_page_shows_only_public_demo_pilots(seeded, client):
    response = client.get("/")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert any(spec.name in html for spec in demo.PILOTS if spec.status in PUBLIC_STATUSES)
    for spec in demo.PILOTS:
        if spec.status not in PUBLIC_STATUSES:
            assert spec.name not in html, spec.name


def test_readme_lists_the_same_demo_accounts():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    table = demo.accounts_text().split("\n\n")[1]
    assert table in readme
    assert demo.FIRST_ACCOUNT in readme.split("## Demo accounts", 1)[1].split("\n## ", 1)[0]


def test_demo_work_holds_no_personal_data():
    from proeftuin.demo import work as demo_work
    from proeftuin.models import CASE_TEXT_FIELDS, LESSON_TEXT_FIELDS
    from proeftuin.personal_data.detection import scan

    texts = [getattr(case, name) for case in demo_work.CASES
             for name in ("title", *CASE_TEXT_FIELDS)]
    texts += [a for case in demo_work.CASES for f in case.follow_ups for a in f[:2]]
    texts += [getattr(lesson, name) for lesson in demo_work.LESSONS
              for name in ("title", *LESSON_TEXT_FIELDS, "feedback")]
    assert [(text, scan(text)) for text in texts if scan(text)] == []


def test_demo_work_covers_every_lesson_state_and_only_working_pilots(seeded):
    from proeftuin.models import CaseDiscussion, Lesson, LessonStatus
    from proeftuin.models.audit import AuditEvent

    lessons = list(db.session.scalars(sa.select(Lesson)))
    assert {lesson.status for lesson in lessons} >= {
        LessonStatus.draft, LessonStatus.submitted, LessonStatus.published, LessonStatus.returned}
    # One published lesson has an edit waiting: the public still sees revision 1.
    assert any(lesson.status is LessonStatus.draft and lesson.public_revision is not None
               for lesson in lessons)
    for lesson in lessons:
        assert lesson.pilot.status in (PilotStatus.active, PilotStatus.completed,
                                       PilotStatus.stopped)
        assert lesson.source_cases and all(c.pilot_id == lesson.pilot_id
                                           for c in lesson.source_cases)
        assert lesson.created_by.memberships
    cases = list(db.session.scalars(sa.select(CaseDiscussion)))
    assert len(cases) >= 8
    assert all(any(m.pilot_id == c.pilot_id for m in c.created_by.memberships) for c in cases)
    events = db.session.scalar(sa.select(sa.func.count()).select_from(AuditEvent))
    assert events >= len(cases) + len(lessons)


def test_demo_library_is_worth_searching(seeded):
    from proeftuin import search
    from proeftuin.models import Lesson, LessonRevision

    revisions = list(db.session.scalars(
        sa.select(LessonRevision).join(Lesson, Lesson.public_revision_id == LessonRevision.id)))
    assert len(revisions) >= 20
    pilots = {r.lesson.pilot for r in revisions}
    assert all(p.status in PUBLIC_STATUSES for p in pilots)
    assert len(pilots) >= 5
    assert len({p.programme_id for p in pilots}) == 2
    assert len({p.region_id for p in pilots}) >= 5
    assert {r.kind for r in revisions} == set(LessonKind)
    assert {r.level for r in revisions} == set(LessonLevel)
    assert len({d.number for r in revisions for d in r.directions}) == 10
    assert {q.number for r in revisions for q in r.questions} == {1, 2, 3}
    assert len({g.key for r in revisions for g in r.target_groups}) >= 5
    assert len({r.lesson.first_published_at.year for r in revisions}) >= 2

    def text(revision) -> str:
        return " ".join((revision.title, revision.summary, revision.context, revision.body,
                         revision.advice)).lower()

    by_lesson = {r.lesson_id: text(r) for r in revisions}
    # Each word finds a lesson that only has the other form of it: Dutch stemming at work.
    # (Snowball keeps "huisarts" and "huisartsen" apart, so that pair is not among them.)
    for word, other in (("mantelzorgers", "mantelzorger"), ("ondersteunen", "ondersteuning"),
                        ("gesprekken", "gesprek"),
                        ("wijkverpleegkundigen", "wijkverpleegkundige")):
        found = set(db.session.scalars(sa.select(search.matches([word]).c.lesson_id)))
        assert any(re.search(rf"\b{other}\b", by_lesson[i])
                   and not re.search(rf"\b{word}\b", by_lesson[i]) for i in found), word


def test_the_first_account_and_a_facilitator_find_notifications(seeded):
    first = db.session.scalar(sa.select(User).where(User.email == demo.FIRST_ACCOUNT))
    kinds = set(db.session.scalars(
        sa.select(Notification.kind).where(Notification.user_id == first.id)))
    assert kinds == {"member_joined"}
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Notification).where(
        Notification.kind == "application_received")) >= 1
    assert db.session.scalar(sa.select(sa.func.count()).select_from(OutboxMessage)) >= 2


def test_a_programme_has_a_decided_call_and_an_open_one_being_assessed(seeded):
    today = local_today()
    calls = db.session.scalars(sa.select(Call).join(Programme)
                               .where(Programme.name == "In voor mantelzorg – thuis")).all()
    decided = [c for c in calls if c.decided_at is not None]
    open_calls = [c for c in calls if c.state(today) is CallState.open]
    assert decided and open_calls
    assert {d.pilot_id for d in db.session.scalars(sa.select(CallDecision).where(
        CallDecision.call_id == decided[0].id))} == {p.id for p in decided[0].applications}
    assert db.session.scalar(sa.select(sa.func.count()).select_from(ApplicationScore)) > 0


def test_a_cohort_has_past_and_coming_dates_with_harvests_met_and_overdue(seeded):
    today = local_today()
    dates = db.session.scalars(sa.select(CohortDate)).all()
    assert {d.kind for d in dates} == set(CohortDateKind)
    assert any(d.held_on < today for d in dates) and any(d.held_on > today for d in dates)
    assert any(d.report and d.pilots for d in dates if d.held_on < today)
    programme_ids = list(db.session.scalars(sa.select(Programme.id)))
    standings = tallies(programme_ids, today).values()
    assert any(t.met for t in standings) and any(t.overdue for t in standings)
    assert any(t.pending for t in standings)


def test_a_reused_demo_lesson_is_proven_elsewhere_and_a_question_is_overdue(seeded):
    assert db.session.scalar(sa.select(sa.func.count()).select_from(LessonReuse).where(
        LessonReuse.verdict == ReuseVerdict.adapted)) == 1
    pilot_ids = list(db.session.scalars(sa.select(Pilot.id)))
    assert sum(follow_ups.overdue_counts(pilot_ids, local_today()).values()) == 1
