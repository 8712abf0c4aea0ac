"""One authorisation matrix over the whole URL map: who gets what from every route.

Every rule in `app.url_map` (bar `static`) and each of its methods (HEAD and OPTIONS aside)
has one row in `MATRIX_TEXT` below, saying what each of seven people gets back. The rows come
from the rules of docs/permissions.md, not from what the app happens to do, nor from
proeftuin/permissions.py: a cell that disagrees with the app is either a hole in the app or a
mistake in the row.

Adding a route? `test_every_route_has_a_row` fails and prints the rows to paste, with `?`
in the cells you must decide. If its URL takes arguments, add a builder to `URL_VALUES`;
if a POST should send a form, add it to `POST_DATA` (otherwise an empty form is sent).
"""

from __future__ import annotations

import itertools
from collections.abc import Callable
from datetime import date
from urllib.parse import urlsplit

import jinja2
import pyotp
import pytest
import sqlalchemy as sa
from flask import Flask, g, session, url_for

from proeftuin.auth import two_factor
from proeftuin.auth.invitations import create_invitation, invitation_token
from proeftuin.auth.sessions import start_session
from proeftuin.extensions import db
from proeftuin.library.urls import lesson_slug
from proeftuin.models import (
    Agreement,
    CaseDiscussion,
    Experiment,
    Lesson,
    LessonStatus,
    Measure,
    MemberRole,
    Membership,
    OrganisationKind,
    PilotOrganisation,
    PilotStatus,
)
from tests.conftest import PASSWORD
from tests.test_admin import edit_user_form, new_user_form, programme_form
from tests.test_apply import application
from tests.test_auth import NEW_PASSWORD
from tests.test_cases import case_form
from tests.test_experiments import experiment_form
from tests.test_lessons import lesson_form
from tests.test_two_factor import enable_two_factor
from tests.test_workspace import profile_form

# The people -------------------------------------------------------------------------------

#: column heading in MATRIX → who that is
ROLES = {
    "anon": "anonymous visitor",
    "other": "participant of another pilot",
    "part": "participant of the pilot",
    "coord": "coordinator of the pilot",
    "o-fac": "facilitator of another programme",
    "fac": "facilitator of the pilot's programme",
    "admin": "admin",
}

# The answers ------------------------------------------------------------------------------

#: cell value → what the response must be
OUTCOMES = {
    "ok": "2xx, or a redirect that is not to the sign-in page",
    "login": "redirect to the sign-in page",
    "403": "forbidden",
    "404": "not found (the app hides that it exists)",
    "410": "gone (a link that was real but can no longer be used)",
}

#: the answers that refuse the request; a refused POST must leave the database as it was
REFUSALS = {"login", "403", "404", "410"}

#: An allowed GET answers 200 (a redirect is no proof that the page works), but for these,
#: whose page is elsewhere, with the reason.
REDIRECTING_PAGES: dict[str, str] = {
    "library.show_without_slug": "the short address of a lesson names its canonical one",
    "auth.login": "someone signed in already goes on to their pilots",
    # Nobody in the matrix is between the password and the code (PREPARE gives the two-factor
    # settings pages their state); test_two_factor.py opens these mid-sign-in.
    "auth.two_factor_code": "mid-sign-in only; someone signed in goes on to their pilots",
    "auth.two_factor_recovery": "mid-sign-in only; someone signed in goes on to their pilots",
    "auth.enrol_two_factor": "mid-sign-in only; someone signed in goes on to their pilots",
}

# The matrix -------------------------------------------------------------------------------
#
# The subject pilot is active (so public) in a programme with its facilitator; "other" and
# "o-fac" belong to a second programme and pilot. One row per endpoint and method.

