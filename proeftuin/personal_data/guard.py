"""The personal-data guard of a form: scan every free text before it is saved.

A route calls `check_if_valid(form, record_type, record_id)`, which validates the form and
then scans it (or `check`, to scan what was posted whatever else is wrong with it), and saves
only when `may_save`. When text holds findings the writer has not confirmed, the check adds an
error to each such field and the route shows the form again; the template marks every finding
in place (`marked`) with its explanation and a box to tick for "this is not personal data".
Ticked boxes come back as fingerprints in the `not_personal` field. The route passes the
review to the service that saves, and the service's `record_confirmations` stores them in the
same flush as the change, so the same finding in the same record is never asked about again.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from functools import cache

import sqlalchemy as sa
from flask import current_app
from flask_babel import lazy_gettext as _l
from markupsafe import Markup, escape
from wtforms import Field, FieldList, FormField, SelectMultipleField, StringField, TextAreaField
from wtforms.validators import ValidationError

from proeftuin import reference
from proeftuin.extensions import db
from proeftuin.models import PilotOrganisation, PrivacyConfirmation, Programme, User
from proeftuin.personal_data import detection, names

#: a fingerprint is 64 hex digits; more boxes than this in one post is not a person typing
MAX_CONFIRMATIONS = 200
#: a finding this many writers of one pilot confirmed as 'not personal data', in any of the
#: pilot's records, is asked about no more in that pilot: a local organisation or a place the
#: lists do not know. Only within the pilot, whose members read each other's texts anyway:
#: shared more widely, it would tell one pilot what another pilot's private texts hold.
SHARED_CONFIRMATIONS = 2


def fingerprint_key() -> bytes:
    """Derive the fingerprint key from the site's secret, apart from every other use of it."""
    secret = current_app.config["SECRET_KEY"]
    if isinstance(secret, str):
        secret = secret.encode()
    return hmac.new(secret, b"proeftuin privacy fingerprint", hashlib.sha256).digest()


class NotPersonalField(SelectMultipleField):
    """The fingerprints of findings the writer ticked as 'not personal data'.

    Rendered by the guard's template macro beside each finding, not on its own. Any value is
    accepted here; only a value that matches a finding in the text as posted counts.
    """

    def pre_validate(self, form):
        if len(self.data or ()) > MAX_CONFIRMATIONS:
            raise ValidationError(_l("Te veel bevestigingen in één keer."))


@dataclass
class Mark:
    """One finding in one field, with what the form needs to show and confirm it."""

    finding: detection.Finding
    fingerprint: str
    #: confirmed on an earlier save of this record
    stored: bool
    #: ticked in the form as posted
    ticked: bool
    #: the id of the checkbox that confirms it, unique on the page
    box_id: str
    #: confirmed as not personal by other writers of the pilot
    shared: bool = False

    @property
    def confirmed(self) -> bool:
        return self.stored or self.ticked or self.shared


@dataclass
class Review:
    """What the guard found in a form, per field, for a record of this type."""

    record_type: str
    marks: dict[str, list[Mark]] = field(default_factory=dict)
    #: the pilot the record belongs to, whose confirmations count and which stores them
    pilot_id: int | None = None

    @property
    def blocking(self) -> bool:
        """Whether any finding is neither changed nor confirmed: the text may not be saved."""
        return any(not m.confirmed for marks in self.marks.values() for m in marks)

    def confirmed_marks(self) -> list[Mark]:
        """What this writer confirmed: ticked now or stored before, not what others did."""
        return [m for marks in self.marks.values() for m in marks if m.stored or m.ticked]

    def for_field(self, form_field: Field) -> list[Mark]:
        return self.marks.get(form_field.id, [])


def text_fields(form) -> Iterator[Field]:
    """Yield every free-text field of a form, also those inside lists of sub-forms."""
    for form_field in form:
        if isinstance(form_field, FieldList):
            for entry in form_field.entries:
                if isinstance(entry, FormField):
                    yield from text_fields(entry.form)
                elif isinstance(entry, StringField | TextAreaField):
                    yield entry
        elif isinstance(form_field, FormField):
            yield from text_fields(form_field.form)
        elif isinstance(form_field, StringField | TextAreaField) and form_field.type not in (
            "CSRFTokenField", "HiddenField", "EmailField", "PasswordField", "NumberField",
        ):
            # A number is typed into a text box, yet 123456782 is a measure's value, not a
            # citizen service number: there is nothing in it to confirm.
            yield form_field


