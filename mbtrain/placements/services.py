"""Placements themselves: proposing, changing and moving them on, and who sees them.

``set_status`` is the one way a placement's status changes: it checks the transition and, on
the way to ACTIVE, the gates (taushetserklæring, politiattest), and appends a PlacementEvent.
``placement_content`` is exactly what the organisation is shown and confirms. The pure rules
are in ``rules``. Services flush and never commit: the request owns the transaction.
"""

import logging
from dataclasses import dataclass
from datetime import date

from flask_babel import gettext as _
from sqlalchemy import ColumnElement, func, select

from mbtrain import policy
from mbtrain.accounts.models import Role, User
from mbtrain.cohorts.models import Cohort
from mbtrain.concurrency import check_version, flush_versioned
from mbtrain.curriculum.definition import Module, ModuleKind
from mbtrain.curriculum.services import curriculum_for
from mbtrain.enrolments.models import Enrolment
from mbtrain.enrolments.transitions import HOLDS_PLACE
from mbtrain.extensions import db
from mbtrain.organisations.models import Organisation
from mbtrain.placements import rules
from mbtrain.placements.models import Placement, PlacementEvent, PlacementOffer, PlacementStatus
from mbtrain.placements.rules import (
    EDITABLE,
    IN_FORCE,
    MAX_WEEKLY_HOURS,
    PlacementError,
    PlacementErrors,
    check_gates,
    check_transition,
    shared_items,
    trainee_shown,
)
from mbtrain.schedule.models import PracticePeriod

log = logging.getLogger(__name__)

S = PlacementStatus


# The curriculum's practice modules ---------------------------------------------------------


def practice_modules(cohort: Cohort) -> tuple[Module, ...]:
    return tuple(
        m
        for m in curriculum_for(cohort.curriculum_version).modules
        if m.kind is ModuleKind.PRACTICE
    )


def practice_module(cohort: Cohort, module_code: str) -> Module:
    module = next((m for m in practice_modules(cohort) if m.code == module_code), None)
    if module is None:
        raise PlacementError(_("Velg en praksismodul fra kursets læreplan."), field="module_code")
    return module


def module_title(cohort: Cohort, module_code: str) -> str:
    module = curriculum_for(cohort.curriculum_version).module(module_code)
    return module.title if module else module_code


def practice_periods(cohort: Cohort) -> dict[str, PracticePeriod]:
    """module code → when that practice module takes place in the cohort (where scheduled)."""
    periods = db.session.scalars(
        select(PracticePeriod).where(PracticePeriod.cohort_id == cohort.id)
    )
    return {period.module_code: period for period in periods}


def practice_window(cohort: Cohort, module_code: str) -> tuple[rules.Period, bool]:
    """The dates a placement or offer for this module must lie within, and whether they come
    from a scheduled PracticePeriod (otherwise: the whole cohort)."""
    period = practice_periods(cohort).get(module_code)
    if period is None:
        return (cohort.start_date, cohort.end_date), False
    return (period.start_date, period.end_date), True


# Status ----------------------------------------------------------------------------------


def set_status(
    placement: Placement,
    target: PlacementStatus,
    *,
    by_user: User | None = None,
    by_email: str = "",
    reason: str = "",
) -> PlacementEvent:
    """Change the status (checked), append the event and flush; PlacementError if refused."""
    check_transition(placement.status, target)
    if target is S.ACTIVE:
        check_gates(placement)
    if target is S.CANCELLED and not reason.strip():
        raise PlacementError(_("Skriv hvorfor praksisplassen avbrytes."), field="reason")
    placement.status = target
    event = _event(placement, reason, by_user=by_user, by_email=by_email)
    log.info("placement %s -> %s", placement.id, target.value)
    return event


def _event(
    placement: Placement, reason: str, *, by_user: User | None = None, by_email: str = ""
) -> PlacementEvent:
    """A line in the placement's history at its current status (a change, or a note)."""
    event = PlacementEvent(
        placement=placement,
        status=placement.status,
        reason=reason.strip()[:500],
        by_user=by_user,
        by_email=by_email.strip().lower(),
    )
    db.session.add(event)
    db.session.flush()
    return event


# What the organisation sees --------------------------------------------------------------


