"""The reports' figures as SQL aggregates, grouped by county and by the year a cohort started.

Each ``_add_…`` runs one grouped query over the cohorts in scope, so a report costs the
same handful of queries for one cohort as for the whole country. Roll-ups (per year, per
county, in total) add the raw counts up in Python before anything is suppressed.
"""

from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from sqlalchemy import ColumnElement, Integer, case, cast, extract, func, select

from mbtrain.attendance.models import AttendanceRecord
from mbtrain.certificates.models import Certificate
from mbtrain.cohorts.models import Cohort
from mbtrain.enrolments.models import Enrolment, EnrolmentStatus, StatusPeriod
from mbtrain.extensions import db
from mbtrain.outcomes.models import OutcomeFollowUp
from mbtrain.placements.models import Placement, PlacementEvent, PlacementStatus
from mbtrain.schedule.models import CourseSession, SessionStatus

# Attendance in theory, hours present of hours recorded; 80 % is the completion rule's line.
ATTENDANCE_BANDS = (0.5, 0.7, 0.8, 0.9)  # the lower bounds of bands 1..4; band 0 is below 50 %
# Days from a placement's request (created) to the partner's confirmation.
CONFIRMATION_BANDS = (7, 14, 30)

start_year = cast(extract("year", Cohort.start_date), Integer)

Key = tuple[int, int, int]  # (county id, year the cohort started, curriculum version id)
KEY_COLUMNS = (Cohort.county_id, start_year, Cohort.curriculum_version_id)


@dataclass(frozen=True)
class Filters:
    county_ids: tuple[int, ...] | None = None  # None: every county
    year: int | None = None
    curriculum_version_id: int | None = None
    cohort_id: int | None = None


@dataclass
class Figures:
    """Raw counts for one county and year (or a roll-up of several)."""

    cohorts: int = 0
    statuses: Counter = field(default_factory=Counter)  # EnrolmentStatus -> people
    end_reasons: Counter = field(default_factory=Counter)  # StatusReason | None -> people
    attendance: Counter = field(default_factory=Counter)  # band index -> people
    confirmed: Counter = field(default_factory=Counter)  # band index -> placements
    confirm_days: float = 0.0  # summed over the confirmed placements
    certificates: int = 0
    outcomes: Counter = field(default_factory=Counter)  # (months, Situation) -> people

    def add(self, other: "Figures") -> "Figures":
        self.cohorts += other.cohorts
        self.statuses.update(other.statuses)
        self.end_reasons.update(other.end_reasons)
        self.attendance.update(other.attendance)
        self.confirmed.update(other.confirmed)
        self.confirm_days += other.confirm_days
        self.certificates += other.certificates
        self.outcomes.update(other.outcomes)
        return self

    @property
    def ended(self) -> int:
        return self.statuses[EnrolmentStatus.FULLFORT] + self.statuses[EnrolmentStatus.AVBRUTT]

    @property
    def started(self) -> int:
        return self.ended + self.statuses[EnrolmentStatus.DELTAR]

    def followed_up(self, months: int) -> int:
        return sum(n for (m, _), n in self.outcomes.items() if m == months)

    def in_work(self, months: int) -> int:
        return sum(n for (m, s), n in self.outcomes.items() if m == months and s.in_work)


def figures(filters: Filters) -> dict[Key, Figures]:
    """Every figure of the reports for the cohorts in scope, in seven queries."""
    by_key: dict[Key, Figures] = defaultdict(Figures)
    scope = cohort_scope(filters)
    for add in (
        _add_cohorts,
        _add_statuses,
        _add_end_reasons,
        _add_attendance,
        _add_confirmation,
        _add_certificates,
        _add_outcomes,
    ):
        add(by_key, scope)
    return dict(by_key)


def cohort_scope(filters: Filters) -> list[ColumnElement[bool]]:
    conditions = []
    if filters.county_ids is not None:
        conditions.append(Cohort.county_id.in_(filters.county_ids))
    if filters.year is not None:
        conditions.append(start_year == filters.year)
    if filters.curriculum_version_id is not None:
        conditions.append(Cohort.curriculum_version_id == filters.curriculum_version_id)
    if filters.cohort_id is not None:
        conditions.append(Cohort.id == filters.cohort_id)
    return conditions


def rollup(by_key: dict[Key, Figures], part: int) -> dict[int, Figures]:
    """Per county (part=0) or per year (part=1) of the keys."""
    rolled: dict[int, Figures] = defaultdict(Figures)
    for key, figures_ in by_key.items():
        rolled[key[part]].add(figures_)
    return dict(sorted(rolled.items()))


def total(parts: Iterable[Figures]) -> Figures:
    result = Figures()
    for part in parts:
        result.add(part)
    return result


# The queries -------------------------------------------------------------------------------


def _grouped(*columns, scope: list[ColumnElement[bool]]):
    return select(*KEY_COLUMNS, *columns).where(*scope)


def _add_cohorts(by_key: dict[Key, Figures], scope) -> None:
    query = _grouped(func.count(Cohort.id), scope=scope).group_by(*KEY_COLUMNS)
    for *key, count in db.session.execute(query):
        by_key[tuple(key)].cohorts += count


