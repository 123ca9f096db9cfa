"""The coordinator's overview of a cohort's placements: each practice module with who has (or
still lacks) a place and the offers with their free places, in a fixed number of queries."""

from collections import defaultdict
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import joinedload

from mbtrain.cohorts.models import Cohort
from mbtrain.curriculum.definition import Module
from mbtrain.enrolments.models import Enrolment, EnrolmentStatus
from mbtrain.enrolments.transitions import HOLDS_PLACE
from mbtrain.extensions import db
from mbtrain.people.models import Person
from mbtrain.placements.models import Placement, PlacementOffer
from mbtrain.placements.rules import IN_FORCE
from mbtrain.placements.services import (
    free_places,
    practice_module,
    practice_modules,
    practice_periods,
)
from mbtrain.schedule.models import PracticePeriod

# Enrolments shown on the coordinator's placement pages.
ON_THE_BOARD = HOLDS_PLACE | {EnrolmentStatus.FULLFORT, EnrolmentStatus.AVBRUTT}


@dataclass
class Row:
    enrolment: Enrolment
    placements: list[Placement] = field(default_factory=list)

    @property
    def lacking(self) -> bool:
        return self.enrolment.status in HOLDS_PLACE and not any(
            p.status in IN_FORCE for p in self.placements
        )


@dataclass
class Board:
    """One practice module of a cohort: when, who has (or lacks) a place, and the offers."""

    module: Module
    period: PracticePeriod | None
    rows: list[Row]
    offers: list[tuple[PlacementOffer, int]]  # (offer, free places)

    @property
    def lacking(self) -> list[Row]:
        return [row for row in self.rows if row.lacking]

    @property
    def free(self) -> int:
        return sum(free for offer, free in self.offers if offer.open)


def boards(cohort: Cohort) -> list[Board]:
    """Every practice module of the cohort with its placements and offers, in a fixed number
    of queries whatever the cohort's size."""
    enrolments = db.session.scalars(
        select(Enrolment)
        .join(Person, Person.id == Enrolment.person_id)
        .where(Enrolment.cohort_id == cohort.id, Enrolment.status.in_(ON_THE_BOARD))
        .options(joinedload(Enrolment.person))
        .order_by(Person.name, Enrolment.id)
    ).all()
    placements = db.session.scalars(
        select(Placement)
        .join(Enrolment, Enrolment.id == Placement.enrolment_id)
        .where(Enrolment.cohort_id == cohort.id)
        .options(joinedload(Placement.organisation))
        .order_by(Placement.start_date, Placement.id)
    ).all()
    offers = db.session.scalars(
        select(PlacementOffer)
        .where(PlacementOffer.cohort_id == cohort.id)
        .options(joinedload(PlacementOffer.organisation))
        .order_by(PlacementOffer.start_date, PlacementOffer.id)
    ).all()
    free = free_places(list(offers))
    periods = practice_periods(cohort)
    by_key: dict[tuple[int, str], list[Placement]] = defaultdict(list)
    for placement in placements:
        by_key[placement.enrolment_id, placement.module_code].append(placement)
    return [
        Board(
            module=module,
            period=periods.get(module.code),
            rows=[Row(e, by_key[e.id, module.code]) for e in enrolments],
            offers=[(o, free[o.id]) for o in offers if o.module_code == module.code],
        )
        for module in practice_modules(cohort)
    ]


def board(cohort: Cohort, module_code: str) -> Board:
    practice_module(cohort, module_code)
    return next(b for b in boards(cohort) if b.module.code == module_code)
