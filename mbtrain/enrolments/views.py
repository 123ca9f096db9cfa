from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import joinedload, selectinload

from mbtrain.audit.models import AccessAction
from mbtrain.audit.services import record_access
from mbtrain.cohorts.access import load_cohort
from mbtrain.cohorts.models import Cohort
from mbtrain.concurrency import check_version
from mbtrain.enrolments import services
from mbtrain.enrolments.forms import (
    ApplicationForm,
    AssessmentForm,
    DecisionForm,
    StatusChangeForm,
)
from mbtrain.enrolments.models import Enrolment, EnrolmentStatus, StatusPeriod, StatusReason
from mbtrain.enrolments.transitions import APPLYING, allowed_targets
from mbtrain.errors import StaleEdit
from mbtrain.extensions import db
from mbtrain.forms import choices
from mbtrain.i18n import today
from mbtrain.idempotency import earlier_result, remember_submission
from mbtrain.people.models import Person
from mbtrain.policy import may_manage_county, visible_cohorts

bp = Blueprint("enrolments", __name__)

# Changes made from the trainee page; intake decisions have their own form.
MANUAL_TARGETS = (
    EnrolmentStatus.DELTAR,
    EnrolmentStatus.AVBRUTT,
    EnrolmentStatus.FULLFORT,
    EnrolmentStatus.IKKE_AKTUELL,
    EnrolmentStatus.FEILREGISTRERT,
)


def load_enrolment(enrolment_id: int, *, manage: bool = False) -> Enrolment:
    """The enrolment if its cohort is visible to this user (and manageable, if asked); else 404."""
    enrolment = db.session.scalar(
        select(Enrolment)
        .join(Cohort, Cohort.id == Enrolment.cohort_id)
        .where(Enrolment.id == enrolment_id, visible_cohorts(current_user))
        .options(
            joinedload(Enrolment.person),
            joinedload(Enrolment.cohort).joinedload(Cohort.county),
            joinedload(Enrolment.assessed_by),
            selectinload(Enrolment.history).joinedload(StatusPeriod.changed_by),
        )
    )
    if enrolment is None or (
        manage and not may_manage_county(current_user, enrolment.cohort.county_id)
    ):
        abort(404)
    return enrolment


def _log(enrolment: Enrolment, action: AccessAction, purpose: str = "INTAKE") -> None:
    record_access(
        action,
        object_type="enrolment",
        object_id=enrolment.id,
        subject_person_id=enrolment.person_id,
        subject_user_id=enrolment.person.user_id,
        purpose=purpose,
    )


def _status_form(enrolment: Enrolment, form: StatusChangeForm | None = None) -> StatusChangeForm:
    form = form or StatusChangeForm(version=enrolment.version)
    targets = [s for s in MANUAL_TARGETS if s in allowed_targets(enrolment.status)]
    form.status.choices = choices((s.value, s.label) for s in targets)
    return form


def _render_detail(enrolment: Enrolment, status: int = 200, **forms):
    forms.setdefault(
        "assessment_form",
        AssessmentForm(
            version=enrolment.version,
            meets={True: "yes", False: "no"}.get(enrolment.meets_requirements),
            reasoning=enrolment.assessment,
        ),
    )
    forms.setdefault("decision_form", DecisionForm(version=enrolment.version))
    forms["status_form"] = _status_form(enrolment, forms.get("status_form"))
    _log(enrolment, AccessAction.VIEW)
    db.session.commit()
    return render_template(
        "enrolments/detail.html",
        enrolment=enrolment,
        applying=enrolment.status in APPLYING | {EnrolmentStatus.VENTELISTE},
        **forms,
    ), status


def _fail(enrolment_id: int, form, error: Exception, status: int = 400):
    """Re-show the page with the submitted form and the message on the right field."""
    db.session.rollback()
    enrolment = load_enrolment(enrolment_id, manage=True)
    if isinstance(error, StaleEdit):
        # Shown at the top: the form it came from may no longer apply to the new status.
        flash(str(error), "error")
        form.version.data, status = enrolment.version, 409
    else:
        field = getattr(form, getattr(error, "field", None) or "", None)
        (field.errors if field is not None else form.form_errors).append(str(error))
    key = {
        AssessmentForm: "assessment_form",
        DecisionForm: "decision_form",
        StatusChangeForm: "status_form",
    }[type(form)]
    return _render_detail(enrolment, status, **{key: form})


def _done(enrolment: Enrolment, message: str):
    _log(enrolment, AccessAction.UPDATE)
    db.session.commit()
    flash(message, "success")
    return redirect(url_for("enrolments.enrolment_detail", enrolment_id=enrolment.id))


@bp.get("/kurs/<int:cohort_id>/soknader")
def application_queue(cohort_id: int):
    cohort = load_cohort(cohort_id, manage=True)
    applications = db.session.scalars(
        select(Enrolment)
        .where(Enrolment.cohort_id == cohort.id, Enrolment.status.in_(APPLYING))
        .options(joinedload(Enrolment.person))
        .order_by(Enrolment.applied_on, Enrolment.id)
    ).all()
    record_access(
        AccessAction.VIEW, object_type="application_queue", object_id=cohort.id, purpose="INTAKE"
    )
    db.session.commit()
    return render_template("enrolments/queue.html", cohort=cohort, applications=applications)


