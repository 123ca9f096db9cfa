"""A form submitted twice (a double click, a resent POST) creates nothing twice.

Create forms carry a random submission key. The first save records the key with where it
led; a repeat finds the key and is sent to the same place. The key is the primary key, so
two racing submissions cannot both be recorded.
"""

import secrets
from datetime import datetime

from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column
from wtforms import HiddenField

from mbtrain.database import utcnow
from mbtrain.extensions import db


class FormSubmission(db.Model):
    __tablename__ = "form_submission"

    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    user_id: Mapped[int | None]
    result_url: Mapped[str] = mapped_column(String(500))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class SubmissionKeyField(HiddenField):
    """A hidden field holding a fresh random key each time the form is shown."""

    def __init__(self, **kwargs):
        super().__init__(default=lambda: secrets.token_urlsafe(24), **kwargs)


def earlier_result(key: str | None) -> str | None:
    """Where an earlier submission with this key led, if there was one."""
    if not key:
        return None
    submission = db.session.get(FormSubmission, key[:64])
    return submission.result_url if submission else None


def remember_submission(key: str | None, user_id: int | None, result_url: str) -> None:
    if key:
        db.session.add(FormSubmission(key=key[:64], user_id=user_id, result_url=result_url))
        db.session.flush()
