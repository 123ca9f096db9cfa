"""iCalendar feeds: an unguessable, revocable address per trainee and per cohort."""

import hashlib
import re
from datetime import date, time

import pytest
from icalendar import Calendar
from sqlalchemy import select

from mbtrain.accounts.models import Role
from mbtrain.audit.models import AccessAction, AccessLog
from mbtrain.enrolments.models import EnrolmentStatus
from mbtrain.extensions import db
from mbtrain.schedule import services
from mbtrain.schedule.models import CalendarFeed, CourseSession, SessionStatus

FEED_RE = re.compile(r">(https?://[^<]+/kalender/([A-Za-z0-9_-]+)\.ics)</textarea>")


def generate(cohort) -> list[CourseSession]:
    services.apply_schedule(cohort)
    db.session.commit()
    return list(
        db.session.scalars(
            select(CourseSession)
            .where(CourseSession.cohort_id == cohort.id)
            .order_by(CourseSession.date, CourseSession.starts_at)
        )
    )


@pytest.fixture
def trainee(make_user, make_cohort, make_enrolment):
    """A trainee who holds a place in a cohort with a timetable, beside others in it."""
    cohort = make_cohort(name="MB-kurs Bergen 2027", meeting_place="Kaigaten 4, Bergen")
    generate(cohort)
    enrolment = make_enrolment(cohort, EnrolmentStatus.DELTAR, name="Kari Testdeltaker")
    make_enrolment(cohort, EnrolmentStatus.DELTAR, name="Ola Annendeltaker")
    user = make_user(Role.TRAINEE, email=enrolment.person.email, name="Kari Testdeltaker")
    enrolment.person.user = user
    db.session.commit()
    return user


def make_feed(client, url: str) -> tuple[str, str]:
    response = client.submit(url, {}, page="/min-timeplan" if "min-" in url else None)
    assert response.status_code == 200
    match = FEED_RE.search(response.get_data(as_text=True))
    assert match, response.get_data(as_text=True)
    address, token = match.groups()
    return address.removeprefix("http://mbtrain.test"), token


def read_feed(client, path: str) -> Calendar:
    response = client.get(path)
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "text/calendar; charset=utf-8"
    return Calendar.from_ical(response.get_data())


def test_a_trainee_subscribes_to_their_own_timetable(app, login, trainee):
    client = login(trainee)
    page = client.get("/min-timeplan").get_data(as_text=True)
    assert "Abonner i kalenderen" in page
    path, token = make_feed(client, "/min-timeplan/kalender")
    assert len(token) >= 43  # 256 bits in base64
    feed = db.session.scalar(select(CalendarFeed))
    assert feed.token_hash == hashlib.sha256(token.encode()).hexdigest()
    # The token is shown once: not on the page afterwards, and not kept in the database.
    assert token not in client.get("/min-timeplan").get_data(as_text=True)
    assert token not in repr(db.session.execute(select(CalendarFeed.__table__)).all())

    anonymous = app.test_client()
    calendar = read_feed(anonymous, path)
    events = calendar.events
    sessions = db.session.scalars(select(CourseSession)).all()
    assert len(events) == len(sessions) + 2  # sessions and the two practice periods
    first = events[0]
    assert first["SUMMARY"] == "Oppstart: forventninger, læringsavtale og personlige mål"
    assert first["LOCATION"] == "Kaigaten 4, Bergen"
    assert first.decoded("DTSTART").isoformat() == "2027-01-04T09:00:00+01:00"
    assert first["DTSTART"].params["TZID"] == "Europe/Oslo"
    assert all("UID" in e and "DTSTAMP" in e for e in events)
    assert len({str(e["UID"]) for e in events}) == len(events)
    assert calendar.walk("VTIMEZONE")[0]["TZID"] == "Europe/Oslo"
    body = anonymous.get(path).get_data(as_text=True)
    assert "Testdeltaker" not in body and "Annendeltaker" not in body
    assert "@example.org" not in body


