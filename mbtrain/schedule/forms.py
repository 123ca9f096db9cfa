from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import HiddenField, SelectField, StringField
from wtforms.validators import InputRequired, Length, NumberRange, Optional

from mbtrain.cohorts.models import Cohort
from mbtrain.forms import REQUIRED, HoursField, NorwegianDateField, NorwegianTimeField, VersionField
from mbtrain.idempotency import SubmissionKeyField
from mbtrain.schedule.sessions import SessionFields


class GenerateForm(FlaskForm):
    # The plan the user saw; if the calendar changed since, the plan differs and nothing is saved.
    fingerprint = HiddenField(validators=[InputRequired()])


class SessionForm(FlaskForm):
    module_code = SelectField(_l("Modul"), validators=[InputRequired(REQUIRED)])
    date = NorwegianDateField(_l("Dato"), validators=[InputRequired(REQUIRED)])
    starts_at = NorwegianTimeField(_l("Starter kl."), validators=[InputRequired(REQUIRED)])
    hours = HoursField(
        _l("Timer"),
        validators=[InputRequired(REQUIRED), NumberRange(0.5, 12, _l("Velg mellom 0,5 og 12."))],
    )
    location = StringField(
        _l("Sted"),
        validators=[Optional(), Length(max=300)],
        description=_l("Tomt: kursets oppmøtested."),
    )
    note = StringField(
        _l("Merknad"),
        validators=[Optional(), Length(max=500)],
        description=_l(
            "Vises i timeplanen for kursholdere og koordinatorer, ikke i kalenderabonnementet. "
            "Ikke skriv helseopplysninger eller navn på deltakere."
        ),
    )

    def fields(self) -> SessionFields:
        return SessionFields(
            module_code=self.module_code.data,
            date=self.date.data,
            starts_at=self.starts_at.data,
            hours=self.hours.data,
            location=self.location.data or "",
            note=self.note.data or "",
        )


class AddSessionForm(SessionForm):
    submission_key = SubmissionKeyField(
        repeated=_l("Skjemaet var allerede sendt. Økten er ikke lagt til to ganger.")
    )

    @classmethod
    def starting(cls, cohort: Cohort) -> "AddSessionForm":
        """A new session starts when the cohort's days start and lasts as long, until changed."""
        form = cls()
        if not form.is_submitted():
            form.starts_at.data = cohort.day_starts_at
            form.hours.data = cohort.hours_per_day
        return form


class EditSessionForm(SessionForm):
    version = VersionField()


class CancelSessionForm(FlaskForm):
    note = StringField(
        _l("Begrunnelse"),
        validators=[Optional(), Length(max=500)],
        description=_l("For eksempel «Kursholder er syk». Vises i timeplanen."),
    )


class FeedForm(FlaskForm):
    """A button: make a new calendar address, or revoke the one there is."""
