"""Offers of places, trainees' wishes, and the coordinator's allocation.

Partners (or the coordinator for them) offer N places in one practice period; trainees rank
the open offers; the coordinator sees who still lacks a place, asks for a suggestion
(mbtrain.offers.matching, pure) and accepts it, which proposes the placements. Services
flush and never commit.
"""

import logging
from collections import defaultdict
from dataclasses import dataclass
from datetime import date

from flask_babel import gettext as _
from sqlalchemy import func, select
from sqlalchemy.orm import joinedload

from mbtrain.accounts.models import Role, User
from mbtrain.cohorts.models import Cohort, CohortStatus
from mbtrain.concurrency import check_version
from mbtrain.curriculum.definition import Module
from mbtrain.enrolments.models import Enrolment
from mbtrain.enrolments.transitions import HOLDS_PLACE
from mbtrain.extensions import db
from mbtrain.offers import matching
from mbtrain.offers.boards import Board, board
from mbtrain.organisations.models import ContactPerson, Organisation
from mbtrain.placements import rules
from mbtrain.placements.models import Placement, PlacementOffer, PlacementPreference
from mbtrain.placements.rules import IN_FORCE, PlacementError, PlacementErrors
from mbtrain.placements.services import (
    PlacementFields,
    create_placement,
    placed_counts,
    practice_module,
    practice_modules,
    practice_periods,
    practice_window,
)
from mbtrain.schedule.models import PracticePeriod

log = logging.getLogger(__name__)


class AllocationError(PlacementError):
    """A row of the allocation that cannot be accepted (``field``: ``offer-<enrolment id>``);
    the message goes on that row's choice."""

    def __init__(self, message: str, enrolment_id: int) -> None:
        super().__init__(message, field=f"offer-{enrolment_id}")
        self.enrolment_id = str(enrolment_id)

    def place(self, form) -> None:
        row = next((r for r in form.rows if r.enrolment.data == self.enrolment_id), None)
        if row is None:
            form.form_errors.append(self.message)
        else:
            row.offer.errors = [self.message]


# Offers ----------------------------------------------------------------------------------


@dataclass
class OfferFields:
    organisation: Organisation | None
    module_code: str
    start_date: date
    end_date: date
    places: int
    field_of_work: str
    requirements: str = ""
    politiattest_required: bool = False
    open: bool = True


def save_offer(
    offer: PlacementOffer | None, cohort: Cohort, fields: OfferFields, *, by: User | None
) -> PlacementOffer:
    if cohort.status.cancelled or cohort.status is CohortStatus.AVSLUTTET:
        raise PlacementError(_("Kurset er %(status)s.", status=cohort.status.label.lower()))
    practice_module(cohort, fields.module_code)
    errors: dict[str, str] = {}
    if fields.organisation is None:
        errors["organisation"] = _("Velg organisasjonen som tilbyr plassene.")
    window, scheduled = practice_window(cohort, fields.module_code)
    errors |= rules.offer_date_errors(fields.start_date, fields.end_date, window, scheduled)
    placed = placed_counts([offer.id]).get(offer.id, 0) if offer and offer.id else 0
    if fields.places < max(1, placed):
        errors["places"] = (
            _(
                "Tilbudet har allerede %(count)d fordelte plasser; antall kan ikke være lavere.",
                count=placed,
            )
            if placed
            else _("Antall plasser må være minst 1.")
        )
    if placed and (
        fields.module_code != offer.module_code
        or getattr(fields.organisation, "id", None) != offer.organisation_id
    ):
        errors["organisation"] = _(
            "Det er allerede fordelt plasser fra tilbudet; sted og periode kan ikke endres."
        )
    if not fields.field_of_work.strip():
        errors["field_of_work"] = _("Skriv hvilket arbeidsfelt plassene er i.")
    if errors:
        raise PlacementErrors(errors)
    if offer is None:
        offer = PlacementOffer(cohort=cohort, created_by_id=by.id if by else None)
        db.session.add(offer)
    offer.organisation = fields.organisation
    offer.module_code = fields.module_code
    offer.start_date, offer.end_date = fields.start_date, fields.end_date
    offer.places = fields.places
    offer.field_of_work = fields.field_of_work.strip()
    offer.requirements = fields.requirements.strip()
    offer.politiattest_required = fields.politiattest_required
    offer.open = fields.open
    db.session.flush()
    log.info("offer %s saved for cohort %s", offer.id, cohort.id)
    return offer


