"""Settings: production refuses to start on anything that would expose people's data."""

import stat

import pytest

from mbtrain import create_app
from mbtrain.config import ConfigError, check_production, ensure_secret_key, load_settings

GOOD_KEY = "Xq3" * 16


@pytest.fixture
def production_env(tmp_path) -> dict[str, str]:
    return {
        "MBTRAIN_ENV": "production",
        "MBTRAIN_SECRET_KEY": GOOD_KEY,
        "MBTRAIN_DATA_DIR": str(tmp_path / "data"),
        "MBTRAIN_DATABASE_URL": "postgresql://mbtrain@db.example.org/mbtrain",
        "MBTRAIN_RATELIMIT_STORAGE_URL": "redis://127.0.0.1:6379/0",
        "MBTRAIN_PUBLIC_URL": "https://mbtrain.example.org",
    }


def test_a_complete_production_configuration_is_accepted(production_env):
    settings = load_settings(production_env)
    check_production(settings)
    assert settings["SECRET_KEY"] == GOOD_KEY
    assert settings["SESSION_COOKIE_NAME"] == "__Host-mbtrain"
    assert settings["SESSION_COOKIE_SECURE"] and settings["SESSION_COOKIE_HTTPONLY"]
    assert settings["SESSION_COOKIE_SAMESITE"] == "Lax"
    assert settings["SQLALCHEMY_DATABASE_URI"].startswith("postgresql+psycopg://")
    # Faults (tests/faults): stale pooled connections are replaced, the limiter degrades.
    assert settings["SQLALCHEMY_ENGINE_OPTIONS"] == {"pool_pre_ping": True}
    assert settings["RATELIMIT_IN_MEMORY_FALLBACK_ENABLED"]
    assert settings["RATELIMIT_STORAGE_OPTIONS"]["socket_timeout"] == 1


@pytest.mark.parametrize(
    ("change", "named"),
    [
        pytest.param({"MBTRAIN_SECRET_KEY": None}, "MBTRAIN_SECRET_KEY", id="no-key"),
        pytest.param({"MBTRAIN_SECRET_KEY": ""}, "MBTRAIN_SECRET_KEY", id="empty-key"),
        pytest.param({"MBTRAIN_SECRET_KEY": "x" * 31}, "MBTRAIN_SECRET_KEY", id="short-key"),
        pytest.param({"MBTRAIN_SECRET_KEY": "changeme"}, "MBTRAIN_SECRET_KEY", id="weak-key"),
        pytest.param({"MBTRAIN_DEBUG": "1"}, "MBTRAIN_DEBUG", id="debug"),
        pytest.param({"FLASK_DEBUG": "1"}, "FLASK_DEBUG", id="flask-debug"),
        pytest.param(
            {"MBTRAIN_RATELIMIT_STORAGE_URL": None},
            "MBTRAIN_RATELIMIT_STORAGE_URL",
            id="memory-throttle-by-default",
        ),
        pytest.param(
            {"MBTRAIN_RATELIMIT_STORAGE_URL": "memory://"},
            "MBTRAIN_RATELIMIT_STORAGE_URL",
            id="memory-throttle",
        ),
        pytest.param({"MBTRAIN_PUBLIC_URL": None}, "MBTRAIN_PUBLIC_URL", id="no-public-url"),
        pytest.param(
            {"MBTRAIN_JOBS_IMMEDIATE": "1"}, "MBTRAIN_JOBS_IMMEDIATE", id="mail-in-the-request"
        ),
        pytest.param(
            {"MBTRAIN_PUBLIC_URL": "http://mbtrain.example.org"},
            "MBTRAIN_PUBLIC_URL",
            id="plain-http-public-url",
        ),
    ],
)
def test_production_refuses_an_unsafe_setting(change, named, production_env):
    env = {**production_env, **change}
    env = {key: value for key, value in env.items() if value is not None}
    with pytest.raises(ConfigError, match=named):
        check_production(load_settings(env))


def test_production_refuses_to_start_the_app(production_env, monkeypatch):
    for name, value in {**production_env, "MBTRAIN_SECRET_KEY": "dev"}.items():
        monkeypatch.setenv(name, value)
    with pytest.raises(ConfigError, match="MBTRAIN_SECRET_KEY"):
        create_app()


