"""The progress pages: the trainee's own, the cohort matrix, the warnings and the meldekort."""

import re
from datetime import date, timedelta
from pathlib import Path

import pytest
from sqlalchemy import select

from mbtrain.accounts.models import Role
from mbtrain.assessments.models import AssessmentResult as R
from mbtrain.audit.models import AccessAction, AccessLog
from mbtrain.curriculum.definition import AttendanceStatus as A
from mbtrain.extensions import db
from tests.progress.conftest import START


@pytest.fixture
def scene(build, make_user, on_today):
    """Kari comes to everything; Ola has missed three of eight sessions so far."""
    instructor = make_user(Role.INSTRUCTOR, name="Ingrid Kursholder")
    cohort = build.cohort(name="MB-kurs Bergen 2027", instructors=[instructor])
    kari = build.trainee(cohort, "Kari Nordmann")
    ola = build.trainee(cohort, "Ola Nordmann")
    held = build.sessions(cohort, "T1-01", START + timedelta(days=1), 8)
    build.sessions(cohort, "T1-02", date(2027, 3, 30), 8)
    for number, session in enumerate(held):
        build.attend(kari, session)
        build.attend(ola, session, A.IKKE_MOTT if number in (1, 4, 6) else A.TIL_STEDE)
    build.assess(kari, "OPP-01", on=date(2027, 1, 15), by=instructor)
    build.assess(ola, "OPP-01", R.IKKE_GODKJENT, on=date(2027, 1, 15), by=instructor)
    return cohort, kari, ola, instructor


def text_of(response) -> str:
    assert response.status_code == 200, response.status_code
    return re.sub(r"\s+", " ", response.get_data(as_text=True))


def log_rows():
    return db.session.scalars(select(AccessLog).order_by(AccessLog.id)).all()


def account_for(make_user, enrolment):
    user = make_user(Role.TRAINEE, email=enrolment.person.email, name=enrolment.person.name)
    enrolment.person.user_id = user.id
    db.session.commit()
    return user


def test_the_matrix_shows_results_attendance_placements_and_warnings(scene, login, make_user):
    cohort = scene[0]
    page = text_of(login(make_user(Role.COORDINATOR)).get(f"/kurs/{cohort.id}/progresjon"))
    assert "Progresjon for MB-kurs Bergen 2027" in page
    kari_row = re.search(r"<tr>.*?Kari Nordmann.*?</tr>", page).group(0)
    ola_row = re.search(r'<tr class="has-warning">.*?Ola Nordmann.*?</tr>', page).group(0)
    assert '<td class="num">100 %</td>' in kari_row
    assert '<td class="num">62 %</td>' in ola_row
    assert '✓</span><span class="visually-hidden">Godkjent' in kari_row
    assert '✗</span><span class="visually-hidden">Ikke godkjent' in ola_row
    assert "Oppmøte teori (62 %): i faresonen" in ola_row
    assert "P1-01: ingen ennå" in ola_row
    assert "faresonen" not in kari_row


@pytest.mark.parametrize(
    ("query", "first", "sorted_by", "link"),
    [
        ("", "Kari Nordmann", "name", "sort=name&amp;dir=desc"),
        ("?sort=name&dir=desc", "Ola Nordmann", "name", "sort=name&amp;dir=asc"),
        ("?sort=theory&dir=asc", "Ola Nordmann", "theory", "sort=theory&amp;dir=desc"),
        ("?sort=theory&dir=desc", "Kari Nordmann", "theory", "sort=theory&amp;dir=asc"),
        ("?sort=warnings&dir=desc", "Ola Nordmann", "warnings", "sort=warnings&amp;dir=asc"),
        ("?sort=OPP-01&dir=asc", "Ola Nordmann", "OPP-01", "sort=OPP-01&amp;dir=desc"),
        ("?sort=nonsense", "Kari Nordmann", "name", "sort=name&amp;dir=desc"),
    ],
)
def test_the_matrix_sorts_by_any_column_with_links(
    scene, login, make_user, query, first, sorted_by, link
):
    cohort = scene[0]
    page = text_of(login(make_user(Role.COORDINATOR)).get(f"/kurs/{cohort.id}/progresjon{query}"))
    names = re.findall(r'<th scope="row"><a href="[^"]+">([^<]+)</a>', page)
    assert names[0] == first and len(names) == 2
    # The sorted column says so, and its link sorts the other way; the others sort ascending.
    direction = "descending" if "desc" in query else "ascending"
    header = re.search(r'<th scope="col"[^>]*aria-sort="(\w+)"> <a href="([^"]+)"', page)
    # Relative to the page itself, so the 17 headers need no URL building.
    assert header.groups() == (direction, f"?{link}")
    assert page.count("aria-sort=") == 1
    if sorted_by != "name":
        assert 'href="?sort=name&amp;dir=asc"' in page


