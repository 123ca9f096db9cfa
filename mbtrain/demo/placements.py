"""Offers and placements for the Bergen cohorts, made through the placement services: offers
saved, wishes ranked, placements proposed, their gates recorded and walked (PLACEMENT_WALK)
as far as their dates say, with their history at believable times. Those whose period is
over are completed by the follow-up, once their hours and final evaluation are in."""

from datetime import date, timedelta

from sqlalchemy import select

from mbtrain.accounts.models import Role, User
from mbtrain.builders import PLACEMENT_WALK
from mbtrain.cohorts.models import Cohort
from mbtrain.demo.base import STAFF_DOMAIN, at, now
from mbtrain.demo.cohorts import COHORTS, cohort_name, coordinator_in, trainees
from mbtrain.demo.people import BERGEN_PLACES, LEADERS, ORGANISATIONS, ascii_slug, seed_contacts
from mbtrain.enrolments.models import Enrolment
from mbtrain.enrolments.models import EnrolmentStatus as S
from mbtrain.extensions import db
from mbtrain.followup.rules import monday_of
from mbtrain.i18n import today
from mbtrain.offers import services as placement_offers
from mbtrain.organisations.models import Organisation
from mbtrain.placements import services as placements
from mbtrain.placements.models import Placement, PlacementOffer, PlacementStatus

FIELDS_OF_WORK = {
    "bjorgvin-dps": "Poliklinikk og dagbehandling, psykisk helse",
    "fjellveien": "Bofellesskap for personer med psykiske helse- og rusproblemer",
    "nav-arstad": "Arbeidsrettet oppfølging og brukermedvirkning på NAV-kontor",
    "mh-bergen": "Likepersonsarbeid og åpen møteplass",
}
REQUIREMENTS = {
    "fjellveien": "Turnus med noen ettermiddager. Politiattest kreves før oppstart.",
    "nav-arstad": "Dagtid, mandag–fredag. Taushetserklæring signeres første dag.",
}


class Places:
    """The Bergen places: each organisation with its praksisveileder's account."""

    def __init__(self) -> None:
        self.orgs = {
            spec.key: db.session.scalar(select(Organisation).where(Organisation.name == spec.name))
            for spec in ORGANISATIONS
            if spec.key in BERGEN_PLACES
        }
        self.partners = {
            key: db.session.scalar(
                select(User).where(User.organisation_id == org.id, User.role == Role.PARTNER)
            )
            for key, org in self.orgs.items()
        }

    def offer(self, cohort: Cohort, key: str, module_code: str, places: int) -> PlacementOffer:
        """An offer of ``places`` made by the place's supervisor 20 days before the start."""
        start, end = practice_window(cohort, module_code)
        offer = placement_offers.save_offer(
            None,
            cohort,
            placement_offers.OfferFields(
                organisation=self.orgs[key],
                module_code=module_code,
                start_date=start,
                end_date=end,
                places=places,
                field_of_work=FIELDS_OF_WORK[key],
                requirements=REQUIREMENTS.get(key, ""),
                politiattest_required=key == "fjellveien",
            ),
            by=self.partners[key],
        )
        offer.created_at = at(min(cohort.start_date, today()) - timedelta(days=20), 11)
        return offer


def seed_placements() -> None:
    """Offers and placements for the Bergen cohorts: Praksis placements under way (or done,
    or ahead, as the timetable puts them) in the running cohort, open offers with a few
    preferences in the planned one, and placements for both periods in the finished one."""
    places = Places()
    seed_contacts(places.orgs, places.partners)
    running, planned, finished = (
        db.session.scalar(
            select(Cohort).where(
                Cohort.name == cohort_name(spec),
                Cohort.start_date == today() + timedelta(days=spec.starts_in_days),
            )
        )
        for spec in COHORTS[:3]
    )
    seed_running_cohort(running, places)
    seed_planned_cohort(planned, places)
    seed_finished_cohort(finished, places)
    db.session.flush()


def practice_window(cohort: Cohort, module_code: str) -> tuple[date, date]:
    """The practice period from the timetable, else weeks 10–20 (Praksis I) or 28–38."""
    (start, end), scheduled = placements.practice_window(cohort, module_code)
    if scheduled:
        return start, end
    monday = monday_of(cohort.start_date) + timedelta(weeks=10 if module_code == "P1-01" else 28)
    return monday, min(monday + timedelta(weeks=10, days=-3), cohort.end_date)


