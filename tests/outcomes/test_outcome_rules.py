"""Follow-up dates and field rules, without a database."""

from datetime import date

import pytest

from mbtrain.outcomes.models import EmployerType, Situation
from mbtrain.outcomes.services import OutcomeFields, add_months, check_fields, missing_points


@pytest.mark.parametrize(
    ("day", "months", "expected"),
    [
        (date(2026, 1, 31), 3, date(2026, 4, 30)),
        (date(2025, 11, 30), 3, date(2026, 2, 28)),
        (date(2026, 6, 15), 12, date(2027, 6, 15)),
        (date(2026, 10, 1), 6, date(2027, 4, 1)),
        (date(2026, 4, 30), -3, date(2026, 1, 30)),
    ],
)
def test_months_later_keeps_the_day_or_the_months_last(day, months, expected):
    assert add_months(day, months) == expected


def test_due_list_holds_what_is_overdue_or_due_within_thirty_days():
    ended = date(2026, 1, 15)
    assert missing_points(ended, [], date(2026, 3, 20)) == [(3, date(2026, 4, 15))]
    assert missing_points(ended, [3], date(2026, 3, 20)) == []
    assert missing_points(ended, [], date(2027, 2, 1)) == [
        (3, date(2026, 4, 15)),
        (6, date(2026, 7, 15)),
        (12, date(2027, 1, 15)),
    ]


@pytest.mark.parametrize(
    ("situation", "employer", "percent", "fields_in_error"),
    [
        (Situation.ARBEID_MB, EmployerType.KOMMUNE, 50, set()),
        (Situation.ARBEID_MB, None, None, {"employer_type", "position_percent"}),
        (Situation.ANNET_ARBEID, EmployerType.PRIVAT, None, {"position_percent"}),
        (Situation.UTDANNING, None, None, set()),
        (Situation.IKKE_I_ARBEID, EmployerType.NAV, 40, {"employer_type", "position_percent"}),
        (Situation.UKJENT, None, None, set()),
    ],
)
def test_employer_and_percentage_belong_to_work_only(situation, employer, percent, fields_in_error):
    errors = check_fields(OutcomeFields(situation, employer, percent))
    assert set(errors) == fields_in_error
