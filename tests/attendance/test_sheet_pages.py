"""The attendance sheet: one form per session, stale saves refused, CSV import all or nothing."""

import re
from datetime import date, timedelta

import pytest
from sqlalchemy import select

from mbtrain.accounts.models import Role
from mbtrain.attendance import services as attendance
from mbtrain.attendance.models import AttendanceRecord
from mbtrain.audit.models import AccessAction, AccessLog
from mbtrain.curriculum.definition import AttendanceStatus as A
from mbtrain.enrolments import services as enrolments
from mbtrain.enrolments.models import EnrolmentStatus, StatusReason
from mbtrain.errors import StaleEdit
from mbtrain.extensions import db
from mbtrain.i18n import today
from mbtrain.schedule.models import CourseSession, SessionStatus

ROW_RE = re.compile(r'name="(rows-\d+)-enrolment" value="(\d+)"')


@pytest.fixture
def instructor(make_user):
    return make_user(Role.INSTRUCTOR)


@pytest.fixture
def cohort(make_cohort, instructor):
    return make_cohort(instructors=[instructor])


def make_session(cohort, day: date) -> CourseSession:
    session = CourseSession(
        cohort_id=cohort.id, module_code="T1-01", date=day, starts_at=cohort.day_starts_at, hours=5
    )
    db.session.add(session)
    db.session.commit()
    return session


@pytest.fixture
def session(cohort) -> CourseSession:
    """Today's session: attendance may be saved for it (never before the session's day)."""
    return make_session(cohort, today())


@pytest.fixture
def trainees(cohort, make_enrolment):
    names = ["Anne Ås", "Bjørn Berg", "Cecilie Dahl"]
    return [
        make_enrolment(cohort, EnrolmentStatus.DELTAR, name=name, email=f"t{n}@example.net")
        for n, name in enumerate(names)
    ]


def sheet_url(session) -> str:
    return f"/kurs/{session.cohort_id}/okter/{session.id}/oppmote"


def rows_of(page: str) -> dict[int, str]:
    return {int(enrolment): prefix for prefix, enrolment in ROW_RE.findall(page)}


def records(session) -> dict[int, tuple]:
    rows = db.session.scalars(
        select(AttendanceRecord).where(AttendanceRecord.session_id == session.id)
    )
    return {r.enrolment_id: (r.status, r.hours_present) for r in rows}


def sheet_data(page: str, changes: dict[int, tuple[str, str]] | None = None) -> dict:
    """The sheet as a browser would send it: every row as shown, with some changed."""
    data = {"attendance_version": re.search(r'name="attendance_version" value="(\d+)"', page)[1]}
    for enrolment, prefix in rows_of(page).items():
        status, hours = (changes or {}).get(enrolment, ("TIL_STEDE", ""))
        data |= {
            f"{prefix}-enrolment": enrolment,
            f"{prefix}-status": status,
            f"{prefix}-hours": hours,
        }
    return data


def test_the_sheet_lists_the_trainees_of_the_day_all_present_by_default(
    login, instructor, session, trainees, make_enrolment, cohort
):
    make_enrolment(cohort, EnrolmentStatus.VENTELISTE, name="Venter Ventesen")
    make_enrolment(cohort, EnrolmentStatus.SOKT_INN, name="Søker Søkersen")
    page = login(instructor).get(sheet_url(session)).get_data(as_text=True)
    assert [name in page for name in ("Anne Ås", "Bjørn Berg", "Cecilie Dahl")] == [True] * 3
    assert "Venter Ventesen" not in page and "Søker Søkersen" not in page
    assert set(rows_of(page)) == {t.id for t in trainees}
    assert page.count('<option value="TIL_STEDE" selected>Til stede</option>') == 3
    assert "Avtalt fravær" in page and "Ikke møtt" in page
    assert "(tomt = hele økten)" in page


def test_a_trainee_who_left_before_the_session_is_not_on_its_sheet(
    login, instructor, cohort, trainees
):
    session = make_session(cohort, today() + timedelta(days=1))
    enrolments.change_status(
        trainees[0], EnrolmentStatus.AVBRUTT, reason=StatusReason.FATT_JOBB, by=None
    )
    db.session.commit()
    page = login(instructor).get(sheet_url(session)).get_data(as_text=True)
    assert "Anne Ås" not in page and "Bjørn Berg" in page


