"""A cohort for a page: one query that both finds it and checks that this user may see it."""

from flask import abort
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import joinedload, selectinload
from sqlalchemy.orm.interfaces import LoaderOption

from mbtrain.cohorts.models import ClosedPeriod, Cohort
from mbtrain.extensions import db
from mbtrain.policy import may_manage_county, visible_cohorts

# What a cohort's own pages show of it: its county, provider, curriculum, instructors and
# closed periods. A page that needs less passes its own options.
EVERYTHING: tuple[LoaderOption, ...] = (
    joinedload(Cohort.county),
    joinedload(Cohort.provider),
    joinedload(Cohort.curriculum_version),
    selectinload(Cohort.instructors),
    selectinload(Cohort.closed_periods),
)

# A page about the cohort's people, headed by its name, county, provider and curriculum.
HEADER: tuple[LoaderOption, ...] = EVERYTHING[:3]


def load_cohort(
    cohort_id: int, *, manage: bool = False, options: tuple[LoaderOption, ...] = EVERYTHING
) -> Cohort:
    """The cohort if this user may see it (and manage it, if asked); otherwise 404, the same
    answer as for a cohort that does not exist."""
    cohort = db.session.scalar(
        select(Cohort)
        .where(Cohort.id == cohort_id, visible_cohorts(current_user))
        .options(*options)
    )
    if cohort is None or (manage and not may_manage_county(current_user, cohort.county_id)):
        abort(404)
    return cohort


def load_closed_period(cohort_id: int, period_id: int) -> tuple[Cohort, ClosedPeriod]:
    """A closed period of a cohort this user manages; otherwise 404."""
    cohort = load_cohort(cohort_id, manage=True)
    period = next((p for p in cohort.closed_periods if p.id == period_id), None)
    if period is None:
        abort(404)
    return cohort, period