MATRIX_TEXT = """
endpoint                            method  anon   other  part   coord  o-fac  fac    admin

# Public pages: everyone, signed in or not.
main.index                          GET     ok     ok     ok     ok     ok     ok     ok
main.accessibility                  GET     ok     ok     ok     ok     ok     ok     ok
main.privacy                        GET     ok     ok     ok     ok     ok     ok     ok
main.healthz                        GET     ok     ok     ok     ok     ok     ok     ok
main.set_language                   POST    ok     ok     ok     ok     ok     ok     ok
framework.index                     GET     ok     ok     ok     ok     ok     ok     ok
framework.direction                 GET     ok     ok     ok     ok     ok     ok     ok
framework.question                  GET     ok     ok     ok     ok     ok     ok     ok
pilots.index                        GET     ok     ok     ok     ok     ok     ok     ok
pilots.show                         GET     ok     ok     ok     ok     ok     ok     ok
pilots.apply                        GET     ok     ok     ok     ok     ok     ok     ok
pilots.apply                        POST    ok     ok     ok     ok     ok     ok     ok
pilots.applied                      GET     ok     ok     ok     ok     ok     ok     ok
library.index                       GET     ok     ok     ok     ok     ok     ok     ok
library.feed                        GET     ok     ok     ok     ok     ok     ok     ok
library.export_csv                  GET     ok     ok     ok     ok     ok     ok     ok
library.open_data                   GET     ok     ok     ok     ok     ok     ok     ok
library.show                        GET     ok     ok     ok     ok     ok     ok     ok
library.show_without_slug           GET     ok     ok     ok     ok     ok     ok     ok

# The read-only API: public data, the same for everyone.
api.index                           GET     ok     ok     ok     ok     ok     ok     ok
api.openapi_document                GET     ok     ok     ok     ok     ok     ok     ok
api.lessons                         GET     ok     ok     ok     ok     ok     ok     ok
api.lesson                          GET     ok     ok     ok     ok     ok     ok     ok
api.pilots                          GET     ok     ok     ok     ok     ok     ok     ok
api.pilot                           GET     ok     ok     ok     ok     ok     ok     ok
api.framework                       GET     ok     ok     ok     ok     ok     ok     ok

# Reuse of a lesson is reported by members of another pilot (can_report_reuse); a report,
# here from a pilot of a third programme, is hidden by the lesson's facilitators and admins.
reuse.report                        GET     login  ok     403    403    403    403    403
reuse.report                        POST    login  ok     403    403    403    403    403
reuse.hide                          GET     login  403    403    403    403    ok     ok
reuse.hide                          POST    login  403    403    403    403    ok     ok
reuse.unhide                        POST    login  403    403    403    403    ok     ok

# Signing in and out, one's own account; an invitation link works for whoever holds it.
auth.login                          GET     ok     ok     ok     ok     ok     ok     ok
auth.login                          POST    ok     ok     ok     ok     ok     ok     ok
auth.logout                         POST    ok     ok     ok     ok     ok     ok     ok
auth.account                        GET     login  ok     ok     ok     ok     ok     ok
auth.change_password                GET     login  ok     ok     ok     ok     ok     ok
auth.change_password                POST    login  ok     ok     ok     ok     ok     ok
auth.accept_invitation              GET     ok     ok     ok     ok     ok     ok     ok
auth.accept_invitation              POST    ok     ok     ok     ok     ok     ok     ok
# The second sign-in step: without a password step waiting for it, back to the sign-in page;
# once signed in, on to one's workspace.
auth.two_factor_code                GET     login  ok     ok     ok     ok     ok     ok
auth.two_factor_code                POST    login  ok     ok     ok     ok     ok     ok
auth.two_factor_recovery            GET     login  ok     ok     ok     ok     ok     ok
auth.two_factor_recovery            POST    login  ok     ok     ok     ok     ok     ok
auth.enrol_two_factor               GET     login  ok     ok     ok     ok     ok     ok
auth.enrol_two_factor               POST    login  ok     ok     ok     ok     ok     ok
# Two-factor settings: each signed-in person for their own account only.
auth.start_two_factor               POST    login  ok     ok     ok     ok     ok     ok
auth.setup_two_factor               GET     login  ok     ok     ok     ok     ok     ok
auth.setup_two_factor               POST    login  ok     ok     ok     ok     ok     ok
auth.regenerate_recovery_codes      GET     login  ok     ok     ok     ok     ok     ok
auth.regenerate_recovery_codes      POST    login  ok     ok     ok     ok     ok     ok
auth.disable_two_factor             GET     login  ok     ok     ok     ok     ok     ok
auth.disable_two_factor             POST    login  ok     ok     ok     ok     ok     ok
# Everything one wrote, for oneself.
auth.my_data                        GET     login  ok     ok     ok     ok     ok     ok
auth.my_data_download               GET     login  ok     ok     ok     ok     ok     ok

# The workspace: members, the programme's facilitators and admins see it (can_view_workspace).
workspace.mine                      GET     login  ok     ok     ok     ok     ok     ok
workspace.overview                  GET     login  403    ok     ok     403    ok     ok
workspace.framework                 GET     login  403    ok     ok     403    ok     ok
workspace.profile                   GET     login  403    ok     ok     403    ok     ok
workspace.organisations             GET     login  403    ok     ok     403    ok     ok
workspace.agreements                GET     login  403    ok     ok     403    ok     ok
workspace.members                   GET     login  403    ok     ok     403    ok     ok
# Coordinators and admins edit the profile, the framework mapping and the organisations
# (can_edit_pilot); facilitators follow, they do not edit.
workspace.framework                 POST    login  403    403    ok     403    403    ok
workspace.direction                 GET     login  403    403    ok     403    403    ok
workspace.direction                 POST    login  403    403    ok     403    403    ok
workspace.profile                   POST    login  403    403    ok     403    403    ok
workspace.organisations             POST    login  403    403    ok     403    403    ok
workspace.edit_organisation         GET     login  403    403    ok     403    403    ok
workspace.edit_organisation         POST    login  403    403    ok     403    403    ok
workspace.remove_organisation       POST    login  403    403    ok     403    403    ok
# Every member keeps the agreements up to date (can_edit_agreements).
workspace.agreements                POST    login  403    ok     ok     403    403    ok
workspace.edit_agreement            GET     login  403    ok     ok     403    403    ok
workspace.edit_agreement            POST    login  403    ok     ok     403    403    ok
workspace.remove_agreement          POST    login  403    ok     ok     403    403    ok
# Coordinators, the programme's facilitators and admins manage members (can_manage_members).
workspace.members                   POST    login  403    403    ok     403    ok     ok
workspace.change_member_role        POST    login  403    403    ok     403    ok     ok
workspace.remove_member             POST    login  403    403    ok     403    ok     ok
workspace.revoke_invitation         POST    login  403    403    ok     403    ok     ok
# The audit trail of case discussions and lessons: the programme's facilitators and admins
# (can_view_audit_trail); members do not watch each other.
workspace.audit_trail               GET     login  403    403    403    403    ok     ok
workspace.audit_trail_csv           GET     login  403    403    403    403    ok     ok

# Case discussions are never public: members and the programme's facilitators read them,
# admins do not (can_read_cases); only members write (can_write_cases).
cases.index                         GET     login  403    ok     ok     403    ok     403
cases.show                          GET     login  403    ok     ok     403    ok     403
cases.print                         GET     login  403    ok     ok     403    ok     403
cases.new                           GET     login  403    ok     ok     403    403    403
cases.new                           POST    login  403    ok     ok     403    403    403
cases.edit                          GET     login  403    ok     ok     403    403    403
cases.edit                          POST    login  403    ok     ok     403    403    403
cases.delete                        GET     login  403    ok     ok     403    403    403
cases.delete                        POST    login  403    ok     ok     403    403    403

# Lessons in the workspace: members, the programme's facilitators and admins read them
# (can_read_lessons); only members write and submit (can_write_lessons, can_submit_lesson).
lessons.index                       GET     login  403    ok     ok     403    ok     ok
lessons.show                        GET     login  403    ok     ok     403    ok     ok
lessons.revisions                   GET     login  403    ok     ok     403    ok     ok
lessons.revision                    GET     login  403    ok     ok     403    ok     ok
lessons.new                         GET     login  403    ok     ok     403    403    403
lessons.new                         POST    login  403    ok     ok     403    403    403
lessons.edit                        GET     login  403    ok     ok     403    403    403
lessons.edit                        POST    login  403    ok     ok     403    403    403
lessons.submit                      POST    login  403    ok     ok     403    403    403
# Review: the facilitators of the lesson's programme (can_review_lesson); withdrawal also
# admins (can_withdraw_lesson).
lessons.queue                       GET     login  403    403    403    ok     ok     403
lessons.review                      GET     login  403    403    403    403    ok     403
lessons.review                      POST    login  403    403    403    403    ok     403
lessons.withdraw                    GET     login  403    403    403    403    ok     ok
lessons.withdraw                    POST    login  403    403    403    403    ok     ok

# Facilitation: facilitators and admins (can_facilitate); a pilot's own page and its
# lifecycle only for its programme's facilitators (can_view_application, can_decide_on_pilot).
dashboard.index                     GET     login  403    403    403    ok     ok     ok
dashboard.applications              GET     login  403    403    403    ok     ok     ok
dashboard.pilot                     GET     login  403    403    403    403    ok     ok
dashboard.change_status             POST    login  403    403    403    403    ok     ok
dashboard.export_csv                GET     login  403    403    403    ok     ok     ok
dashboard.coverage                  GET     login  403    403    403    ok     ok     ok
dashboard.activity                  GET     login  403    403    403    ok     ok     ok
dashboard.measures                  GET     login  403    403    403    ok     ok     ok
dashboard.monitor                   GET     login  403    403    403    ok     ok     ok
dashboard.monitor_csv               GET     login  403    403    403    ok     ok     ok
dashboard.monitor_xlsx              GET     login  403    403    403    ok     ok     ok
dashboard.progress                  GET     login  403    403    403    403    ok     ok

# Measures and experiments: the pilot's members keep them (can_edit_measures); its
# programme's facilitators and admins read them (can_read_measures).
measures.index                      GET     login  403    ok     ok     403    ok     ok
measures.new                        GET     login  403    ok     ok     403    403    403
measures.new                        POST    login  403    ok     ok     403    403    403
measures.edit                       GET     login  403    ok     ok     403    403    403
measures.edit                       POST    login  403    ok     ok     403    403    403
measures.delete                     GET     login  403    ok     ok     403    403    403
measures.delete                     POST    login  403    ok     ok     403    403    403
measures.record                     GET     login  403    ok     ok     403    403    403
measures.record                     POST    login  403    ok     ok     403    403    403
measures.experiments                GET     login  403    ok     ok     403    ok     ok
measures.experiment                 GET     login  403    ok     ok     403    ok     ok
measures.new_experiment             GET     login  403    ok     ok     403    403    403
measures.new_experiment             POST    login  403    ok     ok     403    403    403
measures.edit_experiment            GET     login  403    ok     ok     403    403    403
measures.edit_experiment            POST    login  403    ok     ok     403    403    403

# Administration: admins only (can_administer).
admin.index                         GET     login  403    403    403    403    403    ok
admin.users                         GET     login  403    403    403    403    403    ok
admin.new_user                      GET     login  403    403    403    403    403    ok
admin.new_user                      POST    login  403    403    403    403    403    ok
admin.edit_user                     GET     login  403    403    403    403    403    ok
admin.edit_user                     POST    login  403    403    403    403    403    ok
admin.reset_two_factor              POST    login  403    403    403    403    403    ok
admin.delete_user                   GET     login  403    403    403    403    403    ok
admin.delete_user                   POST    login  403    403    403    403    403    ok
admin.retention                     GET     login  403    403    403    403    403    ok
admin.programmes                    GET     login  403    403    403    403    403    ok
admin.new_programme                 GET     login  403    403    403    403    403    ok
admin.new_programme                 POST    login  403    403    403    403    403    ok
admin.edit_programme                GET     login  403    403    403    403    403    ok
admin.edit_programme                POST    login  403    403    403    403    403    ok
"""

