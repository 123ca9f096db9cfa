"""Whole logins in Chromium against the local provider: a trainee through her invitation
(ID-porten-like), a coordinator through the Entra-like groups, logging out at the provider
(RP-initiated) and the provider's back-channel logout ending a session in another browser."""

import sqlalchemy as sa
from playwright.sync_api import Browser, Page, expect

from tests.journeys.browser import check_a11y
from tests.oidc import world


def sign_in_at_provider(page: Page, user: str) -> None:
    page.fill("#user", user)
    page.click("button[type=submit]")


def login(page: Page, base_url: str, button: str, user: str) -> None:
    page.goto(base_url + "/logg-inn")
    page.get_by_role("link", name=button).first.click()
    sign_in_at_provider(page, user)
    expect(page.get_by_role("button", name="Logg ut")).to_be_visible()


def one(database_url: str, sql: str):
    engine = sa.create_engine(database_url)
    try:
        with engine.connect() as connection:
            return connection.execute(sa.text(sql)).scalar_one()
    finally:
        engine.dispose()


def test_a_trainee_links_her_login_through_the_invitation_then_logs_in(
    oidc_world, browser: Browser
):
    context = browser.new_context()
    page = context.new_page()
    page.goto(f"{oidc_world.base_url}/lenke/{oidc_world.invitation}")
    check_a11y(page)
    page.get_by_role("link", name="Logg inn med ID-porten").first.click()
    sign_in_at_provider(page, world.TRAINEE[0])
    expect(page.get_by_role("button", name="Logg ut")).to_be_visible()
    assert page.url.rstrip("/") == oidc_world.base_url
    stored = one(
        oidc_world.database_url,
        "SELECT subject_hash FROM login_link JOIN user_account ON user_account.id = "
        "login_link.user_id WHERE email = 'tora@example.net' AND provider = 'idporten'",
    )
    assert world.TRAINEE[1]["pid"] not in stored and len(stored) == 64
    # The invitation is spent: the next login is recognised by the link alone.
    context.close()
    context = browser.new_context()
    page = context.new_page()
    login(page, oidc_world.base_url, "Logg inn med ID-porten", world.TRAINEE[0])
    page.goto(f"{oidc_world.base_url}/lenke/{oidc_world.invitation}")
    expect(page.get_by_text("Lenken er allerede brukt")).to_be_visible()
    context.close()


def test_a_coordinator_logs_in_as_nav_staff_and_out_at_the_provider(oidc_world, browser):
    context = browser.new_context()
    page = context.new_page()
    page.goto(oidc_world.base_url + "/logg-inn")
    check_a11y(page)
    login(page, oidc_world.base_url, "Logg inn som NAV-ansatt", world.COORDINATOR[0])
    page.goto(oidc_world.base_url + "/kurs")
    assert page.url.startswith(oidc_world.base_url + "/kurs")  # a coordinator's page opens
    page.get_by_role("button", name="Logg ut").click()
    page.wait_for_url(oidc_world.base_url + "/logg-inn**")  # via the provider's end_session
    page.goto(oidc_world.base_url + "/kurs")
    assert "/logg-inn" in page.url
    # The provider's session ended too: a new login asks who you are again.
    page.goto(oidc_world.base_url + "/innlogging/entra")
    expect(page.locator("#user")).to_be_visible()
    context.close()


def test_the_providers_back_channel_logout_ends_the_session_in_another_browser(oidc_world, browser):
    first = browser.new_context()
    page = first.new_page()
    login(page, oidc_world.base_url, "Logg inn som NAV-ansatt", world.COORDINATOR[0])
    # The same provider session in a second browser (its cookies for the provider only),
    # which logs out at the provider: the provider tells mbtrain over the back channel.
    # (Cookies are not kept apart by port: everything but mbtrain's own is the provider's.)
    second = browser.new_context()
    second.add_cookies([c for c in first.cookies() if c["name"] != "mbtrain"])
    other = second.new_page()
    other.goto(f"{oidc_world.issuer}/session/end?client_id=mbtrain-entra")
    other.wait_for_load_state("networkidle")
    page.goto(oidc_world.base_url + "/kurs")
    assert "/logg-inn" in page.url  # the first browser's mbtrain session is over
    assert (
        one(
            oidc_world.database_url,
            "SELECT count(*) FROM access_log WHERE action = 'LOGOUT' "
            "AND actor_scope LIKE '%back-channel%'",
        )
        >= 1
    )
    first.close()
    second.close()
