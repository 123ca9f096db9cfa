"""Need to know: which people each role may see, and which parts of their records.

Two tests. The first is the access matrix's case per role and status class, with the
answers written out here as the requirement: an instructor gets the participants they
teach and those whose course has ended, without the intake assessment, and for an
applicant, a rejected person (in a cancelled cohort too) or a record made in error exactly
the 404 of a missing id; coordinators and admins keep everything in their scope.

The second walks every enrolment of the world as every actor, on every page that takes an
enrolment's id and on every page of the actor's own cohorts and lists, and compares what
came back with the rule in mbtrain/policy.py (NEED_TO_KNOW with the relationship): a page
shown, a name in a list or a part of a record (interview notes, NAV contact, rejection
reason, e-mail) the rule does not give that role fails it. The next loader that forgets
the rule is caught here.
"""

import re
from collections import Counter

import pytest
from sqlalchemy import select

from mbtrain.accounts.models import Role, User
from mbtrain.cohorts.models import Cohort
from mbtrain.enrolments.models import Enrolment
from mbtrain.extensions import db
from mbtrain.i18n import today
from mbtrain.placements.models import Placement
from mbtrain.policy import (
    POLICY,
    STATUS_CLASS,
    Part,
    StatusClass,
    may_see_part,
    may_see_status,
    partner_can_see,
    visible_cohorts,
)
from tests.security.routes import MISSING_ID, Route, collected_routes, fill_for
from tests.security.world import Tenant, World

INTAKE, PARTICIPANT, ENDED, VOID = StatusClass
ALL_CLASSES = frozenset(StatusClass)
# The requirement, written out: which status classes each actor gets on «/deltakere/<id>»
# in their own tenant. The trainee and the partner may not use the page at all (403).
DETAIL_SEES: dict[str, frozenset[StatusClass]] = {
    "instructor": frozenset({PARTICIPANT, ENDED}),
    "coordinator": ALL_CLASSES,
    "other_coordinator": ALL_CLASSES,
    "admin": ALL_CLASSES,
}
NO_DETAIL_PAGE = ("trainee", "other_trainee", "partner", "other_partner")
# Who sees the intake assessment («Vurdering», the interview notes) on a page they may open.
SEES_INTAKE = {"coordinator", "other_coordinator", "admin"}
CSRF_RE = re.compile(r'name="csrf_token"[^>]*value="[^"]*"')


def key_of(enrolment: Enrolment) -> str:
    """The key the world gave the person (their name is «Ingrid Testesen <key> <payload>»)."""
    return enrolment.person.name.split(" ")[2]


def of_class(tenant: Tenant, kind: StatusClass) -> list[Enrolment]:
    return [e for e in tenant.enrolments() if STATUS_CLASS[e.status] is kind]


@pytest.mark.parametrize("kind", list(StatusClass), ids=lambda kind: kind.value)
@pytest.mark.parametrize("actor", [*DETAIL_SEES, *NO_DETAIL_PAGE])
def test_the_trainee_page_per_role_and_status_class(actor, kind, world: World, browsers):
    enrolments = of_class(world.home(actor), kind)
    assert enrolments, f"the world has no enrolment in the class {kind.value}"
    for enrolment in enrolments:
        response = browsers[actor].get(f"/deltakere/{enrolment.id}")
        body = response.get_data(as_text=True)
        where = f"{actor} on {key_of(enrolment)} ({enrolment.status.value})"
        if actor in NO_DETAIL_PAGE:
            assert response.status_code == 403, f"{where}: {response.status_code}"
        elif kind in DETAIL_SEES[actor]:
            assert response.status_code == 200, f"{where}: {response.status_code}"
            shown = f"Intervjunotat {key_of(enrolment)}" in body or "Vurdering</h2>" in body
            assert shown == (actor in SEES_INTAKE), f"{where}: the intake assessment"
            assert enrolment.person.email in body, f"{where}: how to reach the person"
        else:
            assert response.status_code == 404, f"{where}: {response.status_code}"
            missing = browsers[actor].get(f"/deltakere/{MISSING_ID}")
            assert without_token(missing, MISSING_ID) == without_token(response, enrolment.id)


