"""The demo's timetables and attendance look like a real year."""

from collections import defaultdict

import pytest
from sqlalchemy import select

from mbtrain.attendance.models import AttendanceRecord
from mbtrain.attendance.rules import Entry, summarise
from mbtrain.cohorts.models import Cohort, CohortStatus
from mbtrain.curriculum.definition import AttendanceStatus
from mbtrain.curriculum.loader import shipped_curricula
from mbtrain.enrolments.models import Enrolment
from mbtrain.extensions import db
from mbtrain.i18n import today
from mbtrain.schedule.models import CourseSession, PracticePeriod, SessionStatus
from mbtrain.schedule.services import calendar_of


@pytest.fixture
def built(demo_data):
    return demo_data


def test_every_cohort_that_runs_has_a_timetable_on_open_days(built):
    for cohort in db.session.scalars(select(Cohort)):
        sessions = db.session.scalars(
            select(CourseSession).where(CourseSession.cohort_id == cohort.id)
        ).all()
        periods = db.session.scalars(
            select(PracticePeriod).where(PracticePeriod.cohort_id == cohort.id)
        ).all()
        if cohort.status is CohortStatus.AVLYST:
            assert not sessions
            continue
        assert len(periods) == 2, cohort.name
        calendar = calendar_of(cohort)
        assert all(calendar.day_off(s.date) is None for s in sessions), cohort.name
        assert all(cohort.start_date <= s.date <= cohort.end_date for s in sessions)
        assert any(s.status is SessionStatus.AVLYST for s in sessions), cohort.name


def test_attendance_is_kept_for_held_sessions_and_one_trainee_falls_below_80(built):
    rows = db.session.execute(
        select(
            Enrolment.cohort_id,
            AttendanceRecord.enrolment_id,
            CourseSession.date,
            CourseSession.status,
            CourseSession.hours,
            AttendanceRecord.status.label("attendance"),
            AttendanceRecord.hours_present,
        )
        .join(CourseSession, CourseSession.id == AttendanceRecord.session_id)
        .join(Enrolment, Enrolment.id == AttendanceRecord.enrolment_id)
    ).all()
    assert rows
    assert all(row.date < today() and row.status is SessionStatus.PLANLAGT for row in rows)
    assert {row.attendance for row in rows} == set(AttendanceStatus)
    entries = defaultdict(list)
    for row in rows:
        entries[row.enrolment_id].append(Entry(row.hours, row.attendance, row.hours_present))
    rule = shipped_curricula()[0].completion
    below = [
        enrolment
        for enrolment, items in entries.items()
        if not summarise(items, rule.counts_against_attendance).meets(rule.min_attendance_theory)
    ]
    assert len(below) == 1
