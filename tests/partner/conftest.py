"""The course under way that the home pages' tests build (tests/home/conftest.py)."""

from tests.home.conftest import build_world, instructor, on_today, records, supervisor

__all__ = ["build_world", "instructor", "on_today", "records", "supervisor"]
