from datetime import date

import pytest
from sqlalchemy import func, select

from mbtrain.accounts.models import Role
from mbtrain.cohorts.models import Cohort, CohortStatus
from mbtrain.enrolments.models import Enrolment, EnrolmentStatus
from mbtrain.extensions import db
from mbtrain.organisations.models import Organisation, OrganisationType


@pytest.fixture
def coordinator(make_user):
    return make_user(Role.COORDINATOR)


@pytest.fixture
def provider(make_organisation):
    return make_organisation("Kursleverandør AS", type=OrganisationType.TILTAKSARRANGOR)


def cohort_form(county, curriculum_version, provider, **overrides):
    data = {
        "name": "MB-kurs Vestland høst 2027",
        "county": county.id,
        "curriculum_version": curriculum_version.id,
        "provider": provider.id,
        "start_date": "16.08.2027",
        "end_date": "24.06.2028",
        "places": "18",
        "part_time_percent": "50",
        "meeting_place": "Kaigaten 4, Bergen",
        "contact_persons": "Kari Nordmann, 55 55 55 55",
        "open_for_applications": "y",
        "teaching_weekdays": ["1", "3"],
        "hours_per_day": "5",
        "day_starts_at": "09:00",
    }
    data.update(overrides)
    return data


def test_coordinator_creates_a_cohort_in_their_county(
    login, coordinator, county, curriculum_version, provider
):
    client = login(coordinator)
    response = client.submit(
        "/kurs/nytt", cohort_form(county, curriculum_version, provider), page="/kurs/nytt"
    )
    assert response.status_code == 302
    page = client.get(response.location).get_data(as_text=True)
    assert "MB-kurs Vestland høst 2027" in page
    assert "16.08.2027–24.06.2028" in page
    assert "0 av 18" in page


def test_double_submitted_create_form_creates_one_cohort(
    login, coordinator, county, curriculum_version, provider
):
    client = login(coordinator)
    data = cohort_form(county, curriculum_version, provider)
    data["submission_key"] = "fixed-key-for-this-test"
    first = client.submit("/kurs/nytt", data, page="/kurs/nytt")
    second = client.submit("/kurs/nytt", data, page="/kurs/nytt")
    assert first.status_code == second.status_code == 302
    assert first.location == second.location
    assert db.session.scalar(select(func.count()).select_from(Cohort)) == 1


@pytest.mark.parametrize(
    "overrides,field_message",
    [
        ({"end_date": "01.08.2027"}, "Sluttdatoen må være etter startdatoen."),
        ({"end_date": "16.08.2027"}, "Sluttdatoen må være etter startdatoen."),
        ({"start_date": "30.02.2027"}, "Skriv datoen som dd.mm.åååå"),
        ({"start_date": "i morgen"}, "Skriv datoen som dd.mm.åååå"),
        ({"places": "0"}, "Velg mellom 1 og 500."),
        ({"places": "-3"}, "Velg mellom 1 og 500."),
        ({"part_time_percent": "150"}, "Velg mellom 1 og 100."),
        ({"name": ""}, "Dette feltet må fylles ut."),
    ],
)
def test_bad_cohort_input_gets_a_norwegian_message_and_saves_nothing(
    login, coordinator, county, curriculum_version, provider, overrides, field_message
):
    client = login(coordinator)
    response = client.submit(
        "/kurs/nytt",
        cohort_form(county, curriculum_version, provider, **overrides),
        page="/kurs/nytt",
    )
    assert response.status_code == 200
    assert field_message in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count()).select_from(Cohort)) == 0


def test_provider_must_be_a_course_provider(
    login, coordinator, county, curriculum_version, make_organisation
):
    kommune = make_organisation("Bergen kommune", type=OrganisationType.KOMMUNE)
    client = login(coordinator)
    response = client.submit(
        "/kurs/nytt", cohort_form(county, curriculum_version, kommune), page="/kurs/nytt"
    )
    assert "Not a valid choice" not in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count()).select_from(Cohort)) == 0


def test_coordinator_cannot_create_in_another_county(
    login, coordinator, other_county, curriculum_version, provider
):
    client = login(coordinator)
    response = client.submit(
        "/kurs/nytt", cohort_form(other_county, curriculum_version, provider), page="/kurs/nytt"
    )
    assert response.status_code == 200
    assert db.session.scalar(select(func.count()).select_from(Cohort)) == 0


def test_other_countys_cohort_answers_404_like_a_missing_one(
    login, make_user, make_cohort, other_county
):
    theirs = make_cohort(county=other_county)
    client = login(make_user(Role.COORDINATOR))
    assert client.get(f"/kurs/{theirs.id}").status_code == 404
    assert client.get("/kurs/999999").status_code == 404
    assert client.get(f"/kurs/{theirs.id}/endre").status_code == 404


def test_cohort_list_filters_by_county_status_and_year(
    login, make_user, make_cohort, county, other_county
):
    make_cohort(name="Vestland 2027")
    make_cohort(
        name="Vestland 2025",
        start_date=date(2025, 1, 6),
        end_date=date(2025, 12, 19),
        status=CohortStatus.AVSLUTTET,
    )
    make_cohort(name="Oslo 2027", county=other_county)
    admin = login(make_user(Role.ADMIN))
    everything = admin.get("/kurs/").get_data(as_text=True)
    assert all(name in everything for name in ("Vestland 2027", "Vestland 2025", "Oslo 2027"))
    only_oslo = admin.get(f"/kurs/?county={other_county.id}").get_data(as_text=True)
    assert "Oslo 2027" in only_oslo and "Vestland 2027" not in only_oslo
    finished = admin.get("/kurs/?status=AVSLUTTET").get_data(as_text=True)
    assert "Vestland 2025" in finished and "Vestland 2027" not in finished
    year = admin.get("/kurs/?year=2025").get_data(as_text=True)
    assert "Vestland 2025" in year and "Oslo 2027" not in year
    coordinator = login(make_user(Role.COORDINATOR, counties=[county]))
    own = coordinator.get("/kurs/").get_data(as_text=True)
    assert "Vestland 2027" in own and "Oslo 2027" not in own


