"""The pre-flight page reads a fixed number of statements, however many trainees."""

from mbtrain.cohorts.models import CohortStatus
from mbtrain.extensions import db


def test_preflight_queries_do_not_grow_with_the_cohort(issued, build, count_queries):
    course, client = issued
    counts = []
    for extra in (0, 4):
        course.cohort.status = CohortStatus.GJENNOMFORES  # taking applications, for the test
        for number in range(extra):
            build.trainee(course.cohort, f"Ekstra Deltaker {number}")
        course.cohort.status = CohortStatus.AVSLUTTET
        db.session.commit()
        with count_queries() as statements:
            response = client.get(course.preflight())
        assert response.status_code == 200
        assert "Ekstra Deltaker" in response.get_data(as_text=True) or not extra
        counts.append(len(statements))
    assert counts[0] == counts[1], counts
    assert counts[0] <= 14, counts