IGNORED_ENDPOINTS = {"static"}
IGNORED_METHODS = {"HEAD", "OPTIONS"}
#: requests within one endpoint's test run in this order, so a POST never spoils a GET
METHOD_ORDER = ("GET", "POST", "PUT", "PATCH", "DELETE")


def parse_matrix(text: str) -> dict[tuple[str, str], dict[str, str]]:
    """Read MATRIX_TEXT into {(endpoint, method): {role: outcome}}; refuse a malformed row."""
    rows: dict[tuple[str, str], dict[str, str]] = {}
    lines = [
        (number, line.split()) for number, line in enumerate(text.splitlines(), 1)
        if line.strip() and not line.lstrip().startswith("#")
    ]
    (_, header), *body = lines
    assert header == ["endpoint", "method", *ROLES], (
        f"MATRIX_TEXT's heading must be: endpoint method {' '.join(ROLES)}"
    )
    for number, cells in body:
        where = f"MATRIX_TEXT line {number} ({' '.join(cells)})"
        assert len(cells) == 2 + len(ROLES), f"{where}: needs endpoint, method and 7 cells"
        endpoint, method, *outcomes = cells
        assert method.isupper(), f"{where}: write the method in capitals"
        unknown = sorted(set(outcomes) - set(OUTCOMES))
        assert not unknown, f"{where}: unknown outcome {unknown}; use one of {list(OUTCOMES)}"
        assert (endpoint, method) not in rows, f"{where}: this endpoint and method appear twice"
        rows[(endpoint, method)] = dict(zip(ROLES, outcomes, strict=True))
    return rows


MATRIX = parse_matrix(MATRIX_TEXT)


# The world --------------------------------------------------------------------------------


_invitation_counter = itertools.count(1)


