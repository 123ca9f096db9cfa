"""The cohort's timetable: generating it, changing sessions, and who may see what."""

import re
from datetime import date

import pytest
from sqlalchemy import func, select

from mbtrain.accounts.models import Role
from mbtrain.attendance.models import AttendanceRecord
from mbtrain.cohorts.models import ClosedPeriod
from mbtrain.curriculum.definition import AttendanceStatus
from mbtrain.enrolments.models import EnrolmentStatus
from mbtrain.extensions import db
from mbtrain.schedule import services
from mbtrain.schedule.models import CourseSession, PracticePeriod, SessionStatus

FINGERPRINT_RE = re.compile(r'name="fingerprint"[^>]*value="([0-9a-f]+)"')


def sessions_of(cohort) -> list[CourseSession]:
    return list(
        db.session.scalars(
            select(CourseSession)
            .where(CourseSession.cohort_id == cohort.id)
            .order_by(CourseSession.date, CourseSession.starts_at)
        )
    )


def generate(cohort) -> None:
    services.apply_schedule(cohort)
    db.session.commit()


def confirm(client, cohort):
    url = f"/kurs/{cohort.id}/timeplan/lag"
    preview = client.get(url).get_data(as_text=True)
    fingerprint = FINGERPRINT_RE.search(preview).group(1)
    return client.submit(url, {"fingerprint": fingerprint})


@pytest.fixture
def coordinator(make_user):
    return make_user(Role.COORDINATOR)


def test_coordinator_previews_then_generates_the_timetable(login, coordinator, make_cohort):
    cohort = make_cohort()
    client = login(coordinator)
    preview = client.get(f"/kurs/{cohort.id}/timeplan/lag").get_data(as_text=True)
    assert "Forhåndsvisning" in preview
    assert "T1-01 MB-rollen og erfaringskompetanse" in preview
    assert "Andre påskedag" in preview  # a Monday: the preview says it is skipped
    assert not sessions_of(cohort)  # a preview writes nothing
    response = confirm(client, cohort)
    assert response.status_code == 302
    sessions = sessions_of(cohort)
    assert sum(s.hours for s in sessions) == 12 + 4 * 24 + 6 * 16 + 40
    assert date(2027, 3, 29) not in {s.date for s in sessions}
    periods = db.session.scalars(select(PracticePeriod).order_by(PracticePeriod.start_date))
    assert [p.module_code for p in periods] == ["P1-01", "P2-01"]
    page = client.get(response.location).get_data(as_text=True)
    assert "Timeplanen er laget" in page
    assert "Praksis: Praksis I – uke 1" in page
    assert "Fri man. 29.03.: Andre påskedag" in page


def test_a_calendar_changed_after_the_preview_gets_409_and_writes_nothing(
    login, coordinator, make_cohort
):
    cohort = make_cohort()
    client = login(coordinator)
    url = f"/kurs/{cohort.id}/timeplan/lag"
    fingerprint = FINGERPRINT_RE.search(client.get(url).get_data(as_text=True)).group(1)
    cohort.closed_periods.append(
        ClosedPeriod(
            start_date=date(2027, 2, 15), end_date=date(2027, 2, 19), description="Vinterferie"
        )
    )
    db.session.commit()
    response = client.submit(url, {"fingerprint": fingerprint})
    assert response.status_code == 409
    assert "Kursets kalender er endret etter at du så forhåndsvisningen" in response.get_data(
        as_text=True
    )
    assert not sessions_of(cohort)


def test_a_curriculum_that_does_not_fit_is_explained_not_generated(login, coordinator, make_cohort):
    cohort = make_cohort(end_date=date(2027, 6, 30))
    page = login(coordinator).get(f"/kurs/{cohort.id}/timeplan/lag").get_data(as_text=True)
    assert "Læreplanen får ikke plass mellom 04.01.2027 og 30.06.2027" in page
    assert "undervisningstimer" in page and "praksisuker" in page
    assert 'name="fingerprint"' not in page  # no button to press


