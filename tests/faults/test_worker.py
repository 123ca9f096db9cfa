"""The real worker (``mbtrain worker``, a Huey consumer in its own process) delivers what
requests queued, and a worker killed in the middle of a batch loses nothing: the next one
starts with a sweep of everything still due."""

import asyncio
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller
from sqlalchemy import func, select

from mbtrain.extensions import db
from mbtrain.jobs import nudge_mail
from mbtrain.mail.models import OutboxMessage
from mbtrain.mail.services import send_mail
from tests.conftest import module_app
from tests.faults.instances import free_port
from tests.mail.test_smtp_delivery import Mailbox

REPO = Path(__file__).resolve().parents[2]
PORT = free_port()


class SlowMailbox(Mailbox):
    """Takes a while over each message, so that a kill lands in the middle of a batch."""

    async def handle_DATA(self, server, session, envelope):
        await asyncio.sleep(0.15)
        return await super().handle_DATA(server, session, envelope)


@pytest.fixture(scope="module")
def app(request, tmp_path_factory):
    folder = tmp_path_factory.mktemp("worker")
    settings = {"JOBS_IMMEDIATE": False, "SMTP_URL": f"smtp://127.0.0.1:{PORT}"}
    with module_app("sqlite", request, folder, **settings) as app:
        yield app


@pytest.fixture
def mailbox() -> Iterator[SlowMailbox]:
    mailbox = SlowMailbox()
    controller = Controller(mailbox, hostname="127.0.0.1", port=PORT)
    controller.start()
    yield mailbox
    controller.stop()


def start_worker(app) -> subprocess.Popen:
    env = {
        **os.environ,
        "PYTHONPATH": str(REPO),
        "MBTRAIN_ENV": "development",
        "MBTRAIN_DATA_DIR": str(app.config["DATA_DIR"]),
        "MBTRAIN_DATABASE_URL": app.config["SQLALCHEMY_DATABASE_URI"],
        "MBTRAIN_SMTP_URL": app.config["SMTP_URL"],
        "MBTRAIN_SECRET_KEY": app.config["SECRET_KEY"],
    }
    env.pop("MBTRAIN_JOBS_IMMEDIATE", None)
    command = [sys.executable, "-c", "from mbtrain.cli import main; main()", "worker"]
    return subprocess.Popen(command, env=env, cwd=REPO, stderr=subprocess.DEVNULL)  # noqa: S603


def queue(app, count: int, prefix: str) -> list[str]:
    """``count`` messages committed and the worker nudged, as a request does."""
    emails = [f"{prefix}-{n}@example.org" for n in range(count)]
    with app.test_request_context():
        ids = [send_mail(email, "Hei", "Tekst").id for email in emails]
        db.session.commit()
        nudge_mail(ids)
    return emails


def unsent() -> int:
    db.session.expire_all()
    query = select(func.count()).select_from(OutboxMessage).where(OutboxMessage.sent_at.is_(None))
    count = db.session.scalar(query)
    db.session.commit()
    return count


def wait_for(condition, seconds: float = 30) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.1)
    return False


def stop(worker: subprocess.Popen, sig=signal.SIGTERM) -> None:
    if worker.poll() is None:
        worker.send_signal(sig)
        worker.wait(timeout=20)


def test_the_worker_delivers_what_requests_queued(app, mailbox):
    emails = queue(app, 5, "ko")
    worker = start_worker(app)
    try:
        assert wait_for(lambda: len(mailbox.messages) >= len(emails)), mailbox.messages
    finally:
        stop(worker)
    assert sorted(str(m["To"]) for m in mailbox.messages) == sorted(emails)
    assert unsent() == 0


def test_a_worker_killed_mid_batch_loses_nothing(app, mailbox):
    worker = start_worker(app)
    try:
        emails = queue(app, 20, "drept")
        assert wait_for(lambda: len(mailbox.messages) >= 3)
        worker.send_signal(signal.SIGKILL)  # no goodbye: mid-conversation, mid-batch
        worker.wait(timeout=10)
        left = unsent()
        assert left > 0  # the kill did land in the middle
    finally:
        stop(worker, signal.SIGKILL)

    worker = start_worker(app)  # its first act is a sweep of everything still due
    try:
        assert wait_for(lambda: unsent() == 0), unsent()
    finally:
        stop(worker)
    received = [str(m["To"]) for m in mailbox.messages]
    assert set(received) == set(emails)  # lost: 0
    # At least once: the one message in flight at the kill may arrive twice, no more.
    assert len(received) - len(emails) <= 1
    print(f"\nkilled worker: {left} of {len(emails)} were undelivered at the kill; lost: 0")
