from flask import Blueprint, Response, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import select

from mbtrain.extensions import db
from mbtrain.home.services import current_cohorts
from mbtrain.http import safe_next
from mbtrain.i18n import LANGUAGE_COOKIE, LANGUAGES, NORWEGIAN
from mbtrain.people.models import Person

bp = Blueprint("home", __name__)

ONE_YEAR = 365 * 24 * 3600


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
        _remember(response, language)
    return response


def _remember(response: Response, language: str) -> None:
    """In a cookie for a year, and on the account of a signed-in user (saved with the
    request)."""
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
        _remember_written_form(language)


def _remember_written_form(language: str) -> None:
    """A trainee who chooses bokmål or nynorsk gets a Norwegian certificate in it too."""
    if language not in NORWEGIAN:
        return
    person = db.session.scalar(select(Person).where(Person.user_id == current_user.id))
    if person is not None and person.written_form != language:
        person.written_form = language
