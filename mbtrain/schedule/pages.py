"""The timetable pages as shown: a cohort's timetable, the preview before generating it, the
session form and a trainee's own timetable."""

from datetime import date

from flask import render_template, url_for
from flask_babel import format_date
from flask_login import current_user
from sqlalchemy import func, select

from mbtrain.cohorts.models import Cohort
from mbtrain.errors import StaleEdit
from mbtrain.extensions import db
from mbtrain.forms import choices
from mbtrain.http import public_url
from mbtrain.people.models import Person
from mbtrain.policy import may_manage_county
from mbtrain.schedule import feeds, services, sessions
from mbtrain.schedule.forms import CancelSessionForm, FeedForm, GenerateForm, SessionForm
from mbtrain.schedule.models import CourseSession
from mbtrain.schedule.rules import skipped_teaching_days, week_anchor, weeks_of, weeks_shown


def back_to(cohort: Cohort, day: date | None = None) -> str:
    """The cohort's timetable, at the week of ``day`` if given."""
    anchor = week_anchor(day) if day else None
    return url_for("schedule.cohort_schedule", cohort_id=cohort.id, _anchor=anchor)


def short_date(day: date | None) -> str:
    return format_date(day, "dd.MM.yyyy") if day else "–"


def offer_modules(form: SessionForm, cohort: Cohort) -> SessionForm:
    form.module_code.choices = choices(
        (m.code, f"{m.code} {m.title}") for m in services.taught_modules(cohort)
    )
    return form


def cohort_page(cohort: Cohort, today: date):
    rows = services.session_rows([cohort.id])
    periods = services.practice_periods([cohort.id])
    return render_template(
        "schedule/cohort.html",
        cohort=cohort,
        weeks=weeks_of(services.calendar_of(cohort), rows, periods),
        titles=services.module_titles(cohort),
        sessions=rows,
        feed=feeds.active_feed(cohort=cohort),
        feed_form=FeedForm(),
        this_week=week_anchor(today),
        today=today,
        manage=may_manage_county(current_user, cohort.county_id),
    )


def generate_page(cohort: Cohort, form: GenerateForm):
    """The plan the cohort would get now, to confirm; or why it gets none. After a refused
    save, why it was refused."""
    plan, problem = None, None
    try:
        plan = services.plan_for(cohort)
    except services.ScheduleError as error:  # no plan to show: the page says why instead
        problem = str(error)
    summary = []
    if plan is not None:
        form.fingerprint.data = plan.fingerprint()
        for module in services.taught_modules(cohort):
            planned = [s for s in plan.sessions if s.module_code == module.code]
            if planned:
                summary.append((module, planned[0].date, planned[-1].date, len(planned)))
    refused = getattr(form, "refused", None)
    return render_template(
        "schedule/generate.html",
        cohort=cohort,
        form=form,
        plan=plan,
        problem=problem,
        blocker=services.regeneration_blocker(cohort),
        failure=str(refused) if refused else None,
        summary=summary,
        titles=services.module_titles(cohort),
        existing=db.session.scalar(
            select(func.count(CourseSession.id)).where(CourseSession.cohort_id == cohort.id)
        ),
        skipped=skipped_teaching_days(services.calendar_of(cohort)),
    )


def session_page(cohort: Cohort, session: CourseSession | None, form: SessionForm):
    """A new session's form, or a session's; after a stale save, on the version now saved."""
    conflict = isinstance(getattr(form, "refused", None), StaleEdit)
    if conflict:
        form.version.data = session.version
    if session is None:
        return render_template("schedule/session_form.html", cohort=cohort, form=form, session=None)
    return render_template(
        "schedule/session_form.html",
        cohort=cohort,
        form=form,
        session=session,
        title=services.module_titles(cohort).get(session.module_code, session.module_code),
        cancel_form=CancelSessionForm(prefix="cancel"),
        conflict=conflict,
        has_attendance=sessions.has_attendance(session),
    )


def feed_created_page(token: str, back: str, cohort: Cohort | None):
    # The address is shown in this response only, never stored in clear: no redirect that
    # would need it flashed into the session.
    url = public_url("schedule.calendar_feed", token=token)
    return render_template("schedule/feed_created.html", url=url, back=back, cohort=cohort)


def own_page(person: Person | None, first: date | None, today: date):
    """A trainee's timetables, one per course they hold a place in, from the week of
    ``first`` on (None: from the start)."""
    cohorts = services.own_cohorts(person) if person else []
    ids = [cohort.id for cohort in cohorts]
    rows = services.session_rows(ids, first) if ids else []
    periods = services.practice_periods(ids) if ids else []
    timetables = [
        (
            cohort,
            weeks_shown(
                services.calendar_of(cohort),
                [s for s in rows if s.cohort_id == cohort.id],
                [p for p in periods if p.cohort_id == cohort.id],
                first,
            ),
            services.module_titles(cohort),
        )
        for cohort in cohorts
    ]
    return render_template(
        "schedule/mine.html",
        person=person,
        timetables=timetables,
        show_all=first is None,
        feed=feeds.active_feed(person=person) if person else None,
        feed_form=FeedForm(),
        today=today,
    )
