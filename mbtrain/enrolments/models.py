"""Enrolments (deltakere): a person's place in a cohort, from application to the end.

The status history is temporal and append-only: one row per status with valid_from and
valid_to; the current status is the row without valid_to. Closing the previous row's
valid_to is the only change ever made to a history row.
"""

from datetime import date, datetime

from sqlalchemy import ForeignKey, Index, String, Text, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from mbtrain.accounts.models import User
from mbtrain.cohorts.models import Cohort
from mbtrain.database import utcnow
from mbtrain.enums import LabelledEnum, _l
from mbtrain.extensions import db
from mbtrain.people.models import Person


class EnrolmentStatus(LabelledEnum):
    SOKT_INN = "SOKT_INN", _l("Søkt inn")
    VURDERES = "VURDERES", _l("Vurderes")
    VENTELISTE = "VENTELISTE", _l("Venteliste")
    VENTER_PA_OPPSTART = "VENTER_PA_OPPSTART", _l("Venter på oppstart")
    DELTAR = "DELTAR", _l("Deltar")
    FULLFORT = "FULLFORT", _l("Fullført")
    AVBRUTT = "AVBRUTT", _l("Avbrutt")
    IKKE_AKTUELL = "IKKE_AKTUELL", _l("Ikke aktuell")
    FEILREGISTRERT = "FEILREGISTRERT", _l("Feilregistrert")


class StatusReason(LabelledEnum):
    SYK = "SYK", _l("Syk")
    FATT_JOBB = "FATT_JOBB", _l("Fått jobb")
    TRENGER_ANNEN_STOTTE = "TRENGER_ANNEN_STOTTE", _l("Trenger annen støtte")
    FIKK_IKKE_PLASS = "FIKK_IKKE_PLASS", _l("Fikk ikke plass")
    IKKE_MOTT = "IKKE_MOTT", _l("Møter ikke opp")
    UTDANNING = "UTDANNING", _l("Utdanning")
    SAMARBEIDET_MED_ARRANGOREN_ER_AVBRUTT = (
        "SAMARBEIDET_MED_ARRANGOREN_ER_AVBRUTT",
        _l("Samarbeidet med arrangøren er avbrutt"),
    )
    KRAV_IKKE_OPPFYLT = "KRAV_IKKE_OPPFYLT", _l("Krav for deltakelse er ikke oppfylt")
    KURS_FULLT = "KURS_FULLT", _l("Kurset er fullt")
    ANNET = "ANNET", _l("Annet")


class Enrolment(db.Model):
    __tablename__ = "enrolment"

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id"), index=True)
    cohort_id: Mapped[int] = mapped_column(ForeignKey("cohort.id"), index=True)
    applied_on: Mapped[date]
    nav_contact: Mapped[str] = mapped_column(String(200), default="")
    # The current status, kept beside the history so lists can filter and count in SQL.
    status: Mapped[EnrolmentStatus]
    start_date: Mapped[date | None]
    end_date: Mapped[date | None]
    # The intake assessment (vurdering/intervju)
    meets_requirements: Mapped[bool | None]
    assessment: Mapped[str] = mapped_column(Text, default="")
    assessed_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    assessed_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    version: Mapped[int] = mapped_column(default=1)

    person: Mapped[Person] = relationship()
    cohort: Mapped[Cohort] = relationship()
    assessed_by: Mapped[User | None] = relationship()
    history: Mapped[list["StatusPeriod"]] = relationship(
        back_populates="enrolment", order_by="StatusPeriod.id"
    )

    __mapper_args__ = {"version_id_col": version}
    __table_args__ = (
        UniqueConstraint("person_id", "cohort_id"),
        Index("ix_enrolment_cohort_status", "cohort_id", "status"),
    )


class StatusPeriod(db.Model):
    """One status an enrolment had, who set it, when and why."""

    __tablename__ = "status_period"

    id: Mapped[int] = mapped_column(primary_key=True)
    enrolment_id: Mapped[int] = mapped_column(ForeignKey("enrolment.id"), index=True)
    status: Mapped[EnrolmentStatus]
    reason: Mapped[StatusReason | None]
    reason_text: Mapped[str | None] = mapped_column(String(500))
    valid_from: Mapped[datetime] = mapped_column(default=utcnow)
    valid_to: Mapped[datetime | None]
    changed_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))

    enrolment: Mapped[Enrolment] = relationship(back_populates="history")
    changed_by: Mapped[User | None] = relationship()

    __table_args__ = (
        # At most one current status per enrolment.
        Index(
            "uq_status_period_current",
            "enrolment_id",
            unique=True,
            sqlite_where=text("valid_to IS NULL"),
            postgresql_where=text("valid_to IS NULL"),
        ),
    )
