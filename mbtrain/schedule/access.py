"""A course session for a page, within a cohort this user may see."""

from flask import abort
from sqlalchemy import select

from mbtrain.cohorts.access import load_cohort
from mbtrain.cohorts.models import Cohort
from mbtrain.extensions import db
from mbtrain.schedule.models import CourseSession


def load_session(cohort_id: int, session_id: int) -> tuple[Cohort, CourseSession]:
    """The session if its cohort is visible to this user (taught, or in their county); else 404."""
    cohort = load_cohort(cohort_id)
    session = db.session.scalar(
        select(CourseSession).where(
            CourseSession.id == session_id, CourseSession.cohort_id == cohort.id
        )
    )
    if session is None:
        abort(404)
    return cohort, session
