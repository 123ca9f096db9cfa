"""CSRF: every form post needs the page's token, and reading a page changes nothing."""

import pytest

from mbtrain.accounts.models import Role

# The provider's back-channel logout is posted by the provider, server to server: no
# browser, no cookie, no form token; its credential is the signed logout token
# (tests/oidc/test_logout_tokens.py refuses every token that is not valid).
NOT_A_FORM = {"oidc.backchannel"}


def post_routes(routes) -> list[tuple[str, str]]:
    return [
        (endpoint, path)
        for endpoint, method, path in routes
        if method == "POST" and endpoint not in NOT_A_FORM
    ]


@pytest.mark.parametrize("role", [None, Role.ADMIN, Role.COORDINATOR])
def test_every_post_without_a_token_is_refused_and_changes_nothing(
    role, client, login_as, routes, db_snapshot
):
    browser = login_as(role) if role else client
    before = db_snapshot()
    posts = post_routes(routes)
    assert {"accounts.logout", "accounts.login", "accounts.edit_user"} <= {e for e, _ in posts}

    for endpoint, path in posts:
        response = browser.post(path, data={"name": "Endret navn", "email": "x@example.org"})
        assert response.status_code == 400, (endpoint, response.status_code)
        assert "Ugyldig forespørsel" in response.get_data(as_text=True)

    assert db_snapshot() == before
    if role:
        assert browser.get("/").status_code == 200  # still logged in: logout needed a token too


def test_a_token_from_another_session_is_refused(make_user, login, client, db_snapshot):
    admin = make_user(Role.ADMIN)
    browser = login(admin)
    stranger_token = client.csrf_token("/logg-inn")
    before = db_snapshot()

    response = browser.post(
        f"/admin/brukere/{admin.id}",
        data={"csrf_token": stranger_token, "name": "Endret navn", "role": "ADMIN"},
    )

    assert response.status_code == 400
    assert db_snapshot() == before


@pytest.mark.parametrize("role", [None, *Role])
def test_opening_pages_changes_nothing(role, client, login_as, routes, db_snapshot):
    browser = login_as(role) if role else client
    before = db_snapshot(reads=True)
    opened = 0
    for _endpoint, method, path in routes:
        if method == "GET":
            assert browser.get(path).status_code < 500, path
            opened += 1
    assert opened > 10
    assert db_snapshot(reads=True) == before
