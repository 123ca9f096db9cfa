"""The facts the completion rule is evaluated on, for every trainee of a cohort at once.

A fixed number of queries whatever the cohort's size: sums and counts are made in SQL with
GROUP BY, and what comes back are plain rows, never ORM objects per record. The cohort
matrix, the trainee's own page and the warnings on the cohort overview all read from here.
"""

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import Result, Select, and_, bindparam, func, or_, select
from sqlalchemy.orm import defer, joinedload

from mbtrain.accounts.models import User
from mbtrain.assessments.models import AssessmentResult, ModuleAssessment, ProjectAssignment
from mbtrain.attendance.models import AttendanceRecord
from mbtrain.cohorts.models import Cohort
from mbtrain.curriculum.definition import AttendanceStatus
from mbtrain.curriculum.models import CurriculumVersion
from mbtrain.enrolments.models import Enrolment, EnrolmentStatus
from mbtrain.extensions import db
from mbtrain.organisations.models import Organisation
from mbtrain.people.models import Person
from mbtrain.placements.models import FinalEvaluation, HoursEntry, Placement, PlacementStatus
from mbtrain.progress.completion import PlacementFacts, TheoryFacts, TraineeFacts, week_starts
from mbtrain.schedule.models import CourseSession, SessionStatus

# Whose progress is followed: those who hold a place or have been in the course.
FOLLOWED = (
    EnrolmentStatus.VENTER_PA_OPPSTART,
    EnrolmentStatus.DELTAR,
    EnrolmentStatus.FULLFORT,
    EnrolmentStatus.AVBRUTT,
)
# Placements whose hours count; a cancelled one counts up to its last confirmed week.
COUNTED_PLACEMENTS = (
    PlacementStatus.CONFIRMED,
    PlacementStatus.ACTIVE,
    PlacementStatus.COMPLETED,
    PlacementStatus.CANCELLED,
)


@dataclass(frozen=True)
class Trainee:
    enrolment_id: int
    person_id: int
    user_id: int | None
    name: str
    date_of_birth: date
    status: EnrolmentStatus
    start_date: date | None
    end_date: date | None
    planned_theory_hours: float
    project_title: str | None
    project_approved: bool


@dataclass(frozen=True)
class PlacementRow:
    id: int
    enrolment_id: int
    module_code: str
    organisation: str
    status: PlacementStatus
    start_date: date
    end_date: date
    weekly_hours: float
    confirmed_hours: float
    last_confirmed_week: date | None
    passed: bool | None

    @property
    def planned_hours(self) -> float:
        return self.weekly_hours * len(week_starts(self.start_date, self.end_date))


@dataclass(frozen=True)
class Assessed:
    result: AssessmentResult
    assessed_on: date | None
    assessor: str | None
    comment: str


@dataclass
class CohortFacts:
    """Everything the progress pages show about the trainees asked for, by enrolment id."""

    facts: dict[int, TraineeFacts] = field(default_factory=dict)
    placements: dict[int, list[PlacementRow]] = field(default_factory=dict)
    assessments: dict[int, dict[str, Assessed]] = field(default_factory=dict)


# The cohort ---------------------------------------------------------

# What the progress pages show of a cohort; the curriculum's text is not read.
COHORT_OPTIONS = (
    joinedload(Cohort.county),
    joinedload(Cohort.curriculum_version).options(
        defer(CurriculumVersion.content), defer(CurriculumVersion.source)
    ),
)


def cohort_query():
    return select(Cohort).options(*COHORT_OPTIONS)


# The statements -------------------------------------------------------------------------
#
# Built once, when the module is imported, with bound parameters: a request only binds its
# values and runs them (SQLAlchemy's compiled cache does the rest). Each comes in two forms,
# for the whole cohort and for one of its trainees.


@dataclass(frozen=True)
class Scoped:
    cohort: Select
    one: Select
    many: Select

    def run_many(self, cohort_ids: Sequence[int]) -> Result:
        """For several cohorts at once (a home page's list of work)."""
        return db.session.connection().execute(self.many, {"cohort_ids": list(cohort_ids)})

    def run(self, cohort_id: int, enrolment_id: int | None = None) -> Result:
        # Rows only: run on the session's connection, past the ORM's object machinery.
        connection = db.session.connection()
        if enrolment_id is None:
            return connection.execute(self.cohort, {"cohort_id": cohort_id})
        return connection.execute(self.one, {"cohort_id": cohort_id, "enrolment_id": enrolment_id})


