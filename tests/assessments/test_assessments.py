"""Module assessments and the project assignment: who records them, what is kept, and that a
stale form never overwrites someone else's save."""

from datetime import date

import pytest
from sqlalchemy import select

from mbtrain.accounts.models import Role
from mbtrain.assessments.models import AssessmentResult as R
from mbtrain.assessments.models import ModuleAssessment, ProjectAssignment
from mbtrain.audit.models import AccessAction, AccessLog
from mbtrain.cohorts.models import CohortStatus
from mbtrain.enrolments.models import EnrolmentStatus
from mbtrain.extensions import db

TODAY = date(2027, 3, 22)


@pytest.fixture(autouse=True)
def on_today(monkeypatch):
    monkeypatch.setattr("mbtrain.assessments.views.today", lambda: TODAY)


@pytest.fixture
def instructor(make_user):
    return make_user(Role.INSTRUCTOR, name="Ingrid Kursholder")


@pytest.fixture
def cohort(make_cohort, instructor):
    return make_cohort(status=CohortStatus.GJENNOMFORES, instructors=[instructor])


@pytest.fixture
def trainees(cohort, make_enrolment):
    return [
        make_enrolment(cohort, EnrolmentStatus.DELTAR, name=name)
        for name in ("Kari Nordmann", "Ola Nordmann", "Siri Hansen")
    ]


def stored(enrolment, code="T1-01") -> ModuleAssessment | None:
    return db.session.scalar(
        select(ModuleAssessment).where(
            ModuleAssessment.enrolment_id == enrolment.id, ModuleAssessment.module_code == code
        )
    )


def log_rows(after: int = 0) -> list[AccessLog]:
    return db.session.scalars(
        select(AccessLog).where(AccessLog.id > after).order_by(AccessLog.id)
    ).all()


def last_log_id() -> int:
    return max([row.id for row in log_rows()] or [0])


def assess_url(enrolment, code="T1-01") -> str:
    return f"/deltakere/{enrolment.id}/moduler/{code}/vurdering"


# One trainee, one module -------------------------------------------------------------------


def test_the_instructor_records_a_result_with_date_assessor_and_comment(
    login, instructor, trainees
):
    kari = trainees[0]
    client = login(instructor)
    form = client.get(assess_url(kari)).get_data(as_text=True)
    assert "Ikke skriv helseopplysninger" in form
    assert 'maxlength="500"' in form
    response = client.submit(
        assess_url(kari),
        {
            "result": "GODKJENT",
            "assessed_on": "",
            "comment": "Godt refleksjonsnotat.",
            "version": "0",
        },
    )
    assert response.status_code == 302
    assert response.location == f"/deltakere/{kari.id}/progresjon"
    assessment = stored(kari)
    assert (assessment.result, assessment.assessed_on, assessment.comment) == (
        R.GODKJENT,
        TODAY,  # no date given: today
        "Godt refleksjonsnotat.",
    )
    assert assessment.assessor_id == instructor.id
    page = client.get(response.location).get_data(as_text=True)
    assert "Godt refleksjonsnotat." in page and "Ingrid Kursholder" in page


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"comment": "x" * 501}, "Feltet kan ikke være lenger enn 500 tegn."),
        ({"assessed_on": "23.03.2027"}, "Datoen kan ikke være fram i tid."),
        ({"assessed_on": "01.12.2026"}, "Datoen kan ikke være før kursstart."),
        ({"assessed_on": "31.02.2027"}, "Skriv datoen som dd.mm.åååå"),
        ({"result": "KANSKJE"}, "Ikke et gyldig valg"),
    ],
)
def test_a_result_that_cannot_be_kept_is_refused_with_the_reason(
    login, instructor, trainees, data, message
):
    kari = trainees[0]
    form = {"result": "GODKJENT", "assessed_on": "15.03.2027", "comment": "", "version": "0"}
    response = login(instructor).submit(assess_url(kari), {**form, **data})
    assert response.status_code == 400
    assert message in response.get_data(as_text=True)
    assert stored(kari) is None


def test_a_stale_form_gets_409_and_keeps_both_saves_visible(login, instructor, make_user, trainees):
    kari = trainees[0]
    first, second = login(instructor), login(make_user(Role.COORDINATOR))
    opened = {"result": "GODKJENT", "assessed_on": "15.03.2027", "version": "0"}
    first.submit(assess_url(kari), {**opened, "comment": "Først lagret."})
    response = second.submit(
        assess_url(kari), {**opened, "result": "IKKE_GODKJENT", "comment": "Min tekst."}
    )
    assert response.status_code == 409
    page = response.get_data(as_text=True)
    assert "Ingenting er overskrevet" in page
    assert "Først lagret." in page  # what is stored now
    assert "Min tekst." in page  # the user's own input, kept in the form
    assert f'name="version" type="hidden" value="{stored(kari).version}"' in page
    assert (stored(kari).result, stored(kari).comment) == (R.GODKJENT, "Først lagret.")


