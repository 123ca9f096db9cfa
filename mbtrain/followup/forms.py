"""Forms for following a placement up: hours, meetings and change proposals."""

from datetime import date

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField, RadioField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional
from wtforms.widgets import HiddenInput

from mbtrain.forms import REQUIRED, HoursField, NorwegianDateField, VersionField, choices
from mbtrain.idempotency import SubmissionKeyField
from mbtrain.placements.models import HoursEntry, MeetingKind, ProposalKind

NO_HEALTH = _l(
    "Skriv kort og saklig. Ikke skriv helseopplysninger, diagnoser eller annet "
    "deltakeren ikke trenger at står her."
)
NUMBER = _l("Skriv et tall, for eksempel 18 eller 7,5.")


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
    submission_key = SubmissionKeyField(
        repeated=_l("Skjemaet var allerede sendt. Møtet er ikke registrert to ganger.")
    )

    def meeting(self) -> dict:
        return {
            "kind": MeetingKind(self.kind.data),
            "held_on": self.held_on.data,
            "participants": self.participants.data,
            "summary": self.summary.data or "",
        }


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
    submission_key = SubmissionKeyField(
        repeated=_l("Skjemaet var allerede sendt. Forslaget er ikke sendt to ganger.")
    )

    def proposal(self) -> dict:
        return {
            "kind": ProposalKind(self.kind.data),
            "new_start": self.new_start_date.data,
            "new_end": self.new_end_date.data,
            "reason": self.reason.data,
        }


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

    def outcome(self) -> dict:
        """The decision, and the version of the proposal the form was opened on."""
        return {
            "approve": self.decision.data == "approve",
            "reason": self.reason.data or "",
            "seen_version": self.version.data,
        }


class HoursForm(FlaskForm):
    week_start = DateField(validators=[InputRequired(REQUIRED)], widget=HiddenInput())
    hours = HoursField(
        _l("Timer denne uken"),
        validators=[InputRequired(NUMBER), NumberRange(0, 60, _l("Skriv et tall fra 0 til 60."))],
        message=NUMBER,
        render_kw={"inputmode": "decimal", "autocomplete": "off"},
    )
    version = VersionField()

    def logged(self) -> dict:
        """The week, its hours, and the version the form was opened on (0: a new week)."""
        return {
            "week_start": self.week_start.data,
            "hours": self.hours.data,
            "version": self.version.data,
        }

    @classmethod
    def for_week(cls, week: date | None, entry: HoursEntry | None) -> "HoursForm":
        """The week's hours as saved (version 0: nothing logged yet), or as sent."""
        return cls(
            version=entry.version if entry else 0, week_start=week, hours=entry and entry.hours
        )


class SendLinkForm(FlaskForm):
    """Only the CSRF token: which link is in the URL."""


class WithdrawForm(FlaskForm):
    """Only the CSRF token: which proposal is in the URL."""