INTAKE_LABELS = [s.label for s, kind in STATUS_CLASS.items() if kind in (INTAKE, VOID)]


@pytest.mark.parametrize("actor", ["instructor", "coordinator"])
def test_only_those_who_see_the_intake_see_its_numbers(actor, world: World, browsers):
    """The cohort list's «Søknader» and the overview's count per status: the intake's (and
    the void records') numbers say something about people the instructor may not see."""
    cohort = world.home(actor).cohort
    listing = browsers[actor].get("/kurs/").get_data(as_text=True)
    overview = browsers[actor].get(f"/kurs/{cohort.id}").get_data(as_text=True)
    sees = actor == "coordinator"
    assert (">Søknader<" in listing) == sees, f"{actor}: the applicants column"
    for label in INTAKE_LABELS:
        assert (f">{label}<" in overview) == sees, f"{actor}: «{label}» counted on the overview"


def without_token(response, enrolment_id: int) -> str:
    """The body without what differs by design between two 404s: token and address."""
    body = CSRF_RE.sub("", response.get_data(as_text=True))
    return body.replace(f"/deltakere/{enrolment_id}", "<path>")


# --- the walk --------------------------------------------------------------------------------

ROUTES = [
    route
    for route in collected_routes()
    if route.method == "GET" and not POLICY[route.endpoint].public
]
# Pages that take an enrolment's id: every one is tried for every enrolment.
DETAIL_ROUTES = [route for route in ROUTES if "enrolment_id" in route.params]
# Pages with the actor's own cohorts and lists: every name on them must be one the role sees.
LIST_PARAMS = {"cohort_id", "session_id", "module_code", "code", "fmt", "kind", "version"}
LIST_ROUTES = [
    route
    for route in ROUTES
    if "enrolment_id" not in route.params and set(route.params) <= LIST_PARAMS
]
# Pages that take a placement's id (the partner's pages among them): every placement is tried.
PLACEMENT_ROUTES = [
    route
    for route in ROUTES
    if "placement_id" in route.params and "enrolment_id" not in route.params
]
WALKED: Counter = Counter()


def policy_lets_see(user: User, enrolment: Enrolment) -> bool:
    """The rule in mbtrain/policy.py: the role's status classes, and the relationship."""
    if not may_see_status(user, enrolment.status):
        return False
    if user.role is Role.TRAINEE:
        return enrolment.person.user_id == user.id
    if user.role is Role.PARTNER:
        placements = db.session.scalars(
            select(Placement).where(Placement.enrolment_id == enrolment.id)
        )
        return any(partner_can_see(user, placement, today()) for placement in placements)
    cohort = select(Cohort.id).where(Cohort.id == enrolment.cohort_id, visible_cohorts(user))
    return db.session.scalar(cohort) is not None


def part_problems(user: User, enrolment: Enrolment, body: str) -> list[str]:
    """Each part of the record found in a page, which the role may not see."""
    key = key_of(enrolment)
    found = {
        Part.INTAKE: f"Intervjunotat {key}" in body,
        Part.HISTORY: f"Avslag {key}" in body,
        Part.PERSONAL: "NAV Bergen" in body,
        Part.CONTACT: enrolment.person.email in body,
    }
    return [
        f"shows {part.value} of {key}"
        for part, shown in found.items()
        if shown and not may_see_part(user, part)
    ]


def detail_path(route: Route, enrolment: Enrolment, tenant: Tenant, world: World) -> str:
    values = {
        param: enrolment.id
        if param == "enrolment_id"
        else fill_for(route.endpoint, param).own(tenant, world)
        for param in route.params
    }
    return route.rule.build(values, append_unknown=False)[1]


def list_paths(route: Route, tenant: Tenant, world: World) -> list[str]:
    """The route for each of the tenant's cohorts (the running one and the cancelled one)."""
    cohorts = {tenant.cohort.id, *(e.cohort_id for e in tenant.others.values())}
    if "session_id" in route.params or "cohort_id" not in route.params:
        cohorts = {tenant.cohort.id}
    paths = []
    for cohort_id in sorted(cohorts):
        values = {p: fill_for(route.endpoint, p).own(tenant, world) for p in route.params}
        if "cohort_id" in values:
            values["cohort_id"] = cohort_id
        paths.append(route.rule.build(values, append_unknown=False)[1])
    return paths


