"""One authorisation matrix over the whole URL map: who gets what from every route.

Every rule in `app.url_map` (bar `static`) and each of its methods (HEAD and OPTIONS aside)
has one row in `MATRIX_TEXT` below, saying what each of eight people gets back from an
active pilot; `STATUS_MATRIX_TEXT` asks the same people around pilots in other statuses
and invitation links that can no longer be used. The rows come from the rules of
docs/permissions.md, which each group of rows cites, not from what the app happens to do,
nor from proeftuin/permissions.py: a cell that disagrees with the app is either a hole in
the app or a mistake in the row.

A cell is strict both ways. A refused request changes nothing in the database; an allowed
page answers 200 (bar `REDIRECTING_PAGES`); an allowed POST writes a row of the table
`WRITES` names for it (bar `WRITES_NO_ROW`, with the reason).

Adding a route? `test_every_route_has_a_row` fails and prints the rows to paste, with `?`
in the cells you must decide. If its URL takes arguments, add a builder to `URL_VALUES`;
if a POST should send a form, add it to `POST_DATA` (otherwise an empty form is sent), and
name what it writes in `WRITES`.
"""

from __future__ import annotations

import itertools
import re
import secrets
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path
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
from proeftuin.following.services import confirm_token, manage_token
from proeftuin.library.urls import lesson_slug
from proeftuin.models import (
    Agreement,
    Call,
    CallAssessor,
    CaseDiscussion,
    CohortDateKind,
    Experiment,
    Frequency,
    Lesson,
    LessonStatus,
    Measure,
    MemberRole,
    Membership,
    MessageStatus,
    Notification,
    OrganisationKind,
    OutboxMessage,
    PilotOrganisation,
    PilotStatus,
    Subscription,
)
from proeftuin.models.base import utcnow
from proeftuin.notifications import KINDS as NOTIFICATION_KINDS
from proeftuin.programmes.assessors import assessor_token
from proeftuin.programmes.ical import feed_token
from tests.conftest import PASSWORD
from tests.test_admin import edit_user_form, new_user_form, programme_form
from tests.test_apply import application
from tests.test_auth import NEW_PASSWORD
from tests.test_calls import call_form
from tests.test_cases import case_form
from tests.test_cohort_calendar import date_form
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
    "assr": "external assessor of a call of the pilot's programme, with no pilot of their own",
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
    "notifications.open_one": "a notification is marked read and leads to what it is about",
    "auth.login": "someone signed in already goes on to their start page",
    # Nobody in the matrix is between the password and the code (PREPARE gives the two-factor
    # settings pages their state); test_two_factor.py opens these mid-sign-in.
    "auth.two_factor_code": "mid-sign-in only; someone signed in goes on to their start page",
    "auth.two_factor_recovery": "mid-sign-in only; someone signed in goes on to their start page",
    "auth.enrol_two_factor": "mid-sign-in only; someone signed in goes on to their start page",
}

# The matrix -------------------------------------------------------------------------------
#
# The subject pilot is active (so public) in a programme with its facilitator; "other" and
# "o-fac" belong to a second programme and pilot. One row per endpoint and method.