@bp.route("/kurs/<int:cohort_id>/soknader/ny", methods=["GET", "POST"])
def register_application(cohort_id: int):
    cohort = load_cohort(cohort_id, manage=True)
    form = ApplicationForm()
    if form.validate_on_submit():
        if earlier := earlier_result(form.submission_key.data):
            flash(_("Skjemaet var allerede sendt. Søknaden er ikke registrert to ganger."), "info")
            return redirect(earlier)
        try:
            enrolment = services.register_application(
                cohort,
                name=form.name.data,
                date_of_birth=form.date_of_birth.data,
                email=form.email.data,
                phone=form.phone.data or "",
                applied_on=form.applied_on.data,
                nav_contact=form.nav_contact.data or "",
                by=current_user,
                today=today(),
            )
        except services.EnrolmentError as error:
            db.session.rollback()
            field = getattr(form, error.field or "", None)
            (field.errors if field is not None else form.form_errors).append(str(error))
        else:
            target = url_for("enrolments.enrolment_detail", enrolment_id=enrolment.id)
            remember_submission(form.submission_key.data, current_user.id, target)
            _log(enrolment, AccessAction.CREATE)
            db.session.commit()
            flash(_("Søknaden er registrert."), "success")
            return redirect(target)
    return render_template("enrolments/application_form.html", cohort=cohort, form=form)


@bp.get("/deltakere/<int:enrolment_id>")
def enrolment_detail(enrolment_id: int):
    return _render_detail(load_enrolment(enrolment_id))


@bp.post("/deltakere/<int:enrolment_id>/vurdering")
def assess(enrolment_id: int):
    enrolment = load_enrolment(enrolment_id, manage=True)
    form = AssessmentForm()
    if form.version.data != enrolment.version:
        return _fail(enrolment_id, form, StaleEdit())
    if not form.validate_on_submit():
        return _render_detail(enrolment, 400, assessment_form=form)
    try:
        check_version(enrolment.version, form.version.data)
        services.record_assessment(
            enrolment,
            meets=form.meets.data == "yes",
            reasoning=form.reasoning.data,
            by=current_user,
        )
    except (StaleEdit, services.EnrolmentError) as error:
        return _fail(enrolment_id, form, error)
    return _done(enrolment, _("Vurderingen er lagret."))


@bp.post("/deltakere/<int:enrolment_id>/vedtak")
def decide(enrolment_id: int):
    enrolment = load_enrolment(enrolment_id, manage=True)
    form = DecisionForm()
    if form.version.data != enrolment.version:
        return _fail(enrolment_id, form, StaleEdit())
    if not form.validate_on_submit():
        return _render_detail(enrolment, 400, decision_form=form)
    try:
        check_version(enrolment.version, form.version.data)
        if form.decision.data == "grant":
            services.grant_place(enrolment, by=current_user, today=today())
            message = _("Plass er gitt. Deltakeren har fått en e-post for å aktivere kontoen.")
        elif form.decision.data == "waitlist":
            services.put_on_waiting_list(enrolment, by=current_user)
            message = _("Søkeren står nå på ventelisten.")
        else:
            reason = StatusReason(form.reason.data) if form.reason.data else None
            if reason is None:
                raise services.EnrolmentError(_("Velg en årsak til avslaget."), field="reason")
            services.reject_application(
                enrolment, reason=reason, reason_text=form.reason_text.data, by=current_user
            )
            message = _("Søknaden er avslått.")
    except (StaleEdit, services.EnrolmentError) as error:
        return _fail(enrolment_id, form, error)
    return _done(enrolment, message)


@bp.post("/deltakere/<int:enrolment_id>/status")
def change_status(enrolment_id: int):
    enrolment = load_enrolment(enrolment_id, manage=True)
    form = _status_form(enrolment, StatusChangeForm())
    if form.version.data != enrolment.version:
        return _fail(enrolment_id, form, StaleEdit())
    if not form.validate_on_submit():
        return _render_detail(enrolment, 400, status_form=form)
    try:
        check_version(enrolment.version, form.version.data)
        services.change_status(
            enrolment,
            EnrolmentStatus(form.status.data),
            reason=StatusReason(form.reason.data) if form.reason.data else None,
            reason_text=form.reason_text.data,
            by=current_user,
        )
    except (StaleEdit, services.EnrolmentError) as error:
        return _fail(enrolment_id, form, error)
    return _done(enrolment, _("Statusen er endret."))


@bp.post("/kurs/<int:cohort_id>/venteliste/tilby-plass")
def offer_next_place(cohort_id: int):
    cohort = load_cohort(cohort_id, manage=True)
    try:
        enrolment = services.offer_next_place(cohort, by=current_user, today=today())
    except services.EnrolmentError as error:
        db.session.rollback()
        flash(str(error), "error")
        return redirect(url_for("cohorts.cohort_overview", cohort_id=cohort_id))
    _log(enrolment, AccessAction.UPDATE)
    db.session.commit()
    flash(_("%(name)s har fått den ledige plassen.", name=enrolment.person.name), "success")
    return redirect(url_for("cohorts.cohort_overview", cohort_id=cohort_id))


@bp.get("/mitt-kurs")
def my_enrolment():
    person = db.session.scalar(select(Person).where(Person.user_id == current_user.id))
    enrolments = []
    if person is not None:
        enrolments = db.session.scalars(
            select(Enrolment)
            .where(Enrolment.person_id == person.id)
            .options(
                joinedload(Enrolment.cohort).joinedload(Cohort.provider),
                selectinload(Enrolment.history).joinedload(StatusPeriod.changed_by),
            )
            .order_by(Enrolment.applied_on.desc())
        ).all()
    if person is not None:
        record_access(
            AccessAction.VIEW,
            object_type="own_enrolment",
            object_id=person.id,
            subject_person_id=person.id,
            subject_user_id=current_user.id,
            purpose="OWN_DATA",
        )
        db.session.commit()
    return render_template("enrolments/mine.html", person=person, enrolments=enrolments)
