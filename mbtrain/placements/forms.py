"""The coordinator's forms for a placement: proposing and changing it, its status and the
gates before it starts."""

from datetime import date
from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from sqlalchemy import select
from wtforms import BooleanField, EmailField, HiddenField, SelectField, StringField, TextAreaField
from wtforms.validators import (
    AnyOf,
    DataRequired,
    Email,
    InputRequired,
    Length,
    NumberRange,
    Optional,
)

from mbtrain.cohorts.models import Cohort
from mbtrain.enrolments.models import Enrolment
from mbtrain.enrolments.transitions import HOLDS_PLACE
from mbtrain.extensions import db
from mbtrain.forms import REQUIRED, HoursField, NorwegianDateField, VersionField, choices
from mbtrain.idempotency import SubmissionKeyField
from mbtrain.organisations.models import Organisation
from mbtrain.people.models import Person
from mbtrain.placements import services
from mbtrain.placements.models import PlacementOffer, PlacementStatus
from mbtrain.placements.rules import COORDINATOR_TARGETS

EMAIL = _l("Skriv en gyldig e-postadresse, for eksempel navn@eksempel.no.")
NO_HEALTH = _l("Ikke skriv helseopplysninger eller diagnoser.")


def organisation_choices(form) -> None:
    organisations = db.session.scalars(select(Organisation).order_by(Organisation.name))
    form.organisation.choices = choices(
        [(0, _("Velg sted"))] + [(o.id, o.name) for o in organisations]
    )


def module_choices(form, cohort: Cohort) -> None:
    form.module_code.choices = choices(
        (m.code, f"{m.title} ({m.code})") for m in services.practice_modules(cohort)
    )


class PlacementForm(FlaskForm):
    organisation = SelectField(_l("Praksissted"), coerce=int, validators=[InputRequired(REQUIRED)])
    module_code = SelectField(_l("Praksisperiode"), validators=[InputRequired(REQUIRED)])
    supervisor_name = StringField(
        _l("Veileder"), validators=[DataRequired(REQUIRED), Length(max=200)]
    )
    supervisor_email = EmailField(
        _l("Veileders e-post"),
        validators=[DataRequired(REQUIRED), Length(max=254), Email(EMAIL)],
        description=_l("Bekreftelser og lenker sendes hit."),
    )
    co_supervisor_name = StringField(
        _l("Medveileder (valgfritt)"), validators=[Optional(), Length(max=200)]
    )
    co_supervisor_email = EmailField(
        _l("Medveileders e-post (valgfritt)"),
        validators=[Optional(), Length(max=254), Email(EMAIL)],
    )
    start_date = NorwegianDateField(_l("Startdato"), validators=[InputRequired(REQUIRED)])
    end_date = NorwegianDateField(_l("Sluttdato"), validators=[InputRequired(REQUIRED)])
    weekly_hours = HoursField(
        _l("Timer per uke"),
        validators=[
            InputRequired(REQUIRED),
            NumberRange(0.5, 37.5, _l("Velg mellom 0,5 og 37,5.")),
        ],
    )
    politiattest_required = BooleanField(_l("Stedet krever politiattest"))

    def fields(self, offer: PlacementOffer | None = None) -> services.PlacementFields:
        return services.PlacementFields(
            organisation=db.session.get(Organisation, self.organisation.data or 0),
            module_code=self.module_code.data,
            supervisor_name=self.supervisor_name.data,
            supervisor_email=self.supervisor_email.data,
            co_supervisor_name=self.co_supervisor_name.data or "",
            co_supervisor_email=self.co_supervisor_email.data or "",
            start_date=self.start_date.data,
            end_date=self.end_date.data,
            weekly_hours=float(self.weekly_hours.data),
            politiattest_required=self.politiattest_required.data,
            offer=offer,
        )


class CreatePlacementForm(PlacementForm):
    enrolment = SelectField(_l("Deltaker"), coerce=int, validators=[InputRequired(REQUIRED)])
    offer = HiddenField()
    submission_key = SubmissionKeyField(
        repeated=_l("Skjemaet var allerede sendt. Praksisplassen er ikke opprettet to ganger.")
    )

    def for_cohort(self, cohort: Cohort) -> "CreatePlacementForm":
        """The cohort's choices: its trainees who hold a place, places and practice periods."""
        organisation_choices(self)
        module_choices(self, cohort)
        trainees = db.session.execute(
            select(Enrolment.id, Person.name)
            .join(Person, Person.id == Enrolment.person_id)
            .where(Enrolment.cohort_id == cohort.id, Enrolment.status.in_(HOLDS_PLACE))
            .order_by(Person.name)
        )
        self.enrolment.choices = choices(
            [(0, _("Velg deltaker"))] + [tuple(row) for row in trainees]
        )
        return self

    def proposal(
        self, cohort: Cohort, offer: PlacementOffer | None
    ) -> tuple[Enrolment | None, services.PlacementFields]:
        """What create_placement takes: the trainee chosen (None: none of the cohort's)."""
        enrolment = db.session.get(Enrolment, self.enrolment.data or 0)
        chosen = enrolment if enrolment is not None and enrolment.cohort_id == cohort.id else None
        return chosen, self.fields(offer)

    def prefill(self, defaults: dict[str, Any]) -> None:
        """A new form filled in from the offer, the practice period or the link it came by."""
        for name, value in defaults.items():
            self[name].data = value


class EditPlacementForm(PlacementForm):
    version = VersionField()


class StatusForm(FlaskForm):
    status = HiddenField(
        validators=[InputRequired(), AnyOf([target.value for target in COORDINATOR_TARGETS])]
    )
    reason = TextAreaField(
        _l("Begrunnelse"),
        validators=[Optional(), Length(max=500)],
        description=NO_HEALTH,
    )
    version = VersionField()

    def change(self) -> dict:
        return {"target": self.target, "reason": self.reason.data or ""}

    @property
    def target(self) -> PlacementStatus | None:
        """The status asked for, if the coordinator may set it (not confirming or declining:
        that is the supervisor's)."""
        value = self.status.data
        return PlacementStatus(value) if value in {t.value for t in COORDINATOR_TARGETS} else None


class GatesForm(FlaskForm):
    confidentiality_signed_on = NorwegianDateField(
        _l("Taushetserklæring signert"),
        validators=[Optional()],
        description=_l("Datoen deltakeren signerte taushetserklæringen. Tomt: ikke signert."),
    )
    politiattest_checked_on = NorwegianDateField(
        _l("Politiattest kontrollert"),
        validators=[Optional()],
        description=_l("Datoen du så politiattesten. Attesten selv lagres ikke."),
    )
    version = VersionField()

    def gates(self) -> dict[str, date | int | None]:
        """The dates recorded, and the version of the placement the form was opened on."""
        return {
            "confidentiality_signed_on": self.confidentiality_signed_on.data,
            "politiattest_checked_on": self.politiattest_checked_on.data,
            "seen_version": self.version.data,
        }