def test_moved_and_cancelled_sessions_show_in_the_feed(app, login, trainee):
    client = login(trainee)
    path, _ = make_feed(client, "/min-timeplan/kalender")
    cohort_sessions = db.session.scalars(select(CourseSession).order_by(CourseSession.date)).all()
    moved, cancelled = cohort_sessions[0], cohort_sessions[1]
    moved.date, moved.starts_at = date(2027, 1, 6), time(12)
    cancelled.status = SessionStatus.AVLYST
    cancelled.note = "Kursholder Per Syk er syk"
    db.session.commit()
    events = {str(e["UID"]): e for e in read_feed(app.test_client(), path).events}
    moved_event = events[f"okt-{moved.id}@mbtrain.test"]
    assert moved_event.decoded("DTSTART").isoformat() == "2027-01-06T12:00:00+01:00"
    assert moved_event["SEQUENCE"] == 1
    cancelled_event = events[f"okt-{cancelled.id}@mbtrain.test"]
    assert cancelled_event["STATUS"] == "CANCELLED"
    assert cancelled_event["SUMMARY"].startswith("AVLYST: ")
    assert "Per Syk" not in app.test_client().get(path).get_data(as_text=True)  # no notes


def test_a_new_address_revokes_the_old_and_revoked_ones_answer_404(app, login, trainee):
    client = login(trainee)
    old_path, _ = make_feed(client, "/min-timeplan/kalender")
    new_path, _ = make_feed(client, "/min-timeplan/kalender")
    anonymous = app.test_client()
    assert anonymous.get(old_path).status_code == 404
    assert anonymous.get(new_path).status_code == 200
    response = client.submit("/min-timeplan/kalender/slett", {}, page="/min-timeplan")
    assert response.status_code == 302
    assert anonymous.get(new_path).status_code == 404
    assert anonymous.get("/kalender/" + "x" * 43 + ".ics").status_code == 404
    rows = db.session.scalars(
        select(AccessLog).where(AccessLog.object_type == "calendar_feed").order_by(AccessLog.id)
    ).all()
    assert [row.action for row in rows] == [
        AccessAction.CREATE,
        AccessAction.CREATE,
        AccessAction.UPDATE,
    ]
    assert {row.subject_user_id for row in rows} == {trainee.id}
    assert {row.purpose for row in rows} == {"OWN_DATA"}


def test_a_trainee_who_leaves_gets_an_empty_calendar(app, login, trainee):
    from mbtrain.enrolments import services as enrolments
    from mbtrain.enrolments.models import Enrolment, StatusReason

    client = login(trainee)
    path, _ = make_feed(client, "/min-timeplan/kalender")
    enrolment = db.session.scalar(
        select(Enrolment).join(Enrolment.person).where(Enrolment.person.has(user_id=trainee.id))
    )
    enrolments.change_status(
        enrolment, EnrolmentStatus.AVBRUTT, reason=StatusReason.FATT_JOBB, by=None
    )
    db.session.commit()
    assert read_feed(app.test_client(), path).events == []


def test_coordinators_and_instructors_subscribe_to_the_cohort(app, login, make_user, make_cohort):
    instructor = make_user(Role.INSTRUCTOR)
    cohort = make_cohort(instructors=[instructor])
    generate(cohort)
    path, _ = make_feed(login(instructor), f"/kurs/{cohort.id}/timeplan/kalender")
    calendar = read_feed(app.test_client(), path)
    assert str(calendar["X-WR-CALNAME"]) == cohort.name
    coordinator_path, _ = make_feed(
        login(make_user(Role.COORDINATOR)), f"/kurs/{cohort.id}/timeplan/kalender"
    )
    assert app.test_client().get(path).status_code == 404  # one address per cohort
    assert app.test_client().get(coordinator_path).status_code == 200
    outsider = login(make_user(Role.INSTRUCTOR))
    response = outsider.submit(f"/kurs/{cohort.id}/timeplan/kalender", {}, page="/")
    assert response.status_code == 404


@pytest.mark.parametrize("app_config", [{"CALENDAR_FEED_LIMIT": "2 per minute"}])
def test_the_feed_is_throttled(app, login, trainee):
    path, _ = make_feed(login(trainee), "/min-timeplan/kalender")
    anonymous = app.test_client()
    assert [anonymous.get(path).status_code for _ in range(3)] == [200, 200, 429]
