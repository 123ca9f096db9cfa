"""The ended enrolment a follow-up page is about, in a cohort this user manages; else 404."""

from flask import abort
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from mbtrain.cohorts.models import Cohort
from mbtrain.enrolments.models import Enrolment
from mbtrain.extensions import db
from mbtrain.outcomes import services
from mbtrain.outcomes.models import FOLLOW_UP_MONTHS, OutcomeFollowUp
from mbtrain.policy import may_manage_county, reachable_enrolments


def load_ended_enrolment(enrolment_id: int) -> Enrolment:
    """An ended enrolment in a cohort this coordinator (or the admin) manages; else 404."""
    enrolment = db.session.scalar(
        select(Enrolment)
        .join(Cohort, Cohort.id == Enrolment.cohort_id)
        .where(
            Enrolment.id == enrolment_id,
            reachable_enrolments(current_user),
        )
        .options(joinedload(Enrolment.person), joinedload(Enrolment.cohort))
    )
    if (
        enrolment is None
        or enrolment.status not in services.ENDED
        or enrolment.end_date is None
        or not may_manage_county(current_user, enrolment.cohort.county_id)
    ):
        abort(404)
    return enrolment


def load_follow_up(enrolment_id: int, months: int) -> tuple[Enrolment, OutcomeFollowUp | None]:
    """The enrolment and what is recorded at ``months`` (None: nothing yet); 404 for a
    number of months that is no follow-up point."""
    enrolment = load_ended_enrolment(enrolment_id)
    if months not in FOLLOW_UP_MONTHS:
        abort(404)
    return enrolment, services.follow_ups_of(enrolment.id).get(months)
