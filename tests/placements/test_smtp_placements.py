"""The supervisor's e-mail for real: links and receipts go through a real (local) SMTP server,
and the link read from the delivered message completes the flow."""

import re
import socket
from datetime import timedelta
from email import message_from_bytes, policy

import pytest
from aiosmtpd.controller import Controller
from sqlalchemy import select

from mbtrain.extensions import db
from mbtrain.placements.models import FinalEvaluation, HoursEntry, PlacementStatus
from tests.followup.followup_support import (
    SUPERVISOR,
    sign_form,
    this_week,
)

S = PlacementStatus
PUBLIC_URL = "https://mbtrain.example.org"
LINK_RE = re.compile(re.escape(PUBLIC_URL) + r"(/praksislenke/[A-Za-z0-9_\-]+)")


class Mailbox:
    def __init__(self) -> None:
        self.messages = []

    async def handle_DATA(self, server, session, envelope):
        self.messages.append(message_from_bytes(envelope.content, policy=policy.default))
        return "250 OK"

    def to(self, address: str) -> list:
        return [m for m in self.messages if m["To"] == address]

    def link_for(self, address: str) -> str:
        body = self.to(address)[-1].get_content()
        match = LINK_RE.search(body)
        assert match, body
        return match.group(1)


@pytest.fixture(scope="module")
def smtp_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def mailbox(smtp_port):
    mailbox = Mailbox()
    controller = Controller(mailbox, hostname="127.0.0.1", port=smtp_port)
    controller.start()
    yield mailbox
    controller.stop()


@pytest.fixture
def app_config(smtp_port) -> dict:
    return {"SMTP_URL": f"smtp://127.0.0.1:{smtp_port}", "PUBLIC_URL": PUBLIC_URL}


def test_confirmation_link_and_receipt_travel_by_smtp(placement_scene, mailbox, login, client):
    scene = placement_scene()
    coordinator = login(scene.coordinator)
    response = coordinator.submit(f"/praksis/{scene.placement.id}/lenke/bekreftelse", page="/")
    assert response.status_code == 302
    [mail] = mailbox.to(SUPERVISOR)
    assert mail["Subject"] == "Bekreft praksisplass for MB-opplæringen"
    # The link is on MBTRAIN_PUBLIC_URL, never on the host the request came in on.
    assert "mbtrain.test" not in mail.get_content()
    path = mailbox.link_for(SUPERVISOR)

    page = client.get(path).get_data(as_text=True)
    assert scene.enrolment.person.name in page and "Dette deles med dere" in page
    assert (
        client.submit(path, {"decision": "confirm", "typed_name": "Kari Veileder"}).status_code
        == 302
    )

    assert scene.reload().status is S.CONFIRMED
    receipt = mailbox.to(SUPERVISOR)[-1]
    assert receipt["Subject"] == "Kvittering: Bekreftet praksisplassen"
    assert "Kari Veileder" in receipt.get_content()
    [notice] = mailbox.to(scene.coordinator.email)
    assert f"{PUBLIC_URL}/praksis/{scene.placement.id}" in notice.get_content()


def test_hours_are_confirmed_from_the_delivered_link(placement_scene, mailbox, login, client):
    scene = placement_scene(S.ACTIVE)
    trainee = login(scene.trainee)
    weeks = [this_week() - timedelta(weeks=n) for n in (2, 1)]
    for week in weeks:
        url = f"/min-praksis/{scene.placement.id}/timer?uke={week.isoformat()}"
        assert sign_form(trainee, url, {"hours": "18,5"}).status_code == 302
    trainee.submit(f"/min-praksis/{scene.placement.id}/timer/send", page="/")
    path = mailbox.link_for(SUPERVISOR)
    assert "18,5" in mailbox.to(SUPERVISOR)[-1].get_content()

    response = client.submit(
        path, {"typed_name": "Kari Veileder", "weeks": [w.isoformat() for w in weeks]}
    )

    assert response.status_code == 302
    entries = db.session.scalars(select(HoursEntry)).all()
    assert len(entries) == 2 and all(e.confirmed_signature_id for e in entries)
    receipt = mailbox.to(SUPERVISOR)[-1]
    assert receipt["Subject"] == "Kvittering: Bekreftet timer"
    assert "18,5" in receipt.get_content()


def test_the_final_evaluation_from_the_delivered_link(placement_scene, mailbox, login, client):
    scene = placement_scene(S.ACTIVE)
    login(scene.coordinator).submit(f"/praksis/{scene.placement.id}/lenke/sluttvurdering", page="/")
    path = mailbox.link_for(SUPERVISOR)
    data = {"passed": "yes", "text": "Har vist stor vekst.", "typed_name": "Kari Veileder"}

    assert client.submit(path, data).status_code == 302

    assert db.session.scalar(select(FinalEvaluation)).passed is True
    receipt = mailbox.to(SUPERVISOR)[-1]
    assert receipt["Subject"] == "Kvittering: Signerte sluttvurderingen"
    assert "Bestått" in receipt.get_content()
    [trainee_mail] = mailbox.to(scene.enrolment.person.email)
    assert f"{PUBLIC_URL}/min-praksis" in trainee_mail.get_content()
