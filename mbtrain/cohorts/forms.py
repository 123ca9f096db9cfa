from datetime import date, time

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from sqlalchemy import select
from wtforms import (
    BooleanField,
    IntegerField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.validators import (
    DataRequired,
    InputRequired,
    Length,
    NumberRange,
    Optional,
    ValidationError,
)

from mbtrain.accounts.models import Role, User
from mbtrain.cohorts.models import CancelReason, Cohort, CohortStatus
from mbtrain.cohorts.services import CohortFields
from mbtrain.curriculum.models import CurriculumVersion
from mbtrain.extensions import db
from mbtrain.forms import (
    REQUIRED,
    HoursField,
    MultiCheckboxField,
    NorwegianDateField,
    NorwegianTimeField,
    VersionField,
    choices,
)
from mbtrain.idempotency import SubmissionKeyField
from mbtrain.organisations.models import County, Organisation, OrganisationType
from mbtrain.policy import may_manage_county
from mbtrain.schedule.rules import parse_weekdays

WEEKDAYS = (
    (1, _l("Mandag")),
    (2, _l("Tirsdag")),
    (3, _l("Onsdag")),
    (4, _l("Torsdag")),
    (5, _l("Fredag")),
)


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

    def offer_choices(self, user: User):
        """The counties this user manages, and every curriculum, provider and instructor."""
        self.county.choices = county_choices(user)
        versions = db.session.scalars(
            select(CurriculumVersion).order_by(CurriculumVersion.code, CurriculumVersion.version)
        )
        self.curriculum_version.choices = choices(
            (v.id, f"{v.title} ({v.version})") for v in versions
        )
        providers = db.session.scalars(
            select(Organisation)
            .where(Organisation.type == OrganisationType.TILTAKSARRANGOR)
            .order_by(Organisation.name)
        )
        self.provider.choices = choices((o.id, o.name) for o in providers)
        instructors = db.session.scalars(
            select(User).where(User.role == Role.INSTRUCTOR, User.active).order_by(User.name)
        )
        self.instructors.choices = choices((u.id, u.name) for u in instructors)
        return self

    def fields(self) -> CohortFields:
        """What was typed, with the chosen records (the choices were checked on validation)."""
        return CohortFields(
            name=self.name.data,
            county=db.session.get(County, self.county.data),
            curriculum_version=db.session.get(CurriculumVersion, self.curriculum_version.data),
            provider=db.session.get(Organisation, self.provider.data),
            start_date=self.start_date.data,
            end_date=self.end_date.data,
            places=self.places.data,
            part_time_percent=self.part_time_percent.data,
            meeting_place=self.meeting_place.data or "",
            open_for_applications=self.open_for_applications.data,
            contact_persons=self.contact_persons.data or "",
            instructors=list(
                db.session.scalars(select(User).where(User.id.in_(self.instructors.data or [])))
            ),
            teaching_weekdays=",".join(
                str(day) for day in sorted(set(self.teaching_weekdays.data))
            ),
            hours_per_day=self.hours_per_day.data,
            day_starts_at=self.day_starts_at.data,
        )


class CreateCohortForm(CohortForm):
    submission_key = SubmissionKeyField(
        repeated=_l("Skjemaet var allerede sendt. Kurset er ikke opprettet to ganger.")
    )


class EditCohortForm(CohortForm):
    version = VersionField()

    @classmethod
    def of(cls, cohort: Cohort, user: User) -> "EditCohortForm":
        """The form on the cohort as saved, or as sent."""
        form = cls(obj=cohort).offer_choices(user)
        if not form.is_submitted():
            form.county.data = cohort.county_id
            form.curriculum_version.data = cohort.curriculum_version_id
            form.provider.data = cohort.provider_id
            form.instructors.data = [u.id for u in cohort.instructors]
            form.teaching_weekdays.data = sorted(parse_weekdays(cohort.teaching_weekdays))
        return form


class ClosedPeriodForm(FlaskForm):
    start_date = NorwegianDateField(_l("Fra og med"), validators=[InputRequired(REQUIRED)])
    end_date = NorwegianDateField(_l("Til og med"), validators=[InputRequired(REQUIRED)])
    description = StringField(
        _l("Hva gjelder det"),
        validators=[DataRequired(REQUIRED), Length(max=200)],
        description=_l("For eksempel juleferie eller påskeferie."),
    )

    def period(self) -> tuple[date, date]:
        return self.start_date.data, self.end_date.data


class CancelCohortForm(FlaskForm):
    reason = SelectField(_l("Årsak"), choices=CancelReason.choices())
    text = TextAreaField(
        _l("Beskrivelse"),
        validators=[Optional(), Length(max=500)],
        description=_l("Bare når årsaken er «Annet»."),
    )
    version = VersionField()

    def cancellation(self) -> tuple[int | None, CancelReason, str | None]:
        """The version confirmed, the reason and its text."""
        return self.version.data, CancelReason(self.reason.data), self.text.data


class CohortFilterForm(FlaskForm):
    class Meta:
        csrf = False

    def offer_counties(self, user: User) -> "CohortFilterForm":
        self.county.choices = choices([(0, _l("Alle"))]) + county_choices(user)
        return self

    def filters(self) -> dict:
        """The chosen county, status and year, where valid; nothing chosen shows every cohort."""
        if not self.validate():
            return {}
        status = CohortStatus(self.status.data) if self.status.data else None
        return {"county_id": self.county.data or None, "status": status, "year": self.year.data}

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


def county_choices(user: User) -> list:
    counties = db.session.scalars(select(County).order_by(County.name))
    return choices((c.id, c.name) for c in counties if may_manage_county(user, c.id))
