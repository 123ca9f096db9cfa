"""The suggested allocation: pure, deterministic, within capacity, preferences first."""

import random
from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from mbtrain.offers.matching import Candidate, Offer, Suggestion, suggest_allocation


def candidate(cid: int, applied: str, *preferences: int) -> Candidate:
    return Candidate(cid, (date.fromisoformat(applied), cid), tuple(preferences))


def as_map(suggestions: list[Suggestion]) -> dict[int, int | None]:
    return {s.candidate_id: s.offer_id for s in suggestions}


def test_everyone_gets_their_first_choice_when_there_is_room():
    result = suggest_allocation(
        [candidate(1, "2026-09-01", 10, 20), candidate(2, "2026-09-02", 20, 10)],
        [Offer(10, 1), Offer(20, 1)],
    )
    assert result == [Suggestion(1, 10, 1), Suggestion(2, 20, 1)]


def test_over_subscription_goes_by_earliest_application_then_next_choice():
    # Three want Fjordtun (10, one place); the earliest applicant gets it.
    result = suggest_allocation(
        [
            candidate(3, "2026-09-03", 10, 30),
            candidate(1, "2026-09-01", 10, 20),
            candidate(2, "2026-09-02", 10, 20),
        ],
        [Offer(10, 1), Offer(20, 1), Offer(30, 5)],
    )
    assert [(s.candidate_id, s.offer_id, s.rank) for s in result] == [
        (1, 10, 1),
        (2, 20, 2),
        (3, 30, 2),
    ]


def test_a_tie_on_the_application_date_goes_to_the_lower_enrolment_id():
    same_day = [candidate(8, "2026-09-01", 10), candidate(5, "2026-09-01", 10)]
    assert as_map(suggest_allocation(same_day, [Offer(10, 1), Offer(20, 1)])) == {5: 10, 8: 20}


def test_those_without_wishes_fill_the_roomiest_offer_and_the_rest_get_none():
    result = suggest_allocation(
        [
            candidate(1, "2026-09-01"),
            candidate(2, "2026-09-02"),
            candidate(3, "2026-09-03"),
            candidate(4, "2026-09-04"),
        ],
        [Offer(10, 1), Offer(20, 2)],
    )
    # 20 has most room, then 10 and 20 have one each (tie: lower id), then nothing is left.
    assert as_map(result) == {1: 20, 2: 10, 3: 20, 4: None}
    assert all(s.rank is None for s in result)


def test_full_wishes_fall_back_to_capacity_after_everyone_had_their_turn():
    # 2 wants only 10; 3 wants 20. 2 must not take 20 before 3 has had a turn at it.
    result = suggest_allocation(
        [
            candidate(1, "2026-09-01", 10),
            candidate(2, "2026-09-02", 10),
            candidate(3, "2026-09-03", 20),
        ],
        [Offer(10, 1), Offer(20, 1), Offer(30, 1)],
    )
    assert as_map(result) == {1: 10, 2: 30, 3: 20}


@pytest.mark.parametrize(
    "preferences,expected",
    [
        pytest.param((99, 10), (10, 2), id="unknown-offer-passed-over"),
        pytest.param((10, 10), (10, 1), id="repeated-offer"),
        pytest.param((), (10, None), id="no-wishes"),
    ],
)
def test_odd_preferences(preferences, expected):
    (suggestion,) = suggest_allocation([candidate(1, "2026-09-01", *preferences)], [Offer(10, 1)])
    assert (suggestion.offer_id, suggestion.rank) == expected


def test_no_offers_means_no_places():
    assert suggest_allocation([candidate(1, "2026-09-01", 10)], []) == [Suggestion(1, None, None)]


def test_offers_with_no_places_are_never_used():
    result = suggest_allocation([candidate(1, "2026-09-01", 10)], [Offer(10, 0), Offer(20, -1)])
    assert result == [Suggestion(1, None, None)]


candidates_strategy = st.lists(
    st.tuples(st.integers(0, 30), st.lists(st.integers(1, 6), max_size=6)),
    max_size=25,
)
offers_strategy = st.lists(st.tuples(st.integers(1, 6), st.integers(0, 4)), max_size=6)


@given(candidates_strategy, offers_strategy, st.randoms(use_true_random=False))
def test_capacity_is_respected_and_input_order_does_not_matter(raw_candidates, raw_offers, rng):
    candidates = [
        Candidate(cid, (day, cid), tuple(prefs)) for cid, (day, prefs) in enumerate(raw_candidates)
    ]
    offers = list({oid: Offer(oid, places) for oid, places in raw_offers}.values())
    result = suggest_allocation(candidates, offers)

    assert sorted(s.candidate_id for s in result) == sorted(c.id for c in candidates)
    for offer in offers:
        assert sum(s.offer_id == offer.id for s in result) <= max(0, offer.places)
    free_total = sum(max(0, o.places) for o in offers)
    assert sum(s.offer_id is not None for s in result) == min(len(candidates), free_total)
    shuffled_candidates, shuffled_offers = candidates[:], offers[:]
    rng.shuffle(shuffled_candidates)
    rng.shuffle(shuffled_offers)
    assert suggest_allocation(shuffled_candidates, shuffled_offers) == result


def test_nobody_gets_an_offer_they_ranked_lower_while_a_higher_one_went_to_someone_later():
    """Serial dictatorship: no one envies the choice of someone who came after them."""
    rng = random.Random(7)
    for _ in range(200):
        offers = [Offer(oid, rng.randint(0, 2)) for oid in range(1, 5)]
        candidates = [
            Candidate(cid, (cid,), tuple(rng.sample(range(1, 5), rng.randint(0, 4))))
            for cid in range(8)
        ]
        got = as_map(suggest_allocation(candidates, offers))
        for earlier in candidates:
            mine = got[earlier.id]
            better = (
                earlier.preferences[: earlier.preferences.index(mine)]
                if mine in earlier.preferences
                else earlier.preferences
            )
            for later in candidates[earlier.id + 1 :]:
                assert got[later.id] not in better
