"""Each trainee's access log over the months of their course, as a real one reads: the
coordinator at the intake and following the cohort up, the instructor registering attendance
and assessing modules, the supervisor during the placement (and now and then the same page
opened a few times in a day). Without it «Hvem har sett» is empty four months in."""

import random
from datetime import date, timedelta

from sqlalchemy import insert, select
from sqlalchemy.orm import joinedload, selectinload

from mbtrain.accounts.models import Role, User
from mbtrain.audit.models import AccessAction, AccessLog
from mbtrain.cohorts.models import Cohort
from mbtrain.demo.base import SEED, TEST_NET_IP, at, now
from mbtrain.enrolments.models import Enrolment, EnrolmentStatus
from mbtrain.extensions import db
from mbtrain.i18n import today
from mbtrain.placements.models import Placement, PlacementStatus
from mbtrain.policy import describe_scope

FOLLOWED = (
    EnrolmentStatus.VENTER_PA_OPPSTART,
    EnrolmentStatus.DELTAR,
    EnrolmentStatus.FULLFORT,
    EnrolmentStatus.AVBRUTT,
)
SUPERVISED = (PlacementStatus.ACTIVE, PlacementStatus.COMPLETED, PlacementStatus.CANCELLED)
VIEW, UPDATE = AccessAction.VIEW, AccessAction.UPDATE


def seed_access_history() -> None:
    rng = random.Random(SEED + 22)
    coordinators = db.session.scalars(
        select(User).where(User.role == Role.COORDINATOR).options(selectinload(User.counties))
    ).all()
    partners = db.session.scalars(
        select(User).where(User.role == Role.PARTNER).options(joinedload(User.organisation))
    ).all()
    enrolments = db.session.scalars(
        select(Enrolment)
        .where(Enrolment.status.in_(FOLLOWED))
        .options(joinedload(Enrolment.cohort).selectinload(Cohort.instructors))
        .order_by(Enrolment.id)
    ).all()
    placements = db.session.scalars(
        select(Placement).where(Placement.status.in_(SUPERVISED)).order_by(Placement.id)
    ).all()
    rows: list[dict] = []
    for enrolment in enrolments:
        cohort = enrolment.cohort
        coordinator = next((c for c in coordinators if cohort.county_id in c.county_ids), None)
        instructor = cohort.instructors[0] if cohort.instructors else None
        rows += _course_rows(rng, enrolment, coordinator, instructor)
    for placement in placements:
        supervisor = next(
            (p for p in partners if p.organisation_id == placement.organisation_id), None
        )
        rows += _placement_rows(rng, placement, supervisor)
    if rows:
        db.session.execute(insert(AccessLog), rows)


def _course_rows(rng, enrolment: Enrolment, coordinator, instructor) -> list[dict]:
    cohort = enrolment.cohort
    rows = []
    if coordinator is not None and enrolment.applied_on <= today():
        # The intake: the application read, and read again the day of the decision.
        for day in (enrolment.applied_on, enrolment.applied_on + timedelta(days=12)):
            if day <= today():
                rows += _looks(rng, coordinator, enrolment, "enrolment", "INTAKE", day, times=2)
    first = enrolment.start_date or cohort.start_date
    last = min(today(), enrolment.end_date or cohort.end_date)
    for month in _months(first, last):
        if coordinator is not None:
            day = _weekday(rng, month, last)
            rows += _looks(rng, coordinator, enrolment, "trainee_progress", "COHORT_ADMIN", day)
            if rng.random() < 0.5:
                day = _weekday(rng, month, last)
                rows += _looks(rng, coordinator, enrolment, "enrolment", "COHORT_ADMIN", day, 3)
        if instructor is not None:
            day = _weekday(rng, month, last)
            rows += _looks(rng, instructor, enrolment, "enrolment", "COHORT_ADMIN", day)
            if rng.random() < 0.6:
                day = _weekday(rng, month, last)
                rows += _looks(
                    rng, instructor, enrolment, "module_assessment", "COHORT_ADMIN", day, 1, UPDATE
                )
    return rows


def _placement_rows(rng, placement: Placement, supervisor: User | None) -> list[dict]:
    """The supervisor opens the placement about every other week while it goes on."""
    if supervisor is None:
        return []
    rows = []
    day, last = placement.start_date, min(today(), placement.end_date)
    while day <= last:
        rows += _looks(
            rng, supervisor, placement, "placement", "PLACEMENT", day, rng.choice((1, 2, 4))
        )
        day += timedelta(days=rng.choice((10, 14, 17)))
    return rows


def _looks(rng, actor: User, subject, object_type, purpose, day, times=1, action=VIEW):
    """``times`` looks at the same thing on one day, minutes apart."""
    if day > today():
        return []
    person_id = getattr(subject, "person_id", None) or subject.enrolment.person_id
    start = at(day, rng.choice((9, 10, 11, 13, 14)))
    if start + timedelta(hours=1) > now():
        return []  # later today: not yet
    return [
        {
            "at": start + timedelta(minutes=7 * n + rng.randrange(5)),
            "actor_user_id": actor.id,
            "actor_role": actor.role.value,
            "actor_scope": describe_scope(actor),
            "subject_person_id": person_id,
            "action": action,
            "object_type": object_type,
            "object_id": subject.id,
            "purpose": purpose,
            "ip": TEST_NET_IP,
        }
        for n in range(times)
    ]


def _months(first: date, last: date) -> list[date]:
    months, month = [], first.replace(day=1)
    while month <= last:
        months.append(max(month, first))
        month = (month + timedelta(days=32)).replace(day=1)
    return months


def _weekday(rng, month: date, last: date) -> date:
    """A working day in the month from ``month``, not after ``last``."""
    day = month + timedelta(days=rng.randrange(20))
    while day.weekday() >= 5:
        day += timedelta(days=1)
    return min(day, last)
