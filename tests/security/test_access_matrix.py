"""Every route × every actor × every method × own, another tenant's and a missing id.

The expected answer comes from POLICY alone: a role outside the rule gets 403 (anonymous
visitors the login page), whatever the id; an allowed role gets the page for its own
tenant's objects, and for another tenant's objects exactly the 404 a missing id gets.
A refused request changes nothing (compared with a snapshot of every table, access log
included). Every response carries the security headers, and no page shows the hostile text
stored in every field of the world unescaped or evaluated.
"""

import re
from collections import Counter
from urllib.parse import urlsplit

import pytest
from sqlalchemy import func, select

from mbtrain.audit.models import AccessLog
from mbtrain.extensions import db
from mbtrain.policy import POLICY
from tests.conftest import database_snapshot
from tests.security.conftest import ACTORS
from tests.security.routes import (
    ROLE_OF,
    Route,
    build_path,
    collected_routes,
    fill_for,
    variants,
)
from tests.security.world import SCRIPT, TEMPLATE_RESULT, World

ROUTES = collected_routes()
# Own-tenant pages that answer with a redirect rather than a page, and why.
OWN_REDIRECTS = {
    "accounts.login": "a signed-in user is sent on to the front page",
    "accounts.forgot_password": "a signed-in user is sent on to the front page",
}
CSRF_RE = re.compile(r'name="csrf_token"[^>]*value="[^"]*"')
# Personal-data pages that, opened, show no one's data and so write no access-log row.
NO_LOG_ON_GET = {
    "accounts.invite_user": "an empty form for a new user",
    "enrolments.register_application": "an empty application form",
    "placements.create_placement": "an empty form (the trainee is chosen on submit)",
    "organisations.invite_partner": "an empty form to invite a partner user",
    # (cohorts.cancel_cohort and certificates.revoke name whom they affect, so they log.)
    # The trainee reading who has read their data; the page leaves out the trainee's own
    # reads anyway, so a row per visit would be noise in their own list.
    "audit.my_access_log": "the data subject reading their own log",
}
CASES: Counter = Counter()
# endpoint -> access-log rows written by one successful GET, for the README's share.
LOGGED: dict[str, int] = {}


def security_header_problems(response, signed_in: bool) -> list[str]:
    headers, problems = response.headers, []
    csp = headers.get("Content-Security-Policy", "")
    if "unsafe-inline" in csp or "frame-ancestors 'none'" not in csp:
        problems.append(f"CSP {csp!r}")
    if headers.get("X-Content-Type-Options") != "nosniff":
        problems.append("no nosniff")
    if headers.get("Referrer-Policy") not in {"same-origin", "no-referrer", "strict-origin"}:
        problems.append("no Referrer-Policy")
    no_store = "no-store" in headers.get("Cache-Control", "")
    if signed_in and not no_store:
        problems.append("authenticated response without Cache-Control: no-store")
    if is_download(response) and not no_store:
        problems.append("a download without Cache-Control: no-store")
    return problems


DOWNLOAD_TYPES = {"text/csv", "text/calendar", "application/pdf", "application/zip"}


def is_download(response) -> bool:
    return response.status_code == 200 and (
        "Content-Disposition" in response.headers
        or response.mimetype in DOWNLOAD_TYPES
        or "spreadsheetml" in response.mimetype
    )


def injection_problems(response) -> list[str]:
    """HTML only: a calendar file or CSV is no page, and a browser will not run it (nosniff);
    exports have tests of their own (formulas)."""
    if response.mimetype != "text/html":
        return []
    body = response.get_data(as_text=True)
    problems = []
    if SCRIPT[:16] in body:
        problems.append("stored <script> shown unescaped")
    if TEMPLATE_RESULT in body:
        problems.append("stored template expression evaluated")
    return problems


def access_log_problems(route: Route, written: int) -> list[str]:
    """Showing someone's data writes exactly one access-log row (ASVS 7.1.3, 8.3.x)."""
    if route.method != "GET" or not POLICY[route.endpoint].personal_data:
        return []
    LOGGED[route.endpoint] = written
    if route.endpoint in NO_LOG_ON_GET:
        return [] if written == 0 else [f"{written} access-log rows for a page listed as none"]
    return [] if written == 1 else [f"wrote {written} access-log rows, not exactly 1"]


def is_login_redirect(response) -> bool:
    location = urlsplit(response.headers.get("Location", ""))
    return response.status_code == 302 and location.path == "/logg-inn"


def normalised(response, path: str) -> str:
    """The body without what differs by design between two 404s: token and address."""
    return CSRF_RE.sub("", response.get_data(as_text=True)).replace(path, "<path>")


