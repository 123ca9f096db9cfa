"""Progress as the pages show it: the facts evaluated, the matrix's order, the chart's data."""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from flask_babel import get_locale
from flask_babel import gettext as _
from sqlalchemy import and_, bindparam, select

from mbtrain.assessments.models import AssessmentResult
from mbtrain.attendance.models import AttendanceRecord
from mbtrain.cohorts.models import Cohort, CohortStatus
from mbtrain.curriculum.definition import Curriculum, ModuleKind
from mbtrain.curriculum.services import curriculum_for
from mbtrain.enrolments.models import EnrolmentStatus
from mbtrain.enums import LabelledEnum
from mbtrain.extensions import db
from mbtrain.placements.models import PlacementStatus
from mbtrain.progress import chart
from mbtrain.progress.completion import Criterion, CriterionState, evaluate
from mbtrain.progress.facts import (
    Assessed,
    CohortFacts,
    PlacementRow,
    Trainee,
    cohort_facts,
    roster,
)
from mbtrain.schedule.models import CourseSession, SessionStatus

# Which of a module's placements the matrix shows: the one that is going on or went ahead.
PLACEMENT_ORDER = (
    PlacementStatus.ACTIVE,
    PlacementStatus.CONFIRMED,
    PlacementStatus.COMPLETED,
    PlacementStatus.PROPOSED,
    PlacementStatus.CANCELLED,
    PlacementStatus.DECLINED,
)


@dataclass(frozen=True)
class TraineeProgress:
    trainee: Trainee
    criteria: list[Criterion]
    placements: list[PlacementRow]
    assessments: dict[str, Assessed]

    @property
    def warnings(self) -> list[Criterion]:
        return [c for c in self.criteria if c.state.warns]

    @property
    def complete(self) -> bool:
        return all(c.state is CriterionState.MET for c in self.criteria)

    def percent(self, key: str) -> int | None:
        return next((c.percent for c in self.criteria if c.key == key), None)

    def result(self, code: str) -> AssessmentResult | None:
        assessed = self.assessments.get(code)
        return assessed.result if assessed else None

    def placement(self, code: str) -> PlacementRow | None:
        """The placement that matters for a practice module: the going one, else the last."""
        own = [p for p in self.placements if p.module_code == code]
        return min(own, key=lambda p: PLACEMENT_ORDER.index(p.status), default=None)


def evaluate_all(
    curriculum: Curriculum, trainees: Sequence[Trainee], data: CohortFacts, today: date
) -> list[TraineeProgress]:
    """Each trainee's criteria. Pure: the facts are read already, so a page can commit its
    access-log row first and do this work without holding a transaction open."""
    rule, modules = curriculum.completion, curriculum.modules
    return [
        TraineeProgress(
            trainee,
            evaluate(rule, modules, data.facts[trainee.enrolment_id], today),
            data.placements[trainee.enrolment_id],
            data.assessments[trainee.enrolment_id],
        )
        for trainee in trainees
    ]


def progress_of(cohort: Cohort, trainees: Sequence[Trainee], today: date) -> list[TraineeProgress]:
    curriculum = curriculum_for(cohort.curriculum_version)
    return evaluate_all(curriculum, trainees, cohort_facts(cohort.id, trainees), today)


def cohort_warnings(cohort: Cohort, today: date) -> list[TraineeProgress]:
    """Trainees taking part now whose completion is in doubt, for the overview of a cohort
    that is running (before the start nothing is counted; after the end it is settled)."""
    if cohort.status is not CohortStatus.GJENNOMFORES:
        return []
    trainees = [t for t in roster(cohort.id) if t.status is EnrolmentStatus.DELTAR]
    return [p for p in progress_of(cohort, trainees, today) if p.warnings]


# The matrix ---------------------------------------------------------------------------

RESULT_MARKS = {
    AssessmentResult.GODKJENT: ("✓", "result-godkjent"),
    AssessmentResult.IKKE_GODKJENT: ("✗", "result-ikke-godkjent"),
    AssessmentResult.IKKE_VURDERT: ("–", "result-ikke-vurdert"),
}


_labels: dict[str, dict[LabelledEnum, str]] = {}


def matrix_labels() -> dict[LabelledEnum, str]:
    """The labels the matrix shows, translated once per language and process: the
    catalogs do not change while the app runs."""
    language = str(get_locale())
    if language not in _labels:
        enums = (AssessmentResult, EnrolmentStatus, PlacementStatus, CriterionState)
        _labels[language] = {member: member.label for enum in enums for member in enum}
    return _labels[language]


@dataclass(frozen=True)
class Cell:
    mark: str
    css: str
    label: str


@dataclass(frozen=True)
class MatrixRow:
    """One trainee's row as the matrix prints it: plain text, made once per page."""

    enrolment_id: int
    name: str
    status: str
    results: tuple[AssessmentResult, ...]
    theory: str
    practice: str
    placements: tuple[str, ...]
    warnings: tuple[str, ...]


