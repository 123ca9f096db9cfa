"""Fixtures: an app on a migrated database (SQLite, and PostgreSQL where configured),
clients that post real forms with CSRF tokens, and factories for synthetic people."""

import os
import re
import shutil
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient
from flask_migrate import upgrade
from sqlalchemy.engine import make_url
from werkzeug.routing import FloatConverter, IntegerConverter, UUIDConverter

from mbtrain import builders, create_app
from mbtrain.accounts import services as accounts
from mbtrain.accounts.models import Role, User
from mbtrain.builders import PASSWORD
from mbtrain.config import check_production, load_settings
from mbtrain.extensions import db, limiter
from mbtrain.organisations.models import County

# The placement areas' worlds (`world`, `placement_scene`), for every test that asks for them.
pytest_plugins = ["tests.placements.core_support", "tests.followup.followup_support"]

POSTGRES_URL = os.environ.get("MBTRAIN_TEST_POSTGRES_URL", "")
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


# werkzeug's scrypt with N=1024 instead of 32768: about 1 ms a hash instead of 120. The login
# tests still check real passwords against real hashes; production's method is checked in
# tests/test_config.py.
TEST_PASSWORD_HASH = "scrypt:1024:8:1"


def base_config(database_url: str, data_dir: Path) -> dict:
    return {
        "TESTING": True,
        "SQLALCHEMY_DATABASE_URI": database_url,
        "DATA_DIR": data_dir,
        "SECRET_KEY": "test-secret-key-" + "x" * 32,
        "SERVER_NAME": "mbtrain.test",
        "RATELIMIT_STORAGE_URI": "memory://",
        "SMTP_URL": "",
        # Mail is delivered in the test's own process after the commit (mbtrain/jobs.py);
        # tests/faults runs the real worker instead.
        "JOBS_IMMEDIATE": True,
        "PASSWORD_HASH_METHOD": TEST_PASSWORD_HASH,
    }


def postgres_admin_url() -> sa.URL:
    return make_url(POSTGRES_URL).set(drivername="postgresql+psycopg")


# The database under each test --------------------------------------------------------------
#
# One app per backend and configuration lives for the whole run (each xdist worker has its
# own): building one costs the URL map and every template's compilation. Per test only the
# database, the limiter's counts, the data directory and the configuration are put back:
#
# - SQLite: a copy of the migrated template replaces the app's database file before each test.
# - PostgreSQL: each test runs inside one outer transaction on one connection, which every
#   session of every app in the test joins through savepoints (SQLAlchemy's recipe for
#   "joining a session into an external transaction"), and is rolled back at the end.
#   Tests marked `commits` (another process or thread must see the data: gunicorn, pg_dump,
#   concurrent writers) commit for real, and every table is emptied afterwards, children first.

db.session.session_factory.configure(join_transaction_mode="create_savepoint")


def pytest_configure(config):
    config.addinivalue_line(
        "markers",
        "commits: the test's data must be committed for real (other connections read it)",
    )
    config.addinivalue_line(
        "markers", "own_app: the test changes the app itself (adds a route) and gets its own"
    )


# The modules that start gunicorn (and Chromium): one worker runs them one after another, so
# that no two servers share the two cores at once.
SERVER_MODULES = (
    "tests/concurrency/test_concurrent_http.py",
    "tests/concurrency/test_shared_limits.py",
    "tests/faults/test_redis.py",
    "tests/journeys/test_journeys.py",
)


def pytest_xdist_make_scheduler(config, log):
    """Each module runs whole on one worker (its module-scoped fixtures are built once), as
    `--dist loadscope` does, and the server modules as one unit. (xdist's own `xdist_group`
    mark does not work with pytest 9.2: xdist renames items through an attribute pytest no
    longer reads.)"""
    from xdist.scheduler import LoadScopeScheduling

    class ModuleScheduling(LoadScopeScheduling):
        def _split_scope(self, nodeid: str) -> str:
            module = nodeid.split("::", 1)[0]
            return "servers" if module in SERVER_MODULES else module

    # Handed out in collection order, which pytest_collection_modifyitems sets below.
    config.option.loadscopereorder = False
    return ModuleScheduling(config, log)


def pytest_collection_modifyitems(items):
    """The server modules first (the longest unit, about two minutes), then the modules with
    the most tests: no worker is left running one long unit while the other has finished."""
    size: dict[str, int] = {}
    for item in items:
        module = item.nodeid.split("::", 1)[0]
        size[module] = size.get(module, 0) + 1

    def order(item) -> tuple[bool, int]:
        module = item.nodeid.split("::", 1)[0]
        return module not in SERVER_MODULES, -size[module]

    items.sort(key=order)  # stable: each module keeps its own order


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


