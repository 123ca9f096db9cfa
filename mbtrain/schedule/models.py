"""The cohort's timetable: teaching sessions, and calendar feeds to subscribe to them."""

from datetime import date, datetime, time

from sqlalchemy import ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from mbtrain.cohorts.models import Cohort
from mbtrain.database import utcnow
from mbtrain.enums import LabelledEnum, _l
from mbtrain.extensions import db
from mbtrain.people.models import Person


class SessionStatus(LabelledEnum):
    PLANLAGT = "PLANLAGT", _l("Planlagt")
    AVLYST = "AVLYST", _l("Avlyst")


class CourseSession(db.Model):
    """One day (or part of a day) of teaching in one curriculum module."""

    __tablename__ = "course_session"

    id: Mapped[int] = mapped_column(primary_key=True)
    cohort_id: Mapped[int] = mapped_column(ForeignKey("cohort.id", ondelete="CASCADE"))
    module_code: Mapped[str] = mapped_column(String(40))
    date: Mapped[date]
    starts_at: Mapped[time]
    hours: Mapped[float]
    status: Mapped[SessionStatus] = mapped_column(default=SessionStatus.PLANLAGT)
    location: Mapped[str] = mapped_column(String(300), default="")
    note: Mapped[str] = mapped_column(String(500), default="")
    # Bumped by every save of the attendance sheet, so a stale sheet is caught (409).
    attendance_version: Mapped[int] = mapped_column(default=0)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    version: Mapped[int] = mapped_column(default=1)

    cohort: Mapped[Cohort] = relationship()

    __mapper_args__ = {"version_id_col": version}
    __table_args__ = (Index("ix_course_session_cohort_date", "cohort_id", "date"),)


class CalendarFeed(db.Model):
    """An unguessable, revocable iCalendar address for a trainee's or a cohort's schedule.

    Only the token's hash is kept; the address is shown once, when it is made.
    """

    __tablename__ = "calendar_feed"

    id: Mapped[int] = mapped_column(primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    cohort_id: Mapped[int | None] = mapped_column(
        ForeignKey("cohort.id", ondelete="CASCADE"), index=True
    )
    person_id: Mapped[int | None] = mapped_column(
        ForeignKey("person.id", ondelete="CASCADE"), index=True
    )
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    revoked_at: Mapped[datetime | None]

    cohort: Mapped[Cohort | None] = relationship()
    person: Mapped[Person | None] = relationship()


class PracticePeriod(db.Model):
    """When a practice module of the curriculum takes place in this cohort; placements for
    that module must lie inside it."""

    __tablename__ = "practice_period"

    id: Mapped[int] = mapped_column(primary_key=True)
    cohort_id: Mapped[int] = mapped_column(ForeignKey("cohort.id", ondelete="CASCADE"))
    module_code: Mapped[str] = mapped_column(String(40))
    start_date: Mapped[date]
    end_date: Mapped[date]

    cohort: Mapped[Cohort] = relationship()

    __table_args__ = (UniqueConstraint("cohort_id", "module_code"),)
