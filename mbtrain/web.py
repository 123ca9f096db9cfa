"""The request owns the transaction, as Indico's request handlers do (indico/web/rh.py).

Every view runs inside one transaction: committed when the view returns, rolled back when it
raises (a 403 or 404 included), and the worker is asked to send the mail it queued (and to
issue the certificate batches it started) only after the commit (mbtrain/jobs.py; the
request never waits for SMTP or for certificates to be made). Views and services never
commit. A service call that may be refused runs through ``attempt``, in a savepoint: a refusal
undoes that call alone, puts its message on the form and sets the status, while what the
request wrote before it (its access-log row) is kept.
"""

import functools
from collections.abc import Callable
from typing import Any, NamedTuple

from flask import Flask, Response, g
from flask_wtf import FlaskForm

from mbtrain.errors import Refused
from mbtrain.extensions import db
from mbtrain.jobs import nudge_certificates, nudge_mail


class Done(NamedTuple):
    """A call ``attempt`` let through; truthy even when the service returned nothing."""

    value: Any


def attempt(form: FlaskForm, call: Callable[..., Any], /, *args: Any, **kwargs: Any) -> Done | None:
    """``call(*args, **kwargs)`` in a savepoint. On ``Refused`` its changes are undone, its
    messages go on ``form`` (kept as ``form.refused``) and the response gets its status."""
    form.refused = None
    try:
        with db.session.begin_nested():
            return Done(call(*args, **kwargs))
    except Refused as refusal:
        form.refused = refusal
        refusal.place(form)
        refuse(refusal.status)
        return None


def submitted(form: FlaskForm) -> bool:
    """``form.validate_on_submit()``; a submitted form that is not valid answers 400. Until
    ``attempt`` runs, ``form.refused`` is None (the page may ask it either way)."""
    form.refused = None
    if form.validate_on_submit():
        return True
    if form.is_submitted():
        refuse(400)
    return False


def refuse(status: int) -> None:
    """The page this request renders says no: answer with ``status`` instead of 200."""
    g.refused_status = status


def init_app(app: Flask) -> None:
    """After every blueprint is registered: each view now runs in the request's transaction."""
    for endpoint, view in app.view_functions.items():
        if endpoint != "static":
            app.view_functions[endpoint] = owns_transaction(view)
    app.after_request(_refused_status)


def owns_transaction(view: Callable[..., Any]) -> Callable[..., Any]:
    @functools.wraps(view)
    def in_transaction(*args: Any, **kwargs: Any) -> Any:
        try:
            result = view(*args, **kwargs)
            db.session.commit()
        except BaseException:
            db.session.rollback()
            raise
        mail = g.pop("mail_ids", None)
        if mail:
            nudge_mail(mail)
        batches = g.pop("certificate_batch_ids", None)
        if batches:
            nudge_certificates(batches)
        return result

    return in_transaction


def _refused_status(response: Response) -> Response:
    status = g.pop("refused_status", None)
    if status is not None and response.status_code == 200:
        response.status_code = status
    return response