def scoped(statement: Select) -> Scoped:
    """``statement`` (which joins Enrolment) for a cohort, and for one of its enrolments."""
    cohort = statement.where(Enrolment.cohort_id == bindparam("cohort_id"))
    many = statement.where(Enrolment.cohort_id.in_(bindparam("cohort_ids", expanding=True)))
    return Scoped(cohort, cohort.where(Enrolment.id == bindparam("enrolment_id")), many)


# Hours of the cohort's sessions within each trainee's own start and end.
_PLANNED_THEORY = (
    select(func.coalesce(func.sum(CourseSession.hours), 0))
    .where(
        CourseSession.cohort_id == Enrolment.cohort_id,
        CourseSession.status != SessionStatus.AVLYST,
        or_(Enrolment.start_date.is_(None), CourseSession.date >= Enrolment.start_date),
        or_(Enrolment.end_date.is_(None), CourseSession.date <= Enrolment.end_date),
    )
    .correlate(Enrolment)
    .scalar_subquery()
)
ROSTER = scoped(
    select(
        Enrolment.id,
        Enrolment.person_id,
        Person.user_id,
        Person.name,
        Person.date_of_birth,
        Enrolment.status,
        Enrolment.start_date,
        Enrolment.end_date,
        _PLANNED_THEORY,
        ProjectAssignment.title,
        func.coalesce(ProjectAssignment.approved, False),
        Enrolment.cohort_id,
    )
    .join(Person, Person.id == Enrolment.person_id)
    .outerjoin(ProjectAssignment, ProjectAssignment.enrolment_id == Enrolment.id)
    .where(Enrolment.status.in_(FOLLOWED))
    .order_by(Person.name, Enrolment.id)
)
ATTENDANCE = scoped(
    select(
        AttendanceRecord.enrolment_id,
        AttendanceRecord.status,
        func.sum(CourseSession.hours),
        func.sum(AttendanceRecord.hours_present),
    )
    .join(CourseSession, CourseSession.id == AttendanceRecord.session_id)
    .join(Enrolment, Enrolment.id == AttendanceRecord.enrolment_id)
    .where(CourseSession.status != SessionStatus.AVLYST)
    .group_by(AttendanceRecord.enrolment_id, AttendanceRecord.status)
)
ASSESSMENTS = scoped(
    select(
        ModuleAssessment.enrolment_id,
        ModuleAssessment.module_code,
        ModuleAssessment.result,
        ModuleAssessment.assessed_on,
        User.name,
        ModuleAssessment.comment,
    )
    .join(Enrolment, Enrolment.id == ModuleAssessment.enrolment_id)
    .outerjoin(User, User.id == ModuleAssessment.assessor_id)
)
# Placements with their confirmed hours (a week is confirmed once it has a signature).
PLACEMENTS = scoped(
    select(
        Placement.id,
        Placement.enrolment_id,
        Placement.module_code,
        Organisation.name,
        Placement.status,
        Placement.start_date,
        Placement.end_date,
        Placement.weekly_hours,
        func.coalesce(func.sum(HoursEntry.hours), 0),
        func.max(HoursEntry.week_start),
        FinalEvaluation.passed,
    )
    .join(Enrolment, Enrolment.id == Placement.enrolment_id)
    .join(Organisation, Organisation.id == Placement.organisation_id)
    .outerjoin(
        HoursEntry,
        and_(
            HoursEntry.placement_id == Placement.id,
            HoursEntry.confirmed_signature_id.is_not(None),
        ),
    )
    .outerjoin(FinalEvaluation, FinalEvaluation.placement_id == Placement.id)
    .group_by(Placement.id, Organisation.name, FinalEvaluation.passed)
    .order_by(Placement.start_date, Placement.id)
)


# The trainees --------------------------------------------------------------------------


def roster(cohort_id: int, enrolment_id: int | None = None) -> list[Trainee]:
    """The cohort's followed trainees (or the one asked for), by name, with their planned
    theory hours (the sessions between their own start and end) and their project."""
    return [
        Trainee(*row[:8], float(row[8] or 0), row[9], bool(row[10]))
        for row in ROSTER.run(cohort_id, enrolment_id)
    ]


