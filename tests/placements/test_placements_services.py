"""The placement services on the database: status and gates, date rules, the content shared
with the organisation, offers, preferences and accepting an allocation."""

import json

import pytest
from sqlalchemy import func, select

from mbtrain.enrolments.models import EnrolmentStatus
from mbtrain.extensions import db
from mbtrain.offers import services as offers
from mbtrain.organisations.models import ContactPerson
from mbtrain.placements import services
from mbtrain.placements.models import Placement, PlacementEvent
from mbtrain.placements.models import PlacementStatus as S
from tests.placements.core_support import (
    day,
    placements_of,
)


def nor(offset: int) -> str:
    return day(offset).strftime("%d.%m.%Y")


def test_set_status_appends_the_event_with_who_and_why(world):
    w = world
    placement = w.place(w.trainee())
    event = services.set_status(
        placement, S.CONFIRMED, by_email=" Kari.Veileder@example.org ", reason="Vi gleder oss"
    )
    db.session.commit()
    events = db.session.scalars(
        select(PlacementEvent)
        .where(PlacementEvent.placement_id == placement.id)
        .order_by(PlacementEvent.id)
    ).all()
    assert [e.status for e in events] == [S.PROPOSED, S.CONFIRMED]
    assert (event.by_email, event.reason) == ("kari.veileder@example.org", "Vi gleder oss")
    assert db.session.get(Placement, placement.id).status is S.CONFIRMED


@pytest.mark.parametrize(
    "confidentiality,politiattest_required,politiattest,missing",
    [
        pytest.param(False, False, False, "signert taushetserklæring", id="no-declaration"),
        pytest.param(True, True, False, "kontrollert politiattest", id="no-politiattest"),
        pytest.param(
            False, True, False, "signert taushetserklæring, kontrollert politiattest", id="neither"
        ),
        pytest.param(True, False, False, None, id="declaration-is-enough"),
        pytest.param(True, True, True, None, id="both-recorded"),
    ],
)
def test_a_placement_cannot_start_before_the_gates_are_recorded(
    world, confidentiality, politiattest_required, politiattest, missing
):
    w = world
    placement = w.place(w.trainee(), S.CONFIRMED, politiattest_required=politiattest_required)
    placement.confidentiality_signed_on = day(-3) if confidentiality else None
    placement.politiattest_checked_on = day(-2) if politiattest else None
    if missing is None:
        services.set_status(placement, S.ACTIVE)
        assert placement.status is S.ACTIVE
        return
    events_before = len(placement.events)
    with pytest.raises(services.PlacementError) as refused:
        services.set_status(placement, S.ACTIVE)
    assert str(refused.value) == f"Praksisen kan ikke starte før dette er registrert: {missing}."
    assert placement.status is S.CONFIRMED
    assert len(placement.events) == events_before


def test_cancelling_needs_a_reason(world):
    w = world
    placement = w.place(w.trainee())
    with pytest.raises(services.PlacementError) as refused:
        services.set_status(placement, S.CANCELLED, reason="  ")
    assert refused.value.field == "reason"


def test_dates_must_lie_in_the_scheduled_practice_period(world):
    w = world
    w.period("P1-01", start_days=-30, weeks=10)  # today-30 .. today+37
    enrolment = w.trainee()
    with pytest.raises(services.PlacementErrors) as refused:
        services.create_placement(enrolment, w.fields(end_date=day(50)), by=None)
    assert refused.value.errors == {
        "end_date": f"Datoen må ligge innenfor praksisperioden ({nor(-30)}–{nor(37)})."
    }
    placement = services.create_placement(
        enrolment, w.fields(start_date=day(-30), end_date=day(37)), by=None
    )
    assert placement.status is S.PROPOSED


def test_without_a_scheduled_period_the_cohort_is_the_limit(world):
    w = world
    with pytest.raises(services.PlacementErrors) as refused:
        services.create_placement(w.trainee(), w.fields(end_date=day(400)), by=None)
    assert list(refused.value.errors) == ["end_date"]
    assert "kursets periode" in refused.value.errors["end_date"]


