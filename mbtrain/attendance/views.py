from dataclasses import dataclass

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import Row

from mbtrain.attendance import services
from mbtrain.attendance.forms import ImportForm, SheetForm
from mbtrain.attendance.sheetfile import MAX_LINES
from mbtrain.audit.services import log_change, log_view
from mbtrain.cohorts.models import Cohort
from mbtrain.curriculum.definition import AttendanceStatus
from mbtrain.errors import StaleEdit
from mbtrain.i18n import today
from mbtrain.schedule.access import load_session
from mbtrain.schedule.models import CourseSession, SessionStatus
from mbtrain.schedule.rules import format_hours
from mbtrain.schedule.services import module_titles
from mbtrain.web import attempt, submitted

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
):
    rows = services.sheet_rows(session, current_user)
    log_view(session, "COHORT_ADMIN", object_type="attendance_sheet")
    sheet_form = SheetForm(formdata=None, attendance_version=session.attendance_version)
    refused = getattr(form or import_form, "refused", None)
    if form is not None:
        sheet_form.form_errors = form.form_errors
        sheet_form.reason.data, sheet_form.reason.errors = form.reason.data, form.reason.errors
    day = today()
    return render_template(
        "attendance/sheet.html",
        cohort=cohort,
        session=session,
        title=module_titles(cohort).get(session.module_code, session.module_code),
        lines=_lines(rows, session, form),
        form=sheet_form,
        import_form=import_form
        or ImportForm(formdata=None, attendance_version=session.attendance_version),
        import_errors=getattr(refused, "lines", ()),
        statuses=list(AttendanceStatus),
        cancelled=session.status is SessionStatus.AVLYST,
        too_early=services.too_early(session, day),
        needs_reason=services.needs_reason(session, day),
        reason_after_days=services.reason_after_days(),
        history=services.sheet_history(session),
        last_saved=max(
            (r for r in rows if r.recorded_at), key=lambda r: r.recorded_at, default=None
        ),
        conflict=isinstance(refused, StaleEdit),
        max_lines=MAX_LINES,
    )


@bp.route(SHEET, methods=["GET", "POST"])
def attendance_sheet(cohort_id: int, session_id: int):
    cohort, session = load_session(cohort_id, session_id)
    form = SheetForm()
    if submitted(form) and (
        saved := attempt(
            form,
            services.save_sheet,
            session,
            form.entries(),
            form.version,
            current_user,
            form.reason.data,
        )
    ):
        log_change(session, "COHORT_ADMIN", object_type="attendance_sheet")
        flash(
            _(
                "Oppmøtet for %(day)s er lagret for %(count)d deltakere.",
                day=session.date.strftime("%d.%m.%Y"),
                count=saved.value,
            ),
            "success",
        )
        return redirect(url_for(".attendance_sheet", cohort_id=cohort.id, session_id=session.id))
    return _render(cohort, session, form=form)


@bp.post(SHEET + "/import")
def import_sheet(cohort_id: int, session_id: int):
    cohort, session = load_session(cohort_id, session_id)
    form = ImportForm()
    if submitted(form) and (
        saved := attempt(
            form,
            services.import_sheet,
            session,
            form.file.data.read(),
            form.version,
            current_user,
            form.reason.data,
        )
    ):
        log_change(session, "COHORT_ADMIN", object_type="attendance_sheet")
        flash(
            _("Filen er importert: oppmøte for %(count)d deltakere er lagret.", count=saved.value),
            "success",
        )
        return redirect(url_for(".attendance_sheet", cohort_id=cohort.id, session_id=session.id))
    if isinstance(form.refused, StaleEdit):
        form.attendance_version.data = session.attendance_version
    return _render(cohort, session, import_form=form)