def confirmed_fingerprints(record_type: str, record_id: int | None) -> set[str]:
    """Return the fingerprints already confirmed for this record."""
    if record_id is None:
        return set()
    return set(db.session.scalars(
        sa.select(PrivacyConfirmation.fingerprint).where(
            PrivacyConfirmation.record_type == record_type,
            PrivacyConfirmation.record_id == record_id,
        )
    ))


def allowlist(pilot=None, also: Iterable[str] = ()) -> names.Allowlist:
    """What the writer may name: regions, the framework's words, the programmes, and the
    pilot's own name, municipality and organisations (two queries, one without a pilot)."""
    phrases = [*also, *db.session.scalars(sa.select(Programme.name))]
    if pilot is not None:
        phrases += [pilot.name, pilot.municipality]
        phrases += db.session.scalars(
            sa.select(PilotOrganisation.name).where(PilotOrganisation.pilot_id == pilot.id)
        )
    return names.Allowlist.joined(_reference_allowlist(), names.Allowlist.of(phrases))


def own_names(form) -> list[str]:
    """The names a form gives the pilot, its municipality and its organisations: the pilot's
    own words, which its texts may use (an application, the profile, an organisation)."""
    fields = [getattr(form, name, None) for name in ("name", "municipality")]
    rows = getattr(form, "organisations", None)
    if isinstance(rows, FieldList):
        fields += [getattr(entry.form, "name", None) for entry in rows.entries
                   if isinstance(entry, FormField)]
    return [f.data for f in fields if f is not None and isinstance(f.data, str) and f.data]


@cache
def _reference_allowlist() -> names.Allowlist:
    """The reference data's regions and the framework's words, once per process."""
    data = reference.framework()
    phrases = [name for names_ in data["regions"].values() for name in names_]
    for group in data.values():
        if isinstance(group, list):
            phrases += [item[lang] for item in group for lang in ("nl", "en") if item.get(lang)]
    return names.Allowlist.of(phrases)


def shared_confirmations(fingerprints: Iterable[str], pilot_id: int | None) -> set[str]:
    """The fingerprints that several writers of the pilot confirmed as not personal data."""
    fingerprints = set(fingerprints)
    if not fingerprints or pilot_id is None:
        return set()
    return set(db.session.scalars(
        sa.select(PrivacyConfirmation.fingerprint)
        .where(PrivacyConfirmation.pilot_id == pilot_id,
               PrivacyConfirmation.fingerprint.in_(fingerprints))
        .group_by(PrivacyConfirmation.fingerprint)
        .having(sa.func.count(sa.distinct(PrivacyConfirmation.confirmed_by_id))
                >= SHARED_CONFIRMATIONS)
    ))


def check(form, record_type: str, record_id: int | None = None, *, pilot=None,
          only: Iterable[str] | None = None, also_allowed: Iterable[str] = ()) -> Review:
    """Scan the form's free text; add an error to every field with unconfirmed findings.

    `pilot` lets the writer name the pilot's own organisations and municipality; `only` limits
    the scan to these field names (a form that asks for a contact's name on purpose);
    `also_allowed` adds phrases of the form itself, such as the organisations it lists.
    """
    confirmed = confirmed_fingerprints(record_type, record_id)
    ticked = set(form.not_personal.data or ()) if hasattr(form, "not_personal") else set()
    review = Review(record_type, pilot_id=pilot.id if pilot is not None else None)
    fields = [f for f in text_fields(form) if only is None or f.name in only]
    review.marks = _marks(
        {f.id: f.data or "" for f in fields}, confirmed, ticked,
        lambda: allowlist(pilot, also_allowed), review.pilot_id,
    )
    for form_field in fields:
        open_ = [m for m in review.for_field(form_field) if not m.confirmed]
        if open_:
            kinds = ", ".join(dict.fromkeys(str(m.finding.label) for m in open_))
            form_field.errors = [*form_field.errors, _l(
                "Mogelijk persoonsgegevens: %(kinds)s. Pas de tekst aan, of vink hieronder aan "
                "dat het geen persoonsgegeven is.", kinds=kinds)]
    _note_row_errors(form)
    return review


