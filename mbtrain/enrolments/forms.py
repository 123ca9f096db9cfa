from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    EmailField,
    RadioField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Email, InputRequired, Length, Optional
from wtforms.widgets import HiddenInput

from mbtrain.enrolments.models import Enrolment, EnrolmentStatus, StatusReason
from mbtrain.enrolments.services import REJECT_REASONS, Decision
from mbtrain.enrolments.transitions import targets_by_hand
from mbtrain.forms import REQUIRED, NorwegianDateField, VersionField, choices
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
    submission_key = SubmissionKeyField(
        repeated=_l("Skjemaet var allerede sendt. Søknaden er ikke registrert to ganger.")
    )

    def applicant(self) -> dict:
        return {
            "name": self.name.data,
            "date_of_birth": self.date_of_birth.data,
            "email": self.email.data,
            "phone": self.phone.data or "",
            "applied_on": self.applied_on.data,
            "nav_contact": self.nav_contact.data or "",
        }


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

    @classmethod
    def of(cls, enrolment: Enrolment) -> "AssessmentForm":
        meets = {True: "yes", False: "no"}.get(enrolment.meets_requirements)
        return cls(version=enrolment.version, meets=meets, reasoning=enrolment.assessment)

    def assessment(self) -> dict:
        return {"meets": self.meets.data == "yes", "reasoning": self.reasoning.data}


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

    def decision_taken(self) -> dict:
        return {
            "decision": Decision(self.decision.data),
            "reason": _reason(self.reason.data),
            "reason_text": self.reason_text.data,
        }


NO_STATUS = choices([("", _l("Velg ny status"))])


class StatusChangeForm(FlaskForm):
    # Opens on no status at all: the first real choice («Avbrutt», say) cannot be sent by
    # a press of the button alone.
    status = SelectField(_l("Ny status"), validators=[DataRequired(_l("Velg ny status."))])
    reason = SelectField(
        _l("Årsak"), choices=NO_REASON + StatusReason.choices(), validators=[Optional()]
    )
    reason_text = TextAreaField(
        _l("Beskrivelse"),
        validators=[Optional(), Length(max=500)],
        description=_l("Bare når årsaken er «Annet»."),
    )
    version = VersionField()
    # Set by the confirmation page's «Bekreft»: a final status is only set once confirmed.
    confirmed = BooleanField(widget=HiddenInput(), false_values=("", "0", "false"))

    def offer_targets(self, current: EnrolmentStatus) -> "StatusChangeForm":
        """The statuses a coordinator may set by hand from ``current``, after a first
        choice of none."""
        targets = choices((s.value, s.label) for s in targets_by_hand(current))
        self.status.choices = NO_STATUS + targets if targets else []
        return self

    def change(self) -> dict:
        return {
            "target": EnrolmentStatus(self.status.data),
            "reason": _reason(self.reason.data),
            "reason_text": self.reason_text.data,
        }


def _reason(value: str | None) -> StatusReason | None:
    return StatusReason(value) if value else None