def test_saving_the_sheet_records_everyone_at_once(login, instructor, session, trainees):
    client = login(instructor)
    page = client.get(sheet_url(session)).get_data(as_text=True)
    anne, bjorn, cecilie = trainees
    data = sheet_data(page, {bjorn.id: ("TIL_STEDE", "2,5"), cecilie.id: ("SYK", "")})
    response = client.submit(sheet_url(session), data)
    assert response.status_code == 302
    assert records(session) == {
        anne.id: (A.TIL_STEDE, 5.0),
        bjorn.id: (A.TIL_STEDE, 2.5),
        cecilie.id: (A.SYK, 0.0),
    }
    page = client.get(sheet_url(session)).get_data(as_text=True)
    assert f"Oppmøtet for {today():%d.%m.%Y} er lagret for 3 deltakere." in page
    assert 'value="2,5"' in page
    assert "Sist lagret" in page and instructor.name in page
    db.session.refresh(session)
    assert session.attendance_version == 1


def test_viewing_and_saving_write_one_access_log_row_each(login, instructor, session, trainees):
    client = login(instructor)
    page = client.get(sheet_url(session)).get_data(as_text=True)
    client.submit(sheet_url(session), sheet_data(page))
    rows = db.session.scalars(
        select(AccessLog).where(AccessLog.object_type == "attendance_sheet").order_by(AccessLog.id)
    ).all()
    # The GET, the CSRF page the test client reads, the POST (and no view row for it).
    assert [row.action for row in rows] == [
        AccessAction.VIEW,
        AccessAction.VIEW,
        AccessAction.UPDATE,
    ]
    assert {row.object_id for row in rows} == {session.id}
    assert rows[-1].actor_user_id == instructor.id


def test_a_stale_sheet_gets_409_and_overwrites_nothing(
    login, make_user, instructor, session, trainees
):
    mine = login(instructor)
    theirs = login(make_user(Role.COORDINATOR))
    my_page = mine.get(sheet_url(session)).get_data(as_text=True)
    their_page = theirs.get(sheet_url(session)).get_data(as_text=True)
    anne = trainees[0]
    assert (
        theirs.submit(
            sheet_url(session), sheet_data(their_page, {anne.id: ("SYK", "")})
        ).status_code
        == 302
    )
    response = mine.submit(
        sheet_url(session), sheet_data(my_page, {anne.id: ("IKKE_MOTT", "")}), page="/"
    )
    assert response.status_code == 409
    text = response.get_data(as_text=True)
    assert "Noen andre har lagret endringer her etter at du åpnet skjemaet." in text
    assert '<option value="IKKE_MOTT" selected>' in text  # the user's input is kept
    assert records(session)[anne.id] == (A.SYK, 0.0)
    # Saving again from the 409 page (now on the current version) works.
    again = mine.submit(
        sheet_url(session), sheet_data(text, {anne.id: ("IKKE_MOTT", "")}), page="/"
    )
    assert again.status_code == 302
    assert records(session)[anne.id] == (A.IKKE_MOTT, 0.0)


def test_two_saves_of_the_same_version_cannot_both_win(instructor, session, trainees):
    entries = [attendance.SheetEntry(t.id, A.TIL_STEDE, None) for t in trainees]
    attendance.save_sheet(session, entries, 0, instructor)
    db.session.commit()
    with pytest.raises(StaleEdit):
        attendance.save_sheet(session, entries, 0, instructor)
    db.session.rollback()
    assert db.session.get(CourseSession, session.id).attendance_version == 1


@pytest.mark.parametrize(
    "change,message",
    [
        (("TIL_STEDE", "6"), "Timer til stede må være mellom 0 og 5 (øktens lengde)."),
        (("TIL_STEDE", "0"), "«Til stede» med 0 timer går ikke."),
        (("SYK", "3"), "Timer føres bare for «Til stede»."),
        (("TIL_STEDE", "tre"), "Skriv inn antall timer"),
    ],
)
def test_hours_out_of_range_save_nothing(login, instructor, session, trainees, change, message):
    client = login(instructor)
    page = client.get(sheet_url(session)).get_data(as_text=True)
    response = client.submit(sheet_url(session), sheet_data(page, {trainees[1].id: change}))
    assert response.status_code == 400
    assert message in response.get_data(as_text=True)
    assert records(session) == {}


def test_a_cancelled_session_takes_no_attendance(login, instructor, session, trainees):
    session.status = SessionStatus.AVLYST
    db.session.commit()
    client = login(instructor)
    page = client.get(sheet_url(session)).get_data(as_text=True)
    assert "Økten er avlyst." in page
    response = client.submit(sheet_url(session), sheet_data(page))
    assert response.status_code == 400
    assert records(session) == {}


def upload(client, session, content: bytes, version: str = "0"):
    from io import BytesIO

    return client.submit(
        sheet_url(session) + "/import",
        {"attendance_version": version, "file": (BytesIO(content), "oppmote.csv")},
        page=sheet_url(session),
        content_type="multipart/form-data",
    )