def _marks(texts: dict[str, str], confirmed: set[str], ticked: set[str],
           make_allowlist: Callable[[], names.Allowlist],
           pilot_id: int | None) -> dict[str, list[Mark]]:
    """Scan texts by id; return the marks of those with findings, with their confirmations."""
    key = fingerprint_key()
    # Two queries for every form, rather than a second scan for every form with findings.
    allow = make_allowlist() if any(texts.values()) else None
    found = {text_id: detection.scan(text, allow=allow) for text_id, text in texts.items()}
    prints = {
        id(finding): detection.fingerprint(finding, key=key)
        for findings in found.values() for finding in findings
    }
    shared = shared_confirmations(prints.values(), pilot_id)
    marks = {}
    for text_id, findings in found.items():
        if findings:
            marks[text_id] = [
                Mark(finding, prints[id(finding)], stored=prints[id(finding)] in confirmed,
                     ticked=prints[id(finding)] in ticked, box_id=f"{text_id}-finding-{number}",
                     shared=prints[id(finding)] in shared)
                for number, finding in enumerate(findings, start=1)
            ]
    return marks


@dataclass
class PublicText:
    """One text of a record that will be public, with everything the guard finds in it."""

    id: str
    label: str
    text: str
    marks: list[Mark]


def public_texts(record_type: str, record_id: int, texts: Iterable[tuple[str, str, str]],
                 pilot=None) -> list[PublicText]:
    """Every finding in a record's public texts, confirmed or not: what a reviewer reads
    before publishing. `texts` are (id, label, text)."""
    texts = [(text_id, label, text or "") for text_id, label, text in texts]
    marks = _marks({text_id: text for text_id, _label, text in texts},
                   confirmed_fingerprints(record_type, record_id), set(),
                   lambda: allowlist(pilot), pilot.id if pilot is not None else None)
    return [PublicText(text_id, label, text, marks.get(text_id, []))
            for text_id, label, text in texts]


def check_if_valid(form, record_type: str, record_id=None, **options) -> Review | None:
    """Validate a posted form, then `check` it; None when no valid form was posted.

    `record_id` may be a function, for a record that validation finds (a month's value).
    """
    if not form.validate_on_submit():
        return None
    return check(form, record_type, record_id() if callable(record_id) else record_id,
                 **options)


def may_save(review: Review | None) -> bool:
    """Whether a form that was posted valid holds no unconfirmed personal data."""
    return review is not None and not review.blocking


def _note_row_errors(form) -> None:
    # A list of sub-forms reports its rows' errors only as validation left them; the error
    # summary looks into the list only when the list itself says it has errors.
    for form_field in form:
        if isinstance(form_field, FieldList):
            row_errors = [entry.errors for entry in form_field.entries]
            if any(row_errors):
                own = [e for e in form_field.errors if isinstance(e, str)]
                form_field.errors = row_errors + own


def record_confirmations(review: Review | None, record_id: int, user: User) -> None:
    """Store the writer's confirmations that are not stored yet for this record.

    Services call this with the review their route passed in, once the record has its id;
    without a review (a change made by a command or the demo data) there is nothing to store.
    """
    if review is None:
        return
    record_type = review.record_type
    known = confirmed_fingerprints(record_type, record_id)
    for mark in review.confirmed_marks():
        if mark.fingerprint in known:
            continue
        known.add(mark.fingerprint)
        db.session.add(PrivacyConfirmation(
            record_type=record_type, record_id=record_id, fingerprint=mark.fingerprint,
            kind=mark.finding.kind.value, confirmed_by_id=user.id, pilot_id=review.pilot_id,
        ))
    db.session.flush()


def marked(text: str, marks: list[Mark]) -> Markup:
    """The text, escaped, with every finding wrapped in <mark> and named for screen readers."""
    parts: list[str] = []
    position = 0
    for number, mark in enumerate(marks, start=1):
        finding = mark.finding
        parts.append(escape(text[position:finding.start]))
        parts.append(Markup(
            '<mark id="{id}-text" class="privacy-mark{confirmed}">'
            '<span class="visually-hidden">{start} </span>{body}'
            '<span class="visually-hidden"> {end}</span></mark>'
        ).format(
            id=mark.box_id, body=finding.text,
            confirmed=" privacy-mark--confirmed" if mark.confirmed else "",
            start=_l("[begin vondst %(number)d, %(label)s:", number=number,
                     label=finding.label),
            end=_l("einde vondst %(number)d]", number=number),
        ))
        position = finding.end
    parts.append(escape(text[position:]))
    return Markup("").join(parts)
