"""User accounts, their server-side sessions and single-use links."""

from datetime import datetime

from flask_login import UserMixin
from sqlalchemy import JSON, Column, ForeignKey, String, Table, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from mbtrain.database import utcnow
from mbtrain.enums import LabelledEnum, _l
from mbtrain.extensions import db
from mbtrain.organisations.models import County, Organisation


class Role(LabelledEnum):
    ADMIN = "ADMIN", _l("Administrator")
    COORDINATOR = "COORDINATOR", _l("Fylkeskoordinator")
    INSTRUCTOR = "INSTRUCTOR", _l("Kursholder")
    PARTNER = "PARTNER", _l("Praksisveileder")
    TRAINEE = "TRAINEE", _l("Deltaker")


class TokenPurpose(LabelledEnum):
    INVITATION = "INVITATION", _l("Invitasjon")
    PASSWORD_RESET = "PASSWORD_RESET", _l("Nytt passord")
    PLACEMENT_CONFIRMATION = "PLACEMENT_CONFIRMATION", _l("Bekreftelse av praksisplass")
    HOURS_CONFIRMATION = "HOURS_CONFIRMATION", _l("Bekreftelse av timer")
    FINAL_EVALUATION = "FINAL_EVALUATION", _l("Sluttvurdering")


user_county = Table(
    "user_county",
    db.metadata,
    Column("user_id", ForeignKey("user_account.id", ondelete="CASCADE"), primary_key=True),
    Column("county_id", ForeignKey("county.id"), primary_key=True),
)


class User(UserMixin, db.Model):
    __tablename__ = "user_account"
    audit_type = "user"  # what the access log calls it (audit.models.OBJECT_TYPES)

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    role: Mapped[Role]
    password_hash: Mapped[str | None] = mapped_column(String(255))
    active: Mapped[bool] = mapped_column(default=True)
    locale: Mapped[str | None] = mapped_column(String(5))
    organisation_id: Mapped[int | None] = mapped_column(ForeignKey("organisation.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    version: Mapped[int] = mapped_column(default=1)

    organisation: Mapped[Organisation | None] = relationship()
    counties: Mapped[list[County]] = relationship(secondary=user_county, order_by=County.name)

    __mapper_args__ = {"version_id_col": version}

    @property
    def is_active(self) -> bool:
        return self.active

    @property
    def county_ids(self) -> set[int]:
        return {county.id for county in self.counties}

    def __repr__(self) -> str:
        return f"<User {self.id} {self.role.value}>"


class AuthSession(db.Model):
    """One login. The cookie carries a random token; only its hash is kept here."""

    __tablename__ = "auth_session"

    id: Mapped[int] = mapped_column(primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    user_id: Mapped[int] = mapped_column(
        ForeignKey("user_account.id", ondelete="CASCADE"), index=True
    )
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_seen_at: Mapped[datetime] = mapped_column(default=utcnow)
    revoked_at: Mapped[datetime | None]
    # A login through an OpenID provider (mbtrain/oidc): which one, its session id and
    # subject (what its logout messages name) and the ID token (the hint at logout).
    provider: Mapped[str | None] = mapped_column(String(40))
    provider_sid: Mapped[str | None] = mapped_column(String(255), index=True)
    provider_sub: Mapped[str | None] = mapped_column(String(255))
    id_token: Mapped[str | None] = mapped_column(Text)

    user: Mapped[User] = relationship()


class ActionToken(db.Model):
    """A single-use, expiring link: the server keeps the hash and marks it used."""

    __tablename__ = "action_token"

    id: Mapped[int] = mapped_column(primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    purpose: Mapped[TokenPurpose]
    user_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="CASCADE"), index=True
    )
    email: Mapped[str] = mapped_column(String(254))
    # What the link acts on (e.g. a placement id) and any detail of the action (e.g. weeks).
    object_id: Mapped[int | None]
    payload: Mapped[dict | None] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime]
    used_at: Mapped[datetime | None]

    user: Mapped[User | None] = relationship()
