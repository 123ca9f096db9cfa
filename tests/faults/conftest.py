"""The app on a PostgreSQL cluster of its own, which the fault tests stop and restart."""

from collections.abc import Iterator

import pytest
import sqlalchemy as sa
from flask import Flask
from flask_migrate import upgrade

from mbtrain import create_app
from mbtrain.accounts import services
from mbtrain.accounts.models import Role, User
from mbtrain.builders import Factory
from mbtrain.extensions import db
from mbtrain.organisations.models import County
from tests.conftest import FormClient, base_config
from tests.faults.instances import PrivatePostgres


@pytest.fixture(scope="module")
def postgres() -> Iterator[PrivatePostgres]:
    cluster = PrivatePostgres()
    cluster.start()
    yield cluster
    cluster.remove()


@pytest.fixture(scope="module")
def pg_app(postgres, tmp_path_factory) -> Iterator[Flask]:
    """mbtrain migrated on the private cluster, with one admin; each request of a client
    runs in its own application context, as under gunicorn."""
    app = create_app(base_config(postgres.url, tmp_path_factory.mktemp("faults")))
    app.test_client_class = FormClient
    with app.app_context():
        upgrade()
        county = db.session.scalar(sa.select(County).limit(1))
        app.config["FAULT_ADMIN_ID"] = Factory(county).user(Role.ADMIN).id
        db.session.commit()
        yield app
        db.session.remove()
        db.engine.dispose()


def sign_in_admin(app: Flask) -> FormClient:
    """A browser signed in as the admin through the sessions service."""
    user = db.session.get(User, app.config["FAULT_ADMIN_ID"])
    client = app.test_client()
    token = services.start_session(user)
    db.session.commit()
    with client.session_transaction() as session:
        session.update({"sid": token, "_user_id": str(user.id), "_fresh": True})
    return client


@pytest.fixture
def admin(pg_app) -> FormClient:
    return sign_in_admin(pg_app)