def matrix_rows(
    rows: Sequence[TraineeProgress], curriculum: Curriculum
) -> tuple[list[MatrixRow], dict[AssessmentResult, Cell]]:
    """The rows, and the marks with their meaning for the legend. Every label is translated
    once for the page rather than once per cell."""
    labels = matrix_labels()
    cells = {
        result: Cell(mark, css, labels[result]) for result, (mark, css) in RESULT_MARKS.items()
    }
    codes = [m.code for m in curriculum.modules]
    practice = practice_codes(curriculum)
    none_yet = _("ingen ennå")

    def percent(value: int | None) -> str:
        return "–" if value is None else f"{value} %"

    def placement(row: TraineeProgress, code: str) -> str:
        found = row.placement(code)
        if found is None:
            return f"{code}: {none_yet}"
        return f"{code}: {labels[found.status]}, {found.organisation}"

    def warning(criterion: Criterion) -> str:
        share = f" ({criterion.percent} %)" if criterion.percent is not None else ""
        return f"{criterion.label}{share}: {labels[criterion.state].lower()}"

    printed = [
        MatrixRow(
            enrolment_id=row.trainee.enrolment_id,
            name=row.trainee.name,
            status=labels[row.trainee.status],
            results=tuple(row.result(code) or AssessmentResult.IKKE_VURDERT for code in codes),
            theory=percent(row.percent("theory")),
            practice=percent(row.percent("practice")),
            placements=tuple(placement(row, code) for code in practice),
            warnings=tuple(warning(c) for c in row.warnings),
        )
        for row in rows
    ]
    return printed, cells


# The matrix's order --------------------------------------------------------------------

RESULT_ORDER = {
    AssessmentResult.IKKE_GODKJENT: 0,
    None: 1,
    AssessmentResult.IKKE_VURDERT: 1,
    AssessmentResult.GODKJENT: 2,
}
FIXED_SORTS = ("name", "status", "theory", "practice", "warnings")


def sort_keys(curriculum: Curriculum) -> tuple[str, ...]:
    return FIXED_SORTS + tuple(m.code for m in curriculum.modules)


def sort_label(key: str) -> str:
    labels = {
        "name": _("navn"),
        "status": _("status"),
        "theory": _("oppmøte i teori"),
        "practice": _("oppmøte i praksis"),
        "warnings": _("antall varsler"),
    }
    return labels.get(key) or _("resultat i %(module)s", module=key)


def sort_value(progress: TraineeProgress, key: str) -> object:
    match key:
        case "name":
            return progress.trainee.name.casefold()
        case "status":
            return progress.trainee.status.label
        case "theory" | "practice":
            return progress.percent(key)
        case "warnings":
            return len(progress.warnings)
        case code:
            return RESULT_ORDER[progress.result(code)]


def sort_progress(
    rows: Sequence[TraineeProgress], key: str, descending: bool
) -> list[TraineeProgress]:
    """Sorted by a column; trainees without a value (no attendance yet) come last either
    way, and the name settles ties."""
    by_name = sorted(rows, key=lambda p: p.trainee.name.casefold())
    known = [p for p in by_name if sort_value(p, key) is not None]
    unknown = [p for p in by_name if sort_value(p, key) is None]
    return sorted(known, key=lambda p: sort_value(p, key), reverse=descending) + unknown


def practice_codes(curriculum: Curriculum) -> list[str]:
    return [m.code for m in curriculum.modules if m.kind is ModuleKind.PRACTICE]


# The chart -----------------------------------------------------------------------------


# The trainee's sessions with what was recorded for them (built once, bound per request).
SESSIONS = (
    select(
        CourseSession.date,
        CourseSession.hours,
        AttendanceRecord.status,
        AttendanceRecord.hours_present,
    )
    .outerjoin(
        AttendanceRecord,
        and_(
            AttendanceRecord.session_id == CourseSession.id,
            AttendanceRecord.enrolment_id == bindparam("enrolment_id"),
        ),
    )
    .where(
        CourseSession.cohort_id == bindparam("cohort_id"),
        CourseSession.status != SessionStatus.AVLYST,
    )
    .order_by(CourseSession.date)
)


def sessions_of(cohort_id: int, trainee: Trainee) -> list[chart.SessionRow]:
    """The trainee's sessions within their own time, with what was recorded, as rows."""
    rows = db.session.execute(
        SESSIONS, {"cohort_id": cohort_id, "enrolment_id": trainee.enrolment_id}
    )
    first, last = trainee.start_date or date.min, trainee.end_date or date.max
    return [chart.SessionRow(*row) for row in rows if first <= row[0] <= last]


def progress_chart(
    cohort: Cohort,
    curriculum: Curriculum,
    progress: TraineeProgress,
    sessions: Sequence[chart.SessionRow],
    today: date,
) -> chart.Chart:
    trainee = progress.trainee
    first = max(trainee.start_date or cohort.start_date, cohort.start_date)
    last = min(trainee.end_date or cohort.end_date, cohort.end_date, today)
    approvals = [
        a.assessed_on
        for a in progress.assessments.values()
        if a.result is AssessmentResult.GODKJENT and a.assessed_on is not None
    ]
    points = chart.monthly_points(curriculum.completion, sessions, approvals, first, last)
    return chart.build(points, len(curriculum.modules), curriculum.completion.min_attendance_theory)
