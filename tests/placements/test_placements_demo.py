"""The demo's offers and placements: every phase of a placement can be seen."""

from collections import Counter

import pytest
from sqlalchemy import select

from mbtrain import demo
from mbtrain.accounts.services import get_user_by_email
from mbtrain.builders import PLACEMENT_WALK
from mbtrain.cohorts.models import Cohort
from mbtrain.enrolments.models import Enrolment, EnrolmentStatus
from mbtrain.extensions import db
from mbtrain.i18n import today
from mbtrain.placements.models import Placement, PlacementOffer, PlacementPreference
from mbtrain.placements.models import PlacementStatus as S

BERGEN_FOUR = {"Bjørgvin DPS", "Fjellveien bofellesskap", "NAV Årstad", "Mental Helse Bergen"}


@pytest.fixture
def built(demo_data):
    return demo_data


def demo_cohort(number: int) -> Cohort:
    """The demo's cohort by its place in demo.COHORTS (0 running, 1 planned, 2 finished)."""
    name = demo.cohort_name(demo.COHORTS[number])
    return db.session.scalar(select(Cohort).where(Cohort.name == name))


def placements_in(cohort: Cohort) -> list[Placement]:
    return db.session.scalars(
        select(Placement)
        .join(Enrolment, Enrolment.id == Placement.enrolment_id)
        .where(Enrolment.cohort_id == cohort.id)
    ).all()


def test_the_running_cohort_is_in_practice_at_the_four_bergen_partners(built):
    cohort = demo_cohort(0)
    first = [p for p in placements_in(cohort) if p.module_code == "P1-01"]
    participants = db.session.scalars(
        select(Enrolment.id).where(
            Enrolment.cohort_id == cohort.id, Enrolment.status == EnrolmentStatus.DELTAR
        )
    ).all()
    assert sorted(p.enrolment_id for p in first) == sorted(participants)
    assert {p.organisation.name for p in first} == BERGEN_FOUR
    for placement in first:
        expected = (
            S.COMPLETED
            if placement.end_date < today()
            else S.ACTIVE
            if placement.start_date <= today()
            else S.CONFIRMED
        )
        assert placement.status is expected
        if expected is not S.CONFIRMED:
            assert placement.confidentiality_signed_on is not None
        assert placement.events[0].status is S.PROPOSED


def test_the_planned_cohort_has_open_offers_and_wishes(built):
    cohort = demo_cohort(1)
    offers = db.session.scalars(
        select(PlacementOffer).where(PlacementOffer.cohort_id == cohort.id)
    ).all()
    assert {o.organisation.name for o in offers} == BERGEN_FOUR
    assert all(o.open for o in offers)
    wishes = db.session.scalars(
        select(PlacementPreference).where(PlacementPreference.offer_id.in_([o.id for o in offers]))
    ).all()
    assert len({w.enrolment_id for w in wishes}) == 3
    assert placements_in(cohort) == []


def test_the_finished_cohort_has_two_completed_placements_per_graduate(built):
    cohort = demo_cohort(2)
    placements = placements_in(cohort)
    assert {p.status for p in placements} == {S.COMPLETED}
    per_trainee = Counter(p.enrolment_id for p in placements)
    assert set(per_trainee.values()) == {2}


def test_the_demo_partner_sees_a_protected_trainee_without_identity(built, form_login):
    partner = get_user_by_email("veileder@example.org")
    html = form_login(partner, demo.DEMO_PASSWORD).get("/portal/praksis").get_data(as_text=True)
    assert "Deltaker (navnet holdes skjult)" in html
    protected = db.session.scalar(
        select(Placement)
        .join(Enrolment, Enrolment.id == Placement.enrolment_id)
        .where(Placement.organisation_id == partner.organisation_id)
        .where(Enrolment.person.has(protected=True))
    )
    assert protected.enrolment.person.name not in html


def test_every_demo_placement_was_walked_by_the_services_with_its_gates_first(built):
    """Each history is the status walk the services allow, in time order, and nothing
    started before its confidentiality declaration was recorded."""
    placements = db.session.scalars(select(Placement).order_by(Placement.id)).all()
    assert placements
    for placement in placements:
        events = sorted(placement.events, key=lambda event: (event.at, event.id))
        changes = [
            e.status for i, e in enumerate(events) if i == 0 or e.status != events[i - 1].status
        ]
        assert changes == [S.PROPOSED, *PLACEMENT_WALK[placement.status]], placement.id
        if placement.status in (S.ACTIVE, S.COMPLETED):
            assert placement.confidentiality_signed_on is not None, placement.id
            assert placement.confidentiality_signed_on <= placement.start_date, placement.id
