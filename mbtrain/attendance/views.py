from dataclasses import dataclass

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import Row

from mbtrain.attendance import services
from mbtrain.attendance.forms import ImportForm, SheetForm
from mbtrain.attendance.sheetfile import MAX_LINES, LineError
from mbtrain.audit.models import AccessAction
from mbtrain.audit.services import record_access
from mbtrain.cohorts.models import Cohort
from mbtrain.concurrency import StaleEdit
from mbtrain.curriculum.loader import AttendanceStatus
from mbtrain.extensions import db
from mbtrain.schedule.models import CourseSession, SessionStatus
from mbtrain.schedule.rules import format_hours
from mbtrain.schedule.services import module_titles
from mbtrain.schedule.views import load_session

bp = Blueprint("attendance", __name__)

SHEET = "/kurs/<int:cohort_id>/okter/<int:session_id>/oppmote"


@dataclass
class SheetLine:
    """One trainee as the sheet shows them: what the form holds and what is saved."""

    index: int
    saved: Row
    status: str
    hours: str
    error: str = ""


def _lines(rows: list[Row], session: CourseSession, form: SheetForm | None = None) -> list:
    """The sheet's lines: saved values (default: present), or what the user sent, if any."""
    sent = {}
    if form is not None:
        sent = {
            entry.enrolment.data: (
                entry.status.data,
                entry.hours._value(),
                " ".join(map(str, [*entry.status.errors, *entry.hours.errors])),
            )
            for entry in form.rows
        }
    lines = []
    for index, row in enumerate(rows):
        status = (row.status or AttendanceStatus.TIL_STEDE).value
        partial = row.status is AttendanceStatus.TIL_STEDE and row.hours_present < session.hours
        hours = format_hours(row.hours_present) if partial else ""
        error = ""
        if row.enrolment_id in sent:
            status, hours, error = sent[row.enrolment_id]
        lines.append(SheetLine(index, row, status, hours, error))
    return lines


def _render(
    cohort: Cohort,
    session: CourseSession,
    *,
    form: SheetForm | None = None,
    import_form: ImportForm | None = None,
    import_errors: list[LineError] = (),
    conflict: bool = False,
    status: int = 200,
):
    rows = services.sheet_rows(session)
    record_access(
        AccessAction.VIEW,
        object_type="attendance_sheet",
        object_id=session.id,
        purpose="COHORT_ADMIN",
    )
    db.session.commit()
    sheet_form = SheetForm(formdata=None, attendance_version=session.attendance_version)
    if form is not None:
        sheet_form.form_errors = form.form_errors
    return render_template(
        "attendance/sheet.html",
        cohort=cohort,
        session=session,
        title=module_titles(cohort).get(session.module_code, session.module_code),
        lines=_lines(rows, session, form),
        form=sheet_form,
        import_form=import_form
        or ImportForm(formdata=None, attendance_version=session.attendance_version),
        import_errors=import_errors,
        statuses=list(AttendanceStatus),
        cancelled=session.status is SessionStatus.AVLYST,
        last_saved=max(
            (r for r in rows if r.recorded_at), key=lambda r: r.recorded_at, default=None
        ),
        conflict=conflict,
        max_lines=MAX_LINES,
    ), status


@bp.route(SHEET, methods=["GET", "POST"])
def attendance_sheet(cohort_id: int, session_id: int):
    cohort, session = load_session(cohort_id, session_id)
    form = SheetForm()
    if not form.is_submitted():
        return _render(cohort, session)
    if not form.validate_on_submit():
        return _render(cohort, session, form=form, status=400)
    entries = [
        services.SheetEntry(
            entry.enrolment.data, AttendanceStatus(entry.status.data), entry.hours.data
        )
        for entry in form.rows
    ]
    try:
        count = services.save_sheet(session, entries, form.attendance_version.data, current_user)
    except StaleEdit as error:
        db.session.rollback()
        form.form_errors.append(str(error))
        return _render(cohort, session, form=form, conflict=True, status=409)
    except services.SheetErrors as error:
        db.session.rollback()
        for entry in form.rows:
            if entry.enrolment.data in error.errors:
                entry.hours.errors = [*entry.hours.errors, error.errors[entry.enrolment.data]]
        form.form_errors.append(_("Ingenting er lagret. Rett radene som er merket."))
        return _render(cohort, session, form=form, status=400)
    except services.AttendanceError as error:
        db.session.rollback()
        form.form_errors.append(str(error))
        return _render(cohort, session, form=form, status=400)
    record_access(
        AccessAction.UPDATE,
        object_type="attendance_sheet",
        object_id=session.id,
        purpose="COHORT_ADMIN",
    )
    db.session.commit()
    flash(_("Oppmøtet er lagret for %(count)d deltakere.", count=count), "success")
    return redirect(
        url_for("attendance.attendance_sheet", cohort_id=cohort.id, session_id=session.id)
    )


@bp.post(SHEET + "/import")
def import_sheet(cohort_id: int, session_id: int):
    cohort, session = load_session(cohort_id, session_id)
    form = ImportForm()
    if not form.validate_on_submit():
        return _render(cohort, session, import_form=form, status=400)
    try:
        count = services.import_sheet(
            session, form.file.data.read(), form.attendance_version.data, current_user
        )
    except StaleEdit as error:
        db.session.rollback()
        form.form_errors.append(str(error))
        form.attendance_version.data = session.attendance_version
        return _render(cohort, session, import_form=form, conflict=True, status=409)
    except services.ImportErrors as error:
        db.session.rollback()
        return _render(cohort, session, import_form=form, import_errors=error.errors, status=400)
    except services.AttendanceError as error:
        db.session.rollback()
        form.form_errors.append(str(error))
        return _render(cohort, session, import_form=form, status=400)
    record_access(
        AccessAction.UPDATE,
        object_type="attendance_sheet",
        object_id=session.id,
        purpose="COHORT_ADMIN",
    )
    db.session.commit()
    flash(
        _("Filen er importert: oppmøte for %(count)d deltakere er lagret.", count=count), "success"
    )
    return redirect(
        url_for("attendance.attendance_sheet", cohort_id=cohort.id, session_id=session.id)
    )