def rosters(cohort_ids: Sequence[int]) -> dict[int, list[Trainee]]:
    """The followed trainees of several cohorts, by cohort id, in one query."""
    found: dict[int, list[Trainee]] = defaultdict(list)
    for row in ROSTER.run_many(cohort_ids) if cohort_ids else ():
        found[row[11]].append(Trainee(*row[:8], float(row[8] or 0), row[9], bool(row[10])))
    return found


# The facts -----------------------------------------------------------------------------


def cohort_facts(cohort_id: int, trainees: Sequence[Trainee]) -> CohortFacts:
    """The facts of these trainees of one cohort, in three queries (for the whole cohort,
    or for the one trainee when only one is asked for)."""
    if not trainees:
        return CohortFacts()
    one = trainees[0].enrolment_id if len(trainees) == 1 else None
    return _collect(
        trainees,
        _attendance(ATTENDANCE.run(cohort_id, one)),
        _assessments(ASSESSMENTS.run(cohort_id, one)),
        _placements(PLACEMENTS.run(cohort_id, one)),
    )


def cohorts_facts(cohort_ids: Sequence[int], trainees: Sequence[Trainee]) -> CohortFacts:
    """The facts of these trainees of several cohorts, in the same three queries."""
    if not trainees:
        return CohortFacts()
    return _collect(
        trainees,
        _attendance(ATTENDANCE.run_many(cohort_ids)),
        _assessments(ASSESSMENTS.run_many(cohort_ids)),
        _placements(PLACEMENTS.run_many(cohort_ids)),
    )


def _collect(
    trainees: Sequence[Trainee],
    attendance: dict[int, tuple[float, float, dict[AttendanceStatus, float]]],
    assessments: dict[int, dict[str, Assessed]],
    placements: dict[int, list[PlacementRow]],
) -> CohortFacts:
    result = CohortFacts()
    for trainee in trainees:
        recorded, present, absent = attendance.get(trainee.enrolment_id, (0.0, 0.0, {}))
        own_placements = placements.get(trainee.enrolment_id, [])
        assessed = assessments.get(trainee.enrolment_id, {})
        result.facts[trainee.enrolment_id] = TraineeFacts(
            theory=TheoryFacts(trainee.planned_theory_hours, recorded, present, absent),
            placements=[
                PlacementFacts(
                    p.module_code,
                    p.start_date,
                    p.end_date,
                    p.weekly_hours,
                    p.confirmed_hours,
                    p.last_confirmed_week,
                    ongoing=p.status is not PlacementStatus.CANCELLED,
                )
                for p in own_placements
                if p.status in COUNTED_PLACEMENTS
            ],
            results={code: a.result for code, a in assessed.items()},
            final_evaluations=_passed_by_module(own_placements),
            project_title=trainee.project_title,
            project_approved=trainee.project_approved,
        )
        result.placements[trainee.enrolment_id] = own_placements
        result.assessments[trainee.enrolment_id] = assessed
    return result


def _attendance(rows: Result) -> dict[int, tuple[float, float, dict[AttendanceStatus, float]]]:
    """(hours recorded, hours present, hours absent by status) per trainee."""
    totals: dict[int, tuple[float, float, dict[AttendanceStatus, float]]] = {}
    for trainee, status, hours, present in rows:
        recorded, present_so_far, absent = totals.get(trainee, (0.0, 0.0, {}))
        hours, present = float(hours or 0), float(present or 0)
        absent[status] = absent.get(status, 0.0) + max(hours - present, 0.0)
        totals[trainee] = (recorded + hours, present_so_far + present, absent)
    return totals


def _assessments(rows: Result) -> dict[int, dict[str, Assessed]]:
    found: dict[int, dict[str, Assessed]] = defaultdict(dict)
    for trainee, code, *assessed in rows:
        found[trainee][code] = Assessed(*assessed)
    return found


def _placements(rows: Result) -> dict[int, list[PlacementRow]]:
    found: dict[int, list[PlacementRow]] = defaultdict(list)
    for row in rows:
        placement = PlacementRow(*row[:8], float(row[8]), *row[9:])
        found[placement.enrolment_id].append(placement)
    return found


def _passed_by_module(placements: Sequence[PlacementRow]) -> dict[str, bool]:
    """Per practice module: passed if any placement's final evaluation was passed."""
    passed: dict[str, bool] = {}
    for placement in placements:
        if placement.passed is not None:
            passed[placement.module_code] = passed.get(placement.module_code, False) or (
                placement.passed
            )
    return passed
