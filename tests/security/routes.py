"""How to fill every URL parameter of every route, for the access matrix.

The matrix asks this table for each parameter of each route: the value in an actor's own
tenant, whether another tenant has one of its own (so "someone else's id" can be tried), and
a value that exists nowhere. A route with a parameter the table does not know fails the
matrix with a message saying what to add here: new routes cannot slip past it.
"""

import tempfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass

import pytest
from flask import Flask

from tests.security.world import PRACTICE_MODULE, TAUGHT_MODULE, Tenant, World

MISSING_ID = 987_654


@dataclass(frozen=True)
class Fill:
    own: Callable[[Tenant, World], object]
    # Whether the value belongs to a tenant: then another tenant's value is a case to try.
    scoped: bool = True
    missing: object = MISSING_ID


def fixed(value) -> Callable[[Tenant, World], object]:
    return lambda tenant, world: value


PARAMS: dict[str, Fill] = {
    "cohort_id": Fill(lambda t, w: t.cohort.id),
    "session_id": Fill(lambda t, w: t.session.id),
    "period_id": Fill(lambda t, w: t.closed_period.id),
    "enrolment_id": Fill(lambda t, w: t.enrolment.id),
    "placement_id": Fill(lambda t, w: t.placement.id),
    "proposal_id": Fill(lambda t, w: t.proposal.id),
    "offer_id": Fill(lambda t, w: t.offer.id),
    "organisation_id": Fill(lambda t, w: t.organisation.id),
    "contact_id": Fill(lambda t, w: t.contact.id),
    "user_id": Fill(lambda t, w: t.trainee.id),
    # The outbox belongs to no tenant: only the admin sees it at all.
    "message_id": Fill(lambda t, w: w.message.id, scoped=False),
    "module_code": Fill(fixed(PRACTICE_MODULE), scoped=False, missing="X9-99"),
    "kind": Fill(fixed("bekreftelse"), scoped=False, missing="finnes-ikke"),
    "certificate_id": Fill(lambda t, w: t.certificate.id),
    "batch_id": Fill(lambda t, w: t.batch.id),
    # Follow-up after the course: 3, 6 or 12 months.
    "months": Fill(fixed(6), scoped=False, missing=7),
    "fmt": Fill(fixed("csv"), scoped=False, missing="exe"),
    "version": Fill(lambda t, w: w.curriculum.version, scoped=False, missing="1999.9"),
}

# Where one name means different things on different routes.
ENDPOINT_PARAMS: dict[tuple[str, str], Fill] = {
    ("curriculum.curriculum_version", "code"): Fill(
        lambda t, w: w.curriculum.code, scoped=False, missing="FINNES-IKKE"
    ),
    ("curriculum.compare_versions", "code"): Fill(
        lambda t, w: w.curriculum.code, scoped=False, missing="FINNES-IKKE"
    ),
    ("assessments.assess_module", "code"): Fill(fixed(TAUGHT_MODULE), scoped=False, missing="X9"),
    ("assessments.module_sheet", "code"): Fill(fixed(TAUGHT_MODULE), scoped=False, missing="X9"),
    # OpenID providers by name: the matrix's app has none configured (tests/oidc has them),
    # so every name is unknown there and answers 404, for every actor.
    **{
        (f"oidc.{view}", "name"): Fill(fixed("idporten"), scoped=False, missing="finnes-ikke")
        for view in ("start", "callback", "backchannel", "frontchannel")
    },
    # Links and feeds: the token in the address is the credential, not a login.
    ("accounts.use_link", "token"): Fill(fixed("a" * 43), scoped=False, missing="b" * 43),
    ("partner.use_link", "token"): Fill(fixed("a" * 43), scoped=False, missing="b" * 43),
    # Follow-up and certificates are about trainees whose course has ended.
    ("outcomes.trainee_outcomes", "enrolment_id"): Fill(lambda t, w: t.graduate.id),
    ("outcomes.record_outcome", "enrolment_id"): Fill(lambda t, w: t.graduate.id),
    ("certificates.issue_one", "enrolment_id"): Fill(lambda t, w: t.graduate.id),
    # A certificate's verification code is public on purpose: anyone holding it may check it.
    ("certificates.verify_code", "code"): Fill(
        lambda t, w: t.certificate.code, scoped=False, missing="0000000000000"
    ),
    ("certificates.verify_json", "code"): Fill(
        lambda t, w: t.certificate.code, scoped=False, missing="0000000000000"
    ),
    ("schedule.calendar_feed", "token"): Fill(
        lambda t, w: t.feed_token, scoped=False, missing="c" * 43
    ),
}


def fill_for(endpoint: str, param: str) -> Fill:
    fill = ENDPOINT_PARAMS.get((endpoint, param)) or PARAMS.get(param)
    if fill is None:
        pytest.fail(
            f"route {endpoint} has a URL parameter {param!r} that the access matrix cannot "
            f"fill: add it to PARAMS (or ENDPOINT_PARAMS) in tests/security/routes.py, and "
            f"the object it names to tests/security/world.py",
            pytrace=False,
        )
    return fill


@dataclass(frozen=True)
class Route:
    endpoint: str
    method: str
    rule: object

    @property
    def params(self) -> list[str]:
        return sorted(self.rule.arguments)

    @property
    def id(self) -> str:
        return f"{self.method} {self.endpoint}"


def app_routes(app: Flask) -> list[Route]:
    return sorted(
        (
            Route(rule.endpoint, method, rule)
            for rule in app.url_map.iter_rules()
            if rule.endpoint != "static"
            for method in rule.methods - {"HEAD", "OPTIONS"}
        ),
        key=lambda route: route.id,
    )


def collected_routes() -> list[Route]:
    """The routes, known at collection time (an app on no database: nothing is queried)."""
    from mbtrain import create_app
    from tests.conftest import base_config

    return app_routes(create_app(base_config("sqlite://", tempfile.gettempdir())))


ROLE_OF = {
    "trainee": "TRAINEE",
    "other_trainee": "TRAINEE",
    "partner": "PARTNER",
    "other_partner": "PARTNER",
    "instructor": "INSTRUCTOR",
    "coordinator": "COORDINATOR",
    "other_coordinator": "COORDINATOR",
    "admin": "ADMIN",
}


def variants(route: Route) -> Iterator[str]:
    """own: the actor's own tenant; foreign: the other tenant's objects; missing: no such id."""
    yield "own"
    fills = [fill_for(route.endpoint, param) for param in route.params]
    if any(fill.scoped for fill in fills):
        yield "foreign"
    if fills:
        yield "missing"


def build_path(route: Route, variant: str, world: World, actor: str) -> str:
    tenant = world.away(actor) if variant == "foreign" else world.home(actor)
    values = {}
    for param in route.params:
        fill = fill_for(route.endpoint, param)
        values[param] = fill.missing if variant == "missing" else fill.own(tenant, world)
    return route.rule.build(values, append_unknown=False)[1]