def test_regenerating_replaces_planned_sessions_but_not_over_recorded_attendance(
    login, coordinator, make_cohort, make_enrolment
):
    cohort = make_cohort()
    generate(cohort)
    first = sessions_of(cohort)[0]
    first.date = date(2027, 1, 6)  # moved by hand
    db.session.commit()
    client = login(coordinator)
    assert confirm(client, cohort).status_code == 302
    assert sessions_of(cohort)[0].date == date(2027, 1, 4)

    enrolment = make_enrolment(cohort, EnrolmentStatus.DELTAR)
    session = sessions_of(cohort)[0]
    db.session.add(
        AttendanceRecord(
            session_id=session.id,
            enrolment_id=enrolment.id,
            status=AttendanceStatus.TIL_STEDE,
            hours_present=session.hours,
        )
    )
    db.session.commit()
    before = [(s.id, s.date) for s in sessions_of(cohort)]
    page = client.get(f"/kurs/{cohort.id}/timeplan/lag").get_data(as_text=True)
    assert "oppmøte er allerede registrert for 1 økter" in page
    response = client.submit(f"/kurs/{cohort.id}/timeplan/lag", {"fingerprint": "0" * 64})
    assert response.status_code == 400
    assert [(s.id, s.date) for s in sessions_of(cohort)] == before


def test_moving_cancelling_and_restoring_a_session(login, make_user, make_cohort):
    instructor = make_user(Role.INSTRUCTOR)
    cohort = make_cohort(instructors=[instructor])
    generate(cohort)
    session = sessions_of(cohort)[0]
    client = login(instructor)
    url = f"/kurs/{cohort.id}/timeplan/okter/{session.id}"
    data = {
        "module_code": session.module_code,
        "date": "06.01.2027",
        "starts_at": "12.30",
        "hours": "4,5",
        "location": "Rom 3",
        "note": "",
        "version": str(session.version),
    }
    assert client.submit(url, data).status_code == 302
    db.session.refresh(session)
    assert (session.date, session.starts_at.hour, session.starts_at.minute, session.hours) == (
        date(2027, 1, 6),
        12,
        30,
        4.5,
    )
    # A stale form (opened before the move) gets 409 and changes nothing.
    stale = client.submit(url, {**data, "date": "07.01.2027"})
    assert stale.status_code == 409
    assert "Noen andre har lagret endringer" in stale.get_data(as_text=True)
    db.session.refresh(session)
    assert session.date == date(2027, 1, 6)

    client.submit(url + "/avlys", {"cancel-note": "Kursholder er syk"}, page=url)
    page = client.get(f"/kurs/{cohort.id}/timeplan").get_data(as_text=True)
    assert "Avlyst:" in page and "Kursholder er syk" in page
    db.session.refresh(session)
    assert session.status is SessionStatus.AVLYST
    client.submit(url + "/gjenopprett", {}, page=url)
    db.session.refresh(session)
    assert session.status is SessionStatus.PLANLAGT


@pytest.mark.parametrize(
    "date_text,message",
    [
        ("17.05.2027", "Kurset har ikke undervisning denne dagen (Andre pinsedag; Grunnlovsdag)."),
        ("15.02.2027", "Kurset har ikke undervisning denne dagen (Vinterferie)."),
        ("03.01.2027", "Datoen må ligge innenfor kursets periode"),
    ],
)
def test_a_session_cannot_be_moved_to_a_closed_day(
    login, coordinator, make_cohort, date_text, message
):
    cohort = make_cohort()
    cohort.closed_periods.append(
        ClosedPeriod(
            start_date=date(2027, 2, 15), end_date=date(2027, 2, 19), description="Vinterferie"
        )
    )
    db.session.commit()
    generate(cohort)
    session = sessions_of(cohort)[0]
    url = f"/kurs/{cohort.id}/timeplan/okter/{session.id}"
    response = login(coordinator).submit(
        url,
        {
            "module_code": session.module_code,
            "date": date_text,
            "starts_at": "09:00",
            "hours": "5",
            "version": str(session.version),
        },
    )
    assert response.status_code == 400
    assert message in response.get_data(as_text=True)
    db.session.refresh(session)
    assert session.date == date(2027, 1, 4)


