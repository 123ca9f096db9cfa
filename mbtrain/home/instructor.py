"""The instructor's list of work: today's and the last sessions of the cohorts they teach,
each with its attendance sheet."""

from datetime import date

from flask import url_for
from flask_babel import gettext as _
from sqlalchemy import exists, select

from mbtrain.accounts.models import User
from mbtrain.attendance.models import AttendanceRecord
from mbtrain.cohorts.models import Cohort, CohortStatus
from mbtrain.extensions import db
from mbtrain.filters import clock, day_year
from mbtrain.home.work import Group, Task
from mbtrain.policy import visible_cohorts
from mbtrain.schedule.models import CourseSession, SessionStatus

LAST_SESSIONS = 6


def instructor_work(user: User, today: date) -> list[Group]:
    """Two groups from one query: today's sessions, and the last ones held before today
    (those without attendance first to the eye: their note says so)."""
    recorded = exists().where(AttendanceRecord.session_id == CourseSession.id)
    rows = db.session.execute(
        select(
            CourseSession.id,
            CourseSession.cohort_id,
            CourseSession.date,
            CourseSession.starts_at,
            CourseSession.module_code,
            Cohort.name,
            recorded,
        )
        .join(Cohort, Cohort.id == CourseSession.cohort_id)
        .where(
            visible_cohorts(user),
            Cohort.status == CohortStatus.GJENNOMFORES,
            CourseSession.status != SessionStatus.AVLYST,
            CourseSession.date <= today,
        )
        .order_by(CourseSession.date.desc(), CourseSession.starts_at.desc(), CourseSession.id)
        .limit(LAST_SESSIONS + 10)
    ).all()
    todays = Group("today", _("Dagens økter"), empty=_("Ingen økter i dag."))
    last = Group("last", _("Siste økter"), empty=_("Ingen økter er holdt ennå."))
    for session_id, cohort_id, day, starts_at, module, cohort, has_attendance in rows:
        url = url_for("attendance.attendance_sheet", cohort_id=cohort_id, session_id=session_id)
        state = _("oppmøte registrert") if has_attendance else _("oppmøte ikke registrert")
        if day == today:
            text = _("Oppmøte kl. %(start)s, %(module)s", start=clock(starts_at), module=module)
            todays.add(Task(text, url, f"{cohort} – {state}"))
        elif len(last.tasks) < LAST_SESSIONS:
            text = _("Oppmøte %(date)s, %(module)s", date=day_year(day), module=module)
            last.add(Task(text, url, f"{cohort} – {state}"))
    return [todays, last]
