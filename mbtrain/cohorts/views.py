from collections import Counter

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import extract, func, select
from sqlalchemy.orm import joinedload

from mbtrain.accounts.models import Role, User
from mbtrain.audit.models import AccessAction
from mbtrain.audit.services import record_access
from mbtrain.cohorts import services
from mbtrain.cohorts.access import load_cohort
from mbtrain.cohorts.forms import (
    CancelCohortForm,
    ClosedPeriodForm,
    CohortFilterForm,
    CreateCohortForm,
    EditCohortForm,
)
from mbtrain.cohorts.models import CancelReason, Cohort, CohortStatus
from mbtrain.concurrency import check_version
from mbtrain.curriculum.models import CurriculumVersion
from mbtrain.enrolments.models import Enrolment, EnrolmentStatus
from mbtrain.enrolments.transitions import APPLYING, HOLDS_PLACE
from mbtrain.errors import StaleEdit
from mbtrain.extensions import db
from mbtrain.followup.overview import open_concerns
from mbtrain.forms import choices
from mbtrain.i18n import today
from mbtrain.idempotency import earlier_result, remember_submission
from mbtrain.organisations.models import County, Organisation, OrganisationType
from mbtrain.people.models import Person
from mbtrain.policy import may_manage_county, visible_cohorts
from mbtrain.progress.services import cohort_warnings
from mbtrain.schedule.rules import parse_weekdays
from mbtrain.schedule.services import module_titles, next_sessions

bp = Blueprint("cohorts", __name__, url_prefix="/kurs")

NOT_YET_IN = APPLYING | {EnrolmentStatus.VENTELISTE}


def _fill_choices(form) -> None:
    counties = db.session.scalars(select(County).order_by(County.name)).all()
    form.county.choices = choices(
        (c.id, c.name) for c in counties if may_manage_county(current_user, c.id)
    )
    versions = db.session.scalars(
        select(CurriculumVersion).order_by(CurriculumVersion.code, CurriculumVersion.version)
    ).all()
    form.curriculum_version.choices = choices((v.id, f"{v.title} ({v.version})") for v in versions)
    providers = db.session.scalars(
        select(Organisation)
        .where(Organisation.type == OrganisationType.TILTAKSARRANGOR)
        .order_by(Organisation.name)
    ).all()
    form.provider.choices = choices((o.id, o.name) for o in providers)
    instructors = db.session.scalars(
        select(User).where(User.role == Role.INSTRUCTOR, User.active).order_by(User.name)
    ).all()
    form.instructors.choices = choices((u.id, u.name) for u in instructors)


def _fields(form) -> services.CohortFields:
    county_id = form.county.data
    if not may_manage_county(current_user, county_id):
        raise services.CohortError({"county": _("Velg et av dine fylker.")})
    return services.CohortFields(
        name=form.name.data,
        county=db.session.get(County, county_id),
        curriculum_version=db.session.get(CurriculumVersion, form.curriculum_version.data),
        provider=db.session.get(Organisation, form.provider.data),
        start_date=form.start_date.data,
        end_date=form.end_date.data,
        places=form.places.data,
        part_time_percent=form.part_time_percent.data,
        meeting_place=form.meeting_place.data or "",
        open_for_applications=form.open_for_applications.data,
        contact_persons=form.contact_persons.data or "",
        instructors=list(
            db.session.scalars(select(User).where(User.id.in_(form.instructors.data or [])))
        ),
        teaching_weekdays=",".join(str(day) for day in sorted(set(form.teaching_weekdays.data))),
        hours_per_day=form.hours_per_day.data,
        day_starts_at=form.day_starts_at.data,
    )


def show_errors(form, errors: dict[str | None, str]) -> None:
    for field_name, message in errors.items():
        field = getattr(form, field_name, None) if field_name else None
        (field.errors if field is not None else form.form_errors).append(message)


@bp.get("/")
def cohort_list():
    form = CohortFilterForm(request.args)
    counties = db.session.scalars(select(County).order_by(County.name)).all()
    form.county.choices = choices(
        [(0, _("Alle"))]
        + [(c.id, c.name) for c in counties if may_manage_county(current_user, c.id)]
    )
    holders = _count_where(Enrolment.status.in_(HOLDS_PLACE))
    applicants = _count_where(Enrolment.status.in_(APPLYING))
    query = (
        select(Cohort, holders, applicants)
        .where(visible_cohorts(current_user))
        .options(joinedload(Cohort.county), joinedload(Cohort.provider))
        .order_by(Cohort.start_date.desc(), Cohort.name)
    )
    if form.validate():
        if form.county.data:
            query = query.where(Cohort.county_id == form.county.data)
        if form.status.data:
            query = query.where(Cohort.status == CohortStatus(form.status.data))
        if form.year.data:
            query = query.where(extract("year", Cohort.start_date) == form.year.data)
    rows = db.session.execute(query).all()
    return render_template("cohorts/list.html", form=form, rows=rows)


def _count_where(condition):
    return (
        select(func.count(Enrolment.id))
        .where(Enrolment.cohort_id == Cohort.id, condition)
        .correlate(Cohort)
        .scalar_subquery()
    )


@bp.route("/nytt", methods=["GET", "POST"])
def create_cohort():
    form = CreateCohortForm()
    _fill_choices(form)
    if form.validate_on_submit():
        if earlier := earlier_result(form.submission_key.data):
            flash(_("Skjemaet var allerede sendt. Kurset er ikke opprettet to ganger."), "info")
            return redirect(earlier)
        try:
            cohort = services.save_cohort(None, _fields(form))
        except services.CohortError as error:
            db.session.rollback()
            show_errors(form, error.errors)
        else:
            target = url_for("cohorts.cohort_overview", cohort_id=cohort.id)
            remember_submission(form.submission_key.data, current_user.id, target)
            db.session.commit()
            flash(_("Kurset «%(name)s» er opprettet.", name=cohort.name), "success")
            return redirect(target)
    return render_template("cohorts/form.html", form=form, cohort=None)


