"""When attendance may be saved: never before the session's day; late, only with a reason,
which the sheet's history keeps and shows."""

from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import select, update

from mbtrain.accounts.models import Role
from mbtrain.attendance import services as attendance
from mbtrain.attendance.models import AttendanceChange
from mbtrain.config import load_settings
from mbtrain.curriculum.definition import AttendanceStatus as A
from mbtrain.enrolments.models import EnrolmentStatus, StatusPeriod
from mbtrain.errors import Refused
from mbtrain.extensions import db
from mbtrain.i18n import today
from mbtrain.schedule.models import CourseSession
from tests.attendance.test_sheet_pages import records, sheet_data, sheet_url


@pytest.fixture
def instructor(make_user):
    return make_user(Role.INSTRUCTOR)


@pytest.fixture
def cohort(make_cohort, instructor):
    return make_cohort(instructors=[instructor])


@pytest.fixture
def trainees(cohort, make_enrolment):
    """Two trainees taking part since long before any session here."""
    made = [
        make_enrolment(cohort, EnrolmentStatus.DELTAR, name=name, email=f"w{n}@example.net")
        for n, name in enumerate(["Kari Nordmann", "Ola Nordmann"])
    ]
    db.session.execute(
        update(StatusPeriod)
        .where(StatusPeriod.enrolment_id.in_([e.id for e in made]))
        .values(valid_from=datetime(2026, 1, 1, tzinfo=UTC))
    )
    db.session.commit()
    return made


def session_on(cohort, day: date) -> CourseSession:
    session = CourseSession(
        cohort_id=cohort.id, module_code="T1-01", date=day, starts_at=cohort.day_starts_at, hours=5
    )
    db.session.add(session)
    db.session.commit()
    return session


def history(session) -> list[AttendanceChange]:
    return db.session.scalars(
        select(AttendanceChange)
        .where(AttendanceChange.session_id == session.id)
        .order_by(AttendanceChange.id)
    ).all()


def entries(trainees, status=A.TIL_STEDE):
    return [attendance.SheetEntry(t.id, status, None) for t in trainees]


# Not before the session's day ------------------------------------------------------------


def test_the_service_refuses_a_session_that_has_not_been_held(cohort, trainees, instructor):
    session = session_on(cohort, today() + timedelta(days=28))
    with pytest.raises(Refused, match="før økten er holdt"):
        attendance.save_sheet(session, entries(trainees, A.IKKE_MOTT), 0, instructor)
    assert records(session) == {}


def test_a_sheet_for_a_day_to_come_saves_nothing_and_says_so(login, instructor, cohort, trainees):
    session = session_on(cohort, today() + timedelta(days=28))
    client = login(instructor)
    page = client.get(sheet_url(session)).get_data(as_text=True)
    assert "Økten er ikke holdt ennå." in page
    assert "Lagre oppmøtet" not in page and "Importer filen" not in page
    data = sheet_data(page, {trainees[0].id: ("IKKE_MOTT", "")})
    response = client.submit(sheet_url(session), data)
    assert response.status_code == 400
    assert "Oppmøtet kan ikke registreres før økten er holdt" in response.get_data(as_text=True)
    assert records(session) == {}
    db.session.refresh(session)
    assert session.attendance_version == 0


def test_the_session_s_own_day_is_not_too_early(cohort, trainees, instructor):
    session = session_on(cohort, today())
    assert attendance.save_sheet(session, entries(trainees), 0, instructor) == 2


# Late: a reason, kept in the history ---------------------------------------------------


def test_a_late_change_without_a_reason_saves_nothing(login, instructor, cohort, trainees):
    session = session_on(cohort, today() - timedelta(days=30))
    client = login(instructor)
    page = client.get(sheet_url(session)).get_data(as_text=True)
    assert "Hvorfor endres oppmøtet nå?" in page
    response = client.submit(sheet_url(session), sheet_data(page))
    assert response.status_code == 400
    text = response.get_data(as_text=True)
    assert "Økten var for mer enn 7 dager siden. Skriv hvorfor oppmøtet endres nå" in text
    assert 'id="reason-error"' in text
    assert records(session) == {} and history(session) == []