def test_a_csv_file_is_imported(login, instructor, session, trainees):
    content = (
        "\ufeffe-post;status;timer\n"
        "t0@example.net;til stede;\n"
        "T1@example.net;til stede;3\n"
        "t2@example.net;avtalt fravær;\n"
    )
    client = login(instructor)
    response = upload(client, session, content.encode())
    assert response.status_code == 302
    anne, bjorn, cecilie = trainees
    assert records(session) == {
        anne.id: (A.TIL_STEDE, 5.0),
        bjorn.id: (A.TIL_STEDE, 3.0),
        cecilie.id: (A.AVTALT_FRAVAER, 0.0),
    }
    log = db.session.scalars(select(AccessLog).order_by(AccessLog.id.desc())).first()
    assert (log.action, log.object_type) == (AccessAction.UPDATE, "attendance_sheet")
    assert "Filen er importert" in client.get(sheet_url(session)).get_data(as_text=True)


def test_a_csv_file_with_bad_lines_imports_nothing_and_names_every_line(
    login, instructor, session, trainees, make_cohort, make_enrolment, cohort
):
    make_enrolment(
        make_cohort(name="Et annet kurs"), EnrolmentStatus.DELTAR, email="annen@example.net"
    )
    make_enrolment(cohort, EnrolmentStatus.VENTELISTE, name="Vera Venter", email="vera@example.net")
    content = (
        "e-post,status,timer\n"
        "t0@example.net,til stede,\n"
        "ukjent@example.net,til stede,\n"
        "annen@example.net,til stede,\n"
        "vera@example.net,syk,\n"
        "t1@example.net,borte,\n"
        "t2@example.net,til stede,9\n"
        "t0@example.net,syk,\n"
    )
    client = login(instructor)
    response = upload(client, session, content.encode())
    assert response.status_code == 400
    text = response.get_data(as_text=True)
    assert "Ingenting er importert." in text
    for expected in [
        "Linje 3: Ingen på dette kurset har e-postadressen ukjent@example.net.",
        # Someone in another cohort gets the same answer: no telling who else is a trainee.
        "Linje 4: Ingen på dette kurset har e-postadressen annen@example.net.",
        f"Linje 5: Vera Venter hadde ikke status «Deltar» {today():%d.%m.%Y} "
        "(status nå: Venteliste).",
        "Linje 6: Ukjent status «borte».",
        "Linje 7: Timer til stede må være mellom 0 og 5 (øktens lengde).",
        "Linje 8: t0@example.net står også på linje 2.",
    ]:
        assert expected in text, expected
    assert "Et annet kurs" not in text
    assert records(session) == {}
    db.session.refresh(session)
    assert session.attendance_version == 0


def test_a_stale_import_gets_409(login, instructor, session, trainees):
    client = login(instructor)
    page = client.get(sheet_url(session)).get_data(as_text=True)
    client.submit(sheet_url(session), sheet_data(page))
    response = upload(client, session, b"e-post;status\nt0@example.net;syk\n", version="0")
    assert response.status_code == 409
    assert records(session)[trainees[0].id] == (A.TIL_STEDE, 5.0)


@pytest.mark.parametrize("app_config", [{"MAX_CONTENT_LENGTH": 4096}])
def test_an_oversized_upload_is_refused_with_413(login, instructor, session, trainees):
    content = b"e-post;status\n" + b"t0@example.net;til stede\n" * 400
    response = upload(login(instructor), session, content)
    assert response.status_code == 413
    assert records(session) == {}


@pytest.mark.parametrize("role", [Role.TRAINEE, Role.PARTNER])
def test_trainees_and_partners_are_refused(login_as, session, role):
    assert login_as(role).get(sheet_url(session)).status_code == 403


def test_a_coordinator_of_another_county_gets_404(login, make_user, other_county, session):
    client = login(make_user(Role.COORDINATOR, counties=[other_county]))
    assert client.get(sheet_url(session)).status_code == 404
    response = client.submit(sheet_url(session), {"attendance_version": "0"}, page="/")
    assert response.status_code == 404


def test_sheet_queries_do_not_grow_with_trainees(
    login, instructor, make_cohort, make_enrolment, count_queries
):
    client = login(instructor)
    counts = []
    for size in (10, 100):
        cohort = make_cohort(name=f"Kurs med {size}", instructors=[instructor], places=200)
        for _ in range(size):
            make_enrolment(cohort, EnrolmentStatus.DELTAR)
        session = CourseSession(
            cohort_id=cohort.id,
            module_code="T1-01",
            date=today(),
            starts_at=cohort.day_starts_at,
            hours=5,
        )
        db.session.add(session)
        db.session.commit()
        url = sheet_url(session)
        page = client.get(url).get_data(as_text=True)
        client.submit(url, sheet_data(page))
        with count_queries() as statements:
            response = client.get(url)
        assert len(rows_of(response.get_data(as_text=True))) == size
        counts.append(len(statements))
    assert counts[0] == counts[1], counts
    assert counts[0] <= 10, counts
