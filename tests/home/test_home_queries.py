"""Each role's home page reads its list of work in the same number of queries whatever the
cohorts' size, and however many cohorts there are."""

import pytest

from mbtrain.accounts.models import Role
from tests.home.conftest import trainee_user

# What each page took when measured (SQLite and PostgreSQL alike): a ceiling, so that a
# query added per group shows up here; the equality below is what matters.
CEILING = {"coordinator": 16, "instructor": 6, "partner": 10, "trainee": 14}


@pytest.mark.parametrize("role", list(CEILING))
def test_the_list_of_work_takes_as_many_queries_for_30_trainees_as_for_3(
    role, login, make_user, build_world, instructor, supervisor, factory, count_queries, on_today
):
    counts = []
    for size, name in ((3, "Lite kurs"), (30, "Stort kurs")):
        world = build_world(size, name)
        if role == "coordinator":
            user = make_user(Role.COORDINATOR)
        elif role == "trainee":
            user = trainee_user(factory, world.trainees[0])
        else:
            user = instructor if role == "instructor" else supervisor
        client = login(user)
        client.get("/")  # warm up: the session's last-seen write happens at most once a minute
        with count_queries() as statements:
            response = client.get("/")
        assert response.status_code == 200
        counts.append(len(statements))
    assert counts[0] == counts[1], counts
    assert counts[0] <= CEILING[role], counts
    print(f"{role}: {counts[0]} queries")
