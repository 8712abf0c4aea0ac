"""Every route the personal-data guard protects, edit routes included: a finding that the
writer has not confirmed returns the form, marks it, and saves nothing at all.

Each row posts the authorisation matrix's valid form (which a control post shows does save)
with a phone number in one free-text field. A form that carries the guard's "not personal
data" boxes (a NotPersonalField) without a row here fails the suite.
"""

from __future__ import annotations

import importlib
import inspect
import pkgutil

import pytest
from flask import url_for
from flask_wtf import FlaskForm
from wtforms.fields.core import UnboundField

from proeftuin.cases.forms import CaseForm
from proeftuin.lessons.forms import LessonForm
from proeftuin.measures.forms import ExperimentForm, MeasureForm, ValueForm
from proeftuin.personal_data.guard import NotPersonalField
from proeftuin.pilots.forms import ApplicationForm
from proeftuin.reuse.forms import FollowUpForm, ReuseForm
from proeftuin.workspace.forms import DirectionForm, OrganisationForm, ProfileForm
from tests.test_authorization_matrix import (
    POST_DATA,
    URL_VALUES,
    World,
    database_changes,
    database_state,
    signed_in_client,
)

#: the personal data typed into the field: a mobile number the guard must stop
PHONE = "Bel haar op 06-12345678."

#: endpoint -> (its form, the free-text field given the number, who posts)
GUARDED = {
    "workspace.direction": (DirectionForm, "task", "coord"),
    "workspace.profile": (ProfileForm, "results", "coord"),
    "workspace.organisations": (OrganisationForm, "name", "coord"),
    "workspace.edit_organisation": (OrganisationForm, "name", "coord"),
    "pilots.apply": (ApplicationForm, "theme", "anon"),
    "cases.new": (CaseForm, "situation", "coord"),
    "cases.edit": (CaseForm, "situation", "coord"),
    "lessons.new": (LessonForm, "body", "coord"),
    "lessons.edit": (LessonForm, "body", "coord"),
    "reuse.report": (ReuseForm, "how", "other"),
    "reuse.follow_up": (FollowUpForm, "text", "other"),
    "measures.new": (MeasureForm, "description", "coord"),
    "measures.edit": (MeasureForm, "description", "coord"),
    "measures.record": (ValueForm, "note", "coord"),
    "measures.new_experiment": (ExperimentForm, "plan", "coord"),
    "measures.edit_experiment": (ExperimentForm, "do", "coord"),
}


def _post(app, make, endpoint: str, poisoned: bool):
    w = World(make)
    form_class, field, role = GUARDED[endpoint]
    client = signed_in_client(app, w.users[role], 0)
    url = url_for(endpoint, **URL_VALUES.get(endpoint, lambda w: {})(w))
    data = POST_DATA[(endpoint, "POST")](w)
    if poisoned:
        data[field] = PHONE
    before = database_state()
    response = client.post(url, data=data)
    return response, database_changes(before, database_state())


@pytest.mark.parametrize("endpoint", sorted(GUARDED))
def test_an_unconfirmed_finding_returns_the_form_and_saves_nothing(app, make, endpoint):
    response, changes = _post(app, make, endpoint, poisoned=True)
    html = response.get_data(as_text=True)
    assert response.status_code == 200, response.headers.get("Location")
    _, field, _ = GUARDED[endpoint]
    # The number is shown back where it was typed, marked, with a box to confirm it.
    assert f'id="{field}-finding-1"' in html
    assert "06-12345678" in html
    assert changes == []


@pytest.mark.parametrize("endpoint", sorted(GUARDED))
def test_the_same_form_without_the_finding_saves(app, make, endpoint):
    # The control: the rows post forms that save, so the test above can fail.
    response, changes = _post(app, make, endpoint, poisoned=False)
    assert response.status_code in (302, 303), response.get_data(as_text=True)[:500]
    assert changes


def _guarded_forms() -> set[type]:
    """Every form class of the package that carries the guard's confirmation boxes."""
    import proeftuin

    found = set()
    for info in pkgutil.walk_packages(proeftuin.__path__, "proeftuin."):
        if not info.name.endswith("forms"):
            continue
        module = importlib.import_module(info.name)
        for _, value in inspect.getmembers(module, inspect.isclass):
            if issubclass(value, FlaskForm) and any(
                isinstance(attribute, UnboundField) and attribute.field_class is NotPersonalField
                for attribute in vars(value).values()
            ):
                found.add(value)
    return found


def test_every_form_the_guard_protects_has_a_row():
    covered = {form_class for form_class, _, _ in GUARDED.values()}
    guarded = _guarded_forms()
    missing = sorted(form.__name__ for form in guarded - covered)
    assert not missing, f"forms with the guard's boxes but no row in GUARDED: {missing}"
    assert covered <= guarded, "a row names a form the guard no longer protects"