def seed_running_cohort(cohort: Cohort, places: Places) -> None:
    """Every participant has a placement in each practice period that has begun; the next
    one is offered, two are proposed to Bjørgvin DPS, and the login trainee has wishes."""
    coordinator = coordinator_in(cohort.county_id)
    people = trainees(cohort, S.DELTAR)
    for number, module_code in enumerate(("P1-01", "P2-01")):
        start, _end = practice_window(cohort, module_code)
        offers = {key: places.offer(cohort, key, module_code, 3) for key in BERGEN_PLACES}
        if start <= today() + timedelta(days=21):
            for index, enrolment in enumerate(people):
                key = BERGEN_PLACES[(index + number) % len(BERGEN_PLACES)]
                seed_placement(enrolment, key, places, coordinator, offers[key])
            continue
        for enrolment in people[1:3]:
            seed_placement(enrolment, "bjorgvin-dps", places, coordinator, offers["bjorgvin-dps"])
        wishes = (offers["mh-bergen"], offers["nav-arstad"], offers["fjellveien"])
        for enrolment in [people[0], *people[3:6]]:
            wished = wishes[: 2 + enrolment.id % 2]
            placement_offers.set_preferences(
                enrolment, module_code, {offer.id: rank for rank, offer in enumerate(wished, 1)}
            )
    # A trainee with a protection marker: partners see no name or contact details.
    if len(people) > 4:
        people[4].person.protected = True


def seed_planned_cohort(cohort: Cohort, places: Places) -> None:
    offers = [
        places.offer(cohort, key, "P1-01", count)
        for key, count in zip(BERGEN_PLACES, (2, 3, 1, 2), strict=True)
    ]
    places.offer(cohort, "bjorgvin-dps", "P2-01", 2)
    for number, enrolment in enumerate(trainees(cohort, S.VENTER_PA_OPPSTART)[:3]):
        ranked = (offers[number:] + offers[:number])[:3]
        placement_offers.set_preferences(
            enrolment, "P1-01", {offer.id: rank for rank, offer in enumerate(ranked, 1)}
        )


def seed_finished_cohort(cohort: Cohort, places: Places) -> None:
    """Both practice periods for each who took part to the end (their course is completed
    after this, by seed_completions)."""
    coordinator = coordinator_in(cohort.county_id)
    for index, enrolment in enumerate(trainees(cohort, S.DELTAR)):
        for number, module_code in enumerate(("P1-01", "P2-01")):
            key = BERGEN_PLACES[(index + number) % len(BERGEN_PLACES)]
            seed_placement(enrolment, key, places, coordinator, module_code=module_code)


def seed_placement(
    enrolment: Enrolment,
    key: str,
    places: Places,
    coordinator: User,
    offer: PlacementOffer | None = None,
    module_code: str = "",
) -> Placement:
    """A placement proposed by the coordinator, confirmed by the supervisor three weeks
    before it starts, its gates recorded, and started on its first day once that has come."""
    module_code = offer.module_code if offer else module_code
    start, end = (
        (offer.start_date, offer.end_date)
        if offer
        else practice_window(enrolment.cohort, module_code)
    )
    supervisor = places.partners[key]
    co_name = LEADERS[key][0] if enrolment.id % 3 == 0 else ""
    fields = placements.PlacementFields(
        organisation=places.orgs[key],
        module_code=module_code,
        supervisor_name=supervisor.name,
        supervisor_email=supervisor.email,
        co_supervisor_name=co_name,
        co_supervisor_email=f"{ascii_slug(co_name)}@{STAFF_DOMAIN}" if co_name else "",
        start_date=start,
        end_date=end,
        weekly_hours=19,
        politiattest_required=key == "fjellveien",
        offer=offer,
    )
    placement = placements.create_placement(enrolment, fields, by=coordinator)
    placement.created_at = min(at(start - timedelta(days=30), 10), now())
    placement.events[0].at = placement.created_at
    target = (
        PlacementStatus.ACTIVE
        if start <= today()
        else PlacementStatus.CONFIRMED
        if start <= today() + timedelta(days=21)
        else PlacementStatus.PROPOSED
    )
    for step in PLACEMENT_WALK[target]:
        if step is PlacementStatus.CONFIRMED:
            confirmed = min(at(start - timedelta(days=21), 9), now())
            placements.set_status(placement, step, by_email=supervisor.email).at = confirmed
            seed_gates(placement, coordinator)
        else:
            placements.set_status(placement, step, by_user=coordinator).at = at(start, 8)
    db.session.flush()
    return placement


def seed_gates(placement: Placement, coordinator: User) -> None:
    """The gates to the start, each recorded by the coordinator on its day once that has
    come (the service refuses dates ahead): the politiattest, where required, checked two
    weeks before the start, the taushetserklæring signed ten days before."""
    start = placement.start_date
    gates = [("confidentiality_signed_on", start - timedelta(days=10))]
    if placement.politiattest_required:
        gates.insert(0, ("politiattest_checked_on", start - timedelta(days=14)))
    for gate, day in gates:
        if day > today():
            break
        recorded = {
            "confidentiality_signed_on": placement.confidentiality_signed_on,
            "politiattest_checked_on": placement.politiattest_checked_on,
            gate: day,
        }
        placements.record_gates(placement, **recorded, today=today(), by=coordinator)
        placement.events[-1].at = min(at(day, 10), now())
