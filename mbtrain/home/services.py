"""What the front page shows, and the visitor's choice of language."""

from flask import Response, request
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from mbtrain.accounts.models import Role, User
from mbtrain.cohorts.models import Cohort, CohortStatus
from mbtrain.extensions import db
from mbtrain.i18n import LANGUAGE_COOKIE
from mbtrain.policy import visible_cohorts

ONE_YEAR = 365 * 24 * 3600
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


def remember_language(response: Response, language: str) -> None:
    """In a cookie for a year, and on the account of a signed-in user."""
    response.set_cookie(
        LANGUAGE_COOKIE,
        language,
        max_age=ONE_YEAR,
        samesite="Lax",
        httponly=True,
        secure=request.is_secure,
    )
    if current_user.is_authenticated:
        current_user.locale = language
