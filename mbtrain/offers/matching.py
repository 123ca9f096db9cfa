"""A suggested allocation of trainees to offered places. Pure and deterministic.

Serial dictatorship: trainees take turns in a fixed order (earliest application first, then
the lowest enrolment id), and each gets their best-ranked offer that still has a free place.
Those whose preferences are all full, or who gave none, are then placed in the same order
on the offer with the most free places left (the lowest offer id on a tie). When the places
run out, the rest get none. The coordinator sees, changes and accepts the suggestion.
"""

from collections.abc import Hashable, Iterable
from dataclasses import dataclass


@dataclass(frozen=True)
class Candidate:
    id: int
    # Turn order: lower goes first (e.g. (applied_on, enrolment id)).
    priority: tuple[Hashable, ...]
    # Offer ids, best first (rank = position + 1). Unknown or full offers are passed over.
    preferences: tuple[int, ...] = ()


@dataclass(frozen=True)
class Offer:
    id: int
    places: int


@dataclass(frozen=True)
class Suggestion:
    candidate_id: int
    offer_id: int | None
    # The rank the candidate gave the offer (1 = first choice); None when placed by capacity
    # or not placed.
    rank: int | None


def suggest_allocation(
    candidates: Iterable[Candidate], offers: Iterable[Offer]
) -> list[Suggestion]:
    """One suggestion per candidate, in turn order; never more than an offer's places."""
    free = {offer.id: max(0, offer.places) for offer in offers}
    order = sorted(candidates, key=lambda c: (c.priority, c.id))
    chosen: dict[int, Suggestion] = {}
    for candidate in order:
        for rank, offer_id in enumerate(candidate.preferences, start=1):
            if free.get(offer_id, 0) > 0:
                free[offer_id] -= 1
                chosen[candidate.id] = Suggestion(candidate.id, offer_id, rank)
                break
    for candidate in order:
        if candidate.id in chosen:
            continue
        offer_id = _roomiest(free)
        if offer_id is not None:
            free[offer_id] -= 1
        chosen[candidate.id] = Suggestion(candidate.id, offer_id, None)
    return [chosen[candidate.id] for candidate in order]


def _roomiest(free: dict[int, int]) -> int | None:
    open_offers = [(-places, offer_id) for offer_id, places in free.items() if places > 0]
    return min(open_offers)[1] if open_offers else None
