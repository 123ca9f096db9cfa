"""Planning a cohort's timetable from its curriculum. Pure: plain values in, plain values out.

Theory and project modules become sessions: each module's hours are laid on the cohort's
teaching days, ``hours_per_day`` at a time from ``day_starts_at``; a module that ends part-way
through a day leaves the rest of the day to the next module. A practice module becomes a
period of ``weeks`` whole weeks, from the Monday after the teaching before it, with no
sessions. Public holidays and the cohort's closed periods are skipped; a practice week with
no open weekday (a closed summer, say) is not counted.
"""

import hashlib
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any

from flask_babel import gettext as _
from flask_babel import ngettext

from mbtrain.curriculum.definition import Curriculum, Module, ModuleKind

EPSILON = 1e-9
# How far past the end a schedule that does not fit is followed, to say how much is missing.
OVERFLOW_LIMIT = timedelta(days=5 * 366)
ONE_DAY = timedelta(days=1)


@dataclass(frozen=True)
class ClosedDays:
    start: date
    end: date
    description: str


@dataclass(frozen=True)
class Calendar:
    """When a cohort can be taught: its period, weekday pattern and the days it is closed."""

    start: date
    end: date
    weekdays: frozenset[int]  # ISO weekdays, 1 = Monday
    hours_per_day: float
    day_starts_at: time
    closed: tuple[ClosedDays, ...] = ()
    holidays: Mapping[date, str] = field(default_factory=dict)

    def day_off(self, day: date) -> str | None:
        """Why no one is taught on this day (a closed period's or holiday's name), or None.

        A closed period names the days it covers, holidays inside it too, so that a Christmas
        break reads as one break rather than pieces around Christmas Day.
        """
        closed = next((c.description for c in self.closed if c.start <= day <= c.end), None)
        return closed or self.holidays.get(day)

    def is_teaching_day(self, day: date) -> bool:
        return day.isoweekday() in self.weekdays and self.day_off(day) is None


@dataclass(frozen=True)
class PlannedSession:
    module_code: str
    date: date
    starts_at: time
    hours: float


@dataclass(frozen=True)
class PlannedPractice:
    module_code: str
    start_date: date
    end_date: date


@dataclass(frozen=True)
class Schedule:
    sessions: tuple[PlannedSession, ...]
    practice: tuple[PlannedPractice, ...]

    @property
    def last_day(self) -> date | None:
        days = [s.date for s in self.sessions] + [p.end_date for p in self.practice]
        return max(days) if days else None

    def fingerprint(self) -> str:
        """Changes whenever the plan would; a confirmation form carries it (see the views)."""
        text = repr((self.sessions, self.practice)).encode()
        return hashlib.sha256(text).hexdigest()


class ScheduleDoesNotFit(ValueError):
    """The curriculum needs more time than the calendar has; the message says how much."""

    def __init__(self, calendar: Calendar, overflow: Schedule) -> None:
        late = [s for s in overflow.sessions if s.date > calendar.end]
        self.missing_hours = sum(s.hours for s in late)
        self.missing_days = len({s.date for s in late})
        self.missing_practice_weeks = sum(
            _weeks_between(max(p.start_date, calendar.end + ONE_DAY), p.end_date)
            for p in overflow.practice
            if p.end_date > calendar.end
        )
        self.would_end = overflow.last_day
        super().__init__(self.describe(calendar))

    def describe(self, calendar: Calendar) -> str:
        missing = []
        if self.missing_hours:
            missing.append(
                ngettext(
                    "%(hours)s undervisningstime (%(num)d undervisningsdag)",
                    "%(hours)s undervisningstimer (%(num)d undervisningsdager)",
                    self.missing_days,
                    hours=format_hours(self.missing_hours),
                )
            )
        if self.missing_practice_weeks:
            missing.append(
                ngettext("%(num)d praksisuke", "%(num)d praksisuker", self.missing_practice_weeks)
            )
        return _(
            "Læreplanen får ikke plass mellom %(start)s og %(end)s: det mangler %(missing)s. "
            "Med dette oppsettet ville timeplanen sluttet %(would_end)s. Velg flere "
            "undervisningsdager i uken eller flere timer per dag, korte ned de stengte "
            "periodene, eller flytt sluttdatoen.",
            start=_day(calendar.start),
            end=_day(calendar.end),
            missing=_(" og ").join(missing),
            would_end=_day(self.would_end) if self.would_end else "–",
        )


