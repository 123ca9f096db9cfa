from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from mbtrain.accounts.models import User
from mbtrain.assessments import services
from mbtrain.assessments.forms import AssessmentForm, ProjectForm, SheetForm
from mbtrain.assessments.models import AssessmentResult, ModuleAssessment, ProjectAssignment
from mbtrain.assessments.services import ASSESSED, Entry, SheetRow
from mbtrain.audit.models import AccessAction
from mbtrain.audit.services import record_access
from mbtrain.cohorts.access import load_cohort
from mbtrain.cohorts.models import Cohort
from mbtrain.curriculum.loader import Module
from mbtrain.enrolments.models import Enrolment
from mbtrain.enrolments.access import load_enrolment
from mbtrain.errors import StaleEdit
from mbtrain.extensions import db
from mbtrain.i18n import today
from mbtrain.people.models import Person
from mbtrain.progress.facts import curriculum_for

bp = Blueprint("assessments", __name__)


def _module_of(cohort: Cohort, code: str) -> Module:
    module = curriculum_for(cohort.curriculum_version).module(code)
    if module is None:
        abort(404)
    return module


def _load(enrolment_id: int) -> Enrolment:
    """A trainee in a cohort this user teaches or coordinates, who has started; else 404."""
    enrolment = load_enrolment(enrolment_id)
    if enrolment.status not in ASSESSED:
        abort(404)
    return enrolment


def _log(action: AccessAction, object_type: str, enrolment: Enrolment, object_id: int) -> None:
    record_access(
        action,
        object_type=object_type,
        object_id=object_id,
        subject_person_id=enrolment.person_id,
        subject_user_id=enrolment.person.user_id,
        purpose="COHORT_ADMIN",
    )


def _show_error(form, error: services.AssessmentError) -> None:
    field = getattr(form, error.field or "", None)
    (field.errors if field is not None else form.form_errors).append(str(error))


def _progress_url(enrolment: Enrolment) -> str:
    return url_for("progress.trainee_progress", enrolment_id=enrolment.id)


@bp.route("/deltakere/<int:enrolment_id>/moduler/<code>/vurdering", methods=["GET", "POST"])
def assess_module(enrolment_id: int, code: str):
    enrolment = _load(enrolment_id)
    module = _module_of(enrolment.cohort, code)
    assessment = services.find_assessment(enrolment.id, module.code)
    form = AssessmentForm(obj=assessment, version=0)
    if request.method == "GET":
        stored = services.entry_of(assessment)
        form.result.data = stored.result.value
        form.version.data = assessment.version if assessment else 0
    status = 400 if request.method == "POST" else 200
    if form.validate_on_submit():
        entry = Entry(AssessmentResult(form.result.data), form.assessed_on.data, form.comment.data)
        try:
            saved = services.record_assessment(
                enrolment,
                module,
                entry,
                version=form.version.data,
                by=current_user,
                today=today(),
                course_start=enrolment.cohort.start_date,
            )
        except StaleEdit as error:
            db.session.rollback()
            form.form_errors.append(str(error))
            assessment = services.find_assessment(enrolment.id, module.code)
            form.version.data, status = (assessment.version if assessment else 0), 409
        except services.AssessmentError as error:
            db.session.rollback()
            _show_error(form, error)
        else:
            if saved is None:
                flash(_("Ingen endringer å lagre."), "info")
                return redirect(_progress_url(enrolment))
            _log(AccessAction.UPDATE, "module_assessment", enrolment, enrolment.id)
            db.session.commit()
            flash(_("Vurderingen av %(module)s er lagret.", module=module.code), "success")
            return redirect(_progress_url(enrolment))
    _log(AccessAction.VIEW, "module_assessment", enrolment, enrolment.id)
    db.session.commit()
    assessor = db.session.get(User, assessment.assessor_id) if assessment else None
    return render_template(
        "assessments/assess.html",
        enrolment=enrolment,
        module=module,
        assessment=assessment,
        assessor=assessor,
        form=form,
        conflict=status == 409,
    ), status


@bp.route("/deltakere/<int:enrolment_id>/prosjektoppgave", methods=["GET", "POST"])
def edit_project(enrolment_id: int):
    enrolment = _load(enrolment_id)
    project = _project_of(enrolment)
    form = ProjectForm(obj=project, version=0)
    status = 400 if request.method == "POST" else 200
    if form.validate_on_submit():
        try:
            project = services.save_project(
                enrolment,
                title=form.title.data,
                approved=form.approved.data,
                approved_on=form.approved_on.data,
                version=form.version.data,
                by=current_user,
                today=today(),
                course_start=enrolment.cohort.start_date,
            )
        except StaleEdit as error:
            db.session.rollback()
            form.form_errors.append(str(error))
            project = _project_of(enrolment)
            form.version.data, status = (project.version if project else 0), 409
        except services.AssessmentError as error:
            db.session.rollback()
            _show_error(form, error)
        else:
            _log(AccessAction.UPDATE, "project_assignment", enrolment, enrolment.id)
            db.session.commit()
            flash(_("Prosjektoppgaven er lagret."), "success")
            return redirect(_progress_url(enrolment))
    _log(AccessAction.VIEW, "project_assignment", enrolment, enrolment.id)
    db.session.commit()
    return render_template(
        "assessments/project.html",
        enrolment=enrolment,
        project=project,
        form=form,
        conflict=status == 409,
    ), status


