"""A running cohort with a timetable, attendance, placements and results, built row by row
(mbtrain/builders.py's Records)."""

from datetime import date

import pytest

from mbtrain.builders.records import Records

START = date(2027, 1, 4)
TODAY = date(2027, 3, 22)  # a Monday, eleven weeks in


@pytest.fixture
def build(factory, make_cohort) -> Records:
    return Records(factory)


@pytest.fixture
def on_today(monkeypatch):
    """Fix Norway's date for the progress pages."""
    monkeypatch.setattr("mbtrain.progress.views.today", lambda: TODAY)
    monkeypatch.setattr("mbtrain.cohorts.views.today", lambda: TODAY)
    return TODAY
