"""Sending e-mail: every message goes into the outbox, and over SMTP when it is configured."""

import logging
import smtplib
import ssl
from email.message import EmailMessage
from urllib.parse import parse_qs, unquote, urlsplit

from flask import current_app, g, has_request_context
from sqlalchemy import select

from mbtrain.database import utcnow
from mbtrain.extensions import db
from mbtrain.mail.models import OutboxMessage

log = logging.getLogger(__name__)


def send_mail(recipient: str, subject: str, body: str) -> OutboxMessage:
    """Queue a message; it is delivered once the request's transaction has committed."""
    message = OutboxMessage(recipient=recipient, subject=subject, body=body)
    db.session.add(message)
    db.session.flush()
    if current_app.config["SMTP_URL"] and has_request_context():
        g.setdefault("mail_ids", []).append(message.id)  # sent by mbtrain.web after the commit
    return message


def recent_messages(limit: int) -> list[OutboxMessage]:
    """The newest messages first, sent or not."""
    query = select(OutboxMessage).order_by(OutboxMessage.id.desc()).limit(limit)
    return list(db.session.scalars(query))


def deliver_pending(ids: list[int] | None = None) -> int:
    """Send committed, unsent messages over SMTP (only `ids` if given); returns how many."""
    url = current_app.config["SMTP_URL"]
    if not url:
        return 0
    query = select(OutboxMessage).where(OutboxMessage.sent_at.is_(None))
    if ids is not None:
        query = query.where(OutboxMessage.id.in_(ids))
    pending = db.session.scalars(query.order_by(OutboxMessage.id)).all()
    sent = 0
    for message in pending:
        try:
            _send_over_smtp(url, message)
        except (OSError, smtplib.SMTPException) as error:
            message.error = str(error)[:500]
            log.warning("mail %s not delivered: %s", message.id, type(error).__name__)
        else:
            message.sent_at = utcnow()
            message.body = ""  # delivered: single-use links should not linger here
            message.error = None
            sent += 1
    db.session.commit()
    return sent


def _send_over_smtp(url: str, message: OutboxMessage) -> None:
    parts = urlsplit(url)
    options = parse_qs(parts.query)
    email = EmailMessage()
    email["From"] = current_app.config["MAIL_SENDER"]
    email["To"] = message.recipient
    email["Subject"] = message.subject
    email.set_content(message.body)
    smtp_class = smtplib.SMTP_SSL if parts.scheme == "smtps" else smtplib.SMTP
    with smtp_class(parts.hostname or "localhost", parts.port or 0, timeout=10) as smtp:
        if options.get("starttls") == ["1"]:
            smtp.starttls(context=ssl.create_default_context())
        if parts.username:
            smtp.login(unquote(parts.username), unquote(parts.password or ""))
        smtp.send_message(email)
