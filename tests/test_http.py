"""What every response carries: security headers, no caching of personal pages, safe redirects."""

import re
from urllib.parse import urlsplit

import pytest

from mbtrain.accounts.models import Role
from mbtrain.policy import POLICY
from tests.conftest import PASSWORD


@pytest.fixture
def app_config() -> dict:
    return {"MAX_CONTENT_LENGTH": 4096, "LOGIN_LIMIT_PER_ADDRESS": "2 per minute"}


def assert_security_headers(response) -> None:
    headers = response.headers
    csp = headers["Content-Security-Policy"]
    assert "unsafe-inline" not in csp and "unsafe-eval" not in csp
    assert "frame-ancestors 'none'" in csp
    assert "default-src 'self'" in csp
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Referrer-Policy"] in {"same-origin", "no-referrer", "strict-origin"}


def assert_not_cached(response) -> None:
    assert "no-store" in response.headers.get("Cache-Control", "")


def test_pages_and_redirects_carry_the_security_headers(client, login_as):
    assert_security_headers(client.get("/logg-inn"))
    redirect = client.get("/admin/brukere")
    assert redirect.status_code == 302
    assert_security_headers(redirect)
    admin = login_as(Role.ADMIN)
    for path in ("/", "/admin/brukere"):
        response = admin.get(path)
        assert response.status_code == 200
        assert_security_headers(response)
        assert_not_cached(response)


def test_error_pages_carry_the_security_headers_and_speak_norwegian(client, login_as, make_user):
    trainee = login_as(Role.TRAINEE)
    cases = {
        404: (client.get("/finnes-ikke"), "Fant ikke siden"),
        403: (trainee.get("/admin/brukere"), "Ingen tilgang"),
        400: (client.post("/logg-inn", data={"email": "a@example.org"}), "Ugyldig forespørsel"),
        405: (client.get("/logg-ut"), "Ikke tillatt"),
        413: (
            client.submit("/logg-inn", {"email": "a@example.org", "password": "x" * 5000}),
            "For stor forespørsel",
        ),
    }
    user = make_user(Role.TRAINEE)
    for _ in range(2):
        client.submit("/logg-inn", {"email": user.email, "password": "feil passord 123"})
    cases[429] = (
        client.submit("/logg-inn", {"email": user.email, "password": "feil passord 123"}),
        "For mange forsøk",
    )
    for status, (response, heading) in cases.items():
        assert response.status_code == status
        assert f"<h1>{heading}</h1>" in response.get_data(as_text=True)
        assert_security_headers(response)
    assert_not_cached(cases[403][0])  # shown to someone logged in


def test_pages_need_no_inline_script_or_style_that_the_policy_would_block(login_as, routes):
    for role in (Role.ADMIN, Role.TRAINEE):
        browser = login_as(role)
        for endpoint, method, path in routes:
            if method != "GET" or role not in POLICY[endpoint].roles:
                continue
            page = browser.get(path).get_data(as_text=True)
            assert not re.search(r"<script(?![^>]*\bsrc=)", page), path
            assert "<style" not in page and " style=" not in page, path
            assert not re.search(r"\son[a-z]+=", page), path  # onclick= and friends


def test_production_adds_hsts(production_client):
    response = production_client.get("/logg-inn")
    assert response.status_code == 200
    assert response.headers["Strict-Transport-Security"].startswith("max-age=31536000")
    assert_security_headers(response)


def test_development_over_http_sends_no_hsts(client):
    assert "Strict-Transport-Security" not in client.get("/logg-inn").headers


OFFSITE = [
    "//evil.example",
    "https://evil.example/",
    "/\\evil.example",
    "\\\\evil.example",
    "javascript:alert(1)",
    "/\t/evil.example",
    "http:evil.example",
    " //evil.example",
]


@pytest.mark.parametrize("target", OFFSITE)
def test_login_never_sends_anyone_off_site(target, make_user, client):
    user = make_user(Role.TRAINEE)
    page = client.get("/logg-inn", query_string={"next": target})
    assert page.status_code == 200

    response = client.submit(
        "/logg-inn", {"email": user.email, "password": PASSWORD, "next": target}
    )

    assert response.status_code == 302
    location = urlsplit(response.headers["Location"])
    assert location.netloc in {"", "mbtrain.test"}
    assert location.path == "/"


@pytest.mark.parametrize("target", OFFSITE[:3])
def test_choosing_a_language_never_sends_anyone_off_site(target, client):
    response = client.submit("/sprak", {"language": "en", "next": target}, page="/logg-inn")
    assert response.status_code == 302
    assert urlsplit(response.headers["Location"]).path == "/"


def test_login_returns_to_the_page_that_was_asked_for(make_user, client):
    user = make_user(Role.ADMIN)
    asked = client.get("/admin/brukere?side=2")
    login_page = asked.headers["Location"]
    token_page = client.get(login_page).get_data(as_text=True)
    assert 'value="/admin/brukere?side=2"' in token_page

    response = client.submit(
        login_page, {"email": user.email, "password": PASSWORD, "next": "/admin/brukere?side=2"}
    )

    assert response.headers["Location"] == "/admin/brukere?side=2"


def test_form_fields_carry_no_empty_aria_attributes(client):
    page = client.get("/logg-inn").get_data(as_text=True)
    assert '="None"' not in page
    assert "required" in page and 'aria-describedby="None"' not in page
