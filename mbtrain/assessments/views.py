from flask import Blueprint, flash, redirect, url_for
from flask_babel import gettext as _
from flask_login import current_user

from mbtrain.assessments import services
from mbtrain.assessments.access import load_cohort_module, load_trainee, load_trainee_module
from mbtrain.assessments.forms import AssessmentForm, ProjectForm, SheetForm
from mbtrain.assessments.models import ModuleAssessment
from mbtrain.assessments.pages import assess_page, log_sheet, log_trainee, project_page, sheet_page
from mbtrain.audit.services import log_change
from mbtrain.cohorts.models import Cohort
from mbtrain.curriculum.definition import Module
from mbtrain.enrolments.models import Enrolment
from mbtrain.i18n import today
from mbtrain.web import attempt, submitted

bp = Blueprint("assessments", __name__)


def _by_today() -> dict:
    """Who records, and today's date (the date a result without one gets)."""
    return {"by": current_user, "today": today()}


def _progress(enrolment: Enrolment):
    return redirect(url_for("progress.trainee_progress", enrolment_id=enrolment.id))


@bp.route("/deltakere/<int:enrolment_id>/moduler/<code>/vurdering", methods=["GET", "POST"])
def assess_module(enrolment_id: int, code: str):
    enrolment, module = load_trainee_module(enrolment_id, code)
    form = AssessmentForm.of(services.find_assessment(enrolment.id, module.code))
    if submitted(form) and (
        done := attempt(
            form, services.record_assessment, enrolment, module, **form.assessment(), **_by_today()
        )
    ):
        return _assessed(enrolment, module, done.value)
    return assess_page(enrolment, module, form)


def _assessed(enrolment: Enrolment, module: Module, saved: ModuleAssessment | None):
    if saved is None:
        flash(_("Ingen endringer å lagre."), "info")
        return _progress(enrolment)
    log_trainee(enrolment, "module_assessment", log_change)
    flash(
        _(
            "Vurderingen av %(name)s i %(module)s er lagret.",
            name=enrolment.person.name,
            module=module.code,
        ),
        "success",
    )
    return _progress(enrolment)


@bp.route("/deltakere/<int:enrolment_id>/prosjektoppgave", methods=["GET", "POST"])
def edit_project(enrolment_id: int):
    enrolment = load_trainee(enrolment_id)
    form = ProjectForm(obj=services.find_project(enrolment), version=0)
    if submitted(form) and attempt(
        form, services.save_project, enrolment, **form.project(), **_by_today()
    ):
        log_trainee(enrolment, "project_assignment", log_change)
        flash(_("Prosjektoppgaven til %(name)s er lagret.", name=enrolment.person.name), "success")
        return _progress(enrolment)
    return project_page(enrolment, form)


# The whole cohort in one module --------------------------------------------------------


@bp.route("/kurs/<int:cohort_id>/moduler/<code>/vurderinger", methods=["GET", "POST"])
def module_sheet(cohort_id: int, code: str):
    cohort, module = load_cohort_module(cohort_id, code)
    form = SheetForm()
    if submitted(form) and (
        done := attempt(form, services.record_sheet, cohort, module, form.entries(), **_by_today())
    ):
        return _sheet_saved(cohort, module, done.value)
    return sheet_page(cohort, module, form)


def _sheet_saved(cohort: Cohort, module: Module, trainees: list):
    log_sheet(cohort, trainees)
    flash(
        _("%(count)d vurderinger i %(module)s er lagret.", count=len(trainees), module=module.code),
        "success",
    )
    return redirect(url_for("progress.cohort_matrix", cohort_id=cohort.id))