def test_adding_a_session_twice_by_double_submit_adds_one(login, make_user, make_cohort):
    instructor = make_user(Role.INSTRUCTOR)
    cohort = make_cohort(instructors=[instructor])
    client = login(instructor)
    url = f"/kurs/{cohort.id}/timeplan/okter/ny"
    data = {
        "module_code": "T2-02",
        "date": "10.03.2027",
        "starts_at": "10:00",
        "hours": "3",
        "submission_key": "fixed-key-for-this-test",
    }
    first, second = client.submit(url, data), client.submit(url, data)
    assert first.status_code == second.status_code == 302
    assert [(s.module_code, s.date) for s in sessions_of(cohort)] == [("T2-02", date(2027, 3, 10))]
    bad = client.submit(url, {**data, "module_code": "P1-01", "submission_key": "another"})
    assert bad.status_code == 200
    assert "Ikke et gyldig valg" in bad.get_data(as_text=True)  # practice has no sessions


def test_instructors_may_not_regenerate(login_as, make_cohort):
    cohort = make_cohort()
    client = login_as(Role.INSTRUCTOR)
    assert client.get(f"/kurs/{cohort.id}/timeplan/lag").status_code == 403


@pytest.mark.parametrize(
    "path",
    [
        "/kurs/{cohort}/timeplan",
        "/kurs/{cohort}/timeplan/okter/{session}",
        "/kurs/{cohort}/timeplan/okter/ny",
        "/kurs/{cohort}/okter/{session}/oppmote",
    ],
)
def test_an_instructor_of_another_cohort_gets_404(login, make_user, make_cohort, path):
    theirs = make_cohort(name="Deres kurs", instructors=[make_user(Role.INSTRUCTOR)])
    generate(theirs)
    session = sessions_of(theirs)[0]
    client = login(make_user(Role.INSTRUCTOR))
    response = client.get(path.format(cohort=theirs.id, session=session.id))
    assert response.status_code == 404
    assert "Deres kurs" not in response.get_data(as_text=True)


def test_a_session_of_another_cohort_is_not_found_through_this_one(login, coordinator, make_cohort):
    mine, other = make_cohort(name="Mitt"), make_cohort(name="Annet")
    generate(other)
    session = sessions_of(other)[0]
    client = login(coordinator)
    assert client.get(f"/kurs/{mine.id}/timeplan/okter/{session.id}").status_code == 404
    assert client.get(f"/kurs/{mine.id}/okter/{session.id}/oppmote").status_code == 404


def test_trainees_see_their_own_schedule_and_no_other(
    app, login, make_user, make_cohort, make_enrolment
):
    own = make_cohort(name="Eget kurs", meeting_place="Kaigaten 4")
    other = make_cohort(name="Annet kurs", start_date=date(2027, 2, 1))
    generate(own)
    generate(other)
    enrolment = make_enrolment(own, EnrolmentStatus.DELTAR)
    make_enrolment(other, EnrolmentStatus.VENTELISTE, email=enrolment.person.email + ".x")
    user = make_user(Role.TRAINEE, email=enrolment.person.email)
    enrolment.person.user = user
    db.session.commit()
    client = login(user)
    page = client.get("/min-timeplan?alle=1").get_data(as_text=True)
    assert "Eget kurs" in page and "Annet kurs" not in page
    assert "OPP-01 Oppstart" in page
    assert "Kaigaten 4" in page
    assert client.get(f"/kurs/{other.id}/timeplan").status_code == 403
    assert client.get(f"/kurs/{own.id}/timeplan").status_code == 403
    mine = client.get("/mitt-kurs").get_data(as_text=True)
    assert 'href="/min-timeplan"' in mine


