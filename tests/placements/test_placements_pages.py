"""The coordinator's placement pages, allocation, offers, and the trainee's «Min praksis»."""

import re

import pytest
from sqlalchemy import func, select

from mbtrain.accounts.models import Role
from mbtrain.audit.models import AccessAction
from mbtrain.extensions import db
from mbtrain.offers import services as offers
from mbtrain.organisations.models import ContactPerson
from mbtrain.placements import services
from mbtrain.placements.models import Placement, PlacementPreference
from mbtrain.placements.models import PlacementStatus as S
from tests.placements.core_support import (
    day,
    last_log_id,
    log_rows_after,
    offers_of,
    placements_of,
)


def nor(offset: int) -> str:
    return day(offset).strftime("%d.%m.%Y")


def text(response) -> str:
    return response.get_data(as_text=True)


def form_data(w, enrolment, **overrides) -> dict:
    data = {
        "enrolment": str(enrolment.id),
        "module_code": "P1-01",
        "organisation": str(w.organisation.id),
        "supervisor_name": "Kari Veileder",
        "supervisor_email": "kari.veileder@example.org",
        "start_date": nor(-14),
        "end_date": nor(50),
        "weekly_hours": "19,5",
        "submission_key": "nokkel-1",
    }
    data.update(overrides)
    return data


def test_the_cohorts_practice_page_shows_who_lacks_a_placement(world, login):
    w = world
    placed, lacking = w.trainee(name="Astrid Plassert"), w.trainee(name="Bjørn Mangler")
    w.place(placed)
    w.offer(w.other, places=3)
    first = last_log_id()
    html = text(login(w.coordinator).get(f"/kurs/{w.cohort.id}/praksis"))
    assert "Praksis I" in html and "Praksis II" in html
    assert "Fjordtun DPS" in html and "Sjøgata bofellesskap" in html
    p1 = html.split('id="P2-01"')[0]
    assert re.search(r"Bjørn Mangler</th>\s*<td[^>]*>Mangler praksisplass", p1)
    assert "1 uten praksisplass, 3 ledige plasser" in p1
    (row,) = log_rows_after(first)
    assert (row.object_type, row.object_id, row.purpose) == (
        "cohort_placements",
        w.cohort.id,
        "PLACEMENT",
    )
    assert lacking.id  # listed above


@pytest.mark.parametrize(
    "path",
    [
        "/kurs/{cohort}/praksis",
        "/kurs/{cohort}/praksis/P1-01/fordeling",
        "/kurs/{cohort}/praksis/ny",
        "/kurs/{cohort}/praksis/tilbud/nytt",
        "/praksis/{placement}",
        "/praksis/{placement}/endre",
        "/praksis/tilbud/{offer}",
    ],
)
def test_a_coordinator_of_another_county_gets_404(world, login, other_county, path):
    w = world
    placement, offer = w.place(w.trainee()), w.offer()
    url = path.format(cohort=w.cohort.id, placement=placement.id, offer=offer.id)
    elsewhere = login(w.factory.user(Role.COORDINATOR, counties=[other_county]))
    assert elsewhere.get(url).status_code == 404
    assert login(w.factory.user(Role.ADMIN)).get(url).status_code == 200


def test_proposing_a_placement_through_the_form(world, login):
    w = world
    enrolment = w.trainee(name="Astrid Egen")
    browser = login(w.coordinator)
    url = f"/kurs/{w.cohort.id}/praksis/ny"
    first = last_log_id()
    response = browser.submit(url, form_data(w, enrolment))
    assert response.status_code == 302
    (placement,) = placements_of(enrolment)
    assert response.headers["Location"].endswith(f"/praksis/{placement.id}")
    assert (placement.status, placement.weekly_hours, placement.start_date) == (
        S.PROPOSED,
        19.5,
        day(-14),
    )
    rows = [r for r in log_rows_after(first) if r.action is AccessAction.CREATE]
    assert [(r.object_type, r.subject_person_id) for r in rows] == [
        ("placement", enrolment.person_id)
    ]
    again = browser.submit(url, form_data(w, enrolment))  # the same form sent twice
    assert again.status_code == 302
    assert len(placements_of(enrolment)) == 1
    detail = text(browser.get(f"/praksis/{placement.id}"))
    assert "Astrid Egen" in detail and "19,5" in detail and "Foreslått" in detail


