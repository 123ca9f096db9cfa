"""The journeys' fixtures: the seeded database, a local mail server, the app under gunicorn,
and Debian's chromium driven by Playwright (world.py says what is in them)."""

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller

from tests.journeys.world import CHROMIUM, CHROMIUM_FLAGS, PROVIDER, Mailbox, seed
from tests.servers import free_port, serve


@pytest.fixture(scope="module")
def journey_data_dir(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("journeys")


@pytest.fixture(scope="module")
def journey_database(journey_data_dir) -> str:
    url = f"sqlite:///{journey_data_dir / 'journeys.sqlite3'}"
    seed(url, journey_data_dir)
    return url


@pytest.fixture(scope="module")
def signing_env(journey_data_dir) -> dict[str, str]:
    """A self-signed key pair for the certificates the journeys issue."""
    from mbtrain.certificates.signing import create_self_signed

    key, cert = journey_data_dir / "kursbevis-key.pem", journey_data_dir / "kursbevis-cert.pem"
    create_self_signed(key, cert, PROVIDER)
    return {"MBTRAIN_SIGNING_KEY": str(key), "MBTRAIN_SIGNING_CERT": str(cert)}


# Mail --------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def mailbox() -> Iterator[Mailbox]:
    mailbox = Mailbox(port=free_port())
    controller = Controller(mailbox, hostname="127.0.0.1", port=mailbox.port)
    controller.start()
    yield mailbox
    controller.stop()


# The server and the browser ----------------------------------------------------------


@pytest.fixture(scope="module")
def base_url(journey_database, mailbox, signing_env) -> Iterator[str]:
    env = {"MBTRAIN_SMTP_URL": f"smtp://127.0.0.1:{mailbox.port}", **signing_env}
    with serve(journey_database, env=env, workers=2) as url:
        yield url


# Module scope, not session: Playwright's sync API keeps an event loop running in this thread
# until it stops, and later tests (pyHanko signing certificates) call asyncio.run().
@pytest.fixture(scope="module")
def browser():
    if not CHROMIUM.exists():
        reason = f"{CHROMIUM} is missing (apt-get install -y chromium)"
        if os.environ.get("CI"):
            pytest.fail(f"the browser journeys must run in CI: {reason}")
        pytest.skip(reason)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_FLAGS
        )
        yield browser
        browser.close()
