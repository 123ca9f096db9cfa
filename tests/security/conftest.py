"""One app and one two-tenant world per test module, with a logged-in browser per actor.

The access matrix makes thousands of requests; building the world for each of them would
take minutes. The tests here only read the world, or make requests that must be refused
(and prove with a snapshot that they changed nothing), so sharing it is safe.
"""

from collections.abc import Iterator

import pytest
from flask import Flask

from tests.conftest import BACKENDS, PASSWORD, FormClient, module_app
from tests.security.world import World, build_world

ACTORS = (
    "anonymous",
    "trainee",
    "other_trainee",
    "partner",
    "other_partner",
    "instructor",
    "coordinator",
    "other_coordinator",
    "admin",
)


@pytest.fixture(scope="module", params=BACKENDS)
def world_app(request, tmp_path_factory) -> Iterator[Flask]:
    limits = {
        "LOGIN_LIMIT_PER_ADDRESS": "1000 per minute",
        "LOGIN_LIMIT_PER_ACCOUNT": "1000 per minute",
    }
    with module_app(request.param, request, tmp_path_factory.mktemp("world"), **limits) as app:
        yield app


@pytest.fixture(scope="module")
def world(world_app) -> World:
    return build_world()


@pytest.fixture(scope="module")
def browsers(world_app, world) -> dict[str, FormClient]:
    """A browser per actor, logged in once for the whole module."""
    browsers = {"anonymous": world_app.test_client()}
    for actor, user in world.users.items():
        browser = world_app.test_client()
        response = browser.submit("/logg-inn", {"email": user.email, "password": PASSWORD})
        assert response.status_code == 302, (actor, response.status_code)
        browsers[actor] = browser
    return browsers
