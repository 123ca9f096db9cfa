"""Cohorts (gjennomføringer): one run of the course in a county, pinned to a curriculum."""

import secrets
from datetime import date, datetime, time

from sqlalchemy import BigInteger, CheckConstraint, Column, ForeignKey, String, Table, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from mbtrain.accounts.models import User
from mbtrain.curriculum.models import CurriculumVersion
from mbtrain.database import utcnow
from mbtrain.enums import LabelledEnum, _l
from mbtrain.extensions import db
from mbtrain.organisations.models import County, Organisation


class CohortStatus(LabelledEnum):
    PLANLAGT = "PLANLAGT", _l("Planlagt")
    GJENNOMFORES = "GJENNOMFORES", _l("Gjennomføres")
    AVSLUTTET = "AVSLUTTET", _l("Avsluttet")
    AVBRUTT = "AVBRUTT", _l("Avbrutt")
    AVLYST = "AVLYST", _l("Avlyst")

    @property
    def cancelled(self) -> bool:
        return self in (CohortStatus.AVBRUTT, CohortStatus.AVLYST)


class CancelReason(LabelledEnum):
    ENDRING_HOS_ARRANGOR = "ENDRING_HOS_ARRANGOR", _l("Endring hos arrangør")
    BUDSJETT_HENSYN = "BUDSJETT_HENSYN", _l("Budsjetthensyn")
    FOR_FAA_DELTAKERE = "FOR_FAA_DELTAKERE", _l("For få deltakere")
    FEILREGISTRERING = "FEILREGISTRERING", _l("Feilregistrering")
    ANNET = "ANNET", _l("Annet")


cohort_instructor = Table(
    "cohort_instructor",
    db.metadata,
    Column("cohort_id", ForeignKey("cohort.id", ondelete="CASCADE"), primary_key=True),
    Column("user_id", ForeignKey("user_account.id", ondelete="CASCADE"), primary_key=True),
)


def new_stamp() -> int:
    """A cohort's first progress stamp: random, like the ones its triggers give it later."""
    return secrets.randbits(62)


class Cohort(db.Model):
    __tablename__ = "cohort"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    county_id: Mapped[int] = mapped_column(ForeignKey("county.id"), index=True)
    curriculum_version_id: Mapped[int] = mapped_column(ForeignKey("curriculum_version.id"))
    provider_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"))
    start_date: Mapped[date]
    end_date: Mapped[date]
    places: Mapped[int]
    part_time_percent: Mapped[int] = mapped_column(default=50)
    meeting_place: Mapped[str] = mapped_column(String(300), default="")
    open_for_applications: Mapped[bool] = mapped_column(default=True)
    contact_persons: Mapped[str] = mapped_column(Text, default="")
    # The timetable: ISO weekdays taught ("1,3" = Monday and Wednesday), hours, start time.
    teaching_weekdays: Mapped[str] = mapped_column(String(20), default="1,2", server_default="1,2")
    hours_per_day: Mapped[float] = mapped_column(default=5.0, server_default="5")
    day_starts_at: Mapped[time] = mapped_column(default=time(9), server_default="09:00:00")
    status: Mapped[CohortStatus] = mapped_column(default=CohortStatus.PLANLAGT)
    cancel_reason: Mapped[CancelReason | None]
    cancel_text: Mapped[str | None] = mapped_column(String(500))
    cancelled_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    version: Mapped[int] = mapped_column(default=1)
    # A new random value from the database's triggers (migration 0007) whenever anything the
    # progress matrix shows changes; the application only sets the first. Names the rendered
    # table (mbtrain/progress/tables.py).
    progress_stamp: Mapped[int] = mapped_column(BigInteger, default=new_stamp, server_default="0")

    county: Mapped[County] = relationship()
    curriculum_version: Mapped[CurriculumVersion] = relationship()
    provider: Mapped[Organisation] = relationship()
    instructors: Mapped[list[User]] = relationship(secondary=cohort_instructor)
    closed_periods: Mapped[list["ClosedPeriod"]] = relationship(
        back_populates="cohort", cascade="all, delete-orphan", order_by="ClosedPeriod.start_date"
    )

    __mapper_args__ = {"version_id_col": version}
    __table_args__ = (
        CheckConstraint("end_date > start_date", name="ends_after_start"),
        CheckConstraint("places > 0", name="has_places"),
        CheckConstraint("part_time_percent BETWEEN 1 AND 100", name="part_time_range"),
    )

    def __repr__(self) -> str:
        return f"<Cohort {self.id}>"


class ClosedPeriod(db.Model):
    """A stengt periode: holidays or closures when the cohort has no teaching."""

    __tablename__ = "closed_period"

    id: Mapped[int] = mapped_column(primary_key=True)
    cohort_id: Mapped[int] = mapped_column(ForeignKey("cohort.id", ondelete="CASCADE"), index=True)
    start_date: Mapped[date]
    end_date: Mapped[date]
    description: Mapped[str] = mapped_column(String(200))

    cohort: Mapped[Cohort] = relationship(back_populates="closed_periods")

    __table_args__ = (CheckConstraint("end_date >= start_date", name="ends_after_start"),)
