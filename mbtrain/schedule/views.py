from datetime import date, datetime, time, timedelta
from urllib.parse import urlsplit

from babel.dates import get_day_names
from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import format_date, get_locale
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import func, select

from mbtrain.audit.models import AccessAction
from mbtrain.audit.services import record_access
from mbtrain.cohorts.access import load_cohort
from mbtrain.cohorts.models import Cohort
from mbtrain.concurrency import check_version
from mbtrain.database import utcnow
from mbtrain.errors import StaleEdit
from mbtrain.extensions import db, limiter
from mbtrain.forms import choices
from mbtrain.http import public_url
from mbtrain.i18n import today
from mbtrain.idempotency import earlier_result, remember_submission
from mbtrain.people.access import own_person
from mbtrain.people.models import Person
from mbtrain.policy import may_manage_county
from mbtrain.schedule import services
from mbtrain.schedule.access import load_session
from mbtrain.schedule.forms import (
    AddSessionForm,
    CancelSessionForm,
    EditSessionForm,
    FeedForm,
    GenerateForm,
    SessionForm,
)
from mbtrain.schedule.ical import build_calendar
from mbtrain.schedule.models import CourseSession
from mbtrain.schedule.rules import (
    format_hours,
    parse_weekdays,
    practice_week,
    skipped_teaching_days,
    weeks_of,
)

bp = Blueprint("schedule", __name__)
bp.add_app_template_global(practice_week, "practice_week")


# Showing times and days ------------------------------------------------------------------


@bp.app_template_filter("plain_hours")
def hours_filter(value: float) -> str:
    return format_hours(value)


@bp.app_template_filter("clock")
def clock_filter(value: time) -> str:
    return value.strftime("%H:%M")


@bp.app_template_filter("ends_at")
def ends_at_filter(row) -> str:
    end = datetime.combine(date.min, row.starts_at) + timedelta(hours=row.hours)
    return end.strftime("%H:%M")


@bp.app_template_filter("day")
def day_filter(value: date) -> str:
    """«man. 04.01.» in Norwegian, «Mon 4 Jan» in English."""
    pattern = "EEE dd.MM." if get_locale().language == "nb" else "EEE d MMM"
    return format_date(value, pattern)


@bp.app_template_filter("day_year")
def day_year_filter(value: date) -> str:
    """«man. 04.01.2027»."""
    pattern = "EEE dd.MM.yyyy" if get_locale().language == "nb" else "EEE d MMM yyyy"
    return format_date(value, pattern)


@bp.app_template_filter("long_day")
def long_day_filter(value: date) -> str:
    """«mandag 4. januar 2027»."""
    pattern = "EEEE d. MMMM yyyy" if get_locale().language == "nb" else "EEEE d MMMM yyyy"
    return format_date(value, pattern)


@bp.app_template_filter("teaching_pattern")
def teaching_pattern_filter(cohort: Cohort) -> str:
    names = get_day_names("wide", locale=get_locale())
    days = [names[day - 1] for day in sorted(parse_weekdays(cohort.teaching_weekdays))]
    joined = _(" og ").join([", ".join(days[:-1]), days[-1]] if len(days) > 1 else days)
    return _(
        "%(days)s, %(hours)s timer fra kl. %(start)s",
        days=joined,
        hours=format_hours(cohort.hours_per_day),
        start=cohort.day_starts_at.strftime("%H:%M"),
    )


def _week_anchor(day: date) -> str:
    monday = day - timedelta(days=day.weekday())
    return f"uke-{monday.isoformat()}"


def _back_to(cohort: Cohort, day: date | None = None) -> str:
    anchor = _week_anchor(day) if day else None
    return url_for("schedule.cohort_schedule", cohort_id=cohort.id, _anchor=anchor)


# The cohort's timetable ------------------------------------------------------------------


