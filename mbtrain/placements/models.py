"""Practice placements at partner organisations: offers, placements and their signed trail.

A placement moves PROPOSED → CONFIRMED → ACTIVE → COMPLETED, or ends DECLINED / CANCELLED;
every change is a PlacementEvent. Whatever a supervisor confirms, declines or signs (with an
account or through a single-use link) is kept as a Signature with a SHA-256 of the content.
"""

from datetime import date, datetime

from sqlalchemy import JSON, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from mbtrain.accounts.models import User
from mbtrain.cohorts.models import Cohort
from mbtrain.database import utcnow
from mbtrain.enrolments.models import Enrolment
from mbtrain.enums import LabelledEnum, _l
from mbtrain.extensions import db
from mbtrain.organisations.models import Organisation


class PlacementStatus(LabelledEnum):
    PROPOSED = "PROPOSED", _l("Foreslått")
    CONFIRMED = "CONFIRMED", _l("Bekreftet")
    ACTIVE = "ACTIVE", _l("Pågår")
    COMPLETED = "COMPLETED", _l("Fullført")
    DECLINED = "DECLINED", _l("Avslått")
    CANCELLED = "CANCELLED", _l("Avbrutt")


class SignedAction(LabelledEnum):
    CONFIRM_PLACEMENT = "CONFIRM_PLACEMENT", _l("Bekreftet praksisplassen")
    DECLINE_PLACEMENT = "DECLINE_PLACEMENT", _l("Takket nei til praksisplassen")
    CONFIRM_HOURS = "CONFIRM_HOURS", _l("Bekreftet timer")
    RAISE_CONCERN = "RAISE_CONCERN", _l("Sendte tvilsmelding")
    FINAL_EVALUATION = "FINAL_EVALUATION", _l("Signerte sluttvurderingen")


class SignedVia(LabelledEnum):
    PORTAL = "PORTAL", _l("Innlogget")
    LINK = "LINK", _l("Engangslenke")


class MeetingKind(LabelledEnum):
    OPPSTART = "OPPSTART", _l("Oppstartsmøte")
    MIDTVEIS = "MIDTVEIS", _l("Midtveismøte")
    SLUTT = "SLUTT", _l("Sluttmøte")
    EKSTRA = "EKSTRA", _l("Ekstra møte")


class ProposalKind(LabelledEnum):
    END_EARLY = "END_EARLY", _l("Avslutte tidligere")
    CHANGE_DATES = "CHANGE_DATES", _l("Endre datoer")


class ProposalStatus(LabelledEnum):
    PROPOSED = "PROPOSED", _l("Foreslått")
    APPROVED = "APPROVED", _l("Godkjent")
    REJECTED = "REJECTED", _l("Avvist")
    WITHDRAWN = "WITHDRAWN", _l("Trukket")
    SUPERSEDED = "SUPERSEDED", _l("Erstattet av nytt forslag")


class PlacementOffer(db.Model):
    """A partner offers N places for one practice period of a cohort."""

    __tablename__ = "placement_offer"

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    cohort_id: Mapped[int] = mapped_column(ForeignKey("cohort.id"), index=True)
    module_code: Mapped[str] = mapped_column(String(40))
    start_date: Mapped[date]
    end_date: Mapped[date]
    places: Mapped[int]
    field_of_work: Mapped[str] = mapped_column(String(200))
    requirements: Mapped[str] = mapped_column(Text, default="")
    politiattest_required: Mapped[bool] = mapped_column(default=False)
    open: Mapped[bool] = mapped_column(default=True)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    version: Mapped[int] = mapped_column(default=1)

    organisation: Mapped[Organisation] = relationship()
    cohort: Mapped[Cohort] = relationship()

    __mapper_args__ = {"version_id_col": version}


class PlacementPreference(db.Model):
    """A trainee's ranking of an offer (1 = first choice)."""

    __tablename__ = "placement_preference"

    id: Mapped[int] = mapped_column(primary_key=True)
    enrolment_id: Mapped[int] = mapped_column(ForeignKey("enrolment.id"), index=True)
    offer_id: Mapped[int] = mapped_column(ForeignKey("placement_offer.id", ondelete="CASCADE"))
    rank: Mapped[int]

    offer: Mapped[PlacementOffer] = relationship()

    __table_args__ = (UniqueConstraint("enrolment_id", "offer_id"),)


