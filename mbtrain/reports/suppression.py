"""Small numbers are hidden, as official Norwegian statistics do, so no one can be picked out.

In county and national reports any figure that describes one to four people is shown as
«<5». Zero is shown: it describes nobody. A percentage is hidden when its numerator or its
denominator is hidden, since either could be worked back from it. Within a group of figures
that add up to a shown total (the statuses of a year, the situations at a follow-up), one
hidden figure alone could be worked out by subtraction; then the next-smallest figure is
hidden too (secondary suppression).

Pure functions on plain numbers: tested without a database.
"""

from collections.abc import Hashable, Mapping
from typing import TypeVar

THRESHOLD = 5
HIDDEN = "<5"

Shown = int | str
K = TypeVar("K", bound=Hashable)


def hidden(count: int, threshold: int = THRESHOLD) -> bool:
    return 0 < count < threshold


def suppress(count: int, threshold: int = THRESHOLD) -> Shown:
    """The count, or «<5» if it describes one to four people."""
    return HIDDEN if hidden(count, threshold) else count


def suppress_percent(numerator: int, denominator: int, threshold: int = THRESHOLD) -> Shown | None:
    """A whole percentage; None when there is nothing to divide by."""
    if denominator == 0:
        return None
    if hidden(numerator, threshold) or hidden(denominator, threshold):
        return HIDDEN
    return round(100 * numerator / denominator)


def suppress_group(counts: Mapping[K, int], threshold: int = THRESHOLD) -> dict[K, Shown]:
    """Each figure of a group whose total is shown, with secondary suppression."""
    shown: dict[K, Shown] = {key: suppress(value, threshold) for key, value in counts.items()}
    hidden_keys = [key for key, value in shown.items() if value == HIDDEN]
    if len(hidden_keys) == 1:
        others = sorted(
            (value, index)
            for index, (key, value) in enumerate(counts.items())
            if shown[key] != HIDDEN and value > 0
        )
        if others:
            key = list(counts)[others[0][1]]
            shown[key] = HIDDEN
    return shown


def unsuppressed(count: int) -> Shown:
    """For the cohort report, which shows its own coordinator the true figures."""
    return count


def percent(numerator: int, denominator: int) -> Shown | None:
    return None if denominator == 0 else round(100 * numerator / denominator)
