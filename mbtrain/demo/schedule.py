"""Timetables and attendance: every cohort that runs planned by the schedule service, closed
for Christmas and summer, and its sheets kept through the attendance service for the sessions
already held."""

import random
from collections import defaultdict
from datetime import date, timedelta

from sqlalchemy import select, update

from mbtrain.accounts.models import Role
from mbtrain.attendance import services as attendance
from mbtrain.attendance.models import AttendanceRecord
from mbtrain.cohorts import services as cohort_services
from mbtrain.cohorts.models import Cohort, CohortStatus
from mbtrain.curriculum.definition import AttendanceStatus as A
from mbtrain.demo.base import LOGIN_EMAILS, SEED, VESTLAND, at, draw
from mbtrain.demo.cohorts import trainees
from mbtrain.enrolments.models import EnrolmentStatus
from mbtrain.extensions import db
from mbtrain.i18n import today
from mbtrain.schedule import services as schedule_services
from mbtrain.schedule import sessions as schedule_sessions
from mbtrain.schedule.models import CourseSession, SessionStatus

# The weeks every cohort is closed.
CLOSED_EACH_YEAR = (
    ((12, 21), (1, 1), "Juleferie"),
    ((7, 6), (7, 31), "Sommerferie"),
)
CANCELLED_NOTE = "Kursholder er syk. Temaet tas igjen senere."
# Attendance drawn for a session: (status, share); partial presence is a share of "present".
ATTENDANCE_MIX = ((A.TIL_STEDE, 0.95), (A.SYK, 0.03), (A.AVTALT_FRAVAER, 0.01), (A.IKKE_MOTT, 0.01))
STRUGGLING_MIX = ((A.TIL_STEDE, 0.64), (A.SYK, 0.22), (A.AVTALT_FRAVAER, 0.04), (A.IKKE_MOTT, 0.10))
SHORTEST_CLOSURE = timedelta(days=4)
MOST_MISSED = 0.12  # share of held hours a trainee who does well misses at most
LEAST_MISSED_WHEN_STRUGGLING = 0.25


def seed_schedules() -> None:
    """Timetables for every cohort that runs, closed for Christmas and summer, with
    attendance for the sessions already held: mostly present, some sick, a few absent, and
    one trainee in the running Bergen cohort below 80 % so that the warnings show."""
    rng = random.Random(SEED)
    cohorts = db.session.scalars(select(Cohort).order_by(Cohort.id)).all()
    for cohort in cohorts:
        if cohort.status.cancelled:
            continue
        for first, last, description in closed_periods_of(cohort):
            cohort_services.add_closed_period(cohort, first, last, description)
        schedule_services.write_schedule(cohort, schedule_services.plan_for(cohort))
        sessions = db.session.scalars(
            select(CourseSession)
            .where(CourseSession.cohort_id == cohort.id)
            .order_by(CourseSession.date, CourseSession.starts_at)
        ).all()
        cancel_two_sessions(sessions)
        seed_attendance(cohort, sessions, rng)
    db.session.flush()


def closed_periods_of(cohort: Cohort) -> list[tuple[date, date, str]]:
    periods = []
    for year in range(cohort.start_date.year, cohort.end_date.year + 1):
        for (m1, d1), (m2, d2), description in CLOSED_EACH_YEAR:
            first = date(year, m1, d1)
            last = date(year + (m2 < m1), m2, d2)
            first, last = max(first, cohort.start_date), min(last, cohort.end_date)
            if last - first >= SHORTEST_CLOSURE:
                periods.append((first, last, description))
    return periods


def cancel_two_sessions(sessions: list[CourseSession]) -> None:
    """One session cancelled in the past and one ahead, as happens."""
    past = [s for s in sessions if s.date < today()]
    ahead = [s for s in sessions if s.date > today()]
    for chosen in (past[len(past) // 2] if past else None, ahead[3] if len(ahead) > 3 else None):
        if chosen is not None:
            schedule_sessions.cancel_session(chosen, CANCELLED_NOTE)


def seed_attendance(cohort: Cohort, sessions: list[CourseSession], rng: random.Random) -> None:
    """Each held session's sheet saved by the cohort's first instructor through the
    attendance service (who is on it is the service's rule), dated that afternoon."""
    held = [s for s in sessions if s.date < today() and s.status is SessionStatus.PLANLAGT]
    if not held:
        return
    struggling = struggling_trainee(cohort)
    recorder = cohort.instructors[0]
    held_hours: dict[int, float] = defaultdict(float)
    missed_hours: dict[int, float] = defaultdict(float)
    for session in held:
        entries = []
        on_sheet = sorted(row.enrolment_id for row in attendance.sheet_rows(session))
        for enrolment_id in on_sheet:
            mix = STRUGGLING_MIX if enrolment_id == struggling else ATTENDANCE_MIX
            status, hours = draw(rng, mix), session.hours
            if status is A.TIL_STEDE and rng.random() < 0.03:
                hours -= rng.choice((1, 1.5, 2))  # came late or left early
            # Chance alone could put anyone below 80 %; keep the one who struggles the only one.
            held_hours[enrolment_id] += session.hours
            missed = missed_hours[enrolment_id] + (
                session.hours - hours if status is A.TIL_STEDE else session.hours
            )
            share = missed / held_hours[enrolment_id]
            if enrolment_id != struggling and share > MOST_MISSED:
                status, hours = A.TIL_STEDE, session.hours
            elif enrolment_id == struggling and share < LEAST_MISSED_WHEN_STRUGGLING:
                status = A.SYK
            if status is not A.TIL_STEDE:
                hours = 0.0
            missed_hours[enrolment_id] += session.hours - hours
            entries.append(attendance.SheetEntry(enrolment_id, status, hours or None))
        # Saved on the day, as an instructor does: a late save would have to say why.
        attendance.save_sheet(
            session, entries, session.attendance_version, recorder, today=session.date
        )
        db.session.execute(
            update(AttendanceRecord)
            .where(AttendanceRecord.session_id == session.id)
            .values(recorded_at=at(session.date, 15))
            .execution_options(synchronize_session=False)
        )


def struggling_trainee(cohort: Cohort) -> int | None:
    """In the running cohort, one trainee (never the printed login) whose attendance slips."""
    if cohort.status is not CohortStatus.GJENNOMFORES or cohort.county.code != VESTLAND:
        return None
    candidates = [
        enrolment.id
        for enrolment in trainees(cohort, EnrolmentStatus.DELTAR)
        if enrolment.person.email != LOGIN_EMAILS[Role.TRAINEE]
    ]
    return candidates[2] if len(candidates) > 2 else None
