"""Attendance at theory sessions, one row per trainee and session."""

from datetime import datetime

from sqlalchemy import ForeignKey, UniqueConstraint
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
