"""Reports as a coordinator and the national team see them, built on the national demo
generator at a small scale."""

import io

import pytest
from flask import current_app
from openpyxl import load_workbook
from sqlalchemy import func, select

from mbtrain.accounts.models import Role
from mbtrain.audit.models import AccessLog
from mbtrain.certificates import services as certificates
from mbtrain.certificates.models import Certificate, CertificateKind
from mbtrain.cohorts.models import Cohort
from mbtrain.demo.national import Scale, build_national
from mbtrain.enrolments.models import Enrolment, EnrolmentStatus
from mbtrain.extensions import db
from mbtrain.organisations.models import County
from mbtrain.placements.models import Placement
from mbtrain.reports import snapshot
from mbtrain.schedule.models import CourseSession


@pytest.fixture
def national(built_once):
    """Two counties (Oslo and Rogaland, the first by code), one year, one cohort of five
    (built once per run and database, see built_once)."""

    def build() -> int:
        made = build_national(Scale(counties=2, years=1, cohorts=1, trainees=5))
        snapshot.refresh()
        return made

    return built_once("national", build)


def county_named(name: str) -> County:
    return db.session.scalar(select(County).where(County.name == name))


def test_the_generator_builds_the_history_it_promises(national):
    assert national == 10
    assert db.session.scalar(select(func.count(Cohort.id))) == 2
    assert db.session.scalar(select(func.count(Enrolment.id))) == 10
    # Every session and practice period falls inside its cohort's dates.
    outside = (
        select(func.count(CourseSession.id))
        .join(Cohort)
        .where((CourseSession.date < Cohort.start_date) | (CourseSession.date > Cohort.end_date))
    )
    assert db.session.scalar(select(func.count(CourseSession.id))) > 0
    assert db.session.scalar(outside) == 0
    late = (
        select(func.count(Placement.id))
        .join(Enrolment)
        .join(Cohort)
        .where(Placement.end_date > Cohort.end_date)
    )
    assert db.session.scalar(select(func.count(Placement.id))) > 0
    assert db.session.scalar(late) == 0


def test_the_last_years_completers_have_certificates_that_verify(national, login_as):
    """Issued through the certificates service: the completion engine found each of them
    eligible, and the stored PDF carries a signature with the service's own key."""
    completed = db.session.scalars(
        select(Enrolment.id).where(Enrolment.status == EnrolmentStatus.FULLFORT)
    ).all()
    issued = db.session.scalars(select(Certificate).order_by(Certificate.enrolment_id)).all()

    assert completed  # five a county and 18 % dropout: someone completed
    assert sorted(c.enrolment_id for c in issued) == sorted(completed)
    for certificate in issued:
        assert certificate.kind is CertificateKind.KURSBEVIS
        assert certificate.revoked_at is None and certificate.superseded_by_id is None
        assert certificates.check_stored(certificate).ok

    client = login_as(Role.ADMIN)
    for cohort in db.session.scalars(select(Cohort)):
        report = client.get(f"/kurs/{cohort.id}/rapport.csv").get_data(as_text=True)
        own = sum(c.enrolment.cohort_id == cohort.id for c in issued)
        assert f"Utstedt og gyldige;{own}" in report or f"Utstedt og gyldige,{own}" in report


def test_older_years_get_no_certificates_unless_asked(app):
    build_national(Scale(counties=1, years=2, cohorts=1, trainees=5, certificate_years=0))
    assert db.session.scalar(select(func.count(Certificate.id))) == 0


def test_national_report_hides_small_numbers(national, login_as):
    client = login_as(Role.ADMIN)

    page = client.get("/rapporter").get_data(as_text=True)

    assert "Hele landet" in page
    assert "&lt;5" in page  # five trainees a county: most figures describe fewer
    assert "<svg" in page and "<desc" in page and "<table" in page


def test_a_coordinator_sees_own_counties_and_gets_404_for_another(national, make_user, login):
    oslo, rogaland = county_named("Oslo"), county_named("Rogaland")
    client = login(make_user(Role.COORDINATOR, counties=[oslo]))

    own = client.get(f"/rapporter?fylke={oslo.id}")
    other = client.get(f"/rapporter?fylke={rogaland.id}")

    assert own.status_code == 200 and "Oslo" in own.get_data(as_text=True)
    assert other.status_code == 404
    assert client.get(f"/rapporter/resultater.csv?fylke={rogaland.id}").status_code == 404


@pytest.mark.parametrize("role", [Role.INSTRUCTOR, Role.PARTNER, Role.TRAINEE])
def test_other_roles_have_no_reports(national, login_as, role):
    assert login_as(role).get("/rapporter").status_code == 403