class World:
    """A pilot with one person in every role around it, and what its URLs point at.

    The `new_*` methods make a fresh row for each request, so a role that deletes or moves
    something does not leave the next role facing a 404 or a finished pilot.
    """

    def __init__(self, make):
        self.make = make
        #: the request's number, for forms whose values must differ from the last one's
        self.n = 0
        #: who makes the request (None for the visitor)
        self.current = None
        self.programme = make.programme(name="Programma Thuis")
        self.other_programme = make.programme(name="Programma Elders")
        self.pilot = make.pilot(programme=self.programme, status=PilotStatus.active,
                                name="Proeftuin Denkstad")
        self.other_pilot = make.pilot(programme=self.other_programme, name="Proeftuin Elders")
        self.users = {
            "anon": None,
            "other": make.member(self.other_pilot, name="Buitenstaander Olga"),
            "part": make.member(self.pilot, name="Deelnemer Dina"),
            "coord": make.coordinator(self.pilot, name="Coördinator Cor"),
            "o-fac": make.facilitator(self.other_programme, name="Begeleider Elders"),
            "fac": make.facilitator(self.programme, name="Begeleider Bram"),
            "admin": make.admin(name="Beheerder Bea"),
        }
        self.slug = self.pilot.slug
        self.organisation_id = self.pilot.organisations[0].id
        self.agreement_id = self.new_agreement()
        #: a participant who holds none of the seven roles, for the admin pages to edit
        self.account = make.member(self.pilot, name="Deelnemer Daan")
        self.membership_id = self._membership_id(self.account)
        #: where the invitations people accept come from: none of the seven is a member there
        self.inviting_pilot = make.pilot(programme=self.programme, status=PilotStatus.active)
        self.case_id = self.new_case()
        self.draft_lesson_id = self.new_lesson()
        self.submitted_lesson_id = self.new_lesson(LessonStatus.submitted)
        self.published_lesson_id = self.new_lesson(LessonStatus.published)
        self.measure_id = self.new_measure()
        self.experiment_id = self.new_experiment()

    def _membership_id(self, user) -> int:
        return db.session.scalar(sa.select(Membership.id).where(
            Membership.pilot_id == self.pilot.id, Membership.user_id == user.id))

    def _invitation(self, pilot=None, email=None):
        email = email or f"genodigde{next(_invitation_counter)}@voorbeeld.example"
        invitation = create_invitation(pilot or self.pilot, email, MemberRole.member,
                                       by=self.users["coord"])
        db.session.commit()
        return invitation

    def invitation_for_current(self) -> str:
        """A link inviting the person asking (a new address for the visitor) to a pilot."""
        email = self.current.email if self.current else None
        return invitation_token(self._invitation(self.inviting_pilot, email))

    def other_member_role(self) -> str:
        membership = db.session.get(Membership, self.membership_id)
        db.session.refresh(membership)
        return "member" if membership.role is MemberRole.coordinator else "coordinator"

    def new_agreement(self) -> int:
        agreement = Agreement(pilot=self.pilot, party="Wijkverpleegkundige",
                              commitment="Belt de mantelzorger na elk overleg.")
        db.session.add(agreement)
        db.session.commit()
        return agreement.id

    def new_organisation(self) -> int:
        organisation = PilotOrganisation(pilot=self.pilot, name="Welzijn Voorbeeld",
                                         kind=OrganisationKind.welfare, position=9)
        db.session.add(organisation)
        db.session.commit()
        return organisation.id

    def new_membership(self) -> int:
        return self._membership_id(self.make.member(self.pilot))

    def new_invitation(self) -> int:
        return self._invitation().id

    def new_account_with_two_factor(self) -> int:
        """An account with two-factor sign-in half set up: something for a reset to undo."""
        user = self.make.user()
        two_factor.start_enrolment(user)
        db.session.commit()
        return user.id

    def new_account(self) -> int:
        """An account for an admin to delete; kept so the POST can confirm its address."""
        self.deletable = self.make.member(self.pilot)
        return self.deletable.id

    def new_case(self) -> int:
        return self.make.case(self.pilot, self.users["part"]).id

    def new_lesson(self, status: LessonStatus = LessonStatus.draft) -> int:
        return self.make.lesson(self.pilot, self.users["part"], status=status,
                                source_cases=[db.session.get(CaseDiscussion, self.case_id)]).id

    def new_reuse(self, hidden: bool = False) -> int:
        """A report on the published lesson from a pilot in a programme of its own."""
        from proeftuin.reuse import services as reuse_services  # arrived with its routes

        elsewhere = self.make.pilot(programme=self.make.programme(), status=PilotStatus.active)
        lesson = db.session.get(Lesson, self.published_lesson_id)
        reuse = reuse_services.report_reuse(
            lesson, elsewhere, how="We namen het gesprek over.", outcome="Minder uitval.",
            by=self.make.member(elsewhere))
        if hidden:
            reuse_services.hide_reuse(reuse, by=self.users["admin"], reason="Dubbele melding.")
        db.session.commit()
        return reuse.id

    def new_measure(self) -> int:
        measure = Measure(pilot=self.pilot, name="Steunplannen", unit="%", goal=60.0)
        db.session.add(measure)
        db.session.commit()
        return measure.id

    def new_experiment(self) -> int:
        experiment = Experiment(pilot=self.pilot, title="Belronde", plan="Proberen en voorspellen",
                                started_on=date(2026, 3, 2))
        db.session.add(experiment)
        db.session.commit()
        return experiment.id

    def new_active_pilot(self) -> str:
        return self.make.pilot(programme=self.programme, status=PilotStatus.active).slug


def _pilot(w: World) -> dict:
    return {"slug": w.slug}


