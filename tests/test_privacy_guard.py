"""The personal-data guard of forms: findings block a save until changed or confirmed."""

from __future__ import annotations

from flask_wtf import FlaskForm
from werkzeug.datastructures import MultiDict
from wtforms import FieldList, FormField, HiddenField, StringField, TextAreaField
from wtforms import Form as PlainForm

from proeftuin.extensions import db
from proeftuin.models import PrivacyConfirmation
from proeftuin.personal_data import guard
from proeftuin.personal_data import lexicon as lexicon_module
from proeftuin.personal_data.detection import fingerprint, scan
from proeftuin.personal_data.lexicon import lexicon


class _Row(PlainForm):
    action = TextAreaField()
    owner = StringField()


class _Form(FlaskForm):
    title = StringField()
    body = TextAreaField()
    token = HiddenField()
    rows = FieldList(FormField(_Row), min_entries=1)
    not_personal = guard.NotPersonalField(choices=[], validate_choice=False)


def _form(**data):
    return _Form(formdata=MultiDict(data), meta={"csrf": False})


def test_every_text_field_is_scanned_also_inside_rows(ctx):
    form = _form(**{"title": "Overleg", "body": "Bel 06-12345678.", "token": "06-12345678",
                    "rows-0-action": "Mail jan@voorbeeld.nl", "rows-0-owner": "wijkverpleging"})
    review = guard.check(form, "case_discussion")
    assert review.blocking
    assert set(review.marks) == {"body", "rows-0-action"}
    assert form.body.errors and "telefoonnummer" in str(form.body.errors[0])
    assert form.rows.entries[0].form.action.errors
    assert not form.title.errors and not form.token.errors


def test_clean_text_passes(ctx):
    form = _form(body="Mevrouw J. (84) woont alleen; de dochter zorgt.")
    review = guard.check(form, "case_discussion")
    assert not review.blocking and review.marks == {}
    assert not form.body.errors


def test_ticking_the_box_confirms_only_the_finding_it_names(ctx):
    text = "Bel 06-12345678 of mail jan@voorbeeld.nl."
    key = guard.fingerprint_key()
    phone, email = scan(text)
    form = _form(body=text, not_personal=fingerprint(phone, key=key))
    review = guard.check(form, "case_discussion")
    assert review.blocking
    assert [m.confirmed for m in review.marks["body"]] == [True, False]
    assert "e-mailadres" in str(form.body.errors[0]) and "telefoon" not in str(form.body.errors[0])

    form = _form(body=text, not_personal=[fingerprint(phone, key=key), fingerprint(email, key=key)])
    assert not guard.check(form, "case_discussion").blocking


def test_a_forged_fingerprint_confirms_nothing(ctx):
    form = _form(body="Bel 06-12345678.", not_personal="0" * 64)
    assert guard.check(form, "case_discussion").blocking


def test_confirmations_are_stored_once_and_not_asked_again(ctx, make):
    user = make.user()
    text = "Meneer De Vries van de thuiszorg belde."
    key = guard.fingerprint_key()
    (finding,) = scan(text)
    form = _form(body=text, not_personal=fingerprint(finding, key=key))
    review = guard.check(form, "lesson", 7)
    guard.record_confirmations(review, 7, user)
    guard.record_confirmations(review, 7, user)
    db.session.commit()
    (row,) = db.session.scalars(db.select(PrivacyConfirmation)).all()
    assert (row.record_type, row.record_id, row.kind, row.confirmed_by_id) == (
        "lesson", 7, "named_person", user.id)
    assert "Vries" not in row.fingerprint

    again = guard.check(_form(body=text), "lesson", 7)
    assert not again.blocking and again.marks["body"][0].stored
    # A confirmation holds for its own record only.
    assert guard.check(_form(body=text), "lesson", 8).blocking
    assert guard.check(_form(body=text), "case_discussion", 7).blocking


def test_the_fingerprint_key_depends_on_the_secret(app, ctx):
    first = guard.fingerprint_key()
    app.config["SECRET_KEY"] = "another secret"
    assert guard.fingerprint_key() != first
    assert app.config["SECRET_KEY"].encode() not in first


def test_too_many_confirmations_are_refused(ctx):
    form = _form(body="x", not_personal=[f"{n:064x}" for n in range(201)])
    assert not form.validate()
    assert form.not_personal.errors


