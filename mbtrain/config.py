"""Settings, read once from the environment when the app is created.

Every setting has an ``MBTRAIN_`` variable. Development gets safe local defaults (SQLite in the
data directory, a secret key generated once and kept there); production refuses to start
without what it needs instead of falling back to something insecure.
"""

import os
import secrets
from collections.abc import Mapping
from datetime import timedelta
from pathlib import Path
from typing import Any

from mbtrain import ratelimits

WEAK_KEYS = {"", "dev", "secret", "changeme", "change-me", "development", "test"}
MIN_SECRET_KEY_LENGTH = 32


class ConfigError(RuntimeError):
    """The configuration is unsafe or incomplete; the message says what to set."""


def default_data_dir() -> Path:
    base = os.environ.get("XDG_DATA_HOME") or Path.home() / ".local" / "share"
    return Path(base) / "mbtrain"


def database_url(raw: str | None, data_dir: Path) -> str:
    if not raw:
        return f"sqlite:///{data_dir / 'mbtrain.sqlite3'}"
    for prefix in ("postgres://", "postgresql://"):
        if raw.startswith(prefix):
            return "postgresql+psycopg://" + raw.removeprefix(prefix)
    return raw


def _env_bool(env: Mapping[str, str], name: str, default: bool = False) -> bool:
    value = env.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def _env_minutes(env: Mapping[str, str], name: str, default: int) -> timedelta:
    return timedelta(minutes=int(env.get(name, default)))


def _dev_secret_key(data_dir: Path) -> str:
    """Generate the development key once and keep it, so restarts keep people logged in."""
    path = data_dir / "secret_key"
    if not path.exists():
        # Private from the start: the directory also holds the SQLite database.
        data_dir.mkdir(mode=0o700, parents=True, exist_ok=True)
        path.touch(mode=0o600)
        path.write_text(secrets.token_urlsafe(48))
    return path.read_text().strip()


def load_settings(env: Mapping[str, str] | None = None) -> dict[str, Any]:
    env = os.environ if env is None else env
    env_name = env.get("MBTRAIN_ENV", "development")
    if env_name not in {"development", "production"}:
        # A typo must not quietly turn off what production insists on.
        raise ConfigError(f"MBTRAIN_ENV must be development or production, not {env_name!r}.")
    production = env_name == "production"
    data_dir = Path(env.get("MBTRAIN_DATA_DIR") or default_data_dir())
    return {
        "ENV_NAME": "production" if production else "development",
        # `mbtrain run --debug` sets FLASK_DEBUG, which starts Werkzeug's debugger console.
        "DEBUG": _env_bool(env, "MBTRAIN_DEBUG") or _env_bool(env, "FLASK_DEBUG"),
        "DATA_DIR": data_dir,
        # Empty in development means "generate one" (see ensure_secret_key); never in production.
        "SECRET_KEY": env.get("MBTRAIN_SECRET_KEY", ""),
        "SQLALCHEMY_DATABASE_URI": database_url(env.get("MBTRAIN_DATABASE_URL"), data_dir),
        # A pooled connection is tested before use, so the first request after a database
        # restart gets a fresh one instead of a 500 on a connection the server has closed.
        "SQLALCHEMY_ENGINE_OPTIONS": {"pool_pre_ping": True},
        "SMTP_URL": env.get("MBTRAIN_SMTP_URL", ""),
        # How long one SMTP conversation may take before the worker gives that try up.
        "SMTP_TIMEOUT": float(env.get("MBTRAIN_SMTP_TIMEOUT", 10)),
        # The worker's queue (mbtrain/jobs.py): Redis in production, else a SQLite file in
        # the data directory. JOBS_IMMEDIATE (tests only; refused in production) delivers
        # in the web process after the commit instead.
        "QUEUE_URL": env.get("MBTRAIN_QUEUE_URL", ""),
        "JOBS_IMMEDIATE": _env_bool(env, "MBTRAIN_JOBS_IMMEDIATE"),
        "MAIL_SENDER": env.get("MBTRAIN_MAIL_SENDER", "mbtrain <ikke-svar@mbtrain.local>"),
        "PUBLIC_URL": env.get("MBTRAIN_PUBLIC_URL", ""),
        # OpenID Connect providers (ID-porten, Entra ID): a TOML file; empty: passwords only.
        "OIDC_PROVIDERS_FILE": env.get("MBTRAIN_OIDC_PROVIDERS", ""),
        # The key of the hash kept of a login's pid/oid; empty: derived from SECRET_KEY.
        "OIDC_SUBJECT_KEY": env.get("MBTRAIN_OIDC_SUBJECT_KEY", ""),
        # Shared by every worker: Redis in production; in development a SQLite file beside the
        # database (memory:// would let each of the demo's workers allow the whole limit).
        "RATELIMIT_STORAGE_URI": env.get("MBTRAIN_RATELIMIT_STORAGE_URL")
        or ("memory://" if production else ratelimits.storage_url(data_dir)),
        # While that store is down the limits count in each process's memory (logged as a
        # warning by Flask-Limiter) instead of failing the request: login still works.
        "RATELIMIT_IN_MEMORY_FALLBACK_ENABLED": True,
        # A Redis that hangs rather than refuses must not hang every login with it.
        "RATELIMIT_STORAGE_OPTIONS": (
            {"socket_timeout": 1, "socket_connect_timeout": 1}
            if env.get("MBTRAIN_RATELIMIT_STORAGE_URL", "").startswith("redis")
            else {}
        ),
        "RATELIMIT_SWALLOW_ERRORS": True,
        "SESSION_IDLE_TIMEOUT": _env_minutes(env, "MBTRAIN_SESSION_IDLE_MINUTES", 30),
        "SESSION_ABSOLUTE_TIMEOUT": _env_minutes(env, "MBTRAIN_SESSION_ABSOLUTE_MINUTES", 12 * 60),
        "TOKEN_LIFETIME": timedelta(hours=int(env.get("MBTRAIN_TOKEN_HOURS", 72))),
        # Links to supervisors (confirm a placement, hours, final evaluation): 14 days.
        "PLACEMENT_LINK_LIFETIME": timedelta(
            hours=int(env.get("MBTRAIN_PLACEMENT_LINK_HOURS", 14 * 24))
        ),
        # Reverse proxies in front of the app whose X-Forwarded-For/-Proto may be believed;
        # 0 (the default) believes none, so a client cannot forge its recorded address.
        "PROXY_HOPS": int(env.get("MBTRAIN_PROXY_HOPS", 0)),
        # Partners' access to a trainee ends this many days after the placement's end (NAV: 40).
        "PARTNER_ACCESS_DAYS": int(env.get("MBTRAIN_PARTNER_ACCESS_DAYS", 40)),
        # A sheet changed this many days after its session asks why; the reason is kept in the
        # sheet's history. A chosen default, not a sourced figure.
        "ATTENDANCE_CHANGE_REASON_AFTER_DAYS": int(
            env.get("MBTRAIN_ATTENDANCE_CHANGE_REASON_AFTER_DAYS", 7)
        ),
        # Retention (`mbtrain purge`): why someone was away or left is kept this long after the
        # cohort ended; access-log rows this long. Chosen defaults, not sourced figures.
        "RETENTION_ATTENDANCE_DETAIL_DAYS": int(
            env.get("MBTRAIN_RETENTION_ATTENDANCE_DETAIL_DAYS", 365)
        ),
        "RETENTION_ACCESS_LOG_DAYS": int(env.get("MBTRAIN_RETENTION_ACCESS_LOG_DAYS", 5 * 365)),
        # The key pair certificates are signed with (PEM files). Empty means signing/ in the
        # data directory, where the demo makes a self-signed pair; production sets them.
        "SIGNING_KEY": env.get("MBTRAIN_SIGNING_KEY", ""),
        "SIGNING_CERT": env.get("MBTRAIN_SIGNING_CERT", ""),
        # werkzeug's method string for new password hashes; empty is its strong scrypt. Not
        # read from the environment: only the tests lower it (to a cheap scrypt, so that
        # making thousands of users costs nothing), and production refuses anything else.
        "PASSWORD_HASH_METHOD": "",
        "MAX_CONTENT_LENGTH": int(env.get("MBTRAIN_MAX_UPLOAD_BYTES", 10 * 1024 * 1024)),
        "SESSION_COOKIE_NAME": "__Host-mbtrain" if production else "mbtrain",
        "SESSION_COOKIE_SECURE": production,
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "PREFERRED_URL_SCHEME": "https" if production else "http",
    }


