"""The progress chart's numbers and geometry, without a database."""

from datetime import date

from mbtrain.curriculum.definition import AttendanceStatus as A
from mbtrain.curriculum.loader import shipped_curricula
from mbtrain.progress import chart
from mbtrain.progress.chart import SessionRow

RULE = shipped_curricula()[0].completion


def test_month_ends_stop_at_the_last_day():
    assert chart.month_ends(date(2027, 1, 4), date(2027, 3, 10)) == [
        date(2027, 1, 31),
        date(2027, 2, 28),
        date(2027, 3, 10),
    ]
    assert chart.month_ends(date(2027, 5, 1), date(2027, 4, 1)) == []


SESSIONS = [
    SessionRow(date(2027, 1, 5), 5, A.TIL_STEDE, 5),
    SessionRow(date(2027, 1, 12), 5, A.SYK, 0),
    SessionRow(date(2027, 2, 2), 5, A.TIL_STEDE, 5),
    SessionRow(date(2027, 2, 9), 5, A.TIL_STEDE, 2.5),  # partial presence
    SessionRow(date(2027, 3, 2), 5, None, None),  # not recorded yet
]


def test_monthly_points_carry_attendance_so_far_and_modules_approved():
    approvals = [date(2027, 1, 20), date(2027, 2, 20), date(2027, 3, 1)]
    points = chart.monthly_points(RULE, SESSIONS, approvals, date(2027, 1, 4), date(2027, 3, 5))
    assert [(p.day, p.percent, p.approved) for p in points] == [
        (date(2027, 1, 31), 50, 1),  # 5 of 10
        (date(2027, 2, 28), 62, 2),  # 12.5 of 20, rounded down
        (date(2027, 3, 5), 62, 3),  # the unrecorded session does not count yet
    ]
    assert points[0].year == "2027" and points[1].year == ""
    assert (points[0].label, points[0].month) == ("jan.", "januar 2027")


def test_before_anything_is_recorded_there_is_no_percentage():
    points = chart.monthly_points(RULE, SESSIONS[-1:], [], date(2027, 3, 1), date(2027, 3, 5))
    assert [p.percent for p in points] == [None]


def test_the_chart_places_points_inside_the_canvas():
    points = chart.monthly_points(
        RULE, SESSIONS, [date(2027, 1, 20)], date(2027, 1, 4), date(2027, 3, 5)
    )
    drawn = chart.build(points, module_count=14, threshold=0.8)
    assert drawn.threshold == 80
    for point in drawn.points:
        assert drawn.left < point.x < drawn.right
        assert drawn.top <= point.y <= drawn.middle
        assert drawn.bars_top <= point.bar_y <= drawn.bottom
    # The higher the share, the higher on the canvas (smaller y).
    assert drawn.points[1].y < drawn.points[0].y
    assert drawn.line.count(",") == 3
    assert drawn.module_ticks == ((0, 290.0), (7, 250.0), (14, 210.0))


def test_an_empty_chart_still_draws():
    drawn = chart.build([], module_count=14, threshold=0.8)
    assert drawn.points == () and drawn.line == "" and drawn.latest is None