def test_instructor_sees_only_the_cohorts_they_teach(login, make_user, make_cohort):
    instructor = make_user(Role.INSTRUCTOR)
    taught = make_cohort(name="Kurset jeg underviser")
    make_cohort(name="Et annet kurs")
    taught.instructors.append(instructor)
    db.session.commit()
    page = login(instructor).get("/kurs/").get_data(as_text=True)
    assert "Kurset jeg underviser" in page and "Et annet kurs" not in page


def test_stale_cohort_edit_gets_409_and_loses_nothing(
    login, make_user, make_cohort, county, curriculum_version
):
    cohort = make_cohort()
    provider = db.session.get(Organisation, cohort.provider_id)
    first, second = login(make_user(Role.COORDINATOR)), login(make_user(Role.COORDINATOR))
    url = f"/kurs/{cohort.id}/endre"
    data = cohort_form(county, curriculum_version, provider, version=str(cohort.version))
    saved = first.submit(url, {**data, "name": "Navn fra første"}, page=url)
    assert saved.status_code == 302
    stale = second.submit(url, {**data, "name": "Navn fra andre"}, page=url)
    assert stale.status_code == 409
    page = stale.get_data(as_text=True)
    assert "Noen andre har lagret endringer" in page
    assert "Navn fra første" in page  # what is saved now
    assert 'value="Navn fra andre"' in page  # the second person's input is kept
    db.session.expire_all()
    assert db.session.get(Cohort, cohort.id).name == "Navn fra første"


def test_closed_periods_must_lie_inside_the_cohort(login, make_user, make_cohort):
    cohort = make_cohort()
    client = login(make_user(Role.COORDINATOR))
    url = f"/kurs/{cohort.id}/stengte-perioder"
    outside = client.submit(
        url,
        {"start_date": "20.12.2026", "end_date": "02.01.2027", "description": "Juleferie"},
        page=f"/kurs/{cohort.id}",
    )
    assert outside.status_code == 400
    assert "innenfor kursets periode" in outside.get_data(as_text=True)
    inside = client.submit(
        url,
        {"start_date": "29.03.2027", "end_date": "05.04.2027", "description": "Påskeferie"},
        page=f"/kurs/{cohort.id}",
    )
    assert inside.status_code == 302
    assert "Påskeferie" in client.get(f"/kurs/{cohort.id}").get_data(as_text=True)


def test_cancelling_a_running_cohort_ends_enrolments_in_one_step(
    login, make_user, make_cohort, make_enrolment
):
    cohort = make_cohort(
        status=CohortStatus.GJENNOMFORES, start_date=date(2026, 8, 17), end_date=date(2027, 6, 18)
    )
    taking_part = make_enrolment(cohort, EnrolmentStatus.DELTAR, name="Kari Nordmann")
    waiting = make_enrolment(cohort, EnrolmentStatus.VENTELISTE, name="Ola Nordmann")
    applied = make_enrolment(cohort, name="Per Søker")
    client = login(make_user(Role.COORDINATOR))
    url = f"/kurs/{cohort.id}/avlys"
    page = client.get(url).get_data(as_text=True)
    # The page names everyone whose status the cancellation ends, and what it becomes.
    affected = page[page.index("Disse får ny status") :]
    assert affected.index("1 får status «Avbrutt»") < affected.index("Kari Nordmann (nå: Deltar)")
    assert "Ola Nordmann (nå: Venteliste)" in affected and "Per Søker (nå: Søkt inn)" in affected
    assert "2 får status «Ikke aktuell»" in affected
    assert ">Bekreft</button>" in page and "Avbryt, ikke endre kurset</a>" in page
    response = client.submit(url, {"reason": "FOR_FAA_DELTAKERE", "version": cohort.version})
    assert response.status_code == 302
    shown = client.get(response.headers["Location"]).get_data(as_text=True)
    assert f"Kurset «{cohort.name}» er avbrutt." in shown
    assert "Kari Nordmann har fått status «Avbrutt»." in shown
    assert "Ola Nordmann og Per Søker har fått status «Ikke aktuell»." in shown
    db.session.expire_all()
    assert db.session.get(Cohort, cohort.id).status is CohortStatus.AVBRUTT
    statuses = {e.id: e.status for e in db.session.scalars(select(Enrolment))}
    assert statuses == {
        taking_part.id: EnrolmentStatus.AVBRUTT,
        waiting.id: EnrolmentStatus.IKKE_AKTUELL,
        applied.id: EnrolmentStatus.IKKE_AKTUELL,
    }


def test_cancelling_before_start_is_avlyst_and_annet_needs_text(login, make_user, make_cohort):
    cohort = make_cohort()
    client = login(make_user(Role.COORDINATOR))
    url = f"/kurs/{cohort.id}/avlys"
    missing = client.submit(url, {"reason": "ANNET", "text": "", "version": cohort.version})
    assert "Beskriv årsaken" in missing.get_data(as_text=True)
    done = client.submit(
        url, {"reason": "ANNET", "text": "Lokalet brant", "version": cohort.version}
    )
    assert done.status_code == 302
    db.session.expire_all()
    assert db.session.get(Cohort, cohort.id).status is CohortStatus.AVLYST
