"""The cohort page in sections, in a fixed order with an in-page menu, one click from the
attendance sheet; and what an instructor does not need to know of the intake."""

import re
from datetime import date

import pytest

from mbtrain.accounts.models import Role
from mbtrain.builders.records import Records
from mbtrain.enrolments.models import EnrolmentStatus
from mbtrain.extensions import db

TODAY = date(2027, 2, 10)


@pytest.fixture
def course(factory, monkeypatch):
    monkeypatch.setattr("mbtrain.cohorts.views.today", lambda: TODAY)
    records = Records(factory)
    cohort = records.cohort(open_for_applications=True)
    sessions = records.sessions(cohort, "T1-01", date(2027, 1, 4), 8)  # weekly to 22 February
    trainee = records.trainee(cohort, name="Dina Deltaker")
    factory.enrolment(cohort, EnrolmentStatus.SOKT_INN, name="Sara Søker")
    factory.enrolment(cohort, EnrolmentStatus.VENTELISTE, name="Vilde Venter")
    return cohort, sessions, trainee


def test_the_sections_come_in_order_with_a_menu_to_each(login, make_user, course):
    cohort, _sessions, _trainee = course
    page = login(make_user(Role.COORDINATOR)).get(f"/kurs/{cohort.id}").get_data(as_text=True)
    order = ["oversikt", "deltakere", "timeplan", "praksis", "kursbevis"]
    menu = re.search(r'<nav class="in-page".*?</nav>', page, re.S).group(0)
    assert re.findall(r'href="#([a-z]+)"', menu) == order
    places = [page.index(f'<section id="{key}"') for key in order]
    assert places == sorted(places)


def test_the_attendance_sheet_of_the_last_session_is_one_click_away(login, make_user, course):
    cohort, sessions, _trainee = course
    page = login(make_user(Role.COORDINATOR)).get(f"/kurs/{cohort.id}").get_data(as_text=True)
    timetable = page[page.index('<section id="timeplan"') :]
    # 8 February is the last session held by 10 February; the next is 15 February.
    sheet = f"/kurs/{cohort.id}/okter/{sessions[5].id}/oppmote"
    assert f'href="{sheet}"' in timetable
    assert "Oppmøte" in timetable[timetable.index(sheet) : timetable.index(sheet) + 200]


def test_before_the_first_session_it_leads_to_the_next_sheet(login, make_user, course):
    cohort, sessions, _trainee = course
    for session in sessions[:6]:
        db.session.delete(session)
    db.session.commit()
    page = login(make_user(Role.COORDINATOR)).get(f"/kurs/{cohort.id}").get_data(as_text=True)
    assert f"/okter/{sessions[6].id}/oppmote" in page


def test_an_instructor_sees_no_applicants_on_the_cohort_page_or_the_list(login, make_user, course):
    cohort, _sessions, trainee = course
    instructor = make_user(Role.INSTRUCTOR)
    cohort.instructors.append(instructor)
    db.session.commit()
    client = login(instructor)
    page = client.get(f"/kurs/{cohort.id}").get_data(as_text=True)
    assert trainee.person.name in page
    for hidden in ("Sara Søker", "Vilde Venter", "Søkt inn", "Venteliste", "Søknader"):
        assert hidden not in page
    assert 'href="#praksis"' not in page and 'href="#kursbevis"' not in page
    listing = client.get("/kurs/").get_data(as_text=True)
    assert cohort.name in listing and "Søknader" not in listing
    coordinator = login(make_user(Role.COORDINATOR)).get("/kurs/").get_data(as_text=True)
    assert "Søknader" in coordinator
