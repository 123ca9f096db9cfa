"""The coordinator's follow-up of trainees after the course: the due-list and the form."""

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from mbtrain.audit.models import AccessAction
from mbtrain.audit.services import log_change, log_view
from mbtrain.enrolments.models import Enrolment
from mbtrain.errors import StaleEdit
from mbtrain.i18n import today
from mbtrain.outcomes import access, services
from mbtrain.outcomes.forms import OutcomeForm
from mbtrain.outcomes.models import OutcomeFollowUp
from mbtrain.web import attempt

bp = Blueprint("outcomes", __name__)
PURPOSE = "OUTCOME_FOLLOWUP"


@bp.get("/oppfolging")
def due_list():
    due = services.due_follow_ups(current_user, today())
    log_view("outcome_due_list", PURPOSE)
    return render_template("outcomes/due_list.html", due=due, today=today())


@bp.get("/deltakere/<int:enrolment_id>/etter-kurset")
def trainee_outcomes(enrolment_id: int):
    enrolment = access.load_ended_enrolment(enrolment_id)
    points = services.follow_up_points(enrolment)
    log_view(enrolment, PURPOSE, **_about(enrolment))
    return render_template(
        "outcomes/trainee.html", enrolment=enrolment, points=points, today=today()
    )


@bp.route("/deltakere/<int:enrolment_id>/etter-kurset/<int:months>", methods=["GET", "POST"])
def record_outcome(enrolment_id: int, months: int):
    enrolment, existing = access.load_follow_up(enrolment_id, months)
    form = OutcomeForm.opened_on(existing)
    if form.validate_on_submit() and attempt(
        form, services.record_follow_up, enrolment, months, current_user, today(), **form.answers()
    ):
        action = AccessAction.UPDATE if existing else AccessAction.CREATE
        log_change(enrolment, PURPOSE, action=action, **_about(enrolment))
        flash(_("Oppfølgingen av %(name)s er lagret.", name=enrolment.person.name), "success")
        return redirect(url_for("outcomes.trainee_outcomes", enrolment_id=enrolment.id))
    return _form_page(enrolment, months, existing, form)


def _about(enrolment: Enrolment) -> dict:
    """The log row's object: this enrolment's follow-up, about the trainee and their account."""
    return {"object_type": "outcome_followup", "subject_user_id": enrolment.person.user_id}


def _form_page(
    enrolment: Enrolment, months: int, existing: OutcomeFollowUp | None, form: OutcomeForm
):
    """The form beside the enrolment; after a stale save, on the version now saved."""
    if isinstance(getattr(form, "refused", None), StaleEdit):
        form.version.data = existing.version if existing else 0
    log_view(enrolment, PURPOSE, **_about(enrolment))
    return render_template(
        "outcomes/form.html",
        form=form,
        enrolment=enrolment,
        months=months,
        due=services.due_on(enrolment.end_date, months),
        existing=existing,
    )