def test_a_trainee_without_a_place_has_no_timetable(login_as):
    page = login_as(Role.TRAINEE).get("/min-timeplan").get_data(as_text=True)
    assert "du har ingen timeplan" in page


def test_the_overview_shows_the_next_sessions(login, coordinator, make_cohort):
    cohort = make_cohort()
    generate(cohort)
    page = login(coordinator).get(f"/kurs/{cohort.id}").get_data(as_text=True)
    assert "Neste økter" in page
    assert "man. 04.01.2027 09:00–14:00: OPP-01" in page
    assert f'href="/kurs/{cohort.id}/timeplan"' in page


@pytest.mark.parametrize(
    "overrides,message",
    [
        ({"teaching_weekdays": []}, "Velg minst én undervisningsdag."),
        ({"hours_per_day": "13"}, "Velg mellom 0,5 og 12."),
        ({"hours_per_day": "0,25"}, "Velg mellom 0,5 og 12."),
        ({"hours_per_day": "fem"}, "Skriv inn antall timer"),
        ({"day_starts_at": "25:00"}, "Skriv klokkeslettet som tt:mm"),
    ],
)
def test_the_cohort_form_sets_the_timetable_pattern(
    login, coordinator, make_cohort, overrides, message
):
    cohort = make_cohort()
    client = login(coordinator)
    url = f"/kurs/{cohort.id}/endre"
    form = client.get(url).get_data(as_text=True)
    assert 'checked id="teaching_weekdays-0"' in form  # Monday and Tuesday, the default
    assert 'checked id="teaching_weekdays-1"' in form
    assert 'checked id="teaching_weekdays-2"' not in form
    data = {
        "name": cohort.name,
        "county": cohort.county_id,
        "curriculum_version": cohort.curriculum_version_id,
        "provider": cohort.provider_id,
        "start_date": "04.01.2027",
        "end_date": "17.12.2027",
        "places": "20",
        "part_time_percent": "50",
        "teaching_weekdays": ["2", "4"],
        "hours_per_day": "6,5",
        "day_starts_at": "08.30",
        "version": str(cohort.version),
    }
    bad = client.submit(url, {**data, **overrides})
    assert bad.status_code == 200
    assert message in bad.get_data(as_text=True)
    assert client.submit(url, data).status_code == 302
    db.session.refresh(cohort)
    assert (cohort.teaching_weekdays, cohort.hours_per_day, cohort.day_starts_at.hour) == (
        "2,4",
        6.5,
        8,
    )
    page = client.get(f"/kurs/{cohort.id}").get_data(as_text=True)
    assert "tirsdag og torsdag, 6,5 timer fra kl. 08:30" in page


def test_schedule_page_queries_do_not_grow_with_sessions(
    login, coordinator, make_cohort, count_queries
):
    client = login(coordinator)
    counts = []
    for size in (10, 100):
        cohort = make_cohort(name=f"Kurs med {size}")
        db.session.add_all(
            CourseSession(
                cohort_id=cohort.id,
                module_code="T1-01",
                date=date(2027, 1, 4 + n % 20),
                starts_at=cohort.day_starts_at,
                hours=1,
            )
            for n in range(size)
        )
        db.session.commit()
        url = f"/kurs/{cohort.id}/timeplan"
        client.get(url)
        with count_queries() as statements:
            response = client.get(url)
        assert response.status_code == 200
        assert response.get_data(as_text=True).count("T1-01 MB-rollen") == size
        counts.append(len(statements))
    assert counts[0] == counts[1], counts
    assert counts[0] <= 9, counts


def test_generation_is_refused_for_a_finished_cohort(coordinator, make_cohort):
    from mbtrain.cohorts.models import CohortStatus

    cohort = make_cohort(status=CohortStatus.AVSLUTTET)
    with pytest.raises(services.ScheduleError, match="får ikke ny timeplan"):
        services.apply_schedule(cohort)
    assert db.session.scalar(select(func.count(CourseSession.id))) == 0
