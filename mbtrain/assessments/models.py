"""Module assessments and the project assignment, per trainee."""

from datetime import date, datetime

from sqlalchemy import ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from mbtrain.accounts.models import User
from mbtrain.database import utcnow
from mbtrain.enrolments.models import Enrolment
from mbtrain.enums import LabelledEnum, _l
from mbtrain.extensions import db


class AssessmentResult(LabelledEnum):
    GODKJENT = "GODKJENT", _l("Godkjent")
    IKKE_GODKJENT = "IKKE_GODKJENT", _l("Ikke godkjent")
    IKKE_VURDERT = "IKKE_VURDERT", _l("Ikke vurdert")


class ModuleAssessment(db.Model):
    __tablename__ = "module_assessment"

    id: Mapped[int] = mapped_column(primary_key=True)
    enrolment_id: Mapped[int] = mapped_column(ForeignKey("enrolment.id"), index=True)
    module_code: Mapped[str] = mapped_column(String(40))
    result: Mapped[AssessmentResult] = mapped_column(default=AssessmentResult.IKKE_VURDERT)
    assessed_on: Mapped[date | None]
    assessor_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    comment: Mapped[str] = mapped_column(String(500), default="")
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    version: Mapped[int] = mapped_column(default=1)

    enrolment: Mapped[Enrolment] = relationship()
    assessor: Mapped[User | None] = relationship()

    __mapper_args__ = {"version_id_col": version}
    __table_args__ = (UniqueConstraint("enrolment_id", "module_code"),)


class ProjectAssignment(db.Model):
    __tablename__ = "project_assignment"

    id: Mapped[int] = mapped_column(primary_key=True)
    enrolment_id: Mapped[int] = mapped_column(ForeignKey("enrolment.id"), unique=True)
    title: Mapped[str] = mapped_column(String(300))
    approved: Mapped[bool] = mapped_column(default=False)
    approved_on: Mapped[date | None]
    approved_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    version: Mapped[int] = mapped_column(default=1)

    enrolment: Mapped[Enrolment] = relationship()
    approved_by: Mapped[User | None] = relationship()

    __mapper_args__ = {"version_id_col": version}
