"""Planning a timetable from a curriculum: pure, no database."""

from datetime import date, time, timedelta

import holidays
import pytest

from mbtrain.curriculum.definition import Module, ModuleKind
from mbtrain.curriculum.loader import shipped_curricula
from mbtrain.schedule.rules import (
    Calendar,
    ClosedDays,
    ScheduleDoesNotFit,
    days_off,
    ordered_modules,
    parse_weekdays,
    plan_schedule,
    practice_week,
    weeks_of,
)

NORWAY = dict(holidays.country_holidays("NO", years=range(2026, 2031), language="no"))
CURRICULUM = shipped_curricula()[0]


def calendar(start=date(2027, 1, 4), end=date(2027, 12, 17), weekdays="1,2", **kwargs):
    return Calendar(
        start=start,
        end=end,
        weekdays=parse_weekdays(weekdays),
        hours_per_day=kwargs.pop("hours_per_day", 5.0),
        day_starts_at=kwargs.pop("day_starts_at", time(9)),
        closed=kwargs.pop("closed", ()),
        holidays=kwargs.pop("holidays", NORWAY),
    )


def theory(code: str, hours: float, block: str = "Teori") -> Module:
    return Module(code, f"Modul {code}", block, ModuleKind.THEORY, hours, (), "", True)


def practice(code: str, weeks: int) -> Module:
    return Module(code, f"Praksis {code}", "Praksis", ModuleKind.PRACTICE, 190, (), "", True, weeks)


def test_the_national_curriculum_fits_a_year_of_mondays_and_tuesdays():
    schedule = plan_schedule(ordered_modules(CURRICULUM), calendar())
    for module in CURRICULUM.modules:
        if module.kind is not ModuleKind.PRACTICE:
            taught = sum(s.hours for s in schedule.sessions if s.module_code == module.code)
            assert taught == module.hours, module.code
    assert {s.date.isoweekday() for s in schedule.sessions} == {1, 2}
    assert next(s.module_code for s in schedule.sessions) == "OPP-01"
    assert [s.module_code for s in schedule.sessions][-1] == "PRO-01"
    assert [p.module_code for p in schedule.practice] == ["P1-01", "P2-01"]
    for period in schedule.practice:
        assert period.start_date.isoweekday() == 1  # practice starts on a Monday
        assert period.end_date.isoweekday() == 5
        assert (period.end_date - period.start_date).days + 3 >= 10 * 7
    # No teaching inside a practice period, and the blocks come in the curriculum's order.
    first, second = schedule.practice
    for session in schedule.sessions:
        assert not first.start_date <= session.date <= first.end_date
        assert not second.start_date <= session.date <= second.end_date
    t1 = [s.date for s in schedule.sessions if s.module_code.startswith("T1")]
    t2 = [s.date for s in schedule.sessions if s.module_code.startswith("T2")]
    assert max(t1) < first.start_date <= first.end_date < min(t2)
    assert schedule.last_day <= date(2027, 12, 17)


@pytest.mark.parametrize(
    "day,name",
    [
        (date(2026, 12, 25), "Første juledag"),
        (date(2027, 1, 1), "Første nyttårsdag"),
        (date(2027, 3, 25), "Skjærtorsdag"),
        (date(2027, 3, 26), "Langfredag"),
        (date(2027, 3, 29), "Andre påskedag"),
        (date(2027, 5, 6), "Kristi himmelfartsdag"),
        (date(2027, 5, 17), "Grunnlovsdag"),
    ],
)
def test_public_holidays_get_no_teaching_and_say_why(day, name):
    cal = calendar(start=date(2026, 12, 1), end=date(2027, 12, 17), weekdays="1,2,3,4,5")
    schedule = plan_schedule([theory("T-1", 1000)], cal)
    taught = {s.date for s in schedule.sessions}
    assert day not in taught
    after = day + timedelta(days=1)
    while after.isoweekday() > 5 or after in NORWAY:
        after += timedelta(days=1)
    assert after in taught  # the teaching goes on at the next open day
    assert any(
        run.start <= day <= run.end and name in run.reason for run in days_off(cal, day, day)
    )


def test_closed_periods_are_skipped_and_explained():
    winter = ClosedDays(date(2027, 2, 15), date(2027, 2, 19), "Vinterferie")
    cal = calendar(weekdays="1,2,3,4,5", closed=(winter,))
    schedule = plan_schedule([theory("T-1", 250)], cal)
    assert not [s for s in schedule.sessions if winter.start <= s.date <= winter.end]
    assert date(2027, 2, 22) in {s.date for s in schedule.sessions}
    runs = days_off(cal, date(2027, 2, 15), date(2027, 2, 21))
    assert runs == [type(runs[0])(winter.start, winter.end, "Vinterferie")]


