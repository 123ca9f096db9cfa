"""A form submitted twice (a double click, a resent POST) creates nothing twice.

Create forms carry a random submission key. The first submission claims the key (a row
keyed by it, inserted before anything is created) and records where it led; a repeat finds
the key and is sent to the same place. The key is the primary key, so of two racing
submissions the second waits for the first's transaction and then finds its row: only one
creates anything. A submission that fails rolls its claim back with everything else.
"""

import secrets
from collections.abc import Callable
from datetime import datetime
from typing import Any, NamedTuple

from sqlalchemy import String
from sqlalchemy.exc import IntegrityError
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
    """Where an earlier submission with this key led, if there was one; if not, the key is
    claimed for this submission (until its transaction commits or rolls back)."""
    if not key:
        return None
    submission = db.session.get(FormSubmission, key[:64]) or _claim(key[:64])
    return (submission.result_url or None) if submission else None


def _claim(key: str) -> FormSubmission | None:
    """Insert the key; None once it is ours. If a concurrent submission holds it, the insert
    waits for that one to finish and fails, and its row (with its result) is returned."""
    try:
        with db.session.begin_nested():
            db.session.add(FormSubmission(key=key, result_url=""))
    except IntegrityError:
        return db.session.get(FormSubmission, key, populate_existing=True)
    return None


def remember_submission(key: str | None, user_id: int | None, result_url: str) -> None:
    if not key:
        return
    submission = db.session.get(FormSubmission, key[:64])
    if submission is None:
        submission = FormSubmission(key=key[:64])
        db.session.add(submission)
    submission.user_id, submission.result_url = user_id, result_url
    db.session.flush()


class Repeat(NamedTuple):
    """A form sent again: where its first submission led."""

    url: str


def once(key: str | None, call: Callable[..., Any], /, *args: Any, **kwargs: Any) -> Any:
    """``call(*args, **kwargs)`` the first time a form with this key is sent; a ``Repeat`` when
    it was sent before. Run inside ``web.attempt``, so that a refused call undoes its claim on
    the key with everything else and the form, corrected, can be sent again."""
    if earlier := earlier_result(key):
        return Repeat(earlier)
    return call(*args, **kwargs)
