from flask import Blueprint, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from mbtrain.accounts.models import Role
from mbtrain.cohorts.models import Cohort, CohortStatus
from mbtrain.extensions import db
from mbtrain.http import safe_next
from mbtrain.i18n import LANGUAGE_COOKIE, LANGUAGES
from mbtrain.policy import visible_cohorts

bp = Blueprint("home", __name__)

ONE_YEAR = 365 * 24 * 3600
CURRENT = (CohortStatus.PLANLAGT, CohortStatus.GJENNOMFORES)


@bp.get("/")
def index():
    cohorts = []
    if current_user.role in (Role.COORDINATOR, Role.INSTRUCTOR):
        cohorts = db.session.scalars(
            select(Cohort)
            .where(visible_cohorts(current_user), Cohort.status.in_(CURRENT))
            .options(joinedload(Cohort.county))
            .order_by(Cohort.start_date)
        ).all()
    return render_template(f"home/{current_user.role.value.lower()}.html", cohorts=cohorts)


@bp.get("/healthz")
def healthz():
    db.session.execute(db.select(1))
    return {"status": "ok"}


@bp.post("/sprak")
def set_language():
    """Language choice without JavaScript: a small form in the page footer posts here."""
    language = request.form.get("language", "")
    target = request.form.get("next") or url_for("home.index")
    response = redirect(safe_next(target))
    if language in LANGUAGES:
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
            db.session.commit()
    return response
