"""Recording attendance: one sheet per session, saved whole or imported from a CSV file.

Who is on a session's sheet: everyone in the cohort whose status was «Deltar» on the day of
the session (from the status history), and anyone already recorded for it. Services flush,
never commit; a sheet with any bad row writes nothing.

When: never before the session's day (a sheet for a day that has not come would feed the risk
list and the meldekort report with absence that did not happen). A save more than
ATTENDANCE_CHANGE_REASON_AFTER_DAYS after the session asks why, and every change of a
recorded row, and every late one, is kept in the sheet's history (AttendanceChange).
"""

import logging
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import Row, and_, exists, func, or_, select, true, update

from mbtrain.accounts.models import User
from mbtrain.attendance.models import AttendanceChange, AttendanceRecord
from mbtrain.attendance.rules import EntryError, hours_present
from mbtrain.attendance.sheetfile import LineError, read_sheet
from mbtrain.curriculum.definition import AttendanceStatus
from mbtrain.database import utcnow
from mbtrain.enrolments.models import Enrolment, EnrolmentStatus, StatusPeriod
from mbtrain.errors import Refused, StaleEdit
from mbtrain.extensions import db
from mbtrain.i18n import TIMEZONE
from mbtrain.i18n import today as local_today
from mbtrain.people.models import Person
from mbtrain.policy import visible_enrolments
from mbtrain.schedule.models import CourseSession, SessionStatus

log = logging.getLogger(__name__)

# The status a trainee has on the days their attendance is kept.
ATTENDING = EnrolmentStatus.DELTAR
MAX_REASON = 500


class AttendanceError(Refused):
    """The sheet as a whole cannot be saved; the message says why."""


class SheetErrors(AttendanceError):
    """Rows that cannot be saved: enrolment id → message. Nothing is saved."""

    def __init__(self, errors: dict[int, str]) -> None:
        super().__init__(_("Ingenting er lagret. Rett radene som er merket."))
        self.rows = errors

    def place(self, form) -> None:
        for entry in form.rows:
            if entry.enrolment.data in self.rows:
                entry.hours.errors = [*entry.hours.errors, self.rows[entry.enrolment.data]]
        form.form_errors.append(self.message)


class ImportErrors(AttendanceError):
    """Lines of an uploaded file that cannot be imported, each with its line number."""

    def __init__(self, errors: list[LineError]) -> None:
        super().__init__("; ".join(f"{e.line}: {e.message}" for e in errors))
        self.lines = sorted(errors, key=lambda e: e.line)

    def place(self, form) -> None:
        """The page lists the lines (``form.refused.lines``) above the form."""


@dataclass(frozen=True)
class SheetEntry:
    enrolment_id: int
    status: AttendanceStatus
    hours: float | None  # None: the whole session (with «Til stede»)


def sheet_rows(session: CourseSession, seen_by: User | None = None) -> list[Row]:
    """The trainees on the session's sheet with what is recorded for them, in one query;
    with ``seen_by``, only those that user's role may see (need to know: an instructor does
    not get a record kept for someone later found to be registered in error)."""
    day_start = datetime.combine(session.date, time(0), TIMEZONE)
    day_end = day_start + timedelta(days=1)
    attending_that_day = exists().where(
        StatusPeriod.enrolment_id == Enrolment.id,
        StatusPeriod.status == ATTENDING,
        StatusPeriod.valid_from < day_end,
        or_(StatusPeriod.valid_to.is_(None), StatusPeriod.valid_to > day_start),
    )
    return list(
        db.session.execute(
            select(
                Enrolment.id.label("enrolment_id"),
                Enrolment.status.label("enrolment_status"),
                Person.name,
                Person.email,
                AttendanceRecord.status,
                AttendanceRecord.hours_present,
                AttendanceRecord.recorded_at,
                User.name.label("recorded_by"),
            )
            .join(Person, Person.id == Enrolment.person_id)
            .outerjoin(
                AttendanceRecord,
                and_(
                    AttendanceRecord.enrolment_id == Enrolment.id,
                    AttendanceRecord.session_id == session.id,
                ),
            )
            .outerjoin(User, User.id == AttendanceRecord.recorded_by_id)
            .where(
                Enrolment.cohort_id == session.cohort_id,
                or_(
                    AttendanceRecord.id.is_not(None),
                    and_(Enrolment.status != EnrolmentStatus.FEILREGISTRERT, attending_that_day),
                ),
                true() if seen_by is None else visible_enrolments(seen_by),
            )
            .order_by(Person.name, Enrolment.id)
        )
    )


