from flask import Blueprint, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm

from mbtrain.audit.models import AccessAction
from mbtrain.audit.services import log_change, log_view
from mbtrain.cohorts.access import load_cohort
from mbtrain.enrolments import services
from mbtrain.enrolments.access import load_enrolment
from mbtrain.enrolments.forms import (
    ApplicationForm,
    AssessmentForm,
    DecisionForm,
    StatusChangeForm,
)
from mbtrain.enrolments.models import Enrolment
from mbtrain.enrolments.pages import (
    applications,
    confirm_status_page,
    detail_page,
    enrolments_of,
    fresh,
)
from mbtrain.enrolments.transitions import ENDED
from mbtrain.i18n import today
from mbtrain.idempotency import attempt_once, sent_on
from mbtrain.people.access import own_person
from mbtrain.web import attempt, refuse, submitted

bp = Blueprint("enrolments", __name__)

DECIDED = {
    services.Decision.GRANT: _l(
        "Plass er gitt til %(name)s, som har fått en e-post for å aktivere kontoen."
    ),
    services.Decision.WAITLIST: _l("%(name)s står nå på ventelisten."),
    services.Decision.REJECT: _l("Søknaden fra %(name)s er avslått."),
}


def _log_change(enrolment: Enrolment, action: AccessAction = AccessAction.UPDATE) -> None:
    log_change(enrolment, "INTAKE", action=action, subject_user_id=enrolment.person.user_id)


def _done(enrolment: Enrolment, message: str):
    _log_change(enrolment)
    flash(message, "success")
    return redirect(url_for(".enrolment_detail", enrolment_id=enrolment.id))


def _registered(form: ApplicationForm, enrolment: Enrolment):
    _log_change(enrolment, AccessAction.CREATE)
    flash(_("Søknaden fra %(name)s er registrert.", name=enrolment.person.name), "success")
    return sent_on(form, url_for(".enrolment_detail", enrolment_id=enrolment.id))


@bp.get("/kurs/<int:cohort_id>/soknader")
def application_queue(cohort_id: int):
    cohort = load_cohort(cohort_id, manage=True)
    log_view(cohort, "INTAKE", object_type="application_queue")
    return render_template(
        "enrolments/queue.html", cohort=cohort, applications=applications(cohort)
    )


@bp.route("/kurs/<int:cohort_id>/soknader/ny", methods=["GET", "POST"])
def register_application(cohort_id: int):
    cohort = load_cohort(cohort_id, manage=True)
    form = ApplicationForm()
    applicant = {**form.applicant(), "by": current_user, "today": today()}
    if form.validate_on_submit() and (
        done := attempt_once(form, services.register_application, cohort, **applicant)
    ):
        return _registered(form, done.value)
    refuse(200)  # the form shown again with its messages is an ordinary page, as it always was
    return render_template("enrolments/application_form.html", cohort=cohort, form=form)


@bp.get("/deltakere/<int:enrolment_id>")
def enrolment_detail(enrolment_id: int):
    return detail_page(load_enrolment(enrolment_id))


@bp.post("/deltakere/<int:enrolment_id>/vurdering")
def assess(enrolment_id: int):
    enrolment = load_enrolment(enrolment_id, manage=True)
    form = AssessmentForm()
    sent = fresh(form, enrolment) and submitted(form)
    if sent and attempt(
        form, services.record_assessment, enrolment, **form.assessment(), by=current_user
    ):
        return _done(enrolment, _("Vurderingen av %(name)s er lagret.", name=enrolment.person.name))
    return detail_page(enrolment, form)


@bp.post("/deltakere/<int:enrolment_id>/vedtak")
def decide(enrolment_id: int):
    enrolment = load_enrolment(enrolment_id, manage=True)
    form = DecisionForm()
    sent = fresh(form, enrolment) and submitted(form)
    if sent and attempt(
        form, services.decide, enrolment, **form.decision_taken(), by=current_user, today=today()
    ):
        return _done(enrolment, str(DECIDED[form.decision.data]) % {"name": enrolment.person.name})
    return detail_page(enrolment, form)


@bp.post("/deltakere/<int:enrolment_id>/status")
def change_status(enrolment_id: int):
    """A final status (``transitions.ENDED``) is set only from its confirmation page: the
    first POST shows that page, its «Bekreft» sends the same form with ``confirmed``."""
    enrolment = load_enrolment(enrolment_id, manage=True)
    form = StatusChangeForm().offer_targets(enrolment.status)
    sent = fresh(form, enrolment) and submitted(form)
    if sent and form.change()["target"] in ENDED and not form.confirmed.data:
        if attempt(form, services.check_status_change, enrolment, **form.change()):
            return confirm_status_page(enrolment, form)
    elif sent and attempt(
        form, services.change_status, enrolment, **form.change(), by=current_user, by_hand=True
    ):
        return _done(
            enrolment,
            _(
                "Statusen til %(name)s er endret til «%(status)s».",
                name=enrolment.person.name,
                status=enrolment.status.label,
            ),
        )
    return detail_page(enrolment, form)


@bp.post("/kurs/<int:cohort_id>/venteliste/tilby-plass")
def offer_next_place(cohort_id: int):
    cohort = load_cohort(cohort_id, manage=True)
    form = FlaskForm()  # a button: the CSRF token only, checked for every POST
    if done := attempt(form, services.offer_next_place, cohort, by=current_user, today=today()):
        _log_change(done.value)
        flash(_("%(name)s har fått den ledige plassen.", name=done.value.person.name), "success")
    else:
        flash(form.refused.message, "error")
    return redirect(url_for("cohorts.cohort_overview", cohort_id=cohort_id))


@bp.get("/mitt-kurs")
def my_enrolment():
    person = own_person()
    if person is not None:
        log_view(
            person,
            "OWN_DATA",
            object_type="own_enrolment",
            subject_person_id=person.id,
            subject_user_id=current_user.id,
        )
    return render_template("enrolments/mine.html", person=person, enrolments=enrolments_of(person))
