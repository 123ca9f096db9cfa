"""A rate-limit store in a SQLite file, shared by every process on the machine.

``memory://`` counts per process, so gunicorn's workers would each allow the whole limit; the
demo and ``mbtrain serve`` run several. Development keeps the counts here instead
(``sqlite-file:///<data dir>/ratelimits.sqlite3``); production uses Redis. Fixed windows only
(Flask-Limiter's default strategy). Importing this module registers the scheme with `limits`.
"""

import os
import sqlite3
import time
from pathlib import Path

from limits.storage import Storage

SCHEME = "sqlite-file"
SCHEMA = "CREATE TABLE IF NOT EXISTS counts (key TEXT PRIMARY KEY, count INTEGER, expires REAL)"


def storage_url(data_dir: Path) -> str:
    return f"{SCHEME}://{Path(data_dir) / 'ratelimits.sqlite3'}"


class SQLiteFileStorage(Storage):
    STORAGE_SCHEME = [SCHEME]

    def __init__(self, uri: str, wrap_exceptions: bool = False, **options) -> None:
        super().__init__(uri, wrap_exceptions=wrap_exceptions, **options)
        self.path = Path(uri.removeprefix(f"{SCHEME}://"))

    @property
    def base_exceptions(self) -> type[Exception]:
        return sqlite3.Error

    def _connect(self) -> sqlite3.Connection:
        # A connection per call: safe across gunicorn's fork and its threads, and cheap.
        self.path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        connection = sqlite3.connect(self.path, timeout=10, isolation_level=None)
        connection.execute(SCHEMA)
        return connection

    def _transaction(self, *statements: tuple[str, tuple]) -> list:
        connection = self._connect()
        try:
            connection.execute("BEGIN IMMEDIATE")  # one writer at a time, across processes
            rows = [connection.execute(sql, args).fetchone() for sql, args in statements]
            connection.execute("COMMIT")
            return rows
        finally:
            connection.close()

    def incr(self, key: str, expiry: int, amount: int = 1) -> int:
        now = time.time()
        *_, (count,) = self._transaction(
            ("DELETE FROM counts WHERE key = ? AND expires <= ?", (key, now)),
            (
                "INSERT INTO counts (key, count, expires) VALUES (?, ?, ?) ON CONFLICT (key) "
                "DO UPDATE SET count = count + excluded.count RETURNING count",
                (key, amount, now + expiry),
            ),
        )
        return count

    def _row(self, key: str) -> tuple[int, float] | None:
        connection = self._connect()
        try:
            return connection.execute(
                "SELECT count, expires FROM counts WHERE key = ? AND expires > ?",
                (key, time.time()),
            ).fetchone()
        finally:
            connection.close()

    def get(self, key: str) -> int:
        row = self._row(key)
        return row[0] if row else 0

    def get_expiry(self, key: str) -> float:
        row = self._row(key)
        return row[1] if row else time.time()

    def check(self) -> bool:
        return os.access(self.path.parent, os.W_OK) or not self.path.parent.exists()

    def reset(self) -> int | None:
        self._transaction(("DELETE FROM counts", ()))
        return None

    def clear(self, key: str) -> None:
        self._transaction(("DELETE FROM counts WHERE key = ?", (key,)))