def judge(user: User, route: Route, response, where: str, lets_see, enrolment) -> list[str]:
    """The answer to a page that takes a record's id, against the rule: 403 for a role the
    policy table keeps off the page, else the page only where the rule lets the role see the
    record (and none of the record's parts it may not see), else 404."""
    status = response.status_code
    if user.role not in POLICY[route.endpoint].roles:
        return [] if status == 403 else [f"{where}: {status}, not 403"]
    if status == 200:
        failures = [] if lets_see else [f"{where}: shown, and policy.py does not let the role"]
        body = response.get_data(as_text=True)
        return failures + [f"{where}: {p}" for p in part_problems(user, enrolment, body)]
    return [] if status == 404 else [f"{where}: {status}, not the page or 404"]


def walk_details(actor: str, user: User, world: World, browser) -> list[str]:
    failures = []
    for tenant in world.tenants.values():
        for enrolment in tenant.enrolments():
            for route in DETAIL_ROUTES:
                path = detail_path(route, enrolment, tenant, world)
                response = browser.get(path)
                WALKED[actor] += 1
                where = f"{actor} {path} ({enrolment.status.value})"
                lets_see = policy_lets_see(user, enrolment)
                failures += judge(user, route, response, where, lets_see, enrolment)
    return failures


def placement_lets_see(user: User, placement: Placement) -> bool:
    if user.role is Role.PARTNER:
        return may_see_status(user, placement.enrolment.status) and partner_can_see(
            user, placement, today()
        )
    return policy_lets_see(user, placement.enrolment)


def walk_placements(actor: str, user: User, world: World, browser) -> list[str]:
    failures = []
    for tenant in world.tenants.values():
        placement = tenant.placement
        for route in PLACEMENT_ROUTES:
            values = {
                param: placement.id
                if param == "placement_id"
                else fill_for(route.endpoint, param).own(tenant, world)
                for param in route.params
            }
            path = route.rule.build(values, append_unknown=False)[1]
            response = browser.get(path)
            WALKED[actor] += 1
            lets_see = placement_lets_see(user, placement)
            failures += judge(
                user, route, response, f"{actor} {path}", lets_see, placement.enrolment
            )
    return failures


def walk_lists(actor: str, user: User, world: World, browser) -> list[str]:
    everyone = [e for tenant in world.tenants.values() for e in tenant.enrolments()]
    failures = []
    for route in LIST_ROUTES:
        if user.role not in POLICY[route.endpoint].roles:
            continue
        for path in list_paths(route, world.home(actor), world):
            response = browser.get(path)
            WALKED[actor] += 1
            if response.status_code != 200 or response.mimetype in {"application/zip"}:
                continue
            body = response.get_data(as_text=True)
            for enrolment in everyone:
                if f"Testesen {key_of(enrolment)} " not in body:
                    continue
                if not policy_lets_see(user, enrolment):
                    failures.append(f"{actor} {path}: names {key_of(enrolment)}")
                failures += [f"{actor} {path}: {p}" for p in part_problems(user, enrolment, body)]
    return failures


@pytest.mark.parametrize(
    "actor",
    ["trainee", "other_trainee", "partner", "other_partner", "instructor", "coordinator", "admin"],
)
def test_every_enrolment_each_role_reaches_is_one_the_policy_lets_it_see(
    actor, world: World, browsers
):
    user = db.session.get(User, world.users[actor].id)
    failures = walk_details(actor, user, world, browsers[actor])
    failures += walk_placements(actor, user, world, browsers[actor])
    failures += walk_lists(actor, user, world, browsers[actor])
    assert not failures, "\n".join(failures)


def test_need_to_know_figures(capsys):
    """Runs last in this module: prints what the walk tried, for the README's figures."""
    if not WALKED:
        pytest.skip("the walk did not run in this session")
    with capsys.disabled():
        print(f"\nneed to know: requests walked per actor {dict(WALKED)}")
