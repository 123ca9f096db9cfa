"""The trainee's chart: theory attendance so far and modules approved, month by month.

Plain numbers in, the chart's points and their place on a fixed canvas out; the template
draws them as SVG, with the same numbers in a table beside it. Nothing is drawn in the
browser, so the chart needs no JavaScript.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from babel.dates import format_date
from flask_babel import get_locale

from mbtrain.curriculum.definition import AttendanceStatus, CompletionRule
from mbtrain.progress.completion import TheoryFacts, theory_percent

WIDTH, HEIGHT = 640, 330
LEFT, RIGHT = 56, 624
TOP, MIDDLE = 20, 170  # the attendance panel: 100 % at TOP, 0 % at MIDDLE
BARS_TOP, BOTTOM = 210, 290  # the modules panel


@dataclass(frozen=True)
class SessionRow:
    """One of the trainee's sessions; status and hours present are None until recorded."""

    day: date
    hours: float
    status: AttendanceStatus | None
    hours_present: float | None


@dataclass(frozen=True)
class Point:
    day: date
    label: str  # the month, short
    year: str  # shown under the first month and under January
    month: str  # the month in full, for the table
    percent: int | None
    approved: int
    x: float = 0.0
    y: float | None = None
    bar_y: float = 0.0


@dataclass(frozen=True)
class Chart:
    points: tuple[Point, ...]
    module_count: int
    threshold: int
    threshold_y: float
    percent_ticks: tuple[tuple[int, float], ...]
    module_ticks: tuple[tuple[int, float], ...]
    bar_width: float
    line: str  # the polyline's points

    width: int = WIDTH
    height: int = HEIGHT
    left: int = LEFT
    right: int = RIGHT
    top: int = TOP
    middle: int = MIDDLE
    bars_top: int = BARS_TOP
    bottom: int = BOTTOM

    @property
    def latest(self) -> Point | None:
        return self.points[-1] if self.points else None


def month_name(day: date, pattern: str) -> str:
    """The month in the user's language (bokmål outside a request)."""
    return format_date(day, pattern, locale=get_locale() or "nb")


def month_ends(first: date, last: date) -> list[date]:
    """The last day of each month from ``first`` to ``last``, the last one cut at ``last``."""
    ends, month = [], first.replace(day=1)
    while month <= last:
        following = (month + timedelta(days=32)).replace(day=1)
        ends.append(min(following - timedelta(days=1), last))
        month = following
    return ends


def monthly_points(
    rule: CompletionRule,
    sessions: Sequence[SessionRow],
    approvals: Sequence[date],
    first: date,
    last: date,
) -> list[Point]:
    """Attendance so far and modules approved at the end of each month (the last: ``last``,
    which is today while the course runs)."""
    points = []
    for index, day in enumerate(month_ends(first, last)):
        recorded = [s for s in sessions if s.day <= day and s.status is not None]
        absent: dict[AttendanceStatus, float] = {}
        for session in recorded:
            missing = max(session.hours - (session.hours_present or 0.0), 0.0)
            absent[session.status] = absent.get(session.status, 0.0) + missing
        theory = TheoryFacts(
            planned_so_far=sum(s.hours for s in recorded),
            present_so_far=sum(s.hours_present or 0.0 for s in recorded),
            absent_so_far=absent,
        )
        points.append(
            Point(
                day=day,
                label=month_name(day, "MMM"),
                year=str(day.year) if index == 0 or day.month == 1 else "",
                month=month_name(day, "LLLL yyyy"),
                percent=theory_percent(rule, theory),
                approved=sum(1 for approved_on in approvals if approved_on <= day),
            )
        )
    return points


def build(points: Sequence[Point], module_count: int, threshold: float) -> Chart:
    band = (RIGHT - LEFT) / max(len(points), 1)
    module_count = max(module_count, 1)

    def percent_y(percent: float) -> float:
        return round(MIDDLE - (MIDDLE - TOP) * percent / 100, 1)

    def count_y(count: float) -> float:
        return round(BOTTOM - (BOTTOM - BARS_TOP) * count / module_count, 1)

    placed = tuple(
        Point(
            p.day,
            p.label,
            p.year,
            p.month,
            p.percent,
            p.approved,
            x=round(LEFT + band * (index + 0.5), 1),
            y=None if p.percent is None else percent_y(p.percent),
            bar_y=count_y(p.approved),
        )
        for index, p in enumerate(points)
    )
    required = round(threshold * 100)
    middle_count = module_count // 2
    return Chart(
        points=placed,
        module_count=module_count,
        threshold=required,
        threshold_y=percent_y(required),
        percent_ticks=tuple((tick, percent_y(tick)) for tick in range(0, 101, 20)),
        module_ticks=tuple(
            (tick, count_y(tick)) for tick in sorted({0, middle_count, module_count})
        ),
        bar_width=round(min(band * 0.6, 28), 1),
        line=" ".join(f"{p.x},{p.y}" for p in placed if p.y is not None),
    )


# Bar charts for the reports ----------------------------------------------------------------

BAR_LABEL_WIDTH, BAR_AREA, BAR_ROW, BAR_GAP = 190, 360, 26, 8


@dataclass(frozen=True)
class Bar:
    label: str
    text: str  # the value as the table shows it: «<5» for a hidden one
    y: float
    length: float  # 0 for a hidden or empty value


@dataclass(frozen=True)
class BarChart:
    title: str
    description: str  # the text alternative: every value, in words
    bars: tuple[Bar, ...]
    bar_height: int = BAR_ROW - BAR_GAP
    label_width: int = BAR_LABEL_WIDTH
    width: int = BAR_LABEL_WIDTH + BAR_AREA + 60

    @property
    def height(self) -> int:
        return len(self.bars) * BAR_ROW + BAR_GAP


def bar_chart(title: str, values: Sequence[tuple[str, float | None, str]]) -> BarChart:
    """Horizontal bars from (label, value or None when hidden, value as shown)."""
    largest = max((v for _, v, _ in values if v is not None), default=0) or 1
    bars = tuple(
        Bar(
            label=label,
            text=text,
            y=BAR_GAP / 2 + index * BAR_ROW,
            length=round(BAR_AREA * (value or 0) / largest, 1),
        )
        for index, (label, value, text) in enumerate(values)
    )
    description = "; ".join(f"{bar.label}: {bar.text}" for bar in bars) + "."
    return BarChart(title=title, description=description, bars=bars)
