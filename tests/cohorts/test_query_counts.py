"""The cohort list and overview load in the same number of queries whatever the cohort size."""

import pytest

from mbtrain.accounts.models import Role
from mbtrain.enrolments.models import EnrolmentStatus as S

STATUSES = [S.DELTAR, S.VENTELISTE, S.SOKT_INN, S.VURDERES, S.VENTER_PA_OPPSTART]


def fill(cohort, make_enrolment, size: int) -> None:
    for number in range(size):
        make_enrolment(cohort, STATUSES[number % len(STATUSES)])


@pytest.mark.parametrize("page", ["list", "overview"])
def test_same_query_count_for_10_and_200_trainees(
    login, make_user, make_cohort, make_enrolment, count_queries, page
):
    client = login(make_user(Role.COORDINATOR))
    counts = []
    for size in (10, 200):
        cohort = make_cohort(name=f"Kurs med {size}", places=500)
        fill(cohort, make_enrolment, size)
        url = "/kurs/" if page == "list" else f"/kurs/{cohort.id}"
        client.get(url)  # warm up: the session's last-seen write happens at most once a minute
        with count_queries() as statements:
            response = client.get(url)
        assert response.status_code == 200
        assert f"Kurs med {size}" in response.get_data(as_text=True)
        counts.append(len(statements))
    assert counts[0] == counts[1], counts
    assert counts[0] <= 11, counts  # 11: the overview also lists tvilsmeldinger from practice