def test_a_trainees_placements_never_overlap_but_cancelled_ones_do_not_count(world):
    w = world
    enrolment = w.trainee()
    first = w.place(enrolment, start_date=day(-10), end_date=day(20))
    with pytest.raises(services.PlacementErrors) as refused:
        services.create_placement(
            enrolment, w.fields(organisation=w.other, start_date=day(15), end_date=day(40)), by=None
        )
    assert "kan ikke overlappe" in refused.value.errors["start_date"]
    services.set_status(first, S.CANCELLED, reason="Stedet la ned avdelingen")
    second = services.create_placement(
        enrolment, w.fields(organisation=w.other, start_date=day(15), end_date=day(40)), by=None
    )
    assert second.status is S.PROPOSED


@pytest.mark.parametrize(
    "status", [EnrolmentStatus.SOKT_INN, EnrolmentStatus.VENTELISTE, EnrolmentStatus.VURDERES]
)
def test_only_trainees_holding_a_place_get_a_placement(world, status):
    w = world
    with pytest.raises(services.PlacementError) as refused:
        services.create_placement(w.trainee(status), w.fields(), by=None)
    assert refused.value.field == "enrolment"


def test_a_theory_module_is_not_a_practice_period(world):
    w = world
    with pytest.raises(services.PlacementError) as refused:
        services.create_placement(w.trainee(), w.fields(module_code="T1-01"), by=None)
    assert refused.value.field == "module_code"


def test_the_supervisors_account_is_linked_when_the_address_matches(world):
    w = world
    placement = w.place(w.trainee(), supervisor_email=w.partner.email.upper())
    assert placement.supervisor_user_id == w.partner.id
    assert placement.supervisor_email == w.partner.email


def test_editing_notes_what_changed_and_keeps_the_organisation_once_confirmed(world):
    w = world
    placement = w.place(w.trainee(), S.CONFIRMED)
    changed = services.update_placement(placement, w.fields(weekly_hours=15), by=None)
    assert changed == ["timer per uke"]
    assert placement.events[-1].reason == "Endret: timer per uke"
    assert placement.events[-1].status is S.CONFIRMED
    with pytest.raises(services.PlacementError) as refused:
        services.update_placement(placement, w.fields(organisation=w.other), by=None)
    assert refused.value.field == "organisation"


def test_the_shared_content_is_plain_json_in_a_fixed_order(world):
    w = world
    enrolment = w.trainee(name="Sigrid Solberg", email="sigrid@example.net")
    placement = w.place(enrolment, co_supervisor_name="Ola Medveileder")
    content = services.placement_content(placement)
    assert list(content) == [
        "placement_id",
        "trainee",
        "organisation",
        "cohort",
        "module_code",
        "module_title",
        "start_date",
        "end_date",
        "weekly_hours",
        "supervisor",
        "co_supervisor",
        "politiattest_required",
        "shared",
    ]
    assert content["trainee"] == {
        "name": "Sigrid Solberg",
        "email": "sigrid@example.net",
        "phone": "41234567",
        "protected": False,
    }
    assert content["module_title"] == "Praksis I"
    assert content["co_supervisor"]["name"] == "Ola Medveileder"
    assert json.loads(json.dumps(content)) == content
    assert services.placement_content(placement) == content  # the same every time
    text = json.dumps(content, ensure_ascii=False)
    assert "1985" not in text  # no date of birth


def test_a_protected_trainee_is_shared_without_identity(world):
    w = world
    enrolment = w.trainee(name="Skjult Person", email="skjult@example.net", protected=True)
    content = services.placement_content(w.place(enrolment))
    assert content["trainee"] == {
        "name": "Deltaker (navnet holdes skjult)",
        "email": "",
        "phone": "",
        "protected": True,
    }
    text = json.dumps(content, ensure_ascii=False)
    for identity in ("Skjult", "skjult@example.net", "41234567"):
        assert identity not in text
    assert "Deltakerens navn" not in content["shared"]


