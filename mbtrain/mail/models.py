"""Every e-mail the app sends, kept as an outbox.

Without SMTP configured the outbox is where an admin reads messages (development and demo).
With SMTP, a message is delivered after the transaction that created it commits, and its body
is then cleared so single-use links do not linger in the database.
"""

from datetime import datetime

from sqlalchemy import String, Text
from sqlalchemy.orm import Mapped, mapped_column

from mbtrain.database import utcnow
from mbtrain.extensions import db


class OutboxMessage(db.Model):
    __tablename__ = "outbox_message"

    id: Mapped[int] = mapped_column(primary_key=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    recipient: Mapped[str] = mapped_column(String(254))
    subject: Mapped[str] = mapped_column(String(200))
    body: Mapped[str] = mapped_column(Text)
    sent_at: Mapped[datetime | None]
    error: Mapped[str | None] = mapped_column(String(500))