MATRIX_TEXT = """
endpoint                            method  anon   other  part   coord  o-fac  fac    admin  assr

# P1: the public side, for everyone, signed in or not.
main.index                          GET     ok     ok     ok     ok     ok     ok     ok     ok
main.accessibility                  GET     ok     ok     ok     ok     ok     ok     ok     ok
main.privacy                        GET     ok     ok     ok     ok     ok     ok     ok     ok
main.healthz                        GET     ok     ok     ok     ok     ok     ok     ok     ok
main.set_language                   POST    ok     ok     ok     ok     ok     ok     ok     ok
framework.index                     GET     ok     ok     ok     ok     ok     ok     ok     ok
framework.direction                 GET     ok     ok     ok     ok     ok     ok     ok     ok
framework.question                  GET     ok     ok     ok     ok     ok     ok     ok     ok
pilots.index                        GET     ok     ok     ok     ok     ok     ok     ok     ok
pilots.show                         GET     ok     ok     ok     ok     ok     ok     ok     ok
pilots.apply                        GET     ok     ok     ok     ok     ok     ok     ok     ok
pilots.apply                        POST    ok     ok     ok     ok     ok     ok     ok     ok
pilots.applied                      GET     ok     ok     ok     ok     ok     ok     ok     ok
library.index                       GET     ok     ok     ok     ok     ok     ok     ok     ok
library.feed                        GET     ok     ok     ok     ok     ok     ok     ok     ok
library.export_csv                  GET     ok     ok     ok     ok     ok     ok     ok     ok
library.export_spreadsheet_csv      GET     ok     ok     ok     ok     ok     ok     ok     ok
library.open_data                   GET     ok     ok     ok     ok     ok     ok     ok     ok
library.show                        GET     ok     ok     ok     ok     ok     ok     ok     ok
library.show_without_slug           GET     ok     ok     ok     ok     ok     ok     ok     ok

# P1: the read-only API: public data, the same for everyone.
api.index                           GET     ok     ok     ok     ok     ok     ok     ok     ok
api.openapi_document                GET     ok     ok     ok     ok     ok     ok     ok     ok
api.lessons                         GET     ok     ok     ok     ok     ok     ok     ok     ok
api.lesson                          GET     ok     ok     ok     ok     ok     ok     ok     ok
api.pilots                          GET     ok     ok     ok     ok     ok     ok     ok     ok
api.pilot                           GET     ok     ok     ok     ok     ok     ok     ok     ok
api.framework                       GET     ok     ok     ok     ok     ok     ok     ok     ok

# R1: reuse of a lesson is reported by members of another pilot; a report, here from a
# pilot of a third programme, is hidden by the lesson's facilitators and admins.
reuse.report                        GET     login  ok     403    403    403    403    403    403
reuse.report                        POST    login  ok     403    403    403    403    403    403
reuse.hide                          GET     login  403    403    403    403    ok     ok     403
reuse.hide                          POST    login  403    403    403    403    ok     ok     403
reuse.unhide                        POST    login  403    403    403    403    ok     ok     403
# R2: the members of the pilot that reused a lesson answer what became of it, months later.
reuse.follow_up                     GET     login  ok     403    403    403    403    403    403
reuse.follow_up                     POST    login  ok     403    403    403    403    403    403

# S1: signing in and out, one's own account; an invitation link works for whoever holds it.
auth.login                          GET     ok     ok     ok     ok     ok     ok     ok     ok
auth.login                          POST    ok     ok     ok     ok     ok     ok     ok     ok
auth.logout                         POST    ok     ok     ok     ok     ok     ok     ok     ok
auth.account                        GET     login  ok     ok     ok     ok     ok     ok     ok
auth.change_password                GET     login  ok     ok     ok     ok     ok     ok     ok
auth.change_password                POST    login  ok     ok     ok     ok     ok     ok     ok
auth.accept_invitation              GET     ok     ok     ok     ok     ok     ok     ok     ok
auth.accept_invitation              POST    ok     ok     ok     ok     ok     ok     ok     ok
# S1: a forgotten password: a link mailed to the account's address, whoever asks.
auth.forgot_password                GET     ok     ok     ok     ok     ok     ok     ok     ok
auth.forgot_password                POST    ok     ok     ok     ok     ok     ok     ok     ok
auth.forgot_password_sent           GET     ok     ok     ok     ok     ok     ok     ok     ok
auth.reset_password                 GET     ok     ok     ok     ok     ok     ok     ok     ok
auth.reset_password                 POST    ok     ok     ok     ok     ok     ok     ok     ok
auth.password_reset_done            GET     ok     ok     ok     ok     ok     ok     ok     ok
# S1: the second sign-in step: without a password step waiting for it, back to the sign-in
# page; once signed in, on to one's workspace.
auth.two_factor_code                GET     login  ok     ok     ok     ok     ok     ok     ok
auth.two_factor_code                POST    login  ok     ok     ok     ok     ok     ok     ok
auth.two_factor_recovery            GET     login  ok     ok     ok     ok     ok     ok     ok
auth.two_factor_recovery            POST    login  ok     ok     ok     ok     ok     ok     ok
auth.enrol_two_factor               GET     login  ok     ok     ok     ok     ok     ok     ok
auth.enrol_two_factor               POST    login  ok     ok     ok     ok     ok     ok     ok
# S1: two-factor settings: each signed-in person for their own account only.
auth.start_two_factor               POST    login  ok     ok     ok     ok     ok     ok     ok
auth.setup_two_factor               GET     login  ok     ok     ok     ok     ok     ok     ok
auth.setup_two_factor               POST    login  ok     ok     ok     ok     ok     ok     ok
auth.regenerate_recovery_codes      GET     login  ok     ok     ok     ok     ok     ok     ok
auth.regenerate_recovery_codes      POST    login  ok     ok     ok     ok     ok     ok     ok
auth.disable_two_factor             GET     login  ok     ok     ok     ok     ok     ok     ok
auth.disable_two_factor             POST    login  ok     ok     ok     ok     ok     ok     ok
# D1: everything one wrote, for oneself.
auth.my_data                        GET     login  ok     ok     ok     ok     ok     ok     ok
auth.my_data_download               GET     login  ok     ok     ok     ok     ok     ok     ok

# W1: the workspace, for members, the programme's facilitators and admins.
workspace.mine                      GET     login  ok     ok     ok     ok     ok     ok     ok
workspace.overview                  GET     login  403    ok     ok     403    ok     ok     403
workspace.framework                 GET     login  403    ok     ok     403    ok     ok     403
workspace.profile                   GET     login  403    ok     ok     403    ok     ok     403
workspace.organisations             GET     login  403    ok     ok     403    ok     ok     403
workspace.agreements                GET     login  403    ok     ok     403    ok     ok     403
workspace.members                   GET     login  403    ok     ok     403    ok     ok     403
# W2: coordinators and admins edit the profile, the framework mapping and the
# organisations; facilitators follow, they do not edit.
workspace.framework                 POST    login  403    403    ok     403    403    ok     403
workspace.direction                 GET     login  403    403    ok     403    403    ok     403
workspace.direction                 POST    login  403    403    ok     403    403    ok     403
workspace.profile                   POST    login  403    403    ok     403    403    ok     403
workspace.organisations             POST    login  403    403    ok     403    403    ok     403
workspace.edit_organisation         GET     login  403    403    ok     403    403    ok     403
workspace.edit_organisation         POST    login  403    403    ok     403    403    ok     403
workspace.remove_organisation       POST    login  403    403    ok     403    403    ok     403
# W2: every member keeps the agreements up to date.
workspace.agreements                POST    login  403    ok     ok     403    403    ok     403
workspace.edit_agreement            GET     login  403    ok     ok     403    403    ok     403
workspace.edit_agreement            POST    login  403    ok     ok     403    403    ok     403
workspace.remove_agreement          POST    login  403    ok     ok     403    403    ok     403
# W3: coordinators, the programme's facilitators and admins manage members.
workspace.members                   POST    login  403    403    ok     403    ok     ok     403
workspace.change_member_role        POST    login  403    403    ok     403    ok     ok     403
workspace.remove_member             POST    login  403    403    ok     403    ok     ok     403
workspace.revoke_invitation         POST    login  403    403    ok     403    ok     ok     403
workspace.resend_invitation         POST    login  403    403    ok     403    ok     ok     403
# A1: the audit trail of case discussions and lessons: the programme's facilitators and
# admins; members do not watch each other.
workspace.audit_trail               GET     login  403    403    403    403    ok     ok     403
workspace.audit_trail_csv           GET     login  403    403    403    403    ok     ok     403

# C1, C2: case discussions are never public: members and the programme's facilitators read
# them, admins do not; only members write.
cases.index                         GET     login  403    ok     ok     403    ok     403    403
cases.show                          GET     login  403    ok     ok     403    ok     403    403
cases.print                         GET     login  403    ok     ok     403    ok     403    403
cases.new                           GET     login  403    ok     ok     403    403    403    403
cases.new                           POST    login  403    ok     ok     403    403    403    403
cases.edit                          GET     login  403    ok     ok     403    403    403    403
cases.edit                          POST    login  403    ok     ok     403    403    403    403
cases.delete                        GET     login  403    ok     ok     403    403    403    403
cases.delete                        POST    login  403    ok     ok     403    403    403    403

# L1, L2: working copies of lessons: members, the programme's facilitators and admins read
# them; only members write and submit.
lessons.index                       GET     login  403    ok     ok     403    ok     ok     403
lessons.show                        GET     login  403    ok     ok     403    ok     ok     403
lessons.revisions                   GET     login  403    ok     ok     403    ok     ok     403
lessons.revision                    GET     login  403    ok     ok     403    ok     ok     403
lessons.new                         GET     login  403    ok     ok     403    403    403    403
lessons.new                         POST    login  403    ok     ok     403    403    403    403
lessons.edit                        GET     login  403    ok     ok     403    403    403    403
lessons.edit                        POST    login  403    ok     ok     403    403    403    403
lessons.submit                      POST    login  403    ok     ok     403    403    403    403
# L3: review, by the facilitators of the lesson's programme; withdrawal also by admins.
lessons.queue                       GET     login  403    403    403    ok     ok     403    403
lessons.review                      GET     login  403    403    403    403    ok     403    403
lessons.review                      POST    login  403    403    403    403    ok     403    403
lessons.withdraw                    GET     login  403    403    403    403    ok     ok     403
lessons.withdraw                    POST    login  403    403    403    403    ok     ok     403

# F1, P2: the facilitators' pages, for facilitators and admins; a pilot's own page and its
# lifecycle only for its programme's facilitators.
dashboard.index                     GET     login  403    403    403    ok     ok     ok     403
dashboard.applications              GET     login  403    403    403    ok     ok     ok     403
dashboard.pilot                     GET     login  403    403    403    403    ok     ok     403
dashboard.change_status             POST    login  403    403    403    403    ok     ok     403
dashboard.export_csv                GET     login  403    403    403    ok     ok     ok     403
dashboard.coverage                  GET     login  403    403    403    ok     ok     ok     403
dashboard.activity                  GET     login  403    403    403    ok     ok     ok     403
dashboard.measures                  GET     login  403    403    403    ok     ok     ok     403
dashboard.monitor                   GET     login  403    403    403    ok     ok     ok     403
dashboard.monitor_csv               GET     login  403    403    403    ok     ok     ok     403
dashboard.monitor_xlsx              GET     login  403    403    403    ok     ok     ok     403
dashboard.progress                  GET     login  403    403    403    403    ok     ok     403
# V1: what the library's readers search for, and the most read lessons of their own
# programmes, for facilitators and admins.
dashboard.demand                    GET     login  403    403    403    ok     ok     ok     403
# K1: a programme's calls, for its facilitators and admins; each facilitator lists and opens
# calls of their own programmes only.
programmes.calls                     GET     login  403    403    403    ok     ok     ok     403
programmes.new_call                  GET     login  403    403    403    ok     ok     ok     403
programmes.new_call                  POST    login  403    403    403    403    ok     ok     403
programmes.call                      GET     login  403    403    403    403    ok     ok     403
programmes.edit_call                 GET     login  403    403    403    403    ok     ok     403
programmes.edit_call                 POST    login  403    403    403    403    ok     ok     403
programmes.close_call                POST    login  403    403    403    403    ok     ok     403
# K4: the calendar of a call's cohort is kept by the programme's facilitators and admins;
# whoever holds a cohort's secret feed link reads its dates, signed in or not.
programmes.calendar                  GET     login  403    403    403    403    ok     ok     403
programmes.new_calendar_date         GET     login  403    403    403    403    ok     ok     403
programmes.new_calendar_date         POST    login  403    403    403    403    ok     ok     403
programmes.edit_calendar_date        GET     login  403    403    403    403    ok     ok     403
programmes.edit_calendar_date        POST    login  403    403    403    403    ok     ok     403
programmes.delete_calendar_date      GET     login  403    403    403    403    ok     ok     403
programmes.delete_calendar_date      POST    login  403    403    403    403    ok     ok     403
programmes.session_report            GET     login  403    403    403    403    ok     ok     403
programmes.session_report            POST    login  403    403    403    403    ok     ok     403
calendar_feed.feed                   GET     ok     ok     ok     ok     ok     ok     ok     ok
# K2: a call's applications are assessed by its programme's facilitators and its assessors
# until it is decided; an assessor reaches nothing else through the role; admins do not assess.
assessment.index                    GET     login  ok     ok     ok     ok     ok     ok     ok
assessment.call                     GET     login  403    403    403    403    ok     403    ok
assessment.application              GET     login  403    403    403    403    ok     403    ok
assessment.application              POST    login  403    403    403    403    ok     403    ok
assessment.declare_conflict         POST    login  403    403    403    403    ok     403    ok
# K3: the programme's facilitators and admins see the scores, invite and revoke assessors,
# decide and close the assessment; an invitation link is for whoever holds it.
programmes.assessment_overview      GET     login  403    403    403    403    ok     ok     403
programmes.invite_assessor          POST    login  403    403    403    403    ok     ok     403
programmes.revoke_assessor          POST    login  403    403    403    403    ok     ok     403
programmes.decide                   POST    login  403    403    403    403    ok     ok     403
programmes.close_assessment         POST    login  403    403    403    403    ok     ok     403
assessment.accept_invitation        GET     ok     ok     ok     ok     ok     ok     ok     ok
assessment.accept_invitation        POST    ok     ok     ok     ok     ok     ok     ok     ok

# M1: measures and experiments: the pilot's members keep them; its programme's
# facilitators and admins read them.
measures.index                      GET     login  403    ok     ok     403    ok     ok     403
measures.new                        GET     login  403    ok     ok     403    403    403    403
measures.new                        POST    login  403    ok     ok     403    403    403    403
measures.edit                       GET     login  403    ok     ok     403    403    403    403
measures.edit                       POST    login  403    ok     ok     403    403    403    403
measures.delete                     GET     login  403    ok     ok     403    403    403    403
measures.delete                     POST    login  403    ok     ok     403    403    403    403
measures.record                     GET     login  403    ok     ok     403    403    403    403
measures.record                     POST    login  403    ok     ok     403    403    403    403
measures.experiments                GET     login  403    ok     ok     403    ok     ok     403
measures.experiment                 GET     login  403    ok     ok     403    ok     ok     403
measures.new_experiment             GET     login  403    ok     ok     403    403    403    403
measures.new_experiment             POST    login  403    ok     ok     403    403    403    403
measures.edit_experiment            GET     login  403    ok     ok     403    403    403    403
measures.edit_experiment            POST    login  403    ok     ok     403    403    403    403

# D1: administration, admins only.
admin.index                         GET     login  403    403    403    403    403    ok     403
admin.users                         GET     login  403    403    403    403    403    ok     403
admin.new_user                      GET     login  403    403    403    403    403    ok     403
admin.new_user                      POST    login  403    403    403    403    403    ok     403
admin.edit_user                     GET     login  403    403    403    403    403    ok     403
admin.edit_user                     POST    login  403    403    403    403    403    ok     403
admin.reset_two_factor              POST    login  403    403    403    403    403    ok     403
admin.delete_user                   GET     login  403    403    403    403    403    ok     403
admin.delete_user                   POST    login  403    403    403    403    403    ok     403
admin.retention                     GET     login  403    403    403    403    403    ok     403
admin.programmes                    GET     login  403    403    403    403    403    ok     403
admin.new_programme                 GET     login  403    403    403    403    403    ok     403
admin.new_programme                 POST    login  403    403    403    403    403    ok     403
admin.edit_programme                GET     login  403    403    403    403    403    ok     403
admin.edit_programme                POST    login  403    403    403    403    403    ok     403
admin.messages                      GET     login  403    403    403    403    403    ok     403
admin.resend_message                POST    login  403    403    403    403    403    ok     403
# S1: each signed-in person's own notifications and choices; another's notification is unknown.
notifications.index                 GET     login  ok     ok     ok     ok     ok     ok     ok
notifications.open_one              GET     login  404    ok     404    404    404    404    404
notifications.mark_all_read         POST    login  ok     ok     ok     ok     ok     ok     ok
notifications.preferences           GET     login  ok     ok     ok     ok     ok     ok     ok
notifications.preferences           POST    login  ok     ok     ok     ok     ok     ok     ok
# S2: following by e-mail: anyone asks; a mailed link confirms, changes or stops its own
# subscription without signing in; an account lists what it follows.
following.follow                    GET     ok     ok     ok     ok     ok     ok     ok     ok
following.follow                    POST    ok     ok     ok     ok     ok     ok     ok     ok
following.sent                      GET     ok     ok     ok     ok     ok     ok     ok     ok
following.confirm                   GET     ok     ok     ok     ok     ok     ok     ok     ok
following.confirm                   POST    ok     ok     ok     ok     ok     ok     ok     ok
following.manage                    GET     ok     ok     ok     ok     ok     ok     ok     ok
following.manage                    POST    ok     ok     ok     ok     ok     ok     ok     ok
following.unsubscribe               GET     ok     ok     ok     ok     ok     ok     ok     ok
following.unsubscribe               POST    ok     ok     ok     ok     ok     ok     ok     ok
following.account                   GET     login  ok     ok     ok     ok     ok     ok     ok
# X1: the development mailbox, on every server but a production one.
mailbox.index                       GET     ok     ok     ok     ok     ok     ok     ok     ok
mailbox.show                        GET     ok     ok     ok     ok     ok     ok     ok     ok
mailbox.html                        GET     ok     ok     ok     ok     ok     ok     ok     ok
"""

