"""Forms of lessons: writing one, deciding on one, withdrawing one; and their labels."""

from __future__ import annotations

from flask_babel import format_date
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, RadioField, SelectChoice, StringField, TextAreaField
from wtforms.validators import AnyOf, DataRequired, InputRequired, Length, ValidationError

from proeftuin.forms import (
    MultiCheckboxField,
    clean_line,
    clean_text,
    direction_choices,
    markdown_area,
    question_choices,
    reference_choices,
    target_group_choices,
)
from proeftuin.lessons.services import LessonContent
from proeftuin.measures.forms import experiment_label
from proeftuin.models import CaseDiscussion, Experiment, Lesson
from proeftuin.personal_data.guard import NotPersonalField

#: a summary is for lists and search results: one or two sentences
SUMMARY_MAX = 600
#: long enough for careful feedback, short enough to stay feedback
FEEDBACK_MAX = 5000

#: the labels of a lesson's fields, in the order the form and the pages show them
FIELD_LABELS = {
    "title": _l("Titel"),
    "summary": _l("Samenvatting"),
    "context": _l("Context"),
    "body": _l("De les"),
    "advice": _l("Advies voor anderen"),
    "kind": _l("Soort les"),
    "level": _l("Niveau"),
    "evidence": _l("Onderbouwing"),
    "questions": _l("Vraagstukken van de mantelzorger"),
    "directions": _l("Oplossingsrichtingen"),
    "target_groups": _l("Doelgroepen"),
}


