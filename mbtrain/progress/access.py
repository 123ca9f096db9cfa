"""The cohort of a progress page, with what those pages show of it; 404 for anything this user
may not see."""

from flask import abort
from flask_login import current_user
from sqlalchemy import select

from mbtrain.cohorts import access as cohort_access
from mbtrain.cohorts.models import Cohort
from mbtrain.enrolments.models import Enrolment
from mbtrain.extensions import db
from mbtrain.people.models import Person
from mbtrain.policy import reachable_enrolments
from mbtrain.progress.facts import COHORT_OPTIONS, FOLLOWED, cohort_query


def load_cohort(cohort_id: int, *, manage: bool = False) -> Cohort:
    """The cohort with what the progress pages show of it, if this user may see it; else 404."""
    return cohort_access.load_cohort(cohort_id, manage=manage, options=COHORT_OPTIONS)


def load_trainee_cohort(enrolment_id: int) -> Cohort:
    """The cohort of this enrolment, if this user may see it; else 404."""
    cohort = db.session.scalar(
        cohort_query()
        .join(Enrolment, Enrolment.cohort_id == Cohort.id)
        .where(
            Enrolment.id == enrolment_id,
            reachable_enrolments(current_user),
        )
    )
    if cohort is None:
        abort(404)
    return cohort


def own_latest() -> tuple[Cohort, int] | None:
    """The signed-in trainee's latest course they follow, and their enrolment in it; None if
    they follow none. Nobody else's."""
    mine = db.session.execute(
        select(Enrolment.id, Enrolment.cohort_id)
        .join(Person, Person.id == Enrolment.person_id)
        .where(Person.user_id == current_user.id, Enrolment.status.in_(FOLLOWED))
        .order_by(Enrolment.applied_on.desc(), Enrolment.id.desc())
        .limit(1)
    ).first()
    if mine is None:
        return None
    return db.session.scalar(cohort_query().where(Cohort.id == mine.cohort_id)), mine.id
