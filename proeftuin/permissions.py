"""Who may see and do what. Every check takes the user and the object it is about.

The same functions are Jinja globals, so a template never offers what a route refuses.
Anonymous users arrive as Flask-Login's AnonymousUserMixin (no `role`); every function
answers False for them unless the object is public.
"""

from __future__ import annotations

import sqlalchemy as sa

from proeftuin.extensions import db
from proeftuin.lessons import lifecycle as lesson_lifecycle
from proeftuin.models import (
    COHORT_STATUSES,
    PUBLIC_STATUSES,
    Call,
    CallAssessor,
    CaseDiscussion,
    Lesson,
    LessonReuse,
    MemberRole,
    Membership,
    Pilot,
    PilotStatus,
    Programme,
    Role,
)


def _signed_in(user) -> bool:
    return bool(user is not None and user.is_authenticated and user.is_active)


def is_admin(user) -> bool:
    """Whether the user administers the whole site."""
    return _signed_in(user) and user.role is Role.admin


def facilitates(user, programme: Programme | None) -> bool:
    """Whether the user is a facilitator attached to this programme."""
    return (
        programme is not None
        and _signed_in(user)
        and user.role is Role.facilitator
        and any(p.id == programme.id for p in user.programmes)
    )


def membership_of(user, pilot: Pilot) -> Membership | None:
    """Return the user's membership of this pilot, if any."""
    if not _signed_in(user):
        return None
    for membership in user.memberships:
        if membership.pilot_id == pilot.id:
            return membership
    return None


def is_member(user, pilot: Pilot) -> bool:
    """Whether the user is a member (or coordinator) of this pilot."""
    return membership_of(user, pilot) is not None


def is_coordinator(user, pilot: Pilot) -> bool:
    """Whether the user coordinates this pilot."""
    membership = membership_of(user, pilot)
    return membership is not None and membership.role is MemberRole.coordinator


# Public side ---------------------------------------------------------------------------


def can_view_public_profile(user, pilot: Pilot) -> bool:
    """Whether the pilot has a public profile; applications and declined groups never do."""
    return pilot.status in PUBLIC_STATUSES


# Workspace -----------------------------------------------------------------------------


def can_view_workspace(user, pilot: Pilot) -> bool:
    """Members, the facilitators of its programme and admins see a pilot's workspace."""
    return is_admin(user) or is_member(user, pilot) or facilitates(user, pilot.programme)


def can_edit_pilot(user, pilot: Pilot) -> bool:
    """Coordinators (and admins) edit the profile and the framework mapping."""
    if pilot.status in (PilotStatus.applied, PilotStatus.declined):
        return is_admin(user)
    return is_admin(user) or is_coordinator(user, pilot)


def can_edit_agreements(user, pilot: Pilot) -> bool:
    """Every member keeps the collaboration agreements up to date."""
    if pilot.status in (PilotStatus.applied, PilotStatus.declined):
        return is_admin(user)
    return is_admin(user) or is_member(user, pilot)


def can_manage_members(user, pilot: Pilot) -> bool:
    """Coordinators, the programme's facilitators and admins invite and remove members."""
    if pilot.status in (PilotStatus.applied, PilotStatus.declined):
        return False
    return is_admin(user) or is_coordinator(user, pilot) or facilitates(user, pilot.programme)


# Case discussions and lessons -----------------------------------------------------------

#: a pilot writes case discussions and lessons from selection until it has completed; a
#: stopped pilot (and a completed one, for case discussions) keeps what it has, read-only
CASE_WRITING_STATUSES = (PilotStatus.selected, PilotStatus.active)
LESSON_WRITING_STATUSES = (PilotStatus.selected, PilotStatus.active, PilotStatus.completed)


def can_read_cases(user, pilot: Pilot) -> bool:
    """Case discussions are for the pilot's members and its programme's facilitators only.

    Admins are deliberately not included: they run the site, not the care, and have no need
    to read what a group discussed about a person.
    """
    return is_member(user, pilot) or facilitates(user, pilot.programme)


def can_write_cases(user, pilot: Pilot) -> bool:
    """Only members log case discussions, while the pilot is at work."""
    return pilot.status in CASE_WRITING_STATUSES and is_member(user, pilot)


def can_view_case(user, case: CaseDiscussion) -> bool:
    """Whether the user may read this case discussion."""
    return can_read_cases(user, case.pilot)


def can_edit_case(user, case: CaseDiscussion) -> bool:
    """Whether the user may change this case discussion."""
    return can_write_cases(user, case.pilot)


def can_read_lessons(user, pilot: Pilot) -> bool:
    """Working copies of lessons: members, the programme's facilitators and admins."""
    return is_admin(user) or is_member(user, pilot) or facilitates(user, pilot.programme)


