"""The access matrix for sessions that began at an OpenID provider.

With the local test provider (tests/oidc/provider.mjs) configured, the world's trainee logs
in through an ID-porten-like provider and its coordinator through an Entra-like one. On every
route of the matrix their sessions must get the answers their password sessions get (and
POLICY expects): a login through a provider is a login like any other, no wider and no
narrower. The provider routes' own answers with a provider configured are checked too.
"""

import os
import re
from collections.abc import Iterator
from urllib.parse import parse_qs, urljoin, urlsplit

import pytest
import requests
from flask import Flask

from mbtrain.extensions import db
from mbtrain.oidc.providers import KINDS
from mbtrain.oidc.services import link_login
from tests.conftest import BACKENDS, FormClient, database_snapshot, module_app
from tests.oidc import world as oidc
from tests.security.routes import build_path, collected_routes, variants
from tests.security.test_access_matrix import OWN_REDIRECTS, expected, is_login_redirect
from tests.security.world import World

ROUTES = collected_routes()
# Matrix actor -> the provider they log in through, and who they are there.
LOGINS = {"trainee": ("idporten", oidc.TRAINEE), "coordinator": ("entra", oidc.COORDINATOR)}
APP_URL = "http://mbtrain.test"  # the tests' SERVER_NAME: the registered redirect URIs
PROVIDERS_TOML = """\
[password]
roles = ["ADMIN", "COORDINATOR", "INSTRUCTOR", "PARTNER", "TRAINEE"]

[providers.idporten]
kind = "idporten"
discovery_url = "{issuer}/.well-known/openid-configuration"
client_id = "mbtrain-idporten"
client_secret = "{secret}"
scopes = ["openid", "profile"]
roles = ["TRAINEE"]
min_acr = "idporten-loa-substantial"
timeout = 3

[providers.entra]
kind = "entra"
discovery_url = "{issuer}/.well-known/openid-configuration"
client_id = "mbtrain-entra"
client_secret = "{secret}"
scopes = ["openid", "profile"]
roles = ["COORDINATOR"]
timeout = 3
"""


@pytest.fixture(scope="module")
def issuer(tmp_path_factory) -> Iterator[str]:
    if oidc.NODE is None or not (oidc.HERE / "node_modules" / "oidc-provider").is_dir():
        reason = "node or oidc-provider is missing (npm ci --prefix tests/oidc)"
        if os.environ.get("CI"):
            pytest.fail(f"the provider matrix must run in CI: {reason}")
        pytest.skip(reason)
    clients = [oidc.client(name, APP_URL) for name in ("idporten", "entra")]
    with oidc.provider(tmp_path_factory.mktemp("provider"), clients) as url:
        yield url


@pytest.fixture(scope="module", params=BACKENDS)
def world_app(request, tmp_path_factory, issuer) -> Iterator[Flask]:
    """The security world's app, with the two providers configured (overrides conftest's)."""
    folder = tmp_path_factory.mktemp("world")
    providers = folder / "providers.toml"
    providers.write_text(PROVIDERS_TOML.format(issuer=issuer, secret=oidc.SECRET))
    config = {
        "LOGIN_LIMIT_PER_ADDRESS": "1000 per minute",
        "LOGIN_LIMIT_PER_ACCOUNT": "1000 per minute",
        "OIDC_PROVIDERS_FILE": str(providers),
        "OIDC_SUBJECT_KEY": oidc.SUBJECT_KEY,
    }
    with module_app(request.param, request, folder, **config) as app:
        yield app


def provider_login(app: Flask, provider: str, user: str) -> FormClient:
    """A test-client browser logged in through ``provider`` as its user ``user``: the
    provider's pages over HTTP, mbtrain's start and callback in the test client."""
    browser = app.test_client()
    start = browser.get(f"/innlogging/{provider}")
    assert start.status_code == 302, start.get_data(as_text=True)
    url, http = start.headers["Location"], requests.Session()
    for _ in range(10):
        if url.startswith(APP_URL + "/"):
            break
        response = http.get(url, allow_redirects=False, timeout=10)
        if response.status_code == 200 and "/interaction/" in response.url:
            action = f"{response.url.split('?')[0]}/login"
            response = http.post(action, data={"user": user}, allow_redirects=False, timeout=10)
        assert response.status_code in (302, 303), (
            response.status_code,
            re.findall(r"<pre>(.*?)</pre>", response.text),
        )
        url = urljoin(response.url, response.headers["Location"])
    parts = urlsplit(url)
    assert parts.path == f"/innlogging/{provider}/svar", url
    done = browser.get(f"{parts.path}?{parts.query}")
    assert done.status_code == 302 and not is_login_redirect(done), done.get_data(as_text=True)
    return browser


