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
from typing import Any

from flask import Response, abort, flash, redirect
from flask_login import current_user
from flask_wtf import FlaskForm
from sqlalchemy import String
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Mapped, mapped_column
from wtforms import HiddenField

from mbtrain.database import utcnow
from mbtrain.extensions import db
from mbtrain.web import attempt


class FormSubmission(db.Model):
    __tablename__ = "form_submission"

    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    user_id: Mapped[int | None]
    result_url: Mapped[str] = mapped_column(String(500))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class SubmissionKeyField(HiddenField):
    """A hidden field holding a fresh random key each time the form is shown. ``repeated``:
    what a repeat of the submission is told when ``attempt_once`` sends it where the first one
    led."""

    def __init__(self, repeated: str = "", **kwargs):
        super().__init__(default=lambda: secrets.token_urlsafe(24), **kwargs)
        self.repeated = repeated


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


def attempt_once(form: FlaskForm, call: Callable[..., Any], /, *args: Any, **kwargs: Any):
    """``web.attempt`` for a form with a ``submission_key``: ``call(*args, **kwargs)`` the
    first time the form is sent. A repeat (a double click, a resent POST) changes nothing and
    is sent on to where the first one led, with the field's ``repeated`` message. A refused
    call gives the key up with the rest of what it did."""
    return attempt(form, _first_time, form.submission_key, call, *args, **kwargs)


def _first_time(key: SubmissionKeyField, call: Callable[..., Any], /, *args: Any, **kwargs: Any):
    if earlier := earlier_result(key.data):
        if key.repeated:
            flash(str(key.repeated), "info")
        abort(redirect(earlier))  # before anything is written: nothing is lost
    return call(*args, **kwargs)


def sent_on(form: FlaskForm, target: str) -> Response:
    """The redirect after a form's first submission; a repeat of it is sent to ``target`` too."""
    remember_submission(form.submission_key.data, current_user.id, target)
    return redirect(target)
