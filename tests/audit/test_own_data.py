"""«Mine data» (GDPR art. 15): the trainee's complete copy, as a page and as a JSON file —
everything about them, nothing about anyone else, each look logged."""

import json
from datetime import time, timedelta

import pytest
from sqlalchemy import select

from mbtrain.accounts.models import Role
from mbtrain.assessments.models import AssessmentResult, ModuleAssessment
from mbtrain.attendance.models import AttendanceRecord
from mbtrain.audit.models import AccessAction, AccessLog
from mbtrain.curriculum.definition import AttendanceStatus
from mbtrain.extensions import db
from mbtrain.i18n import today
from mbtrain.mail.services import send_mail
from mbtrain.placements.models import Meeting, MeetingKind, PlacementStatus
from mbtrain.schedule.models import CourseSession

PAGE, FILE = "/meg/mine-data", "/meg/mine-data.json"


def give_data(world, enrolment, tag: str, placements: int = 1) -> None:
    """Attendance, an assessment, placements with a meeting, and an e-mail, all marked `tag`."""
    session = CourseSession(
        cohort=world.cohort,
        module_code="T1-01",
        date=today() - timedelta(days=7),
        starts_at=time(9),
        hours=6.0,
    )
    db.session.add(session)
    db.session.flush()
    db.session.add_all(
        [
            AttendanceRecord(
                session_id=session.id,
                enrolment_id=enrolment.id,
                status=AttendanceStatus.SYK,
                hours_present=0,
            ),
            ModuleAssessment(
                enrolment=enrolment,
                module_code="T1-01",
                result=AssessmentResult.GODKJENT,
                comment=f"Refleksjonsnotat {tag}",
            ),
        ]
    )
    for number in range(placements):
        start = today() - timedelta(days=100 - 40 * number)
        placement = world.place(
            enrolment,
            PlacementStatus.ACTIVE,
            supervisor_name=f"Veileder {tag} {number}",
            start_date=start,
            end_date=start + timedelta(days=30),
        )
        db.session.add(
            Meeting(
                placement=placement,
                kind=MeetingKind.OPPSTART,
                held_on=start,
                participants="Deltaker og veileder",
                summary=f"Oppstartsmøte {tag}",
            )
        )
    send_mail(enrolment.person.email, f"Velkommen {tag}", "Hei!")
    db.session.commit()


@pytest.fixture
def trainee(world, login):
    """A trainee with data of every kind, and a classmate with data of their own."""
    mine = world.trainee(name="Tora Innsyn", email="tora@example.net")
    other = world.trainee(name="Ola Annen", email="ola@example.net")
    give_data(world, mine, "MINE")
    give_data(world, other, "ANDRES")
    return login(world.trainee_user(mine)), mine


def test_the_file_holds_my_data_and_nothing_about_anyone_else(trainee):
    client, _ = trainee
    response = client.get(FILE)

    assert response.status_code == 200
    assert response.headers["Content-Disposition"] == 'attachment; filename="mine-data.json"'
    assert "no-store" in response.headers["Cache-Control"]
    text = response.get_data(as_text=True)
    data = json.loads(text)
    assert data["person"]["name"] == "Tora Innsyn"
    (mine,) = data["enrolments"]
    assert mine["cohort"]["name"] == "MB-kurs Vestland"
    assert [p["status"] for p in mine["status_history"]][-1] == "DELTAR"
    assert [(r["status"], r["hours_present"]) for r in mine["attendance"]] == [("SYK", 0)]
    assert [a["comment"] for a in mine["module_assessments"]] == ["Refleksjonsnotat MINE"]
    (placement,) = mine["placements"]
    assert placement["supervisor_name"] == "Veileder MINE 0"
    assert [m["summary"] for m in placement["meetings"]] == ["Oppstartsmøte MINE"]
    assert len(placement["events"]) >= 3  # proposed, confirmed, active
    assert [m["subject"] for m in data["messages"]] == ["Velkommen MINE"]
    for theirs in ("Ola Annen", "ola@example.net", "ANDRES"):
        assert theirs not in text
    assert "password_hash" not in text


def test_the_page_shows_my_data_in_norwegian(trainee):
    client, _ = trainee
    page = client.get(PAGE).get_data(as_text=True)

    assert "Tora Innsyn" in page
    assert "Syk" in page  # the attendance status by its name, not its code
    assert "Oppstartsmøte MINE" in page
    assert "Velkommen MINE" in page
    assert FILE in page
    assert "ANDRES" not in page and "Ola Annen" not in page


def test_each_look_is_logged_as_innsyn(trainee):
    client, enrolment = trainee
    client.get(PAGE)
    client.get(FILE)

    rows = db.session.scalars(
        select(AccessLog).where(AccessLog.purpose == "INNSYN").order_by(AccessLog.id)
    ).all()
    assert [(r.action, r.object_type) for r in rows] == [
        (AccessAction.VIEW, "own_data"),
        (AccessAction.EXPORT, "own_data_export"),
    ]
    assert {r.subject_person_id for r in rows} == {enrolment.person_id}


def test_the_file_loads_in_the_same_number_of_queries_however_much_there_is(
    world, login, count_queries
):
    counts = []
    for tag, placements in (("EN", 1), ("TRE", 3)):
        enrolment = world.trainee(name=f"Deltaker {tag}", email=f"{tag.lower()}@example.net")
        give_data(world, enrolment, tag, placements)
        client = login(world.trainee_user(enrolment))
        with count_queries() as statements:
            assert client.get(FILE).status_code == 200
        counts.append(len(statements))
    assert counts[0] == counts[1]


@pytest.mark.parametrize("role", [Role.COORDINATOR, Role.PARTNER, Role.ADMIN])
def test_only_trainees_have_mine_data(login_as, role):
    client = login_as(role)
    assert client.get(FILE).status_code == 403