IGNORED_ENDPOINTS = {"static"}
IGNORED_METHODS = {"HEAD", "OPTIONS"}
#: requests within one endpoint's test run in this order, so a POST never spoils a GET
METHOD_ORDER = ("GET", "POST", "PUT", "PATCH", "DELETE")


def parse_matrix(text: str, keys: tuple[str, ...] = ("endpoint", "method"),
                 name: str = "MATRIX_TEXT") -> dict[tuple[str, ...], dict[str, str]]:
    """Read a matrix into {(endpoint, method, …): {role: outcome}}; refuse a malformed row."""
    rows: dict[tuple[str, ...], dict[str, str]] = {}
    lines = [
        (number, line.split()) for number, line in enumerate(text.splitlines(), 1)
        if line.strip() and not line.lstrip().startswith("#")
    ]
    (_, header), *body = lines
    assert header == [*keys, *ROLES], f"{name}'s heading must be: {' '.join([*keys, *ROLES])}"
    for number, cells in body:
        where = f"{name} line {number} ({' '.join(cells)})"
        assert len(cells) == len(keys) + len(ROLES), (
            f"{where}: needs {', '.join(keys)} and {len(ROLES)} cells")
        key, outcomes = tuple(cells[:len(keys)]), cells[len(keys):]
        assert key[1].isupper(), f"{where}: write the method in capitals"
        unknown = sorted(set(outcomes) - set(OUTCOMES))
        assert not unknown, f"{where}: unknown outcome {unknown}; use one of {list(OUTCOMES)}"
        assert key not in rows, f"{where}: this row appears twice"
        rows[key] = dict(zip(ROLES, outcomes, strict=True))
    return rows


