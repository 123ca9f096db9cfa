"""Deny by default: every route is in the policy table, and the table is what decides."""

from urllib.parse import parse_qs, urlsplit

import pytest

from mbtrain.accounts.models import Role
from mbtrain.policy import POLICY, may_manage_county, may_use


def is_login_redirect(response, path: str) -> bool:
    location = urlsplit(response.headers.get("Location", ""))
    return (
        response.status_code == 302
        and location.path == "/logg-inn"
        and parse_qs(location.query).get("next") == [path]
    )


def test_every_route_is_in_the_policy_table(app):
    endpoints = {rule.endpoint for rule in app.url_map.iter_rules()}
    unlisted = sorted(endpoints - POLICY.keys())
    assert not unlisted, f"routes missing from mbtrain/policy.py POLICY: {unlisted}"


def test_every_policy_entry_has_a_route(app):
    endpoints = {rule.endpoint for rule in app.url_map.iter_rules()}
    stale = sorted(POLICY.keys() - endpoints)
    assert not stale, f"POLICY entries with no route (renamed or removed?): {stale}"


# Opening anything else without logging in is a decision to make here, on purpose.
PUBLIC = {
    "static",
    "home.healthz",
    "home.set_language",
    "accounts.login",
    "accounts.forgot_password",
    "accounts.use_link",
    # A supervisor without an account: the single-use link is the credential.
    "partner.use_link",
    "partner.link_done",
    # A calendar app has no login: the unguessable token in the address is the credential.
    "schedule.calendar_feed",
    # Verifying a certificate: the form, and the unguessable code as the credential.
    "certificates.verify",
    "certificates.verify_code",
    "certificates.verify_json",
    # OpenID Connect: the login through a provider, and the provider's logout messages
    # (a signed logout token, or iss + sid), which arrive without a login of ours.
    "oidc.start",
    "oidc.callback",
    "oidc.backchannel",
    "oidc.frontchannel",
    "oidc.provider_logout",
}
LINK_PAGES = {
    # A provider's pages, for a provider that is not configured: 404.
    "oidc.start",
    "oidc.callback",
    "oidc.frontchannel",
    "oidc.provider_logout",  # with no logout under way: on to the login page
    "accounts.use_link",
    "partner.use_link",
    "schedule.calendar_feed",
    "certificates.verify_code",
    "certificates.verify_json",
}
# Who may open the foundation's pages with personal data; widening one is a decision too.
PERSONAL_DATA = {
    "accounts.user_list": {Role.ADMIN},
    "accounts.invite_user": {Role.ADMIN},
    "accounts.edit_user": {Role.ADMIN},
    "mail.outbox": {Role.ADMIN},
    "mail.outbox_message": {Role.ADMIN},
    "audit.search": {Role.ADMIN},
    "audit.my_access_log": {Role.TRAINEE},
}


def test_only_the_login_pages_are_public():
    assert {endpoint for endpoint, rule in POLICY.items() if rule.public} == PUBLIC


def test_personal_data_is_never_public_and_stays_with_the_roles_that_need_it():
    for endpoint, rule in POLICY.items():
        if rule.personal_data:
            assert not rule.public, endpoint
    for endpoint, roles in PERSONAL_DATA.items():
        assert POLICY[endpoint].personal_data, endpoint
        assert POLICY[endpoint].roles == roles, endpoint


def test_anonymous_visitors_are_sent_to_login_from_every_page_that_is_not_public(
    client, routes, db_snapshot
):
    before = db_snapshot()
    checked = []
    for endpoint, method, path in routes:
        if method != "GET" or POLICY[endpoint].public:
            continue
        response = client.get(path)
        assert is_login_redirect(response, path), (endpoint, response.status_code)
        checked.append(endpoint)
    assert "accounts.user_list" in checked
    assert db_snapshot() == before


def test_public_pages_open_without_login(client, routes):
    for endpoint, method, path in routes:
        if method == "GET" and POLICY[endpoint].public and endpoint not in LINK_PAGES:
            assert client.get(path).status_code == 200, endpoint
    # A link with a made-up token is public too, and says that it does not work.
    assert "Lenken er ugyldig" in client.get("/lenke/dummy-token").get_data(as_text=True)
    assert "Lenken er ugyldig" in client.get("/praksislenke/dummy").get_data(as_text=True)
    # A calendar address with a made-up token is not found.
    assert client.get("/kalender/dummy-token.ics").status_code == 404
    # A certificate code that was never issued is not found.
    assert client.get("/verify/dummy-token").status_code == 404
    # A provider that is not configured is not found.
    assert client.get("/innlogging/dummy-token").status_code == 404


@pytest.mark.parametrize("role", list(Role))
def test_a_role_outside_a_rule_is_refused(role, login_as, routes, db_snapshot):
    client = login_as(role)
    before = db_snapshot(reads=True)
    refused = allowed = 0
    for endpoint, method, path in routes:
        rule = POLICY[endpoint]
        if rule.public:
            continue
        if role in rule.roles:
            if method != "GET":
                continue  # a real write (or logging out) is not what this test is about
            # Allowed through the policy; out-of-scope records answer 404, never 403.
            response = client.get(path)
            assert response.status_code != 403 and response.status_code < 500, (endpoint, method)
            allowed += 1
        else:
            response = client.get(path) if method == "GET" else client.submit(path, {}, page="/")
            assert response.status_code == 403, (endpoint, method, response.status_code)
            assert "Ingen tilgang" in response.get_data(as_text=True)
            refused += 1
    assert allowed > 0
    assert refused > 0 or role is Role.ADMIN
    # Refused writes wrote nothing; what the allowed pages read is in the access log.
    assert db_snapshot(reads=True) == before


@pytest.mark.own_app  # it adds a route
def test_an_endpoint_missing_from_the_policy_is_refused_to_everyone(app, make_user, login):
    app.add_url_rule("/hemmelig", "throwaway", lambda: "hemmelige opplysninger")
    admin = make_user(Role.ADMIN)
    for client in (app.test_client(), login(admin)):
        response = client.get("/hemmelig")
        assert response.status_code == 403
        assert "hemmelige opplysninger" not in response.get_data(as_text=True)


def test_templates_ask_the_same_table(make_user, county, other_county):
    trainee, coordinator, admin = (
        make_user(Role.TRAINEE),
        make_user(Role.COORDINATOR),
        make_user(Role.ADMIN),
    )
    assert may_use(admin, "accounts.user_list")
    assert not may_use(coordinator, "accounts.user_list")
    assert may_use(trainee, "audit.my_access_log")
    assert not may_use(trainee, "no.such.endpoint")
    assert may_manage_county(coordinator, county.id)
    assert not may_manage_county(coordinator, other_county.id)
    assert may_manage_county(admin, other_county.id)
    assert not may_manage_county(trainee, county.id)


def test_the_menu_shows_only_what_the_role_may_open(login_as):
    trainee_page = login_as(Role.TRAINEE).get("/").get_data(as_text=True)
    admin_page = login_as(Role.ADMIN).get("/").get_data(as_text=True)
    assert 'href="/admin/brukere"' in admin_page
    assert 'href="/admin/brukere"' not in trainee_page
    assert 'href="/meg/innsyn"' in trainee_page