def test_a_closed_week_does_not_count_as_a_practice_week():
    summer = ClosedDays(date(2027, 7, 5), date(2027, 7, 30), "Sommerferie")
    plain = plan_schedule([theory("T-1", 5), practice("P-1", 10)], calendar(start=date(2027, 6, 7)))
    closed = plan_schedule(
        [theory("T-1", 5), practice("P-1", 10)], calendar(start=date(2027, 6, 7), closed=(summer,))
    )
    assert plain.practice[0].start_date == closed.practice[0].start_date == date(2027, 6, 14)
    assert closed.practice[0].end_date - plain.practice[0].end_date == timedelta(weeks=4)


def test_a_module_ending_mid_day_leaves_the_rest_of_the_day_to_the_next():
    schedule = plan_schedule([theory("A", 12), theory("B", 8)], calendar(weekdays="1"))
    rows = [(s.module_code, s.date, s.starts_at, s.hours) for s in schedule.sessions]
    assert rows == [
        ("A", date(2027, 1, 4), time(9), 5),
        ("A", date(2027, 1, 11), time(9), 5),
        ("A", date(2027, 1, 18), time(9), 2),
        ("B", date(2027, 1, 18), time(11), 3),
        ("B", date(2027, 1, 25), time(9), 5),
    ]


def test_a_curriculum_too_long_for_the_calendar_says_how_much_is_missing():
    cal = calendar(start=date(2027, 1, 4), end=date(2027, 1, 12), weekdays="1")
    with pytest.raises(ScheduleDoesNotFit) as caught:
        plan_schedule([theory("A", 20)], cal)
    error = caught.value
    assert (error.missing_hours, error.missing_days) == (10, 2)
    message = str(error)
    assert "Læreplanen får ikke plass mellom 04.01.2027 og 12.01.2027" in message
    assert "det mangler 10 undervisningstimer (2 undervisningsdager)" in message
    assert "ville timeplanen sluttet 25.01.2027" in message


def test_missing_practice_weeks_are_counted_too():
    cal = calendar(start=date(2027, 1, 4), end=date(2027, 2, 26), weekdays="1")
    with pytest.raises(ScheduleDoesNotFit) as caught:
        plan_schedule([theory("A", 5), practice("P", 10)], cal)
    assert caught.value.missing_practice_weeks == 3
    assert "3 praksisuker" in str(caught.value)


def test_the_national_curriculum_does_not_fit_one_day_a_week():
    with pytest.raises(ScheduleDoesNotFit) as caught:
        plan_schedule(ordered_modules(CURRICULUM), calendar(weekdays="3"))
    assert caught.value.missing_hours > 0
    assert "undervisningstimer" in str(caught.value)


def test_weeks_group_sessions_practice_and_days_off():
    cal = calendar(start=date(2027, 3, 22), end=date(2027, 6, 30))
    schedule = plan_schedule([theory("A", 10), practice("P", 2)], cal)
    weeks = weeks_of(cal, schedule.sessions, schedule.practice)
    easter = next(w for w in weeks if w.monday == date(2027, 3, 29))
    assert [run.reason for run in easter.days_off] == ["Andre påskedag"]
    first_week = weeks[0]
    assert [run.reason for run in first_week.days_off] == ["Skjærtorsdag", "Langfredag"]
    practice_weeks = [w for w in weeks if w.practice]
    assert [practice_week(w.practice[0], w.monday) for w in practice_weeks] == [1, 2]
    assert sum(len(w.items) for w in weeks) == 2


def test_a_break_over_new_year_is_explained_in_each_week():
    christmas = ClosedDays(date(2026, 12, 21), date(2027, 1, 1), "Juleferie")
    cal = calendar(start=date(2026, 12, 1), closed=(christmas,))
    weeks = {w.monday: w for w in weeks_of(cal, [], [])}
    assert [(r.start, r.end, r.reason) for r in weeks[date(2026, 12, 21)].days_off] == [
        (date(2026, 12, 21), date(2026, 12, 25), "Juleferie")  # Christmas Day is in the break
    ]
    assert [(r.start, r.end) for r in weeks[date(2026, 12, 28)].days_off] == [
        (date(2026, 12, 28), date(2027, 1, 1))
    ]


def test_weekdays_text_is_read_leniently():
    assert parse_weekdays("1,3") == {1, 3}
    assert parse_weekdays(" 2, x,9,5") == {2, 5}
    assert parse_weekdays("") == frozenset()