def placement_content(placement: Placement) -> dict:
    """Exactly what is shared with the organisation and confirmed by it: plain JSON values in
    a fixed key order (it is hashed for signatures), texts in the language of the request.
    No date of birth, no health information, no national ID."""
    cohort = placement.enrolment.cohort
    trainee = trainee_shown(placement.enrolment.person)
    return {
        "placement_id": placement.id,
        "trainee": trainee,
        "organisation": {
            "name": placement.organisation.name,
            "orgnr": placement.organisation.orgnr,
        },
        "cohort": cohort.name,
        "module_code": placement.module_code,
        "module_title": module_title(cohort, placement.module_code),
        "start_date": placement.start_date.isoformat(),
        "end_date": placement.end_date.isoformat(),
        "weekly_hours": float(placement.weekly_hours),
        "supervisor": {"name": placement.supervisor_name, "email": placement.supervisor_email},
        "co_supervisor": {
            "name": placement.co_supervisor_name or "",
            "email": placement.co_supervisor_email or "",
        },
        "politiattest_required": bool(placement.politiattest_required),
        "shared": shared_items(trainee["protected"]),
    }


# Who may see it --------------------------------------------------------------------------


def partner_can_see(user: User, placement: Placement, today: date) -> bool:
    """The data-minimisation rule toward partners (mbtrain.policy.partner_can_see)."""
    return policy.partner_can_see(user, placement, today)


def partner_placements(user: User, today: date) -> ColumnElement[bool]:
    """partner_can_see as an SQL condition on Placement, for lists."""
    return policy.partner_placements(user, today)


# Creating and changing placements --------------------------------------------------------


@dataclass
class PlacementFields:
    organisation: Organisation | None
    module_code: str
    supervisor_name: str
    supervisor_email: str
    start_date: date
    end_date: date
    weekly_hours: float
    co_supervisor_name: str = ""
    co_supervisor_email: str = ""
    politiattest_required: bool = False
    offer: PlacementOffer | None = None


def _others(enrolment: Enrolment, placement: Placement | None) -> list[rules.Period]:
    """The periods of the trainee's other placements that are still in force."""
    query = select(Placement.start_date, Placement.end_date).where(
        Placement.enrolment_id == enrolment.id, Placement.status.in_(IN_FORCE)
    )
    if placement is not None and placement.id is not None:
        query = query.where(Placement.id != placement.id)
    return [(row.start_date, row.end_date) for row in db.session.execute(query)]


def check_placement(
    enrolment: Enrolment, fields: PlacementFields, placement: Placement | None = None
) -> None:
    """Every rule a placement's fields must keep; PlacementErrors naming the fields."""
    cohort = enrolment.cohort
    practice_module(cohort, fields.module_code)
    errors: dict[str, str] = {}
    if fields.organisation is None:
        errors["organisation"] = _("Velg organisasjonen der praksisen skal være.")
    if not 0 < fields.weekly_hours <= MAX_WEEKLY_HOURS:
        errors["weekly_hours"] = _(
            "Timer per uke må være mellom 0,5 og %(max)s.",
            max=str(MAX_WEEKLY_HOURS).replace(".", ","),
        )
    window, scheduled = practice_window(cohort, fields.module_code)
    errors |= rules.placement_date_errors(
        fields.start_date,
        fields.end_date,
        (cohort.start_date, cohort.end_date),
        window if scheduled else None,
        _others(enrolment, placement),
    )
    offer = fields.offer
    if offer is not None and (
        offer.cohort_id != cohort.id
        or offer.module_code != fields.module_code
        or offer.organisation_id != getattr(fields.organisation, "id", None)
    ):
        errors["offer"] = _("Tilbudet gjelder et annet kurs, en annen periode eller et annet sted.")
    if errors:
        raise PlacementErrors(errors)


def create_placement(
    enrolment: Enrolment | None, fields: PlacementFields, *, by: User | None
) -> Placement:
    """Propose a placement (None: no trainee chosen)."""
    if enrolment is None:
        raise PlacementError(_("Velg en deltaker på kurset."), field="enrolment")
    if enrolment.status not in HOLDS_PLACE:
        raise PlacementError(
            _("Bare deltakere som har plass på kurset, kan få praksisplass."), field="enrolment"
        )
    check_placement(enrolment, fields)
    if fields.offer is not None and free_places([fields.offer])[fields.offer.id] <= 0:
        raise PlacementError(_("Tilbudet har ingen ledige plasser igjen."), field="offer")
    placement = Placement(enrolment=enrolment, status=S.PROPOSED)
    _apply(placement, fields)
    db.session.add(placement)
    db.session.flush()
    _event(placement, "", by_user=by)
    log.info("placement %s proposed for enrolment %s", placement.id, enrolment.id)
    return placement


