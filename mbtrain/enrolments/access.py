"""An enrolment for a page: found only in a cohort this user may see, in a status their role
may see (mbtrain/policy.py NEED_TO_KNOW)."""

from flask import abort
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import joinedload, selectinload

from mbtrain.cohorts.models import Cohort
from mbtrain.enrolments.models import Enrolment, StatusPeriod
from mbtrain.extensions import db
from mbtrain.policy import may_manage_county, reachable_enrolments


def load_enrolment(enrolment_id: int, *, manage: bool = False) -> Enrolment:
    """The enrolment if this user may see it (and manage it, if asked); else 404."""
    enrolment = db.session.scalar(
        select(Enrolment)
        .join(Cohort, Cohort.id == Enrolment.cohort_id)
        .where(
            Enrolment.id == enrolment_id,
            reachable_enrolments(current_user),
        )
        .options(
            joinedload(Enrolment.person),
            joinedload(Enrolment.cohort).joinedload(Cohort.county),
            joinedload(Enrolment.assessed_by),
            selectinload(Enrolment.history).joinedload(StatusPeriod.changed_by),
        )
    )
    if enrolment is None or (
        manage and not may_manage_county(current_user, enrolment.cohort.county_id)
    ):
        abort(404)
    return enrolment
