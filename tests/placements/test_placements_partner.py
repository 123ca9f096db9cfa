"""Data minimisation toward partners: own organisation only, never the waiting list, no
identity for a protected trainee, no access some time after the placement ended."""

import pytest
from flask_login import login_user
from sqlalchemy import select

from mbtrain.accounts.models import Role
from mbtrain.audit.models import AccessAction
from mbtrain.enrolments import services as enrolments
from mbtrain.enrolments.models import EnrolmentStatus as E
from mbtrain.extensions import db
from mbtrain.i18n import today
from mbtrain.placements import services
from mbtrain.placements.models import Placement
from mbtrain.placements.models import PlacementStatus as S
from tests.placements.core_support import (
    day,
    last_log_id,
    log_rows_after,
)


def page(client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200, url
    return response.get_data(as_text=True)


def test_a_partner_sees_their_own_organisations_placements_and_nothing_else(world, login):
    w = world
    ours = w.place(w.trainee(name="Astrid Egen"), S.ACTIVE)
    theirs = w.place(w.trainee(name="Bernt Annen"), S.ACTIVE, organisation=w.other)
    browser = login(w.partner)

    listing = page(browser, "/portal/praksis")
    assert "Astrid Egen" in listing
    assert "Bernt Annen" not in listing
    assert "Astrid Egen" in page(browser, f"/portal/praksis/{ours.id}")
    assert browser.get(f"/portal/praksis/{theirs.id}").status_code == 404


def test_another_organisations_partner_gets_404_for_an_id_that_exists(world, login):
    w = world
    placement = w.place(w.trainee(name="Astrid Egen"), S.ACTIVE)
    outsider = w.factory.user(Role.PARTNER, organisation=w.other)
    response = login(outsider).get(f"/portal/praksis/{placement.id}")
    assert response.status_code == 404
    assert "Astrid Egen" not in response.get_data(as_text=True)


def test_the_parent_organisation_does_not_see_its_units_placements(world, login):
    """Own organisation only: Helse Fjord HF's user is not Fjordtun DPS's supervisor."""
    w = world
    placement = w.place(w.trainee(name="Astrid Egen"), S.ACTIVE)
    at_parent = login(w.factory.user(Role.PARTNER, organisation=w.parent))
    assert "Astrid Egen" not in page(at_parent, "/portal/praksis")
    assert at_parent.get(f"/portal/praksis/{placement.id}").status_code == 404


@pytest.mark.parametrize(
    "ended_days_ago,visible", [(0, True), (39, True), (40, True), (41, False), (100, False)]
)
def test_access_ends_forty_days_after_the_placement_ended(world, login, ended_days_ago, visible):
    w = world
    end = day(-ended_days_ago)
    placement = w.place(
        w.trainee(name="Astrid Egen"), S.COMPLETED, start_date=day(-110), end_date=end
    )
    browser = login(w.partner)
    assert ("Astrid Egen" in page(browser, "/portal/praksis")) is visible
    assert browser.get(f"/portal/praksis/{placement.id}").status_code == (200 if visible else 404)


@pytest.mark.parametrize("app_config", [{"PARTNER_ACCESS_DAYS": 10}])
def test_the_access_time_is_a_setting(world, login):
    w = world
    placement = w.place(w.trainee(), S.COMPLETED, start_date=day(-100), end_date=day(-11))
    assert login(w.partner).get(f"/portal/praksis/{placement.id}").status_code == 404


def test_trainees_who_do_not_hold_a_place_are_never_shown(world, login):
    w = world
    starting = w.trainee(E.VENTER_PA_OPPSTART, name="Vera Venter")
    proposal = w.place(starting)
    waiting = w.trainee(E.VENTELISTE, name="Wenche Venteliste")
    # A row that should never exist, made directly: the waiting list must not leak through it.
    leak = Placement(
        enrolment=waiting,
        organisation=w.organisation,
        module_code="P1-01",
        supervisor_name="Kari",
        supervisor_email="kari@example.org",
        start_date=day(1),
        end_date=day(40),
        weekly_hours=19,
    )
    db.session.add(leak)
    db.session.commit()
    browser = login(w.partner)
    listing = page(browser, "/portal/praksis")
    assert "Vera Venter" in listing
    assert "Wenche Venteliste" not in listing
    assert browser.get(f"/portal/praksis/{leak.id}").status_code == 404

    enrolments.change_status(
        starting,
        E.IKKE_AKTUELL,
        reason=enrolments.StatusReason.ANNET,
        reason_text="Flyttet",
        by=None,
    )
    db.session.commit()
    assert "Vera Venter" not in page(browser, "/portal/praksis")
    assert browser.get(f"/portal/praksis/{proposal.id}").status_code == 404


def test_a_protected_trainee_appears_without_identity(world, login):
    w = world
    enrolment = w.trainee(name="Hemmelig Navnesen", email="hemmelig@example.net", protected=True)
    placement = w.place(enrolment, S.ACTIVE)
    browser = login(w.partner)
    for html in (
        page(browser, "/portal/praksis"),
        page(browser, f"/portal/praksis/{placement.id}"),
    ):
        assert "Deltaker (navnet holdes skjult)" in html
        for identity in ("Hemmelig", "hemmelig@example.net", "41234567"):
            assert identity not in html


def test_partners_never_see_date_of_birth_nav_contact_or_the_coordinators_notes(world, login):
    w = world
    enrolment = w.trainee(name="Astrid Egen")
    enrolment.nav_contact = "Nils NAV-veileder"
    placement = w.place(enrolment, S.CONFIRMED)
    services.update_placement(placement, w.fields(weekly_hours=15), by=None)
    placement.events[-1].reason = "Har snakket med fastlegen om medisinene"
    db.session.commit()
    html = page(login(w.partner), f"/portal/praksis/{placement.id}")
    assert "Astrid Egen" in html
    for hidden in ("14.03.1985", "1985", "Nils NAV-veileder", "fastlegen"):
        assert hidden not in html
    assert "Dette deles med dere" in html


def test_viewing_a_placement_is_logged_for_the_trainee(world, login):
    w = world
    enrolment = w.trainee()
    placement = w.place(enrolment, S.ACTIVE)
    first = last_log_id()
    login(w.partner).get(f"/portal/praksis/{placement.id}")
    (row,) = [r for r in log_rows_after(first) if r.object_type == "placement"]
    assert (row.actor_user_id, row.subject_person_id, row.action, row.purpose) == (
        w.partner.id,
        enrolment.person_id,
        AccessAction.VIEW,
        "PLACEMENT",
    )
    assert row.actor_scope == "Fjordtun DPS"


def test_the_sql_condition_and_the_predicate_agree(world, app):
    w = world
    made = [
        w.place(w.trainee(), S.ACTIVE),
        w.place(w.trainee(), S.ACTIVE, organisation=w.other),
        w.place(w.trainee(), S.COMPLETED, start_date=day(-100), end_date=day(-41)),
        w.place(w.trainee(), S.COMPLETED, start_date=day(-100), end_date=day(-40)),
        w.place(w.trainee(E.VENTER_PA_OPPSTART)),
        w.place(w.trainee(), S.DECLINED),
    ]
    by_sql = set(
        db.session.scalars(
            select(Placement.id).where(services.partner_placements(w.partner, today()))
        )
    )
    by_predicate = {p.id for p in made if services.partner_can_see(w.partner, p, today())}
    assert by_sql == by_predicate == {made[0].id, made[3].id, made[4].id, made[5].id}
    with app.test_request_context():
        login_user(w.coordinator)
        assert not services.partner_can_see(w.coordinator, made[0], today())