def restore_sqlite(path: Path, template: Path) -> None:
    """Put a fresh copy of the template in place (the app's connections are closed first)."""
    for leftover in (path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")):
        leftover.unlink(missing_ok=True)
    copy = path.with_name(path.name + ".new")
    shutil.copyfile(template, copy)
    os.replace(copy, path)


def delete_all(engine: sa.Engine) -> None:
    """Empty every table but the reference data, children first (much faster than TRUNCATE)."""
    with engine.begin() as connection:
        for table in reversed(db.metadata.sorted_tables):
            if table.name not in REFERENCE_TABLES:
                connection.execute(table.delete())


def restart_sequences(engine: sa.Engine) -> None:
    """Ids from 1 again, as in a new database (the rolled-back tests before moved them on);
    the reference tables keep theirs."""
    with engine.begin() as connection:
        for table in db.metadata.sorted_tables:
            if table.name in REFERENCE_TABLES:
                continue
            for column in table.primary_key.columns:
                sequence = connection.scalar(
                    sa.text("SELECT pg_get_serial_sequence(:table, :column)"),
                    {"table": table.name, "column": column.name},
                )
                if sequence:
                    connection.exec_driver_sql(f"ALTER SEQUENCE {sequence} RESTART")


class Isolation:
    """One test's hold on the database: on PostgreSQL, the outer transaction that every app of
    the test joins (unless the test commits for real)."""

    def __init__(self, backend: str, commits: bool) -> None:
        self.backend = backend
        self.commits = commits
        self.connection: sa.Connection | None = None
        self.outer: sa.RootTransaction | None = None
        self.attached: list[tuple[Flask, sa.Engine]] = []

    @property
    def savepoints(self) -> bool:
        return self.backend == "postgresql" and not self.commits

    def attach(self, app: Flask) -> None:
        """Bind ``app``'s sessions to this test's connection (Flask-SQLAlchemy keeps each app's
        engines in ``_app_engines``; the engine is put back in ``release``)."""
        if not self.savepoints:
            return
        engines = db._app_engines[app]
        engine = engines[None]
        if self.connection is None:
            self.connection = engine.connect()
            self.outer = self.connection.begin()
        engines[None] = self.connection
        self.attached.append((app, engine))

    def detach(self, app: Flask) -> None:
        for attached, engine in self.attached:
            if attached is app:
                db._app_engines[app][None] = engine
        self.attached = [(a, e) for a, e in self.attached if a is not app]

    def release(self) -> None:
        for app, engine in self.attached:
            db._app_engines[app][None] = engine
        self.attached.clear()
        if self.connection is not None:
            self.outer.rollback()
            self.connection.close()
            self.connection = None


@pytest.fixture
def isolation(backend, request) -> Iterator[Isolation]:
    held = Isolation(backend, commits=request.node.get_closest_marker("commits") is not None)
    yield held
    held.release()


@dataclass
class TestApp:
    app: Flask
    sqlite_path: Path | None


@pytest.fixture(scope="session")
def app_cache() -> Iterator[dict[tuple, TestApp]]:
    apps: dict[tuple, TestApp] = {}
    yield apps
    for test_app in apps.values():
        with test_app.app.app_context():
            db.engine.dispose()


def build_test_app(backend: str, config: dict, request, folder: Path) -> TestApp:
    if backend == "sqlite":
        path = folder / "test.sqlite3"
        url = f"sqlite:///{path}"
    else:
        path, url = None, request.getfixturevalue("postgres_database")
    app = create_app({**base_config(url, folder), **config})
    app.test_client_class = FormClient
    return TestApp(app, path)


@pytest.fixture
def app_config() -> dict:
    """Extra settings for `app`; a test changes them with
    @pytest.mark.parametrize("app_config", [{"LOGIN_LIMIT_PER_ADDRESS": "3 per minute"}])."""
    return {}


@pytest.fixture
def app(backend, app_config, isolation, request, tmp_path, app_cache, tmp_path_factory):
    """The run's app for this backend and configuration, on a database of its own for the
    test (see above), with ``tmp_path`` as its data directory."""
    own = request.node.get_closest_marker("own_app") is not None
    key = (backend, repr(sorted(app_config.items())))
    test_app = None if own else app_cache.get(key)
    if test_app is None:
        test_app = build_test_app(backend, app_config, request, tmp_path_factory.mktemp("app"))
        if not own:
            app_cache[key] = test_app
    app = test_app.app
    config = dict(app.config)
    app.config["DATA_DIR"] = tmp_path
    with app.app_context():
        if test_app.sqlite_path is not None:
            db.engine.dispose()
            restore_sqlite(test_app.sqlite_path, request.getfixturevalue("sqlite_template"))
        isolation.attach(app)
        if backend == "postgresql" and isolation.commits:
            restart_sequences(db.engine)
        limiter.reset()
        try:
            yield app
        finally:
            db.session.remove()
            isolation.release()
            if backend == "postgresql" and isolation.commits:
                delete_all(db.engine)
            if own:
                db.engine.dispose()
            app.config.clear()
            app.config.update(config)


@contextmanager
def module_app(backend: str, request, folder: Path, **config) -> Iterator[Flask]:
    """An app of its own on a database of its own, whose data is committed for real and kept
    for a whole module (a world built once, a server started once); emptied at the end."""
    if backend == "sqlite":
        path = folder / "module.sqlite3"
        shutil.copyfile(request.getfixturevalue("sqlite_template"), path)
        url = f"sqlite:///{path}"
    else:
        url = request.getfixturevalue("postgres_database")
    app = create_app({**base_config(url, folder), **config})
    app.test_client_class = FormClient
    with app.app_context():
        if backend == "postgresql":
            restart_sequences(db.engine)
        try:
            yield app
        finally:
            db.session.remove()
            if backend == "postgresql":
                delete_all(db.engine)
            db.engine.dispose()


@dataclass
class Snapshot:
    """Every row of every table but the reference data, and every file in the data directory."""

    rows: dict[str, list[dict]]
    files: dict[str, bytes]


def take_snapshot(app: Flask) -> Snapshot:
    connection = db.session.connection()
    rows = {
        table.name: [dict(row._mapping) for row in connection.execute(sa.select(table))]
        for table in db.metadata.sorted_tables
        if table.name not in REFERENCE_TABLES
    }
    data_dir = Path(app.config["DATA_DIR"])
    files = {
        str(path.relative_to(data_dir)): path.read_bytes()
        for path in data_dir.rglob("*")
        if path.is_file()
    }
    db.session.commit()
    return Snapshot(rows, files)


def load_snapshot(app: Flask, snapshot: Snapshot) -> None:
    """Put a snapshot's rows into the (empty) test database and its files into the data
    directory, with the ids it had; on PostgreSQL the sequences move on past them."""
    connection = db.session.connection()
    for table in db.metadata.sorted_tables:
        if snapshot.rows.get(table.name):
            connection.execute(table.insert(), snapshot.rows[table.name])
    if connection.dialect.name == "postgresql":
        for table in db.metadata.sorted_tables:
            for column in table.primary_key.columns:
                if snapshot.rows.get(table.name) and isinstance(column.type, sa.Integer):
                    sequence = sa.func.pg_get_serial_sequence(table.name, column.name)
                    highest = sa.select(sa.func.max(column)).scalar_subquery()
                    connection.execute(sa.select(sa.func.setval(sequence, highest)))
    db.session.commit()
    data_dir = Path(app.config["DATA_DIR"])
    for name, contents in snapshot.files.items():
        path = data_dir / name
        path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        path.write_bytes(contents)
        path.chmod(0o600)


@pytest.fixture(scope="session")
def data_snapshots() -> dict[tuple, tuple[Snapshot, object]]:
    return {}


@pytest.fixture
def built_once(app, backend, app_config, data_snapshots):
    """``built_once(name, build)``: what ``build()`` makes (and returns), made for real by the
    run's first test on each database and configuration, and loaded for the others from the
    rows and files that first build left. For deterministic builds only (the demos)."""

    def built(name: str, build):
        key = (name, backend, repr(sorted(app_config.items())))
        if key in data_snapshots:
            snapshot, result = data_snapshots[key]
            load_snapshot(app, snapshot)
            return result
        result = build()
        db.session.commit()
        data_snapshots[key] = (take_snapshot(app), result)
        return result

    return built


@pytest.fixture
def demo_data(built_once) -> list:
    """The demo's data as `mbtrain demo` builds it (built once per run, see built_once);
    returns its logins."""
    from mbtrain import demo

    built_once("demo", demo.ensure_demo_data)
    return demo.demo_logins()


@pytest.fixture
def database_url(app) -> str:
    """The URL of the test's database (for a server of its own: mark the test `commits`)."""
    return app.config["SQLALCHEMY_DATABASE_URI"]


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
def production_app(app, isolation, tmp_path, monkeypatch) -> Iterator[Flask]:
    """The app with the settings production reads from its environment, on the test's database.

    Production insists on Redis for the login throttle (tests/test_config.py shows that it
    refuses memory://); here the throttle is kept in memory.
    """
    settings = load_settings(
        {
            "MBTRAIN_ENV": "production",
            "MBTRAIN_SECRET_KEY": "production-test-key-" + "p" * 40,
            "MBTRAIN_DATABASE_URL": app.config["SQLALCHEMY_DATABASE_URI"],
            "MBTRAIN_DATA_DIR": str(tmp_path),
            "MBTRAIN_PUBLIC_URL": "https://mbtrain.test",
            "MBTRAIN_RATELIMIT_STORAGE_URL": "redis://127.0.0.1:6379/0",
        }
    )
    check_production(settings)
    monkeypatch.setattr("mbtrain.check_production", lambda config: None)
    production = create_app({**settings, "RATELIMIT_STORAGE_URI": "memory://"})
    production.test_client_class = ProductionClient
    with production.app_context():
        isolation.attach(production)
        yield production
        db.session.remove()
        isolation.detach(production)
        db.engine.dispose()


@pytest.fixture
def production_client(production_app) -> "FormClient":
    """A browser on HTTPS (production's preferred scheme); Flask-WTF checks the Referer there.
    It opens the public URL's host: production answers no other (TRUSTED_HOSTS)."""
    client = production_app.test_client()
    client.environ_base["HTTP_REFERER"] = "https://mbtrain.test/"
    return client


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


class ProductionClient(FormClient):
    """Opens the public URL's host (https://mbtrain.test) unless told another."""

    def open(self, *args, **kwargs):
        kwargs.setdefault("base_url", "https://mbtrain.test")
        return super().open(*args, **kwargs)


@pytest.fixture
def client(app) -> FormClient:
    return app.test_client()


@pytest.fixture
def county(app) -> County:
    return builders.county("46")


@pytest.fixture
def other_county(app) -> County:
    return builders.county("03")


@pytest.fixture
def factory(app, county) -> builders.Factory:
    """Makes synthetic people and things for this test (mbtrain/builders.py)."""
    return builders.Factory(county)


@pytest.fixture
def make_organisation(factory):
    return factory.organisation


@pytest.fixture
def make_user(factory):
    return factory.user


@pytest.fixture
def login(app):
    """A browser signed in as ``user``: the session is started through the service and its
    cookie set, as the login form would (tests/accounts logs in through the form itself)."""

    def login(user: User) -> FormClient:
        client = app.test_client()
        token = accounts.start_session(user)
        db.session.commit()
        with client.session_transaction() as session:
            session.update({"sid": token, "_user_id": str(user.id), "_fresh": True})
        return client

    return login


@pytest.fixture
def form_login(app):
    """A browser signed in through the login form, with the password."""

    def form_login(user: User, password: str = PASSWORD) -> FormClient:
        client = app.test_client()
        response = client.submit("/logg-inn", {"email": user.email, "password": password})
        assert response.status_code == 302, response.get_data(as_text=True)
        return client

    return form_login


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
# By kind, so that the app's own subclasses (the bounded int) are numbers too.
SAMPLE_VALUES = ((IntegerConverter, 1), (FloatConverter, 1.0), (UUIDConverter, uuid.UUID(int=1)))


def sample_value(converter) -> object:
    return next((v for kind, v in SAMPLE_VALUES if isinstance(converter, kind)), "dummy-token")


def sample_path(rule) -> str:
    """A URL for any rule: id 1 for numbers, a dummy token for strings."""
    values = {name: sample_value(converter) for name, converter in rule._converters.items()}
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
def curriculum_version(factory):
    """The shipped national curriculum, imported as the app would."""
    return factory.curriculum


@pytest.fixture
def make_cohort(factory, curriculum_version):
    factory.provider()  # made when a test asks for cohorts, as the course provider
    return factory.cohort


@pytest.fixture
def make_enrolment(factory):
    """An application registered through the service, optionally moved on to a status."""
    return factory.enrolment


# The savepoints through which each session joins a PostgreSQL test's transaction: production
# runs BEGIN and COMMIT there instead, which no cursor executes, so they are not counted.
ISOLATION_STATEMENT = re.compile(r"(SAVEPOINT|RELEASE SAVEPOINT|ROLLBACK TO SAVEPOINT) sa_")


@pytest.fixture
def count_queries(app, isolation):
    """Counts the SQL statements a block runs: `with count_queries() as counted: ...`."""
    from contextlib import contextmanager

    @contextmanager
    def counting():
        statements: list[str] = []

        def record(conn, cursor, statement, parameters, context, executemany):
            if not (isolation.savepoints and ISOLATION_STATEMENT.match(statement)):
                statements.append(statement)

        sa.event.listen(db.engine, "before_cursor_execute", record)
        try:
            yield statements
        finally:
            sa.event.remove(db.engine, "before_cursor_execute", record)

    return counting
