"""What the front page shows."""

from sqlalchemy import select
from sqlalchemy.orm import joinedload

from mbtrain.accounts.models import Role, User
from mbtrain.cohorts.models import Cohort, CohortStatus
from mbtrain.extensions import db
from mbtrain.policy import visible_cohorts

CURRENT = (CohortStatus.PLANLAGT, CohortStatus.GJENNOMFORES)


def current_cohorts(user: User) -> list[Cohort]:
    """The planned and running cohorts a coordinator or instructor works with; for other
    roles the front page lists none."""
    if user.role not in (Role.COORDINATOR, Role.INSTRUCTOR):
        return []
    return list(
        db.session.scalars(
            select(Cohort)
            .where(visible_cohorts(user), Cohort.status.in_(CURRENT))
            .options(joinedload(Cohort.county))
            .order_by(Cohort.start_date)
        )
    )