@pytest.fixture(scope="module")
def provider_browsers(world_app, world: World) -> dict[str, FormClient]:
    for actor, (provider, (_, claims)) in LOGINS.items():
        link_login(world.users[actor], provider, claims[KINDS[provider]])
    db.session.commit()
    return {
        actor: provider_login(world_app, provider, login)
        for actor, (provider, (login, _)) in LOGINS.items()
    }


def answer(browser: FormClient, method: str, path: str, token: str) -> tuple[int, str]:
    """The status and where a redirect goes (its query's names: state and nonce are fresh)."""
    if method == "GET":
        response = browser.get(path)
    else:
        response = browser.post(path, data={"csrf_token": token})
    location = urlsplit(response.headers.get("Location", ""))
    where = location._replace(query=",".join(sorted(parse_qs(location.query)))).geturl()
    return response.status_code, where


# What POLICY's outcome allows; a public route (a link, a feed, the provider routes) answers
# what it answers, the same for both sessions and never a 500.
STATUS = {"refused": {403}, "not-found": {404}, "page": {200}, "public": set(range(200, 500))}


@pytest.mark.parametrize("actor", sorted(LOGINS))
def test_a_provider_session_gets_the_answers_of_a_password_session(
    actor, world: World, browsers, provider_browsers
):
    by_password, by_provider = browsers[actor], provider_browsers[actor]
    tokens = {id(b): b.csrf_token("/") for b in (by_password, by_provider)}
    failures, checked = [], 0
    for route in ROUTES:
        for variant in variants(route):
            outcome = expected(route, actor, variant)
            # Writes in the actor's own scope would change the world the cases share.
            if outcome == "skip" or (route.method == "POST" and outcome not in STATUS):
                continue
            if route.method == "POST" and outcome in ("page", "public"):
                continue
            path = build_path(route, variant, world, actor)
            password = answer(by_password, route.method, path, tokens[id(by_password)])
            provider = answer(by_provider, route.method, path, tokens[id(by_provider)])
            checked += 1
            allowed = STATUS[outcome] | ({302} if route.endpoint in OWN_REDIRECTS else set())
            if provider != password or provider[0] not in allowed:
                failures.append(f"{route.id} {variant} {path}: {provider} vs password {password}")
    assert checked > 150, checked  # the whole matrix, not a few routes
    assert not failures, f"{actor} ({checked} requests):\n" + "\n".join(failures)
    # Still signed in through the provider afterwards (no route above logged them out).
    assert not is_login_redirect(by_provider.get("/"))


def test_the_provider_routes_answer_with_providers_configured(world_app, world, provider_browsers):
    anonymous = world_app.test_client()
    for browser in (anonymous, provider_browsers["trainee"]):
        for path in ("/innlogging/finnes-ikke", "/innlogging/finnes-ikke/svar"):
            assert browser.get(path).status_code == 404, path
        assert browser.get("/utlogging/finnes-ikke/frontchannel").status_code == 404
        assert browser.post("/utlogging/finnes-ikke/backchannel").status_code == 404
        start = browser.get("/innlogging/idporten?next=/")
        assert start.status_code == 302
        sent = {k: v[0] for k, v in parse_qs(urlsplit(start.headers["Location"]).query).items()}
        assert sent["client_id"] == "mbtrain-idporten" and sent["code_challenge_method"] == "S256"
        assert sent["acr_values"] == "idporten-loa-substantial" and sent["state"]
    before = database_snapshot(reads=True)
    fresh = world_app.test_client()
    no_state = fresh.get("/innlogging/entra/svar?code=x")
    assert no_state.status_code == 403
    assert "ukjent eller gammel forespørsel" in no_state.get_data(as_text=True)
    back = fresh.post("/utlogging/entra/backchannel", data={"logout_token": "not-a-jwt"})
    assert back.status_code == 400 and back.json["error"] == "invalid_request"
    assert fresh.get("/utlogging/entra/frontchannel").status_code == 400  # no iss, no sid
    after = database_snapshot(reads=True)
    changed = {table for table in before if before[table] != after.get(table)}
    assert changed <= {"access_log"}, changed  # refusals are logged, nothing else is written
