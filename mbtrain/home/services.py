"""What the front page shows: each role's list of work, and the cohorts they work with."""

from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import joinedload

from mbtrain.accounts.models import Role, User
from mbtrain.cohorts.models import Cohort, CohortStatus
from mbtrain.extensions import db
from mbtrain.home.coordinator import coordinator_work
from mbtrain.home.instructor import instructor_work
from mbtrain.home.supervisor import supervisor_work
from mbtrain.home.trainee import trainee_work
from mbtrain.policy import visible_cohorts

CURRENT = (CohortStatus.PLANLAGT, CohortStatus.GJENNOMFORES)


def front_page(user: User, today: date) -> dict:
    """The template's values: ``groups`` of work (home/work.py) and ``cohorts``."""
    match user.role:
        case Role.COORDINATOR:
            cohorts, groups = coordinator_work(user, today)
            return {"cohorts": cohorts, "groups": groups}
        case Role.INSTRUCTOR:
            return {"cohorts": current_cohorts(user), "groups": instructor_work(user, today)}
        case Role.PARTNER:
            return {"cohorts": [], "groups": supervisor_work(today)}
        case Role.TRAINEE:
            return {"cohorts": [], "groups": trainee_work(today)}
        case _:
            return {"cohorts": [], "groups": []}


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
