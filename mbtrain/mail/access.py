"""A message in the outbox, for the admin's page about it."""

from mbtrain.extensions import db
from mbtrain.mail.models import OutboxMessage


def load_message(message_id: int) -> OutboxMessage:
    return db.get_or_404(OutboxMessage, message_id)
