"""Recording the follow-ups and finding those that are due."""

import calendar
import logging
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from flask_babel import gettext as _
from sqlalchemy import func, select
from sqlalchemy.orm import aliased

from mbtrain.accounts.models import User
from mbtrain.cohorts.models import Cohort
from mbtrain.concurrency import check_version
from mbtrain.enrolments.models import Enrolment, EnrolmentStatus
from mbtrain.errors import Refused
from mbtrain.extensions import db
from mbtrain.outcomes.models import FOLLOW_UP_MONTHS, EmployerType, OutcomeFollowUp, Situation
from mbtrain.people.models import Person
from mbtrain.policy import visible_cohorts

log = logging.getLogger(__name__)

ENDED = (EnrolmentStatus.FULLFORT, EnrolmentStatus.AVBRUTT)
# A follow-up shows on the due-list this long before it is due, and may be recorded from then.
DUE_SOON = timedelta(days=30)


class OutcomeError(Refused):
    def __init__(self, errors: dict[str | None, str]) -> None:
        super().__init__(errors=errors)


def add_months(day: date, months: int) -> date:
    """The same day ``months`` later; the month's last day where it has no such day."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def due_on(end_date: date, months: int) -> date:
    return add_months(end_date, months)


@dataclass(frozen=True)
class DueFollowUp:
    enrolment_id: int
    name: str
    cohort_id: int
    cohort_name: str
    status: EnrolmentStatus
    end_date: date
    months: int
    due: date

    def overdue(self, today: date) -> bool:
        return self.due < today


def missing_points(end_date: date, recorded: Sequence[int], today: date) -> list[tuple[int, date]]:
    """The follow-ups not yet recorded that are due within DUE_SOON (or overdue)."""
    return [
        (months, due_on(end_date, months))
        for months in FOLLOW_UP_MONTHS
        if months not in recorded and due_on(end_date, months) - DUE_SOON <= today
    ]


def due_follow_ups(user: User, today: date) -> list[DueFollowUp]:
    """Every follow-up coming up or overdue in the user's cohorts, in one query."""
    latest_end = add_months(today + DUE_SOON, -FOLLOW_UP_MONTHS[0])
    recorded = aliased(OutcomeFollowUp)
    recorded_count = (
        select(func.count(recorded.id))
        .where(recorded.enrolment_id == Enrolment.id)
        .correlate(Enrolment)
        .scalar_subquery()
    )
    rows = db.session.execute(
        select(
            Enrolment.id,
            Person.name,
            Cohort.id,
            Cohort.name,
            Enrolment.status,
            Enrolment.end_date,
            OutcomeFollowUp.months,
        )
        .join(Person, Person.id == Enrolment.person_id)
        .join(Cohort, Cohort.id == Enrolment.cohort_id)
        .outerjoin(OutcomeFollowUp, OutcomeFollowUp.enrolment_id == Enrolment.id)
        .where(
            Enrolment.status.in_(ENDED),
            Enrolment.end_date <= latest_end,
            recorded_count < len(FOLLOW_UP_MONTHS),
            visible_cohorts(user),
        )
        .order_by(Enrolment.id)
    ).all()
    months_of: dict[int, list[int]] = {}
    first_row = {}
    for row in rows:
        months_of.setdefault(row[0], []).append(row.months)
        first_row.setdefault(row[0], row)
    due = [
        DueFollowUp(row[0], row[1], row[2], row[3], row.status, row.end_date, months, due)
        for enrolment_id, row in first_row.items()
        for months, due in missing_points(row.end_date, months_of[enrolment_id], today)
    ]
    return sorted(due, key=lambda d: (d.due, d.name, d.enrolment_id))


def follow_ups_of(enrolment_id: int) -> dict[int, OutcomeFollowUp]:
    rows = db.session.scalars(
        select(OutcomeFollowUp).where(OutcomeFollowUp.enrolment_id == enrolment_id)
    )
    return {row.months: row for row in rows}


def follow_up_points(
    enrolment: Enrolment,
) -> list[tuple[int, date, OutcomeFollowUp | None]]:
    """Each follow-up point of an ended enrolment: months, due date and what is recorded."""
    recorded = follow_ups_of(enrolment.id)
    return [
        (months, due_on(enrolment.end_date, months), recorded.get(months))
        for months in FOLLOW_UP_MONTHS
    ]


@dataclass(frozen=True)
class OutcomeFields:
    situation: Situation
    employer_type: EmployerType | None
    position_percent: int | None


def check_fields(fields: OutcomeFields) -> dict[str | None, str]:
    """Employer and position percentage belong to work, and only to work."""
    errors: dict[str | None, str] = {}
    if fields.situation.in_work:
        if fields.employer_type is None:
            errors["employer_type"] = _("Velg hva slags arbeidsgiver personen jobber for.")
        if fields.position_percent is None:
            errors["position_percent"] = _("Skriv stillingsprosenten, fra 1 til 100.")
    else:
        if fields.employer_type is not None:
            errors["employer_type"] = _("Arbeidsgiver fylles bare ut når personen er i arbeid.")
        if fields.position_percent is not None:
            errors["position_percent"] = _(
                "Stillingsprosent fylles bare ut når personen er i arbeid."
            )
    return errors


def record_follow_up(
    enrolment: Enrolment,
    months: int,
    by: User,
    today: date,
    *,
    fields: OutcomeFields,
    seen_version: int | None,
) -> OutcomeFollowUp:
    """Record (or correct) one follow-up, as it was at ``seen_version`` (0: none recorded);
    flushes, the caller commits."""
    follow_up = follow_ups_of(enrolment.id).get(months)
    check_version(follow_up.version if follow_up else 0, seen_version)
    if enrolment.status not in ENDED or enrolment.end_date is None:
        raise OutcomeError({None: _("Bare deltakere som har avsluttet kurset, følges opp.")})
    if months not in FOLLOW_UP_MONTHS:
        raise OutcomeError({None: _("Oppfølging skjer etter 3, 6 og 12 måneder.")})
    opens = due_on(enrolment.end_date, months) - DUE_SOON
    if today < opens:
        raise OutcomeError(
            {None: _("Denne oppfølgingen kan registreres fra %(day)s.", day=f"{opens:%d.%m.%Y}")}
        )
    errors = check_fields(fields)
    if errors:
        raise OutcomeError(errors)
    if follow_up is None:
        follow_up = OutcomeFollowUp(enrolment_id=enrolment.id, months=months)
        db.session.add(follow_up)
    follow_up.situation = fields.situation
    follow_up.employer_type = fields.employer_type
    follow_up.position_percent = fields.position_percent
    follow_up.recorded_by_id = by.id
    db.session.flush()
    log.info("outcome %s months for enrolment %s recorded by %s", months, enrolment.id, by.id)
    return follow_up