def _project_of(enrolment: Enrolment) -> ProjectAssignment | None:
    return db.session.scalar(
        select(ProjectAssignment).where(ProjectAssignment.enrolment_id == enrolment.id)
    )


# The whole cohort in one module --------------------------------------------------------


@bp.route("/kurs/<int:cohort_id>/moduler/<code>/vurderinger", methods=["GET", "POST"])
def module_sheet(cohort_id: int, code: str):
    cohort = load_cohort(cohort_id)
    module = _module_of(cohort, code)
    trainees = _sheet_rows(cohort, module)
    by_id = {row.enrolment_id: row for row in trainees}
    form = SheetForm()
    if request.method == "GET":
        for row in trainees:
            form.rows.append_entry(
                {
                    "enrolment_id": row.enrolment_id,
                    "version": row.version or 0,
                    "result": (row.result or AssessmentResult.IKKE_VURDERT).value,
                    "assessed_on": row.assessed_on,
                    "comment": row.comment or "",
                }
            )
    status, conflicts = (400 if request.method == "POST" else 200), set()
    if form.validate_on_submit():
        submitted = [_sheet_row(entry.form) for entry in form.rows]
        ids = [row.enrolment_id for row in submitted]
        if len(set(ids)) != len(ids) or not set(ids) <= by_id.keys():
            abort(400)  # only this cohort's trainees, each once
        try:
            changed = services.record_sheet(
                module, submitted, by=current_user, today=today(), course_start=cohort.start_date
            )
        except services.SheetConflict as error:
            db.session.rollback()
            conflicts, status = set(error.enrolment_ids), 409
            form.form_errors.append(str(error))
            trainees = _sheet_rows(cohort, module)
            by_id = {row.enrolment_id: row for row in trainees}
            for entry in form.rows:
                if int(entry.form.enrolment_id.data) in conflicts:
                    current = by_id[int(entry.form.enrolment_id.data)]
                    entry.form.version.data = current.version or 0
        except services.SheetInvalid as error:
            db.session.rollback()
            form.form_errors.append(str(error))
            for number, (field_name, message) in error.errors.items():
                row_form = form.rows[number].form
                getattr(row_form, field_name or "comment").errors.append(message)
        else:
            for enrolment_id in changed:
                record_access(
                    AccessAction.UPDATE,
                    object_type="module_assessment",
                    object_id=cohort.id,
                    subject_person_id=by_id[enrolment_id].person_id,
                    subject_user_id=by_id[enrolment_id].user_id,
                    purpose="COHORT_ADMIN",
                )
            db.session.commit()
            flash(
                _(
                    "%(count)d vurderinger i %(module)s er lagret.",
                    count=len(changed),
                    module=module.code,
                ),
                "success",
            )
            return redirect(url_for("progress.cohort_matrix", cohort_id=cohort.id))
    record_access(
        AccessAction.VIEW, object_type="module_sheet", object_id=cohort.id, purpose="COHORT_ADMIN"
    )
    db.session.commit()
    rows = [(entry.form, by_id.get(_as_int(entry.form.enrolment_id.data))) for entry in form.rows]
    return render_template(
        "assessments/sheet.html",
        cohort=cohort,
        module=module,
        rows=[(row_form, trainee) for row_form, trainee in rows if trainee is not None],
        form=form,
        conflicts=conflicts,
    ), status


def _sheet_rows(cohort: Cohort, module: Module):
    """The cohort's trainees with what is stored for this module, as plain rows."""
    return db.session.execute(
        select(
            Enrolment.id.label("enrolment_id"),
            Enrolment.person_id,
            Person.user_id,
            Person.name,
            Enrolment.status,
            ModuleAssessment.result,
            ModuleAssessment.assessed_on,
            ModuleAssessment.comment,
            ModuleAssessment.version,
            User.name.label("assessor"),
        )
        .join(Person, Person.id == Enrolment.person_id)
        .outerjoin(
            ModuleAssessment,
            (ModuleAssessment.enrolment_id == Enrolment.id)
            & (ModuleAssessment.module_code == module.code),
        )
        .outerjoin(User, User.id == ModuleAssessment.assessor_id)
        .where(Enrolment.cohort_id == cohort.id, Enrolment.status.in_(ASSESSED))
        .order_by(Person.name, Enrolment.id)
    ).all()


def _sheet_row(form) -> SheetRow:
    return SheetRow(
        enrolment_id=_as_int(form.enrolment_id.data),
        entry=Entry(
            AssessmentResult(form.result.data), form.assessed_on.data, form.comment.data or ""
        ),
        version=_as_int(form.version.data),
    )


def _as_int(value) -> int | None:
    return int(value) if str(value or "").isdigit() else None