#: endpoint → the values its URL needs, built from the world (called once per request)
URL_VALUES: dict[str, Callable[[World], dict]] = {
    "pilots.show": _pilot,
    "framework.direction": lambda w: {"number": 1},
    "framework.question": lambda w: {"number": 1},
    "auth.accept_invitation": lambda w: {"token": w.invitation_for_current()},
    "workspace.overview": _pilot,
    "workspace.framework": _pilot,
    "workspace.direction": lambda w: {"slug": w.slug, "number": 1},
    "workspace.profile": _pilot,
    "workspace.organisations": _pilot,
    "workspace.edit_organisation": lambda w: {"slug": w.slug,
                                              "organisation_id": w.organisation_id},
    "workspace.remove_organisation": lambda w: {"slug": w.slug,
                                                "organisation_id": w.new_organisation()},
    "workspace.agreements": _pilot,
    "workspace.edit_agreement": lambda w: {"slug": w.slug, "agreement_id": w.agreement_id},
    "workspace.remove_agreement": lambda w: {"slug": w.slug, "agreement_id": w.new_agreement()},
    "workspace.members": _pilot,
    "workspace.change_member_role": lambda w: {"slug": w.slug, "membership_id": w.membership_id},
    "workspace.remove_member": lambda w: {"slug": w.slug, "membership_id": w.new_membership()},
    "workspace.revoke_invitation": lambda w: {"slug": w.slug, "invitation_id": w.new_invitation()},
    "workspace.audit_trail": _pilot,
    "workspace.audit_trail_csv": _pilot,
    "cases.index": _pilot,
    "cases.new": _pilot,
    "cases.show": lambda w: {"slug": w.slug, "case_id": w.case_id},
    "cases.print": lambda w: {"slug": w.slug, "case_id": w.case_id},
    "cases.edit": lambda w: {"slug": w.slug, "case_id": w.case_id},
    "cases.delete": lambda w: {"slug": w.slug, "case_id": w.new_case()},
    "lessons.index": _pilot,
    "lessons.new": _pilot,
    "lessons.show": lambda w: {"slug": w.slug, "lesson_id": w.draft_lesson_id},
    "lessons.edit": lambda w: {"slug": w.slug, "lesson_id": w.draft_lesson_id},
    "lessons.submit": lambda w: {"slug": w.slug, "lesson_id": w.new_lesson()},
    "lessons.revisions": lambda w: {"slug": w.slug, "lesson_id": w.published_lesson_id},
    "lessons.revision": lambda w: {"slug": w.slug, "lesson_id": w.published_lesson_id,
                                   "number": 1},
    "lessons.review": lambda w: {"lesson_id": w.new_lesson(LessonStatus.submitted)},
    "lessons.withdraw": lambda w: {"lesson_id": w.new_lesson(LessonStatus.published)},
    "library.show": lambda w: {"lesson_id": w.published_lesson_id,
                               "slug": lesson_slug(db.session.get(
                                   Lesson, w.published_lesson_id).public_revision.title)},
    "library.show_without_slug": lambda w: {"lesson_id": w.published_lesson_id},
    "api.lesson": lambda w: {"lesson_id": w.published_lesson_id},
    "api.pilot": _pilot,
    "reuse.report": lambda w: {"lesson_id": w.published_lesson_id},
    "reuse.hide": lambda w: {"reuse_id": w.new_reuse()},
    "reuse.unhide": lambda w: {"reuse_id": w.new_reuse(hidden=True)},
    "dashboard.pilot": _pilot,
    "dashboard.change_status": lambda w: {"slug": w.new_active_pilot()},
    "dashboard.progress": _pilot,
    "measures.index": _pilot,
    "measures.new": _pilot,
    "measures.edit": lambda w: {"slug": w.slug, "measure_id": w.measure_id},
    "measures.delete": lambda w: {"slug": w.slug, "measure_id": w.new_measure()},
    "measures.record": lambda w: {"slug": w.slug, "measure_id": w.measure_id},
    "measures.experiments": _pilot,
    "measures.experiment": lambda w: {"slug": w.slug, "experiment_id": w.experiment_id},
    "measures.new_experiment": _pilot,
    "measures.edit_experiment": lambda w: {"slug": w.slug, "experiment_id": w.experiment_id},
    "admin.edit_user": lambda w: {"user_id": w.account.id},
    "admin.reset_two_factor": lambda w: {"user_id": w.new_account_with_two_factor()},
    "admin.edit_programme": lambda w: {"programme_id": w.programme.id},
    "admin.delete_user": lambda w: {"user_id": w.new_account()},
}

#: (endpoint, method) → a form that would change something if the role got through, so the
#: "nothing changed" check on a refused POST means something; any other POST sends nothing
POST_DATA: dict[tuple[str, str], Callable[[World], dict]] = {
    ("main.set_language", "POST"): lambda w: {"lang": "en"},
    ("pilots.apply", "POST"): lambda w: application(w.make, w.programme,
                                                    name=f"Proeftuin Aanvraag {w.n}"),
    ("auth.accept_invitation", "POST"): lambda w: {} if w.current else {
        "name": "Nieuw Lid", "password": NEW_PASSWORD, "password_repeat": NEW_PASSWORD},
    ("auth.change_password", "POST"): lambda w: {
        "current_password": PASSWORD, "new_password": f"{NEW_PASSWORD} {w.n}",
        "new_password_repeat": f"{NEW_PASSWORD} {w.n}"},
    ("auth.setup_two_factor", "POST"): lambda w: {"code": app_code(w.current)},
    ("auth.regenerate_recovery_codes", "POST"): lambda w: {"code": app_code(w.current)},
    ("auth.disable_two_factor", "POST"): lambda w: {"password": PASSWORD,
                                                    "code": app_code(w.current)},
    ("workspace.framework", "POST"): lambda w: {"questions": [str(w.n % 3 + 1)],
                                                "directions": [str(w.n % 10 + 1)],
                                                "confirm_loss": "y"},
    ("workspace.direction", "POST"): lambda w: {"task": f"Nieuwe opgave {w.n}",
                                                "desired_outcome": "Nieuw doel"},
    ("workspace.profile", "POST"): lambda w: profile_form(ambition=f"Minder uitval, ronde {w.n}."),
    ("workspace.organisations", "POST"): lambda w: {"name": f"Welzijn Nieuw {w.n}",
                                                    "kind": "welfare"},
    ("workspace.edit_organisation", "POST"): lambda w: {"name": f"Zorggroep Hernoemd {w.n}",
                                                        "kind": "care"},
    ("workspace.agreements", "POST"): lambda w: {"party": "Huisarts",
                                                 "commitment": f"Bespreekt casus {w.n}."},
    ("workspace.edit_agreement", "POST"): lambda w: {"party": "Wijkverpleging",
                                                     "commitment": f"Belt {w.n} keer per week."},
    ("workspace.members", "POST"): lambda w: {"email": f"gast{w.n}@voorbeeld.example",
                                              "role": "member"},
    ("workspace.change_member_role", "POST"): lambda w: {"role": w.other_member_role()},
    ("cases.new", "POST"): lambda w: case_form(w.make),
    ("cases.edit", "POST"): lambda w: case_form(w.make, title=f"Hernoemde casus {w.n}"),
    ("lessons.new", "POST"): lambda w: lesson_form(),
    ("lessons.edit", "POST"): lambda w: lesson_form(title=f"Hernoemde les {w.n}"),
    ("lessons.review", "POST"): lambda w: {"decision": "return",
                                           "feedback": "Vul de context aan."},
    ("lessons.withdraw", "POST"): lambda w: {"reason": "Verouderd advies."},
    ("reuse.report", "POST"): lambda w: {"pilot": str(w.other_pilot.id),
                                         "how": "We namen de aanpak over.",
                                         "outcome": "Minder dubbel werk."},
    ("reuse.hide", "POST"): lambda w: {"reason": "Hoort bij een andere les."},
    ("admin.delete_user", "POST"): lambda w: {"confirm_email": w.deletable.email},
    ("dashboard.change_status", "POST"): lambda w: {"to": "completed", "reason": ""},
    ("measures.new", "POST"): lambda w: {"name": "Dagen tot contact", "unit": "dagen",
                                         "goal": "4,5", "direction": "lower"},
    ("measures.edit", "POST"): lambda w: {"name": f"Hernoemde meting {w.n}", "unit": "%",
                                          "goal": "60", "direction": "higher"},
    ("measures.record", "POST"): lambda w: {"month": f"2026-{w.n % 12 + 1:02d}",
                                            "value": "42,5"},
    ("measures.new_experiment", "POST"): lambda w: experiment_form(),
    ("measures.edit_experiment", "POST"): lambda w: experiment_form(
        title=f"Hernoemd experiment {w.n}"),
    ("admin.new_user", "POST"): lambda w: new_user_form(email=f"nieuw{w.n}@begeleiding.example"),
    ("admin.edit_user", "POST"): lambda w: edit_user_form(w.account, name=f"Deelnemer {w.n}"),
    ("admin.new_programme", "POST"): lambda w: programme_form(name=f"Samen Thuis {w.n}"),
    ("admin.edit_programme", "POST"): lambda w: programme_form(name=f"Overgenomen {w.n}"),
}