def send(browsers, csrf, actor: str, method: str, path: str):
    browser = browsers[actor]
    if method == "GET":
        return browser.get(path)
    return browser.post(path, data={"csrf_token": csrf[actor]})


def expected(route: Route, actor: str, variant: str) -> str:
    """What POLICY says should happen: public, login, refused, page, not-found or skip."""
    rule = POLICY.get(route.endpoint)
    if rule is None:
        pytest.fail(f"{route.endpoint} is not in mbtrain/policy.py POLICY", pytrace=False)
    if rule.public:
        return "skip" if route.method == "POST" else "public"
    if actor == "anonymous":
        return "login"
    if ROLE_OF[actor] not in {role.value for role in rule.roles}:
        return "refused"
    if variant == "missing" or (variant == "foreign" and actor != "admin"):
        return "not-found"
    # A real write in the actor's own scope is the domain tests' business; here it would
    # change the world the other cases share.
    return "skip" if route.method == "POST" else "page"


@pytest.fixture(scope="module")
def csrf(browsers) -> dict[str, str]:
    tokens = {}
    for actor, browser in browsers.items():
        tokens[actor] = browser.csrf_token("/logg-inn" if actor == "anonymous" else "/")
    return tokens


def access_log_size() -> int:
    return db.session.scalar(select(func.count()).select_from(AccessLog))


@pytest.mark.parametrize("route", ROUTES, ids=lambda route: route.id)
def test_access_matrix(route: Route, world: World, browsers, csrf):
    cases = [
        (actor, variant, expected(route, actor, variant))
        for actor in ACTORS
        for variant in variants(route)
    ]
    failures: list[str] = []
    not_found_bodies: dict[str, dict[str, str]] = {}
    log_before_page = 0

    def check(actor: str, variant: str, outcome: str) -> None:
        nonlocal log_before_page
        path = build_path(route, variant, world, actor)
        log_before_page = access_log_size()
        response = send(browsers, csrf, actor, route.method, path)
        status, where = response.status_code, f"{actor:17} {variant:7} {path}"
        CASES[outcome] += 1
        problems = security_header_problems(response, signed_in=actor != "anonymous")
        problems += injection_problems(response)
        if status >= 500:
            problems.append(f"answered {status}")
        elif outcome == "login" and not is_login_redirect(response):
            problems.append(f"expected the login page, got {status}")
        elif outcome == "refused" and (
            status != 403 or "Ingen tilgang" not in response.get_data(as_text=True)
        ):
            problems.append(f"expected 403 Ingen tilgang, got {status}")
        elif outcome == "not-found":
            if status != 404:
                problems.append(f"expected 404 (out of scope or missing), got {status}")
            not_found_bodies.setdefault(actor, {})[variant] = normalised(response, path)
        elif outcome == "page":
            allowed = {200, 302} if route.endpoint in OWN_REDIRECTS else {200}
            if status not in allowed:
                problems.append(f"expected the page, got {status}")
            problems += access_log_problems(route, access_log_size() - log_before_page)
        failures.extend(f"{where}: {problem}" for problem in problems)

    # Everything refused first, against a snapshot: not one row may change, nor be logged.
    before, log_before = database_snapshot(reads=True), access_log_size()
    for actor, variant, outcome in cases:
        if outcome in {"login", "refused", "not-found"}:
            check(actor, variant, outcome)
    if database_snapshot(reads=True) != before or access_log_size() != log_before:
        failures.append("a refused request changed the database or wrote the access log")
    for actor, variant, outcome in cases:
        if outcome in {"page", "public"}:
            check(actor, variant, outcome)
        elif outcome == "skip":
            CASES["skip"] += 1

    for actor, bodies in not_found_bodies.items():
        if len(set(bodies.values())) > 1:
            failures.append(f"{actor}: another tenant's id and a missing id answer differently")
    assert not failures, f"{route.id}:\n" + "\n".join(failures)


def test_matrix_figures(capsys):
    """Runs last in this module: prints what the matrix tried, for the README's figures."""
    if not CASES:
        pytest.skip("the matrix did not run in this session")
    with capsys.disabled():
        total = sum(CASES.values()) - CASES["skip"]
        logged = sorted(endpoint for endpoint, rows in LOGGED.items() if rows == 1)
        print(
            f"\naccess matrix: {len(ROUTES)} route×method, {total} requests checked, "
            f"{dict(CASES)}; personal-data GET routes writing one access-log row: "
            f"{len(logged)}/{len(LOGGED)} (without: {sorted(set(LOGGED) - set(logged))})"
        )


def test_a_route_with_a_parameter_the_table_does_not_know_fails_the_matrix():
    with pytest.raises(pytest.fail.Exception, match="add it to PARAMS"):
        fill_for("new_area.new_page", "widget_id")
