"""Back-channel and front-channel logout in-process, with logout tokens signed by joserfc
against a test key set: what ends sessions, and every way a token is refused."""

import time
import uuid
from pathlib import Path

import pytest
from joserfc import jwt
from joserfc.jwk import KeySet, RSAKey
from sqlalchemy import func, select

from mbtrain.accounts import services as accounts
from mbtrain.accounts.models import AuthSession, Role
from mbtrain.extensions import db
from mbtrain.oidc.client import BACKCHANNEL_EVENT
from mbtrain.oidc.models import SeenLogoutToken

UNIT = str(Path(__file__).with_name("unit_providers.toml"))
ISSUER = "http://127.0.0.1:9"
KEY = RSAKey.generate_key(2048, parameters={"kid": "unit-1", "alg": "RS256", "use": "sig"})
OTHER_KEY = RSAKey.generate_key(2048, parameters={"kid": "unit-1", "alg": "RS256", "use": "sig"})
pytestmark = pytest.mark.parametrize("app_config", [{"OIDC_PROVIDERS_FILE": UNIT}])


@pytest.fixture
def provider(app):
    """The unit provider's metadata and public keys, as if discovered."""
    client = app.extensions["mbtrain_oauth"].create_client("unit")
    client.server_metadata.update(
        {
            "issuer": ISSUER,
            "authorization_endpoint": f"{ISSUER}/auth",
            "token_endpoint": f"{ISSUER}/token",
            "end_session_endpoint": f"{ISSUER}/session/end",
            "id_token_signing_alg_values_supported": ["RS256"],
            "jwks": KeySet([KEY]).as_dict(private=False),
            "_loaded_at": time.time(),
        }
    )
    return client


def logout_token(key=KEY, **changes) -> str:
    claims = {
        "iss": ISSUER,
        "aud": "mbtrain-unit",
        "iat": int(time.time()),
        "jti": str(uuid.uuid4()),
        "sid": "sid-1",
        "sub": "sub-1",
        "events": {BACKCHANNEL_EVENT: {}},
        **changes,
    }
    claims = {name: value for name, value in claims.items() if value is not None}
    return jwt.encode({"alg": "RS256", "kid": "unit-1", "typ": "logout+jwt"}, claims, key)


@pytest.fixture
def sessions(factory):
    """Two sessions of one provider login (sid-1), and one of another (sid-2)."""
    user = factory.user(Role.TRAINEE, password=None)
    for sid in ("sid-1", "sid-1", "sid-2"):
        accounts.start_session(
            user, provider="unit", provider_sid=sid, provider_sub="sub-1", id_token="x"
        )
    db.session.commit()
    return user


def live(sid: str) -> int:
    return db.session.scalar(
        select(func.count())
        .select_from(AuthSession)
        .where(AuthSession.provider_sid == sid, AuthSession.revoked_at.is_(None))
    )


def post(client, token: str):
    return client.post("/utlogging/unit/backchannel", data={"logout_token": token})


def test_a_valid_logout_token_ends_every_session_of_that_login(client, provider, sessions):
    response = post(client, logout_token())
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"
    assert (live("sid-1"), live("sid-2")) == (0, 1)


def test_a_token_naming_only_the_subject_ends_all_its_sessions(client, provider, sessions):
    assert post(client, logout_token(sid=None)).status_code == 200
    assert (live("sid-1"), live("sid-2")) == (0, 0)


def test_a_replayed_logout_token_is_refused(client, provider, sessions):
    token = logout_token()
    assert post(client, token).status_code == 200
    replay = post(client, token)
    assert replay.status_code == 400
    assert "jti seen before" in replay.get_json()["error_description"]
    assert db.session.scalar(select(func.count()).select_from(SeenLogoutToken)) == 1


@pytest.mark.parametrize(
    ("token", "why"),
    [
        (lambda: logout_token(key=OTHER_KEY), "signature"),
        (lambda: logout_token(iss="http://127.0.0.1:10"), "iss"),
        (lambda: logout_token(aud="someone-else"), "aud"),
        (lambda: logout_token(iat=int(time.time()) - 3600), "iat"),
        (lambda: logout_token(events={"other": {}}), "events"),
        (lambda: logout_token(sid=None, sub=None), "sid or sub"),
        (lambda: logout_token(nonce="n-1"), "nonce"),
        (lambda: logout_token(jti=None), "jti"),
        (lambda: "not.a.token", "signature"),
    ],
)
def test_a_wrong_logout_token_is_refused_and_ends_nothing(client, provider, sessions, token, why):
    response = post(client, token())
    assert response.status_code == 400
    assert why in response.get_json()["error_description"]
    assert (live("sid-1"), live("sid-2")) == (2, 1)


def test_front_channel_logout_needs_the_issuer_and_ends_that_sid(client, provider, sessions):
    assert client.get("/utlogging/unit/frontchannel?iss=http://evil&sid=sid-1").status_code == 400
    assert live("sid-1") == 2
    assert client.get(f"/utlogging/unit/frontchannel?iss={ISSUER}&sid=sid-1").status_code == 200
    assert (live("sid-1"), live("sid-2")) == (0, 1)


def test_passwords_can_be_switched_off_for_a_role(client, provider, factory):
    """The providers file keeps passwords for every role but trainees."""
    trainee = factory.user(Role.TRAINEE)
    coordinator = factory.user(Role.COORDINATOR)
    from mbtrain.builders import PASSWORD

    assert accounts.authenticate(trainee.email, PASSWORD) is None
    assert accounts.authenticate(coordinator.email, PASSWORD) is not None


def test_the_login_page_offers_the_provider(client, provider):
    page = client.get("/logg-inn").get_data(as_text=True)
    assert "Logg inn med ID-porten" in page and "/innlogging/unit" in page


def test_the_login_page_says_so_when_the_provider_is_down(client, app):
    app.extensions["mbtrain_oauth"].create_client("unit").server_metadata.clear()
    response = client.get("/innlogging/unit")
    assert response.status_code == 503
    assert "Vi får ikke kontakt med ID-porten" in response.get_data(as_text=True)