class Checkboxes(MultiCheckboxField):
    """Checkboxes that refuse a value not on offer with a message of our own."""

    def __init__(self, *args, invalid_message=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.type = "MultiCheckboxField"  # rendered by the forms macro like any checkbox group
        self.invalid_message = invalid_message or _l("Kies alleen uit de keuzes in de lijst.")

    def pre_validate(self, form):
        offered = {choice[0] for choice in self.iter_choices()}
        if any(value not in offered for value in self.data or ()):
            raise ValidationError(self.invalid_message)

    def process_formdata(self, valuelist):
        try:
            super().process_formdata(valuelist)
        except ValueError:
            self.data = []
            raise ValueError(self.invalid_message) from None


class LessonForm(FlaskForm):
    """A lesson learned, as its writers fill it in."""

    title = StringField(
        FIELD_LABELS["title"],
        validators=[DataRequired(_l("Geef de les een titel.")), Length(max=200)],
        filters=[clean_line],
    )
    summary = TextAreaField(
        FIELD_LABELS["summary"],
        description=_l("Een of twee zinnen: wat is de les? Verschijnt in lijsten en zoekresultaten."),
        validators=[Length(max=SUMMARY_MAX)],
        filters=[clean_text],
    )
    context = markdown_area(FIELD_LABELS["context"],
                            _l("In welke situatie heeft de proeftuin dit geleerd?"))
    body = markdown_area(FIELD_LABELS["body"], _l("Wat heeft de proeftuin geleerd?"))
    advice = markdown_area(FIELD_LABELS["advice"],
                           _l("Wat raadt de proeftuin anderen aan die dit willen toepassen?"))
    kind = RadioField(FIELD_LABELS["kind"],
                      validators=[InputRequired(_l("Kies de soort les."))])
    level = RadioField(FIELD_LABELS["level"], description=_l("Voor wie is de les bedoeld?"),
                       validators=[InputRequired(_l("Kies het niveau van de les."))])
    evidence = RadioField(FIELD_LABELS["evidence"], description=_l("Waarop steunt de les?"),
                          validators=[InputRequired(_l("Kies waarop de les steunt."))])
    questions = Checkboxes(FIELD_LABELS["questions"], coerce=int)
    directions = Checkboxes(FIELD_LABELS["directions"], coerce=int)
    target_groups = Checkboxes(FIELD_LABELS["target_groups"], coerce=int)
    source_cases = Checkboxes(
        _l("Casusbesprekingen waarop de les steunt"), coerce=int,
        description=_l("Alleen de casusbesprekingen van deze proeftuin. Ze blijven besloten: de openbare les toont ze nooit."),
        invalid_message=_l("Kies alleen casusbesprekingen van deze proeftuin."),
    )
    experiments = Checkboxes(
        _l("Experimenten waarop de les steunt"), coerce=int,
        description=_l("Alleen de experimenten van deze proeftuin. Ze blijven besloten: de openbare les toont ze nooit."),
        invalid_message=_l("Kies alleen experimenten van deze proeftuin."),
    )
    not_personal = NotPersonalField(choices=[], validate_choice=False)

    def __init__(self, *args, cases: list[CaseDiscussion] = (),
                 experiments: list[Experiment] = (), **kwargs):
        super().__init__(*args, **kwargs)
        self.kind.choices = reference_choices("lesson_kinds")
        self.level.choices = reference_choices("lesson_levels")
        self.evidence.choices = reference_choices("evidence_bases")
        self.questions.choices = question_choices()
        self.directions.choices = direction_choices()
        self.target_groups.choices = target_group_choices()
        self.source_cases.choices = [SelectChoice(c.id, case_label(c)) for c in cases]
        self.experiments.choices = [SelectChoice(e.id, experiment_label(e)) for e in experiments]


def case_label(case: CaseDiscussion) -> str:
    """Name a case discussion by its title and the day it was held."""
    return f"{case.title} ({format_date(case.held_on, 'long')})"


def lesson_data(lesson: Lesson) -> dict:
    """Return the form's initial values for this lesson."""
    return {
        "title": lesson.title,
        "summary": lesson.summary,
        "context": lesson.context,
        "body": lesson.body,
        "advice": lesson.advice,
        "kind": lesson.kind.value,
        "level": lesson.level.value,
        "evidence": lesson.evidence.value,
        "questions": [q.number for q in lesson.questions],
        "directions": [d.number for d in lesson.directions],
        "target_groups": [t.id for t in lesson.target_groups],
        "source_cases": [c.id for c in lesson.source_cases],
        "experiments": [e.id for e in lesson.experiments],
    }


def data_from_case(case: CaseDiscussion) -> dict:
    """Return initial values for a new lesson drawn from one case discussion."""
    return {
        "source_cases": [case.id],
        "questions": [q.number for q in case.questions],
        "directions": [d.number for d in case.directions],
    }


def content_of(form: LessonForm) -> LessonContent:
    """Return what the valid form holds, as the services take it."""
    return LessonContent(
        title=form.title.data,
        summary=form.summary.data or "",
        context=form.context.data or "",
        body=form.body.data or "",
        advice=form.advice.data or "",
        kind=form.kind.data,
        level=form.level.data,
        evidence=form.evidence.data,
        question_numbers=form.questions.data or [],
        direction_numbers=form.directions.data or [],
        target_group_ids=form.target_groups.data or [],
        case_ids=form.source_cases.data or [],
        experiment_ids=form.experiments.data or [],
    )


class ReviewForm(FlaskForm):
    """A facilitator's decision: publish, with an optional note, or return with feedback."""

    decision = StringField(_l("Besluit"), validators=[
        AnyOf(("publish", "return"), message=_l("Kies publiceren of teruggeven.")),
    ])
    feedback = TextAreaField(
        _l("Feedback voor de schrijvers"),
        description=_l("Verplicht bij teruggeven: wat moet er anders? Bij publiceren kunt u een korte toelichting geven. U kunt Markdown gebruiken."),
        validators=[Length(max=FEEDBACK_MAX, message=_l(
            "Maak de feedback korter: hooguit %(max)d tekens.", max=FEEDBACK_MAX))],
        filters=[clean_text],
    )

    publish_unmapped = BooleanField(
        _l("Toch publiceren, ook al ontbreekt dit"),
        description=_l("Of geef de les terug en vraag de schrijvers haar in het kader te plaatsen."),
    )

    def __init__(self, *args, missing: tuple[str, ...] = (), **kwargs):
        """`missing`: which of "questions" and "directions" the lesson names none of."""
        super().__init__(*args, **kwargs)
        self.missing = missing

    def validate_feedback(self, field):
        """Returning a lesson needs feedback."""
        if self.decision.data == "return" and not (field.data or "").strip():
            raise ValidationError(_l("Schrijf feedback voor de schrijvers: wat moet er anders voordat de les gepubliceerd kan worden?"))

    def validate_publish_unmapped(self, field):
        """A lesson outside the framework is published only when the facilitator chose so."""
        if self.decision.data == "publish" and self.missing and not field.data:
            raise ValidationError(_l("Deze les staat niet in het kader. Vink aan dat u haar toch publiceert, of geef haar terug."))


class WithdrawForm(FlaskForm):
    """Why a public lesson leaves the library."""

    reason = TextAreaField(
        _l("Reden van het intrekken"),
        description=_l("De schrijvers lezen deze reden bij hun les."),
        validators=[
            InputRequired(_l("Geef een reden op: bij intrekken is die verplicht.")),
            Length(max=FEEDBACK_MAX, message=_l(
                "Maak de reden korter: hooguit %(max)d tekens.", max=FEEDBACK_MAX)),
        ],
        filters=[clean_text],
    )

    def validate_reason(self, field):
        """A reason of only spaces is no reason."""
        if not (field.data or "").strip():
            raise ValidationError(_l("Geef een reden op: bij intrekken is die verplicht."))


def public_texts(lesson) -> list[tuple[str, str, str]]:
    """The lesson's texts that the library shows, as (id, label, text)."""
    return [
        (f"public-{name}", FIELD_LABELS[name], getattr(lesson, name) or "")
        for name in ("title", "summary", "context", "body", "advice")
    ]
