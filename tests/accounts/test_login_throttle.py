"""Login throttling: per address and per account, counting only the failed attempts."""

import pytest

from mbtrain.accounts.models import Role
from tests.conftest import PASSWORD


@pytest.fixture
def app_config() -> dict:
    return {"LOGIN_LIMIT_PER_ADDRESS": "3 per minute", "LOGIN_LIMIT_PER_ACCOUNT": "100 per minute"}


def attempt(client, email: str, password: str, address: str = "127.0.0.1"):
    return client.submit(
        "/logg-inn",
        {"email": email, "password": password},
        environ_base={"REMOTE_ADDR": address},
    )


def assert_throttled(response) -> None:
    assert response.status_code == 429
    page = response.get_data(as_text=True)
    assert "For mange forsøk" in page
    assert "Vent litt og prøv igjen" in page


def test_one_address_guessing_at_many_accounts_is_stopped(make_user, client):
    users = [make_user(Role.TRAINEE) for _ in range(4)]
    for user in users[:3]:
        assert attempt(client, user.email, "feil passord 123").status_code == 200

    assert_throttled(attempt(client, users[3].email, "feil passord 123"))
    # Even the right password waits now, so guessing on cannot find it.
    assert_throttled(attempt(client, users[0].email, PASSWORD))
    # Someone else, on another address, is not affected.
    assert attempt(client, users[0].email, PASSWORD, address="10.0.0.9").status_code == 302


@pytest.mark.parametrize(
    "app_config",
    [{"LOGIN_LIMIT_PER_ADDRESS": "100 per minute", "LOGIN_LIMIT_PER_ACCOUNT": "3 per minute"}],
)
def test_one_account_guessed_at_from_many_addresses_is_stopped(make_user, client, app):
    user = make_user(Role.TRAINEE, email="kari@example.org")
    for number, email in enumerate(["kari@example.org", "KARI@example.org", " kari@example.org"]):
        response = attempt(client, email, "feil passord 123", address=f"10.0.0.{number}")
        assert response.status_code == 200

    assert_throttled(attempt(client, user.email, "feil passord 123", address="10.0.1.1"))
    assert_throttled(attempt(client, user.email, PASSWORD, address="10.0.1.2"))
    other = make_user(Role.TRAINEE)
    assert attempt(client, other.email, PASSWORD, address="10.0.1.3").status_code == 302


def test_successful_logins_are_not_counted(make_user, app):
    user = make_user(Role.TRAINEE)
    for _ in range(5):  # a whole class logging in from the same classroom network
        assert attempt(app.test_client(), user.email, PASSWORD).status_code == 302
    client = app.test_client()
    for _ in range(3):
        assert attempt(client, user.email, "feil passord 123").status_code == 200
    assert_throttled(attempt(client, user.email, "feil passord 123"))


def test_forgot_password_is_throttled_per_address(make_user, client):
    user = make_user(Role.TRAINEE)
    for _ in range(3):
        response = client.submit("/glemt-passord", {"email": user.email})
        assert response.status_code == 302
    assert_throttled(client.submit("/glemt-passord", {"email": user.email}))