def ensure_secret_key(config: dict[str, Any]) -> None:
    """In development, a missing key is generated once and kept in the data directory."""
    if not config.get("SECRET_KEY") and config["ENV_NAME"] == "development":
        config["SECRET_KEY"] = _dev_secret_key(Path(config["DATA_DIR"]))


def check_production(config: Mapping[str, Any]) -> None:
    """Refuse to run production with settings that would expose the people in it."""
    if config["ENV_NAME"] != "production":
        return
    key = config.get("SECRET_KEY") or ""
    if key.lower() in WEAK_KEYS or len(key) < MIN_SECRET_KEY_LENGTH:
        raise ConfigError(
            f"MBTRAIN_SECRET_KEY must be set to a random value of at least "
            f"{MIN_SECRET_KEY_LENGTH} characters in production "
            f'(python -c "import secrets; print(secrets.token_urlsafe(48))").'
        )
    if config.get("DEBUG"):
        raise ConfigError(
            "Debug mode (MBTRAIN_DEBUG, FLASK_DEBUG, --debug) must be off in production."
        )
    if not config.get("PUBLIC_URL", "").startswith("https://"):
        raise ConfigError(
            "MBTRAIN_PUBLIC_URL must be the https:// address people open the app on "
            "(links in e-mail are built from it, never from the request's Host header)."
        )
    if config.get("JOBS_IMMEDIATE"):
        raise ConfigError(
            "MBTRAIN_JOBS_IMMEDIATE is for tests: production mail goes by the worker."
        )
    if config.get("PASSWORD_HASH_METHOD"):
        raise ConfigError("Production hashes passwords with the default scrypt, nothing weaker.")
    if config.get("RATELIMIT_STORAGE_URI", "memory://").startswith("memory://"):
        raise ConfigError(
            "MBTRAIN_RATELIMIT_STORAGE_URL must point to Redis in production "
            "(several workers must share the login throttle), e.g. redis://127.0.0.1:6379/0."
        )
