"""The app under gunicorn on a free loopback port, for tests that speak real HTTP.

    with serve(database_url, data_dir=tmp_path) as base_url:
        urllib.request.urlopen(base_url + "/healthz")

Used by the concurrency tests, the browser journeys and the benchmark. The database must
already be migrated; the server stops (its whole process group) when the block ends.
"""

import http.client
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


def environment(database_url: str, data_dir: Path) -> dict[str, str]:
    """The settings a test server runs with: development, no debug, a fixed secret key."""
    return {
        "MBTRAIN_ENV": "development",
        "MBTRAIN_DATA_DIR": str(data_dir),
        "MBTRAIN_DATABASE_URL": database_url,
        "MBTRAIN_SECRET_KEY": "test-server-secret-key-" + "s" * 32,
        "MBTRAIN_DEBUG": "0",
        "FLASK_DEBUG": "0",
        # No worker beside these servers: mail goes out from the web process after the commit.
        "MBTRAIN_JOBS_IMMEDIATE": "1",
    }


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start(
    app: str,
    env: Mapping[str, str],
    *,
    workers: int = 4,
    threads: int = 1,
    probe: str = "/healthz",
    cwd: Path | None = None,
    port: int | None = None,
) -> tuple[subprocess.Popen, int]:
    """gunicorn serving ``app`` on a loopback port (a free one unless given), once every
    worker answers ``probe``."""
    port = port or free_port()
    # --preload: the app is imported once and the workers forked from it, not imported by
    # each worker (about 5 s each of WeasyPrint, pyHanko and SQLAlchemy on two busy cores).
    command = [sys.executable, "-m", "gunicorn", "--preload", "--workers", str(workers)]
    if threads > 1:
        command += ["--threads", str(threads)]
    command += ["--bind", f"127.0.0.1:{port}", "--log-level", "warning", app]
    pythonpath = f"{REPO}:{cwd}" if cwd else str(REPO)
    process = subprocess.Popen(  # noqa: S603 - our own interpreter and arguments
        command,
        cwd=cwd or REPO,
        env={**os.environ, **env, "PYTHONPATH": pythonpath},
        start_new_session=True,
    )
    deadline, answered = time.monotonic() + 60, 0
    while time.monotonic() < deadline and answered < 2 * workers:
        if process.poll() is not None:
            raise RuntimeError(f"gunicorn for {app} stopped at start")
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        try:
            connection.request("GET", probe)
            answered += connection.getresponse().status == 200
        except OSError:
            time.sleep(0.2)
        finally:
            connection.close()
    if answered < 2 * workers:
        stop(process)
        raise RuntimeError(f"gunicorn for {app} did not start")
    return process, port


def stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


@contextmanager
def serve(
    database_url: str,
    env: Mapping[str, str] | None = None,
    *,
    data_dir: Path | None = None,
    workers: int = 4,
    threads: int = 1,
    port: int | None = None,
) -> Iterator[str]:
    """mbtrain on ``database_url`` (migrated already); yields the base URL, e.g.
    ``http://127.0.0.1:41234``. ``env`` adds or overrides MBTRAIN_* settings; links in
    e-mail are built on the base URL unless ``env`` sets MBTRAIN_PUBLIC_URL."""
    port = port or free_port()
    base_url = f"http://127.0.0.1:{port}"
    with tempfile.TemporaryDirectory(prefix="mbtrain-server-") as scratch:
        settings = {
            **environment(database_url, data_dir or Path(scratch)),
            "MBTRAIN_PUBLIC_URL": base_url,
            **(env or {}),
        }
        process, _ = start(
            "mbtrain.wsgi:app", settings, workers=workers, threads=threads, port=port
        )
        try:
            yield base_url
        finally:
            stop(process)


def worker_pids(process: subprocess.Popen) -> list[int]:
    """The gunicorn workers of a server from ``start``: its master's children (Linux /proc)."""
    children = Path(f"/proc/{process.pid}/task/{process.pid}/children")
    return [int(pid) for pid in children.read_text().split()]
