"""Sending e-mail: every message goes into the outbox; the worker delivers it over SMTP.

``send_mail`` only writes the message, in the caller's transaction; after the request commits,
``mbtrain.web`` asks the worker to deliver (``mbtrain.jobs``), and the worker's sweep every
minute finds anything that ask missed. ``deliver_due`` is that delivery: each due message
is tried once; a failure waits ``BACKOFF[attempts]`` before the next try, and after the last
one the message is failed for good, which its sender and the admin are shown.
"""

import logging
import smtplib
import ssl
from datetime import datetime, timedelta
from email.message import EmailMessage
from urllib.parse import parse_qs, unquote, urlsplit

from flask import current_app, g, has_request_context
from flask_login import current_user
from sqlalchemy import or_, select

from mbtrain.database import utcnow
from mbtrain.extensions import db
from mbtrain.mail.models import OutboxMessage

log = logging.getLogger(__name__)

# The pause after the 1st, 2nd … failed try; after the last one the message has failed.
BACKOFF = tuple(timedelta(seconds=s) for s in (30, 2 * 60, 10 * 60, 30 * 60, 2 * 3600, 6 * 3600))
MAX_ATTEMPTS = len(BACKOFF) + 1


def send_mail(recipient: str, subject: str, body: str) -> OutboxMessage:
    """Queue a message; the worker delivers it once the request's transaction has committed."""
    message = OutboxMessage(recipient=recipient, subject=subject, body=body, sender_id=_sender())
    db.session.add(message)
    db.session.flush()
    if current_app.config["SMTP_URL"] and has_request_context():
        g.setdefault("mail_ids", []).append(message.id)  # mbtrain.web nudges the worker
    return message


def _sender() -> int | None:
    if has_request_context() and current_user and current_user.is_authenticated:
        return current_user.id
    return None


def recent_messages(limit: int) -> list[OutboxMessage]:
    """The newest messages first, sent or not."""
    query = select(OutboxMessage).order_by(OutboxMessage.id.desc()).limit(limit)
    return list(db.session.scalars(query))


def undelivered_from(user_id: int, limit: int = 20) -> list[OutboxMessage]:
    """What ``user_id`` sent that failed for good, newest first (shown on their home page)."""
    query = (
        select(OutboxMessage)
        .where(OutboxMessage.sender_id == user_id, OutboxMessage.failed_at.is_not(None))
        .order_by(OutboxMessage.id.desc())
        .limit(limit)
    )
    return list(db.session.scalars(query))


def deliver_due(now: datetime | None = None, ids: list[int] | None = None) -> int:
    """Try every committed message that is due (only ``ids`` if given), each in its own
    transaction; returns how many were delivered."""
    url = current_app.config["SMTP_URL"]
    if not url:
        return 0
    now = now or utcnow()
    sent = 0
    for message_id in _due_ids(now, ids):
        sent += _deliver_one(url, message_id, now)
    return sent


def _due_ids(now: datetime, ids: list[int] | None) -> list[int]:
    query = select(OutboxMessage.id).where(
        OutboxMessage.sent_at.is_(None),
        OutboxMessage.failed_at.is_(None),
        or_(OutboxMessage.next_attempt_at.is_(None), OutboxMessage.next_attempt_at <= now),
    )
    if ids is not None:
        query = query.where(OutboxMessage.id.in_(ids))
    found = list(db.session.scalars(query.order_by(OutboxMessage.id)))
    db.session.commit()
    return found


def _deliver_one(url: str, message_id: int, now: datetime) -> int:
    """One try, the row locked meanwhile, so two workers never send the same message."""
    query = select(OutboxMessage).where(
        OutboxMessage.id == message_id, OutboxMessage.sent_at.is_(None)
    )
    message = db.session.scalar(query.with_for_update(skip_locked=True))
    if message is None or message.failed_at is not None:
        db.session.commit()
        return 0
    try:
        _send_over_smtp(url, message)
    except (OSError, smtplib.SMTPException) as error:
        _note_failure(message, error, now)
        db.session.commit()
        return 0
    message.sent_at = utcnow()
    message.body = ""  # delivered: single-use links should not linger here
    message.error = None
    message.attempts += 1
    db.session.commit()
    return 1


def _note_failure(message: OutboxMessage, error: Exception, now: datetime) -> None:
    message.attempts += 1
    message.error = str(error)[:500] or type(error).__name__
    if message.attempts >= MAX_ATTEMPTS:
        message.failed_at = now
        message.body = ""  # never sent: its single-use link must not linger either
        log.error("mail %s failed for good after %s tries", message.id, message.attempts)
    else:
        message.next_attempt_at = now + BACKOFF[message.attempts - 1]
        log.warning("mail %s not delivered (try %s): %s", message.id, message.attempts, error)


def _send_over_smtp(url: str, message: OutboxMessage) -> None:
    parts = urlsplit(url)
    options = parse_qs(parts.query)
    email = EmailMessage()
    email["From"] = current_app.config["MAIL_SENDER"]
    email["To"] = message.recipient
    email["Subject"] = message.subject
    email.set_content(message.body)
    smtp_class = smtplib.SMTP_SSL if parts.scheme == "smtps" else smtplib.SMTP
    timeout = current_app.config.get("SMTP_TIMEOUT", 10)
    with smtp_class(parts.hostname or "localhost", parts.port or 0, timeout=timeout) as smtp:
        if options.get("starttls") == ["1"]:
            smtp.starttls(context=ssl.create_default_context())
        if parts.username:
            smtp.login(unquote(parts.username), unquote(parts.password or ""))
        smtp.send_message(email)