def app_code(user) -> str | None:
    """The code the person's authenticator app shows now."""
    return pyotp.TOTP(user.totp_secret).now() if user is not None else None


def _enrolling(user) -> None:
    if not user.totp_secret:
        two_factor.start_enrolment(user)
        db.session.commit()


def _with_two_factor(user) -> None:
    if not user.two_factor_enabled:
        enable_two_factor(user)


#: endpoint → what the person asking must have set up first, so the page is theirs to use
PREPARE: dict[str, Callable] = {
    "auth.setup_two_factor": _enrolling,
    "auth.regenerate_recovery_codes": _with_two_factor,
    "auth.disable_two_factor": _with_two_factor,
}


#: (endpoint, method) → the table an allowed POST must write to (add, change or remove a row)
WRITES: dict[tuple[str, str], str] = {
    ("pilots.apply", "POST"): "pilot",
    ("reuse.report", "POST"): "lesson_reuse",
    ("reuse.hide", "POST"): "lesson_reuse",
    ("reuse.unhide", "POST"): "lesson_reuse",
    ("auth.change_password", "POST"): "user_account",
    ("auth.accept_invitation", "POST"): "membership",
    ("auth.start_two_factor", "POST"): "user_account",
    ("auth.setup_two_factor", "POST"): "user_account",
    ("auth.regenerate_recovery_codes", "POST"): "recovery_code",
    ("auth.disable_two_factor", "POST"): "user_account",
    ("workspace.framework", "POST"): "pilot_direction",
    ("workspace.direction", "POST"): "pilot_direction",
    ("workspace.profile", "POST"): "pilot",
    ("workspace.organisations", "POST"): "pilot_organisation",
    ("workspace.edit_organisation", "POST"): "pilot_organisation",
    ("workspace.remove_organisation", "POST"): "pilot_organisation",
    ("workspace.agreements", "POST"): "agreement",
    ("workspace.edit_agreement", "POST"): "agreement",
    ("workspace.remove_agreement", "POST"): "agreement",
    ("workspace.members", "POST"): "invitation",
    ("workspace.change_member_role", "POST"): "membership",
    ("workspace.remove_member", "POST"): "membership",
    ("workspace.revoke_invitation", "POST"): "invitation",
    ("cases.new", "POST"): "case_discussion",
    ("cases.edit", "POST"): "case_discussion",
    ("cases.delete", "POST"): "case_discussion",
    ("lessons.new", "POST"): "lesson",
    ("lessons.edit", "POST"): "lesson",
    ("lessons.submit", "POST"): "lesson",
    ("lessons.review", "POST"): "lesson_review",
    ("lessons.withdraw", "POST"): "lesson",
    ("dashboard.change_status", "POST"): "pilot_status_change",
    ("measures.new", "POST"): "measure",
    ("measures.edit", "POST"): "measure",
    ("measures.delete", "POST"): "measure",
    ("measures.record", "POST"): "measure_value",
    ("measures.new_experiment", "POST"): "experiment",
    ("measures.edit_experiment", "POST"): "experiment",
    ("admin.new_user", "POST"): "user_account",
    ("admin.edit_user", "POST"): "user_account",
    ("admin.reset_two_factor", "POST"): "user_account",
    ("admin.delete_user", "POST"): "user_account",
    ("admin.new_programme", "POST"): "programme",
    ("admin.edit_programme", "POST"): "programme",
}

#: endpoints whose allowed POST rightly writes no row, with the reason
WRITES_NO_ROW: dict[str, str] = {
    "main.set_language": "the language is kept in the browser's session",
    "auth.login": "signing in adds a session only (user_session, which any request may touch)",
    "auth.logout": "signing out ends the session only",
    # Nobody in the matrix is between the password and the code; test_two_factor.py signs in
    # with a code and a recovery code and sets two-factor sign-in up during sign-in.
    "auth.two_factor_code": "mid-sign-in only; someone signed in goes on to their pilots",
    "auth.two_factor_recovery": "mid-sign-in only; someone signed in goes on to their pilots",
    "auth.enrol_two_factor": "mid-sign-in only; someone signed in goes on to their pilots",
}


