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
from mbtrain.config import check_production, load_settings
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
def empty_database_url(backend, tmp_path) -> Iterator[str]:
    """A database with nothing in it, not even alembic_version (for the migration tests)."""
    if backend == "sqlite":
        yield f"sqlite:///{tmp_path / 'empty.sqlite3'}"
        return
    name = f"mbtrain_empty_{uuid.uuid4().hex[:12]}"
    admin = sa.create_engine(postgres_admin_url(), isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.exec_driver_sql(f'CREATE DATABASE "{name}"')
    yield postgres_admin_url().set(database=name).render_as_string(hide_password=False)
    with admin.connect() as connection:
        connection.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    admin.dispose()


@pytest.fixture
def empty_app(empty_database_url, tmp_path) -> Iterator[Flask]:
    """The app on an empty database, for tests that run the migrations themselves."""
    app = create_app(base_config(empty_database_url, tmp_path))
    with app.app_context():
        yield app
        db.session.remove()
        db.engine.dispose()


@pytest.fixture
def app_config() -> dict:
    """Extra settings for `app`; a test changes them with
    @pytest.mark.parametrize("app_config", [{"LOGIN_LIMIT_PER_ADDRESS": "3 per minute"}])."""
    return {}


@pytest.fixture
def app(database_url, tmp_path, app_config) -> Iterator[Flask]:
    app = create_app({**base_config(database_url, tmp_path), **app_config})
    app.test_client_class = FormClient
    with app.app_context():
        yield app
        db.session.remove()
        if db.engine.dialect.name == "postgresql":
            truncate_all(db.engine)
        db.engine.dispose()


@pytest.fixture
def production_app(database_url, tmp_path, monkeypatch) -> Iterator[Flask]:
    """The app with the settings production reads from its environment, on the test database.

    Production insists on Redis for the login throttle (tests/test_config.py shows that it
    refuses memory://); this run has no Redis, so here the throttle is kept in memory.
    """
    settings = load_settings(
        {
            "MBTRAIN_ENV": "production",
            "MBTRAIN_SECRET_KEY": "production-test-key-" + "p" * 40,
            "MBTRAIN_DATABASE_URL": database_url,
            "MBTRAIN_DATA_DIR": str(tmp_path),
            "MBTRAIN_PUBLIC_URL": "https://mbtrain.test",
            "MBTRAIN_RATELIMIT_STORAGE_URL": "redis://127.0.0.1:6379/0",
        }
    )
    check_production(settings)
    monkeypatch.setattr("mbtrain.check_production", lambda config: None)
    app = create_app({**settings, "RATELIMIT_STORAGE_URI": "memory://"})
    app.test_client_class = FormClient
    with app.app_context():
        yield app
        db.session.remove()
        if db.engine.dialect.name == "postgresql":
            truncate_all(db.engine)
        db.engine.dispose()


@pytest.fixture
def production_client(production_app) -> "FormClient":
    """A browser on HTTPS (production's preferred scheme); Flask-WTF checks the Referer there."""
    client = production_app.test_client()
    client.environ_base["HTTP_REFERER"] = "https://localhost/"
    return client


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
        try:
            with self.application.app_context():
                return super().open(*args, **kwargs)
        finally:
            db.session.expire_all()

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


def database_snapshot(*, reads: bool = False) -> dict[str, list[tuple]]:
    """Every row of every table, to show that a request changed nothing.

    With ``reads=True`` the access log and the sessions' last-seen times are left out:
    opening a page that shows personal data adds a log row by design.
    """
    tables = {}
    existing = set(sa.inspect(db.session.connection()).get_table_names())
    for table in db.metadata.sorted_tables:
        if table.name not in existing or (reads and table.name == "access_log"):
            continue
        columns = [
            column
            for column in table.columns
            if not (reads and (table.name, column.name) == ("auth_session", "last_seen_at"))
        ]
        query = sa.select(*columns).order_by(*table.primary_key.columns)
        tables[table.name] = [tuple(row) for row in db.session.execute(query)]
    db.session.commit()
    return tables


@pytest.fixture
def db_snapshot(app):
    """database_snapshot, for a test on the `app` fixture."""
    return database_snapshot


# Werkzeug keeps each rule's converters in a private attribute; this is the one way to see them.
SAMPLE_VALUES = {"IntegerConverter": 1, "FloatConverter": 1.0, "UUIDConverter": uuid.UUID(int=1)}


def sample_path(rule) -> str:
    """A URL for any rule: id 1 for numbers, a dummy token for strings."""
    values = {
        name: SAMPLE_VALUES.get(type(converter).__name__, "dummy-token")
        for name, converter in rule._converters.items()
    }
    return rule.build(values, append_unknown=False)[1]


@pytest.fixture
def routes(app) -> list[tuple[str, str, str]]:
    """(endpoint, method, path) for every route of the app, static files aside."""
    return [
        (rule.endpoint, method, sample_path(rule))
        for rule in app.url_map.iter_rules()
        if rule.endpoint != "static"
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"})
    ]


@pytest.fixture
def curriculum_version(app):
    """The shipped national curriculum, imported as the app would."""
    from mbtrain.curriculum import services as curricula
    from mbtrain.curriculum.loader import shipped_curricula

    version = curricula.import_curriculum(shipped_curricula()[0]).version
    db.session.commit()
    return version


@pytest.fixture
def make_cohort(app, county, curriculum_version, make_organisation):
    from datetime import date

    from mbtrain.cohorts.models import Cohort, CohortStatus

    provider = make_organisation("Testarrangør AS", type=OrganisationType.TILTAKSARRANGOR)

    def make(**kwargs) -> Cohort:
        cohort = Cohort(
            name=kwargs.pop("name", "MB-kurs Bergen 2027"),
            county=kwargs.pop("county", county),
            curriculum_version=curriculum_version,
            provider=provider,
            start_date=kwargs.pop("start_date", date(2027, 1, 4)),
            end_date=kwargs.pop("end_date", date(2027, 12, 17)),
            places=kwargs.pop("places", 20),
            status=kwargs.pop("status", CohortStatus.PLANLAGT),
            **kwargs,
        )
        db.session.add(cohort)
        db.session.commit()
        return cohort

    return make


@pytest.fixture
def make_enrolment(app):
    """An application registered through the service, optionally moved on to a status."""
    from datetime import date

    from mbtrain.enrolments import services as enrolments
    from mbtrain.enrolments.models import EnrolmentStatus

    counter = iter(range(1, 100_000))

    def make(cohort, status: EnrolmentStatus = EnrolmentStatus.SOKT_INN, **kwargs):
        number = next(counter)
        enrolment = enrolments.register_application(
            cohort,
            name=kwargs.pop("name", f"Testperson {number}"),
            date_of_birth=kwargs.pop("date_of_birth", date(1985, 3, 14)),
            email=kwargs.pop("email", f"person{number}@example.org"),
            phone="",
            applied_on=kwargs.pop("applied_on", date(2026, 9, 1 + number % 28)),
            nav_contact="",
            by=None,
            today=date(2026, 11, 23),
        )
        path = {
            EnrolmentStatus.SOKT_INN: [],
            EnrolmentStatus.VURDERES: [EnrolmentStatus.VURDERES],
            EnrolmentStatus.VENTELISTE: [EnrolmentStatus.VURDERES, EnrolmentStatus.VENTELISTE],
            EnrolmentStatus.VENTER_PA_OPPSTART: [
                EnrolmentStatus.VURDERES,
                EnrolmentStatus.VENTER_PA_OPPSTART,
            ],
            EnrolmentStatus.DELTAR: [EnrolmentStatus.VURDERES, EnrolmentStatus.DELTAR],
        }[status]
        if path:
            enrolment.meets_requirements = True
        for step in path:
            enrolments.change_status(enrolment, step, by=None)
        db.session.commit()
        return enrolment

    return make


@pytest.fixture
def count_queries(app):
    """Counts the SQL statements a block runs: `with count_queries() as counted: ...`."""
    from contextlib import contextmanager

    @contextmanager
    def counting():
        statements: list[str] = []

        def record(conn, cursor, statement, parameters, context, executemany):
            statements.append(statement)

        sa.event.listen(db.engine, "before_cursor_execute", record)
        try:
            yield statements
        finally:
            sa.event.remove(db.engine, "before_cursor_execute", record)

    return counting
