from urllib.parse import urlsplit

from flask import Blueprint, Response, abort, current_app, flash, redirect, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from mbtrain.audit.models import AccessAction
from mbtrain.audit.services import log_change
from mbtrain.cohorts.access import load_cohort
from mbtrain.cohorts.models import Cohort
from mbtrain.extensions import limiter
from mbtrain.http import public_url
from mbtrain.i18n import today
from mbtrain.idempotency import attempt_once, sent_on
from mbtrain.people.access import own_person
from mbtrain.schedule import feeds, services, sessions
from mbtrain.schedule.access import load_feed, load_own_person, load_session
from mbtrain.schedule.forms import (
    AddSessionForm,
    CancelSessionForm,
    EditSessionForm,
    FeedForm,
    GenerateForm,
)
from mbtrain.schedule.models import CourseSession
from mbtrain.schedule.pages import (
    back_to,
    cohort_page,
    feed_created_page,
    generate_page,
    offer_modules,
    own_page,
    session_page,
    short_date,
)
from mbtrain.schedule.rules import Schedule, first_shown
from mbtrain.web import attempt, refuse

bp = Blueprint("schedule", __name__)


# The cohort's timetable ------------------------------------------------------------------


@bp.get("/kurs/<int:cohort_id>/timeplan")
def cohort_schedule(cohort_id: int):
    return cohort_page(load_cohort(cohort_id), today())


@bp.route("/kurs/<int:cohort_id>/timeplan/lag", methods=["GET", "POST"])
def generate_schedule(cohort_id: int):
    cohort = load_cohort(cohort_id, manage=True)
    form = GenerateForm()
    if form.validate_on_submit() and (
        done := attempt(form, services.apply_schedule, cohort, form.fingerprint.data)
    ):
        return _generated(cohort, done.value)
    return generate_page(cohort, form)


def _generated(cohort: Cohort, schedule: Schedule):
    first = schedule.sessions[0].date if schedule.sessions else None
    flash(
        _(
            "Timeplanen er laget: %(count)d økter fra %(first)s til %(last)s.",
            count=len(schedule.sessions),
            first=short_date(first),
            last=short_date(schedule.last_day),
        ),
        "success",
    )
    return redirect(url_for(".cohort_schedule", cohort_id=cohort.id))


# Single sessions -------------------------------------------------------------------------


def _added(form: AddSessionForm, session: CourseSession, cohort: Cohort):
    flash(_("Økten er lagt til %(date)s.", date=short_date(session.date)), "success")
    return sent_on(form, back_to(cohort, session.date))


@bp.route("/kurs/<int:cohort_id>/timeplan/okter/ny", methods=["GET", "POST"])
def add_session(cohort_id: int):
    cohort = load_cohort(cohort_id)
    form = offer_modules(AddSessionForm.starting(cohort), cohort)
    if form.validate_on_submit() and (
        done := attempt_once(form, sessions.add_session, cohort, form.fields())
    ):
        return _added(form, done.value, cohort)
    refuse(200)  # the form shown again with its messages is an ordinary page, as it always was
    return session_page(cohort, None, form)


@bp.route("/kurs/<int:cohort_id>/timeplan/okter/<int:session_id>", methods=["GET", "POST"])
def edit_session(cohort_id: int, session_id: int):
    cohort, session = load_session(cohort_id, session_id)
    form = offer_modules(EditSessionForm(obj=session), cohort)
    if form.validate_on_submit() and attempt(
        form, sessions.change_session, cohort, session, form.fields(), form.version.data
    ):
        flash(_("Økten er endret."), "success")
        return redirect(back_to(cohort, session.date))
    return session_page(cohort, session, form)


@bp.post("/kurs/<int:cohort_id>/timeplan/okter/<int:session_id>/avlys")
def cancel_session(cohort_id: int, session_id: int):
    cohort, session = load_session(cohort_id, session_id)
    form = CancelSessionForm(prefix="cancel")
    if not form.validate_on_submit():
        abort(400)
    if not attempt(form, sessions.cancel_session, session, form.note.data or ""):
        flash(form.refused.message, "error")
        return redirect(url_for(".edit_session", cohort_id=cohort_id, session_id=session_id))
    flash(_("Økten %(date)s er avlyst.", date=short_date(session.date)), "success")
    return redirect(back_to(cohort, session.date))


@bp.post("/kurs/<int:cohort_id>/timeplan/okter/<int:session_id>/gjenopprett")
def restore_session(cohort_id: int, session_id: int):
    cohort, session = load_session(cohort_id, session_id)
    form = FeedForm()  # the CSRF token only
    if not form.validate_on_submit():
        abort(400)
    if attempt(form, sessions.restore_session, session):
        flash(_("Økten er gjenopprettet."), "success")
    else:
        flash(form.refused.message, "error")
    return redirect(back_to(cohort, session.date))


# The trainee's own timetable -------------------------------------------------------------


@bp.get("/min-timeplan")
def my_schedule():
    first = first_shown(today(), request.args.get("alle") == "1")
    return own_page(own_person(), first, today())


# Calendar feeds --------------------------------------------------------------------------


@bp.post("/kurs/<int:cohort_id>/timeplan/kalender")
def create_cohort_feed(cohort_id: int):
    cohort = load_cohort(cohort_id)
    if not FeedForm().validate_on_submit():
        abort(400)
    feed, token = feeds.create_feed(cohort=cohort, by=current_user)
    log_change(feed, "COHORT_ADMIN", action=AccessAction.CREATE)
    return feed_created_page(token, url_for(".cohort_schedule", cohort_id=cohort.id), cohort)


@bp.post("/kurs/<int:cohort_id>/timeplan/kalender/slett")
def revoke_cohort_feed(cohort_id: int):
    cohort = load_cohort(cohort_id)
    if not FeedForm().validate_on_submit():
        abort(400)
    if feed := feeds.revoke_active(cohort=cohort):
        log_change(feed, "COHORT_ADMIN")
    flash(_("Kalenderadressen virker ikke lenger."), "success")
    return redirect(url_for(".cohort_schedule", cohort_id=cohort.id))


@bp.post("/min-timeplan/kalender")
def create_my_feed():
    person = load_own_person()
    if not FeedForm().validate_on_submit():
        abort(400)
    feed, token = feeds.create_feed(person=person, by=current_user)
    log_change(feed, "OWN_DATA", action=AccessAction.CREATE, subject_user_id=current_user.id)
    return feed_created_page(token, url_for(".my_schedule"), None)


@bp.post("/min-timeplan/kalender/slett")
def revoke_my_feed():
    person = load_own_person()
    if not FeedForm().validate_on_submit():
        abort(400)
    if feed := feeds.revoke_active(person=person):
        log_change(feed, "OWN_DATA", subject_user_id=current_user.id)
    flash(_("Kalenderadressen virker ikke lenger."), "success")
    return redirect(url_for(".my_schedule"))


def _feed_limit() -> str:
    return current_app.config.get("CALENDAR_FEED_LIMIT", "60 per minute")


@bp.get("/kalender/<token>.ics")
@limiter.limit(_feed_limit)
def calendar_feed(token: str):
    feed = load_feed(token)
    name = feed.cohort.name if feed.cohort_id else _("Min timeplan – MB-opplæringen")
    host = urlsplit(public_url("home.index")).hostname or "mbtrain"
    body = feeds.calendar(feed, host, name)
    response = Response(body, content_type="text/calendar; charset=utf-8")
    response.headers["Cache-Control"] = "no-store"
    response.headers["X-Robots-Tag"] = "noindex"
    return response
