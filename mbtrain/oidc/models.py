"""Who a provider's login is here, and which logout tokens have been used."""

from datetime import datetime

from sqlalchemy import ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from mbtrain.accounts.models import User
from mbtrain.database import utcnow
from mbtrain.extensions import db


class LoginLink(db.Model):
    """A provider's login, linked to one account. ``subject_hash`` is a keyed HMAC of the
    identifying claim (ID-porten's ``pid``, Entra's ``oid``): the number itself is never kept,
    and without the key the hash cannot be checked against a list of numbers."""

    __tablename__ = "login_link"
    audit_type = "user"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(
        ForeignKey("user_account.id", ondelete="CASCADE"), index=True
    )
    provider: Mapped[str] = mapped_column(String(40))
    subject_hash: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    user: Mapped[User] = relationship()

    __table_args__ = (UniqueConstraint("provider", "subject_hash"),)


class SeenLogoutToken(db.Model):
    """A back-channel logout token's ``jti``, kept so that the same token is refused again
    (in the database, so every worker sees it)."""

    __tablename__ = "seen_logout_token"

    id: Mapped[int] = mapped_column(primary_key=True)
    provider: Mapped[str] = mapped_column(String(40))
    jti: Mapped[str] = mapped_column(String(255))
    seen_at: Mapped[datetime] = mapped_column(default=utcnow)

    __table_args__ = (UniqueConstraint("provider", "jti"),)
