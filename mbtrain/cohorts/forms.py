from datetime import time

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    DateField,
    IntegerField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
    TimeField,
)
from wtforms.validators import (
    DataRequired,
    InputRequired,
    Length,
    NumberRange,
    Optional,
    ValidationError,
)
from wtforms.widgets import TextInput

from mbtrain.cohorts.models import CancelReason, CohortStatus
from mbtrain.forms import REQUIRED, HoursField, MultiCheckboxField, VersionField, choices
from mbtrain.idempotency import SubmissionKeyField

DATE = _l("Skriv datoen som dd.mm.åååå, for eksempel 15.08.2027.")
TIME = _l("Skriv klokkeslettet som tt:mm, for eksempel 09:00.")
WEEKDAYS = (
    (1, _l("Mandag")),
    (2, _l("Tirsdag")),
    (3, _l("Onsdag")),
    (4, _l("Torsdag")),
    (5, _l("Fredag")),
)


class NorwegianDateField(DateField):
    """A date typed as Norwegians write it (15.08.2027); ISO dates are accepted too.

    A text input rather than the browser's date picker, whose format follows the browser's
    language instead of the page's, and which cannot show a date written the Norwegian way.
    """

    widget = TextInput()

    def __init__(self, label=None, validators=None, **kwargs):
        kwargs.setdefault("format", ["%d.%m.%Y", "%Y-%m-%d"])
        kwargs.setdefault("render_kw", {"placeholder": "dd.mm.åååå", "inputmode": "numeric"})
        super().__init__(label, validators, **kwargs)

    def _value(self):
        if self.raw_data:
            return " ".join(self.raw_data)
        return self.data.strftime("%d.%m.%Y") if self.data else ""

    def process_formdata(self, valuelist):
        try:
            super().process_formdata(valuelist)
        except ValueError as error:
            raise ValueError(str(DATE)) from error


class NorwegianTimeField(TimeField):
    """A time of day typed as 09:00 or 09.00, in a text input (see NorwegianDateField)."""

    widget = TextInput()

    def __init__(self, label=None, validators=None, **kwargs):
        kwargs.setdefault("format", ["%H:%M", "%H.%M"])
        kwargs.setdefault("render_kw", {"placeholder": "tt:mm", "inputmode": "numeric"})
        super().__init__(label, validators, **kwargs)

    def _value(self):
        if self.raw_data:
            return " ".join(self.raw_data)
        return self.data.strftime("%H:%M") if self.data else ""

    def process_formdata(self, valuelist):
        try:
            super().process_formdata(valuelist)
        except ValueError as error:
            raise ValueError(str(TIME)) from error


class CohortForm(FlaskForm):
    name = StringField(_l("Navn på kurset"), validators=[DataRequired(REQUIRED), Length(max=200)])
    county = SelectField(_l("Fylke"), coerce=int, validators=[InputRequired(REQUIRED)])
    curriculum_version = SelectField(
        _l("Læreplan"), coerce=int, validators=[InputRequired(REQUIRED)]
    )
    provider = SelectField(
        _l("Kursarrangør"),
        coerce=int,
        validators=[InputRequired(REQUIRED)],
        description=_l("Tiltaksarrangøren som gjennomfører kurset."),
    )
    start_date = NorwegianDateField(_l("Startdato"), validators=[InputRequired(REQUIRED)])
    end_date = NorwegianDateField(_l("Sluttdato"), validators=[InputRequired(REQUIRED)])
    places = IntegerField(
        _l("Antall plasser"),
        validators=[InputRequired(REQUIRED), NumberRange(1, 500, _l("Velg mellom 1 og 500."))],
    )
    part_time_percent = IntegerField(
        _l("Deltidsprosent"),
        default=50,
        validators=[InputRequired(REQUIRED), NumberRange(1, 100, _l("Velg mellom 1 og 100."))],
    )
    meeting_place = StringField(_l("Oppmøtested"), validators=[Optional(), Length(max=300)])
    open_for_applications = BooleanField(_l("Åpent for søknader"), default=True)
    contact_persons = TextAreaField(
        _l("Kontaktpersoner"),
        validators=[Optional(), Length(max=1000)],
        description=_l("Navn, telefon og e-post, én person per linje."),
    )
    instructors = SelectMultipleField(_l("Kursholdere"), coerce=int, validators=[Optional()])
    teaching_weekdays = MultiCheckboxField(
        _l("Undervisningsdager"),
        coerce=int,
        choices=choices(WEEKDAYS),
        default=[1, 2],
        description=_l("Dagene i uken kurset har undervisning. Timeplanen lages ut fra dem."),
    )
    hours_per_day = HoursField(
        _l("Timer per undervisningsdag"),
        default=5.0,
        validators=[InputRequired(REQUIRED), NumberRange(0.5, 12, _l("Velg mellom 0,5 og 12."))],
    )
    day_starts_at = NorwegianTimeField(
        _l("Undervisningen starter kl."),
        default=time(9),
        validators=[InputRequired(REQUIRED)],
    )

    def validate_teaching_weekdays(self, field):
        if not field.data:
            raise ValidationError(_l("Velg minst én undervisningsdag."))


class CreateCohortForm(CohortForm):
    submission_key = SubmissionKeyField()


class EditCohortForm(CohortForm):
    version = VersionField()


class ClosedPeriodForm(FlaskForm):
    start_date = NorwegianDateField(_l("Fra og med"), validators=[InputRequired(REQUIRED)])
    end_date = NorwegianDateField(_l("Til og med"), validators=[InputRequired(REQUIRED)])
    description = StringField(
        _l("Hva gjelder det"),
        validators=[DataRequired(REQUIRED), Length(max=200)],
        description=_l("For eksempel juleferie eller påskeferie."),
    )


class CancelCohortForm(FlaskForm):
    reason = SelectField(_l("Årsak"), choices=CancelReason.choices())
    text = TextAreaField(
        _l("Beskrivelse"),
        validators=[Optional(), Length(max=500)],
        description=_l("Bare når årsaken er «Annet»."),
    )
    version = VersionField()


class CohortFilterForm(FlaskForm):
    class Meta:
        csrf = False

    county = SelectField(_l("Fylke"), coerce=int, validators=[Optional()])
    status = SelectField(
        _l("Status"),
        choices=choices([("", _l("Alle"))]) + CohortStatus.choices(),
        validators=[Optional()],
    )
    year = IntegerField(
        _l("År"),
        validators=[Optional(), NumberRange(2000, 2100, _l("Velg et år mellom 2000 og 2100."))],
    )
