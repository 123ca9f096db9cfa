"""Attendance at theory sessions, one row per trainee and session, and the history of its
changes (what it was, what it became, who changed it, when and, late, why)."""

from datetime import datetime

from sqlalchemy import ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from mbtrain.accounts.models import User
from mbtrain.curriculum.definition import AttendanceStatus
from mbtrain.database import utcnow
from mbtrain.enrolments.models import Enrolment
from mbtrain.extensions import db
from mbtrain.schedule.models import CourseSession


class AttendanceRecord(db.Model):
    __tablename__ = "attendance_record"

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(
        ForeignKey("course_session.id", ondelete="CASCADE"), index=True
    )
    enrolment_id: Mapped[int] = mapped_column(ForeignKey("enrolment.id"), index=True)
    status: Mapped[AttendanceStatus]
    # Hours present: the whole session for TIL_STEDE unless partial presence is recorded.
    hours_present: Mapped[float]
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    recorded_at: Mapped[datetime] = mapped_column(default=utcnow)

    session: Mapped[CourseSession] = relationship()
    enrolment: Mapped[Enrolment] = relationship()
    recorded_by: Mapped[User | None] = relationship()

    __table_args__ = (UniqueConstraint("session_id", "enrolment_id"),)


class AttendanceChange(db.Model):
    """One change of a recorded row, or a late first registration: kept so that a sheet
    changed after the fact shows what it said before, and why it was changed."""

    __tablename__ = "attendance_change"

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(
        ForeignKey("course_session.id", ondelete="CASCADE"), index=True
    )
    enrolment_id: Mapped[int] = mapped_column(ForeignKey("enrolment.id"), index=True)
    # None: nothing was recorded before (a first registration, late).
    old_status: Mapped[AttendanceStatus | None]
    old_hours: Mapped[float | None]
    status: Mapped[AttendanceStatus]
    hours_present: Mapped[float]
    reason: Mapped[str | None] = mapped_column(String(500))
    changed_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    changed_at: Mapped[datetime] = mapped_column(default=utcnow)

    enrolment: Mapped[Enrolment] = relationship()
    changed_by: Mapped[User | None] = relationship()
