"""Private servers for the fault tests, stopped and started at will: a throwaway PostgreSQL
cluster and a redis-server, each on a free loopback port in a temporary directory. The
machine's shared PostgreSQL and Redis are never touched.

A cluster needs PostgreSQL's server binaries (initdb, pg_ctl); without them the tests that
need one are skipped, except under CI (``CI`` set), where they fail instead.
"""

import os
import shutil
import socket
import subprocess
import tempfile
import time
from pathlib import Path

import pytest

PG_BIN = Path(os.environ.get("MBTRAIN_TEST_PG_BIN", "/usr/lib/postgresql/15/bin"))


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def need(path: Path | str | None, what: str) -> None:
    if path and Path(path).exists():
        return
    if os.environ.get("CI"):
        pytest.fail(f"{what} is missing, and CI must run the fault tests")
    pytest.skip(f"{what} is not installed")


class PrivatePostgres:
    """A cluster of its own: ``start``, ``stop`` (fast: every connection is cut) and
    ``restart``; ``url`` for SQLAlchemy. As root, the server runs as the postgres user."""

    def __init__(self) -> None:
        need(PG_BIN / "initdb", f"PostgreSQL's initdb ({PG_BIN})")
        self.root = Path(tempfile.mkdtemp(prefix="mbtrain-faults-pg-"))
        self.data = self.root / "data"
        self.port = free_port()
        self._as = []
        if os.geteuid() == 0:
            shutil.chown(self.root, "postgres", "postgres")
            self._as = ["runuser", "-u", "postgres", "--"]
        self._run("initdb", "-D", str(self.data), "-A", "trust", "-U", "postgres", "--no-sync")
        self.url = f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/postgres"

    def _run(self, tool: str, *args: str) -> None:
        command = [*self._as, str(PG_BIN / tool), *args]
        subprocess.run(command, check=True, capture_output=True, timeout=60)  # noqa: S603

    def start(self) -> None:
        options = f"-p {self.port} -k {self.root} -c listen_addresses=127.0.0.1 -c fsync=off"
        log = str(self.root / "server.log")
        self._run("pg_ctl", "-D", str(self.data), "-o", options, "-l", log, "-w", "start")

    def stop(self) -> None:
        self._run("pg_ctl", "-D", str(self.data), "-m", "fast", "-w", "stop")

    def restart(self) -> None:
        self.stop()
        self.start()

    def remove(self) -> None:
        if (self.data / "postmaster.pid").exists():
            self.stop()
        shutil.rmtree(self.root, ignore_errors=True)


class PrivateRedis:
    """A redis-server of its own, without persistence."""

    def __init__(self) -> None:
        self.binary = shutil.which("redis-server")
        need(self.binary, "redis-server")
        self.port = free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.process: subprocess.Popen | None = None

    def start(self) -> None:
        command = [self.binary, "--port", str(self.port), "--bind", "127.0.0.1", "--save", ""]
        command += ["--appendonly", "no"]
        self.process = subprocess.Popen(command, stdout=subprocess.DEVNULL)  # noqa: S603
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=0.2).close()
                return
            except OSError:
                time.sleep(0.05)
        raise RuntimeError("redis-server did not start")

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=10)
        self.process = None
