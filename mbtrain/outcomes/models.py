"""What became of the trainees: their situation 3, 6 and 12 months after the course ended.

NAV judges the MB course by whether people get into paid work. Each trainee who ended
(FULLFORT or AVBRUTT) is followed up three times; each follow-up is one row, recorded by
the county coordinator, with the employer type and position percentage when in work.
"""

from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from mbtrain.accounts.models import User
from mbtrain.database import utcnow
from mbtrain.enrolments.models import Enrolment
from mbtrain.enums import LabelledEnum, _l
from mbtrain.extensions import db

FOLLOW_UP_MONTHS = (3, 6, 12)


class Situation(LabelledEnum):
    ARBEID_MB = "ARBEID_MB", _l("I arbeid som MB")
    ANNET_ARBEID = "ANNET_ARBEID", _l("Annet arbeid")
    UTDANNING = "UTDANNING", _l("Utdanning")
    ARBEIDSRETTET_TILTAK = "ARBEIDSRETTET_TILTAK", _l("Arbeidsrettet tiltak")
    IKKE_I_ARBEID = "IKKE_I_ARBEID", _l("Ikke i arbeid")
    UKJENT = "UKJENT", _l("Ukjent")

    @property
    def in_work(self) -> bool:
        return self in (Situation.ARBEID_MB, Situation.ANNET_ARBEID)


class EmployerType(LabelledEnum):
    KOMMUNE = "KOMMUNE", _l("Kommune")
    HELSEFORETAK = "HELSEFORETAK", _l("Helseforetak")
    NAV = "NAV", _l("NAV")
    BRUKERORGANISASJON = "BRUKERORGANISASJON", _l("Brukerorganisasjon")
    PRIVAT = "PRIVAT", _l("Privat virksomhet")
    FRIVILLIG = "FRIVILLIG", _l("Frivillig organisasjon")
    ANNET = "ANNET", _l("Annet")


class OutcomeFollowUp(db.Model):
    __tablename__ = "outcome_followup"

    id: Mapped[int] = mapped_column(primary_key=True)
    # The unique (enrolment_id, months) below is the index for looking up by enrolment.
    enrolment_id: Mapped[int] = mapped_column(ForeignKey("enrolment.id"))
    months: Mapped[int]
    situation: Mapped[Situation]
    employer_type: Mapped[EmployerType | None]
    position_percent: Mapped[int | None]
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    recorded_at: Mapped[datetime] = mapped_column(default=utcnow)
    version: Mapped[int] = mapped_column(default=1)

    enrolment: Mapped[Enrolment] = relationship()
    recorded_by: Mapped[User | None] = relationship()

    __mapper_args__ = {"version_id_col": version}
    __table_args__ = (
        UniqueConstraint("enrolment_id", "months"),
        CheckConstraint("months IN (3, 6, 12)", name="follow_up_point"),
        CheckConstraint(
            "position_percent IS NULL OR position_percent BETWEEN 1 AND 100",
            name="position_range",
        ),
    )