def test_saving_what_is_stored_changes_nothing(login, instructor, trainees):
    kari = trainees[0]
    client = login(instructor)
    data = {"result": "GODKJENT", "assessed_on": "15.03.2027", "comment": "", "version": "0"}
    client.submit(assess_url(kari), data)
    version = stored(kari).version
    # Saved again from the same (now stale) form: nothing differs, so nothing conflicts.
    response = client.submit(assess_url(kari), data)
    assert response.status_code == 302
    assert stored(kari).version == version


@pytest.mark.parametrize(
    ("who", "status"),
    [("teaching", 200), ("coordinator", 200), ("other_instructor", 404), ("other_county", 404)],
)
def test_only_the_cohorts_instructors_and_coordinators_assess(
    login, make_user, instructor, other_county, trainees, who, status
):
    user = {
        "teaching": lambda: instructor,
        "coordinator": lambda: make_user(Role.COORDINATOR),
        "other_instructor": lambda: make_user(Role.INSTRUCTOR),
        "other_county": lambda: make_user(Role.COORDINATOR, counties=[other_county]),
    }[who]()
    client = login(user)
    assert client.get(assess_url(trainees[0])).status_code == status
    cohort_id = trainees[0].cohort_id
    assert client.get(f"/kurs/{cohort_id}/moduler/T1-01/vurderinger").status_code == status


def test_applicants_and_unknown_modules_are_not_assessed(
    login, instructor, cohort, make_enrolment, trainees
):
    applicant = make_enrolment(cohort, EnrolmentStatus.SOKT_INN)
    client = login(instructor)
    assert client.get(assess_url(applicant)).status_code == 404
    assert client.get(assess_url(trainees[0], "X9-99")).status_code == 404


def test_assessing_is_in_the_access_log(login, instructor, trainees):
    kari = trainees[0]
    client = login(instructor)
    before = last_log_id()
    client.get(assess_url(kari))
    client.submit(assess_url(kari), {"result": "GODKJENT", "comment": "", "version": "0"})
    rows = [r for r in log_rows(before) if r.object_type == "module_assessment"]
    assert [(r.action, r.subject_person_id) for r in rows] == [
        (AccessAction.VIEW, kari.person_id),
        (AccessAction.VIEW, kari.person_id),  # the page the token was taken from
        (AccessAction.UPDATE, kari.person_id),
    ]


# The whole cohort in one module ------------------------------------------------------------


def sheet_data(rows: list[tuple], versions=None) -> dict:
    data = {}
    for number, (enrolment, result, on, comment) in enumerate(rows):
        data |= {
            f"rows-{number}-enrolment_id": str(enrolment.id),
            f"rows-{number}-version": str((versions or {}).get(enrolment.id, 0)),
            f"rows-{number}-result": result,
            f"rows-{number}-assessed_on": on,
            f"rows-{number}-comment": comment,
        }
    return data


def sheet_url(cohort) -> str:
    return f"/kurs/{cohort.id}/moduler/T1-01/vurderinger"


def test_the_sheet_lists_the_cohort_and_saves_only_the_rows_changed(
    login, instructor, cohort, trainees
):
    kari, ola, siri = trainees
    client = login(instructor)
    page = client.get(sheet_url(cohort)).get_data(as_text=True)
    assert all(name in page for name in ("Kari Nordmann", "Ola Nordmann", "Siri Hansen"))
    assert (
        '<label class="visually-hidden" for="rows-0-result">Resultat – Kari Nordmann</label>'
        in page
    )
    before = last_log_id()
    response = client.submit(
        sheet_url(cohort),
        sheet_data(
            [
                (kari, "GODKJENT", "15.03.2027", "Fint."),
                (ola, "IKKE_GODKJENT", "", "Ny innlevering avtalt."),
                (siri, "IKKE_VURDERT", "", ""),
            ]
        ),
    )
    assert response.status_code == 302
    assert (stored(kari).result, stored(kari).assessed_on) == (R.GODKJENT, date(2027, 3, 15))
    assert (stored(ola).result, stored(ola).assessed_on) == (R.IKKE_GODKJENT, TODAY)
    assert stored(siri) is None  # left as it was: nothing written
    updates = [r.subject_person_id for r in log_rows(before) if r.action is AccessAction.UPDATE]
    assert updates == [kari.person_id, ola.person_id]


