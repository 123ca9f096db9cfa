"""Certificates (kursbevis, kompetansebevis): issued once, frozen, revocable, superseded.

An issued certificate is never changed again except for its status: the PDF it was issued
as, and the JSON snapshot of what it certifies, are kept byte for byte with their SHA-256,
so a download or a verification never depends on today's names, templates or curricula.
The bytes live in the database so that every worker and every backup sees them.
"""

from datetime import datetime

from sqlalchemy import ForeignKey, LargeBinary, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from mbtrain.accounts.models import User
from mbtrain.database import utcnow
from mbtrain.enrolments.models import Enrolment
from mbtrain.enums import LabelledEnum, _l
from mbtrain.extensions import db


class CertificateKind(LabelledEnum):
    KURSBEVIS = "KURSBEVIS", _l("Kursbevis")
    # For a trainee who ended early (AVBRUTT): the modules completed, nothing more.
    KOMPETANSEBEVIS = "KOMPETANSEBEVIS", _l("Kompetansebevis")


class CertificateStatus(LabelledEnum):
    VALID = "VALID", _l("Gyldig")
    REVOKED = "REVOKED", _l("Tilbakekalt")
    SUPERSEDED = "SUPERSEDED", _l("Erstattet av et nyere kursbevis")


class Certificate(db.Model):
    __tablename__ = "certificate"

    id: Mapped[int] = mapped_column(primary_key=True)
    enrolment_id: Mapped[int] = mapped_column(ForeignKey("enrolment.id"), index=True)
    kind: Mapped[CertificateKind]
    language: Mapped[str] = mapped_column(String(5))
    # The verification code (unguessable, with a check character) and the printed number.
    code: Mapped[str] = mapped_column(String(20), unique=True)
    number: Mapped[str] = mapped_column(String(40), unique=True)
    issued_at: Mapped[datetime] = mapped_column(default=utcnow)
    issued_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    snapshot_json: Mapped[str] = mapped_column(Text)
    snapshot_sha256: Mapped[str] = mapped_column(String(64))
    pdf: Mapped[bytes] = mapped_column(LargeBinary)
    pdf_sha256: Mapped[str] = mapped_column(String(64), index=True)
    revoked_at: Mapped[datetime | None]
    revoked_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    revoked_reason: Mapped[str | None] = mapped_column(String(500))
    superseded_by_id: Mapped[int | None] = mapped_column(ForeignKey("certificate.id"))

    enrolment: Mapped[Enrolment] = relationship()
    issued_by: Mapped[User | None] = relationship(foreign_keys=[issued_by_id])
    revoked_by: Mapped[User | None] = relationship(foreign_keys=[revoked_by_id])
    superseded_by: Mapped["Certificate | None"] = relationship(remote_side=[id])

    @property
    def status(self) -> CertificateStatus:
        if self.revoked_at is not None:
            return CertificateStatus.REVOKED
        if self.superseded_by_id is not None:
            return CertificateStatus.SUPERSEDED
        return CertificateStatus.VALID

    @property
    def current(self) -> bool:
        return self.status is CertificateStatus.VALID

    def __repr__(self) -> str:
        return f"<Certificate {self.number}>"


class BatchFailure(LabelledEnum):
    """Why the worker issued nothing to someone in a batch (the rules are issuing's own)."""

    HAS_CERTIFICATE = "HAS_CERTIFICATE", _l("Har allerede et gyldig kursbevis på dette språket")
    NOT_ELIGIBLE = "NOT_ELIGIBLE", _l("Oppfyller ikke lenger kravene til kursbevis")
    LEFT = "LEFT", _l("Har sluttet og kan bare få kompetansebevis, utstedt for seg")
    NOT_IN_COHORT = "NOT_IN_COHORT", _l("Er ikke lenger deltaker på kurset")
    REFUSED = "REFUSED", _l("Kunne ikke utstedes")


class CertificateBatch(db.Model):
    """«Utsted kursbevis til N deltakere», confirmed: the worker issues to each person listed,
    one per transaction, and the coordinator watches the batch's page (mbtrain/jobs.py)."""

    __tablename__ = "certificate_batch"

    id: Mapped[int] = mapped_column(primary_key=True)
    cohort_id: Mapped[int] = mapped_column(ForeignKey("cohort.id"), index=True)
    language: Mapped[str] = mapped_column(String(5))
    requested_by_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    requested_at: Mapped[datetime] = mapped_column(default=utcnow)
    finished_at: Mapped[datetime | None]

    requested_by: Mapped[User] = relationship()
    items: Mapped[list["CertificateBatchItem"]] = relationship(
        back_populates="batch", order_by="CertificateBatchItem.id"
    )

    @property
    def done(self) -> list["CertificateBatchItem"]:
        return [item for item in self.items if item.certificate_id is not None]

    @property
    def failed(self) -> list["CertificateBatchItem"]:
        return [item for item in self.items if item.failure is not None]

    @property
    def waiting(self) -> list["CertificateBatchItem"]:
        return [item for item in self.items if item.pending]


class CertificateBatchItem(db.Model):
    """One person in a batch: waiting, issued (its certificate) or not issued (why)."""

    __tablename__ = "certificate_batch_item"

    id: Mapped[int] = mapped_column(primary_key=True)
    batch_id: Mapped[int] = mapped_column(ForeignKey("certificate_batch.id"), index=True)
    enrolment_id: Mapped[int] = mapped_column(ForeignKey("enrolment.id"))
    certificate_id: Mapped[int | None] = mapped_column(ForeignKey("certificate.id"))
    failure: Mapped[BatchFailure | None]
    failure_detail: Mapped[str | None] = mapped_column(String(500))
    finished_at: Mapped[datetime | None]

    batch: Mapped[CertificateBatch] = relationship(back_populates="items")
    enrolment: Mapped[Enrolment] = relationship()
    certificate: Mapped[Certificate | None] = relationship()

    @property
    def pending(self) -> bool:
        return self.certificate_id is None and self.failure is None