def test_exports_are_csv_xlsx_and_pdf(national, login_as):
    client = login_as(Role.ADMIN)

    csv = client.get("/rapporter/resultater.csv")
    xlsx = client.get("/rapporter/resultater.xlsx")
    pdf = client.get("/rapporter/resultater.pdf")

    assert csv.headers["Content-Type"].startswith("text/csv")
    assert "Fullføringsgrad" in csv.get_data().decode("utf-8-sig")
    sheet = load_workbook(io.BytesIO(xlsx.get_data())).active
    assert sheet["A1"].value == "Resultater av MB-opplæringen"
    assert pdf.headers["Content-Type"] == "application/pdf"
    assert pdf.get_data().startswith(b"%PDF")
    assert client.get("/rapporter/resultater.exe").status_code == 404


def test_cohort_report_shows_true_figures_and_is_logged(national, make_user, login):
    oslo = county_named("Oslo")
    cohort = db.session.scalar(select(Cohort).where(Cohort.county_id == oslo.id))
    client = login(make_user(Role.COORDINATOR, counties=[oslo]))

    page = client.get(f"/kurs/{cohort.id}/rapport").get_data(as_text=True)
    client.get(f"/kurs/{cohort.id}/rapport.xlsx")

    assert "&lt;5" not in page
    assert "Deltakere etter status" in page
    actions = db.session.scalars(
        select(AccessLog.action).where(AccessLog.object_type == "cohort_report")
    ).all()
    assert sorted(a.value for a in actions) == ["EXPORT", "VIEW"]


def test_a_coordinator_cannot_open_another_countys_cohort_report(national, make_user, login):
    oslo, rogaland = county_named("Oslo"), county_named("Rogaland")
    cohort = db.session.scalar(select(Cohort).where(Cohort.county_id == rogaland.id))
    client = login(make_user(Role.COORDINATOR, counties=[oslo]))
    assert client.get(f"/kurs/{cohort.id}/rapport").status_code == 404


def test_report_pages_keep_their_query_counts_as_the_data_grows(
    app, make_user, login, count_queries
):
    client = login(make_user(Role.ADMIN))

    def counted(url: str) -> int:
        with count_queries() as statements:
            assert client.get(url).status_code == 200
        return len(statements)

    build_national(Scale(counties=1, years=1, cohorts=1, trainees=4))
    snapshot.refresh()
    db.session.commit()
    small_cohort = db.session.scalar(select(func.max(Cohort.id)))
    small = (
        counted("/rapporter"),
        counted(f"/kurs/{small_cohort}/rapport"),
        counted(f"/kurs/{small_cohort}"),
    )
    build_national(Scale(counties=2, years=2, cohorts=2, trainees=12))
    snapshot.refresh()
    db.session.commit()
    large_cohort = db.session.scalar(select(func.max(Cohort.id)))
    large = (
        counted("/rapporter"),
        counted(f"/kurs/{large_cohort}/rapport"),
        counted(f"/kurs/{large_cohort}"),
    )
    assert small == large


def test_county_figures_change_when_they_are_computed_again(national, login_as):
    """Stored figures: a new history shows after the nightly (or the admin's) refresh."""
    client = login_as(Role.ADMIN)
    before = client.get("/rapporter").get_data(as_text=True)
    assert "sist beregnet" in before

    build_national(Scale(counties=2, years=1, cohorts=1, trainees=5))
    db.session.commit()
    assert client.get("/rapporter").get_data(as_text=True).count("&lt;5") == before.count("&lt;5")
    response = client.submit("/rapporter/oppdater", page="/rapporter")

    assert response.status_code == 302
    after = client.get("/rapporter").get_data(as_text=True)
    assert after.count("&lt;5") < before.count("&lt;5")  # ten a county now, not five


def test_only_the_national_team_can_compute_the_figures_again(national, login_as):
    client = login_as(Role.COORDINATOR)
    assert client.submit("/rapporter/oppdater", page="/rapporter").status_code == 403


def test_stored_figures_add_up_to_the_live_ones(national):
    from mbtrain.reports.queries import Filters, figures, total

    per_year, per_county = snapshot.stored_rollups(Filters())
    live = total(figures(Filters()).values())
    assert snapshot.last_refresh() is not None
    assert total(per_year.values()) == live
    assert total(per_county.values()) == live


def test_the_printable_report_fetches_our_font_and_nothing_else(national, monkeypatch):
    from mbtrain.pdf import STATIC_ORIGIN, StaticOnlyFetcher, render_pdf
    from mbtrain.reports.tables import Report, Table

    fetched: list[str] = []
    fetch = StaticOnlyFetcher.fetch

    def spy(self, url, headers=None):
        fetched.append(url)
        return fetch(self, url, headers)

    monkeypatch.setattr(StaticOnlyFetcher, "fetch", spy)
    table = Table("t", "Deltakere", ("Status", "Antall"), (("Fullført", (12,)),))
    with current_app.test_request_context():
        body = render_pdf(
            "reports/pdf/report.html",
            "reports/pdf/report.css",
            report=Report("Rapport", "Oslo", True, (table,), {}),
            text=str,
        )

    assert body.startswith(b"%PDF")
    assert f"{STATIC_ORIGIN}fonts/mbsans-regular.ttf" in fetched
    assert all(url.startswith(STATIC_ORIGIN) for url in fetched)
