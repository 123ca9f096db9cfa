"""Meldekort periods and the CSV export's cells, without a database."""

from datetime import date, timedelta
from itertools import pairwise

import pytest

from mbtrain.exports import csv_bytes, safe_cell
from mbtrain.progress.meldekort import (
    ANCHOR,
    Period,
    default_period,
    export_filename,
    number,
    period_of,
    periods_between,
)


def test_the_anchor_is_nav_s_own_example_period():
    # nav.no: «meldeperioden er mandag 16. mars – søndag 29. mars (14 dager)»
    period = period_of(date(2020, 3, 20))
    assert (period.start, period.end) == (date(2020, 3, 16), date(2020, 3, 29))
    assert period.start == ANCHOR


@pytest.mark.parametrize(
    "day",
    [date(2026, 3, 16), date(2026, 12, 31), date(2027, 1, 1), date(2027, 7, 4), date(2019, 1, 1)],
)
def test_every_day_lies_in_a_period_of_two_whole_weeks_from_a_monday(day):
    period = period_of(day)
    assert period.start <= day <= period.end
    assert period.start.weekday() == 0 and period.end.weekday() == 6
    assert (period.end - period.start).days == 13
    assert (period.start - ANCHOR).days % 14 == 0


def test_the_rhythm_goes_on_across_a_year_with_53_weeks():
    # 2026 has an ISO week 53; periods go on every fourteen days regardless.
    periods = periods_between(date(2026, 11, 1), date(2027, 2, 28))
    assert all(b.start - a.start == timedelta(days=14) for a, b in pairwise(periods))
    # Odd weeks first in 2026, then week 53 with week 1, then even weeks first in 2027.
    assert [p.weeks for p in periods][3:7] == [(49, 50), (51, 52), (53, 1), (2, 3)]


def test_periods_between_cover_the_course_without_gaps():
    periods = periods_between(date(2027, 1, 4), date(2027, 12, 17))
    assert periods[0].start <= date(2027, 1, 4) and periods[-1].end >= date(2027, 12, 17)
    assert len(periods) == len({p.start for p in periods}) == 26


@pytest.mark.parametrize(
    ("today", "expected"),
    [
        # Before the course: its first period; after it: its last.
        (date(2026, 12, 1), period_of(date(2027, 1, 4))),
        (date(2028, 3, 1), period_of(date(2027, 12, 17))),
        # While it runs: the last period that has ended.
        (date(2027, 3, 10), Period(period_of(date(2027, 3, 10)).start - timedelta(days=14))),
    ],
)
def test_the_period_shown_first_is_the_last_one_that_has_ended(today, expected):
    assert default_period(date(2027, 1, 4), date(2027, 12, 17), today) == expected


@pytest.mark.parametrize(
    ("value", "cell"),
    [
        ('=HYPERLINK("http://example.org")', '\'=HYPERLINK("http://example.org")'),
        ("+47 55 00 00 00", "'+47 55 00 00 00"),
        ("-1", "'-1"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\tTab", "'\tTab"),
        ("\rReturn", "'\rReturn"),
        ("Kari Nordmann", "Kari Nordmann"),
        ("12,5", "12,5"),
        (None, ""),
        (3, "3"),
    ],
)
def test_cells_that_a_spreadsheet_would_run_as_formulas_are_made_text(value, cell):
    assert safe_cell(value) == cell


def test_the_csv_opens_in_excel_with_norwegian_letters():
    data = csv_bytes(["Navn", "Fødselsdato"], [["=cmd", "14.03.1985"], ["Åse Ødegård", "1"]])
    assert data.startswith(b"\xef\xbb\xbf")
    text = data.decode("utf-8-sig")
    assert text == "Navn;Fødselsdato\r\n'=cmd;14.03.1985\r\nÅse Ødegård;1\r\n"


@pytest.mark.parametrize(("value", "text"), [(12.5, "12,5"), (12.0, "12"), (0, "0"), (7.25, "7,2")])
def test_hours_have_a_decimal_comma(value, text):
    assert number(value) == text


@pytest.mark.parametrize(
    "name",
    ["MB-opplæring Bergen 2025–2026", 'Kurs "x"; filename=evil.exe\r\nSet-Cookie: a=b', "ÆØÅ"],
)
def test_the_file_name_is_safe_in_a_header(name):
    filename = export_filename(name, period_of(date(2026, 3, 16)))
    assert filename.startswith("meldekort-") and filename.endswith("-2026-03-09.csv")
    assert all(ch.isascii() and (ch.isalnum() or ch in "-.") for ch in filename)


def test_the_file_name_reads_like_the_cohort():
    filename = export_filename("MB-opplæring Bergen 2025–2026", period_of(date(2026, 3, 16)))
    assert filename == "meldekort-mb-opplaering-bergen-2025-2026-2026-03-09.csv"