def test_the_matrix_is_a_proper_table_and_prints(scene, login, make_user, app):
    cohort = scene[0]
    page = text_of(login(make_user(Role.COORDINATOR)).get(f"/kurs/{cohort.id}/progresjon"))
    assert "<caption>Deltakere og moduler." in page
    assert page.count('<th scope="row">') == 2
    assert '<abbr title="MB-rollen og erfaringskompetanse">T1-01</abbr>' in page
    assert "<dt>✗</dt><dd>Ikke godkjent</dd>" in page  # the legend explains the marks
    assert "<script" not in page and "style=" not in page
    css = (Path(app.static_folder) / "mbtrain.css").read_text()
    assert "@page { size: landscape" in css


@pytest.mark.parametrize(
    ("who", "status"),
    [("teaching", 200), ("other_instructor", 404), ("coordinator", 200), ("other_county", 404)],
)
def test_only_those_who_follow_the_cohort_see_its_progress(
    scene, login, make_user, other_county, who, status
):
    cohort, kari, _, instructor = scene
    user = {
        "teaching": lambda: instructor,
        "other_instructor": lambda: make_user(Role.INSTRUCTOR),
        "coordinator": lambda: make_user(Role.COORDINATOR),
        "other_county": lambda: make_user(Role.COORDINATOR, counties=[other_county]),
    }[who]()
    client = login(user)
    assert client.get(f"/kurs/{cohort.id}/progresjon").status_code == status
    assert client.get(f"/deltakere/{kari.id}/progresjon").status_code == status


def test_trainees_see_their_own_progress_and_nobody_else_s(scene, login, make_user):
    ola = scene[2]
    page = text_of(login(account_for(make_user, ola)).get("/meg/progresjon"))
    assert "<h1>Min progresjon</h1>" in page
    assert "Oppmøte teori 62 % – kravet er 80 %." in page
    assert "Med fullt oppmøte resten av kurset blir det 81 %" in page
    assert "Ikke godkjent: OPP-01" in page
    assert "Kari" not in page
    # The chart: an image with a text alternative, and the same numbers in a table.
    assert '<svg viewBox="0 0 640 330" role="img" aria-labelledby="chart-title chart-desc"' in page
    assert (
        '<title id="chart-title">Oppmøte i teori og godkjente moduler, måned for måned</title>'
        in page
    )
    assert "Oppmøte i teori så langt: 62 % ved utgangen av mars 2027 (kravet er 80 %)." in page
    assert '<th scope="row">februar 2027</th> <td class="num">62 %</td>' in page
    assert '<th scope="row">januar 2027</th> <td class="num">75 %</td>' in page
    # A trainee without a course sees that, not someone else's.
    empty = text_of(login(make_user(Role.TRAINEE)).get("/meg/progresjon"))
    assert "Ola" not in empty and "Kari" not in empty


def test_looking_at_progress_is_in_the_access_log(scene, login, make_user):
    cohort, kari, ola, _ = scene
    coordinator = login(make_user(Role.COORDINATOR))
    ola_user = account_for(make_user, ola)
    before = len(log_rows())
    coordinator.get(f"/kurs/{cohort.id}/progresjon")
    coordinator.get(f"/deltakere/{kari.id}/progresjon")
    login(ola_user).get("/meg/progresjon")
    rows = log_rows()[before:]
    seen = [
        (r.action, r.object_type, r.object_id, r.subject_person_id, r.purpose)
        for r in rows
        if r.object_type != "user"
    ]
    assert seen == [
        (AccessAction.VIEW, "progress_matrix", cohort.id, None, "COHORT_ADMIN"),
        (AccessAction.VIEW, "trainee_progress", kari.id, kari.person_id, "COHORT_ADMIN"),
        (AccessAction.VIEW, "own_progress", ola.id, ola.person_id, "OWN_DATA"),
    ]


def test_the_cohort_overview_warns_about_who_may_not_complete(scene, login, make_user):
    cohort, _, ola, _ = scene
    page = text_of(login(make_user(Role.COORDINATOR)).get(f"/kurs/{cohort.id}"))
    section = re.search(r'<div class="warnings">.*?</div>', page).group(0)
    assert "1 deltaker kan komme til å ikke fullføre" in section
    assert f'<a href="/deltakere/{ola.id}/progresjon">Ola Nordmann</a>' in section
    assert "Oppmøte teori 62 % – kravet er 80 %." in section
    assert "Kari" not in section
