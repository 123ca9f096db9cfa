"""Each role's home page is a list of its work, each item a link to where it is done, and
shows only what the role needs to know."""

import re

from mbtrain.accounts.models import Role
from mbtrain.certificates.models import Certificate, CertificateKind
from mbtrain.extensions import db
from mbtrain.placements.models import Meeting, MeetingKind
from tests.home.conftest import trainee_user


def links(page: str) -> set[str]:
    return set(re.findall(r'href="([^"]+)"', page))


def group(page: str, key: str) -> str:
    """The section of the list of work with this key ('' when nothing waits there)."""
    found = re.search(rf'<section[^>]*id="{key}".*?</section>', page, re.S)
    return found.group(0) if found else ""


def test_the_coordinator_is_told_what_waits_and_led_to_where_it_is_done(
    login, make_user, build_world, on_today
):
    world = build_world(6)
    page = login(make_user(Role.COORDINATOR)).get("/").get_data(as_text=True)
    cohort = world.cohort.id

    risk = group(page, "risk")
    for enrolment in world.at_risk:  # trainees 0 and 3 have missed every session
        assert f"/deltakere/{enrolment.id}/progresjon" in risk
        assert enrolment.person.name in risk
    assert risk.count("Oppmøte teori") == 2
    # Trainee 1 came to every session and has no placement yet: nothing to warn of.
    assert f"/deltakere/{world.trainees[1].id}/" not in risk

    concerns = group(page, "concerns")
    assert "(1)" in concerns and f"/praksis/{world.placements[0].id}" in concerns
    applications = group(page, "applications")
    assert "1 søknad" in applications and f"/kurs/{cohort}/soknader" in applications
    unplaced = group(page, "unplaced")
    assert "3 deltakere uten plass i P1-01" in unplaced
    assert f"/kurs/{cohort}/praksis/P1-01/fordeling" in unplaced
    sessions = group(page, "sessions")
    assert "(3)" in sessions
    for session in world.sessions[10:13]:  # held on 15, 22 and 29 March, none registered
        assert f"/kurs/{cohort}/okter/{session.id}/oppmote" in sessions
    assert f"/okter/{world.sessions[13].id}/" not in sessions  # 5 April has not come
    assert f"/okter/{world.sessions[9].id}/" not in sessions  # registered
    proposals = group(page, "proposals")
    assert "(1)" in proposals and "Avslutte tidligere" in proposals
    certificates = group(page, "certificates")
    assert "1 kursbevis" in certificates
    assert f"/kurs/{world.ended.id}/kursbevis" in certificates


def test_the_home_page_does_not_repeat_the_top_menu(login, make_user, build_world, on_today):
    build_world(3)
    for role in (Role.ADMIN, Role.COORDINATOR, Role.INSTRUCTOR, Role.PARTNER, Role.TRAINEE):
        page = login(make_user(role)).get("/").get_data(as_text=True)
        header, main = (
            page[: page.index("<main")],
            page[page.index("<main") : page.index("</main>")],
        )
        menu = links(header) - {"/"}
        repeated = {link for link in links(main) if link in menu}
        assert len(repeated) <= 1, (role, repeated)  # «Alle praksisplassene hos dere» at most
        assert 'class="cards"' not in main


def test_a_coordinator_of_another_county_is_told_nothing_of_it(
    login, make_user, build_world, on_today, other_county
):
    world = build_world(6)
    page = login(make_user(Role.COORDINATOR, counties=[other_county])).get("/")
    text = page.get_data(as_text=True)
    assert world.cohort.name not in text
    for enrolment in world.trainees:
        assert enrolment.person.name not in text
    assert "Ingenting venter på deg nå." in text


