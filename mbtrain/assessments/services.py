"""Recording module assessments and the project assignment.

The assessor is whoever records the result. Saving what is already stored changes nothing,
so a sheet saved with most rows untouched only touches the rows that were changed.
"""

import logging
from dataclasses import dataclass
from datetime import date

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.exc import StaleDataError

from mbtrain.accounts.models import User
from mbtrain.assessments.models import AssessmentResult, ModuleAssessment, ProjectAssignment
from mbtrain.concurrency import check_version
from mbtrain.curriculum.loader import Module
from mbtrain.enrolments.models import Enrolment, EnrolmentStatus
from mbtrain.errors import Refused, StaleEdit
from mbtrain.extensions import db

log = logging.getLogger(__name__)

MAX_COMMENT = 500
# Whose modules are assessed: those who have started the course.
ASSESSED = frozenset({EnrolmentStatus.DELTAR, EnrolmentStatus.FULLFORT, EnrolmentStatus.AVBRUTT})


class AssessmentError(Refused):
    """A result that cannot be recorded; ``field`` names the form field it is about."""


@dataclass(frozen=True)
class Entry:
    """What is to be recorded for one trainee in one module."""

    result: AssessmentResult
    assessed_on: date | None
    comment: str


def find_assessment(enrolment_id: int, module_code: str) -> ModuleAssessment | None:
    return db.session.scalar(
        select(ModuleAssessment).where(
            ModuleAssessment.enrolment_id == enrolment_id,
            ModuleAssessment.module_code == module_code,
        )
    )


def entry_of(assessment: ModuleAssessment | None) -> Entry:
    if assessment is None:
        return Entry(AssessmentResult.IKKE_VURDERT, None, "")
    return Entry(assessment.result, assessment.assessed_on, assessment.comment)


def complete_entry(entry: Entry, course_start: date, today: date) -> Entry:
    """The entry as it will be stored: a result without a date is dated today; a date
    cannot be in the future or before the course started."""
    comment = (entry.comment or "").strip()
    if len(comment) > MAX_COMMENT:
        raise AssessmentError(
            _("Kommentaren kan ha høyst %(count)d tegn.", count=MAX_COMMENT), field="comment"
        )
    assessed_on = entry.assessed_on
    if assessed_on is None and entry.result is not AssessmentResult.IKKE_VURDERT:
        assessed_on = today
    if assessed_on is not None and assessed_on > today:
        raise AssessmentError(_("Datoen kan ikke være fram i tid."), field="assessed_on")
    if assessed_on is not None and assessed_on < course_start:
        raise AssessmentError(_("Datoen kan ikke være før kursstart."), field="assessed_on")
    return Entry(entry.result, assessed_on, comment)


def record_assessment(
    enrolment: Enrolment,
    module: Module,
    entry: Entry,
    *,
    version: int | None,
    by: User,
    today: date,
    course_start: date,
) -> ModuleAssessment | None:
    """Record a result; None when it is what is already stored. ``version`` is the version
    the form was opened on (0 for none yet): another save in between raises StaleEdit."""
    assessment = find_assessment(enrolment.id, module.code)
    entry = complete_entry(entry, course_start, today)
    if entry == entry_of(assessment):
        return None
    check_version(assessment.version if assessment else 0, version)
    if assessment is None:
        assessment = ModuleAssessment(enrolment_id=enrolment.id, module_code=module.code)
        db.session.add(assessment)
    assessment.result = entry.result
    assessment.assessed_on = entry.assessed_on
    assessment.comment = entry.comment
    assessment.assessor_id = by.id
    _flush()
    log.info(
        "module %s assessed %s for enrolment %s by %s",
        module.code,
        entry.result.value,
        enrolment.id,
        by.id,
    )
    return assessment


def save_project(
    enrolment: Enrolment,
    *,
    title: str,
    approved: bool,
    approved_on: date | None,
    version: int | None,
    by: User,
    today: date,
    course_start: date,
) -> ProjectAssignment:
    project = db.session.scalar(
        select(ProjectAssignment).where(ProjectAssignment.enrolment_id == enrolment.id)
    )
    check_version(project.version if project else 0, version)
    title = (title or "").strip()
    if not title:
        raise AssessmentError(_("Skriv tittelen på prosjektoppgaven."), field="title")
    if approved:
        approved_on = approved_on or today
        if approved_on > today:
            raise AssessmentError(_("Datoen kan ikke være fram i tid."), field="approved_on")
        if approved_on < course_start:
            raise AssessmentError(_("Datoen kan ikke være før kursstart."), field="approved_on")
    if project is None:
        project = ProjectAssignment(enrolment_id=enrolment.id, title=title)
        db.session.add(project)
    was_approved = project.approved
    project.title = title
    project.approved = approved
    if not approved:
        project.approved_on, project.approved_by_id = None, None
    elif not was_approved or project.approved_on != approved_on:
        project.approved_on, project.approved_by_id = approved_on, by.id
    _flush()
    log.info("project assignment of enrolment %s saved by %s", enrolment.id, by.id)
    return project


def _flush() -> None:
    """A row created or changed by someone else in the meantime is a stale edit too."""
    try:
        db.session.flush()
    except (IntegrityError, StaleDataError) as error:
        raise StaleEdit() from error


@dataclass(frozen=True)
class SheetRow:
    enrolment_id: int
    entry: Entry
    version: int | None


class SheetInvalid(Exception):
    """Rows that cannot be recorded: by row number, (field, message)."""

    def __init__(self, errors: dict[int, tuple[str | None, str]]) -> None:
        super().__init__(_("Noen rader har feil. Ingenting er lagret."))
        self.errors = errors


class SheetConflict(StaleEdit):
    """Rows someone else saved after the sheet was opened; nothing was saved."""

    def __init__(self, enrolment_ids: list[int]) -> None:
        super().__init__()
        self.enrolment_ids = enrolment_ids


def record_sheet(
    module: Module,
    rows: list[SheetRow],
    *,
    by: User,
    today: date,
    course_start: date,
) -> list[int]:
    """Record a module's results for a whole cohort at once: all rows or none. Only rows
    that differ from what is stored are written; returns their enrolment ids."""
    stored = {
        a.enrolment_id: a
        for a in db.session.scalars(
            select(ModuleAssessment).where(
                ModuleAssessment.module_code == module.code,
                ModuleAssessment.enrolment_id.in_([row.enrolment_id for row in rows]),
            )
        )
    }
    errors: dict[int, tuple[str | None, str]] = {}
    conflicts: list[int] = []
    changes: list[tuple[int, Entry]] = []
    for number, row in enumerate(rows):
        try:
            entry = complete_entry(row.entry, course_start, today)
        except AssessmentError as error:
            errors[number] = (error.field, str(error))
            continue
        assessment = stored.get(row.enrolment_id)
        if entry == entry_of(assessment):
            continue
        if (assessment.version if assessment else 0) != row.version:
            conflicts.append(row.enrolment_id)
        changes.append((row.enrolment_id, entry))
    if errors:
        raise SheetInvalid(errors)
    if conflicts:
        raise SheetConflict(conflicts)
    for enrolment_id, entry in changes:
        assessment = stored.get(enrolment_id)
        if assessment is None:
            assessment = ModuleAssessment(enrolment_id=enrolment_id, module_code=module.code)
            db.session.add(assessment)
        assessment.result = entry.result
        assessment.assessed_on = entry.assessed_on
        assessment.comment = entry.comment
        assessment.assessor_id = by.id
    _flush()
    log.info("module %s: %d results recorded by %s", module.code, len(changes), by.id)
    return [enrolment_id for enrolment_id, _entry in changes]