def update_placement(
    placement: Placement, fields: PlacementFields, *, by: User | None
) -> list[str]:
    """Save changed fields; the history notes what changed. Returns the changed fields' labels."""
    if placement.status not in EDITABLE:
        raise PlacementError(
            _(
                "En praksisplass som er %(status)s, kan ikke endres.",
                status=placement.status.label.lower(),
            )
        )
    if placement.status is not S.PROPOSED and (
        fields.organisation is not None and fields.organisation.id != placement.organisation_id
    ):
        raise PlacementError(
            _(
                "Stedet kan ikke endres etter at plassen er bekreftet. "
                "Avbryt denne og foreslå en ny praksisplass."
            ),
            field="organisation",
        )
    check_placement(placement.enrolment, fields, placement)
    changed = _apply(placement, fields)
    flush_versioned()
    if changed:
        _event(placement, _("Endret: %(fields)s", fields=", ".join(changed)), by_user=by)
    return changed


def _apply(placement: Placement, fields: PlacementFields) -> list[str]:
    supervisor_email = fields.supervisor_email.strip().lower()
    supervisor_user = _partner_user(fields.organisation, supervisor_email)
    values = {
        "organisation_id": fields.organisation.id,
        "module_code": fields.module_code,
        "supervisor_name": fields.supervisor_name.strip(),
        "supervisor_email": supervisor_email,
        "co_supervisor_name": fields.co_supervisor_name.strip(),
        "co_supervisor_email": fields.co_supervisor_email.strip().lower(),
        "start_date": fields.start_date,
        "end_date": fields.end_date,
        "weekly_hours": float(fields.weekly_hours),
        "politiattest_required": bool(fields.politiattest_required),
    }
    changed = [str(rules.FIELD_LABELS[k]) for k, v in values.items() if getattr(placement, k) != v]
    for key, value in values.items():
        setattr(placement, key, value)
    placement.organisation = fields.organisation
    if fields.offer is not None:
        placement.offer = fields.offer
    placement.supervisor_user = supervisor_user
    return changed


def _partner_user(organisation: Organisation, email: str) -> User | None:
    """The supervisor's account, when they have one at this organisation."""
    return db.session.scalar(
        select(User).where(
            User.email == email,
            User.role == Role.PARTNER,
            User.organisation_id == organisation.id,
            User.active,
        )
    )


def record_gates(
    placement: Placement,
    *,
    confidentiality_signed_on: date | None,
    politiattest_checked_on: date | None,
    today: date,
    by: User | None,
) -> None:
    """Record the signed taushetserklæring and the checked politiattest (the gates to ACTIVE)."""
    gates = {
        "confidentiality_signed_on": confidentiality_signed_on,
        "politiattest_checked_on": politiattest_checked_on,
    }
    if errors := rules.gate_errors(gates, today):
        raise PlacementErrors(errors)
    notes = rules.gate_notes(placement, gates)
    for name, value in gates.items():
        setattr(placement, name, value)
    if notes:
        _event(placement, _("Registrert: %(notes)s", notes=", ".join(notes)), by_user=by)


# From the coordinator's forms, opened on ``seen_version`` of the placement -------------------


def edit_placement(
    placement: Placement, seen_version: int | None, fields: PlacementFields, *, by: User
) -> list[str]:
    check_version(placement.version, seen_version)
    return update_placement(placement, fields, by=by)


def change_status(
    placement: Placement,
    seen_version: int | None,
    target: PlacementStatus,
    *,
    by: User,
    reason: str,
) -> PlacementEvent:
    check_version(placement.version, seen_version)
    return set_status(placement, target, by_user=by, reason=reason)


def save_gates(
    placement: Placement, *, seen_version: int | None, today: date, by: User, **gates: date | None
) -> None:
    check_version(placement.version, seen_version)
    record_gates(placement, **gates, today=today, by=by)


# Places taken from offers ----------------------------------------------------------------


def placed_counts(offer_ids: list[int]) -> dict[int, int]:
    """offer id → placements in force made from it (one query)."""
    if not offer_ids:
        return {}
    rows = db.session.execute(
        select(Placement.offer_id, func.count(Placement.id))
        .where(Placement.offer_id.in_(offer_ids), Placement.status.in_(IN_FORCE))
        .group_by(Placement.offer_id)
    )
    return {offer_id: count for offer_id, count in rows}


def free_places(offers: list[PlacementOffer]) -> dict[int, int]:
    placed = placed_counts([offer.id for offer in offers])
    return {offer.id: max(0, offer.places - placed.get(offer.id, 0)) for offer in offers}
