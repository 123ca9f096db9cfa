"""Small numbers hidden as official statistics do: pure functions, no database."""

import pytest

from mbtrain.reports.suppression import (
    HIDDEN,
    suppress,
    suppress_group,
    suppress_percent,
)


@pytest.mark.parametrize(
    ("count", "shown"), [(0, 0), (1, HIDDEN), (4, HIDDEN), (5, 5), (1234, 1234)]
)
def test_one_to_four_people_are_hidden(count, shown):
    assert suppress(count) == shown


@pytest.mark.parametrize(
    ("numerator", "denominator", "shown"),
    [(3, 40, HIDDEN), (10, 4, HIDDEN), (30, 40, 75), (0, 12, 0), (0, 0, None)],
)
def test_a_percentage_is_hidden_when_either_count_is(numerator, denominator, shown):
    assert suppress_percent(numerator, denominator) == shown


def test_a_lone_hidden_figure_takes_the_next_smallest_with_it():
    # Otherwise «<5» could be worked out from the total: 20 − 10 − 7 = 3.
    shown = suppress_group({"FULLFORT": 10, "AVBRUTT": 3, "DELTAR": 7, "VENTELISTE": 0})
    assert shown == {"FULLFORT": 10, "AVBRUTT": HIDDEN, "DELTAR": HIDDEN, "VENTELISTE": 0}


def test_two_hidden_figures_are_enough_on_their_own():
    shown = suppress_group({"a": 2, "b": 3, "c": 9})
    assert shown == {"a": HIDDEN, "b": HIDDEN, "c": 9}


def test_nothing_small_nothing_hidden():
    assert suppress_group({"a": 5, "b": 0, "c": 9}) == {"a": 5, "b": 0, "c": 9}
