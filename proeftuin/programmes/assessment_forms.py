"""Forms of the assessment: inviting an assessor, scoring an application, declaring a
conflict of interest, and deciding on an application."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import EmailField, RadioField, SelectChoice, TextAreaField
from wtforms.validators import DataRequired, Email, InputRequired, Length, Optional

from proeftuin.forms import clean_line, clean_text, line_field
from proeftuin.models import HIGHEST_SCORE, LOWEST_SCORE, ApplicationScore, CallCriterion

#: a note explains a score; longer than this, it is a report
NOTE_MAX_LENGTH = 2000
#: long enough for a careful explanation to the applicant
REASON_MAX_LENGTH = 4000


class InviteAssessorForm(FlaskForm):
    """An external assessor's name and address."""

    name = line_field(_l("Naam"), 120, required=_l("Vul de naam van de beoordelaar in."))
    email = EmailField(
        _l("E-mailadres"),
        validators=[DataRequired(_l("Vul het e-mailadres in.")),
                    Email(_l("Vul een geldig e-mailadres in.")), Length(max=254)],
        filters=[clean_line],
    )


def _note_field() -> TextAreaField:
    return TextAreaField(
        _l("Toelichting"),
        description=_l("Waarom deze score? Alleen de begeleiders en beoordelaars lezen dit."),
        validators=[Length(max=NOTE_MAX_LENGTH, message=_l(
            "Maak de toelichting korter: hooguit %(max)d tekens.", max=NOTE_MAX_LENGTH))],
        filters=[clean_text])


SCORE_CHOICES = [SelectChoice(str(n), str(n)) for n in range(LOWEST_SCORE, HIGHEST_SCORE + 1)]


class ScoreForm(FlaskForm):
    """A score and a note per criterion; fields `score_<id>` and `note_<id>` are added per
    call by `score_form`. A criterion left open stays open."""

    def criterion_fields(self, criteria: list[CallCriterion]):
        """Per criterion: (criterion, its score field, its note field)."""
        return [(c, self[f"score_{c.id}"], self[f"note_{c.id}"]) for c in criteria]

    def scores(self, criteria: list[CallCriterion]) -> dict[int, tuple[int, str]]:
        """The scores given: criterion id → (score, note)."""
        return {c.id: (int(score.data), note.data or "")
                for c, score, note in self.criterion_fields(criteria) if score.data}

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        for name, field in self._fields.items():
            if name.startswith("note_") and field.data and not self[f"score_{name[5:]}"].data:
                self[f"score_{name[5:]}"].errors.append(
                    _l("Kies ook een score bij deze toelichting."))
                valid = False
        return valid


def score_form(criteria: list[CallCriterion], given: dict[int, ApplicationScore],
               formdata=None) -> ScoreForm:
    """The score form of a call's criteria, filled with what the assessor gave before."""
    fields = {}
    data = {}
    for criterion in criteria:
        fields[f"score_{criterion.id}"] = RadioField(
            criterion.title, choices=SCORE_CHOICES,
            description=criterion.description or None,
            validators=[Optional()], validate_choice=True)
        fields[f"note_{criterion.id}"] = _note_field()
        if criterion.id in given:
            data[f"score_{criterion.id}"] = str(given[criterion.id].score)
            data[f"note_{criterion.id}"] = given[criterion.id].note
    form_class = type("CallScoreForm", (ScoreForm,), fields)
    return form_class(formdata=formdata, data=data)


class ConflictForm(FlaskForm):
    """A declaration of a conflict of interest with one application."""

    note = TextAreaField(
        _l("Wat is uw band met deze aanvraag?"),
        description=_l("Bijvoorbeeld: ik werk bij een van de deelnemende organisaties. "
                       "Alleen de begeleiders lezen dit."),
        validators=[DataRequired(_l("Beschrijf kort uw band met deze aanvraag.")),
                    Length(max=NOTE_MAX_LENGTH, message=_l(
                        "Maak de beschrijving korter: hooguit %(max)d tekens.",
                        max=NOTE_MAX_LENGTH))],
        filters=[clean_text])


OUTCOME_CHOICES = [SelectChoice("selected", _l("Selecteren")),
                   SelectChoice("declined", _l("Afwijzen"))]


class DecisionForm(FlaskForm):
    """Select or decline one application, with the reason the applicant reads."""

    outcome = RadioField(_l("Besluit"), choices=OUTCOME_CHOICES,
                         validators=[InputRequired(_l("Kies: selecteren of afwijzen."))])
    reason = TextAreaField(
        _l("Toelichting voor de aanvrager"),
        description=_l("Gaat mee in de e-mail met het besluit en blijft bewaard bij de ronde."),
        validators=[DataRequired(_l("Geef een toelichting: die gaat mee in het besluit aan de aanvrager.")),
                    Length(max=REASON_MAX_LENGTH, message=_l(
                        "Maak de toelichting korter: hooguit %(max)d tekens.",
                        max=REASON_MAX_LENGTH))],
        filters=[clean_text])