def can_write_lessons(user, pilot: Pilot) -> bool:
    """Only members write lessons, until the pilot has stopped."""
    return pilot.status in LESSON_WRITING_STATUSES and is_member(user, pilot)


def can_view_lesson(user, lesson: Lesson) -> bool:
    """Whether the user may read this lesson's working copy and history."""
    return can_read_lessons(user, lesson.pilot)


def can_see_lesson_views(user, lesson: Lesson) -> bool:
    """How often the public page of a lesson is read, per day, is for its authors (the
    pilot's members), the programme's facilitators and admins; never public (rule V1)."""
    return can_read_lessons(user, lesson.pilot)


def can_edit_lesson(user, lesson: Lesson) -> bool:
    """Members edit a lesson unless it waits for review."""
    return lesson_lifecycle.may(lesson, lesson_lifecycle.EDIT) and can_write_lessons(
        user, lesson.pilot)


def can_submit_lesson(user, lesson: Lesson) -> bool:
    """Members submit a draft, returned or withdrawn lesson for review."""
    return (lesson_lifecycle.may(lesson, lesson_lifecycle.SUBMIT)
            and can_write_lessons(user, lesson.pilot))


def can_work_on_lesson(user, lesson: Lesson) -> bool:
    """Members of the lesson's pilot act on it; its state decides what they can do."""
    return can_write_lessons(user, lesson.pilot)


def can_review_lessons(user) -> bool:
    """Whether the user has a review queue: facilitators, for their own programmes."""
    return _signed_in(user) and user.role is Role.facilitator


def can_review_lesson(user, lesson: Lesson) -> bool:
    """The programme's facilitators publish or return a submitted lesson."""
    return (lesson_lifecycle.may(lesson, lesson_lifecycle.PUBLISH)
            and facilitates(user, lesson.pilot.programme))


def can_open_review(user, lesson: Lesson) -> bool:
    """The review page is for the programme's facilitators, whatever the lesson's state:
    they come back to it to withdraw a lesson or to read what was decided."""
    return facilitates(user, lesson.pilot.programme)


def can_open_withdrawal(user, lesson: Lesson) -> bool:
    """The withdrawal page: the programme's facilitators and admins (it says when there is
    nothing public to withdraw)."""
    return is_admin(user) or facilitates(user, lesson.pilot.programme)


def can_withdraw_lesson(user, lesson: Lesson) -> bool:
    """The programme's facilitators, and admins, take a public lesson out of the library."""
    return (lesson_lifecycle.may(lesson, lesson_lifecycle.WITHDRAW)
            and (is_admin(user) or facilitates(user, lesson.pilot.programme)))


def can_view_audit_trail(user, pilot: Pilot) -> bool:
    """Who did what to a pilot's case discussions and lessons: facilitators and admins."""
    return is_admin(user) or facilitates(user, pilot.programme)


# Measures and experiments ------------------------------------------------------------------

#: a pilot logs its measures and experiments from selection until it has completed (a
#: completed pilot still records its last months); a stopped pilot keeps them, read-only
MEASURE_WRITING_STATUSES = (PilotStatus.selected, PilotStatus.active, PilotStatus.completed)


def can_read_measures(user, pilot: Pilot) -> bool:
    """Measures and their run charts: members, the programme's facilitators and admins."""
    return is_admin(user) or is_member(user, pilot) or facilitates(user, pilot.programme)


def can_write_measures(user, pilot: Pilot) -> bool:
    """Only members define measures and record their values, while the pilot works."""
    return pilot.status in MEASURE_WRITING_STATUSES and is_member(user, pilot)


def can_edit_measure(user, measure) -> bool:
    """Whether the user may change or delete this measure and record its values."""
    return can_write_measures(user, measure.pilot)


def can_read_experiments(user, pilot: Pilot) -> bool:
    """Experiments are internal: members, the programme's facilitators and admins."""
    return is_admin(user) or is_member(user, pilot) or facilitates(user, pilot.programme)


def can_write_experiments(user, pilot: Pilot) -> bool:
    """Only members log experiments, while the pilot works."""
    return pilot.status in MEASURE_WRITING_STATUSES and is_member(user, pilot)


def can_edit_experiment(user, experiment) -> bool:
    """Whether the user may change this experiment."""
    return can_write_experiments(user, experiment.pilot)


# Facilitation --------------------------------------------------------------------------


def can_facilitate(user) -> bool:
    """Whether the user has the facilitator pages at all."""
    return is_admin(user) or (_signed_in(user) and user.role is Role.facilitator)


def can_decide_on_pilot(user, pilot: Pilot) -> bool:
    """The programme's facilitators (and admins) select, decline and move a pilot on."""
    return is_admin(user) or facilitates(user, pilot.programme)


