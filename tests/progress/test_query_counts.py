"""The cohort matrix and a trainee's progress page take as many queries for 100 trainees
as for 10: sums are made in SQL, never row by row."""

from contextlib import contextmanager
from datetime import date, timedelta

import pytest
import sqlalchemy as sa

from mbtrain.accounts.models import Role
from mbtrain.assessments.models import AssessmentResult as R
from mbtrain.attendance.models import AttendanceRecord
from mbtrain.curriculum.definition import AttendanceStatus as A
from mbtrain.extensions import db
from mbtrain.progress import tables
from tests.progress.conftest import START


def fill(build, size: int):
    cohort = build.cohort(name=f"Kurs med {size}", places=200)
    sessions = build.sessions(cohort, "T1-01", START + timedelta(days=1), 6)
    trainees = [build.trainee(cohort) for _ in range(size)]
    db.session.add_all(
        AttendanceRecord(
            session_id=session.id,
            enrolment_id=trainee.id,
            status=A.SYK if (number + index) % 5 == 0 else A.TIL_STEDE,
            hours_present=0 if (number + index) % 5 == 0 else session.hours,
        )
        for number, trainee in enumerate(trainees)
        for index, session in enumerate(sessions)
    )
    db.session.commit()
    for number, trainee in enumerate(trainees):
        build.assess(trainee, "OPP-01", R.GODKJENT if number % 3 else R.IKKE_GODKJENT)
        placement = build.placement(trainee, start=date(2027, 2, 1))
        build.hours(placement, date(2027, 2, 1), 19)
    return cohort, trainees


@pytest.mark.parametrize("page", ["matrix", "trainee", "overview"])
def test_same_number_of_queries_for_10_and_100_trainees(
    build, login, make_user, count_queries, on_today, page
):
    client = login(make_user(Role.COORDINATOR))
    counts = []
    for size in (10, 100):
        cohort, trainees = fill(build, size)
        url = {
            "matrix": f"/kurs/{cohort.id}/progresjon",
            "trainee": f"/deltakere/{trainees[-1].id}/progresjon",
            "overview": f"/kurs/{cohort.id}",
        }[page]
        client.get(url)  # warm up: the curriculum is parsed once per process
        tables.MATRICES.clear()  # the matrix computed, not its kept table (test_matrix_tables)
        with count_queries() as statements, commits_noted(statements):
            response = client.get(url)
        assert response.status_code == 200
        assert f"Kurs med {size}" in response.get_data(as_text=True)
        counts.append(len(statements))
    assert counts[0] == counts[1], counts
    assert counts[0] <= {"matrix": 12, "trainee": 12, "overview": 18}[page], counts
    if page != "overview":
        # The page is worked out and rendered after the commit, from what was read: no
        # transaction (on SQLite: the database's write lock) is held open meanwhile.
        assert statements[-1] == "COMMIT", statements[-3:]


@contextmanager
def commits_noted(statements: list[str]):
    def note(connection):
        statements.append("COMMIT")

    def note_release(connection, name, context):
        note(connection)

    # On PostgreSQL a test's requests join its transaction through savepoints: releasing the
    # request's savepoint is where production commits.
    sa.event.listen(db.engine, "commit", note)
    sa.event.listen(db.engine, "release_savepoint", note_release)
    try:
        yield
    finally:
        sa.event.remove(db.engine, "commit", note)
        sa.event.remove(db.engine, "release_savepoint", note_release)