MATRIX = parse_matrix(MATRIX_TEXT)


# Pilot status, and links that can no longer be used ---------------------------------------
#
# The same people around a pilot in another status (see "Pilot status" in
# docs/permissions.md); for invitation links, the state of the link (the pilot is active).

STATES = {
    "applied": "the pilot is an application",
    "declined": "the application was declined",
    "selected": "selected, not yet started",
    "completed": "the pilot has completed",
    "stopped": "the pilot stopped before it completed",
    "revoked": "the invitation was revoked",
    "used": "the invitation was accepted already",
    "expired": "the invitation expired",
    "decided": "the call was decided: its assessment is over",
}

STATUS_MATRIX_TEXT = """
endpoint                   method  state      anon   other  part   coord  o-fac  fac    admin  assr

# P1, P2: an application or a declined group has no public profile, for no one.
pilots.show                GET     applied    404    404    404    404    404    404    404    404
pilots.show                GET     declined   404    404    404    404    404    404    404    404
api.pilot                  GET     applied    404    404    404    404    404    404    404    404
api.pilot                  GET     declined   404    404    404    404    404    404    404    404
pilots.show                GET     completed  ok     ok     ok     ok     ok     ok     ok     ok
pilots.show                GET     stopped    ok     ok     ok     ok     ok     ok     ok     ok
# W1, P2: its workspace is for its members, its facilitators and admins; to anyone else it
# does not exist.
workspace.overview         GET     applied    login  404    ok     ok     404    ok     ok     404
workspace.overview         GET     declined   login  404    ok     ok     404    ok     ok     404
workspace.overview         GET     stopped    login  403    ok     ok     403    ok     ok     403
# W2: for an application or a declined group, only an admin edits.
workspace.profile          POST    applied    login  404    403    403    404    403    ok     404
workspace.profile          POST    declined   login  404    403    403    404    403    ok     404
workspace.profile          POST    selected   login  403    403    ok     403    403    ok     403
# W3: members are invited once the pilot is public.
workspace.members          POST    applied    login  404    403    403    404    403    403    404
workspace.members          POST    selected   login  403    403    ok     403    ok     ok     403
# C1, C2: case discussions are read as before, written while selected or active only.
cases.index                GET     applied    login  404    ok     ok     404    ok     403    404
cases.new                  POST    applied    login  404    403    403    404    403    403    404
cases.new                  POST    selected   login  403    ok     ok     403    403    403    403
cases.new                  POST    completed  login  403    403    403    403    403    403    403
cases.edit                 POST    completed  login  403    403    403    403    403    403    403
cases.new                  POST    stopped    login  403    403    403    403    403    403    403
# L2: lessons are written while the pilot works: selected, active, completed.
lessons.new                POST    applied    login  404    403    403    404    403    403    404
lessons.new                POST    selected   login  403    ok     ok     403    403    403    403
lessons.new                POST    completed  login  403    ok     ok     403    403    403    403
lessons.new                POST    stopped    login  403    403    403    403    403    403    403
# M1: measures likewise.
measures.new               POST    applied    login  404    403    403    404    403    403    404
measures.new               POST    completed  login  403    ok     ok     403    403    403    403
measures.new               POST    stopped    login  403    403    403    403    403    403    403
# F1, P2: the facilitators' pages are closed to participants (403 whatever they name); a
# facilitator of another programme learns nothing of an application.
dashboard.pilot            GET     applied    login  403    403    403    404    ok     ok     403
dashboard.change_status    POST    applied    login  403    403    403    404    ok     ok     403
dashboard.change_status    POST    selected   login  403    403    403    403    ok     ok     403
# S1: an invitation link that was real but can no longer be used: gone, for whoever holds it.
auth.accept_invitation     GET     revoked    410    410    410    410    410    410    410    410
auth.accept_invitation     POST    revoked    410    410    410    410    410    410    410    410
auth.accept_invitation     GET     used       410    410    410    410    410    410    410    410
auth.accept_invitation     GET     expired    410    410    410    410    410    410    410    410
auth.accept_invitation     POST    expired    410    410    410    410    410    410    410    410
# K2, K3: once its call is decided, an assessor's pages answer 410 to those who assessed
# it, and no invitation to assess it can be used.
assessment.call            GET     decided    login  403    403    403    403    410    403    410
assessment.application     GET     decided    login  403    403    403    403    410    403    410
assessment.application     POST    decided    login  403    403    403    403    410    403    410
assessment.accept_invitation GET   decided    410    410    410    410    410    410    410    410
assessment.accept_invitation GET   revoked    410    410    410    410    410    410    410    410
assessment.accept_invitation POST  revoked    410    410    410    410    410    410    410    410
assessment.accept_invitation GET   used       410    410    410    410    410    410    410    410
assessment.accept_invitation POST  expired    410    410    410    410    410    410    410    410
"""