# Helpers ----------------------------------------------------------------------------------


def routes(app: Flask) -> dict[tuple[str, str], str]:
    """Every (endpoint, method) the app answers, with its rule, static files aside."""
    found = {}
    for rule in app.url_map.iter_rules():
        if rule.endpoint in IGNORED_ENDPOINTS:
            continue
        for method in sorted(rule.methods - IGNORED_METHODS):
            found[(rule.endpoint, method)] = rule.rule
    return found


class _CompiledTemplates(jinja2.BytecodeCache):
    """Compiled templates kept across this file's apps (keyed on the source's checksum).

    Every test gets a fresh app, whose Jinja environment would compile each template anew;
    that alone took a fifth of this file's time.
    """

    def __init__(self):
        self._store: dict[str, bytes] = {}

    def load_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        if bucket.key in self._store:
            bucket.bytecode_from_string(self._store[bucket.key])

    def dump_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        self._store[bucket.key] = bucket.bytecode_to_string()


COMPILED_TEMPLATES = _CompiledTemplates()


def method_rank(method: str) -> int:
    return METHOD_ORDER.index(method) if method in METHOD_ORDER else len(METHOD_ORDER)


def rules_of(app: Flask, endpoint: str) -> list:
    return [rule for rule in app.url_map.iter_rules() if rule.endpoint == endpoint]


def signed_in_client(app: Flask, user, number: int):
    """A client of its own for one person, signed in (or anonymous).

    The session is opened with the app's own `start_session`, as the sign-in form does after
    checking the password: Argon2 is deliberately slow, and six checks per route would make
    this file take minutes. tests/test_auth.py covers the form itself.
    """
    client = app.test_client()
    # An address per person, so rate limits never count two of them together.
    client.environ_base["REMOTE_ADDR"] = f"192.0.2.{number + 1}"
    if user is not None:
        with app.test_request_context():
            start_session(user)
            db.session.commit()
            cookie = dict(session)
            g.pop("_login_user", None)  # the app context is shared with the `make` fixture
        with client.session_transaction() as browser_session:
            browser_session.update(cookie)
    return client


def classify(response) -> str:
    """Name a response in the matrix's words; anything unexpected is named by its code."""
    code = response.status_code
    if 300 <= code < 400:
        target = urlsplit(response.headers.get("Location", "")).path
        return "login" if target == url_for("auth.login") else "ok"
    if 200 <= code < 300:
        return "ok"
    return str(code)


def header_problems(response) -> list[str]:
    """What the response lacks of the headers and cookie flags every answer must carry."""
    headers, problems = response.headers, []
    policy = headers.get("Content-Security-Policy", "")
    if "frame-ancestors 'none'" not in policy or "unsafe-inline" in policy:
        problems.append(f"Content-Security-Policy is {policy!r}")
    for name, value in (("X-Content-Type-Options", "nosniff"), ("Referrer-Policy", "same-origin")):
        if headers.get(name) != value:
            problems.append(f"{name} is {headers.get(name)!r}, not {value!r}")
    for cookie in headers.getlist("Set-Cookie"):
        flags = {part.strip().split("=")[0].lower(): part.strip() for part in cookie.split(";")}
        if "httponly" not in flags or flags.get("samesite", "").lower() != "samesite=lax":
            problems.append(f"cookie without HttpOnly and SameSite=Lax: {cookie.split('=')[0]}")
    return problems


def describe(response) -> str:
    location = response.headers.get("Location")
    return f"{response.status_code} → {location}" if location else str(response.status_code)


#: tables whose rows any request may touch: the session records of who is signed in
VOLATILE_TABLES = {"user_session"}


def database_state() -> dict[str, list[str]]:
    """Every row of every table, as text, re-read from the database.

    Wider than test_workspace.snapshot, which covers one pilot's workspace: a refused POST
    here might have touched accounts, programmes or another pilot's status.
    """
    db.session.commit()  # end the read transaction, so we see what the requests wrote
    return {
        table.name: sorted(repr(tuple(row)) for row in db.session.execute(sa.select(table)))
        for table in db.metadata.sorted_tables
        if table.name not in VOLATILE_TABLES
    }


def database_changes(before: dict, after: dict) -> list[str]:
    changes = []
    for table in before:
        added = sorted(set(after[table]) - set(before[table]))
        removed = sorted(set(before[table]) - set(after[table]))
        changes += [f"{table}: + {row}" for row in added[:3]]
        changes += [f"{table}: - {row}" for row in removed[:3]]
    return changes


def row_text(endpoint: str, method: str, cells: dict[str, str]) -> str:
    """One line as MATRIX_TEXT writes it."""
    return f"{endpoint:<35} {method:<7} " + " ".join(f"{cells[r]:<6}" for r in ROLES).rstrip()


# The tests --------------------------------------------------------------------------------


def test_every_route_has_a_row(app):
    routes_now = routes(app)
    missing = sorted(set(routes_now) - set(MATRIX))
    if missing:
        pytest.fail(
            f"{len(missing)} route(s) have no row in the authorisation matrix. Add these rows to"
            f" MATRIX_TEXT in {__name__.replace('.', '/')}.py, replacing each '?' by what DESIGN.md"
            " and proeftuin/permissions.py say that person should get:\n\n"
            f"    {row_text('endpoint', 'method', dict(zip(ROLES, ROLES, strict=True)))}\n"
            + "\n".join(
                f"    {row_text(endpoint, method, dict.fromkeys(ROLES, '?'))}"
                f"   # {routes_now[(endpoint, method)]}"
                for endpoint, method in missing
            )
            + "\n\nCells:\n" + "\n".join(f"    {k:<6} {v}" for k, v in OUTCOMES.items())
            + "\nColumns:\n" + "\n".join(f"    {k:<6} {v}" for k, v in ROLES.items())
            + "\n\nIf the URL takes arguments, add a builder to URL_VALUES (and, if it points at"
            " a new kind of row, a method to World that makes one). A POST that would change"
            " something should send a valid form from POST_DATA, so that a refused POST"
            " demonstrably changes nothing.",
            pytrace=False,
        )