def test_broken_date_rules_are_shown_on_the_fields_in_norwegian(world, login):
    w = world
    w.period("P1-01", start_days=-30, weeks=10)
    enrolment = w.trainee()
    response = login(w.coordinator).submit(
        f"/kurs/{w.cohort.id}/praksis/ny",
        form_data(w, enrolment, end_date=nor(60), weekly_hours="19,5"),
    )
    assert response.status_code == 400
    html = text(response)
    assert re.search(
        r'id="end_date-error">Datoen må ligge innenfor praksisperioden '
        + re.escape(f"({nor(-30)}–{nor(37)})"),
        html,
    )
    assert placements_of(enrolment) == []


def test_a_stale_edit_answers_409_and_keeps_what_was_typed(world, login):
    w = world
    placement = w.place(w.trainee())
    browser = login(w.coordinator)
    url = f"/praksis/{placement.id}/endre"
    stale_version = placement.version
    services.update_placement(placement, w.fields(weekly_hours=10), by=None)
    db.session.commit()
    data = form_data(w, placement.enrolment, weekly_hours="22", version=str(stale_version))
    response = browser.submit(url, data)
    assert response.status_code == 409
    html = text(response)
    assert "Noen andre har lagret endringer her" in html
    assert 'value="22"' in html
    assert db.session.get(Placement, placement.id).weekly_hours == 10


def test_starting_is_refused_until_the_gates_are_recorded(world, login):
    w = world
    placement = w.place(w.trainee(), S.CONFIRMED, politiattest_required=True)
    placement.confidentiality_signed_on = None
    db.session.commit()
    browser = login(w.coordinator)
    url = f"/praksis/{placement.id}"
    start = {"status": "ACTIVE", "version": str(placement.version)}
    response = browser.submit(f"{url}/status", start, page=url)
    assert response.status_code == 400
    assert (
        "Praksisen kan ikke starte før dette er registrert: signert taushetserklæring, "
        "kontrollert politiattest." in text(response)
    )
    gates = {
        "confidentiality_signed_on": nor(-5),
        "politiattest_checked_on": nor(-4),
        "version": str(placement.version),
    }
    assert browser.submit(f"{url}/krav", gates, page=url).status_code == 302
    placement = db.session.get(Placement, placement.id)
    assert placement.confidentiality_signed_on == day(-5)
    start["version"] = str(placement.version)
    assert browser.submit(f"{url}/status", start, page=url).status_code == 302
    placement = db.session.get(Placement, placement.id)
    assert placement.status is S.ACTIVE
    history = text(browser.get(url))
    assert "Registrert: taushetserklæring signert" in history
    assert "Pågår" in history


def test_gate_dates_cannot_be_in_the_future(world, login):
    w = world
    placement = w.place(w.trainee())
    url = f"/praksis/{placement.id}"
    response = login(w.coordinator).submit(
        f"{url}/krav",
        {"confidentiality_signed_on": nor(3), "version": str(placement.version)},
        page=url,
    )
    assert response.status_code == 400
    assert "Datoen kan ikke være fram i tid." in text(response)


def test_cancelling_asks_for_a_reason_and_keeps_it_in_the_history(world, login):
    w = world
    placement = w.place(w.trainee())
    browser = login(w.coordinator)
    url = f"/praksis/{placement.id}"
    data = {"status": "CANCELLED", "version": str(placement.version), "reason": ""}
    refused = browser.submit(f"{url}/status", data, page=url)
    assert refused.status_code == 400
    assert "Skriv hvorfor praksisplassen avbrytes." in text(refused)
    data["reason"] = "Stedet har ikke kapasitet likevel"
    assert browser.submit(f"{url}/status", data, page=url).status_code == 302
    assert db.session.get(Placement, placement.id).status is S.CANCELLED
    assert "Stedet har ikke kapasitet likevel" in text(browser.get(url))


def test_the_coordinator_cannot_confirm_on_the_supervisors_behalf(world, login):
    w = world
    placement = w.place(w.trainee())
    url = f"/praksis/{placement.id}"
    data = {"status": "CONFIRMED", "version": str(placement.version)}
    assert login(w.coordinator).submit(f"{url}/status", data, page=url).status_code == 400
    assert db.session.get(Placement, placement.id).status is S.PROPOSED


