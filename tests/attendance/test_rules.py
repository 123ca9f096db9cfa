"""Attendance percentages and what a sheet row may hold: pure, no database."""

import pytest

from mbtrain.attendance.rules import Entry, EntryError, hours_present, summarise
from mbtrain.curriculum.definition import AttendanceStatus as A
from mbtrain.curriculum.loader import shipped_curricula

NATIONAL = shipped_curricula()[0].completion.counts_against_attendance


@pytest.mark.parametrize(
    "status,hours,expected",
    [
        (A.TIL_STEDE, None, 5.0),
        (A.TIL_STEDE, 2.5, 2.5),
        (A.TIL_STEDE, 5, 5),
        (A.SYK, None, 0.0),
        (A.SYK, 0, 0.0),
        (A.AVTALT_FRAVAER, None, 0.0),
        (A.IKKE_MOTT, None, 0.0),
    ],
)
def test_hours_present_for_each_status(status, hours, expected):
    assert hours_present(status, hours, 5.0) == expected


@pytest.mark.parametrize(
    "status,hours,message",
    [
        (A.TIL_STEDE, 6, "Timer til stede må være mellom 0 og 5 (øktens lengde)."),
        (A.TIL_STEDE, -1, "Timer til stede må være mellom 0 og 5 (øktens lengde)."),
        (A.TIL_STEDE, float("nan"), "Timer til stede må være mellom 0 og 5"),
        (A.TIL_STEDE, 0, "«Til stede» med 0 timer går ikke. Velg en fraværsstatus i stedet."),
        (A.SYK, 2, "Timer føres bare for «Til stede». For «Syk» skal feltet stå tomt."),
    ],
)
def test_hours_that_make_no_sense_are_refused(status, hours, message):
    with pytest.raises(EntryError, match=message.replace("(", r"\(").replace(")", r"\)")):
        hours_present(status, hours, 5.0)


def test_the_national_curriculum_counts_every_absence():
    assert set(NATIONAL) == {A.SYK, A.AVTALT_FRAVAER, A.IKKE_MOTT}
    entries = [Entry(5, A.TIL_STEDE, 5)] * 7 + [
        Entry(5, A.SYK),
        Entry(5, A.AVTALT_FRAVAER),
        Entry(5, A.TIL_STEDE, 2.5),
    ]
    summary = summarise(entries, NATIONAL)
    assert (summary.planned_hours, summary.present_hours, summary.absent_hours) == (50, 37.5, 12.5)
    assert summary.percent == 75
    assert not summary.meets(0.80)


def test_what_does_not_count_is_read_from_the_curriculum():
    entries = [Entry(5, A.TIL_STEDE, 5)] * 8 + [Entry(5, A.AVTALT_FRAVAER)] * 2
    strict = summarise(entries, (A.SYK, A.AVTALT_FRAVAER, A.IKKE_MOTT))
    lenient = summarise(entries, (A.SYK, A.IKKE_MOTT))
    assert strict.percent == 80 and strict.excused_hours == 0
    assert lenient.percent == 100 and lenient.excused_hours == 10
    assert lenient.counted_hours == 40 and lenient.planned_hours == 50


def test_sessions_without_records_are_left_out_and_reported():
    summary = summarise([Entry(5, A.TIL_STEDE, 5), Entry(5), Entry(3)], NATIONAL)
    assert summary.percent == 100
    assert summary.unrecorded_hours == 8


def test_percent_rounds_down_so_just_below_the_line_never_shows_as_on_it():
    summary = summarise([Entry(1000, A.TIL_STEDE, 799), Entry(1, A.SYK)], NATIONAL)
    assert summary.ratio < 0.80
    assert summary.percent == 79
    assert not summary.meets(0.80)
    assert summarise([Entry(10, A.TIL_STEDE, 8), Entry(2, A.SYK)], NATIONAL).percent == 66


def test_nothing_recorded_has_no_percentage_and_is_not_a_failure():
    summary = summarise([], NATIONAL)
    assert summary.ratio is None and summary.percent is None and summary.meets(0.8)


def test_best_possible_tells_whether_the_threshold_can_still_be_reached():
    summary = summarise([Entry(5, A.TIL_STEDE, 5)] * 4 + [Entry(5, A.SYK)] * 6, NATIONAL)
    assert summary.percent == 40
    assert summary.best_possible(hours_to_come=100) == pytest.approx(120 / 150)
    assert summary.best_possible(hours_to_come=10) < 0.80
