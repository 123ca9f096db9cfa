"""What the enrolment pages show: the trainee's page with its three forms, the intake queue
and the trainee's own enrolments."""

from flask import flash, render_template
from sqlalchemy import select
from sqlalchemy.orm import joinedload, selectinload

from mbtrain.audit.services import log_view
from mbtrain.cohorts.models import Cohort
from mbtrain.enrolments.forms import AssessmentForm, DecisionForm, StatusChangeForm
from mbtrain.enrolments.models import Enrolment, EnrolmentStatus, StatusPeriod
from mbtrain.enrolments.transitions import APPLYING
from mbtrain.errors import StaleEdit
from mbtrain.extensions import db
from mbtrain.people.models import Person
from mbtrain.web import refuse

IN_INTAKE = APPLYING | {EnrolmentStatus.VENTELISTE}
FORMS = {
    AssessmentForm: "assessment_form",
    DecisionForm: "decision_form",
    StatusChangeForm: "status_form",
}


def fresh(form, enrolment: Enrolment) -> bool:
    """Whether the form was opened on the enrolment as it is saved now. If not, the page
    answers 409 with the message at the top (the form it came from may no longer apply to
    the new status), and the form is on the version now saved."""
    if form.version.data == enrolment.version:
        return True
    flash(StaleEdit().message, "error")
    form.version.data = enrolment.version
    refuse(409)
    return False


def detail_page(enrolment: Enrolment, form=None):
    """The trainee's page; ``form`` is the one that was sent, shown again with its messages."""
    forms = {
        "assessment_form": AssessmentForm.of(enrolment),
        "decision_form": DecisionForm(version=enrolment.version),
        "status_form": StatusChangeForm(version=enrolment.version),
    }
    if form is not None:
        forms[FORMS[type(form)]] = form
    forms["status_form"].offer_targets(enrolment.status)
    log_view(enrolment, "INTAKE", subject_user_id=enrolment.person.user_id)
    return render_template(
        "enrolments/detail.html",
        enrolment=enrolment,
        applying=enrolment.status in IN_INTAKE,
        **forms,
    )


def confirm_status_page(enrolment: Enrolment, form: StatusChangeForm):
    """What a final status will do to whom, with «Bekreft» (the same form, confirmed) and
    «Avbryt» (back to the trainee's page, nothing changed)."""
    log_view(enrolment, "INTAKE", subject_user_id=enrolment.person.user_id)
    change = form.change()
    return render_template(
        "enrolments/confirm_status.html",
        enrolment=enrolment,
        form=form,
        target=change["target"],
        reason=change["reason"],
    )


def applications(cohort: Cohort) -> list[Enrolment]:
    """The cohort's applications still in the queue, first come first."""
    return db.session.scalars(
        select(Enrolment)
        .where(Enrolment.cohort_id == cohort.id, Enrolment.status.in_(APPLYING))
        .options(joinedload(Enrolment.person))
        .order_by(Enrolment.applied_on, Enrolment.id)
    ).all()


def enrolments_of(person: Person | None) -> list[Enrolment]:
    """A person's own enrolments, latest application first, with their histories."""
    if person is None:
        return []
    return db.session.scalars(
        select(Enrolment)
        .where(Enrolment.person_id == person.id)
        .options(
            joinedload(Enrolment.cohort).joinedload(Cohort.provider),
            selectinload(Enrolment.history).joinedload(StatusPeriod.changed_by),
        )
        .order_by(Enrolment.applied_on.desc())
    ).all()