def ordered_modules(curriculum: Curriculum) -> tuple[Module, ...]:
    """The modules in teaching order: block by block, and within a block as the file lists them."""
    return tuple(m for block in curriculum.blocks for m in curriculum.modules_in(block))


def plan_schedule(modules: Sequence[Module], calendar: Calendar) -> Schedule:
    """The timetable for these modules, or ScheduleDoesNotFit when it would run past the end."""
    if not calendar.weekdays or calendar.hours_per_day <= 0:
        raise ValueError("a calendar needs at least one teaching weekday and some hours a day")
    planner = _Planner(calendar)
    for module in modules:
        if module.kind is ModuleKind.PRACTICE:
            planner.add_practice(module)
        else:
            planner.add_teaching(module)
    schedule = Schedule(tuple(planner.sessions), tuple(planner.practice))
    if schedule.last_day is not None and schedule.last_day > calendar.end:
        raise ScheduleDoesNotFit(calendar, schedule)
    return schedule


class _Planner:
    """Walks the calendar forward: ``day`` is the next free day, ``used`` its hours taken."""

    def __init__(self, calendar: Calendar) -> None:
        self.calendar = calendar
        self.day = calendar.start
        self.used = 0.0
        self.sessions: list[PlannedSession] = []
        self.practice: list[PlannedPractice] = []
        self.limit = calendar.end + OVERFLOW_LIMIT

    def add_teaching(self, module: Module) -> None:
        remaining = module.hours
        per_day = self.calendar.hours_per_day
        while remaining > EPSILON:
            if self.used == 0:
                self.day = self._next_teaching_day(self.day)
            hours = min(per_day - self.used, remaining)
            self.sessions.append(
                PlannedSession(
                    module.code, self.day, _later(self.calendar.day_starts_at, self.used), hours
                )
            )
            remaining -= hours
            self.used += hours
            if self.used >= per_day - EPSILON:
                self.day, self.used = self.day + ONE_DAY, 0.0

    def add_practice(self, module: Module) -> None:
        if self.used:
            self.day, self.used = self.day + ONE_DAY, 0.0
        start = self.day
        if self.sessions or self.practice:  # after teaching, practice begins on a Monday
            start += timedelta(days=(7 - start.weekday()) % 7)
        weeks = counted = 0
        first = last = None
        while counted < (module.weeks or 0):
            week = start + timedelta(weeks=weeks)
            if week > self.limit:
                break
            open_days = [d for d in _days(week, week + timedelta(days=6)) if self._open(d)]
            if open_days:
                counted += 1
                first = first or week
                last = _friday_or_before(week + timedelta(days=6))
            weeks += 1
        first, last = first or start, last or start
        self.practice.append(PlannedPractice(module.code, first, last))
        self.day = last + ONE_DAY

    def _open(self, day: date) -> bool:
        return day.isoweekday() <= 5 and self.calendar.day_off(day) is None

    def _next_teaching_day(self, day: date) -> date:
        while not self.calendar.is_teaching_day(day):
            day += ONE_DAY
            if day > self.limit:
                raise ValueError("no teaching day within reach of the calendar")
        return day


# Explaining the calendar -----------------------------------------------------------------


@dataclass(frozen=True)
class DayOff:
    start: date
    end: date
    reason: str


@dataclass
class Week:
    monday: date
    items: list[Any] = field(default_factory=list)
    practice: list[Any] = field(default_factory=list)
    days_off: list[DayOff] = field(default_factory=list)

    @property
    def number(self) -> int:
        return self.monday.isocalendar().week

    @property
    def sunday(self) -> date:
        return self.monday + timedelta(days=6)


def days_off(calendar: Calendar, first: date, last: date) -> list[DayOff]:
    """Weekdays without teaching between two dates, consecutive days with one reason joined."""
    runs: list[DayOff] = []
    for day in _days(first, last):
        reason = calendar.day_off(day) if day.isoweekday() <= 5 else None
        if reason is None:
            continue
        previous = runs[-1] if runs else None
        if previous and previous.reason == reason and _next_weekday(previous.end) == day:
            runs[-1] = DayOff(previous.start, day, reason)
        else:
            runs.append(DayOff(day, day, reason))
    return runs