@bp.get("/kurs/<int:cohort_id>/timeplan")
def cohort_schedule(cohort_id: int):
    cohort = load_cohort(cohort_id)
    sessions = services.session_rows([cohort.id])
    periods = services.practice_periods([cohort.id])
    return render_template(
        "schedule/cohort.html",
        cohort=cohort,
        weeks=weeks_of(services.calendar_of(cohort), sessions, periods),
        titles=services.module_titles(cohort),
        sessions=sessions,
        feed=services.active_feed(cohort=cohort),
        feed_form=FeedForm(),
        this_week=_week_anchor(today()),
        today=today(),
        manage=may_manage_county(current_user, cohort.county_id),
    )


@bp.route("/kurs/<int:cohort_id>/timeplan/lag", methods=["GET", "POST"])
def generate_schedule(cohort_id: int):
    cohort = load_cohort(cohort_id, manage=True)
    form = GenerateForm()
    status, failure = 200, None
    if form.validate_on_submit():
        try:
            schedule = services.apply_schedule(cohort, form.fingerprint.data)
        except services.ScheduleError as error:
            db.session.rollback()
            cohort = load_cohort(cohort_id, manage=True)
            status = 409 if isinstance(error, services.StalePlan) else 400
            failure = str(error)
        else:
            db.session.commit()
            flash(
                _(
                    "Timeplanen er laget: %(count)d økter fra %(first)s til %(last)s.",
                    count=len(schedule.sessions),
                    first=format_date(schedule.sessions[0].date, "dd.MM.yyyy")
                    if schedule.sessions
                    else "–",
                    last=format_date(schedule.last_day, "dd.MM.yyyy") if schedule.last_day else "–",
                ),
                "success",
            )
            return redirect(url_for("schedule.cohort_schedule", cohort_id=cohort.id))
    return _render_preview(cohort, form, failure), status


def _render_preview(cohort: Cohort, form: GenerateForm, failure: str | None):
    blocker = services.regeneration_blocker(cohort)
    plan, problem = None, None
    try:
        plan = services.plan_for(cohort)
    except services.ScheduleError as error:
        problem = str(error)
    calendar = services.calendar_of(cohort)
    modules = services.taught_modules(cohort)
    summary = []
    if plan is not None:
        form.fingerprint.data = plan.fingerprint()
        for module in modules:
            sessions = [s for s in plan.sessions if s.module_code == module.code]
            if sessions:
                summary.append((module, sessions[0].date, sessions[-1].date, len(sessions)))
    existing = db.session.scalar(
        select(func.count(CourseSession.id)).where(CourseSession.cohort_id == cohort.id)
    )
    return render_template(
        "schedule/generate.html",
        cohort=cohort,
        form=form,
        plan=plan,
        problem=problem,
        blocker=blocker,
        failure=failure,
        summary=summary,
        titles=services.module_titles(cohort),
        existing=existing,
        skipped=skipped_teaching_days(calendar),
    )


# Single sessions -------------------------------------------------------------------------


def _module_choices(form: SessionForm, cohort: Cohort) -> None:
    form.module_code.choices = choices(
        (m.code, f"{m.code} {m.title}") for m in services.taught_modules(cohort)
    )


def _fields(form: SessionForm) -> services.SessionFields:
    return services.SessionFields(
        module_code=form.module_code.data,
        date=form.date.data,
        starts_at=form.starts_at.data,
        hours=form.hours.data,
        location=form.location.data or "",
        note=form.note.data or "",
    )


def _show_error(form, error: services.ScheduleError) -> None:
    field = getattr(form, error.field or "", None)
    (field.errors if field is not None else form.form_errors).append(str(error))


@bp.route("/kurs/<int:cohort_id>/timeplan/okter/ny", methods=["GET", "POST"])
def add_session(cohort_id: int):
    cohort = load_cohort(cohort_id)
    form = AddSessionForm()
    _module_choices(form, cohort)
    if request.method == "GET":
        form.starts_at.data = cohort.day_starts_at
        form.hours.data = cohort.hours_per_day
    if form.validate_on_submit():
        if earlier := earlier_result(form.submission_key.data):
            flash(_("Skjemaet var allerede sendt. Økten er ikke lagt til to ganger."), "info")
            return redirect(earlier)
        try:
            session = services.add_session(cohort, _fields(form))
        except services.ScheduleError as error:
            db.session.rollback()
            _show_error(form, error)
        else:
            target = _back_to(cohort, session.date)
            remember_submission(form.submission_key.data, current_user.id, target)
            db.session.commit()
            flash(
                _("Økten er lagt til %(date)s.", date=format_date(session.date, "dd.MM.yyyy")),
                "success",
            )
            return redirect(target)
    return render_template("schedule/session_form.html", cohort=cohort, form=form, session=None)


