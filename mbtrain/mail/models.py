"""Every e-mail the app sends, kept as an outbox: the outbox is the queue.

A message is written in the transaction that makes it, so it exists exactly when what it
tells of does. The worker (mbtrain/jobs.py) delivers it over SMTP, trying again with growing
pauses (``attempts``, ``next_attempt_at``); a message that still fails after the last try is
``failed_at``: shown as not delivered to the admin and to the person who sent it. Once
delivered (or failed for good) its body is cleared, so single-use links do not linger.
Without SMTP configured the outbox is where an admin reads messages (development and demo).
"""

from datetime import datetime

from sqlalchemy import ForeignKey, String, Text
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
    # Who made it send (None: the system, or someone not signed in, e.g. a reset request).
    sender_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL"), index=True
    )
    attempts: Mapped[int] = mapped_column(default=0, server_default="0")
    next_attempt_at: Mapped[datetime | None] = mapped_column(index=True)
    failed_at: Mapped[datetime | None]

    @property
    def status(self) -> str:
        """sent, failed (for good), retrying (tried and failed, will try again) or queued."""
        if self.sent_at:
            return "sent"
        if self.failed_at:
            return "failed"
        return "retrying" if self.attempts else "queued"
