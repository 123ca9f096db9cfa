from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import EmailField, RadioField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Email, InputRequired, Length, Optional

from mbtrain.cohorts.forms import NorwegianDateField
from mbtrain.enrolments.models import StatusReason
from mbtrain.enrolments.services import REJECT_REASONS
from mbtrain.forms import REQUIRED, VersionField, choices
from mbtrain.idempotency import SubmissionKeyField

NO_REASON = choices([("", _l("Ingen årsak"))])


class ApplicationForm(FlaskForm):
    name = StringField(_l("Fullt navn"), validators=[DataRequired(REQUIRED), Length(max=200)])
    date_of_birth = NorwegianDateField(_l("Fødselsdato"), validators=[InputRequired(REQUIRED)])
    email = EmailField(
        _l("E-post"),
        validators=[
            DataRequired(REQUIRED),
            Length(max=254),
            Email(_l("Skriv en gyldig e-postadresse, for eksempel navn@eksempel.no.")),
        ],
    )
    phone = StringField(_l("Telefon"), validators=[Optional(), Length(max=30)])
    applied_on = NorwegianDateField(_l("Søknadsdato"), validators=[InputRequired(REQUIRED)])
    nav_contact = StringField(
        _l("Kontaktperson i NAV"),
        validators=[Optional(), Length(max=200)],
        description=_l("Veilederen som har meldt søkeren på."),
    )
    submission_key = SubmissionKeyField()


class AssessmentForm(FlaskForm):
    meets = RadioField(
        _l("Oppfyller søkeren kravene?"),
        choices=choices(
            [("yes", _l("Ja, kravene er oppfylt")), ("no", _l("Nei, kravene er ikke oppfylt"))]
        ),
        validators=[InputRequired(_l("Velg ja eller nei."))],
    )
    reasoning = TextAreaField(
        _l("Begrunnelse"),
        validators=[DataRequired(REQUIRED), Length(max=2000)],
        description=_l(
            "Kort og saklig, fra intervjuet. Ikke skriv diagnoser eller helseopplysninger."
        ),
    )
    version = VersionField()


class DecisionForm(FlaskForm):
    decision = RadioField(
        _l("Vedtak"),
        choices=choices(
            [
                ("grant", _l("Gi plass")),
                ("waitlist", _l("Sett på venteliste")),
                ("reject", _l("Avslå")),
            ]
        ),
        validators=[InputRequired(_l("Velg hva som skal skje med søknaden."))],
    )
    reason = SelectField(
        _l("Årsak til avslag"),
        choices=NO_REASON
        + [c for c in StatusReason.choices() if StatusReason(c.value) in REJECT_REASONS],
        validators=[Optional()],
    )
    reason_text = TextAreaField(
        _l("Beskrivelse"),
        validators=[Optional(), Length(max=500)],
        description=_l("Bare når årsaken er «Annet»."),
    )
    version = VersionField()


class StatusChangeForm(FlaskForm):
    status = SelectField(_l("Ny status"), validators=[InputRequired(REQUIRED)])
    reason = SelectField(
        _l("Årsak"), choices=NO_REASON + StatusReason.choices(), validators=[Optional()]
    )
    reason_text = TextAreaField(
        _l("Beskrivelse"),
        validators=[Optional(), Length(max=500)],
        description=_l("Bare når årsaken er «Annet»."),
    )
    version = VersionField()
