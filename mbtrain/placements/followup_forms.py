"""Forms for signing, hours, meetings, tvilsmelding and change proposals."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    FloatField,
    HiddenField,
    RadioField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional
from wtforms.widgets import CheckboxInput, ListWidget, TextInput

from mbtrain.cohorts.forms import NorwegianDateField
from mbtrain.forms import REQUIRED, VersionField, choices
from mbtrain.idempotency import SubmissionKeyField
from mbtrain.placements.models import MeetingKind, ProposalKind

NO_HEALTH = _l(
    "Skriv kort og saklig. Ikke skriv helseopplysninger, diagnoser eller annet "
    "deltakeren ikke trenger at står her."
)
NUMBER = _l("Skriv et tall, for eksempel 18 eller 7,5.")


class NorwegianNumberField(FloatField):
    """A number as Norwegians write it: 7,5 as well as 7.5."""

    widget = TextInput()

    def __init__(self, label=None, validators=None, **kwargs):
        kwargs.setdefault("render_kw", {"inputmode": "decimal", "autocomplete": "off"})
        super().__init__(label, validators, **kwargs)

    def process_formdata(self, valuelist):
        if valuelist and valuelist[0].strip():
            try:
                self.data = float(valuelist[0].strip().replace(",", "."))
            except ValueError as error:
                self.data = None
                raise ValueError(str(NUMBER)) from error
        else:
            self.data = None

    def _value(self):
        if self.raw_data:
            return self.raw_data[0]
        if self.data is None:
            return ""
        return f"{self.data:g}".replace(".", ",")


class SignForm(FlaskForm):
    """What every signature asks: the signer's typed name. ``content_sha256`` is the hash of
    what the page showed, so a change in the meantime is caught instead of signed."""

    typed_name = StringField(
        _l("Ditt navn"),
        validators=[DataRequired(REQUIRED), Length(max=200)],
        description=_l("Skriv fullt navn. Det gjelder som din signatur."),
        render_kw={"autocomplete": "name"},
    )
    content_sha256 = HiddenField()


class PlacementAnswerForm(SignForm):
    decision = RadioField(
        _l("Svar"),
        choices=choices(
            [
                ("confirm", _l("Vi bekrefter praksisplassen")),
                ("decline", _l("Vi takker nei")),
            ]
        ),
        validators=[InputRequired(_l("Velg om dere bekrefter eller takker nei."))],
    )
    reason = TextAreaField(
        _l("Begrunnelse (må fylles ut når dere takker nei)"),
        validators=[Optional(), Length(max=500)],
        description=NO_HEALTH,
    )


class HoursConfirmForm(SignForm):
    weeks = SelectMultipleField(
        _l("Uker som bekreftes"),
        widget=ListWidget(prefix_label=False),
        option_widget=CheckboxInput(),
    )


class FinalEvaluationForm(SignForm):
    passed = RadioField(
        _l("Vurdering"),
        choices=choices([("yes", _l("Bestått")), ("no", _l("Ikke bestått"))]),
        validators=[InputRequired(_l("Velg bestått eller ikke bestått."))],
    )
    text = TextAreaField(
        _l("Kort begrunnelse"),
        validators=[DataRequired(REQUIRED), Length(max=2000)],
        description=NO_HEALTH,
    )


class ConcernForm(SignForm):
    text = TextAreaField(
        _l("Hva er det tvil om?"),
        validators=[DataRequired(REQUIRED), Length(max=2000)],
        description=_l(
            "Beskriv hva som må bli bedre for at praksisen skal bli bestått, og hva dere har "
            "avtalt. Ikke skriv helseopplysninger eller diagnoser."
        ),
    )


class MeetingForm(FlaskForm):
    kind = SelectField(_l("Møte"), choices=MeetingKind.choices())
    held_on = NorwegianDateField(_l("Dato"), validators=[InputRequired(REQUIRED)])
    participants = StringField(
        _l("Hvem var med"),
        validators=[DataRequired(REQUIRED), Length(max=500)],
        description=_l("Navn og rolle, for eksempel: deltaker, praksisveileder, koordinator."),
    )
    summary = TextAreaField(
        _l("Kort oppsummering"), validators=[Optional(), Length(max=2000)], description=NO_HEALTH
    )
    submission_key = SubmissionKeyField()


class ProposalForm(FlaskForm):
    kind = RadioField(
        _l("Hva foreslår dere?"),
        choices=ProposalKind.choices(),
        validators=[InputRequired(_l("Velg hva dere foreslår."))],
    )
    new_start_date = NorwegianDateField(
        _l("Ny startdato"),
        validators=[Optional()],
        description=_l("Bare når datoene endres."),
    )
    new_end_date = NorwegianDateField(_l("Ny sluttdato"), validators=[Optional()])
    reason = TextAreaField(
        _l("Begrunnelse"),
        validators=[DataRequired(REQUIRED), Length(max=500)],
        description=NO_HEALTH,
    )
    submission_key = SubmissionKeyField()


class ProposalDecisionForm(FlaskForm):
    decision = RadioField(
        _l("Avgjørelse"),
        choices=choices([("approve", _l("Godkjenn")), ("reject", _l("Avvis"))]),
        validators=[InputRequired(_l("Velg godkjenn eller avvis."))],
    )
    reason = TextAreaField(
        _l("Begrunnelse (må fylles ut ved avvisning)"),
        validators=[Optional(), Length(max=500)],
    )
    version = VersionField()


class HoursForm(FlaskForm):
    week_start = HiddenField(validators=[InputRequired(REQUIRED)])
    hours = NorwegianNumberField(
        _l("Timer denne uken"),
        validators=[InputRequired(NUMBER), NumberRange(0, 60, _l("Skriv et tall fra 0 til 60."))],
    )
    version = VersionField()


class SendLinkForm(FlaskForm):
    """Only the CSRF token: which link is in the URL."""