@bp.route("/<int:cohort_id>/endre", methods=["GET", "POST"])
def edit_cohort(cohort_id: int):
    cohort = load_cohort(cohort_id, manage=True)
    form = EditCohortForm(obj=cohort)
    _fill_choices(form)
    if request.method == "GET":
        form.county.data = cohort.county_id
        form.curriculum_version.data = cohort.curriculum_version_id
        form.provider.data = cohort.provider_id
        form.instructors.data = [u.id for u in cohort.instructors]
        form.teaching_weekdays.data = sorted(parse_weekdays(cohort.teaching_weekdays))
    status = 200
    if form.validate_on_submit():
        try:
            check_version(cohort.version, form.version.data)
            services.save_cohort(cohort, _fields(form))
        except StaleEdit as error:
            db.session.rollback()
            form.form_errors.append(str(error))
            cohort = load_cohort(cohort_id, manage=True)
            form.version.data, status = cohort.version, 409
        except services.CohortError as error:
            db.session.rollback()
            show_errors(form, error.errors)
        else:
            db.session.commit()
            flash(_("Endringene er lagret."), "success")
            return redirect(url_for("cohorts.cohort_overview", cohort_id=cohort.id))
    return render_template(
        "cohorts/form.html", form=form, cohort=cohort, conflict=status == 409
    ), status


@bp.get("/<int:cohort_id>")
def cohort_overview(cohort_id: int):
    cohort = load_cohort(cohort_id)
    people = db.session.execute(
        select(Enrolment.id, Enrolment.status, Enrolment.applied_on, Person.name)
        .join(Person, Person.id == Enrolment.person_id)
        .where(Enrolment.cohort_id == cohort.id)
        .order_by(Person.name)
    ).all()
    counts = Counter(row.status for row in people)
    waiting = sorted(
        (row for row in people if row.status is EnrolmentStatus.VENTELISTE),
        key=lambda row: (row.applied_on, row.id),
    )
    upcoming = next_sessions(cohort, today())
    record_access(
        AccessAction.VIEW, object_type="cohort", object_id=cohort.id, purpose="COHORT_ADMIN"
    )
    db.session.commit()
    return render_template(
        "cohorts/overview.html",
        cohort=cohort,
        counts=counts,
        taken=sum(counts[s] for s in HOLDS_PLACE),
        applying=sum(counts[s] for s in APPLYING),
        waiting=waiting,
        participants=[row for row in people if row.status not in NOT_YET_IN],
        statuses=list(EnrolmentStatus),
        closed_form=ClosedPeriodForm(),
        next_sessions=upcoming,
        module_titles=module_titles(cohort),
        completion_warnings=cohort_warnings(cohort, today()),
        concerns=open_concerns(cohort) if may_manage_county(current_user, cohort.county_id) else [],
    )


@bp.post("/<int:cohort_id>/stengte-perioder")
def add_closed_period(cohort_id: int):
    cohort = load_cohort(cohort_id, manage=True)
    form = ClosedPeriodForm()
    if form.validate_on_submit():
        try:
            services.add_closed_period(
                cohort, form.start_date.data, form.end_date.data, form.description.data
            )
        except services.CohortError as error:
            db.session.rollback()
            show_errors(form, error.errors)
        else:
            db.session.commit()
            flash(_("Den stengte perioden er lagt til."), "success")
            return redirect(url_for("cohorts.cohort_overview", cohort_id=cohort.id))
    return render_template("cohorts/closed_period.html", cohort=cohort, form=form), 400


@bp.post("/<int:cohort_id>/stengte-perioder/<int:period_id>/slett")
def remove_closed_period(cohort_id: int, period_id: int):
    cohort = load_cohort(cohort_id, manage=True)
    try:
        services.remove_closed_period(cohort, period_id)
    except services.CohortError:
        abort(404)
    db.session.commit()
    flash(_("Den stengte perioden er fjernet."), "success")
    return redirect(url_for("cohorts.cohort_overview", cohort_id=cohort.id))


@bp.route("/<int:cohort_id>/avlys", methods=["GET", "POST"])
def cancel_cohort(cohort_id: int):
    cohort = load_cohort(cohort_id, manage=True)
    form = CancelCohortForm(version=cohort.version)
    status = 200
    if form.validate_on_submit():
        try:
            check_version(cohort.version, form.version.data)
            new_status = services.cancel_cohort(
                cohort, CancelReason(form.reason.data), form.text.data, current_user, today()
            )
        except StaleEdit as error:
            db.session.rollback()
            form.form_errors.append(str(error))
            cohort = load_cohort(cohort_id, manage=True)
            form.version.data, status = cohort.version, 409
        except services.CohortError as error:
            db.session.rollback()
            show_errors(form, error.errors)
        else:
            record_access(
                AccessAction.UPDATE,
                object_type="cohort",
                object_id=cohort.id,
                purpose="COHORT_ADMIN",
            )
            db.session.commit()
            flash(_("Kurset er %(status)s.", status=new_status.label.lower()), "success")
            return redirect(url_for("cohorts.cohort_overview", cohort_id=cohort.id))
    return render_template("cohorts/cancel.html", cohort=cohort, form=form), status
