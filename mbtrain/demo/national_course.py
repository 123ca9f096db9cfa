"""The national history's courses: each cohort's timetable (theory on Mondays and Tuesdays,
each practice period in one block), attendance at every session a trainee attended, and the
module results and project of those who completed. Bulk rows, as the services leave them."""

import random
from dataclasses import dataclass
from datetime import date, time, timedelta

from sqlalchemy import insert

from mbtrain.assessments.models import AssessmentResult, ModuleAssessment, ProjectAssignment
from mbtrain.attendance.models import AttendanceRecord
from mbtrain.curriculum.definition import AttendanceStatus as A
from mbtrain.curriculum.definition import Module, ModuleKind
from mbtrain.demo.base import at_utc, insert_returning
from mbtrain.enrolments.models import EnrolmentStatus as S
from mbtrain.extensions import db
from mbtrain.schedule.models import CourseSession, PracticePeriod

HOURS_PER_DAY = 5.0
TEACHING_WEEKDAYS = (0, 1)  # Monday and Tuesday
PROJECTS = (
    "Brukermedvirkning i eget arbeid",
    "Veien tilbake til arbeid",
    "Likepersonsarbeid i kommunen",
    "Mestring i hverdagen",
)


@dataclass(frozen=True)
class Timetable:
    sessions: tuple[tuple[str, date, float], ...]  # module, day, hours
    practice: tuple[tuple[str, date, date], ...]  # module, first day, last day

    @property
    def last_day(self) -> date:
        """The day the last session or practice period ends."""
        return max(
            [day for _code, day, _hours in self.sessions] + [b for _c, _a, b in self.practice]
        )


def first_monday(year: int, month: int) -> date:
    day = date(year, month, 1)
    return day + timedelta(days=(7 - day.weekday()) % 7)


def timetable(modules: tuple[Module, ...], start: date) -> Timetable:
    """Theory on Mondays and Tuesdays, module after module; each practice period takes its
    weeks in one block."""
    sessions, practice, day = [], [], start
    for module in modules:
        if module.kind is ModuleKind.PRACTICE:
            weeks = module.weeks or 10
            practice.append((module.code, day, day + timedelta(weeks=weeks) - timedelta(days=3)))
            day += timedelta(weeks=weeks)
            continue
        left = module.hours
        while left > 0:
            if day.weekday() in TEACHING_WEEKDAYS:
                hours = min(HOURS_PER_DAY, left)
                sessions.append((module.code, day, hours))
                left -= hours
            day += timedelta(days=1)
        day += timedelta(days=(7 - day.weekday()) % 7)  # the next module starts on a Monday
    return Timetable(tuple(sessions), tuple(practice))


def insert_timetable(cohort_id: int, plan: Timetable, today: date) -> list[tuple[int, date, float]]:
    """The cohort's sessions (those before today with their sheet saved once) and practice
    periods; returns (session id, day, hours) for each session."""
    session_ids = insert_returning(
        CourseSession,
        [
            {
                "cohort_id": cohort_id,
                "module_code": code,
                "date": day,
                "starts_at": time(9),
                "hours": hours,
                "attendance_version": 1 if day < today else 0,
            }
            for code, day, hours in plan.sessions
        ],
    )
    db.session.execute(
        insert(PracticePeriod),
        [
            {"cohort_id": cohort_id, "module_code": code, "start_date": a, "end_date": b}
            for code, a, b in plan.practice
        ],
    )
    return [
        (sid, day, hours) for sid, (_, day, hours) in zip(session_ids, plan.sessions, strict=True)
    ]


def attendance(
    rng: random.Random,
    today: date,
    min_theory: float,
    trainees: list[dict],
    sessions: list[tuple[int, date, float]],
    recorder: int,
) -> None:
    rows = []
    for t in trainees:
        last = min(t["end"] or today, today - timedelta(days=1))
        # Those who completed met the attendance rule: their absence stays within it (of
        # the sessions up to their end date, which the rule counts).
        total = sum(hours for _sid, day, hours in sessions if day <= last)
        allowed = (1 - min_theory) * total if t["final"] is S.FULLFORT else total
        absent = 0.0
        for session_id, day, hours in sessions:
            if day > last:
                break
            status, present = A.TIL_STEDE, hours
            if rng.random() < t["absence"] and absent + hours <= allowed:
                absent += hours
                status = rng.choice((A.SYK, A.SYK, A.AVTALT_FRAVAER, A.IKKE_MOTT))
                present = 0.0
            rows.append(
                {
                    "session_id": session_id,
                    "enrolment_id": t["id"],
                    "status": status,
                    "hours_present": present,
                    "recorded_by_id": recorder,
                    "recorded_at": at_utc(day, 15),
                }
            )
    if rows:
        db.session.execute(insert(AttendanceRecord.__table__), rows)


def assessments(
    rng: random.Random,
    modules: tuple[Module, ...],
    trainees: list[dict],
    plan: Timetable,
    by: int,
) -> None:
    """Every module approved on its last day, and the project approved, for those who
    completed."""
    finished = [t for t in trainees if t["final"] is S.FULLFORT]
    if not finished:
        return
    last_day: dict[str, date] = {}
    for code, day, _hours in plan.sessions:
        last_day[code] = day
    for code, _first, last in plan.practice:
        last_day[code] = last
    db.session.execute(
        insert(ModuleAssessment),
        [
            {
                "enrolment_id": t["id"],
                "module_code": module.code,
                "result": AssessmentResult.GODKJENT,
                "assessed_on": last_day.get(module.code, t["end"]),
                "assessor_id": by,
            }
            for t in finished
            for module in modules
        ],
    )
    db.session.execute(
        insert(ProjectAssignment),
        [
            {
                "enrolment_id": t["id"],
                "title": rng.choice(PROJECTS),
                "approved": True,
                "approved_on": t["end"] - timedelta(days=14),
                "approved_by_id": by,
            }
            for t in finished
        ],
    )
