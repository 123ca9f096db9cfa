"""Attendance rules. Pure: plain values in, plain values out, tested without a database.

How a recorded status counts is read from the curriculum's completion rule
(``counts_against_attendance``), never decided here:

- «Til stede» counts the hours present; the hours of the session not present (partial
  presence) count against attendance, as nobody recorded why they were missed.
- A status listed in ``counts_against_attendance`` counts the whole session as absence.
- A status not listed there (say, «Avtalt fravær» in a curriculum that excuses it) takes the
  session out of the reckoning: neither present nor absent.
- A session with nothing recorded for the trainee is left out too, and reported separately.
"""

import math
from collections.abc import Collection, Iterable
from dataclasses import dataclass

from flask_babel import gettext as _

from mbtrain.curriculum.definition import AttendanceStatus
from mbtrain.schedule.rules import format_hours

EPSILON = 1e-9


class EntryError(ValueError):
    """One row of a sheet that cannot be saved; the message says why, in Norwegian."""


def hours_present(status: AttendanceStatus, hours: float | None, session_hours: float) -> float:
    """The hours present to store for one trainee at one session.

    Hours are given only with «Til stede», for partial presence; left out, they are the whole
    session. With any other status the trainee was not there, and the hours are 0.
    """
    if hours is not None and not (math.isfinite(hours) and 0 <= hours <= session_hours):
        raise EntryError(
            _(
                "Timer til stede må være mellom 0 og %(hours)s (øktens lengde).",
                hours=format_hours(session_hours),
            )
        )
    if status is not AttendanceStatus.TIL_STEDE:
        if hours:
            raise EntryError(
                _(
                    "Timer føres bare for «Til stede». For «%(status)s» skal feltet stå tomt.",
                    status=status.label,
                )
            )
        return 0.0
    if hours is None:
        return session_hours
    if hours == 0:
        raise EntryError(_("«Til stede» med 0 timer går ikke. Velg en fraværsstatus i stedet."))
    return hours


@dataclass(frozen=True)
class Entry:
    """One trainee at one held session: its length and what was recorded (None: nothing)."""

    session_hours: float
    status: AttendanceStatus | None = None
    hours_present: float = 0.0


@dataclass(frozen=True)
class AttendanceSummary:
    planned_hours: float  # every held session
    present_hours: float
    absent_hours: float  # absence that counts against attendance
    excused_hours: float  # absence that does not count
    unrecorded_hours: float  # sessions with nothing recorded yet

    @property
    def counted_hours(self) -> float:
        """The hours the percentage is taken of."""
        return self.present_hours + self.absent_hours

    @property
    def ratio(self) -> float | None:
        """Share of counted hours present (0.0–1.0); None when nothing counts yet."""
        if self.counted_hours <= EPSILON:
            return None
        return self.present_hours / self.counted_hours

    @property
    def percent(self) -> int | None:
        """Whole percent, rounded down, so that 79.9 % never shows as 80 %."""
        ratio = self.ratio
        return None if ratio is None else math.floor(ratio * 100 + EPSILON)

    def meets(self, minimum: float) -> bool:
        ratio = self.ratio
        return ratio is None or ratio + EPSILON >= minimum

    def best_possible(self, hours_to_come: float) -> float | None:
        """The ratio if the trainee is present at every hour still to come."""
        counted = self.counted_hours + hours_to_come
        if counted <= EPSILON:
            return None
        return (self.present_hours + hours_to_come) / counted


def summarise(
    entries: Iterable[Entry], counts_against: Collection[AttendanceStatus]
) -> AttendanceSummary:
    planned = present = absent = excused = unrecorded = 0.0
    for entry in entries:
        planned += entry.session_hours
        if entry.status is None:
            unrecorded += entry.session_hours
        elif entry.status is AttendanceStatus.TIL_STEDE:
            attended = min(entry.hours_present, entry.session_hours)
            present += attended
            absent += entry.session_hours - attended
        elif entry.status in counts_against:
            absent += entry.session_hours
        else:
            excused += entry.session_hours
    return AttendanceSummary(planned, present, absent, excused, unrecorded)


def summarise_by_trainee(
    entries: Iterable[tuple[int, Entry]], counts_against: Collection[AttendanceStatus]
) -> dict[int, AttendanceSummary]:
    """One summary per key (an enrolment id, say) from (key, entry) pairs."""
    grouped: dict[int, list[Entry]] = {}
    for key, entry in entries:
        grouped.setdefault(key, []).append(entry)
    return {key: summarise(group, counts_against) for key, group in grouped.items()}
