"""What waits for the supervisor on each placement: an answer, weeks of hours to sign,
meetings due, the final evaluation. The rules are pure; the facts for a whole list of
placements are read in three queries."""

from collections import defaultdict
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import func, select

from mbtrain.extensions import db
from mbtrain.placements.models import (
    FinalEvaluation,
    HoursEntry,
    Meeting,
    MeetingKind,
    Placement,
    PlacementStatus,
)

# The final meeting and the final evaluation fall due this long before the last day.
FINAL_NOTICE = timedelta(days=14)


@dataclass(frozen=True)
class Waiting:
    answer: bool = False  # a request for a place, to confirm or decline
    hours_weeks: int = 0  # weeks the trainee has logged that are not signed yet
    meetings: tuple[MeetingKind, ...] = ()
    evaluation: bool = False

    @property
    def anything(self) -> bool:
        return self.answer or bool(self.hours_weeks or self.meetings) or self.evaluation


def meetings_due(
    start: date, end: date, held: Collection[MeetingKind], today: date
) -> tuple[MeetingKind, ...]:
    """The follow-up meetings that should have been held by today and were not: the start
    meeting from the first day, the midway meeting from the middle, the final meeting in
    the last two weeks."""
    middle = start + (end - start) / 2
    due_from = {
        MeetingKind.OPPSTART: start,
        MeetingKind.MIDTVEIS: middle,
        MeetingKind.SLUTT: end - FINAL_NOTICE,
    }
    return tuple(kind for kind, first in due_from.items() if today >= first and kind not in held)


def evaluation_due(status: PlacementStatus, end: date, evaluated: bool, today: date) -> bool:
    """The final evaluation is due in a placement's last two weeks, until it is signed."""
    return status is PlacementStatus.ACTIVE and not evaluated and today >= end - FINAL_NOTICE


def waiting_for(placements: Sequence[Placement], today: date) -> dict[int, Waiting]:
    ids = [p.id for p in placements]
    if not ids:
        return {}
    unsigned = dict(
        db.session.execute(
            select(HoursEntry.placement_id, func.count(HoursEntry.id))
            .where(HoursEntry.placement_id.in_(ids), HoursEntry.confirmed_signature_id.is_(None))
            .group_by(HoursEntry.placement_id)
        ).all()
    )
    held: dict[int, set[MeetingKind]] = defaultdict(set)
    for placement_id, kind in db.session.execute(
        select(Meeting.placement_id, Meeting.kind).where(Meeting.placement_id.in_(ids)).distinct()
    ):
        held[placement_id].add(kind)
    evaluated = set(
        db.session.scalars(
            select(FinalEvaluation.placement_id).where(FinalEvaluation.placement_id.in_(ids))
        )
    )
    return {p.id: _waiting(p, unsigned, held, evaluated, today) for p in placements}


def _waiting(placement, unsigned, held, evaluated, today: date) -> Waiting:
    if placement.status is PlacementStatus.PROPOSED:
        return Waiting(answer=True)
    if placement.status is not PlacementStatus.ACTIVE:
        return Waiting()  # hours are signed, and meetings fall due, while it goes on
    return Waiting(
        hours_weeks=unsigned.get(placement.id, 0),
        meetings=meetings_due(placement.start_date, placement.end_date, held[placement.id], today),
        evaluation=evaluation_due(
            placement.status, placement.end_date, placement.id in evaluated, today
        ),
    )
