from flask import Blueprint, redirect, render_template, request, url_for
from flask_login import current_user

from mbtrain.extensions import db
from mbtrain.home.services import current_cohorts, remember_language
from mbtrain.http import safe_next
from mbtrain.i18n import LANGUAGES

bp = Blueprint("home", __name__)


@bp.get("/")
def index():
    cohorts = current_cohorts(current_user)
    return render_template(f"home/{current_user.role.value.lower()}.html", cohorts=cohorts)


@bp.get("/healthz")
def healthz():
    db.session.execute(db.select(1))
    return {"status": "ok"}


@bp.post("/sprak")
def set_language():
    """Language choice without JavaScript: a small form in the page footer posts here."""
    language = request.form.get("language", "")
    response = redirect(safe_next(request.form.get("next") or url_for("home.index")))
    if language in LANGUAGES:
        remember_language(response, language)
    return response