STATUS_MATRIX = parse_matrix(STATUS_MATRIX_TEXT, ("endpoint", "method", "state"),
                             "STATUS_MATRIX_TEXT")

#: where a facilitator moves a pilot in each status, in the status change's row
NEXT_STATUS = {
    PilotStatus.applied: PilotStatus.selected,
    PilotStatus.selected: PilotStatus.active,
    PilotStatus.active: PilotStatus.completed,
}


# The world --------------------------------------------------------------------------------


_invitation_counter = itertools.count(1)


class World:
    """A pilot with one person in every role around it, and what its URLs point at.

    The `new_*` methods make a fresh row for each request, so a role that deletes or moves
    something does not leave the next role facing a 404 or a finished pilot.
    """

    def __init__(self, make, state: str = "active"):
        self.make = make
        #: the pilot's status, or for invitation links the state of the link (pilot active)
        self.state = state
        self.status = PilotStatus(state) if state in PilotStatus.__members__ \
            else PilotStatus.active
        #: the request's number, for forms whose values must differ from the last one's
        self.n = 0
        #: who makes the request (None for the visitor)
        self.current = None
        self.programme = make.programme(name="Programma Thuis")
        self.other_programme = make.programme(name="Programma Elders")
        self.pilot = make.pilot(programme=self.programme, status=self.status,
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
            "assr": make.user(name="Beoordelaar Bas"),
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
        self.call_id = self.new_call()
        #: an application to the call, which the assessor scores
        self.application_id = self.new_application()
        self._assessor(self.users["assr"].email, accepted_by=self.users["assr"])
        if state == "decided":
            db.session.get(Call, self.call_id).decided_at = utcnow()
            db.session.commit()
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
        """A link inviting the person asking (a new address for the visitor) to a pilot.

        In the states of a link that can no longer be used, it is that.
        """
        email = self.current.email if self.current else None
        invitation = self._invitation(self.inviting_pilot, email)
        if self.state == "revoked":
            invitation.revoked_at = utcnow()
        elif self.state == "used":
            invitation.accepted_at = utcnow()
        elif self.state == "expired":
            invitation.expires_at = utcnow() - timedelta(minutes=1)
        db.session.commit()
        return invitation_token(invitation)

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

    def new_message(self, status: MessageStatus = MessageStatus.queued) -> int:
        """A message in the outbox, as an invitation leaves one."""
        message = OutboxMessage(
            kind="invitation", recipient="genodigde@voorbeeld.example", language="nl",
            subject="Uitnodiging", text_body="Welkom", html_body="<p>Welkom</p>",
            message_id=f"<{next(_invitation_counter)}.matrix@voorbeeld.example>",
            status=status,
        )
        db.session.add(message)
        db.session.commit()
        return message.id

    def new_account_with_two_factor(self) -> int:
        """An account with two-factor sign-in half set up: something for a reset to undo."""
        user = self.make.user()
        two_factor.start_enrolment(user)
        db.session.commit()
        return user.id

    def reset_link_token(self) -> str:
        """A new-password link of an account of its own, which the POST then uses."""
        from proeftuin.auth.password_reset import reset_token

        return reset_token(self.make.member(self.pilot))

    def notification_of_part(self) -> int:
        """A notification of the pilot's participant, which nobody else may open."""
        from proeftuin.notifications import notify

        notify([self.users["part"]], "lesson_published", "/bibliotheek/", lesson="Les")
        db.session.commit()
        return db.session.scalar(sa.select(sa.func.max(Notification.id)))

    def new_subscription(self, confirmed: bool = True):
        """A weekly subscription of an address of its own, which the request may change."""
        subscription = Subscription(
            email=f"volger{next(_invitation_counter)}@voorbeeld.example", language="nl",
            frequency=Frequency.weekly, selection="richting=1", key=secrets.token_hex(16),
            confirmed_at=utcnow() if confirmed else None)
        db.session.add(subscription)
        db.session.commit()
        return subscription

    def subscription_link_token(self) -> str:
        return manage_token(self.new_subscription())

    def confirmation_link_token(self) -> str:
        return confirm_token(self.new_subscription(confirmed=False), Frequency.weekly)

    def new_account_email(self) -> str:
        """The address of an account of its own: each request is its own address's first."""
        return self.make.member(self.pilot).email

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

    def reuse_by_other_pilot(self) -> int:
        """A report that the other pilot reused the published lesson, whose three-month
        question is due today."""
        from proeftuin.reuse import services as reuse_services  # noqa: PLC0415

        lesson = db.session.get(Lesson, self.published_lesson_id)
        reuse = reuse_services.report_reuse(
            lesson, self.other_pilot, how="We namen het gesprek over.",
            outcome="Minder uitval.", by=self.users["other"])
        reuse.follow_ups[0].due_on = date.today() - timedelta(days=1)
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

    def new_cohort_date(self, kind: CohortDateKind = CohortDateKind.session) -> int:
        """A date on the calendar of the world's call, for a request that changes it."""
        return self.make.cohort_date(db.session.get(Call, self.call_id), kind).id

    def calendar_feed_token(self) -> str:
        """The secret token of the feed of the world's call."""
        return feed_token(db.session.get(Call, self.call_id))

    def _assessor(self, email: str, accepted_by=None, call_id: int | None = None):
        """An invitation to assess the world's call (or another), made as `assessors.invite`
        makes one but without its e-mail; accepted by `accepted_by` if given."""
        now = utcnow()
        assessor = CallAssessor(call_id=call_id or self.call_id, email=email.lower(),
                                name="Beoordelaar", nonce=secrets.token_urlsafe(16),
                                invited_by=self.users["fac"], invited_at=now,
                                expires_at=now + timedelta(days=14),
                                user=accepted_by, accepted_at=now if accepted_by else None)
        db.session.add(assessor)
        db.session.commit()
        return assessor

    def assessor_invitation_for_current(self) -> str:
        """A link inviting the person asking (a new address for the visitor) to assess a
        new call of the programme; in the states of a link that can no longer be used, it
        is that, and in the state "decided" its call is decided."""
        email = (self.current.email if self.current
                 else f"beoordelaar{next(_invitation_counter)}@voorbeeld.example")
        invitation = self._assessor(email, call_id=self.new_call())
        if self.state == "decided":
            invitation.call.decided_at = utcnow()
        elif self.state == "revoked":
            invitation.revoked_at = utcnow()
        elif self.state == "used":
            invitation.accepted_at = utcnow()
        elif self.state == "expired":
            invitation.expires_at = utcnow() - timedelta(minutes=1)
        db.session.commit()
        return assessor_token(invitation)

    def new_assessor(self) -> int:
        """A pending invitation to assess the world's call, for a request that revokes it."""
        return self._assessor(f"beoordelaar{next(_invitation_counter)}@voorbeeld.example").id

    def new_application(self) -> int:
        """An application to the world's call, waiting for a decision."""
        self.deciding = self.make.application(db.session.get(Call, self.call_id)).id
        return self.deciding

    def score_form(self) -> dict:
        """A score and a note on every criterion of the world's call."""
        criteria = db.session.get(Call, self.call_id).criteria
        return {field: value for c in criteria
                for field, value in ((f"score_{c.id}", "4"), (f"note_{c.id}", "Sterk team."))}

    def new_closed_call(self) -> int:
        """A call of the programme that has closed with no application waiting."""
        return self.make.call(self.programme, opens_in=-60, closes_in=-1).id

    def new_call(self) -> int:
        """An open call of the programme, for a request that closes it."""
        return self.make.call(self.programme).id

    def new_pilot(self) -> str:
        """Another pilot of the programme in the world's status, for a status change."""
        return self.make.pilot(programme=self.programme, status=self.status).slug


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
    "workspace.resend_invitation": lambda w: {"slug": w.slug, "invitation_id": w.new_invitation()},
    "mailbox.show": lambda w: {"message_id": w.new_message()},
    "notifications.open_one": lambda w: {"notification_id": w.notification_of_part()},
    "auth.reset_password": lambda w: {"token": w.reset_link_token()},
    "following.confirm": lambda w: {"token": w.confirmation_link_token()},
    "following.manage": lambda w: {"token": w.subscription_link_token()},
    "following.unsubscribe": lambda w: {"token": w.subscription_link_token()},
    "mailbox.html": lambda w: {"message_id": w.new_message()},
    "admin.resend_message": lambda w: {"message_id": w.new_message(MessageStatus.failed)},
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
    "reuse.follow_up": lambda w: {"reuse_id": w.reuse_by_other_pilot(), "months": 3},
    "dashboard.pilot": _pilot,
    "dashboard.change_status": lambda w: {"slug": w.new_pilot()},
    "dashboard.progress": _pilot,
    "programmes.call": lambda w: {"call_id": w.call_id},
    "programmes.edit_call": lambda w: {"call_id": w.call_id},
    "programmes.close_call": lambda w: {"call_id": w.new_call()},
    "programmes.calendar": lambda w: {"call_id": w.call_id},
    "programmes.new_calendar_date": lambda w: {"call_id": w.call_id},
    "programmes.edit_calendar_date": lambda w: {"call_id": w.call_id,
                                                "date_id": w.new_cohort_date()},
    "programmes.delete_calendar_date": lambda w: {"call_id": w.call_id,
                                                  "date_id": w.new_cohort_date()},
    "programmes.session_report": lambda w: {"call_id": w.call_id,
                                            "date_id": w.new_cohort_date()},
    "assessment.call": lambda w: {"call_id": w.call_id},
    "assessment.application": lambda w: {"call_id": w.call_id, "pilot_id": w.application_id},
    "assessment.declare_conflict": lambda w: {"call_id": w.call_id,
                                              "pilot_id": w.application_id},
    "assessment.accept_invitation": lambda w: {"token": w.assessor_invitation_for_current()},
    "programmes.assessment_overview": lambda w: {"call_id": w.call_id},
    "programmes.invite_assessor": lambda w: {"call_id": w.call_id},
    "programmes.revoke_assessor": lambda w: {"call_id": w.call_id,
                                             "assessor_id": w.new_assessor()},
    "programmes.decide": lambda w: {"call_id": w.call_id, "pilot_id": w.new_application()},
    "programmes.close_assessment": lambda w: {"call_id": w.new_closed_call()},
    "calendar_feed.feed": lambda w: {"token": w.calendar_feed_token()},
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
    ("auth.forgot_password", "POST"): lambda w: {"email": w.new_account_email()},
    ("following.follow", "POST"): lambda w: {"email": w.new_account_email(),
                                             "frequency": "weekly"},
    ("following.manage", "POST"): lambda w: {"frequency": "monthly"},
    ("auth.reset_password", "POST"): lambda w: {"new_password": NEW_PASSWORD,
                                                "new_password_repeat": NEW_PASSWORD},
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
    ("notifications.preferences", "POST"): lambda w: dict.fromkeys(
        NOTIFICATION_KINDS, ("daily", "site")[w.n % 2]),
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
    ("reuse.follow_up", "POST"): lambda w: {"verdict": "adapted",
                                            "text": f"We deden het in {w.n} wijken anders."},
    ("admin.delete_user", "POST"): lambda w: {"confirm_email": w.deletable.email},
    ("dashboard.change_status", "POST"): lambda w: {"to": NEXT_STATUS[w.status].value,
                                                    "reason": "Besloten in het overleg."},
    ("programmes.new_calendar_date", "POST"): lambda w: date_form(title=f"Leersessie {w.n}"),
    ("programmes.edit_calendar_date", "POST"): lambda w: date_form(title=f"Leersessie {w.n}"),
    ("programmes.session_report", "POST"): lambda w: {"report": f"Verslag {w.n}"},
    ("assessment.application", "POST"): lambda w: w.score_form(),
    ("assessment.declare_conflict", "POST"): lambda w: {"note": "Ik ken de coördinator."},
    ("assessment.accept_invitation", "POST"): lambda w: {} if w.current else {
        "name": "Nieuwe Beoordelaar", "password": NEW_PASSWORD,
        "password_repeat": NEW_PASSWORD},
    ("programmes.invite_assessor", "POST"): lambda w: {
        "name": "Externe Beoordelaar", "email": f"extern{w.n}@beoordeling.example"},
    ("programmes.decide", "POST"): lambda w: {
        f"besluit-{w.deciding}-outcome": "declined",
        f"besluit-{w.deciding}-reason": "Er waren meer aanmeldingen dan plaatsen."},
    ("programmes.new_call", "POST"): lambda w: call_form(w.programme, title=f"Ronde {w.n}"),
    ("programmes.edit_call", "POST"): lambda w: call_form(w.programme, programme_id=None,
                                                         title=f"Ronde {w.n}"),
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
def _with_a_notification(user) -> None:
    from proeftuin.notifications import notify

    notify([user], "lesson_published", "/bibliotheek/", lesson="Les")
    db.session.commit()


PREPARE: dict[str, Callable] = {
    "notifications.mark_all_read": _with_a_notification,
    "auth.setup_two_factor": _enrolling,
    "auth.regenerate_recovery_codes": _with_two_factor,
    "auth.disable_two_factor": _with_two_factor,
}


#: (endpoint, method) → the table an allowed POST must write to (add, change or remove a row)
WRITES: dict[tuple[str, str], str] = {
    ("pilots.apply", "POST"): "pilot",
    ("reuse.report", "POST"): "lesson_reuse",
    ("reuse.hide", "POST"): "lesson_reuse",
    ("reuse.follow_up", "POST"): "reuse_follow_up",
    ("reuse.unhide", "POST"): "lesson_reuse",
    ("auth.change_password", "POST"): "user_account",
    ("auth.forgot_password", "POST"): "outbox_message",
    ("following.follow", "POST"): "subscription",
    ("following.confirm", "POST"): "subscription",
    ("following.manage", "POST"): "subscription",
    ("following.unsubscribe", "POST"): "subscription",
    ("auth.reset_password", "POST"): "user_account",
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
    ("workspace.resend_invitation", "POST"): "outbox_message",
    ("admin.resend_message", "POST"): "outbox_message",
    ("notifications.mark_all_read", "POST"): "notification",
    ("notifications.preferences", "POST"): "notification_preference",
    ("cases.new", "POST"): "case_discussion",
    ("cases.edit", "POST"): "case_discussion",
    ("cases.delete", "POST"): "case_discussion",
    ("lessons.new", "POST"): "lesson",
    ("lessons.edit", "POST"): "lesson",
    ("lessons.submit", "POST"): "lesson",
    ("lessons.review", "POST"): "lesson_review",
    ("lessons.withdraw", "POST"): "lesson",
    ("dashboard.change_status", "POST"): "pilot_status_change",
    ("programmes.new_call", "POST"): "application_call",
    ("programmes.edit_call", "POST"): "application_call",
    ("programmes.close_call", "POST"): "application_call",
    ("programmes.new_calendar_date", "POST"): "cohort_date",
    ("assessment.application", "POST"): "application_score",
    ("assessment.declare_conflict", "POST"): "assessment_conflict",
    ("assessment.accept_invitation", "POST"): "call_assessor",
    ("programmes.invite_assessor", "POST"): "call_assessor",
    ("programmes.revoke_assessor", "POST"): "call_assessor",
    ("programmes.decide", "POST"): "call_decision",
    ("programmes.close_assessment", "POST"): "application_call",
    ("programmes.edit_calendar_date", "POST"): "cohort_date",
    ("programmes.delete_calendar_date", "POST"): "cohort_date",
    ("programmes.session_report", "POST"): "cohort_date",
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
    "main.set_language": "the language is kept in the browser's session (and, for someone"
                         " signed in, in the account, when it changes)",
    "auth.login": "signing in adds a session only (user_session, which any request may touch)",
    "auth.logout": "signing out ends the session only",
    # Nobody in the matrix is between the password and the code; test_two_factor.py signs in
    # with a code and a recovery code and sets two-factor sign-in up during sign-in.
    "auth.two_factor_code": "mid-sign-in only; someone signed in goes on to their start page",
    "auth.two_factor_recovery": "mid-sign-in only; someone signed in goes on to their start page",
    "auth.enrol_two_factor": "mid-sign-in only; someone signed in goes on to their start page",
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


#: routes that answer with a policy of their own, and why
OWN_POLICY = {
    "mailbox.html": "development only: a message's HTML with its inline styles and nothing"
                    " else, framed in a sandbox by its own page (tests/test_messaging.py)",
}


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
            f" MATRIX_TEXT in {__name__.replace('.', '/')}.py, replacing each '?' by what"
            " docs/permissions.md says that person should get:\n\n"
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


PERMISSIONS_DOC = Path(__file__).resolve().parents[1] / "docs" / "permissions.md"


def test_the_rows_cite_every_rule_of_the_permissions_page_and_no_other():
    rules = set(re.findall(r"^\| ([A-Z][0-9]+) \|", PERMISSIONS_DOC.read_text(), re.MULTILINE))
    cited = {
        rule
        for line in (MATRIX_TEXT + STATUS_MATRIX_TEXT).splitlines()
        if (match := re.match(r"# ((?:[A-Z][0-9]+, )*[A-Z][0-9]+):", line.strip()))
        for rule in match[1].split(", ")
    }
    assert rules, "docs/permissions.md lists no rules"
    assert not cited - rules, f"the matrix cites rules docs/permissions.md lacks: {cited - rules}"
    assert not rules - cited, f"no row checks these rules of docs/permissions.md: {rules - cited}"


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


def ask_everyone(app: Flask, w: World, endpoint: str, rows: dict[str, dict[str, str]]):
    """Send each method of the endpoint as each person; return what disagrees with the rows.

    Returns the problems found, what each person got per method, and the URL per method.
    """
    app.jinja_env.bytecode_cache = COMPILED_TEMPLATES
    clients = {role: signed_in_client(app, w.users[role], n) for n, role in enumerate(ROLES)}
    mismatches, actual_rows, urls = [], {}, {}
    for method in sorted(rows, key=method_rank):
        expected = rows[method]
        actual_rows[method] = {}
        for role in ROLES:
            w.n += 1
            w.current = w.users[role]
            if w.current is not None and endpoint in PREPARE:
                PREPARE[endpoint](w.current)
            url = urls[method] = url_for(endpoint, **URL_VALUES.get(endpoint, lambda w: {})(w))
            data = POST_DATA.get((endpoint, method), lambda w: {})(w)
            before = database_state() if method != "GET" else None
            response = clients[role].open(url, method=method, data=data)
            # A streamed or file download must finish, and its file close, inside the test.
            response.get_data()
            response.close()
            actual = actual_rows[method][role] = classify(response)
            who = f"  {method:<5} {role:<6} ({ROLES[role]})"
            # Every answer of every route, to everyone, carries the security headers too.
            mismatches += [f"{who}: {problem}" for problem in header_problems(response)
                           if endpoint not in OWN_POLICY]
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
    return mismatches, actual_rows, urls


def fail_with(title: str, mismatches, rows_text: list[tuple[str, str]]) -> None:
    pytest.fail(
        f"{title}:\n" + "\n".join(mismatches)
        + "\n\nRows in the matrix, then what the app did:\n"
        + "\n".join(f"  {label}: {text}" for label, text in rows_text)
        + "\n\nIf the app is wrong, fix proeftuin/permissions.py or the route; if the row is"
        " wrong, correct it from docs/permissions.md, not from what the app does.",
        pytrace=False,
    )


@pytest.mark.parametrize("endpoint", sorted({endpoint for endpoint, _ in MATRIX}))
def test_route_answers_each_role_as_the_matrix_says(app, make, endpoint):
    rules = rules_of(app, endpoint)
    if not rules:
        pytest.fail(f"{endpoint} is in the authorisation matrix but no longer a route: "
                    "delete its rows from MATRIX_TEXT.")
    rows = {method: cells for (e, method), cells in MATRIX.items() if e == endpoint}
    gone = [m for m in rows if m not in rules[0].methods]
    if gone:
        pytest.fail(f"{endpoint} no longer answers {', '.join(gone)}: delete those rows from"
                    " MATRIX_TEXT.", pytrace=False)
    mismatches, actual_rows, urls = ask_everyone(app, World(make), endpoint, rows)
    if mismatches:
        fail_with(f"{endpoint} does not keep to the authorisation matrix", mismatches, [
            (label, row_text(endpoint, m, cells) + (f"   # {urls[m]}" if label == "app" else ""))
            for m in sorted(rows, key=method_rank)
            for label, cells in (("table", rows[m]), ("app  ", actual_rows[m]))
        ])


@pytest.mark.parametrize("endpoint, state", sorted({(e, state) for e, _, state in STATUS_MATRIX}))
def test_route_answers_each_role_as_the_status_matrix_says(app, make, endpoint, state):
    assert state in STATES, f"STATUS_MATRIX_TEXT: unknown state {state!r}; use one of {list(STATES)}"
    rows = {method: cells for (e, method, s), cells in STATUS_MATRIX.items()
            if (e, s) == (endpoint, state)}
    mismatches, actual_rows, urls = ask_everyone(app, World(make, state), endpoint, rows)
    if mismatches:
        fail_with(f"{endpoint}, {STATES[state]}, does not keep to the status matrix", mismatches, [
            (label, row_text(endpoint, m, cells) + (f"   # {urls[m]}" if label == "app" else ""))
            for m in sorted(rows, key=method_rank)
            for label, cells in (("table", rows[m]), ("app  ", actual_rows[m]))
        ])