def save_edited_offer(
    offer: PlacementOffer, seen_version: int | None, fields: OfferFields, *, by: User
) -> PlacementOffer:
    """save_offer from a form opened on ``seen_version`` of the offer."""
    check_version(offer.version, seen_version)
    return save_offer(offer, offer.cohort, fields, by=by)


def offer_in_window(cohort: Cohort, fields: OfferFields, *, by: User) -> PlacementOffer:
    """A partner's new offer; dates left out are the practice period's first or last day."""
    window, _scheduled = practice_window(cohort, fields.module_code)
    fields.start_date = fields.start_date or window[0]
    fields.end_date = fields.end_date or window[1]
    return save_offer(None, cohort, fields, by=by)


def practice_windows(cohort: Cohort) -> list[tuple[Module, PracticePeriod | None]]:
    """Each practice module of the cohort with its scheduled period (None: not yet)."""
    periods = practice_periods(cohort)
    return [(module, periods.get(module.code)) for module in practice_modules(cohort)]


def open_offers(cohort: Cohort, module_code: str | None = None) -> list[PlacementOffer]:
    query = (
        select(PlacementOffer)
        .where(PlacementOffer.cohort_id == cohort.id, PlacementOffer.open)
        .options(joinedload(PlacementOffer.organisation))
        .order_by(PlacementOffer.module_code, PlacementOffer.start_date, PlacementOffer.id)
    )
    if module_code is not None:
        query = query.where(PlacementOffer.module_code == module_code)
    return list(db.session.scalars(query))


# Preferences -----------------------------------------------------------------------------


def has_placement(enrolment: Enrolment, module_code: str) -> bool:
    return bool(
        db.session.scalar(
            select(func.count(Placement.id)).where(
                Placement.enrolment_id == enrolment.id,
                Placement.module_code == module_code,
                Placement.status.in_(IN_FORCE),
            )
        )
    )


def set_preferences(enrolment: Enrolment, module_code: str, ranks: dict[int, int | None]) -> None:
    """Replace the trainee's ranking of one practice period's open offers.

    ``ranks``: offer id → the rank given (None: not wanted). The ranks must differ; they are
    stored as 1..n in the order given, so gaps do not matter.
    """
    if enrolment.status not in HOLDS_PLACE:
        raise PlacementError(_("Du kan velge praksisønsker når du har plass på kurset."))
    if has_placement(enrolment, module_code):
        raise PlacementError(_("Du har allerede fått praksisplass i denne perioden."))
    offers = {offer.id: offer for offer in open_offers(enrolment.cohort, module_code)}
    chosen = {offer_id: rank for offer_id, rank in ranks.items() if rank}
    unknown = set(chosen) - set(offers)
    if unknown:
        raise PlacementError(_("Et av tilbudene er ikke lenger åpent. Last siden på nytt."))
    seen: dict[int, int] = {}
    for offer_id, rank in sorted(chosen.items()):
        if rank in seen.values():
            raise PlacementError(
                _(
                    "Hvert ønske må ha sitt eget nummer. Nummer %(rank)d er brukt to ganger.",
                    rank=rank,
                ),
                field=f"offer-{offer_id}",
            )
        seen[offer_id] = rank
    old = db.session.scalars(
        select(PlacementPreference).where(
            PlacementPreference.enrolment_id == enrolment.id,
            PlacementPreference.offer_id.in_(
                select(PlacementOffer.id).where(
                    PlacementOffer.cohort_id == enrolment.cohort_id,
                    PlacementOffer.module_code == module_code,
                )
            ),
        )
    )
    for preference in old:
        db.session.delete(preference)
    db.session.flush()
    for position, offer_id in enumerate(sorted(chosen, key=lambda o: (chosen[o], o)), start=1):
        db.session.add(
            PlacementPreference(enrolment_id=enrolment.id, offer_id=offer_id, rank=position)
        )
    db.session.flush()
    log.info("preferences saved for enrolment %s, module %s", enrolment.id, module_code)


def preference_ranks(enrolment: Enrolment) -> dict[int, int]:
    """offer id → the rank this trainee gave it."""
    rows = db.session.execute(
        select(PlacementPreference.offer_id, PlacementPreference.rank).where(
            PlacementPreference.enrolment_id == enrolment.id
        )
    )
    return {offer_id: rank for offer_id, rank in rows}


