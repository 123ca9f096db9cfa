"""The assessment pages as shown (on a GET, or again after a refused save), each with the
access-log row for what it shows."""

from flask import render_template
from flask_login import current_user

from mbtrain.accounts.models import User
from mbtrain.assessments import services
from mbtrain.assessments.forms import AssessmentForm, ProjectForm, SheetForm
from mbtrain.audit.services import log_change, log_view
from mbtrain.cohorts.models import Cohort
from mbtrain.curriculum.definition import Module
from mbtrain.enrolments.models import Enrolment
from mbtrain.errors import StaleEdit
from mbtrain.extensions import db

PURPOSE = "COHORT_ADMIN"


def stale(form) -> bool:
    return isinstance(getattr(form, "refused", None), StaleEdit)


def log_trainee(enrolment: Enrolment, object_type: str, log=log_view) -> None:
    """The access-log row about a trainee's assessments: shown, or (``log_change``) changed."""
    log(enrolment, PURPOSE, object_type=object_type, subject_user_id=enrolment.person.user_id)


def log_sheet(cohort: Cohort, trainees: list) -> None:
    """One row for each trainee whose result a sheet changed."""
    for trainee in trainees:
        log_change(
            cohort,
            PURPOSE,
            object_type="module_assessment",
            subject_person_id=trainee.person_id,
            subject_user_id=trainee.user_id,
        )


def assess_page(enrolment: Enrolment, module: Module, form: AssessmentForm):
    """After a stale save, the form is on the version now saved (which the page shows)."""
    assessment = services.find_assessment(enrolment.id, module.code)
    if stale(form):
        form.version.data = assessment.version if assessment else 0
    log_trainee(enrolment, "module_assessment")
    return render_template(
        "assessments/assess.html",
        enrolment=enrolment,
        module=module,
        assessment=assessment,
        assessor=db.session.get(User, assessment.assessor_id) if assessment else None,
        form=form,
        conflict=stale(form),
    )


def project_page(enrolment: Enrolment, form: ProjectForm):
    project = services.find_project(enrolment)
    if stale(form):
        form.version.data = project.version if project else 0
    log_trainee(enrolment, "project_assignment")
    return render_template(
        "assessments/project.html",
        enrolment=enrolment,
        project=project,
        form=form,
        conflict=stale(form),
    )


def sheet_page(cohort: Cohort, module: Module, form: SheetForm):
    """The cohort's trainees in the module; the rows as stored, or as sent."""
    trainees = services.sheet_trainees(cohort, module, current_user)
    if not form.is_submitted():
        form.fill(trainees)
    by_id = {row.enrolment_id: row for row in trainees}
    rows = [
        (entry.form, by_id.get(services.as_int(entry.form.enrolment_id.data)))
        for entry in form.rows
    ]
    log_view(cohort, PURPOSE, object_type="module_sheet")
    return render_template(
        "assessments/sheet.html",
        cohort=cohort,
        module=module,
        rows=[(row_form, trainee) for row_form, trainee in rows if trainee is not None],
        form=form,
        conflicts=set(getattr(getattr(form, "refused", None), "enrolment_ids", ())),
    )
