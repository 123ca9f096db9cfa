"""A process killed in the middle of a multi-row save leaves nothing half-written, and
`mbtrain backup`/`restore` hand PostgreSQL's password over in the environment, never on the
command line (where `ps` shows it to every user of the machine). A backup taken under writes
restores consistently: tests/maintenance/test_backup.py."""

import os
import signal
import subprocess
import sys
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy.engine import make_url

from mbtrain.accounts.models import User
from mbtrain.extensions import db
from mbtrain.maintenance.backup import backup_database, restore_database

REPO = Path(__file__).resolve().parents[2]

# One transaction that writes 40 accounts, flushing as it goes; killed after the 20th.
SAVE = """
import sys, time
from pathlib import Path
from mbtrain import create_app
from mbtrain.accounts.models import Role
from mbtrain.accounts import services
from mbtrain.extensions import db
app = create_app({"SQLALCHEMY_DATABASE_URI": sys.argv[1], "SECRET_KEY": "k" * 40,
                  "RATELIMIT_STORAGE_URI": "memory://", "DATA_DIR": Path(sys.argv[2])})
with app.app_context():
    for n in range(40):
        services.create_user(email=f"halv-{n}@example.org", name="Halv", role=Role.TRAINEE,
                             counties=[], organisation=None, password=None)
        db.session.flush()
        if n == 20:
            print("halfway", flush=True)
            time.sleep(60)
    db.session.commit()
"""


def test_a_process_killed_mid_save_leaves_nothing_half_written(pg_app, postgres, tmp_path):
    url = pg_app.config["SQLALCHEMY_DATABASE_URI"]
    env = {**os.environ, "PYTHONPATH": str(REPO), "MBTRAIN_ENV": "development"}
    save = subprocess.Popen(  # noqa: S603 - our own interpreter and script
        [sys.executable, "-c", SAVE, url, str(tmp_path)], env=env, stdout=subprocess.PIPE, text=True
    )
    try:
        assert save.stdout.readline().strip() == "halfway"
        save.send_signal(signal.SIGKILL)
        save.wait(timeout=10)
    finally:
        if save.poll() is None:
            save.kill()
            save.wait()
        save.stdout.close()
    db.session.expire_all()
    written = db.session.scalar(
        sa.select(sa.func.count()).select_from(User).where(User.email.like("halv-%"))
    )
    db.session.commit()
    assert written == 0
    assert pg_app.test_client().get("/healthz").json["status"] == "ok"


def fake_tool(folder: Path, name: str) -> None:
    """pg_dump/pg_restore that write down their arguments and PGPASSWORD, and succeed."""
    script = folder / name
    script.write_text(
        "#!/bin/sh\n"
        f'printf "%s\\n" "$*" > "{folder}/{name}.args"\n'
        f'printf "%s" "$PGPASSWORD" > "{folder}/{name}.password"\n'
        'for a; do case "$prev" in --file) : > "$a";; esac; prev="$a"; done\n'
    )
    script.chmod(0o755)


def test_the_database_password_never_reaches_the_command_line(tmp_path, monkeypatch):
    for tool in ("pg_dump", "pg_restore"):
        fake_tool(tmp_path, tool)
    monkeypatch.setenv("PATH", f"{tmp_path}:{os.environ['PATH']}")
    secret = "hemmelig-passord-42"  # synthetic
    url = make_url(f"postgresql+psycopg://mbtrain:{secret}@db.example.org:5432/mbtrain")
    engine = sa.create_engine(url)

    backup_database(engine, tmp_path / "backup.dump")
    restore_database(engine, tmp_path / "backup.dump")

    for tool in ("pg_dump", "pg_restore"):
        arguments = (tmp_path / f"{tool}.args").read_text()
        assert "postgresql://mbtrain@db.example.org:5432/mbtrain" in arguments
        assert secret not in arguments
        assert (tmp_path / f"{tool}.password").read_text() == secret