def preferences_of(enrolment_ids: list[int]) -> dict[int, list[int]]:
    """enrolment id → offer ids, best first (one query)."""
    result: dict[int, list[int]] = defaultdict(list)
    if enrolment_ids:
        rows = db.session.execute(
            select(PlacementPreference.enrolment_id, PlacementPreference.offer_id)
            .where(PlacementPreference.enrolment_id.in_(enrolment_ids))
            .order_by(PlacementPreference.enrolment_id, PlacementPreference.rank)
        )
        for enrolment_id, offer_id in rows:
            result[enrolment_id].append(offer_id)
    return result


# The coordinator's allocation ----------------------------------------------------------------


def suggest(board: Board) -> list[matching.Suggestion]:
    """A suggested allocation for those still lacking a place, over the open offers."""
    lacking = board.lacking
    preferences = preferences_of([row.enrolment.id for row in lacking])
    candidates = [
        matching.Candidate(
            id=row.enrolment.id,
            priority=(row.enrolment.applied_on, row.enrolment.id),
            preferences=tuple(preferences.get(row.enrolment.id, ())),
        )
        for row in lacking
    ]
    offers = [matching.Offer(o.id, free) for o, free in board.offers if o.open]
    return matching.suggest_allocation(candidates, offers)


def default_supervisor(offer: PlacementOffer) -> tuple[str, str] | None:
    """Who supervises placements made from an offer until the coordinator says otherwise:
    the partner who made the offer, else the organisation's first contact with an e-mail."""
    creator = db.session.get(User, offer.created_by_id) if offer.created_by_id else None
    if creator is not None and creator.role is Role.PARTNER:
        return creator.name, creator.email
    contact = db.session.scalar(
        select(ContactPerson)
        .where(ContactPerson.organisation_id == offer.organisation_id, ContactPerson.email != "")
        .order_by(ContactPerson.name, ContactPerson.id)
    )
    return (contact.name, contact.email) if contact else None


def default_weekly_hours(module: Module, start: date, end: date) -> float:
    weeks = module.weeks or max(1, round(((end - start).days + 1) / 7))
    return round(module.hours / weeks * 2) / 2


def accept_allocation(
    cohort: Cohort, module_code: str, chosen: dict[int, int | None], *, by: User | None
) -> list[Placement]:
    """Create PROPOSED placements for the rows the coordinator accepted (enrolment id →
    offer id; None: no placement now). All or nothing: one refused row refuses them all."""
    current = board(cohort, module_code)
    module = current.module
    lacking = {row.enrolment.id: row.enrolment for row in current.lacking}
    offers = {offer.id: (offer, free) for offer, free in current.offers if offer.open}
    wanted: dict[int, int] = defaultdict(int)
    created = []
    for enrolment_id, offer_id in chosen.items():
        if offer_id is None:
            continue
        if enrolment_id not in lacking:
            raise AllocationError(
                _("Deltakeren har fått praksisplass i mellomtiden. Last siden på nytt."),
                enrolment_id,
            )
        if offer_id not in offers:
            raise AllocationError(_("Tilbudet er ikke lenger åpent."), enrolment_id)
        offer, free = offers[offer_id]
        wanted[offer_id] += 1
        if wanted[offer_id] > free:
            raise AllocationError(
                _(
                    "%(organisation)s har bare %(free)d ledige plasser.",
                    organisation=offer.organisation.name,
                    free=free,
                ),
                enrolment_id,
            )
        supervisor = default_supervisor(offer)
        if supervisor is None:
            raise AllocationError(
                _(
                    "Registrer en kontaktperson med e-post for %(organisation)s først: "
                    "hun eller han blir veileder til du endrer det.",
                    organisation=offer.organisation.name,
                ),
                enrolment_id,
            )
        fields = PlacementFields(
            organisation=offer.organisation,
            module_code=module_code,
            supervisor_name=supervisor[0],
            supervisor_email=supervisor[1],
            start_date=offer.start_date,
            end_date=offer.end_date,
            weekly_hours=default_weekly_hours(module, offer.start_date, offer.end_date),
            politiattest_required=offer.politiattest_required,
            offer=offer,
        )
        try:
            created.append(create_placement(lacking[enrolment_id], fields, by=by))
        except PlacementError as error:
            raise AllocationError(str(error), enrolment_id) from error
    log.info(
        "allocation accepted for cohort %s %s: %d placements", cohort.id, module_code, len(created)
    )
    return created
