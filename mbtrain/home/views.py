from flask import Blueprint, Response, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import select

from mbtrain.extensions import db
from mbtrain.home import health
from mbtrain.home.services import front_page
from mbtrain.http import RETRY_AFTER, safe_next
from mbtrain.i18n import LANGUAGE_COOKIE, LANGUAGES, NORWEGIAN, today
from mbtrain.mail.services import undelivered_from
from mbtrain.people.models import Person

bp = Blueprint("home", __name__)

ONE_YEAR = 365 * 24 * 3600


@bp.get("/")
def index():
    page = front_page(current_user, today())
    undelivered = undelivered_from(current_user.id)  # e-mail this user sent that never arrived
    return render_template(
        f"home/{current_user.role.value.lower()}.html", undelivered=undelivered, **page
    )


@bp.get("/healthz")
def healthz():
    """For gunicorn's and a load balancer's checks: JSON, 200 while the database answers,
    503 (with Retry-After) while it does not. The rate-limit store may be down meanwhile:
    the limiter then counts in memory, and says so here."""
    checks = {"database": health.database(), "ratelimit": health.ratelimit()}
    if checks["database"] != "ok":
        return {"status": "unavailable", **checks}, 503, {"Retry-After": str(RETRY_AFTER)}
    return {"status": "ok", **checks}


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
