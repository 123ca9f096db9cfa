"""The coordinator's follow-up of trainees after the course: the due-list and the form."""

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from mbtrain.audit.models import AccessAction
from mbtrain.audit.services import record_access
from mbtrain.cohorts.models import Cohort
from mbtrain.concurrency import check_version
from mbtrain.enrolments.models import Enrolment
from mbtrain.errors import StaleEdit
from mbtrain.extensions import db
from mbtrain.i18n import today
from mbtrain.outcomes import services
from mbtrain.outcomes.forms import OutcomeForm
from mbtrain.outcomes.models import FOLLOW_UP_MONTHS, EmployerType, Situation
from mbtrain.policy import may_manage_county, visible_cohorts

bp = Blueprint("outcomes", __name__)
PURPOSE = "OUTCOME_FOLLOWUP"


def load_ended_enrolment(enrolment_id: int) -> Enrolment:
    """An ended enrolment in a cohort this coordinator (or the admin) manages; else 404."""
    enrolment = db.session.scalar(
        select(Enrolment)
        .join(Cohort, Cohort.id == Enrolment.cohort_id)
        .where(Enrolment.id == enrolment_id, visible_cohorts(current_user))
        .options(joinedload(Enrolment.person), joinedload(Enrolment.cohort))
    )
    if (
        enrolment is None
        or enrolment.status not in services.ENDED
        or enrolment.end_date is None
        or not may_manage_county(current_user, enrolment.cohort.county_id)
    ):
        abort(404)
    return enrolment


def _log(action: AccessAction, enrolment: Enrolment) -> None:
    record_access(
        action,
        object_type="outcome_followup",
        object_id=enrolment.id,
        subject_person_id=enrolment.person_id,
        subject_user_id=enrolment.person.user_id,
        purpose=PURPOSE,
    )


@bp.get("/oppfolging")
def due_list():
    due = services.due_follow_ups(current_user, today())
    record_access(
        AccessAction.VIEW, object_type="outcome_due_list", object_id=None, purpose=PURPOSE
    )
    db.session.commit()
    return render_template("outcomes/due_list.html", due=due, today=today())


@bp.get("/deltakere/<int:enrolment_id>/etter-kurset")
def trainee_outcomes(enrolment_id: int):
    enrolment = load_ended_enrolment(enrolment_id)
    recorded = services.follow_ups_of(enrolment.id)
    _log(AccessAction.VIEW, enrolment)
    db.session.commit()
    points = [
        (months, services.due_on(enrolment.end_date, months), recorded.get(months))
        for months in FOLLOW_UP_MONTHS
    ]
    return render_template(
        "outcomes/trainee.html", enrolment=enrolment, points=points, today=today()
    )


def _fields(form: OutcomeForm) -> services.OutcomeFields:
    return services.OutcomeFields(
        situation=Situation(form.situation.data),
        employer_type=EmployerType(form.employer_type.data) if form.employer_type.data else None,
        position_percent=form.position_percent.data,
    )


@bp.route("/deltakere/<int:enrolment_id>/etter-kurset/<int:months>", methods=["GET", "POST"])
def record_outcome(enrolment_id: int, months: int):
    enrolment = load_ended_enrolment(enrolment_id)
    if months not in FOLLOW_UP_MONTHS:
        abort(404)
    existing = services.follow_ups_of(enrolment.id).get(months)
    form = OutcomeForm(obj=existing)
    if not form.is_submitted():
        form.version.data = existing.version if existing else 0
    status = 200
    if form.validate_on_submit():
        try:
            check_version(existing.version if existing else 0, form.version.data)
            services.record_follow_up(enrolment, months, _fields(form), current_user, today())
        except StaleEdit as error:
            db.session.rollback()
            form.form_errors.append(str(error))
            existing = services.follow_ups_of(enrolment_id).get(months)
            form.version.data, status = existing.version if existing else 0, 409
        except services.OutcomeError as error:
            db.session.rollback()
            for name, message in error.errors.items():
                (getattr(form, name).errors if name else form.form_errors).append(message)
        else:
            _log(AccessAction.UPDATE if existing else AccessAction.CREATE, enrolment)
            db.session.commit()
            flash(_("Oppfølgingen er lagret."), "success")
            return redirect(url_for("outcomes.trainee_outcomes", enrolment_id=enrolment.id))
        enrolment = load_ended_enrolment(enrolment_id)  # the rollback expired it
    _log(AccessAction.VIEW, enrolment)
    db.session.commit()
    return render_template(
        "outcomes/form.html",
        form=form,
        enrolment=enrolment,
        months=months,
        due=services.due_on(enrolment.end_date, months),
        existing=existing,
    ), status
