"""The login flow against the real provider over HTTP: what is refused and what is left."""

import html
import re

import requests
import sqlalchemy as sa

from tests.oidc import world
from tests.oidc.flows import query, to_callback, with_query


def rows(database_url: str, sql: str) -> list:
    engine = sa.create_engine(database_url)
    try:
        with engine.connect() as connection:
            return list(connection.execute(sa.text(sql)))
    finally:
        engine.dispose()


def counts(database_url: str) -> tuple[int, int, int]:
    return tuple(
        rows(database_url, f"SELECT count(*) FROM {table}")[0][0]  # noqa: S608 - fixed names
        for table in ("user_account", "login_link", "auth_session")
    )


def test_a_linked_login_signs_in_and_renews_the_session(oidc_world):
    http, callback = to_callback(oidc_world.base_url, "entra", world.COORDINATOR[0], next="/")
    before = http.cookies.get("mbtrain")
    response = http.get(callback, allow_redirects=False, timeout=10)
    assert response.status_code == 302 and response.headers["Location"] == "/"
    assert http.cookies.get("mbtrain") != before  # a new session cookie at login
    assert http.get(oidc_world.base_url + "/").status_code == 200
    logged = rows(
        oidc_world.database_url,
        "SELECT actor_scope FROM access_log WHERE action = 'LOGIN' ORDER BY id DESC LIMIT 1",
    )
    assert "NAVident Z990123" in logged[0][0]


def test_tampered_state_is_refused(oidc_world):
    http, callback = to_callback(oidc_world.base_url, "entra", world.COORDINATOR[0])
    response = http.get(
        with_query(callback, state="forged-state"), allow_redirects=False, timeout=10
    )
    assert response.status_code == 403
    assert "ukjent eller gammel forespørsel" in response.text


def test_a_code_from_another_login_fails_pkce(oidc_world):
    """Code injection: the attacker's code in the victim's flow. The victim's verifier does
    not fit the challenge the code was issued for, so the provider refuses the exchange."""
    _, stolen = to_callback(oidc_world.base_url, "entra", world.COORDINATOR[0])
    victim, callback = to_callback(oidc_world.base_url, "entra", world.COORDINATOR[0])
    injected = with_query(callback, code=query(stolen)["code"])
    before = counts(oidc_world.database_url)
    response = victim.get(injected, allow_redirects=False, timeout=10)
    assert response.status_code == 403
    assert counts(oidc_world.database_url) == before


def test_a_callback_opened_twice_is_refused(oidc_world):
    http, callback = to_callback(oidc_world.base_url, "entra", world.COORDINATOR[0])
    assert http.get(callback, allow_redirects=False).status_code == 302
    assert http.get(callback, allow_redirects=False).status_code == 403


def test_too_low_a_level_is_refused(oidc_world):
    http, callback = to_callback(oidc_world.base_url, "idporten", world.LOW_ACR[0])
    before = counts(oidc_world.database_url)
    response = http.get(callback, allow_redirects=False, timeout=10)
    assert response.status_code == 403
    assert "for lavt sikkerhetsnivå" in response.text
    assert counts(oidc_world.database_url) == before


def test_an_unlinked_login_is_refused_and_nothing_is_created(oidc_world):
    http, callback = to_callback(oidc_world.base_url, "idporten", world.UNLINKED[0])
    before = counts(oidc_world.database_url)
    response = http.get(callback, allow_redirects=False, timeout=10)
    assert response.status_code == 403
    assert "fylkeskoordinatoren" in response.text
    assert counts(oidc_world.database_url) == before
    refused = rows(
        oidc_world.database_url, "SELECT count(*) FROM access_log WHERE action = 'LOGIN_REFUSED'"
    )
    assert refused[0][0] >= 1


def test_staff_without_a_mapped_group_are_refused(oidc_world):
    http, callback = to_callback(oidc_world.base_url, "entra", world.NO_GROUP[0])
    response = http.get(callback, allow_redirects=False, timeout=10)
    assert response.status_code == 403
    assert "fagstøtte" in response.text


