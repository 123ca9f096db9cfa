"""Fixtures: an app on a migrated database (SQLite, and PostgreSQL where configured),
clients that post real forms with CSRF tokens, and factories for synthetic people."""

import os
import re
import shutil
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient
from flask_migrate import upgrade
from sqlalchemy.engine import make_url
from stdnum.no import orgnr

from mbtrain import create_app
from mbtrain.accounts import services as accounts
from mbtrain.accounts.models import Role, User
from mbtrain.extensions import db
from mbtrain.organisations.models import County, Organisation, OrganisationType

POSTGRES_URL = os.environ.get("MBTRAIN_TEST_POSTGRES_URL", "")
PASSWORD = "et langt testpassord"
REFERENCE_TABLES = {"county", "alembic_version"}
CSRF_RE = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')

BACKENDS = [
    "sqlite",
    pytest.param(
        "postgresql",
        marks=[
            pytest.mark.postgres,
            pytest.mark.skipif(not POSTGRES_URL, reason="MBTRAIN_TEST_POSTGRES_URL is not set"),
        ],
    ),
]


def base_config(database_url: str, data_dir: Path) -> dict:
    return {
        "TESTING": True,
        "SQLALCHEMY_DATABASE_URI": database_url,
        "DATA_DIR": data_dir,
        "SECRET_KEY": "test-secret-key-" + "x" * 32,
        "SERVER_NAME": "mbtrain.test",
        "RATELIMIT_STORAGE_URI": "memory://",
        "SMTP_URL": "",
    }


def postgres_admin_url() -> sa.URL:
    return make_url(POSTGRES_URL).set(drivername="postgresql+psycopg")


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory) -> Path:
    """A SQLite database migrated to head once; each test gets a copy."""
    path = tmp_path_factory.mktemp("template") / "template.sqlite3"
    app = create_app(base_config(f"sqlite:///{path}", path.parent))
    with app.app_context():
        upgrade()
        db.engine.dispose()
    return path


@pytest.fixture(scope="session")
def postgres_database(tmp_path_factory) -> Iterator[str]:
    """A PostgreSQL database of its own for this run, migrated to head once."""
    name = f"mbtrain_test_{uuid.uuid4().hex[:12]}"
    admin = sa.create_engine(postgres_admin_url(), isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.exec_driver_sql(f'CREATE DATABASE "{name}"')
    url = postgres_admin_url().set(database=name).render_as_string(hide_password=False)
    app = create_app(base_config(url, tmp_path_factory.mktemp("postgres")))
    with app.app_context():
        upgrade()
        db.engine.dispose()
    yield url
    with admin.connect() as connection:
        connection.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    admin.dispose()


@pytest.fixture(params=BACKENDS)
def backend(request) -> str:
    return request.param


@pytest.fixture
def database_url(backend, request, tmp_path) -> str:
    if backend == "sqlite":
        path = tmp_path / "test.sqlite3"
        shutil.copy(request.getfixturevalue("sqlite_template"), path)
        return f"sqlite:///{path}"
    return request.getfixturevalue("postgres_database")


@pytest.fixture
def app(database_url, tmp_path) -> Iterator[Flask]:
    app = create_app(base_config(database_url, tmp_path))
    app.test_client_class = FormClient
    with app.app_context():
        yield app
        db.session.remove()
        if db.engine.dialect.name == "postgresql":
            truncate_all(db.engine)
        db.engine.dispose()


def truncate_all(engine: sa.Engine) -> None:
    tables = [t.name for t in db.metadata.sorted_tables if t.name not in REFERENCE_TABLES]
    with engine.begin() as connection:
        connection.exec_driver_sql(
            "TRUNCATE " + ", ".join(f'"{t}"' for t in tables) + " RESTART IDENTITY CASCADE"
        )


class FormClient(FlaskClient):
    """A test client that submits forms the way a browser does: with the page's CSRF token.

    Each request runs in an application context of its own, as it does in production, so
    no `g` or database session leaks from the test's context into the request.
    """

    def open(self, *args, **kwargs):
        # End the test's own transaction first: on SQLite it would hold the write lock,
        # and afterwards the test should read what the request left behind.
        db.session.commit()
        with self.application.app_context():
            return super().open(*args, **kwargs)

    def csrf_token(self, page: str = "/logg-inn") -> str:
        response = self.get(page)
        match = CSRF_RE.search(response.get_data(as_text=True))
        assert match, f"no CSRF token on {page} ({response.status_code})"
        return match.group(1)

    def submit(self, url: str, data: dict | None = None, page: str | None = None, **kwargs):
        data = dict(data or {})
        data.setdefault("csrf_token", self.csrf_token(page or url))
        return self.post(url, data=data, **kwargs)


@pytest.fixture
def client(app) -> FormClient:
    return app.test_client()


@pytest.fixture
def county(app) -> County:
    return db.session.scalar(sa.select(County).where(County.code == "46"))


@pytest.fixture
def other_county(app) -> County:
    return db.session.scalar(sa.select(County).where(County.code == "03"))


@pytest.fixture
def make_organisation(app):
    counter = iter(range(1, 10_000))

    def make(name: str | None = None, county: County | None = None, **kwargs) -> Organisation:
        number = next(counter)
        organisation = Organisation(
            name=name or f"Testkommune {number}",
            orgnr=kwargs.pop("orgnr", None) or valid_orgnr(number),
            type=kwargs.pop("type", OrganisationType.KOMMUNE),
            county=county,
            **kwargs,
        )
        db.session.add(organisation)
        db.session.commit()
        return organisation

    return make


def valid_orgnr(seed: int) -> str:
    """A synthetic organisation number (starting with 9) with a correct mod-11 check digit."""
    candidate = 910_000_000 + seed * 10
    while not orgnr.is_valid(str(candidate)):
        candidate += 1
    return str(candidate)


@pytest.fixture
def make_user(app, county, make_organisation):
    counter = iter(range(1, 10_000))

    def make(role: Role = Role.COORDINATOR, *, password: str | None = PASSWORD, **kwargs) -> User:
        number = next(counter)
        counties = kwargs.pop("counties", [county] if role is Role.COORDINATOR else [])
        organisation = kwargs.pop("organisation", None)
        if role is Role.PARTNER and organisation is None:
            organisation = make_organisation()
        user = accounts.create_user(
            email=kwargs.pop("email", f"{role.value.lower()}{number}@example.org"),
            name=kwargs.pop("name", f"Test {role.label} {number}"),
            role=role,
            counties=counties,
            organisation=organisation,
            password=password,
        )
        db.session.commit()
        return user

    return make


@pytest.fixture
def login(app):
    def login(user: User, password: str = PASSWORD) -> FormClient:
        client = app.test_client()
        response = client.submit("/logg-inn", {"email": user.email, "password": password})
        assert response.status_code == 302, response.get_data(as_text=True)
        return client

    return login


@pytest.fixture
def login_as(make_user, login):
    def login_as(role: Role, **kwargs) -> FormClient:
        return login(make_user(role, **kwargs))

    return login_as
