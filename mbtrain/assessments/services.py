"""Recording module assessments and the project assignment.

The assessor is whoever records the result. Saving what is already stored changes nothing,
so a sheet saved with most rows untouched only touches the rows that were changed.
"""

import logging
from dataclasses import dataclass
from datetime import date

from flask_babel import gettext as _
from sqlalchemy import Row, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.exc import StaleDataError
from werkzeug.exceptions import BadRequest

from mbtrain.accounts.models import User
from mbtrain.assessments.models import AssessmentResult, ModuleAssessment, ProjectAssignment
from mbtrain.cohorts.models import Cohort
from mbtrain.concurrency import check_version
from mbtrain.curriculum.definition import Module
from mbtrain.enrolments.models import Enrolment, EnrolmentStatus
from mbtrain.errors import Refused, StaleEdit
from mbtrain.extensions import db
from mbtrain.people.models import Person
from mbtrain.policy import visible_enrolments

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
) -> ModuleAssessment | None:
    """Record a result; None when it is what is already stored. ``version`` is the version
    the form was opened on (0 for none yet): another save in between raises StaleEdit."""
    assessment = find_assessment(enrolment.id, module.code)
    entry = complete_entry(entry, enrolment.cohort.start_date, today)
    if entry == entry_of(assessment):
        return None
    check_version(assessment.version if assessment else 0, version)
    assessment = _write(assessment, enrolment.id, module.code, entry, by)
    _flush()
    log.info(
        "module %s assessed %s for enrolment %s by %s",
        module.code,
        entry.result.value,
        enrolment.id,
        by.id,
    )
    return assessment


def find_project(enrolment: Enrolment) -> ProjectAssignment | None:
    return db.session.scalar(
        select(ProjectAssignment).where(ProjectAssignment.enrolment_id == enrolment.id)
    )


def save_project(
    enrolment: Enrolment,
    *,
    title: str,
    approved: bool,
    approved_on: date | None,
    version: int | None,
    by: User,
    today: date,
) -> ProjectAssignment:
    project = find_project(enrolment)
    course_start = enrolment.cohort.start_date
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


class SheetInvalid(AssessmentError):
    """Rows that cannot be recorded: by row number, (field, message). Nothing was saved."""

    def __init__(self, errors: dict[int, tuple[str | None, str]]) -> None:
        super().__init__(_("Noen rader har feil. Ingenting er lagret."))
        self.rows = errors

    def place(self, form) -> None:
        """Above the sheet, and each row's message on its field (the comment, if none)."""
        form.form_errors.append(self.message)
        for number, (field_name, message) in self.rows.items():
            field = form.rows[number].form[field_name or "comment"]
            field.errors = [*field.errors, message]


class SheetConflict(StaleEdit):
    """Rows someone else saved after the sheet was opened; nothing was saved. ``versions``:
    what each of those rows is saved as now (enrolment id → version, 0 for none yet)."""

    def __init__(self, versions: dict[int, int]) -> None:
        super().__init__()
        self.versions = versions

    @property
    def enrolment_ids(self) -> list[int]:
        return list(self.versions)

    def place(self, form) -> None:
        """Above the sheet; the changed rows are on the versions now saved, so that the sheet,
        checked, can be saved again as shown."""
        super().place(form)
        for entry in form.rows:
            enrolment_id = as_int(entry.form.enrolment_id.data)
            if enrolment_id in self.versions:
                entry.form.version.data = self.versions[enrolment_id]


def sheet_trainees(cohort: Cohort, module: Module, seen_by: User) -> list[Row]:
    """The cohort's trainees with what is stored for this module, as plain rows: those who
    started the course, of them those ``seen_by``'s role may see (need to know)."""
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
        .where(
            Enrolment.cohort_id == cohort.id,
            Enrolment.status.in_(ASSESSED),
            visible_enrolments(seen_by),
        )
        .order_by(Person.name, Enrolment.id)
    ).all()


def record_sheet(
    cohort: Cohort, module: Module, rows: list[SheetRow], *, by: User, today: date
) -> list[Row]:
    """Record a module's results for a whole cohort at once: all rows or none. Only rows
    that differ from what is stored are written; returns those trainees (as in
    ``sheet_trainees``). Each row must be one of the cohort's trainees, each once: no sheet
    the app shows sends anything else, so anything else is a bad request."""
    trainees = {row.enrolment_id: row for row in sheet_trainees(cohort, module, by)}
    ids = [row.enrolment_id for row in rows]
    if len(set(ids)) != len(ids) or not set(ids) <= trainees.keys():
        raise BadRequest("a sheet row for someone not on this sheet, or for someone twice")
    errors: dict[int, tuple[str | None, str]] = {}
    conflicts: dict[int, int] = {}
    changes: list[tuple[int, Entry]] = []
    for number, row in enumerate(rows):
        try:
            entry = complete_entry(row.entry, cohort.start_date, today)
        except AssessmentError as error:
            errors[number] = (error.field, str(error))
            continue
        stored = trainees[row.enrolment_id]
        if entry == Entry(
            stored.result or AssessmentResult.IKKE_VURDERT,
            stored.assessed_on,
            stored.comment or "",
        ):
            continue
        if (stored.version or 0) != row.version:
            conflicts[row.enrolment_id] = stored.version or 0
        changes.append((row.enrolment_id, entry))
    if errors:
        raise SheetInvalid(errors)
    if conflicts:
        raise SheetConflict(conflicts)
    _write_sheet(module, changes, by)
    log.info("module %s: %d results recorded by %s", module.code, len(changes), by.id)
    return [trainees[enrolment_id] for enrolment_id, _entry in changes]


def _write_sheet(module: Module, changes: list[tuple[int, Entry]], by: User) -> None:
    stored = {
        a.enrolment_id: a
        for a in db.session.scalars(
            select(ModuleAssessment).where(
                ModuleAssessment.module_code == module.code,
                ModuleAssessment.enrolment_id.in_([enrolment_id for enrolment_id, _ in changes]),
            )
        )
    }
    for enrolment_id, entry in changes:
        _write(stored.get(enrolment_id), enrolment_id, module.code, entry, by)
    _flush()


def as_int(value) -> int | None:
    """A number sent in a hidden field, or None for anything that is not one."""
    return int(value) if str(value or "").isdigit() else None


def _write(
    assessment: ModuleAssessment | None, enrolment_id: int, module_code: str, entry: Entry, by: User
) -> ModuleAssessment:
    """The result as entered, on the stored row or a new one."""
    if assessment is None:
        assessment = ModuleAssessment(enrolment_id=enrolment_id, module_code=module_code)
        db.session.add(assessment)
    assessment.result = entry.result
    assessment.assessed_on = entry.assessed_on
    assessment.comment = entry.comment
    assessment.assessor_id = by.id
    return assessment
