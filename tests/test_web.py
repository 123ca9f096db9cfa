"""The request owns the transaction (mbtrain/web.py): what a view and a refused call leave."""

import pytest
from flask import g
from flask_wtf import FlaskForm
from sqlalchemy import func, select
from wtforms import StringField

from mbtrain import web
from mbtrain.audit.models import AccessLog
from mbtrain.audit.services import log_view
from mbtrain.errors import Refused, StaleEdit
from mbtrain.extensions import db
from mbtrain.mail.models import OutboxMessage
from mbtrain.mail.services import send_mail


class NameForm(FlaskForm):
    class Meta:
        csrf = False

    name = StringField()


def count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def queue_and_refuse(refusal: Refused):
    send_mail("kari@example.org", "Emne", "Tekst")
    raise refusal


def test_a_refused_call_undoes_only_itself_and_says_why_on_the_field(app):
    with app.test_request_context("/", method="POST"):
        log_view("outbox", "ADMIN")
        form = NameForm()
        refusal = Refused("Navnet mangler.", "name")

        assert web.attempt(form, queue_and_refuse, refusal) is None

        assert form.name.errors == ["Navnet mangler."]
        assert form.refused is refusal
        assert g.refused_status == 400
        assert count(OutboxMessage) == 0
        assert count(AccessLog) == 1  # what the request wrote before the call stays


def test_a_stale_edit_is_a_409_with_its_explanation_above_the_form(app):
    with app.test_request_context("/", method="POST"):
        form = NameForm()
        assert web.attempt(form, queue_and_refuse, StaleEdit()) is None
        assert g.refused_status == 409
        assert "Noen andre har lagret endringer" in form.form_errors[0]
        assert not form.name.errors


def test_a_call_that_goes_through_is_done_even_when_it_returns_nothing(app):
    with app.test_request_context("/", method="POST"):
        done = web.attempt(NameForm(), lambda: None)
        assert done and done.value is None
        assert "refused_status" not in g


@pytest.mark.parametrize("fails", [False, True], ids=["succeeds", "raises"])
def test_a_view_is_committed_when_it_returns_and_rolled_back_when_it_raises(app, fails):
    def view():
        send_mail("kari@example.org", "Emne", "Tekst")
        if fails:
            raise RuntimeError("the view failed half-way")
        return "ok"

    with app.test_request_context("/"):
        if fails:
            with pytest.raises(RuntimeError):
                web.owns_transaction(view)()
        else:
            assert web.owns_transaction(view)() == "ok"
        assert not db.session().in_transaction()
        assert count(OutboxMessage) == (0 if fails else 1)


def test_mail_queued_in_a_request_is_sent_after_the_commit(app, monkeypatch):
    sent = []
    monkeypatch.setitem(app.config, "SMTP_URL", "smtp://127.0.0.1:1")
    # Stands in for SMTP (tests/mail sends over a real server): notes whether the
    # request's transaction was still open when delivery began.
    monkeypatch.setattr(
        web, "nudge_mail", lambda ids: sent.append((ids, db.session().in_transaction()))
    )

    with app.test_request_context("/"):
        message = web.owns_transaction(lambda: send_mail("kari@example.org", "Emne", "Tekst"))()
        assert sent == [([message.id], False)]
