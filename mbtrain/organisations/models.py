"""Counties (the 2024 division) and the organisations that take part in the programme."""

from datetime import datetime

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship
from stdnum.no import orgnr as stdnum_orgnr

from mbtrain.database import utcnow
from mbtrain.enums import LabelledEnum, _l
from mbtrain.extensions import db


class OrganisationType(LabelledEnum):
    KOMMUNE = "KOMMUNE", _l("Kommune")
    HELSEFORETAK = "HELSEFORETAK", _l("Helseforetak")
    NAV_KONTOR = "NAV_KONTOR", _l("NAV-kontor")
    TILTAKSARRANGOR = "TILTAKSARRANGOR", _l("Tiltaksarrangør")
    BRUKERORGANISASJON = "BRUKERORGANISASJON", _l("Brukerorganisasjon")
    ANNET = "ANNET", _l("Annet")


class County(db.Model):
    __tablename__ = "county"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(2), unique=True)
    name: Mapped[str] = mapped_column(String(80))

    def __repr__(self) -> str:
        return f"<County {self.code} {self.name}>"


class Organisation(db.Model):
    __tablename__ = "organisation"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    orgnr: Mapped[str] = mapped_column(String(9), unique=True)
    type: Mapped[OrganisationType]
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("organisation.id"), index=True)
    county_id: Mapped[int | None] = mapped_column(ForeignKey("county.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    version: Mapped[int] = mapped_column(default=1)

    parent: Mapped["Organisation | None"] = relationship(remote_side=[id])
    county: Mapped[County | None] = relationship()
    contacts: Mapped[list["ContactPerson"]] = relationship(
        back_populates="organisation", cascade="all, delete-orphan", order_by="ContactPerson.name"
    )

    __mapper_args__ = {"version_id_col": version}

    @property
    def orgnr_display(self) -> str:
        return stdnum_orgnr.format(self.orgnr)

    def __repr__(self) -> str:
        return f"<Organisation {self.orgnr}>"


class ContactPerson(db.Model):
    """Someone to contact at a partner organisation (not necessarily a user)."""

    __tablename__ = "organisation_contact"

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(
        ForeignKey("organisation.id", ondelete="CASCADE"), index=True
    )
    name: Mapped[str] = mapped_column(String(200))
    email: Mapped[str] = mapped_column(String(254), default="")
    phone: Mapped[str] = mapped_column(String(30), default="")
    role_title: Mapped[str] = mapped_column(String(100), default="")

    organisation: Mapped[Organisation] = relationship(back_populates="contacts")