def test_a_misspelt_environment_name_is_refused_not_taken_for_development(production_env):
    with pytest.raises(ConfigError, match="MBTRAIN_ENV"):
        load_settings({**production_env, "MBTRAIN_ENV": "prod"})


def test_production_never_makes_up_a_secret_key(production_env, tmp_path):
    env = {k: v for k, v in production_env.items() if k != "MBTRAIN_SECRET_KEY"}
    assert load_settings(env)["SECRET_KEY"] == ""
    assert not (tmp_path / "data" / "secret_key").exists()


def dev_settings(env: dict) -> dict:
    settings = load_settings(env)
    ensure_secret_key(settings)
    return settings


def test_a_key_given_in_the_configuration_is_used_and_nothing_is_written(tmp_path):
    settings = load_settings({"MBTRAIN_DATA_DIR": str(tmp_path / "d")})
    settings["SECRET_KEY"] = "given-by-the-caller-" + "k" * 32
    ensure_secret_key(settings)
    assert settings["SECRET_KEY"].startswith("given-by-the-caller-")
    assert not (tmp_path / "d" / "secret_key").exists()


def test_development_makes_a_private_secret_key_once_and_keeps_it(tmp_path):
    data_dir = tmp_path / "mbtrain"
    env = {"MBTRAIN_DATA_DIR": str(data_dir)}

    first, second = dev_settings(env), dev_settings(env)

    key_file = data_dir / "secret_key"
    assert first["SECRET_KEY"] == second["SECRET_KEY"] == key_file.read_text().strip()
    assert len(first["SECRET_KEY"]) >= 32
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    # The directory also holds the SQLite database: only the service's own user may look in.
    assert stat.S_IMODE(data_dir.stat().st_mode) == 0o700
    assert first["ENV_NAME"] == "development"
    assert not first["SESSION_COOKIE_SECURE"]


def test_another_data_directory_gets_another_key(tmp_path):
    one = dev_settings({"MBTRAIN_DATA_DIR": str(tmp_path / "one")})
    two = dev_settings({"MBTRAIN_DATA_DIR": str(tmp_path / "two")})
    assert one["SECRET_KEY"] != two["SECRET_KEY"]


def test_session_timeouts_default_to_30_minutes_idle_and_12_hours_in_all(tmp_path):
    settings = load_settings({"MBTRAIN_DATA_DIR": str(tmp_path)})
    assert settings["SESSION_IDLE_TIMEOUT"].total_seconds() == 30 * 60
    assert settings["SESSION_ABSOLUTE_TIMEOUT"].total_seconds() == 12 * 3600


def test_session_timeouts_are_configurable(tmp_path):
    settings = load_settings(
        {
            "MBTRAIN_DATA_DIR": str(tmp_path),
            "MBTRAIN_SESSION_IDLE_MINUTES": "15",
            "MBTRAIN_SESSION_ABSOLUTE_MINUTES": "240",
        }
    )
    assert settings["SESSION_IDLE_TIMEOUT"].total_seconds() == 15 * 60
    assert settings["SESSION_ABSOLUTE_TIMEOUT"].total_seconds() == 4 * 3600


def test_production_hashes_passwords_with_werkzeugs_strong_scrypt(production_app):
    from mbtrain.accounts.services import hash_password

    assert hash_password("et langt testpassord").startswith("scrypt:32768:8:1$")


def test_production_refuses_a_cheaper_password_hash(production_env):
    settings = {**load_settings(production_env), "PASSWORD_HASH_METHOD": "scrypt:1024:8:1"}
    with pytest.raises(ConfigError, match="scrypt"):
        check_production(settings)


def test_the_tests_hash_cheaply_and_still_check_the_password(app):
    from werkzeug.security import check_password_hash

    from mbtrain.accounts.services import hash_password

    stored = hash_password("et langt testpassord")
    assert stored.startswith("scrypt:1024:8:1$")
    assert check_password_hash(stored, "et langt testpassord")
    assert not check_password_hash(stored, "et annet passord")
