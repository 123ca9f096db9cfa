"""Backup and restore of the whole database.

SQLite: the online backup API, which copies a consistent snapshot while the app keeps
writing. PostgreSQL: pg_dump in its custom format, restored with pg_restore. The password
goes to them in PGPASSWORD, never on the command line, where `ps` would show it to anyone.
"""

import os
import sqlite3
import subprocess
from pathlib import Path

from sqlalchemy import Engine
from sqlalchemy.engine import make_url


class BackupError(RuntimeError):
    """The backup or restore could not be made; the message says why."""


def backup_database(engine: Engine, target: Path) -> Path:
    target.parent.mkdir(parents=True, exist_ok=True)
    if engine.dialect.name == "sqlite":
        _sqlite_copy(Path(engine.url.database), target)
    else:
        _run(
            ["pg_dump", "--format=custom", "--no-owner", "--file", str(target), _libpq(engine)],
            engine,
        )
    target.chmod(0o600)  # a backup holds everyone's data
    return target


def restore_database(engine: Engine, source: Path) -> None:
    if not source.is_file():
        raise BackupError(f"No backup file at {source}.")
    engine.dispose()  # no pooled connection may keep the old database open
    if engine.dialect.name == "sqlite":
        _sqlite_copy(source, Path(engine.url.database))
    else:
        _run(
            [
                "pg_restore",
                "--clean",
                "--if-exists",
                "--no-owner",
                "--single-transaction",
                "--dbname",
                _libpq(engine),
                str(source),
            ],
            engine,
        )


def _sqlite_copy(source: Path, target: Path) -> None:
    if not source.is_file():
        raise BackupError(f"No SQLite database at {source}.")
    with sqlite3.connect(source) as src, sqlite3.connect(target) as dst:
        src.backup(dst)
    src.close()
    dst.close()


def _libpq(engine: Engine) -> str:
    """The URL as pg_dump understands it (no SQLAlchemy driver suffix), without a password."""
    # URL.set() leaves a field alone when given None; the named tuple's _replace clears it.
    url = make_url(engine.url).set(drivername="postgresql")._replace(password=None)
    return url.render_as_string(hide_password=False)


def pg_environment(engine: Engine) -> dict[str, str]:
    """The environment for pg_dump/pg_restore: ours, plus the password in PGPASSWORD."""
    env = dict(os.environ)
    password = make_url(engine.url).password
    if password is not None:
        env["PGPASSWORD"] = str(password)
    return env


def _run(command: list[str], engine: Engine) -> None:
    env = pg_environment(engine)
    try:
        subprocess.run(command, check=True, capture_output=True, text=True, timeout=3600, env=env)  # noqa: S603
    except FileNotFoundError as error:
        raise BackupError(f"{command[0]} is not installed (PostgreSQL client tools).") from error
    except subprocess.CalledProcessError as error:
        raise BackupError(f"{command[0]} failed: {error.stderr.strip()[:500]}") from error