def can_manage_calls(user, programme: Programme) -> bool:
    """The programme's facilitators (and admins) open, change and close its calls."""
    return is_admin(user) or facilitates(user, programme)


def is_assessor_of(user, call: Call) -> bool:
    """Whether the user accepted an invitation to assess this call and still holds it (one
    query; whether the call was decided is for the callers below)."""
    if not _signed_in(user):
        return False
    return bool(db.session.scalar(sa.select(sa.exists().where(
        CallAssessor.call_id == call.id, CallAssessor.user_id == user.id,
        CallAssessor.accepted_at.is_not(None), CallAssessor.revoked_at.is_(None),
    ))))


def has_assessments(user) -> bool:
    """Whether the user is an external assessor of a call not yet decided (one query)."""
    if not _signed_in(user):
        return False
    return bool(db.session.scalar(sa.select(sa.exists().where(
        CallAssessor.user_id == user.id, CallAssessor.accepted_at.is_not(None),
        CallAssessor.revoked_at.is_(None), CallAssessor.call_id == Call.id,
        Call.decided_at.is_(None),
    ))))


def can_assess(user, call: Call) -> bool:
    """The programme's facilitators and the call's external assessors read and score its
    applications until the call is decided; admins run the site and do not assess."""
    return call.decided_at is None and (facilitates(user, call.programme)
                                        or is_assessor_of(user, call))


def can_score(user, call: Call, pilot: Pilot) -> bool:
    """An assessor scores an application of the call while it waits for a decision."""
    return (pilot.status is PilotStatus.applied and pilot.call is not None
            and pilot.call.id == call.id and can_assess(user, call))


def can_view_application(user, pilot: Pilot) -> bool:
    """Applications, with their contact details, are for the programme's facilitators."""
    return can_decide_on_pilot(user, pilot)


def can_manage_cohort_calendar(user, call: Call) -> bool:
    """The programme's facilitators (and admins) keep the calendar of a call's cohort: its
    dates, a learning session's attendance and report."""
    return can_manage_calls(user, call.programme)


def can_follow_cohort_calendar(user, pilot: Pilot) -> bool:
    """The members of a pilot of a cohort, and its programme's facilitators (and admins),
    see the cohort's dates and the link that subscribes a calendar app to them."""
    return pilot.status in COHORT_STATUSES and (is_member(user, pilot)
                                                or can_manage_calls(user, pilot.programme))


# Administration ------------------------------------------------------------------------


def can_administer(user) -> bool:
    """Users, programmes and reference data are for admins."""
    return is_admin(user)


# Reuse of published lessons ---------------------------------------------------------------

#: pilots whose members report that they reused a lesson: those at work, or done with it
REUSE_REPORTING_STATUSES = (PilotStatus.selected, PilotStatus.active, PilotStatus.completed)
#: the reusing pilots that answer what came of it: the same, still at work
FOLLOW_UP_STATUSES = REUSE_REPORTING_STATUSES


def can_report_reuse(user, lesson: Lesson, pilot: Pilot | None = None) -> bool:
    """Members of another pilot at work report that it reused a public lesson.

    With `pilot`: whether the user may report on behalf of that pilot; without: for any.
    """
    if not (_signed_in(user) and lesson.is_public and lesson.pilot.is_public):
        return False
    if pilot is not None:
        return (pilot.id != lesson.pilot_id and pilot.status in REUSE_REPORTING_STATUSES
                and is_member(user, pilot))
    # One query, rather than loading each of the user's pilots in turn.
    return bool(db.session.scalar(sa.select(sa.exists().where(
        Membership.user_id == user.id, Membership.pilot_id != lesson.pilot_id,
        Membership.pilot_id == Pilot.id, Pilot.status.in_(REUSE_REPORTING_STATUSES),
    ))))


def can_answer_follow_up(user, reuse: LessonReuse) -> bool:
    """The members of the pilot that reused a lesson answer what came of it, while their
    pilot is at work."""
    return (_signed_in(user) and reuse.pilot.status in FOLLOW_UP_STATUSES
            and is_member(user, reuse.pilot))


def can_hide_reuse(user, reuse: LessonReuse) -> bool:
    """Facilitators of the lesson's or the reporting pilot's programme, and admins, hide a
    report of reuse from the public trail (and show it again)."""
    if not _signed_in(user):
        return False
    return (is_admin(user) or facilitates(user, reuse.lesson.pilot.programme)
            or facilitates(user, reuse.pilot.programme))


JINJA_GLOBALS = {
    name: obj
    for name, obj in dict(globals()).items()
    if name.startswith(("can_", "is_")) and callable(obj)
} | {"facilitates": facilitates, "membership_of": membership_of,
     "has_assessments": has_assessments}
