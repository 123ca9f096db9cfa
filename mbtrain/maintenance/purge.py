"""`mbtrain purge`: apply the retention rules (mbtrain/maintenance/retention.py).

One transaction; the caller commits, or rolls back for a dry run, so a dry run reports
exactly what a real run would remove. Every statement is a bulk UPDATE or DELETE chosen by
dates, so the run takes the same few statements whatever the size of the database.
"""

import logging
from datetime import date, datetime

from sqlalchemy import case, delete, select, update

from mbtrain.accounts.models import ActionToken
from mbtrain.assessments.models import ModuleAssessment
from mbtrain.attendance.models import AttendanceChange, AttendanceRecord
from mbtrain.audit.models import AccessAction, AccessLog
from mbtrain.audit.services import retention_purge
from mbtrain.cohorts.models import Cohort
from mbtrain.curriculum.definition import AttendanceStatus
from mbtrain.curriculum.models import CurriculumVersion
from mbtrain.curriculum.services import curriculum_of
from mbtrain.enrolments.models import Enrolment, StatusPeriod, StatusReason
from mbtrain.extensions import db
from mbtrain.mail.models import OutboxMessage
from mbtrain.maintenance.retention import Cutoffs, reason_free_status
from mbtrain.partner.links import LINK_PURPOSES
from mbtrain.placements.models import Placement

log = logging.getLogger(__name__)

# Reasons for leaving that are about health; the others (a job, education …) are the outcome
# the programme is judged by and stay.
HEALTH_REASONS = (StatusReason.SYK, StatusReason.TRENGER_ANNEN_STOTTE)


# What `mbtrain purge` reports, in the operator's language (the CLI's is English).
CATEGORIES = {
    "partner_access": "Partner access after the placement ended",
    "attendance_detail": "Reasons for absence and leaving after the cohort ended",
    "access_log": "Access log",
}
ITEMS = {
    "placement_links": ("partner_access", "single-use supervisor links deleted"),
    "expired_links": ("partner_access", "other long-expired single-use links deleted"),
    "outbox_bodies": ("partner_access", "e-mails with expired links emptied"),
    "sick_attendance": ("attendance_detail", "attendance records «Syk» made neutral"),
    "attendance_changes": ("attendance_detail", "attendance change history deleted"),
    "status_reasons": ("attendance_detail", "status history reasons removed"),
    "intake_notes": ("attendance_detail", "intake assessment notes emptied"),
    "assessment_comments": ("attendance_detail", "module assessment comments emptied"),
    "access_log_rows": ("access_log", "rows deleted"),
}


def purge(cutoffs: Cutoffs, *, today: date, now: datetime) -> dict[str, int]:
    """Remove what is past its retention; returns how many rows each item touched.

    Flushes, never commits. Records the run itself in the access log (its last row).
    """
    removed = {
        "placement_links": _placement_links(cutoffs.placement_ended_before),
        "expired_links": _expired_links(cutoffs.mailed_before),
        "outbox_bodies": _outbox_bodies(cutoffs.mailed_before),
        "sick_attendance": _sick_attendance(cutoffs.cohort_ended_before),
        "attendance_changes": _attendance_changes(cutoffs.cohort_ended_before),
        "status_reasons": _status_reasons(cutoffs.cohort_ended_before),
        "intake_notes": _intake_notes(cutoffs.cohort_ended_before),
        "assessment_comments": _assessment_comments(cutoffs.cohort_ended_before),
        "access_log_rows": _access_log(cutoffs.logged_before),
    }
    _record_run(now)
    log.info("retention purge on %s: %s", today, removed)
    return removed


def _count(statement) -> int:
    return db.session.execute(statement.execution_options(synchronize_session=False)).rowcount


def _placement_links(ended_before: date) -> int:
    over = select(Placement.id).where(Placement.end_date < ended_before)
    return _count(
        delete(ActionToken).where(
            ActionToken.purpose.in_(LINK_PURPOSES), ActionToken.object_id.in_(over)
        )
    )