@bp.route("/kurs/<int:cohort_id>/timeplan/okter/<int:session_id>", methods=["GET", "POST"])
def edit_session(cohort_id: int, session_id: int):
    cohort, session = load_session(cohort_id, session_id)
    form = EditSessionForm(obj=session)
    _module_choices(form, cohort)
    status = 200
    if form.validate_on_submit():
        try:
            check_version(session.version, form.version.data)
            services.change_session(cohort, session, _fields(form))
        except StaleEdit as error:
            db.session.rollback()
            form.form_errors.append(str(error))
            cohort, session = load_session(cohort_id, session_id)
            form.version.data, status = session.version, 409
        except services.ScheduleError as error:
            db.session.rollback()
            cohort, session = load_session(cohort_id, session_id)
            _show_error(form, error)
            status = 400
        else:
            db.session.commit()
            flash(_("Økten er endret."), "success")
            return redirect(_back_to(cohort, session.date))
    return render_template(
        "schedule/session_form.html",
        cohort=cohort,
        form=form,
        session=session,
        title=services.module_titles(cohort).get(session.module_code, session.module_code),
        cancel_form=CancelSessionForm(prefix="cancel"),
        conflict=status == 409,
        has_attendance=services.has_attendance(session),
    ), status


@bp.post("/kurs/<int:cohort_id>/timeplan/okter/<int:session_id>/avlys")
def cancel_session(cohort_id: int, session_id: int):
    cohort, session = load_session(cohort_id, session_id)
    form = CancelSessionForm(prefix="cancel")
    if not form.validate_on_submit():
        abort(400)
    try:
        services.cancel_session(session, form.note.data or "")
    except services.ScheduleError as error:
        db.session.rollback()
        flash(str(error), "error")
        return redirect(
            url_for("schedule.edit_session", cohort_id=cohort_id, session_id=session_id)
        )
    db.session.commit()
    flash(_("Økten %(date)s er avlyst.", date=format_date(session.date, "dd.MM.yyyy")), "success")
    return redirect(_back_to(cohort, session.date))


@bp.post("/kurs/<int:cohort_id>/timeplan/okter/<int:session_id>/gjenopprett")
def restore_session(cohort_id: int, session_id: int):
    cohort, session = load_session(cohort_id, session_id)
    if not FeedForm().validate_on_submit():  # the CSRF token only
        abort(400)
    try:
        services.restore_session(session)
    except services.ScheduleError as error:
        db.session.rollback()
        flash(str(error), "error")
    else:
        db.session.commit()
        flash(_("Økten er gjenopprettet."), "success")
    return redirect(_back_to(cohort, session.date))


# The trainee's own timetable -------------------------------------------------------------


@bp.get("/min-timeplan")
def my_schedule():
    person = own_person()
    cohorts = services.own_cohorts(person) if person else []
    show_all = request.args.get("alle") == "1"
    first = None if show_all else today() - timedelta(days=today().weekday())
    ids = [cohort.id for cohort in cohorts]
    sessions = services.session_rows(ids, first) if ids else []
    periods = services.practice_periods(ids) if ids else []
    timetables = []
    for cohort in cohorts:
        start = max(first, cohort.start_date) if first else None
        if start and start > cohort.end_date:
            weeks = []
        else:
            weeks = weeks_of(
                services.calendar_of(cohort),
                [s for s in sessions if s.cohort_id == cohort.id],
                [p for p in periods if p.cohort_id == cohort.id],
                first=start,
            )
        timetables.append((cohort, weeks, services.module_titles(cohort)))
    return render_template(
        "schedule/mine.html",
        person=person,
        timetables=timetables,
        show_all=show_all,
        feed=services.active_feed(person=person) if person else None,
        feed_form=FeedForm(),
        today=today(),
    )