def test_a_stale_sheet_saves_nothing_and_names_the_rows_changed_meanwhile(
    login, instructor, make_user, cohort, trainees
):
    kari, ola, siri = trainees
    opened = [
        (kari, "IKKE_VURDERT", "", ""),
        (ola, "IKKE_VURDERT", "", ""),
        (siri, "IKKE_VURDERT", "", ""),
    ]
    # Someone else assesses Ola after the sheet was opened.
    login(make_user(Role.COORDINATOR)).submit(
        assess_url(ola),
        {"result": "GODKJENT", "comment": "Koordinatorens vurdering.", "version": "0"},
    )
    mine = [(kari, "GODKJENT", "", ""), (ola, "IKKE_GODKJENT", "", ""), opened[2]]
    response = login(instructor).submit(sheet_url(cohort), sheet_data(mine))
    assert response.status_code == 409
    page = response.get_data(as_text=True)
    assert "Endret av en annen nå nettopp: Godkjent." in page
    assert stored(kari) is None  # all or nothing
    assert stored(ola).comment == "Koordinatorens vurdering."
    # Saved again as shown (with Ola's new version), it goes through.
    again = login(instructor).submit(
        sheet_url(cohort), sheet_data(mine, versions={ola.id: stored(ola).version})
    )
    assert again.status_code == 302
    assert stored(ola).result is R.IKKE_GODKJENT


def test_a_sheet_with_a_bad_row_saves_nothing(login, instructor, cohort, trainees):
    kari, ola, siri = trainees
    rows = [
        (kari, "GODKJENT", "", ""),
        (ola, "GODKJENT", "01.01.2030", ""),
        (siri, "IKKE_VURDERT", "", ""),
    ]
    response = login(instructor).submit(sheet_url(cohort), sheet_data(rows))
    assert response.status_code == 400
    assert "Datoen kan ikke være fram i tid." in response.get_data(as_text=True)
    assert stored(kari) is None and stored(ola) is None


def test_a_sheet_cannot_reach_trainees_of_another_cohort(
    login, instructor, cohort, trainees, make_cohort, make_enrolment
):
    stranger = make_enrolment(make_cohort(name="Et annet kurs"), EnrolmentStatus.DELTAR)
    client = login(instructor)
    response = client.submit(sheet_url(cohort), sheet_data([(stranger, "GODKJENT", "", "")]))
    assert response.status_code == 400
    assert stored(stranger) is None
    twice = [(trainees[0], "GODKJENT", "", ""), (trainees[0], "IKKE_GODKJENT", "", "")]
    assert client.submit(sheet_url(cohort), sheet_data(twice)).status_code == 400
    assert stored(trainees[0]) is None


# The project assignment --------------------------------------------------------------------


def project_of(enrolment) -> ProjectAssignment | None:
    return db.session.scalar(
        select(ProjectAssignment).where(ProjectAssignment.enrolment_id == enrolment.id)
    )


def test_the_project_is_registered_then_approved(login, make_user, trainees):
    kari = trainees[0]
    coordinator = make_user(Role.COORDINATOR)
    client = login(coordinator)
    url = f"/deltakere/{kari.id}/prosjektoppgave"
    response = client.submit(url, {"title": "Likepersonsarbeid i rusfeltet", "version": "0"})
    assert response.status_code == 302
    project = project_of(kari)
    assert (project.title, project.approved, project.approved_on) == (
        "Likepersonsarbeid i rusfeltet",
        False,
        None,
    )
    response = client.submit(
        url,
        {"title": project.title, "approved": "y", "approved_on": "", "version": project.version},
    )
    assert response.status_code == 302
    project = project_of(kari)
    assert (project.approved, project.approved_on, project.approved_by_id) == (
        True,
        TODAY,
        coordinator.id,
    )
    page = client.get(f"/deltakere/{kari.id}/progresjon").get_data(as_text=True)
    assert "«Likepersonsarbeid i rusfeltet» – godkjent" in page


def test_a_stale_project_form_gets_409(login, instructor, trainees):
    kari = trainees[0]
    client = login(instructor)
    url = f"/deltakere/{kari.id}/prosjektoppgave"
    client.submit(url, {"title": "Første tittel", "version": "0"})
    response = client.submit(url, {"title": "Andre tittel", "version": "0"})
    assert response.status_code == 409
    assert "Andre tittel" in response.get_data(as_text=True)
    assert project_of(kari).title == "Første tittel"
