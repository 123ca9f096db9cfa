"""The login tests' fixtures: two local OpenID providers (one requiring PAR), the app under
gunicorn reading a providers file that points at them, and Debian's Chromium."""

import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.journeys.world import CHROMIUM, CHROMIUM_FLAGS
from tests.oidc import world
from tests.servers import free_port, serve


@dataclass
class World:
    base_url: str
    issuer: str
    par_issuer: str
    invitation: str
    database_url: str


def _needs(condition: bool, reason: str) -> None:
    if not condition:
        if os.environ.get("CI"):
            pytest.fail(f"the login tests must run in CI: {reason}")
        pytest.skip(reason)


@pytest.fixture(scope="module")
def oidc_world(tmp_path_factory) -> Iterator[World]:
    _needs(world.NODE is not None, "node is missing (apt-get install nodejs)")
    _needs(
        (world.HERE / "node_modules" / "oidc-provider").is_dir(),
        "oidc-provider is not installed (npm ci --prefix tests/oidc)",
    )
    folder: Path = tmp_path_factory.mktemp("oidc")
    port = free_port()
    base_url = f"http://127.0.0.1:{port}"
    key, jwks = world.client_key_pair(folder)
    jwt_plain, jwt_par = (world.client(name, base_url, jwks) for name in world.JWT_CLIENTS)
    plain = [world.client(name, base_url) for name in ("idporten", "entra")] + [jwt_plain]
    par_clients = [world.client("idportenpar", base_url), jwt_par]
    with (
        world.provider(folder, plain) as issuer,
        world.provider(folder, par_clients, par_required=True) as par,
    ):
        providers = folder / "providers.toml"
        dead = f"http://127.0.0.1:{free_port()}"
        providers.write_text(world.providers_toml(issuer, par, dead, key))
        database_url = f"sqlite:///{folder / 'oidc.sqlite3'}"
        seeded = world.seed(database_url, folder)
        env = {
            "MBTRAIN_OIDC_PROVIDERS": str(providers),
            "MBTRAIN_OIDC_SUBJECT_KEY": world.SUBJECT_KEY,
        }
        with serve(database_url, env=env, workers=2, port=port, data_dir=folder) as url:
            yield World(url, issuer, par, seeded["invitation"], database_url)


@pytest.fixture(scope="module")
def browser():
    _needs(CHROMIUM.exists(), f"{CHROMIUM} is missing (apt-get install -y chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_FLAGS
        )
        yield browser
        browser.close()