def reason_after_days() -> int:
    """A save this many days after the session asks why (the setting, default 7)."""
    return int(current_app.config.get("ATTENDANCE_CHANGE_REASON_AFTER_DAYS", 7))


def too_early(session: CourseSession, today: date) -> bool:
    return session.date > today


def needs_reason(session: CourseSession, today: date) -> bool:
    return (today - session.date).days > reason_after_days()


def save_sheet(
    session: CourseSession,
    entries: Iterable[SheetEntry],
    seen_version: int | None,
    by: User,
    reason: str | None = None,
    *,
    today: date | None = None,
) -> int:
    """Save the rows of a sheet opened at ``seen_version``; returns how many were saved.

    Refused before the session's day, and (field ``reason``) when the save is late and changes
    something without saying why; StaleEdit when someone saved the sheet after it was opened;
    SheetErrors (nothing saved) when any row breaks a rule.
    """
    today = today or local_today()
    if session.status is SessionStatus.AVLYST:
        raise AttendanceError(_("Økten er avlyst. Oppmøte registreres ikke for avlyste økter."))
    if too_early(session, today):
        raise AttendanceError(
            _(
                "Oppmøtet kan ikke registreres før økten er holdt (%(day)s). Ingenting er lagret.",
                day=session.date.strftime("%d.%m.%Y"),
            )
        )
    entries = list(entries)
    on_sheet = {row.enrolment_id for row in sheet_rows(session, by)}
    errors: dict[int, str] = {}
    hours: dict[int, float] = {}
    for entry in entries:
        if entry.enrolment_id not in on_sheet:
            errors[entry.enrolment_id] = _("Personen står ikke på oppmøtelisten for denne økten.")
            continue
        try:
            hours[entry.enrolment_id] = hours_present(entry.status, entry.hours, session.hours)
        except EntryError as error:
            errors[entry.enrolment_id] = str(error)
    if errors:
        raise SheetErrors(errors)
    _bump_version(session, seen_version)
    existing = {
        record.enrolment_id: record
        for record in db.session.scalars(
            select(AttendanceRecord).where(AttendanceRecord.session_id == session.id)
        )
    }
    written = [
        entry
        for entry in entries
        if (record := existing.get(entry.enrolment_id)) is None
        or (record.status, record.hours_present) != (entry.status, hours[entry.enrolment_id])
    ]
    late = needs_reason(session, today)
    reason = (reason or "").strip() or None
    if reason is not None and len(reason) > MAX_REASON:
        raise AttendanceError(
            _("Begrunnelsen kan ha høyst %(count)d tegn.", count=MAX_REASON), field="reason"
        )
    if late and written and reason is None:
        raise AttendanceError(
            _(
                "Økten var for mer enn %(days)d dager siden. Skriv hvorfor oppmøtet endres nå; "
                "begrunnelsen lagres i endringsloggen. Ingenting er lagret.",
                days=reason_after_days(),
            ),
            field="reason",
        )
    now = utcnow()
    for entry in written:
        record = existing.get(entry.enrolment_id)
        if record is None:
            record = AttendanceRecord(session_id=session.id, enrolment_id=entry.enrolment_id)
            db.session.add(record)
        if record.id is not None or late:
            db.session.add(
                AttendanceChange(
                    session_id=session.id,
                    enrolment_id=entry.enrolment_id,
                    old_status=record.status if record.id is not None else None,
                    old_hours=record.hours_present if record.id is not None else None,
                    status=entry.status,
                    hours_present=hours[entry.enrolment_id],
                    reason=reason if late else None,
                    changed_by_id=by.id,
                    changed_at=now,
                )
            )
        record.status = entry.status
        record.hours_present = hours[entry.enrolment_id]
        record.recorded_by_id = by.id
        record.recorded_at = now
    db.session.flush()
    log.info("attendance for session %s saved (%d rows)", session.id, len(entries))
    return len(entries)


