"""SMTP stopped, silent, and gone for good: the request never waits for it, the worker tries
again with growing pauses, and a message that never gets through is shown as not delivered to
the admin and to the person who sent it; none is lost or reported as sent."""

import socket
import threading
import time
from datetime import timedelta

import pytest
from aiosmtpd.controller import Controller
from sqlalchemy import func, select

from mbtrain.accounts.models import Role
from mbtrain.database import utcnow
from mbtrain.extensions import db
from mbtrain.mail.models import OutboxMessage
from mbtrain.mail.services import BACKOFF, MAX_ATTEMPTS, deliver_due
from tests.faults.instances import free_port
from tests.mail.test_smtp_delivery import Mailbox

PORT = free_port()


@pytest.fixture
def app_config() -> dict:
    # The real queue (no delivery in the request), a short SMTP timeout for the silent server.
    return {"JOBS_IMMEDIATE": False, "SMTP_URL": f"smtp://127.0.0.1:{PORT}", "SMTP_TIMEOUT": 1.0}


@pytest.fixture
def silent_server():
    """Accepts connections on PORT and never says a word (a hung mail server)."""
    listener = socket.create_server(("127.0.0.1", PORT))
    held: list[socket.socket] = []
    stop = threading.Event()

    def accept() -> None:
        listener.settimeout(0.1)
        while not stop.is_set():
            try:
                held.append(listener.accept()[0])
            except TimeoutError:
                continue

    thread = threading.Thread(target=accept)
    thread.start()
    yield held
    stop.set()
    thread.join()
    for connection in held:
        connection.close()
    listener.close()


def invite(admin, email: str):
    return admin.submit(
        "/admin/brukere/ny",
        {"name": "Post Testesen", "email": email, "role": "TRAINEE", "organisation": "0"},
        follow_redirects=True,
    )


def outbox(email: str) -> OutboxMessage:
    return db.session.scalar(select(OutboxMessage).where(OutboxMessage.recipient == email))


def deliver_in_context(app, now=None) -> int:
    with app.test_request_context():
        return deliver_due(now=now)


def test_a_silent_server_holds_no_request_and_the_worker_gives_the_try_up(
    app, login_as, silent_server
):
    admin = login_as(Role.ADMIN)
    started = time.monotonic()
    page = invite(admin, "stille@example.org")
    took = time.monotonic() - started
    assert page.status_code == 200
    # The request never opened a connection to the mail server (it was held 10.1 s before).
    assert silent_server == [], took
    text = page.get_data(as_text=True)
    assert "er lagt i kø for sending" in text and "er sendt" not in text
    assert outbox("stille@example.org").status == "queued"

    assert deliver_in_context(app) == 0  # the worker's try times out after SMTP_TIMEOUT
    assert len(silent_server) == 1
    message = outbox("stille@example.org")
    assert message.status == "retrying" and message.attempts == 1
    assert message.next_attempt_at > utcnow() + BACKOFF[0] - timedelta(seconds=5)
    assert "/lenke/" in message.body  # kept for the next try


def test_a_stopped_server_loses_nothing_once_it_is_back(app, login_as):
    admin = login_as(Role.ADMIN)
    emails = [f"venter-{n}@example.org" for n in range(5)]
    for email in emails:
        assert invite(admin, email).status_code == 200
    assert deliver_in_context(app) == 0  # nobody listens on PORT: each try fails
    assert {outbox(email).status for email in emails} == {"retrying"}

    controller = Controller(mailbox := Mailbox(), hostname="127.0.0.1", port=PORT)
    controller.start()
    try:
        assert deliver_in_context(app) == 0  # not before the pause after the failed try
        assert deliver_in_context(app, now=utcnow() + BACKOFF[0]) == len(emails)
    finally:
        controller.stop()
    assert sorted(str(mail["To"]) for mail in mailbox.messages) == sorted(emails)  # lost: 0
    assert {outbox(email).status for email in emails} == {"sent"}


def test_a_message_that_fails_for_good_is_shown_to_admin_and_sender(app, login_as):
    sender = login_as(Role.ADMIN, name="Siri Sender")
    assert invite(sender, "finnes-ikke@example.org").status_code == 200
    now = utcnow()
    for pause in (timedelta(0), *BACKOFF):
        now += pause
        assert deliver_in_context(app, now=now) == 0
    message = outbox("finnes-ikke@example.org")
    assert message.status == "failed" and message.attempts == MAX_ATTEMPTS
    assert message.body == ""  # its single-use link does not linger
    assert deliver_in_context(app, now=now + timedelta(days=1)) == 0  # no more tries

    home = sender.get("/").get_data(as_text=True)
    assert "E-post som ikke kom fram" in home and "finnes-ikke@example.org" in home
    listing = login_as(Role.ADMIN).get("/admin/utboks/").get_data(as_text=True)
    assert "Ikke levert" in listing
    assert "Sendt" not in listing
    total = db.session.scalar(select(func.count()).select_from(OutboxMessage))
    assert total == 1