def test_suggest_adjust_and_accept_an_allocation(world, login):
    w = world
    db.session.add(
        ContactPerson(organisation=w.organisation, name="Kari", email="kari@example.org")
    )
    db.session.add(ContactPerson(organisation=w.other, name="Liv", email="liv@example.org"))
    dps, bo = w.offer(w.organisation, places=1), w.offer(w.other, places=2)
    anna = w.trainee(name="Anna Først", applied_on=day(-300))
    bjorn = w.trainee(name="Bjørn Andre", applied_on=day(-200))
    offers.set_preferences(anna, "P1-01", {dps.id: 1})
    offers.set_preferences(bjorn, "P1-01", {dps.id: 1, bo.id: 2})
    db.session.commit()
    browser = login(w.coordinator)
    url = f"/kurs/{w.cohort.id}/praksis/P1-01/fordeling"

    suggested = text(browser.get(url + "?forslag=1"))
    assert "Forslag: 1. ønske" in suggested and "Forslag: 2. ønske" in suggested
    rows = re.findall(r'name="(rows-\d+-enrolment)"[^>]*value="(\d+)"', suggested)
    chosen = dict(re.findall(r'<option selected value="(\d+)"', suggested) and [])
    assert len(rows) == 2 and not chosen
    data = {}
    for name, enrolment_id in rows:
        prefix = name.removesuffix("-enrolment")
        data[name] = enrolment_id
        # The coordinator swaps the suggestion: Bjørn to Fjordtun, Anna to the bofellesskap.
        data[f"{prefix}-offer"] = str(dps.id if enrolment_id == str(bjorn.id) else bo.id)
    data["submission_key"] = "fordeling-1"
    response = browser.submit(url, data)
    assert response.status_code == 302
    assert [(p.organisation_id, p.status) for p in placements_of(bjorn)] == [
        (w.organisation.id, S.PROPOSED)
    ]
    assert [p.organisation_id for p in placements_of(anna)] == [w.other.id]
    assert "Alle deltakere med plass på kurset har praksisplass" in text(browser.get(url))


def test_an_allocation_that_overfills_an_offer_is_refused_on_the_row(world, login):
    w = world
    db.session.add(ContactPerson(organisation=w.other, name="Liv", email="liv@example.org"))
    offer = w.offer(w.other, places=1)
    anna, bjorn = w.trainee(), w.trainee()
    browser = login(w.coordinator)
    url = f"/kurs/{w.cohort.id}/praksis/P1-01/fordeling"
    page = text(browser.get(url))
    rows = re.findall(r'name="(rows-\d+-enrolment)"[^>]*value="(\d+)"', page)
    data = {name: value for name, value in rows}
    data |= {name.replace("enrolment", "offer"): str(offer.id) for name, _value in rows}
    response = browser.submit(url, data)
    assert response.status_code == 400
    assert "Sjøgata bofellesskap har bare 1 ledige plasser." in text(response)
    assert placements_of(anna) == placements_of(bjorn) == []


def test_offers_from_the_coordinator_and_from_the_partner(world, login):
    w = world
    coordinator = login(w.coordinator)
    response = coordinator.submit(
        f"/kurs/{w.cohort.id}/praksis/tilbud/nytt",
        {
            "organisation": str(w.other.id),
            "module_code": "P2-01",
            "start_date": nor(100),
            "end_date": nor(160),
            "places": "2",
            "field_of_work": "Bofellesskap",
            "open": "y",
            "submission_key": "tilbud-1",
        },
    )
    assert response.status_code == 302
    partner = login(w.partner)
    form = text(partner.get("/portal/tilbud/nytt"))
    assert "MB-kurs Vestland" in form
    response = partner.submit(
        "/portal/tilbud/nytt",
        {
            "cohort": str(w.cohort.id),
            "module_code": "P1-01",
            "start_date": nor(-10),
            "end_date": nor(40),
            "places": "3",
            "field_of_work": "Dagtilbud",
            "politiattest_required": "y",
            "open": "y",
            "submission_key": "tilbud-2",
        },
    )
    assert response.status_code == 302
    offers = offers_of(w.cohort)
    assert [(o.organisation_id, o.module_code, o.places) for o in offers] == [
        (w.other.id, "P2-01", 2),
        (w.organisation.id, "P1-01", 3),
    ]
    assert offers[1].politiattest_required and offers[1].created_by_id == w.partner.id
    assert "Dagtilbud" in text(partner.get("/portal/tilbud"))
    # The partner cannot reach the other organisation's offer.
    assert partner.get(f"/portal/tilbud/{offers[0].id}").status_code == 404
    assert partner.get(f"/portal/tilbud/{offers[1].id}").status_code == 200