def sheet_history(session: CourseSession) -> list[Row]:
    """The sheet's changes, newest first, with whom they concerned and who made them."""
    return list(
        db.session.execute(
            select(
                AttendanceChange.old_status,
                AttendanceChange.old_hours,
                AttendanceChange.status,
                AttendanceChange.hours_present,
                AttendanceChange.reason,
                AttendanceChange.changed_at,
                Person.name,
                User.name.label("changed_by"),
            )
            .join(Enrolment, Enrolment.id == AttendanceChange.enrolment_id)
            .join(Person, Person.id == Enrolment.person_id)
            .outerjoin(User, User.id == AttendanceChange.changed_by_id)
            .where(AttendanceChange.session_id == session.id)
            .order_by(AttendanceChange.changed_at.desc(), AttendanceChange.id.desc())
        )
    )


def _bump_version(session: CourseSession, seen_version: int | None) -> None:
    """Claim the sheet: one UPDATE that only succeeds on the version the user saw, so of two
    saves made at the same time exactly one wins (the other waits for the row and finds the
    version moved on)."""
    if seen_version is None:
        raise StaleEdit()
    result = db.session.execute(
        update(CourseSession)
        .where(CourseSession.id == session.id, CourseSession.attendance_version == seen_version)
        .values(attendance_version=CourseSession.attendance_version + 1)
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:
        raise StaleEdit()
    db.session.refresh(session, ["attendance_version"])


def import_sheet(
    session: CourseSession,
    data: bytes,
    seen_version: int | None,
    by: User,
    reason: str | None = None,
    *,
    today: date | None = None,
) -> int:
    """Save the lines of an uploaded CSV file, all or nothing; ImportErrors lists every bad
    line. People on the sheet but not in the file are left as they are."""
    lines, errors = read_sheet(data)
    rows = sheet_rows(session, by)
    on_sheet = {row.email.lower(): row for row in rows}
    in_cohort = _cohort_members(session, [line.email for line in lines])
    entries: list[SheetEntry] = []
    for line in lines:
        row = on_sheet.get(line.email)
        if row is None:
            errors.append(LineError(line.line, _not_on_sheet(session, line.email, in_cohort)))
            continue
        try:
            hours_present(line.status, line.hours, session.hours)
        except EntryError as error:
            errors.append(LineError(line.line, str(error)))
            continue
        entries.append(SheetEntry(row.enrolment_id, line.status, line.hours))
    if errors:
        raise ImportErrors(errors)
    return save_sheet(session, entries, seen_version, by, reason, today=today)


def _cohort_members(session: CourseSession, emails: list[str]) -> dict[str, Row]:
    if not emails:
        return {}
    rows = db.session.execute(
        select(func.lower(Person.email).label("email"), Person.name, Enrolment.status)
        .join(Enrolment, Enrolment.person_id == Person.id)
        .where(Enrolment.cohort_id == session.cohort_id, func.lower(Person.email).in_(emails))
    )
    return {row.email: row for row in rows}


def _not_on_sheet(session: CourseSession, email: str, in_cohort: dict[str, Row]) -> str:
    # Someone outside the cohort gets the same answer whether or not they are in mbtrain at
    # all: who else is a trainee or applicant is not the uploader's to learn.
    member = in_cohort.get(email)
    if member is None:
        return _("Ingen på dette kurset har e-postadressen %(email)s.", email=email)
    return _(
        "%(name)s hadde ikke status «Deltar» %(date)s (status nå: %(status)s).",
        name=member.name,
        date=session.date.strftime("%d.%m.%Y"),
        status=member.status.label,
    )
