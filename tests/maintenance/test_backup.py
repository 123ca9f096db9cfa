"""Backup while the app writes, restore into an empty database, compare every table."""

import threading
import time
import uuid

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import make_url

from mbtrain.accounts.models import Role
from mbtrain.audit.models import AccessAction, AccessLog
from mbtrain.cli import main
from mbtrain.database import utcnow
from mbtrain.extensions import db
from mbtrain.maintenance.backup import restore_database

# pg_dump and the writer threads read and write through connections of their own.
pytestmark = pytest.mark.commits


def table_rows(engine: sa.Engine) -> dict[str, list[tuple]]:
    with engine.connect() as connection:
        return {
            table.name: sorted(
                connection.execute(sa.select(table)).all(), key=lambda row: repr(tuple(row))
            )
            for table in db.metadata.sorted_tables
        }


def write_load(engine: sa.Engine, stop: threading.Event, written: list[int]) -> None:
    while not stop.is_set():
        with engine.begin() as connection:
            result = connection.execute(
                sa.insert(AccessLog).values(
                    at=utcnow(),
                    actor_role="ADMIN",
                    actor_scope="nasjonal",
                    action=AccessAction.VIEW,
                    object_type="load",
                    purpose="ADMIN",
                )
            )
            written.append(result.inserted_primary_key[0])
        time.sleep(0.002)


def empty_target(app, backend, tmp_path, request) -> sa.Engine:
    if backend == "sqlite":
        return sa.create_engine(f"sqlite:///{tmp_path / 'restored.sqlite3'}")
    url = make_url(app.config["SQLALCHEMY_DATABASE_URI"])
    name = f"mbtrain_restore_{uuid.uuid4().hex[:10]}"
    admin = sa.create_engine(url, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.exec_driver_sql(f'CREATE DATABASE "{name}"')

    def drop():
        with admin.connect() as connection:
            connection.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.dispose()

    request.addfinalizer(drop)
    return sa.create_engine(url.set(database=name))


def test_backup_under_load_restores_every_table(
    app, backend, make_user, make_cohort, make_enrolment, tmp_path, request
):
    make_user(Role.ADMIN)
    make_enrolment(make_cohort())
    db.session.commit()
    stop, written = threading.Event(), []
    writer = threading.Thread(target=write_load, args=(db.engine, stop, written))
    writer.start()
    try:
        while len(written) < 20:
            time.sleep(0.01)
        result = app.test_cli_runner().invoke(main, ["backup", str(tmp_path / "backup.dump")])
        assert result.exit_code == 0, result.output
        while len(written) < 60:  # the app goes on writing after the backup
            time.sleep(0.01)
    finally:
        stop.set()
        writer.join(timeout=30)
    assert (tmp_path / "backup.dump").stat().st_mode & 0o077 == 0

    target = empty_target(app, backend, tmp_path, request)
    restore_database(target, tmp_path / "backup.dump")
    restored, source = table_rows(target), table_rows(db.engine)
    target.dispose()

    log_ids = sorted(row.id for row in restored["access_log"])
    assert log_ids == list(range(1, len(log_ids) + 1))  # a consistent prefix, no gaps
    assert 20 <= len(log_ids) < len(written)
    source["access_log"] = [row for row in source["access_log"] if row.id <= max(log_ids)]
    assert restored == source
    assert restored["enrolment"] and restored["person"] and restored["county"]


def test_restore_needs_confirmation(app, tmp_path):
    runner = app.test_cli_runner()
    runner.invoke(main, ["backup", str(tmp_path / "b.dump")])
    refused = runner.invoke(main, ["restore", str(tmp_path / "b.dump")])
    assert refused.exit_code != 0 and "--yes" in refused.output