def test_marked_text_escapes_and_marks_each_finding(ctx):
    text = "<b>Bel</b> 06-12345678 & mail jan@voorbeeld.nl"
    form = _form(body=text)
    review = guard.check(form, "case_discussion")
    html = str(guard.marked(text, review.marks["body"]))
    assert "<b>" not in html and "&lt;b&gt;Bel&lt;/b&gt;" in html and "&amp; mail" in html
    assert html.count('<mark id="body-finding-') == 2
    assert '06-12345678<span class="visually-hidden">' in html
    assert "begin vondst 1, telefoonnummer" in html and "einde vondst 2" in html


# --- what the writer may name, and what several writers confirmed (issue 17) ---


def test_the_pilot_s_own_organisations_and_municipality_are_no_names(ctx, make):
    pilot = make.pilot(municipality="Wessemveld")
    pilot.organisations[0].name = "Tesfay Ghebre Zorg"
    other = make.pilot()
    db.session.flush()
    text = "Tesfay Ghebre Zorg in Wessemveld bespreekt de casus."
    assert not guard.check(_form(body=text), "lesson", pilot=pilot).blocking
    # The same words in another pilot's text are asked about.
    assert guard.check(_form(body=text), "lesson", pilot=other).blocking


def test_a_finding_other_writers_of_the_pilot_confirmed_is_asked_about_no_more(ctx, make):
    pilot, other = make.pilot(), make.pilot()
    text = "Het buurthuis van Tesfay Ghebre is op dinsdag open."
    key = guard.fingerprint_key()
    (finding,) = [f for f in scan(text) if f.kind.value == "named_person"]
    writers = [make.user() for _ in range(guard.SHARED_CONFIRMATIONS)]

    def confirm(writer, record_id):
        form = _form(body=text, not_personal=fingerprint(finding, key=key))
        review = guard.check(form, "lesson", record_id, pilot=pilot)
        guard.record_confirmations(review, record_id, writer)
        db.session.commit()

    # One writer confirming in several records is still one writer.
    for record_id in (1, 2, 3):
        confirm(writers[0], record_id)
    assert guard.check(_form(body=text), "case_discussion", 99, pilot=pilot).blocking
    for number, writer in enumerate(writers[1:], start=10):
        confirm(writer, number)
    review = guard.check(_form(body=text), "case_discussion", 99, pilot=pilot)
    assert not review.blocking and review.marks["body"][0].shared
    # Not in another pilot, whose writers must not learn what this pilot's texts hold.
    assert guard.check(_form(body=text), "case_discussion", 99, pilot=other).blocking
    # What others confirmed is not stored as this writer's own confirmation.
    stored = db.session.scalar(db.select(db.func.count()).select_from(PrivacyConfirmation))
    guard.record_confirmations(review, 99, make.user())
    assert db.session.scalar(
        db.select(db.func.count()).select_from(PrivacyConfirmation)) == stored
    assert {row.pilot_id for row in db.session.scalars(db.select(PrivacyConfirmation))} == {
        pilot.id}


def test_public_texts_show_every_finding_confirmed_or_not(ctx, make):
    pilot = make.pilot()
    key = guard.fingerprint_key()
    (named,) = scan("Mevrouw Jansen")
    db.session.add(PrivacyConfirmation(record_type="lesson", record_id=5, kind="named_person",
                                       fingerprint=fingerprint(named, key=key)))
    db.session.flush()
    texts = guard.public_texts("lesson", 5, [
        ("public-title", "Titel", "Een les over respijtzorg"),
        ("public-body", "De les", "Mevrouw Jansen belde. Haar zoon Ahmed ook."),
    ], pilot=pilot)
    assert [t.marks for t in texts][0] == []
    body = texts[1]
    assert [(m.finding.text, m.confirmed) for m in body.marks] == [
        ("Mevrouw Jansen", True), ("Ahmed", False)]


def test_the_word_lists_from_the_child_process_are_those_built_here():
    # The worker keeps the child's lists; a street hash that differed between processes
    # (Python's own `hash` of a string does) would make every street unknown.
    from_child = lexicon()
    assert from_child == lexicon_module.build()
    assert lexicon_module.is_street(from_child, "kalverstraat")
    assert not lexicon_module.is_street(from_child, "geen straat van deze naam")


def test_the_word_lists_are_built_here_when_the_child_process_fails(monkeypatch):
    def failing(*args, **kwargs):
        raise RuntimeError("no child processes here")

    monkeypatch.setattr(lexicon_module.child_process, "built_in_child", failing)
    built = lexicon.__wrapped__()
    assert "kalverstraat" not in built.first_names
    assert lexicon_module.is_street(built, "kalverstraat")
