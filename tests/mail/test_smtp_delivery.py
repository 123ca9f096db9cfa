"""Mail over SMTP: an invitation reaches a real (local) mail server, and the link in it works."""

import re
import socket
from datetime import timedelta
from email import message_from_bytes, policy

import pytest
from aiosmtpd.controller import Controller
from sqlalchemy import select

from mbtrain.accounts.models import Role
from mbtrain.database import utcnow
from mbtrain.extensions import db
from mbtrain.mail.models import OutboxMessage
from mbtrain.mail.services import deliver_due

LINK_RE = re.compile(r"http://mbtrain\.test(/lenke/[A-Za-z0-9_\-]+)")


class Mailbox:
    """An aiosmtpd handler that keeps what it receives."""

    def __init__(self) -> None:
        self.messages = []

    async def handle_DATA(self, server, session, envelope):
        self.messages.append(message_from_bytes(envelope.content, policy=policy.default))
        return "250 OK"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture(scope="module")
def smtp_port():
    return free_port()


@pytest.fixture
def mailbox(smtp_port):
    mailbox = Mailbox()
    controller = Controller(mailbox, hostname="127.0.0.1", port=smtp_port)
    controller.start()
    yield mailbox
    controller.stop()


@pytest.fixture
def app_config(smtp_port) -> dict:
    return {"SMTP_URL": f"smtp://127.0.0.1:{smtp_port}"}


def test_an_invitation_is_delivered_and_its_link_activates_the_account(mailbox, login_as, client):
    admin = login_as(Role.ADMIN)
    response = admin.submit(
        "/admin/brukere/ny",
        {
            "name": "Per Deltaker",
            "email": "per@example.org",
            "role": "TRAINEE",
            "organisation": "0",
        },
    )
    assert response.status_code == 302

    [mail] = mailbox.messages
    assert mail["To"] == "per@example.org"
    assert mail["Subject"] == "Du er invitert til mbtrain"
    assert "ikke-svar@mbtrain.local" in mail["From"]
    body = mail.get_content()
    assert "Per Deltaker" in body
    path = LINK_RE.search(body).group(1)

    # Delivered: the outbox keeps that it was sent, not the link.
    stored = db.session.scalar(
        select(OutboxMessage).where(OutboxMessage.recipient == "per@example.org")
    )
    assert stored.sent_at is not None
    assert stored.body == ""
    assert path not in admin.get(f"/admin/utboks/{stored.id}").get_data(as_text=True)

    password = "post fra en ekte server"
    assert client.submit(path, {"password": password, "confirm": password}).status_code == 302
    login = client.submit("/logg-inn", {"email": "per@example.org", "password": password})
    assert login.status_code == 302


def test_a_message_that_cannot_be_delivered_stays_in_the_outbox(login_as, app, smtp_port):
    # No server listens on the port: the invitation is still made, and the mail waits.
    admin = login_as(Role.ADMIN)
    response = admin.submit(
        "/admin/brukere/ny",
        {
            "name": "Liv Deltaker",
            "email": "liv@example.org",
            "role": "TRAINEE",
            "organisation": "0",
        },
    )
    assert response.status_code == 302
    stored = db.session.scalar(
        select(OutboxMessage).where(OutboxMessage.recipient == "liv@example.org")
    )
    assert stored.sent_at is None
    assert stored.error
    assert "/lenke/" in stored.body


def test_waiting_messages_go_out_when_the_server_is_back(login_as, app, smtp_port, request):
    admin = login_as(Role.ADMIN)
    admin.submit(
        "/admin/brukere/ny",
        {
            "name": "Liv Deltaker",
            "email": "liv@example.org",
            "role": "TRAINEE",
            "organisation": "0",
        },
    )
    mailbox = request.getfixturevalue("mailbox")

    with app.test_request_context():
        assert deliver_due() == 0  # not before its pause after the failed try
        assert deliver_due(now=utcnow() + timedelta(minutes=1)) == 1

    assert [mail["To"] for mail in mailbox.messages] == ["liv@example.org"]
    stored = db.session.scalar(
        select(OutboxMessage).where(OutboxMessage.recipient == "liv@example.org")
    )
    assert stored.sent_at is not None and stored.body == "" and stored.error is None
