"""Creating, changing and cancelling cohorts. Services flush, never commit."""

import logging
from dataclasses import dataclass
from datetime import date, time

from flask_babel import gettext as _

from mbtrain.accounts.models import Role, User
from mbtrain.cohorts.models import CancelReason, ClosedPeriod, Cohort, CohortStatus
from mbtrain.cohorts.rules import overlaps, period_errors
from mbtrain.concurrency import check_version
from mbtrain.curriculum.models import CurriculumVersion
from mbtrain.database import utcnow
from mbtrain.enrolments.services import end_enrolments_of_cancelled_cohort, places_taken
from mbtrain.errors import Refused
from mbtrain.extensions import db
from mbtrain.organisations.models import County, Organisation, OrganisationType

log = logging.getLogger(__name__)


class CohortError(Refused):
    """Broken cohort rules: field name (or None for the whole form) → message."""

    def __init__(self, errors: dict[str | None, str]) -> None:
        super().__init__(errors=errors)


@dataclass(frozen=True)
class CohortFields:
    name: str
    county: County
    curriculum_version: CurriculumVersion
    provider: Organisation
    start_date: date
    end_date: date
    places: int
    part_time_percent: int
    meeting_place: str
    open_for_applications: bool
    contact_persons: str
    instructors: list[User]
    teaching_weekdays: str = "1,2"
    hours_per_day: float = 5.0
    day_starts_at: time = time(9)


def create_cohort(fields: CohortFields) -> Cohort:
    return save_cohort(None, fields)


def change_cohort(cohort: Cohort, fields: CohortFields, version: int | None) -> Cohort:
    """Save the form opened on ``version`` of the cohort; a newer save in between: StaleEdit."""
    check_version(cohort.version, version)
    return save_cohort(cohort, fields)


def save_cohort(cohort: Cohort | None, fields: CohortFields) -> Cohort:
    errors: dict[str | None, str] = dict(period_errors(fields.start_date, fields.end_date))
    if fields.provider.type is not OrganisationType.TILTAKSARRANGOR:
        errors["provider"] = _("Kursarrangøren må være en tiltaksarrangør.")
    if any(user.role is not Role.INSTRUCTOR for user in fields.instructors):
        errors["instructors"] = _("Bare kursholdere kan undervise på et kurs.")
    if cohort is not None:
        taken = places_taken(cohort)
        if fields.places < taken:
            errors["places"] = _(
                "%(taken)d personer har allerede plass. Antall plasser kan ikke være lavere.",
                taken=taken,
            )
        if cohort.status.cancelled or cohort.status is CohortStatus.AVSLUTTET:
            errors[None] = _("Et avsluttet, avlyst eller avbrutt kurs kan ikke endres.")
        elif fields.curriculum_version is not cohort.curriculum_version and (
            cohort.status is not CohortStatus.PLANLAGT
        ):
            errors["curriculum_version"] = _(
                "Læreplanen kan ikke byttes etter at kurset har startet."
            )
        errors.update(_closed_periods_outside(cohort, fields.start_date, fields.end_date))
    if errors:
        raise CohortError(errors)
    if cohort is None:
        cohort = Cohort(status=CohortStatus.PLANLAGT)
        db.session.add(cohort)
    cohort.name = fields.name.strip()
    cohort.county = fields.county
    cohort.curriculum_version = fields.curriculum_version
    cohort.provider = fields.provider
    cohort.start_date = fields.start_date
    cohort.end_date = fields.end_date
    cohort.places = fields.places
    cohort.part_time_percent = fields.part_time_percent
    cohort.meeting_place = fields.meeting_place.strip()
    cohort.open_for_applications = fields.open_for_applications
    cohort.contact_persons = fields.contact_persons.strip()
    cohort.instructors = list(fields.instructors)
    cohort.teaching_weekdays = fields.teaching_weekdays
    cohort.hours_per_day = fields.hours_per_day
    cohort.day_starts_at = fields.day_starts_at
    db.session.flush()
    log.info("cohort %s saved", cohort.id)
    return cohort


def _closed_periods_outside(cohort: Cohort, start: date, end: date) -> dict[str | None, str]:
    if any(p.start_date < start or p.end_date > end for p in cohort.closed_periods):
        return {None: _("Noen stengte perioder ligger utenfor de nye datoene. Fjern dem først.")}
    return {}


def add_closed_period(cohort: Cohort, start: date, end: date, description: str) -> ClosedPeriod:
    errors: dict[str | None, str] = dict(
        period_errors(start, end, within=(cohort.start_date, cohort.end_date), same_day_ok=True)
    )
    if not errors and any(
        overlaps((start, end), (p.start_date, p.end_date)) for p in cohort.closed_periods
    ):
        errors["start_date"] = _("Perioden overlapper en annen stengt periode.")
    if errors:
        raise CohortError(errors)
    period = ClosedPeriod(start_date=start, end_date=end, description=description.strip())
    cohort.closed_periods.append(period)
    db.session.flush()
    return period


def remove_closed_period(cohort: Cohort, period: ClosedPeriod) -> None:
    cohort.closed_periods.remove(period)
    db.session.flush()


def confirm_cancellation(
    cohort: Cohort,
    version: int | None,
    reason: CancelReason,
    text: str | None,
    by: User,
    today: date,
) -> CohortStatus:
    """``cancel_cohort`` as confirmed on ``version`` of the cohort (StaleEdit if it is older)."""
    check_version(cohort.version, version)
    return cancel_cohort(cohort, reason, text, by, today)


def cancel_cohort(
    cohort: Cohort, reason: CancelReason, text: str | None, by: User, today: date
) -> CohortStatus:
    """AVLYST before the start, AVBRUTT after it; every active enrolment ends with it."""
    if cohort.status.cancelled or cohort.status is CohortStatus.AVSLUTTET:
        raise CohortError({None: _("Kurset er allerede avsluttet, avlyst eller avbrutt.")})
    text = (text or "").strip()
    if reason is CancelReason.ANNET and not text:
        raise CohortError({"text": _("Beskriv årsaken når du velger «Annet».")})
    if reason is not CancelReason.ANNET and text:
        raise CohortError({"text": _("Fritekst kan bare brukes sammen med årsaken «Annet».")})
    cohort.status = CohortStatus.AVLYST if today < cohort.start_date else CohortStatus.AVBRUTT
    cohort.cancel_reason = reason
    cohort.cancel_text = text or None
    cohort.cancelled_at = utcnow()
    cohort.open_for_applications = False
    db.session.flush()
    end_enrolments_of_cancelled_cohort(cohort, by)
    log.info("cohort %s cancelled (%s)", cohort.id, cohort.status.value)
    return cohort.status
