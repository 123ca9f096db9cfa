"""The pure parts of signing and follow-up: canonical content, weeks of a placement, the rules
for logged hours and for proposed dates. No database."""

import hashlib
from datetime import date

import pytest

from mbtrain import create_app
from mbtrain.canonical import canonical_json
from mbtrain.followup.rules import (
    monday_of,
    placement_weeks,
    proposal_errors,
    week_errors,
)
from mbtrain.partner.signing import content_sha256
from mbtrain.placements.models import ProposalKind


@pytest.fixture(scope="module", autouse=True)
def messages():
    """The rules' messages are translatable: a request context gives them a language."""
    app = create_app({"SECRET_KEY": "x" * 40, "SQLALCHEMY_DATABASE_URI": "sqlite://"})
    with app.test_request_context():
        yield


def test_the_canonical_form_does_not_depend_on_key_order_and_keeps_norwegian_letters():
    a = {"trainee": {"name": "Åse Ødegård", "protected": False}, "hours": 7.5}
    b = {"hours": 7.5, "trainee": {"protected": False, "name": "Åse Ødegård"}}
    assert canonical_json(a) == canonical_json(b)
    assert canonical_json(a) == '{"hours":7.5,"trainee":{"name":"Åse Ødegård","protected":false}}'
    assert content_sha256(a) == hashlib.sha256(canonical_json(a).encode()).hexdigest()


def test_any_change_changes_the_hash():
    content = {"weeks": [{"week_start": "2027-03-01", "hours": 18.0}]}
    changed = {"weeks": [{"week_start": "2027-03-01", "hours": 18.5}]}
    assert content_sha256(content) != content_sha256(changed)


def test_the_weeks_of_a_placement_are_its_mondays():
    # Wednesday 3 March to Tuesday 16 March 2027: three ISO weeks (9, 10, 11).
    weeks = placement_weeks(date(2027, 3, 3), date(2027, 3, 16))
    assert weeks == [date(2027, 3, 1), date(2027, 3, 8), date(2027, 3, 15)]
    assert placement_weeks(date(2027, 3, 3), date(2027, 3, 16), today=date(2027, 3, 9)) == [
        date(2027, 3, 1),
        date(2027, 3, 8),
    ]
    assert monday_of(date(2027, 3, 7)) == date(2027, 3, 1)  # a Sunday


PERIOD = (date(2027, 3, 3), date(2027, 5, 7))
TODAY = date(2027, 3, 24)


@pytest.mark.parametrize(
    ("week", "hours", "expected"),
    [
        (date(2027, 3, 1), 18, {}),  # the first week, though it began before the start
        (date(2027, 3, 22), 0, {}),  # this week; nought hours is a real answer
        (date(2027, 3, 15), 60, {}),
        (date(2027, 3, 16), 18, {"week_start": "Uken må begynne på en mandag."}),
        (date(2027, 2, 22), 18, {"week_start": "Uken ligger utenfor praksisperioden."}),
        (date(2027, 5, 10), 18, {"week_start": "Uken ligger utenfor praksisperioden."}),
        (
            date(2027, 3, 29),
            18,
            {"week_start": "Du kan ikke føre timer for en uke som ikke har begynt."},
        ),
        (date(2027, 3, 15), 60.5, {"hours": "Skriv et tall fra 0 til 60."}),
        (date(2027, 3, 15), -1, {"hours": "Skriv et tall fra 0 til 60."}),
        (date(2027, 3, 15), None, {"hours": "Skriv et tall fra 0 til 60."}),
    ],
)
def test_hours_are_logged_for_a_week_of_the_placement_that_has_begun(week, hours, expected):
    assert week_errors(week, hours, PERIOD, TODAY) == expected


K = ProposalKind
CURRENT = (date(2027, 3, 1), date(2027, 5, 7))


@pytest.mark.parametrize(
    ("kind", "start", "end", "field"),
    [
        (K.END_EARLY, None, date(2027, 4, 16), None),
        (K.END_EARLY, None, None, "new_end_date"),
        (K.END_EARLY, None, date(2027, 5, 7), "new_end_date"),  # not earlier
        (K.END_EARLY, None, date(2027, 3, 10), "new_end_date"),  # already past
        (K.CHANGE_DATES, date(2027, 3, 8), date(2027, 5, 14), None),
        (K.CHANGE_DATES, None, date(2027, 5, 14), "new_start_date"),
        (K.CHANGE_DATES, date(2027, 3, 8), date(2027, 3, 8), "new_end_date"),
        (K.CHANGE_DATES, date(2027, 3, 1), date(2027, 5, 7), "new_start_date"),  # unchanged
    ],
)
def test_a_proposal_names_dates_that_make_sense(kind, start, end, field):
    errors = proposal_errors(kind, start, end, CURRENT, TODAY)
    assert (next(iter(errors)) if errors else None) == field
