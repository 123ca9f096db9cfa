"""Passwords: stored with scrypt, 12 to 128 characters, and no hint of which accounts exist."""

import re

import pytest
from sqlalchemy import select
from werkzeug.security import check_password_hash

from mbtrain.accounts import services
from mbtrain.accounts.models import Role, User
from mbtrain.extensions import db
from tests.conftest import PASSWORD

LENGTH_MESSAGE = "Passordet må ha mellom 12 og 128 tegn."


def test_passwords_are_stored_as_salted_scrypt_hashes(make_user):
    first, second = make_user(Role.TRAINEE), make_user(Role.TRAINEE)
    for user in (first, second):
        assert user.password_hash.startswith("scrypt:")
        assert PASSWORD not in user.password_hash
        assert check_password_hash(user.password_hash, PASSWORD)
    assert first.password_hash != second.password_hash  # salted: same password, other hash


@pytest.mark.parametrize(
    ("length", "accepted"), [(11, False), (12, True), (128, True), (129, False)]
)
def test_a_new_password_has_12_to_128_characters(length, accepted, make_user, login, client):
    user = make_user(Role.COORDINATOR)
    browser = login(user)
    new_password = ("korrekt hest " * 10)[:length]
    old_hash = user.password_hash

    response = browser.submit(
        "/konto/passord",
        {"current": PASSWORD, "password": new_password, "confirm": new_password},
    )

    db.session.refresh(user)
    if accepted:
        assert response.status_code == 302
        fresh = client.submit("/logg-inn", {"email": user.email, "password": new_password})
        assert fresh.status_code == 302
        assert browser.get("/").status_code == 200
        assert user.password_hash != old_hash
    else:
        page = response.get_data(as_text=True)
        assert response.status_code == 200
        # The message stands on the field it is about.
        assert re.search(r'id="password-error">\s*' + re.escape(LENGTH_MESSAGE), page)
        assert user.password_hash == old_hash


def test_the_password_rules_hold_below_the_forms_too(make_user):
    user = make_user(Role.TRAINEE)
    for password in ("a" * 11, "a" * 129):
        with pytest.raises(services.AccountError, match="Passordet"):
            services.set_password(user, password)
    services.set_password(user, "æøå" * 4)  # characters, not bytes
    services.set_password(user, "a" * 128)


def normalise(page: str, email: str) -> str:
    page = re.sub(r'name="csrf_token"([^>]*)value="[^"]+"', r'name="csrf_token"\1value=""', page)
    return page.replace(email, "EMAIL")


def test_unknown_user_and_wrong_password_look_the_same_and_both_check_a_hash(
    make_user, client, monkeypatch
):
    user = make_user(Role.TRAINEE)
    checked: list[str] = []

    def spy(stored: str, password: str) -> bool:
        checked.append(stored)
        return check_password_hash(stored, password)

    monkeypatch.setattr(services, "check_password_hash", spy)
    unknown_email = "finnes.ikke@example.org"
    wrong = client.submit("/logg-inn", {"email": user.email, "password": "feil passord her"})
    unknown = client.submit("/logg-inn", {"email": unknown_email, "password": "feil passord her"})

    assert wrong.status_code == unknown.status_code == 200
    assert "Feil e-post eller passord." in wrong.get_data(as_text=True)
    assert normalise(wrong.get_data(as_text=True), user.email) == normalise(
        unknown.get_data(as_text=True), unknown_email
    )
    assert len(checked) == 2
    assert all(stored.startswith("scrypt:") for stored in checked)
    assert db.session.scalar(select(User).where(User.email == unknown_email)) is None


def test_an_invited_user_without_a_password_cannot_log_in_with_an_empty_one(make_user, client):
    user = make_user(Role.TRAINEE, password=None)
    for password in ("", " ", "None"):
        response = client.submit("/logg-inn", {"email": user.email, "password": password})
        assert response.status_code == 200
        assert client.get("/").status_code == 302
