"""A course session for a page, within a cohort this user may see."""

from flask import abort
from sqlalchemy import select

from mbtrain.cohorts.access import load_cohort
from mbtrain.cohorts.models import Cohort
from mbtrain.extensions import db
from mbtrain.people.access import own_person
from mbtrain.people.models import Person
from mbtrain.schedule.feeds import feed_by_token
from mbtrain.schedule.models import CalendarFeed, CourseSession


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


def load_own_person() -> Person:
    """The signed-in user's own person record; 404 for a user who has none."""
    person = own_person()
    if person is None:
        abort(404)
    return person


def load_feed(token: str) -> CalendarFeed:
    """The live feed with this token, for anyone who has it; 404 for any other token."""
    feed = feed_by_token(token)
    if feed is None:
        abort(404)
    return feed