def test_offers_keep_within_the_practice_period_and_never_below_what_is_placed(world):
    w = world
    w.period("P1-01", start_days=-30, weeks=10)
    with pytest.raises(services.PlacementErrors) as refused:
        w.offer(start_date=day(-40))
    assert "praksisperioden" in refused.value.errors["start_date"]
    offer = w.offer(places=2, start_date=day(-30), end_date=day(37))
    w.place(w.trainee(), offer=offer, start_date=day(-30), end_date=day(37))
    w.place(w.trainee(), offer=offer, start_date=day(-30), end_date=day(37))
    with pytest.raises(services.PlacementError) as full:
        services.create_placement(
            w.trainee(), w.fields(offer=offer, start_date=day(-30), end_date=day(37)), by=None
        )
    assert str(full.value) == "Tilbudet har ingen ledige plasser igjen."
    fields = offers.OfferFields(
        organisation=w.organisation,
        module_code="P1-01",
        start_date=day(-30),
        end_date=day(37),
        places=1,
        field_of_work="Psykisk helse",
    )
    with pytest.raises(services.PlacementErrors) as below:
        offers.save_offer(offer, w.cohort, fields, by=None)
    assert "allerede 2 fordelte plasser" in below.value.errors["places"]


def test_preferences_are_stored_one_to_n_in_the_order_given(world):
    w = world
    a, b, c = w.offer(), w.offer(w.other), w.offer(w.parent)
    enrolment = w.trainee()
    offers.set_preferences(enrolment, "P1-01", {a.id: 5, b.id: None, c.id: 2})
    assert offers.preference_ranks(enrolment) == {c.id: 1, a.id: 2}
    with pytest.raises(services.PlacementError) as twice:
        offers.set_preferences(enrolment, "P1-01", {a.id: 1, c.id: 1})
    assert "brukt to ganger" in str(twice.value)


def test_accepting_an_allocation_creates_proposed_placements_from_the_offers(world):
    w = world
    db.session.add(ContactPerson(organisation=w.other, name="Liv Leder", email="liv@example.org"))
    first, second = w.offer(w.organisation, places=1), w.offer(w.other, places=1)
    anna, bjorn, cecilie = w.trainee(), w.trainee(), w.trainee()
    offers.set_preferences(anna, "P1-01", {second.id: 1})
    board = offers.board(w.cohort, "P1-01")
    suggestion = {s.candidate_id: s.offer_id for s in offers.suggest(board)}
    assert suggestion[anna.id] == second.id
    # The offer made by a coordinator at Fjordtun has no contact person: the partner account
    # does not count (it did not make the offer), so accepting it is refused.
    with pytest.raises(services.PlacementError) as refused:
        offers.accept_allocation(
            w.cohort, "P1-01", {anna.id: second.id, bjorn.id: first.id}, by=None
        )
    assert refused.value.field == f"offer-{bjorn.id}"
    assert "kontaktperson" in str(refused.value)
    db.session.rollback()
    assert placements_of(anna) == []  # all or nothing
    db.session.add(
        ContactPerson(
            organisation_id=w.organisation.id, name="Kari Veileder", email="kari@example.org"
        )
    )
    created = offers.accept_allocation(
        w.cohort, "P1-01", {anna.id: second.id, bjorn.id: first.id, cecilie.id: None}, by=None
    )
    db.session.commit()
    assert [(p.enrolment_id, p.organisation_id, p.status) for p in created] == [
        (anna.id, w.other.id, S.PROPOSED),
        (bjorn.id, w.organisation.id, S.PROPOSED),
    ]
    assert created[0].supervisor_email == "liv@example.org"
    assert created[0].weekly_hours == 19  # 190 hours over 10 weeks
    assert [row.enrolment.id for row in offers.board(w.cohort, "P1-01").lacking] == [cecilie.id]


def test_an_allocation_cannot_overfill_an_offer(world):
    w = world
    db.session.add(ContactPerson(organisation=w.other, name="Liv Leder", email="liv@example.org"))
    offer = w.offer(w.other, places=1)
    anna, bjorn = w.trainee(), w.trainee()
    with pytest.raises(services.PlacementError) as refused:
        offers.accept_allocation(
            w.cohort, "P1-01", {anna.id: offer.id, bjorn.id: offer.id}, by=None
        )
    assert str(refused.value) == "Sjøgata bofellesskap har bare 1 ledige plasser."
    db.session.rollback()
    assert db.session.scalar(select(func.count(Placement.id))) == 0


def test_partner_made_offers_give_the_partner_as_supervisor(world):
    w = world
    offer = w.offer()
    offer.created_by_id = w.partner.id
    assert offers.default_supervisor(offer) == (w.partner.name, w.partner.email)
