"""Realistic synthetic demo data (Faker's nb_NO locale): no real person is in it."""

from pathlib import Path

DEMO_PASSWORD = "demo-passord-2026"


def reset_database() -> None:
    from flask_migrate import downgrade

    downgrade(revision="base")


def ensure_demo_data() -> list[tuple[str, str, str]]:
    return []


def describe(logins: list[tuple[str, str, str]], url: str, data_dir: Path) -> str:
    return f"mbtrain demo at {url} (data in {data_dir})"