def test_every_row_is_a_route_and_every_allowed_post_says_what_it_writes(app):
    routes_now = routes(app)
    endpoints = {endpoint for endpoint, _ in routes_now}
    problems = [
        f"MATRIX_TEXT row '{endpoint} {method}': the app has no such route (or method); delete"
        " the row, or correct the endpoint name"
        for endpoint, method in sorted(set(MATRIX) - set(routes_now))
    ] + [
        f"URL_VALUES['{endpoint}']: the app has no such endpoint; delete it"
        for endpoint in sorted(set(URL_VALUES) - endpoints)
    ] + [
        f"{name}[{key!r}]: the app has no such route; delete it"
        for name, keys in (("POST_DATA", POST_DATA), ("WRITES", WRITES),
                           ("WRITES_NO_ROW", {(e, "POST") for e in WRITES_NO_ROW}))
        for key in sorted(set(keys) - set(routes_now))
    ] + [
        f"WRITES[{key!r}] names {table!r}, which is no table"
        for key, table in sorted(WRITES.items()) if table not in db.metadata.tables
    ] + [
        f"MATRIX_TEXT row '{endpoint} {method}' lets someone through: add to WRITES the table"
        " it must write to, or to WRITES_NO_ROW why it writes none"
        for (endpoint, method), cells in sorted(MATRIX.items())
        if method != "GET" and "ok" in cells.values()
        and (endpoint, method) not in WRITES and endpoint not in WRITES_NO_ROW
    ]
    if problems:
        pytest.fail("The authorisation matrix names routes that are gone:\n    "
                    + "\n    ".join(problems), pytrace=False)


def test_every_url_can_be_built(app):
    problems = []
    for endpoint in sorted({endpoint for endpoint, _ in routes(app)}):
        rules = rules_of(app, endpoint)
        if len(rules) > 1:
            problems.append(
                f"{endpoint} has {len(rules)} URL rules ({', '.join(r.rule for r in rules)}),"
                " but the matrix builds one URL per endpoint: give each rule its own endpoint"
            )
        arguments = sorted(set().union(*(rule.arguments for rule in rules)))
        if arguments and endpoint not in URL_VALUES:
            problems.append(
                f"{endpoint} ({rules[0].rule}) needs values for its URL; add to URL_VALUES:\n"
                f'        "{endpoint}": lambda w: {{'
                + ", ".join(f'"{name}": ...' for name in arguments) + "},"
            )
    if problems:
        pytest.fail("The authorisation matrix cannot build these URLs:\n    "
                    + "\n    ".join(problems), pytrace=False)


@pytest.mark.parametrize("endpoint", sorted({endpoint for endpoint, _ in MATRIX}))
def test_route_answers_each_role_as_the_matrix_says(app, make, endpoint):
    rules = rules_of(app, endpoint)
    if not rules:
        pytest.fail(f"{endpoint} is in the authorisation matrix but no longer a route: "
                    "delete its rows from MATRIX_TEXT.")
    methods = sorted((m for (e, m) in MATRIX if e == endpoint), key=method_rank)
    gone = [m for m in methods if m not in rules[0].methods]
    if gone:
        pytest.fail(f"{endpoint} no longer answers {', '.join(gone)}: delete those rows from"
                    " MATRIX_TEXT.", pytrace=False)
    app.jinja_env.bytecode_cache = COMPILED_TEMPLATES
    w = World(make)
    clients = {role: signed_in_client(app, w.users[role], n) for n, role in enumerate(ROLES)}

    mismatches, actual_rows, urls = [], {}, {}
    for method in methods:
        expected = MATRIX[(endpoint, method)]
        actual_rows[method] = {}
        for role in ROLES:
            w.n += 1
            w.current = w.users[role]
            if w.current is not None and endpoint in PREPARE:
                PREPARE[endpoint](w.current)
            url = url_for(endpoint, **URL_VALUES.get(endpoint, lambda w: {})(w))
            urls[method] = url
            data = POST_DATA.get((endpoint, method), lambda w: {})(w)
            before = database_state() if method != "GET" else None
            response = clients[role].open(url, method=method, data=data)
            # A streamed or file download must finish, and its file close, inside the test.
            response.get_data()
            response.close()
            actual = actual_rows[method][role] = classify(response)
            who = f"  {method:<5} {role:<6} ({ROLES[role]})"
            # Every answer of every route, to everyone, carries the security headers too.
            mismatches += [f"{who}: {problem}" for problem in header_problems(response)]
            if actual != expected[role]:
                mismatches.append(f"{who}: expected {expected[role]}, got {actual}"
                                  f" ({describe(response)})")
                continue  # a wrong answer says enough; what it did to the database is noise
            if method == "GET" and actual == "ok" and response.status_code != 200 \
                    and endpoint not in REDIRECTING_PAGES:
                mismatches.append(f"{who}: an allowed page answers 200, not {describe(response)}")
            if before is None:
                continue
            changed = database_changes(before, database_state())
            if actual in REFUSALS and changed:
                mismatches.append(f"{who} was refused ({actual}) but the database changed:\n"
                                  + "\n".join(f"      {c}" for c in changed))
            elif actual == "ok" and endpoint not in WRITES_NO_ROW:
                wanted = WRITES[(endpoint, method)]
                if wanted not in {change.split(":")[0] for change in changed}:
                    mismatches.append(
                        f"{who} was allowed ({describe(response)}) but wrote no row of"
                        f" {wanted}:\n" + ("\n".join(f"      {c}" for c in changed)
                                           or "      (nothing changed)"))

    if mismatches:
        pytest.fail(
            f"{endpoint} does not keep to the authorisation matrix:\n"
            + "\n".join(mismatches)
            + "\n\nRows in MATRIX_TEXT, then what the app did:\n"
            + "\n".join(
                f"  table: {row_text(endpoint, m, MATRIX[(endpoint, m)])}\n"
                f"  app:   {row_text(endpoint, m, actual_rows[m])}   # {urls[m]}"
                for m in methods
            )
            + "\n\nIf the app is wrong, fix proeftuin/permissions.py or the route; if the row is"
            " wrong, correct it from DESIGN.md and permissions.py, not from what the app does.",
            pytrace=False,
        )