def test_a_late_change_with_a_reason_is_saved_and_shown_in_the_history(
    login, instructor, cohort, trainees
):
    session = session_on(cohort, today() - timedelta(days=30))
    ola = trainees[1]
    attendance.save_sheet(session, entries(trainees), 0, instructor, today=session.date)
    db.session.commit()
    client = login(instructor)
    page = client.get(sheet_url(session)).get_data(as_text=True)
    data = sheet_data(page, {ola.id: ("SYK", "")}) | {"reason": "Rettet etter melding fra Ola"}
    assert client.submit(sheet_url(session), data).status_code == 302
    assert records(session)[ola.id] == (A.SYK, 0.0)
    [change] = history(session)
    assert (change.enrolment_id, change.old_status, change.old_hours) == (ola.id, A.TIL_STEDE, 5)
    assert (change.status, change.reason, change.changed_by_id) == (
        A.SYK,
        "Rettet etter melding fra Ola",
        instructor.id,
    )
    page = client.get(sheet_url(session)).get_data(as_text=True)
    assert "Endringslogg" in page and "Rettet etter melding fra Ola" in page


def test_saving_a_late_sheet_unchanged_asks_no_reason(cohort, trainees, instructor):
    session = session_on(cohort, today() - timedelta(days=30))
    attendance.save_sheet(session, entries(trainees), 0, instructor, today=session.date)
    assert attendance.save_sheet(session, entries(trainees), 1, instructor) == 2
    assert history(session) == []


def test_a_change_within_the_days_asks_no_reason_but_is_kept(cohort, trainees, instructor):
    session = session_on(cohort, today() - timedelta(days=7))
    attendance.save_sheet(session, entries(trainees), 0, instructor)
    attendance.save_sheet(session, entries(trainees[:1], A.SYK), 1, instructor)
    [change] = history(session)
    assert (change.old_status, change.status, change.reason) == (A.TIL_STEDE, A.SYK, None)


def test_the_first_late_registration_is_kept_with_its_reason(cohort, trainees, instructor):
    session = session_on(cohort, today() - timedelta(days=8))
    attendance.save_sheet(session, entries(trainees), 0, instructor, "Glemt på dagen")
    assert [(c.old_status, c.reason) for c in history(session)] == [(None, "Glemt på dagen")] * 2


@pytest.mark.parametrize("app_config", [{"ATTENDANCE_CHANGE_REASON_AFTER_DAYS": 60}])
def test_the_number_of_days_is_a_setting(cohort, trainees, instructor):
    session = session_on(cohort, today() - timedelta(days=30))
    assert attendance.save_sheet(session, entries(trainees), 0, instructor) == 2


def test_the_setting_defaults_to_seven_days_and_reads_the_environment():
    assert load_settings({})["ATTENDANCE_CHANGE_REASON_AFTER_DAYS"] == 7
    env = {"MBTRAIN_ATTENDANCE_CHANGE_REASON_AFTER_DAYS": "14"}
    assert load_settings(env)["ATTENDANCE_CHANGE_REASON_AFTER_DAYS"] == 14


def test_a_reason_too_long_saves_nothing_and_says_so_in_norwegian(
    login, instructor, cohort, trainees
):
    session = session_on(cohort, today() - timedelta(days=30))
    client = login(instructor)
    page = client.get(sheet_url(session)).get_data(as_text=True)
    response = client.submit(sheet_url(session), sheet_data(page) | {"reason": "x" * 10_000})
    text = response.get_data(as_text=True)
    assert response.status_code == 400 and 'id="reason-error"' in text
    assert "Field must be" not in text and "500" in text
    assert records(session) == {}
