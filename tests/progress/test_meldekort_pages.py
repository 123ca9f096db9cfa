"""The fourteen-day summary for NAV's meldekort, on the page and as CSV."""

import re
from datetime import date, timedelta

import pytest
from sqlalchemy import select

from mbtrain.accounts.models import Role
from mbtrain.audit.models import AccessAction, AccessLog
from mbtrain.curriculum.definition import AttendanceStatus as A
from mbtrain.extensions import db
from tests.progress.conftest import START

PERIOD = "2027-01-25"  # weeks 4 and 5: Monday 25 January to Sunday 7 February 2027


@pytest.fixture
def cohort(build, on_today):
    cohort = build.cohort(name="MB-opplæring Bergen 2027–2028")
    kari = build.trainee(cohort, "Kari Nordmann")
    ola = build.trainee(cohort, '=HYPERLINK("http://example.org") Ola')
    for number, session in enumerate(build.sessions(cohort, "T1-01", START + timedelta(days=1), 8)):
        build.attend(kari, session)
        build.attend(ola, session, A.IKKE_MOTT if number == 4 else A.TIL_STEDE)
    placement = build.placement(kari, start=date(2027, 1, 25))
    build.hours(placement, date(2027, 1, 25), 19)
    return cohort


def test_the_summary_counts_days_and_hours_in_the_period(cohort, login, make_user):
    page = login(make_user(Role.COORDINATOR)).get(f"/kurs/{cohort.id}/meldekort?periode={PERIOD}")
    text = re.sub(r"\s+", " ", page.get_data(as_text=True))
    assert "Uke 4–5 (25.01.2027–07.02.2027)" in text
    kari = re.search(r"<tr> <th scope=\"row\"[^>]*>Kari Nordmann</th>.*?</tr>", text).group(0)
    ola = re.search(r"<tr> <th scope=\"row\"[^>]*>=HYPERLINK.*?</tr>", text).group(0)
    cells = lambda row: re.findall(r"<td[^>]*>(.*?)</td>", row)  # noqa: E731
    assert cells(kari) == ["2", "2", "0", "0", "0", "–", "10 / 10", "19 / 38"]
    assert cells(ola) == ["2", "1", "0", "0", "1", "02.02 ikke møtt", "5 / 10", "0 / 0"]


def test_the_csv_is_safe_for_excel_and_logged_as_an_export(cohort, login, make_user):
    client = login(make_user(Role.COORDINATOR))
    response = client.get(f"/kurs/{cohort.id}/meldekort.csv?periode={PERIOD}")
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "text/csv; charset=utf-8"
    assert response.headers["Content-Disposition"] == (
        'attachment; filename="meldekort-mb-opplaering-bergen-2027-2028-2027-01-25.csv"'
    )
    assert response.headers["Cache-Control"] == "no-store"
    body = response.get_data()
    assert body.startswith(b"\xef\xbb\xbf")
    lines = body.decode("utf-8-sig").split("\r\n")
    assert lines[0].startswith("Navn;Fødselsdato;Status;Periode fra;Periode til;Uker;")
    assert '\'=HYPERLINK(""http://example.org"") Ola' in lines[1]  # a formula, made text
    assert lines[2].startswith("Kari Nordmann;14.03.1985;Deltar;25.01.2027;07.02.2027;4–5;2;2;0")
    row = db.session.scalars(select(AccessLog).order_by(AccessLog.id.desc())).first()
    assert (row.action, row.object_type, row.object_id, row.purpose) == (
        AccessAction.EXPORT,
        "meldekort",
        cohort.id,
        "MELDEKORT",
    )


def test_an_unknown_period_shows_the_last_one_that_has_ended(cohort, login, make_user):
    client = login(make_user(Role.COORDINATOR))
    page = client.get(f"/kurs/{cohort.id}/meldekort?periode=2027-01-26").get_data(as_text=True)
    # Today is Monday 22 March; the period of 8–21 March has just ended.
    assert "Uke 10–11 (08.03.2027–21.03.2027)" in page


@pytest.mark.parametrize("role", [Role.INSTRUCTOR, Role.ADMIN])
def test_only_the_coordinator_sees_the_meldekort_summary(cohort, login, make_user, role):
    client = login(make_user(role))
    assert client.get(f"/kurs/{cohort.id}/meldekort").status_code == 403
    assert client.get(f"/kurs/{cohort.id}/meldekort.csv").status_code == 403


def test_a_coordinator_of_another_county_gets_404(cohort, login, make_user, other_county):
    client = login(make_user(Role.COORDINATOR, counties=[other_county]))
    assert client.get(f"/kurs/{cohort.id}/meldekort.csv").status_code == 404