def skipped_teaching_days(calendar: Calendar) -> list[DayOff]:
    """The runs of days off in the cohort's period that take away at least one teaching day."""
    return [
        run
        for run in days_off(calendar, calendar.start, calendar.end)
        if any(day.isoweekday() in calendar.weekdays for day in _days(run.start, run.end))
    ]


def weeks_of(
    calendar: Calendar,
    items: Iterable[Any],
    practice: Iterable[Any],
    first: date | None = None,
    last: date | None = None,
) -> list[Week]:
    """The calendar week by week from ``first`` to ``last`` (the cohort's period by default).

    ``items`` have a ``date`` (sessions), ``practice`` a ``start_date`` and ``end_date``;
    items outside the period (a session moved late, say) get weeks of their own.
    """
    items = sorted(items, key=lambda item: (item.date, item.starts_at))
    first = first or calendar.start
    last = last or calendar.end
    mondays = {_monday(day) for day in _every_week(first, last)}
    mondays |= {_monday(item.date) for item in items}
    weeks = {monday: Week(monday) for monday in sorted(mondays)}
    for item in items:
        weeks[_monday(item.date)].items.append(item)
    for period in practice:
        for monday, week in weeks.items():
            if period.start_date <= monday + timedelta(days=6) and monday <= period.end_date:
                week.practice.append(period)
    for run in days_off(calendar, _monday(first), _monday(last) + timedelta(days=6)):
        for monday in _every_week(run.start, run.end):  # a break over New Year is two weeks
            if monday in weeks:
                part = DayOff(
                    max(run.start, monday), min(run.end, monday + timedelta(4)), run.reason
                )
                weeks[monday].days_off.append(part)
    return list(weeks.values())


def weeks_shown(
    calendar: Calendar, items: Iterable[Any], practice: Iterable[Any], first: date | None
) -> list[Week]:
    """``weeks_of`` from the week of ``first`` on (None: the whole period); no weeks at all
    once the period has ended."""
    start = max(first, calendar.start) if first else None
    if start and start > calendar.end:
        return []
    return weeks_of(calendar, items, practice, first=start)


def first_shown(today: date, show_all: bool) -> date | None:
    """Where a trainee's timetable starts: this week's Monday, or (None) the beginning."""
    return None if show_all else _monday(today)


def week_anchor(day: date) -> str:
    """The timetable's anchor for the week of ``day``: uke-2027-01-04."""
    return f"uke-{_monday(day).isoformat()}"


def practice_week(period: Any, monday: date) -> int:
    """Which week of a practice period (1, 2, …) the week starting ``monday`` is."""
    return (monday - _monday(period.start_date)).days // 7 + 1


def parse_weekdays(text: str) -> frozenset[int]:
    """ "1,3" → {1, 3}; anything that is not a weekday number is left out."""
    return frozenset(int(p) for p in text.split(",") if p.strip().isdigit() and 1 <= int(p) <= 7)


def format_hours(hours: float) -> str:
    """Hours as Norwegians write them: 5, 2,5."""
    return f"{hours:g}".replace(".", ",")


# Small helpers ---------------------------------------------------------------------------


def _later(start: time, hours: float) -> time:
    moment = datetime.combine(date.min, start) + timedelta(hours=hours)
    return moment.time()


def _days(first: date, last: date) -> Iterable[date]:
    day = first
    while day <= last:
        yield day
        day += ONE_DAY


def _every_week(first: date, last: date) -> Iterable[date]:
    day = _monday(first)
    while day <= last:
        yield day
        day += timedelta(weeks=1)


def _monday(day: date) -> date:
    return day - timedelta(days=day.weekday())


def _next_weekday(day: date) -> date:
    day += ONE_DAY
    while day.isoweekday() > 5:
        day += ONE_DAY
    return day


def _friday_or_before(day: date) -> date:
    while day.isoweekday() > 5:
        day -= ONE_DAY
    return day


def _weeks_between(first: date, last: date) -> int:
    return max(0, -(-((last - first).days + 1) // 7))


def _day(day: date) -> str:
    return day.strftime("%d.%m.%Y")