def _expired_links(before: datetime) -> int:
    # Expired for at least a link's lifetime: whoever still clicks one hears it is invalid.
    return _count(delete(ActionToken).where(ActionToken.expires_at < before))


def _outbox_bodies(mailed_before: datetime) -> int:
    return _count(
        update(OutboxMessage)
        .where(OutboxMessage.created_at < mailed_before, OutboxMessage.body != "")
        .values(body="")
    )


def _ended_enrolments(ended_before: date):
    ended = select(Cohort.id).where(Cohort.end_date < ended_before)
    return select(Enrolment.id).where(Enrolment.cohort_id.in_(ended))


def _sick_attendance(ended_before: date) -> int:
    """Per curriculum version, as each pins its own rule for what counts against attendance."""
    total = 0
    versions = db.session.scalars(
        select(CurriculumVersion).where(
            CurriculumVersion.id.in_(
                select(Cohort.curriculum_version_id).where(Cohort.end_date < ended_before)
            )
        )
    )
    for version in versions:
        against = curriculum_of(version).completion.counts_against_attendance
        neutral = reason_free_status(AttendanceStatus.SYK, against)
        if neutral is AttendanceStatus.SYK:
            continue
        cohorts = select(Cohort.id).where(
            Cohort.end_date < ended_before, Cohort.curriculum_version_id == version.id
        )
        enrolments = select(Enrolment.id).where(Enrolment.cohort_id.in_(cohorts))
        total += _count(
            update(AttendanceRecord)
            .where(
                AttendanceRecord.status == AttendanceStatus.SYK,
                AttendanceRecord.enrolment_id.in_(enrolments),
            )
            .values(status=neutral)
        )
    return total


def _attendance_changes(ended_before: date) -> int:
    # What a sheet said before a change, and why it changed («Syk» and its reasons among it):
    # needed while the cohort runs, not after. The records themselves stay.
    return _count(
        delete(AttendanceChange).where(
            AttendanceChange.enrolment_id.in_(_ended_enrolments(ended_before))
        )
    )


def _status_reasons(ended_before: date) -> int:
    # The status history is append-only for the app; retention is the one exception, and it
    # only takes the why away, never the what or when.
    return _count(
        update(StatusPeriod)
        .where(
            StatusPeriod.enrolment_id.in_(_ended_enrolments(ended_before)),
            (StatusPeriod.reason.in_(HEALTH_REASONS)) | (StatusPeriod.reason_text.is_not(None)),
        )
        .values(
            reason=case((StatusPeriod.reason.in_(HEALTH_REASONS), None), else_=StatusPeriod.reason),
            reason_text=None,
        )
    )


def _intake_notes(ended_before: date) -> int:
    return _count(
        update(Enrolment)
        .where(
            Enrolment.id.in_(_ended_enrolments(ended_before)),
            Enrolment.assessment != "",
        )
        .values(assessment="", version=Enrolment.version + 1)
    )


def _assessment_comments(ended_before: date) -> int:
    return _count(
        update(ModuleAssessment)
        .where(
            ModuleAssessment.enrolment_id.in_(_ended_enrolments(ended_before)),
            ModuleAssessment.comment != "",
        )
        .values(comment="", version=ModuleAssessment.version + 1)
    )


def _access_log(logged_before: datetime) -> int:
    with retention_purge(db.session):
        return _count(delete(AccessLog).where(AccessLog.at < logged_before))


def _record_run(now: datetime) -> None:
    db.session.add(
        AccessLog(
            at=now,
            actor_user_id=None,
            actor_role="SYSTEM",
            actor_scope="mbtrain purge",
            action=AccessAction.DELETE,
            object_type="retention_purge",
            object_id=None,
            purpose="RETENTION",
        )
    )
    db.session.flush()
