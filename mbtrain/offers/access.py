"""An offer, a cohort's allocation board or a trainee's enrolment for a page: found and
checked against this user in one query; 404 otherwise, as for one that does not exist."""

from flask import abort
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from mbtrain.cohorts.access import load_cohort
from mbtrain.cohorts.models import Cohort, CohortStatus
from mbtrain.enrolments.models import Enrolment
from mbtrain.enrolments.transitions import HOLDS_PLACE
from mbtrain.extensions import db
from mbtrain.ids import id_from
from mbtrain.offers.boards import Board, board
from mbtrain.organisations.models import Organisation
from mbtrain.people.models import Person
from mbtrain.placements.models import PlacementOffer
from mbtrain.placements.services import practice_modules
from mbtrain.policy import may_manage_county, visible_cohorts

CURRENT_COHORTS = (CohortStatus.PLANLAGT, CohortStatus.GJENNOMFORES)
SHOWN = (joinedload(PlacementOffer.cohort), joinedload(PlacementOffer.organisation))


def load_offer(offer_id: int) -> PlacementOffer:
    """An offer in a cohort this coordinator (or the admin) manages."""
    offer = db.session.scalar(
        select(PlacementOffer)
        .join(Cohort, Cohort.id == PlacementOffer.cohort_id)
        .where(PlacementOffer.id == offer_id, visible_cohorts(current_user))
        .options(*SHOWN)
    )
    if offer is None or not may_manage_county(current_user, offer.cohort.county_id):
        abort(404)
    return offer


def load_partner_offer(offer_id: int) -> PlacementOffer:
    """One of the signed-in partner's own organisation's offers."""
    offer = db.session.scalar(
        select(PlacementOffer)
        .where(
            PlacementOffer.id == offer_id,
            PlacementOffer.organisation_id == current_user.organisation_id,
        )
        .options(*SHOWN)
    )
    if offer is None or current_user.organisation_id is None:
        abort(404)
    return offer


def chosen_offer(cohort: Cohort, raw: str | None) -> PlacementOffer | None:
    """The offer a new placement is made from (``raw``: its id as sent), if it is the cohort's."""
    offer_id = id_from(raw)
    offer = db.session.get(PlacementOffer, offer_id) if offer_id else None
    return offer if offer is not None and offer.cohort_id == cohort.id else None


def load_board(cohort_id: int, module_code: str) -> tuple[Cohort, Board]:
    """A managed cohort and one of its practice modules' allocation board."""
    cohort = load_cohort(cohort_id, manage=True)
    if module_code not in {module.code for module in practice_modules(cohort)}:
        abort(404)
    return cohort, board(cohort, module_code)


def partner_cohorts(organisation: Organisation) -> list[Cohort]:
    """Cohorts a partner can offer places to: planned or running, in the organisation's county."""
    query = select(Cohort).where(Cohort.status.in_(CURRENT_COHORTS)).order_by(Cohort.start_date)
    if organisation.county_id is not None:
        query = query.where(Cohort.county_id == organisation.county_id)
    return list(db.session.scalars(query.options(joinedload(Cohort.curriculum_version))))


def partner_offer_list(organisation: Organisation) -> list[PlacementOffer]:
    """The organisation's offers, the latest first."""
    return list(
        db.session.scalars(
            select(PlacementOffer)
            .where(PlacementOffer.organisation_id == organisation.id)
            .options(joinedload(PlacementOffer.cohort))
            .order_by(PlacementOffer.start_date.desc(), PlacementOffer.id)
        )
    )


def current_enrolment(person: Person | None) -> Enrolment | None:
    """The signed-in trainee's enrolment that holds a place, the latest first (None: none)."""
    if person is None:
        return None
    return db.session.scalar(
        select(Enrolment)
        .where(Enrolment.person_id == person.id, Enrolment.status.in_(HOLDS_PLACE))
        .options(joinedload(Enrolment.cohort).joinedload(Cohort.curriculum_version))
        .order_by(Enrolment.applied_on.desc(), Enrolment.id.desc())
    )
