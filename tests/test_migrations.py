"""The migrations build exactly the schema the models describe, and take it down again."""

import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from flask import current_app
from flask_migrate import downgrade, upgrade

from mbtrain.extensions import db, migrate
from mbtrain.organisations.models import County

COUNTIES_2024 = {
    "03": "Oslo",
    "11": "Rogaland",
    "15": "Møre og Romsdal",
    "18": "Nordland",
    "31": "Østfold",
    "32": "Akershus",
    "33": "Buskerud",
    "34": "Innlandet",
    "39": "Vestfold",
    "40": "Telemark",
    "42": "Agder",
    "46": "Vestland",
    "50": "Trøndelag",
    "55": "Troms",
    "56": "Finnmark",
}


def table_names() -> set[str]:
    return set(sa.inspect(db.engine).get_table_names())


def schema() -> dict[str, tuple]:
    """Each table's columns, indexes, unique constraints and foreign keys, as plain values."""
    inspector = sa.inspect(db.engine)
    return {
        table: describe_table(inspector, table)
        for table in inspector.get_table_names()
        if table != "alembic_version"
    }


def describe_table(inspector, table: str) -> tuple:
    columns = inspector.get_columns(table)
    indexes = inspector.get_indexes(table)
    uniques = inspector.get_unique_constraints(table)
    fks = inspector.get_foreign_keys(table)
    return (
        sorted((c["name"], str(c["type"]), c["nullable"]) for c in columns),
        sorted((i["name"], tuple(i["column_names"])) for i in indexes),
        sorted((u["name"], tuple(u["column_names"])) for u in uniques),
        sorted((f["name"], tuple(f["constrained_columns"]), f["referred_table"]) for f in fks),
    )


def current_revision() -> str | None:
    with db.engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


def revisions_oldest_first() -> list:
    script = ScriptDirectory.from_config(migrate.get_config())
    return list(reversed(list(script.walk_revisions("base", "heads"))))


def schema_drift() -> list:
    """What autogenerate would write for this database, with the options of migrations/env.py."""
    options = {"compare_type": True, **current_app.extensions["migrate"].configure_args}
    with db.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts=options)
        return compare_metadata(context, db.metadata)


def test_upgrade_builds_every_table_and_downgrade_removes_them(empty_app):
    upgrade()
    assert table_names() == set(db.metadata.tables) | {"alembic_version"}
    downgrade(revision="base")
    assert table_names() == {"alembic_version"}
    assert current_revision() is None
    if db.engine.dialect.name == "postgresql":
        with db.engine.connect() as connection:
            enums = connection.exec_driver_sql("SELECT typname FROM pg_type WHERE typtype = 'e'")
            assert enums.all() == []


def test_each_revision_upgrades_downgrades_and_upgrades_again(empty_app):
    revisions = revisions_oldest_first()
    assert revisions, "no migrations found"
    for revision in revisions:
        before = schema()
        upgrade(revision=revision.revision)
        after = schema()
        assert after != before, f"{revision.revision} changes nothing"
        downgrade(revision=revision.down_revision or "base")
        assert schema() == before, f"downgrading {revision.revision} leaves changes behind"
        assert current_revision() == revision.down_revision
        upgrade(revision=revision.revision)
        assert schema() == after, f"{revision.revision} builds something else the second time"
        assert current_revision() == revision.revision
    assert set(schema()) == set(db.metadata.tables)


def test_migrated_schema_matches_the_models(empty_app):
    upgrade()
    assert schema_drift() == []


def test_migrations_load_the_2024_counties(empty_app):
    upgrade()
    counties = db.session.execute(sa.select(County.code, County.name)).all()
    assert dict(counties) == COUNTIES_2024


def pragma(connection, name: str):
    cursor = connection.cursor()
    try:
        return cursor.execute(f"PRAGMA {name}").fetchone()[0]
    finally:
        cursor.close()


@pytest.mark.parametrize("backend", ["sqlite"])
def test_every_sqlite_connection_enforces_foreign_keys_and_waits_for_locks(empty_app):
    # Two connections open at once are two separate database connections.
    connections = [db.engine.raw_connection(), db.engine.raw_connection()]
    try:
        for connection in connections:
            assert pragma(connection, "foreign_keys") == 1
            assert pragma(connection, "journal_mode") == "wal"
            assert pragma(connection, "busy_timeout") >= 5000
    finally:
        for connection in connections:
            connection.close()