def test_par_required_by_the_provider_is_used(oidc_world):
    http = __import__("requests").Session()
    start = http.get(
        f"{oidc_world.base_url}/innlogging/idportenpar", allow_redirects=False, timeout=10
    )
    sent = query(start.headers["Location"])
    assert set(sent) == {"client_id", "request_uri"}  # everything else went in the push
    assert sent["request_uri"].startswith("urn:ietf:params:oauth:request_uri:")
    http, callback = to_callback(oidc_world.base_url, "idportenpar", world.TRAINEE[0])
    response = http.get(callback, allow_redirects=False, timeout=10)
    assert response.status_code == 302
    assert http.get(oidc_world.base_url + "/").status_code == 200


def test_a_provider_that_is_down_gets_a_clear_message(oidc_world):
    response = __import__("requests").get(f"{oidc_world.base_url}/innlogging/nede")
    assert response.status_code == 503
    assert "Vi får ikke kontakt med ID-porten" in response.text


def test_the_return_address_never_leaves_the_site(oidc_world):
    http, callback = to_callback(
        oidc_world.base_url, "entra", world.COORDINATOR[0], next="//evil.example/x"
    )
    assert http.get(callback, allow_redirects=False).headers["Location"] == "/"


def test_private_key_jwt_client_authentication_logs_in(oidc_world):
    """The provider registers this client with only a public key (no secret): the code is
    exchanged only for a client assertion signed with mbtrain's private key."""
    http, callback = to_callback(oidc_world.base_url, "idportenjwt", world.TRAINEE[0], next="/")
    response = http.get(callback, allow_redirects=False, timeout=10)
    assert response.status_code == 302 and response.headers["Location"] == "/", response.text
    assert http.get(oidc_world.base_url + "/").status_code == 200


def test_private_key_jwt_through_par(oidc_world):
    """The pushed request is authenticated with a client assertion too."""
    start = requests.get(
        f"{oidc_world.base_url}/innlogging/idportenjwtpar", allow_redirects=False, timeout=10
    )
    assert start.status_code == 302, start.text
    assert set(query(start.headers["Location"])) == {"client_id", "request_uri"}
    http, callback = to_callback(oidc_world.base_url, "idportenjwtpar", world.TRAINEE[0])
    response = http.get(callback, allow_redirects=False, timeout=10)
    assert response.status_code == 302, response.text
    assert http.get(oidc_world.base_url + "/").status_code == 200


def test_a_role_that_needs_a_higher_level_is_offered_a_login_at_that_level(oidc_world):
    """A partner logs in at «substantial»; the role needs «high». The refusal page offers a
    new login that asks the provider for «high» (acr_values), and that one succeeds."""
    first = requests.get(
        f"{oidc_world.base_url}/innlogging/idporten", allow_redirects=False, timeout=10
    )
    assert query(first.headers["Location"])["acr_values"] == "idporten-loa-substantial"
    http, callback = to_callback(oidc_world.base_url, "idporten", world.PARTNER[0], next="/")
    before = counts(oidc_world.database_url)
    refused = http.get(callback, allow_redirects=False, timeout=10)
    assert refused.status_code == 403
    assert "for lavt sikkerhetsnivå" in refused.text
    assert counts(oidc_world.database_url) == before
    retry = html.unescape(re.search(r'href="(/innlogging/idporten\?[^"]*)"', refused.text)[1])
    assert query(retry)["niva"] == "idporten-loa-high"
    asked = http.get(oidc_world.base_url + retry, allow_redirects=False, timeout=10)
    assert query(asked.headers["Location"])["acr_values"] == "idporten-loa-high"
    http, callback = to_callback(oidc_world.base_url, "idporten", world.PARTNER[0], start=retry)
    response = http.get(callback, allow_redirects=False, timeout=10)
    assert response.status_code == 302 and response.headers["Location"] == "/", response.text
    assert http.get(oidc_world.base_url + "/").status_code == 200


def test_the_level_asked_for_is_never_below_the_providers_own(oidc_world):
    for asked in ("idporten-loa-low", "made-up-level"):
        start = requests.get(
            f"{oidc_world.base_url}/innlogging/idporten",
            params={"niva": asked},
            allow_redirects=False,
            timeout=10,
        )
        assert query(start.headers["Location"])["acr_values"] == "idporten-loa-substantial"