def test_the_instructor_is_led_to_the_attendance_sheets_and_sees_no_applicants(
    login, instructor, build_world, on_today
):
    world = build_world(6)
    page = login(instructor).get("/").get_data(as_text=True)
    last = group(page, "last")
    assert f"/kurs/{world.cohort.id}/okter/{world.sessions[12].id}/oppmote" in last
    assert "oppmøte ikke registrert" in last and "oppmøte registrert" in last
    assert f"/okter/{world.sessions[13].id}/" not in page  # not held yet
    for word in ("søknad", "Søknad", "Søkt inn", "Vurderes"):
        assert word not in page
    for applicant in world.applicants:
        assert applicant.person.name not in page


def test_an_instructor_sees_no_sessions_of_cohorts_they_do_not_teach(
    login, make_user, build_world, on_today
):
    world = build_world(3)
    page = login(make_user(Role.INSTRUCTOR)).get("/").get_data(as_text=True)
    assert world.cohort.name not in page
    assert "/oppmote" not in page


def test_the_supervisor_is_told_of_hours_meetings_and_evaluations(
    login, supervisor, build_world, on_today
):
    world = build_world(4)
    first = world.placements[0]
    db.session.add(
        Meeting(
            placement=first,
            kind=MeetingKind.OPPSTART,
            held_on=first.start_date,
            participants="Alle",
        )
    )
    db.session.commit()
    page = login(supervisor).get("/").get_data(as_text=True)

    hours = group(page, "hours")
    assert "(4)" in hours  # two placements, two unsigned weeks each
    assert f"/portal/praksis/{first.id}/timer" in hours
    meetings = group(page, "meetings")
    # The start, midway and final meetings of each, but the start meeting of the first.
    assert meetings.count("Oppstartsmøte") == 1 and meetings.count("Midtveismøte") == 2
    evaluations = group(page, "evaluations")
    assert f"/portal/praksis/{first.id}/sluttvurdering" in evaluations
    answered = group(page, "answered")
    assert "Endre datoer: godkjent" in answered


def test_a_supervisor_elsewhere_is_told_nothing(login, make_user, build_world, on_today):
    world = build_world(4)
    page = login(make_user(Role.PARTNER)).get("/").get_data(as_text=True)
    for enrolment in world.trainees:
        assert enrolment.person.name not in page
    assert "/portal/praksis/" + str(world.placements[0].id) not in page


def test_the_trainee_sees_the_next_session_what_is_missing_and_the_weeks_to_log(
    login, factory, build_world, on_today
):
    world = build_world(3)
    trainee = world.trainees[0]  # missed every session; has a placement
    page = login(trainee_user(factory, trainee)).get("/").get_data(as_text=True)

    assert "05.04.2027" in group(page, "next")
    missing = group(page, "missing")
    assert "Oppmøte teori" in missing and "17.12.2027" in missing
    assert "/meg/progresjon" in missing
    practice = group(page, "practice")
    # Weeks of 22 February to 22 March have no hours (29 March's Friday has not come).
    assert "5 uker uten førte timer" in practice
    assert f"/min-praksis/{world.placements[0].id}/timer?uke=2027-02-22" in practice
    assert "Du har ikke fått kursbevis ennå." in page


def test_the_trainee_is_told_a_certificate_is_ready(login, factory, build_world, on_today):
    world = build_world(3)
    db.session.add(
        Certificate(
            enrolment_id=world.ready.id,
            kind=CertificateKind.KURSBEVIS,
            language="nb",
            code="ABCD-EFGH",
            number="MB-2026-0001",
            snapshot_json="{}",
            snapshot_sha256="0" * 64,
            pdf=b"%PDF",
            pdf_sha256="1" * 64,
        )
    )
    db.session.commit()
    page = login(trainee_user(factory, world.ready)).get("/").get_data(as_text=True)
    assert "Kursbevis er klart til nedlasting" in group(page, "certificate")
    assert "/mitt-kurs/kursbevis" in group(page, "certificate")
    coordinator_page = login(factory.user(Role.COORDINATOR)).get("/").get_data(as_text=True)
    assert "Ingen kursbevis venter på å bli utstedt." in coordinator_page  # issued now
