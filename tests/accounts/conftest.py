"""What the account tests share: reading and replaying the session cookie, the admin's form."""

import pytest

from mbtrain.accounts.models import User
from mbtrain.extensions import db

DOMAIN = "mbtrain.test"  # SERVER_NAME in the test settings


@pytest.fixture
def session_cookie(app):
    """The value of a client's session cookie."""

    def read(client) -> str:
        cookie = client.get_cookie(app.config["SESSION_COOKIE_NAME"], domain=DOMAIN)
        assert cookie is not None, "the client has no session cookie"
        return cookie.value

    return read


@pytest.fixture
def replay(app):
    """Open the front page from a new browser that carries a copied session cookie."""

    def replay(cookie: str, path: str = "/"):
        thief = app.test_client()
        thief.set_cookie(app.config["SESSION_COOKIE_NAME"], cookie, domain=DOMAIN)
        return thief.get(path)

    return replay


@pytest.fixture
def user_form():
    """The admin's edit form for a user as the page fills it in, with some fields changed."""

    def form(user: User, **changes) -> dict:
        db.session.refresh(user)
        data = {
            "name": user.name,
            "role": user.role.value,
            "counties": [str(county_id) for county_id in sorted(user.county_ids)],
            "organisation": str(user.organisation_id or 0),
            "active": "y" if user.active else "",
            "version": str(user.version),
        }
        data.update(changes)
        return {key: value for key, value in data.items() if value != ""}

    return form


@pytest.fixture
def login(form_login):
    """Here logging in is what is under test: every login goes through the form, with the
    password checked against its stored hash."""
    return form_login
