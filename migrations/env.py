"""Alembic environment: runs migrations against the app's engine (Flask-Migrate)."""

from alembic import context
from flask import current_app
from sqlalchemy.types import TypeDecorator

config = context.config
migrate_extension = current_app.extensions["migrate"]
target_metadata = migrate_extension.db.metadata


def render_item(type_, obj, autogen_context):
    """Write the app's own column types as the plain SQLAlchemy types they store."""
    if type_ == "type" and isinstance(obj, TypeDecorator):
        return f"sa.{obj.impl!r}"
    return False


def run_migrations_offline() -> None:
    context.configure(
        url=str(migrate_extension.db.engine.url),
        target_metadata=target_metadata,
        literal_binds=True,
        render_as_batch=True,
        render_item=render_item,
    )
    with context.begin_transaction():
        context.run_migrations()


def _set_sqlite_foreign_keys(connection, on: bool) -> None:
    connection.connection.driver_connection.execute(f"PRAGMA foreign_keys={'ON' if on else 'OFF'}")


def run_migrations_online() -> None:
    def skip_empty_autogenerate(context, revision, directives):
        if getattr(config.cmd_opts, "autogenerate", False) and directives[0].upgrade_ops.is_empty():
            directives[:] = []

    configure_args = {
        "compare_type": True,
        "render_item": render_item,
        "process_revision_directives": skip_empty_autogenerate,
        **migrate_extension.configure_args,
    }
    with migrate_extension.db.engine.connect() as connection:
        sqlite = connection.dialect.name == "sqlite"
        if sqlite:
            # Batch mode rebuilds tables (copy, drop, rename); with foreign keys enforced the
            # drop fails as soon as rows elsewhere point at the table. The pragma only works
            # outside a transaction, so it goes to the driver before Alembic begins one.
            _set_sqlite_foreign_keys(connection, on=False)
        try:
            context.configure(
                connection=connection, target_metadata=target_metadata, **configure_args
            )
            with context.begin_transaction():
                context.run_migrations()
                if sqlite:
                    broken = connection.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
                    if broken:
                        raise RuntimeError(f"migration left broken foreign keys: {broken[:5]}")
        finally:
            if sqlite:
                _set_sqlite_foreign_keys(connection, on=True)


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