def test_the_trainee_sees_only_their_own_placements_with_history(world, login):
    w = world
    mine, other = w.trainee(name="Astrid Egen"), w.trainee(name="Bernt Annen")
    user = w.trainee_user(mine)
    w.place(mine, S.ACTIVE)
    w.place(other, S.ACTIVE, organisation=w.other)
    html = text(login(user).get("/min-praksis"))
    assert "Fjordtun DPS" in html and "Pågår" in html and "Bekreftet" in html
    assert "Sjøgata bofellesskap" not in html


def test_the_trainee_ranks_the_open_offers_without_javascript(world, login):
    w = world
    a, b = w.offer(w.organisation), w.offer(w.other)
    enrolment = w.trainee()
    browser = login(w.trainee_user(enrolment))
    page = text(browser.get("/min-praksis/onsker"))
    assert f'name="offer-{a.id}"' in page and "1. ønske" in page
    data = {"module_code": "P1-01", f"offer-{a.id}": "2", f"offer-{b.id}": "1"}
    assert browser.submit("/min-praksis/onsker", data).status_code == 302
    assert offers.preference_ranks(enrolment) == {b.id: 1, a.id: 2}
    data = {"module_code": "P1-01", f"offer-{a.id}": "1", f"offer-{b.id}": "1"}
    refused = browser.submit("/min-praksis/onsker", data)
    assert refused.status_code == 400
    assert "Nummer 1 er brukt to ganger" in text(refused)
    assert db.session.scalar(select(func.count(PlacementPreference.id))) == 2


def test_the_practice_page_loads_in_the_same_number_of_queries_for_10_and_50(
    world, login, count_queries
):
    w = world
    db.session.add(ContactPerson(organisation=w.other, name="Liv", email="liv@example.org"))
    w.offer(w.other, places=5)
    w.offer(w.organisation, places=5, module_code="P2-01", start_date=day(60), end_date=day(120))
    browser = login(w.coordinator)
    url = f"/kurs/{w.cohort.id}/praksis"
    browser.get(url)  # warm up (the session's last-seen write)
    counts = []
    for size in (10, 50):
        while len(offers.board(w.cohort, "P1-01").rows) < size:
            enrolment = w.trainee()
            if len(offers.board(w.cohort, "P1-01").rows) % 2:
                w.place(enrolment, S.ACTIVE if size == 50 else S.PROPOSED)
        with count_queries() as statements:
            response = browser.get(url)
        assert response.status_code == 200
        assert text(response).count('scope="row"') >= size
        counts.append(len([s for s in statements if not s.startswith("BEGIN")]))
    assert counts[0] == counts[1], counts
    # The session (2), the cohort with instructors and closed periods (3), trainees,
    # placements, offers and their use (4), practice periods (1), the log row (1).
    assert counts[0] <= 11, counts


def test_a_partner_who_leaves_out_the_dates_offers_the_whole_practice_period(world, login):
    w = world
    period = w.period("P1-01", start_days=-30, weeks=10)
    partner = login(w.partner)
    form = text(partner.get("/portal/tilbud/nytt"))
    assert f"Praksis I {nor(-30)}–{nor(37)}" in form
    response = partner.submit(
        "/portal/tilbud/nytt",
        {
            "cohort": str(w.cohort.id),
            "module_code": "P1-01",
            "places": "2",
            "field_of_work": "Dagtilbud",
            "open": "y",
            "submission_key": "tilbud-3",
        },
    )
    assert response.status_code == 302
    (offer,) = offers_of(w.cohort)
    assert (offer.start_date, offer.end_date) == (period.start_date, period.end_date)
