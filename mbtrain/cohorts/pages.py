"""What the cohort pages show: the list's rows and the overview's facts, each in a fixed number
of queries whatever the cohort's size."""

from collections import Counter
from datetime import date

from sqlalchemy import Row, extract, func, null, select
from sqlalchemy.orm import joinedload

from mbtrain.accounts.models import User
from mbtrain.cohorts.models import Cohort, CohortStatus
from mbtrain.enrolments.models import Enrolment, EnrolmentStatus
from mbtrain.enrolments.transitions import APPLYING, ENDED, HOLDS_PLACE
from mbtrain.extensions import db
from mbtrain.followup.overview import open_concerns
from mbtrain.people.models import Person
from mbtrain.policy import may_manage_county, may_see_intake, may_see_status, visible_cohorts
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
    applicants is None for a role that may not see the intake (need to know)."""
    applicants = _count_where(Enrolment.status.in_(APPLYING)) if may_see_intake(user) else null()
    query = (
        select(Cohort, _count_where(Enrolment.status.in_(HOLDS_PLACE)), applicants)
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
    return db.session.execute(query).all()


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
    named = [row for row in people if may_see_status(user, row.status)]  # need to know
    counts = Counter(row.status for row in named)
    manage = may_manage_county(user, cohort.county_id)
    coming = next_sessions(cohort, today)
    return {
        "counts": counts,
        "shown_statuses": [s for s in EnrolmentStatus if may_see_status(user, s)],
        "sees_intake": may_see_intake(user),
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


def cancellation(cohort: Cohort, today: date) -> dict:
    """What cancelling the cohort does, and to whom (the cancel service's rule): whether it
    is «avlyst» or «avbrutt», and each active enrolment with the status it will end in."""
    rows = db.session.execute(
        select(Person.name, Enrolment.status)
        .join(Person, Person.id == Enrolment.person_id)
        .where(Enrolment.cohort_id == cohort.id, Enrolment.status.not_in(ENDED))
        .order_by(Person.name, Enrolment.id)
    ).all()
    ending = {EnrolmentStatus.AVBRUTT: [], EnrolmentStatus.IKKE_AKTUELL: []}
    for name, status in rows:
        target = (
            EnrolmentStatus.AVBRUTT
            if status is EnrolmentStatus.DELTAR
            else (EnrolmentStatus.IKKE_AKTUELL)
        )
        ending[target].append((name, status))
    before_start = today < cohort.start_date
    return {
        "becomes": CohortStatus.AVLYST if before_start else CohortStatus.AVBRUTT,
        "ending": {status: people for status, people in ending.items() if people},
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