# Calendar feeds --------------------------------------------------------------------------


def _feed_created(url: str, back: str, for_cohort: Cohort | None):
    # The address is shown in this response only, never stored in clear: no redirect that
    # would need it flashed into the session.
    return render_template("schedule/feed_created.html", url=url, back=back, cohort=for_cohort)


@bp.post("/kurs/<int:cohort_id>/timeplan/kalender")
def create_cohort_feed(cohort_id: int):
    cohort = load_cohort(cohort_id)
    if not FeedForm().validate_on_submit():
        abort(400)
    feed, token = services.create_feed(cohort=cohort, by=current_user)
    record_access(
        AccessAction.CREATE, object_type="calendar_feed", object_id=feed.id, purpose="COHORT_ADMIN"
    )
    db.session.commit()
    url = public_url("schedule.calendar_feed", token=token)
    return _feed_created(url, url_for("schedule.cohort_schedule", cohort_id=cohort.id), cohort)


@bp.post("/kurs/<int:cohort_id>/timeplan/kalender/slett")
def revoke_cohort_feed(cohort_id: int):
    cohort = load_cohort(cohort_id)
    if not FeedForm().validate_on_submit():
        abort(400)
    feed = services.active_feed(cohort=cohort)
    if services.revoke_feeds(cohort=cohort):
        record_access(
            AccessAction.UPDATE,
            object_type="calendar_feed",
            object_id=feed.id,
            purpose="COHORT_ADMIN",
        )
    db.session.commit()
    flash(_("Kalenderadressen virker ikke lenger."), "success")
    return redirect(url_for("schedule.cohort_schedule", cohort_id=cohort.id))


@bp.post("/min-timeplan/kalender")
def create_my_feed():
    person = own_person()
    if person is None or not FeedForm().validate_on_submit():
        abort(404 if person is None else 400)
    feed, token = services.create_feed(person=person, by=current_user)
    _log_own_feed(feed.id, person, AccessAction.CREATE)
    db.session.commit()
    url = public_url("schedule.calendar_feed", token=token)
    return _feed_created(url, url_for("schedule.my_schedule"), None)


@bp.post("/min-timeplan/kalender/slett")
def revoke_my_feed():
    person = own_person()
    if person is None or not FeedForm().validate_on_submit():
        abort(404 if person is None else 400)
    feed = services.active_feed(person=person)
    if services.revoke_feeds(person=person):
        _log_own_feed(feed.id, person, AccessAction.UPDATE)
    db.session.commit()
    flash(_("Kalenderadressen virker ikke lenger."), "success")
    return redirect(url_for("schedule.my_schedule"))


def _log_own_feed(feed_id: int, person: Person, action: AccessAction) -> None:
    record_access(
        action,
        object_type="calendar_feed",
        object_id=feed_id,
        purpose="OWN_DATA",
        subject_person_id=person.id,
        subject_user_id=current_user.id,
    )


def _feed_limit() -> str:
    return current_app.config.get("CALENDAR_FEED_LIMIT", "60 per minute")


@bp.get("/kalender/<token>.ics")
@limiter.limit(_feed_limit)
def calendar_feed(token: str):
    feed = services.feed_by_token(token)
    if feed is None:
        abort(404)
    cohorts = services.feed_cohorts(feed)
    name = feed.cohort.name if feed.cohort_id else _("Min timeplan – MB-opplæringen")
    host = urlsplit(public_url("home.index")).hostname or "mbtrain"
    body = build_calendar(name, services.feed_events(cohorts, host), utcnow())
    db.session.commit()
    response = Response(body, content_type="text/calendar; charset=utf-8")
    response.headers["Cache-Control"] = "no-store"
    response.headers["X-Robots-Tag"] = "noindex"
    return response