def _add_statuses(by_key: dict[Key, Figures], scope) -> None:
    query = (
        _grouped(Enrolment.status, func.count(Enrolment.id), scope=scope)
        .join(Enrolment, Enrolment.cohort_id == Cohort.id)
        .group_by(*KEY_COLUMNS, Enrolment.status)
    )
    for *key, status, count in db.session.execute(query):
        by_key[tuple(key)].statuses[status] += count


def _add_end_reasons(by_key: dict[Key, Figures], scope) -> None:
    """Why people broke off: the reason on their current «Avbrutt» status."""
    query = (
        _grouped(StatusPeriod.reason, func.count(StatusPeriod.id), scope=scope)
        .join(Enrolment, Enrolment.cohort_id == Cohort.id)
        .join(StatusPeriod, StatusPeriod.enrolment_id == Enrolment.id)
        .where(
            Enrolment.status == EnrolmentStatus.AVBRUTT,
            StatusPeriod.status == EnrolmentStatus.AVBRUTT,
            StatusPeriod.valid_to.is_(None),
        )
        .group_by(*KEY_COLUMNS, StatusPeriod.reason)
    )
    for *key, reason, count in db.session.execute(query):
        by_key[tuple(key)].end_reasons[reason] += count


def _band(value, bounds) -> ColumnElement[int]:
    """The index of the band a value falls in: 0 below the first bound, and so on."""
    return case(
        *((value >= bound, len(bounds) - index) for index, bound in enumerate(reversed(bounds))),
        else_=0,
    )


def _add_attendance(by_key: dict[Key, Figures], scope) -> None:
    """Each trainee's share of recorded theory hours present, counted in bands."""
    per_trainee = (
        select(
            CourseSession.cohort_id.label("cohort_id"),
            (func.sum(AttendanceRecord.hours_present) / func.sum(CourseSession.hours)).label(
                "share"
            ),
        )
        .join(CourseSession, CourseSession.id == AttendanceRecord.session_id)
        .join(Cohort, Cohort.id == CourseSession.cohort_id)
        .where(CourseSession.status != SessionStatus.AVLYST, *scope)
        .group_by(CourseSession.cohort_id, AttendanceRecord.enrolment_id)
        .having(func.sum(CourseSession.hours) > 0)
        .subquery()
    )
    band = _band(per_trainee.c.share, ATTENDANCE_BANDS)
    query = (
        select(*KEY_COLUMNS, band, func.count())
        .join(per_trainee, per_trainee.c.cohort_id == Cohort.id)
        .group_by(*KEY_COLUMNS, band)
    )
    for *key, index, count in db.session.execute(query):
        by_key[tuple(key)].attendance[index] += count


def days_between(later, earlier) -> ColumnElement[float]:
    if db.session.get_bind().dialect.name == "sqlite":
        return func.julianday(later) - func.julianday(earlier)
    return extract("epoch", later - earlier) / 86400.0


def _add_confirmation(by_key: dict[Key, Figures], scope) -> None:
    """Days from a placement's request to its first confirmation by the partner."""
    confirmed = (
        select(PlacementEvent.placement_id, func.min(PlacementEvent.at).label("at"))
        .where(PlacementEvent.status == PlacementStatus.CONFIRMED)
        .group_by(PlacementEvent.placement_id)
        .subquery()
    )
    days = days_between(confirmed.c.at, Placement.created_at)
    band = _band(days, CONFIRMATION_BANDS)
    query = (
        _grouped(band, func.count(Placement.id), func.sum(days), scope=scope)
        .join(Enrolment, Enrolment.cohort_id == Cohort.id)
        .join(Placement, Placement.enrolment_id == Enrolment.id)
        .join(confirmed, confirmed.c.placement_id == Placement.id)
        .group_by(*KEY_COLUMNS, band)
    )
    for *key, index, count, summed in db.session.execute(query):
        figures_ = by_key[tuple(key)]
        figures_.confirmed[index] += count
        figures_.confirm_days += float(summed or 0)


def _add_certificates(by_key: dict[Key, Figures], scope) -> None:
    """Certificates that stand: neither revoked nor superseded."""
    query = (
        _grouped(func.count(Certificate.id), scope=scope)
        .join(Enrolment, Enrolment.cohort_id == Cohort.id)
        .join(Certificate, Certificate.enrolment_id == Enrolment.id)
        .where(Certificate.revoked_at.is_(None), Certificate.superseded_by_id.is_(None))
        .group_by(*KEY_COLUMNS)
    )
    for *key, count in db.session.execute(query):
        by_key[tuple(key)].certificates += count


def _add_outcomes(by_key: dict[Key, Figures], scope) -> None:
    query = (
        _grouped(
            OutcomeFollowUp.months,
            OutcomeFollowUp.situation,
            func.count(OutcomeFollowUp.id),
            scope=scope,
        )
        .join(Enrolment, Enrolment.cohort_id == Cohort.id)
        .join(OutcomeFollowUp, OutcomeFollowUp.enrolment_id == Enrolment.id)
        .group_by(*KEY_COLUMNS, OutcomeFollowUp.months, OutcomeFollowUp.situation)
    )
    for *key, months, situation, count in db.session.execute(query):
        by_key[tuple(key)].outcomes[(months, situation)] += count