class Placement(db.Model):
    __tablename__ = "placement"

    id: Mapped[int] = mapped_column(primary_key=True)
    enrolment_id: Mapped[int] = mapped_column(ForeignKey("enrolment.id"), index=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    offer_id: Mapped[int | None] = mapped_column(ForeignKey("placement_offer.id"))
    module_code: Mapped[str] = mapped_column(String(40))
    supervisor_name: Mapped[str] = mapped_column(String(200))
    supervisor_email: Mapped[str] = mapped_column(String(254))
    supervisor_user_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    co_supervisor_name: Mapped[str] = mapped_column(String(200), default="")
    co_supervisor_email: Mapped[str] = mapped_column(String(254), default="")
    start_date: Mapped[date]
    end_date: Mapped[date]
    weekly_hours: Mapped[float]
    status: Mapped[PlacementStatus] = mapped_column(default=PlacementStatus.PROPOSED)
    politiattest_required: Mapped[bool] = mapped_column(default=False)
    confidentiality_signed_on: Mapped[date | None]
    politiattest_checked_on: Mapped[date | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    version: Mapped[int] = mapped_column(default=1)

    enrolment: Mapped[Enrolment] = relationship()
    organisation: Mapped[Organisation] = relationship()
    offer: Mapped[PlacementOffer | None] = relationship()
    supervisor_user: Mapped[User | None] = relationship()
    events: Mapped[list["PlacementEvent"]] = relationship(
        back_populates="placement", order_by="PlacementEvent.id"
    )

    __mapper_args__ = {"version_id_col": version}


class PlacementEvent(db.Model):
    """One change in a placement's life: status, who, when and why."""

    __tablename__ = "placement_event"

    id: Mapped[int] = mapped_column(primary_key=True)
    placement_id: Mapped[int] = mapped_column(ForeignKey("placement.id"), index=True)
    status: Mapped[PlacementStatus]
    reason: Mapped[str] = mapped_column(String(500), default="")
    by_user_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    by_email: Mapped[str] = mapped_column(String(254), default="")
    at: Mapped[datetime] = mapped_column(default=utcnow)

    placement: Mapped[Placement] = relationship(back_populates="events")
    by_user: Mapped[User | None] = relationship()


class Signature(db.Model):
    """What a supervisor confirmed or signed, exactly as shown to them, and how."""

    __tablename__ = "signature"

    id: Mapped[int] = mapped_column(primary_key=True)
    placement_id: Mapped[int] = mapped_column(ForeignKey("placement.id"), index=True)
    action: Mapped[SignedAction]
    via: Mapped[SignedVia]
    typed_name: Mapped[str] = mapped_column(String(200))
    signer_email: Mapped[str] = mapped_column(String(254))
    user_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    at: Mapped[datetime] = mapped_column(default=utcnow)
    ip: Mapped[str] = mapped_column(String(45), default="")
    user_agent: Mapped[str] = mapped_column(String(300), default="")
    content: Mapped[dict] = mapped_column(JSON)
    content_sha256: Mapped[str] = mapped_column(String(64))

    placement: Mapped[Placement] = relationship()


class Meeting(db.Model):
    __tablename__ = "placement_meeting"

    id: Mapped[int] = mapped_column(primary_key=True)
    placement_id: Mapped[int] = mapped_column(ForeignKey("placement.id"), index=True)
    kind: Mapped[MeetingKind]
    held_on: Mapped[date]
    participants: Mapped[str] = mapped_column(String(500))
    summary: Mapped[str] = mapped_column(Text, default="")
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    recorded_by_email: Mapped[str] = mapped_column(String(254), default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    placement: Mapped[Placement] = relationship()


class HoursEntry(db.Model):
    """Hours in practice for one week (starting Monday): logged by the trainee, confirmed by
    the supervisor."""

    __tablename__ = "hours_entry"

    id: Mapped[int] = mapped_column(primary_key=True)
    placement_id: Mapped[int] = mapped_column(ForeignKey("placement.id"), index=True)
    week_start: Mapped[date]
    hours: Mapped[float]
    logged_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    logged_at: Mapped[datetime] = mapped_column(default=utcnow)
    confirmed_signature_id: Mapped[int | None] = mapped_column(ForeignKey("signature.id"))
    version: Mapped[int] = mapped_column(default=1)

    placement: Mapped[Placement] = relationship()
    confirmed_signature: Mapped[Signature | None] = relationship()

    __mapper_args__ = {"version_id_col": version}
    __table_args__ = (UniqueConstraint("placement_id", "week_start"),)


class Concern(db.Model):
    """A tvilsmelding: the supervisor's written notice that passing is in doubt."""

    __tablename__ = "placement_concern"

    id: Mapped[int] = mapped_column(primary_key=True)
    placement_id: Mapped[int] = mapped_column(ForeignKey("placement.id"), index=True)
    text: Mapped[str] = mapped_column(Text)
    signature_id: Mapped[int] = mapped_column(ForeignKey("signature.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    placement: Mapped[Placement] = relationship()
    signature: Mapped[Signature] = relationship()


class FinalEvaluation(db.Model):
    __tablename__ = "final_evaluation"

    id: Mapped[int] = mapped_column(primary_key=True)
    placement_id: Mapped[int] = mapped_column(ForeignKey("placement.id"), unique=True)
    passed: Mapped[bool]
    text: Mapped[str] = mapped_column(Text)
    signature_id: Mapped[int] = mapped_column(ForeignKey("signature.id"))

    placement: Mapped[Placement] = relationship()
    signature: Mapped[Signature] = relationship()


class ChangeProposal(db.Model):
    """A partner proposes ending early or other dates; the coordinator decides."""

    __tablename__ = "placement_change_proposal"

    id: Mapped[int] = mapped_column(primary_key=True)
    placement_id: Mapped[int] = mapped_column(ForeignKey("placement.id"), index=True)
    kind: Mapped[ProposalKind]
    new_start_date: Mapped[date | None]
    new_end_date: Mapped[date | None]
    reason: Mapped[str] = mapped_column(String(500))
    proposed_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    proposed_by_email: Mapped[str] = mapped_column(String(254), default="")
    proposed_at: Mapped[datetime] = mapped_column(default=utcnow)
    status: Mapped[ProposalStatus] = mapped_column(default=ProposalStatus.PROPOSED)
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    decided_at: Mapped[datetime | None]
    decision_reason: Mapped[str] = mapped_column(String(500), default="")
    version: Mapped[int] = mapped_column(default=1)

    placement: Mapped[Placement] = relationship()

    __mapper_args__ = {"version_id_col": version}
