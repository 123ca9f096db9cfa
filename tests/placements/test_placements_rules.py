"""Pure rules: which status changes are allowed, and the date rules of placements and offers."""

import itertools
from datetime import date

import pytest

from mbtrain.placements.models import PlacementStatus as S
from mbtrain.placements.rules import (
    PlacementError,
    check_transition,
    offer_date_errors,
    placement_date_errors,
)

# Written out independently of the code under test.
EXPECTED = {
    (S.PROPOSED, S.CONFIRMED),
    (S.PROPOSED, S.DECLINED),
    (S.PROPOSED, S.CANCELLED),
    (S.CONFIRMED, S.ACTIVE),
    (S.CONFIRMED, S.CANCELLED),
    (S.ACTIVE, S.COMPLETED),
    (S.ACTIVE, S.CANCELLED),
}


@pytest.mark.parametrize("current,target", list(itertools.product(S, S)))
def test_every_pair_of_statuses(current, target):
    if (current, target) in EXPECTED:
        check_transition(current, target)
    else:
        with pytest.raises(PlacementError) as refused:
            check_transition(current, target)
        assert refused.value.field == "status"
        assert f"fra «{current.label}» til «{target.label}»" in str(refused.value)


COHORT = (date(2027, 1, 4), date(2027, 12, 17))
PRACTICE = (date(2027, 3, 1), date(2027, 5, 7))
IN_COHORT = "Datoen må ligge innenfor kursets periode (04.01.2027–17.12.2027)."
IN_PRACTICE = "Datoen må ligge innenfor praksisperioden (01.03.2027–07.05.2027)."
AFTER = "Sluttdatoen må være etter startdatoen."


def d(text: str) -> date:
    return date.fromisoformat(text)


@pytest.mark.parametrize(
    "start,end,practice,expected",
    [
        pytest.param("2027-03-01", "2027-05-07", PRACTICE, {}, id="exactly-the-period"),
        pytest.param("2027-02-01", "2027-04-01", None, {}, id="unscheduled-inside-cohort"),
        pytest.param("2027-03-10", "2027-03-10", None, {"end_date": AFTER}, id="same-day"),
        pytest.param("2027-04-01", "2027-03-01", None, {"end_date": AFTER}, id="end-before-start"),
        pytest.param(
            "2026-12-01", "2027-02-01", None, {"start_date": IN_COHORT}, id="starts-before-cohort"
        ),
        pytest.param(
            "2027-12-01", "2028-01-10", None, {"end_date": IN_COHORT}, id="ends-after-cohort"
        ),
        pytest.param(
            "2027-02-20", "2027-04-01", PRACTICE, {"start_date": IN_PRACTICE}, id="before-period"
        ),
        pytest.param(
            "2027-04-01", "2027-05-20", PRACTICE, {"end_date": IN_PRACTICE}, id="after-period"
        ),
    ],
)
def test_placement_dates(start, end, practice, expected):
    assert placement_date_errors(d(start), d(end), COHORT, practice) == expected


@pytest.mark.parametrize(
    "start,end,clash",
    [
        pytest.param("2027-03-01", "2027-03-20", True, id="inside-another"),
        pytest.param("2027-02-01", "2027-03-01", True, id="touching-the-first-day"),
        pytest.param("2027-03-15", "2027-04-15", True, id="straddling-the-end"),
        pytest.param("2027-04-01", "2027-04-30", False, id="right-after"),
        pytest.param("2027-02-01", "2027-02-28", False, id="right-before"),
    ],
)
def test_one_trainees_placements_never_overlap(start, end, clash):
    others = [(d("2027-03-01"), d("2027-03-31"))]
    errors = placement_date_errors(d(start), d(end), COHORT, None, others)
    if clash:
        assert errors == {
            "start_date": "Deltakeren har allerede praksis 01.03.2027–31.03.2027. "
            "Praksisperiodene til én deltaker kan ikke overlappe."
        }
    else:
        assert errors == {}


@pytest.mark.parametrize(
    "start,end,scheduled,expected",
    [
        pytest.param("2027-03-01", "2027-05-07", True, {}, id="inside-period"),
        pytest.param(
            "2027-02-01", "2027-05-07", True, {"start_date": IN_PRACTICE}, id="outside-period"
        ),
        pytest.param("2027-02-01", "2027-05-07", False, {}, id="inside-cohort-unscheduled"),
        pytest.param("2027-05-07", "2027-05-07", True, {"end_date": AFTER}, id="same-day"),
    ],
)
def test_offer_dates(start, end, scheduled, expected):
    window = PRACTICE if scheduled else COHORT
    assert offer_date_errors(d(start), d(end), window, scheduled) == expected
