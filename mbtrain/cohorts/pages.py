"""What the cohort pages show: the list's rows and the overview's facts, each in a fixed number
of queries whatever the cohort's size."""

from collections import Counter
from datetime import date

from sqlalchemy import Row, extract, func, select
from sqlalchemy.orm import joinedload

from mbtrain.accounts.models import User
from mbtrain.cohorts.models import Cohort, CohortStatus
from mbtrain.enrolments.models import Enrolment, EnrolmentStatus
from mbtrain.enrolments.transitions import APPLYING, HOLDS_PLACE
from mbtrain.extensions import db
from mbtrain.followup.overview import open_concerns
from mbtrain.people.models import Person
from mbtrain.policy import may_manage_county, may_see_status, visible_cohorts
from mbtrain.progress.services import cohort_warnings
from mbtrain.schedule.models import CourseSession, SessionStatus
from mbtrain.schedule.services import module_titles, next_sessions

NOT_YET_IN = APPLYING | {EnrolmentStatus.VENTELISTE}


def cohort_rows(
    user: User,
    county_id: int | None = None,
    status: CohortStatus | None = None,
    year: int | None = None,
) -> list[Row]:
    """(cohort, places taken, applicants) for the cohorts this user may see, newest first;
    applicants None for a role that may not know of them."""
    query = (
        select(
            Cohort,
            _count_where(Enrolment.status.in_(HOLDS_PLACE)),
            _count_where(Enrolment.status.in_(APPLYING)),
        )
        .where(visible_cohorts(user))
        .options(joinedload(Cohort.county), joinedload(Cohort.provider))
        .order_by(Cohort.start_date.desc(), Cohort.name)
    )
    if county_id:
        query = query.where(Cohort.county_id == county_id)
    if status:
        query = query.where(Cohort.status == status)
    if year:
        query = query.where(extract("year", Cohort.start_date) == year)
    rows = db.session.execute(query).all()
    if sees_intake(user):
        return rows
    return [(cohort, taken, None) for cohort, taken, _applicants in rows]  # need to know


def sees_intake(user: User) -> bool:
    """Whether this user's role may know of applicants at all (an instructor may not)."""
    return may_see_status(user, EnrolmentStatus.SOKT_INN)


def _count_where(condition):
    return (
        select(func.count(Enrolment.id))
        .where(Enrolment.cohort_id == Cohort.id, condition)
        .correlate(Cohort)
        .scalar_subquery()
    )


def overview(cohort: Cohort, user: User, today: date) -> dict:
    """The overview's facts: its people by status, the waiting list, what comes next; by name
    only the people this user's role may see."""
    people = db.session.execute(
        select(Enrolment.id, Enrolment.status, Enrolment.applied_on, Person.name)
        .join(Person, Person.id == Enrolment.person_id)
        .where(Enrolment.cohort_id == cohort.id)
        .order_by(Person.name)
    ).all()
    counts = Counter(row.status for row in people)
    named = [row for row in people if may_see_status(user, row.status)]  # need to know
    manage = may_manage_county(user, cohort.county_id)
    coming = next_sessions(cohort, today)
    return {
        "counts": counts,
        "shown_statuses": [s for s in EnrolmentStatus if may_see_status(user, s)],
        "sees_intake": sees_intake(user),
        "sheet_session": last_held(cohort, today) or next(iter(coming), None),
        "taken": sum(counts[s] for s in HOLDS_PLACE),
        "applying": sum(counts[s] for s in APPLYING),
        "waiting": sorted(
            (row for row in named if row.status is EnrolmentStatus.VENTELISTE),
            key=lambda row: (row.applied_on, row.id),
        ),
        "participants": [row for row in named if row.status not in NOT_YET_IN],
        "statuses": list(EnrolmentStatus),
        "next_sessions": coming,
        "module_titles": module_titles(cohort),
        "completion_warnings": cohort_warnings(cohort, today),
        "concerns": open_concerns(cohort) if manage else [],
    }


def last_held(cohort: Cohort, today: date) -> CourseSession | None:
    """The cohort's latest session up to today: the attendance sheet the overview leads to
    (else the next one)."""
    return db.session.scalar(
        select(CourseSession)
        .where(
            CourseSession.cohort_id == cohort.id,
            CourseSession.date <= today,
            CourseSession.status == SessionStatus.PLANLAGT,
        )
        .order_by(CourseSession.date.desc(), CourseSession.starts_at.desc())
        .limit(1)
    )
