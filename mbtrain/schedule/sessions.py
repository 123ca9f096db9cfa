"""Single sessions of a cohort's timetable: added, moved, cancelled and restored by hand.

A session is checked against the cohort's calendar (its period, teaching days, holidays and
closed periods) and against the attendance already recorded for it. Flush, never commit.
"""

import logging
from dataclasses import dataclass
from datetime import date, time

from flask_babel import gettext as _
from sqlalchemy import func, select

from mbtrain.attendance.models import AttendanceRecord
from mbtrain.cohorts.models import Cohort
from mbtrain.concurrency import check_version
from mbtrain.curriculum.definition import ModuleKind
from mbtrain.curriculum.services import curriculum_for
from mbtrain.extensions import db
from mbtrain.schedule.models import CourseSession, SessionStatus
from mbtrain.schedule.rules import format_hours
from mbtrain.schedule.services import ScheduleError, calendar_of

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class SessionFields:
    module_code: str
    date: date
    starts_at: time
    hours: float
    location: str
    note: str


def add_session(cohort: Cohort, fields: SessionFields) -> CourseSession:
    _check_session(cohort, fields)
    session = CourseSession(
        cohort_id=cohort.id,
        module_code=fields.module_code,
        date=fields.date,
        starts_at=fields.starts_at,
        hours=fields.hours,
        location=fields.location.strip(),
        note=fields.note.strip(),
    )
    db.session.add(session)
    db.session.flush()
    log.info("session %s added to cohort %s", session.id, cohort.id)
    return session


def change_session(
    cohort: Cohort, session: CourseSession, fields: SessionFields, version: int | None
) -> None:
    """Move a session to another day or time, or change its hours, place or note, from the
    form opened on ``version`` of it (StaleEdit if it was saved since)."""
    check_version(session.version, version)
    _check_session(cohort, fields)
    most = _most_hours_recorded(session)
    if most is not None and fields.hours < most:
        raise ScheduleError(
            _(
                "Oppmøte er registrert med opptil %(hours)s timer for denne økten. "
                "Timetallet kan ikke settes lavere.",
                hours=format_hours(most),
            ),
            field="hours",
        )
    session.module_code = fields.module_code
    session.date = fields.date
    session.starts_at = fields.starts_at
    session.hours = fields.hours
    session.location = fields.location.strip()
    session.note = fields.note.strip()
    db.session.flush()


def cancel_session(session: CourseSession, note: str) -> None:
    if session.status is SessionStatus.AVLYST:
        raise ScheduleError(_("Økten er allerede avlyst."))
    if has_attendance(session):
        raise ScheduleError(
            _("Oppmøte er registrert for denne økten, så den kan ikke avlyses."),
        )
    session.status = SessionStatus.AVLYST
    if note.strip():
        session.note = note.strip()
    db.session.flush()


def restore_session(session: CourseSession) -> None:
    if session.status is not SessionStatus.AVLYST:
        raise ScheduleError(_("Økten er ikke avlyst."))
    session.status = SessionStatus.PLANLAGT
    db.session.flush()


def has_attendance(session: CourseSession) -> bool:
    return _most_hours_recorded(session) is not None


def _most_hours_recorded(session: CourseSession) -> float | None:
    return db.session.scalar(
        select(func.max(AttendanceRecord.hours_present)).where(
            AttendanceRecord.session_id == session.id
        )
    )


def _check_session(cohort: Cohort, fields: SessionFields) -> None:
    module = curriculum_for(cohort.curriculum_version).module(fields.module_code)
    if module is None or module.kind is ModuleKind.PRACTICE:
        raise ScheduleError(_("Velg en teori- eller prosjektmodul fra læreplanen."), "module_code")
    if not cohort.start_date <= fields.date <= cohort.end_date:
        raise ScheduleError(
            _(
                "Datoen må ligge innenfor kursets periode (%(first)s–%(last)s).",
                first=cohort.start_date.strftime("%d.%m.%Y"),
                last=cohort.end_date.strftime("%d.%m.%Y"),
            ),
            "date",
        )
    reason = calendar_of(cohort).day_off(fields.date)
    if reason:
        raise ScheduleError(
            _("Kurset har ikke undervisning denne dagen (%(reason)s).", reason=reason), "date"
        )
    if not 0 < fields.hours <= 12:
        raise ScheduleError(_("Velg mellom 0,5 og 12 timer."), "hours")
