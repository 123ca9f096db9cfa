"""Every page and every form of it, sent hostile values by Hypothesis.

The pages are found the way a user finds them: by opening every page an actor may open in
the two-tenant world. Each page (HTML or not: exports, feeds and JSON too) is asked for again
with hostile query strings, on the parameter names the application reads and the fields of
the page's own GET forms: never a 500, and nothing echoed unescaped. Then each of its POST
forms: Hypothesis chooses a value for each field by its kind (text, date, number, choice,
organisation number) from values that have broken applications before, and sometimes sends
a field twice. Whatever it sends: never a 500; a form shown again has changed nothing (no
half-written row) and explains the problem in Norwegian on the field. Last, every form the
pages showed before the first hostile request must have been tried. Every integer in a path,
and every query parameter of every page, is also sent a number beyond the database's range.
"""

import re
from collections import Counter
from dataclasses import dataclass, field
from urllib.parse import parse_qsl

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from werkzeug.datastructures import MultiDict

from mbtrain.policy import POLICY
from tests.conftest import database_snapshot
from tests.security.forms import Field, Form, as_submitted, get_form_fields, post_forms
from tests.security.routes import ROLE_OF, Route, build_path, collected_routes, fill_for
from tests.security.world import PAYLOAD, SCRIPT, TEMPLATE

LONG = "x" * 10_000
HOSTILE_TEXT = [
    LONG,
    "a\x00b",
    "\u202eexe.tnemucod",
    SCRIPT,
    TEMPLATE,
    "${7*7}",
    PAYLOAD,
    "",
    "   ",
    '=HYPERLINK("http://evil.example")',
    "'; DROP TABLE person; --",
    "😀" * 300,
]
HOSTILE_DATES = [
    "0001-01-01",
    "9999-12-31",
    "2026-02-30",
    "30.02.2026",
    "2026-13-01",
    "ikke en dato",
    "",
    LONG,
]
HOSTILE_NUMBERS = ["-1", "-99999999999", "1e309", "NaN", "inf", "9" * 40, "1,5", "abc", "", "0"]
# Past PostgreSQL's integer (2**31 - 1), past SQLite's (2**63 - 1), and the issue's own example.
OVERSIZED = [2**31, 2**63, 99_999_999_999_999_999_999]
# Digits to str.isdigit() that int() refuses.
NOT_QUITE_DIGITS = "²"
BAD_ORGNR = ["123456789", "12345678", "abcdefghi", "999999999", "9" * 20]
# WTForms' defaults are English; a message on the field must be one of ours.
ENGLISH = re.compile(
    r"This field is required|Not a valid|Invalid (?:choice|value|email)|Field must be|"
    r"Number must be|must be between"
)
# Every query parameter the application reads (request.args), besides the GET forms' fields.
QUERY_NAMES = [
    "alle", "deltaker", "dir", "forslag", "fylke", "kode", "laereplan", "modul", "next",
    "periode", "sort", "tilbud", "uke",
]  # fmt: skip
# The first actor (in this order) allowed to open a page is the one whose forms are tried.
ACTOR_ORDER = ("coordinator", "instructor", "partner", "trainee", "admin")
# Forms that end the shared world's cohort for every page after them (a cancelled cohort
# shows no schedule or enrolment forms): tried last. The coverage test below finds any other.
LAST = {"cohorts.cancel_cohort"}
# Otherwise pages without path parameters first, each group in the order the app lists them.
FORM_ROUTES = sorted(
    (route for route in collected_routes() if route.method == "GET"),
    key=lambda route: (route.endpoint in LAST, bool(route.params)),
)
TRIED: Counter = Counter()
QUERIED: Counter = Counter()
OVERSIZED_TRIED: Counter = Counter()


def actor_for(route: Route) -> str | None:
    rule = POLICY.get(route.endpoint)
    if rule is None:
        return None
    if rule.public:
        return "anonymous"
    roles = {role.value for role in rule.roles}
    return next((actor for actor in ACTOR_ORDER if ROLE_OF[actor] in roles), None)


def value_strategy(f: Field) -> st.SearchStrategy[str]:
    if "orgnr" in f.name:
        return st.sampled_from(BAD_ORGNR + HOSTILE_TEXT[:3])
    if f.type == "date":
        return st.sampled_from(HOSTILE_DATES)
    if f.type == "number" or f.name in {"hours", "weekly_hours", "places", "hours_present"}:
        return st.sampled_from(HOSTILE_NUMBERS)
    if f.type == "select":
        values = [*f.options, "987654", str(2**63), "", SCRIPT]
        return st.sampled_from(values) if f.options else st.just("")
    if f.type in {"checkbox", "radio"}:
        return st.sampled_from(["y", f.value or "y", "", "987654"])
    return st.one_of(st.sampled_from(HOSTILE_TEXT), st.text(max_size=40))


@st.composite
def hostile_submission(draw, form: Form) -> MultiDict:
    """The form as the page gave it, with some visible fields replaced by hostile values."""
    data = MultiDict(as_submitted(form))
    visible = [f for f in form.fields if f.type not in {"hidden", "file"}]
    for f in visible:
        if draw(st.booleans()):
            data.setlist(f.name, [draw(value_strategy(f))])
        if draw(st.integers(0, 9)) == 0:  # now and then, the same field twice
            data.add(f.name, draw(value_strategy(f)))
    return data


def field_problems(page: str) -> list[str]:
    problems = []
    if match := ENGLISH.search(page):
        problems.append(f"an English message: {match.group(0)!r}")
    for field_id in re.findall(r'id="([^"]+)"[^>]*aria-invalid="true"', page) + re.findall(
        r'aria-invalid="true"[^>]*id="([^"]+)"', page
    ):
        if f'id="{field_id}-error"' not in page:
            problems.append(f"field {field_id} marked invalid without a message tied to it")
    return problems


@dataclass
class Coverage:
    """The POST forms (page, action) shown in the world as built, and those that got hostile
    submissions. Each hostile test changes the shared world a little (what it sent may be
    accepted), and a page can stop showing a form: that must fail, not shrink the test in
    silence."""

    with_forms: set[tuple[str, str]]
    tried: set[tuple[str, str]] = field(default_factory=set)


@pytest.fixture(scope="module")
def coverage(world, browsers) -> Coverage:
    """Taken before the first hostile request: every page opened once, as the world was built."""
    with_forms = set()
    for route in FORM_ROUTES:
        actor = actor_for(route)
        if actor is None:
            continue
        path = build_path(route, "own", world, actor)
        page = browsers[actor].get(path)
        html = page.get_data(as_text=True) if page.mimetype == "text/html" else ""
        if page.status_code == 200:
            with_forms.update((route.endpoint, form.action) for form in post_forms(html, path))
    assert with_forms, "no page showed a form: the world or the form parser is broken"
    return Coverage(with_forms)


INTEGER_PARAMS = [
    (route, param)
    for route in collected_routes()
    for param in re.findall(r"<int(?:\([^)]*\))?:(\w+)>", route.rule.rule)
]


@pytest.mark.parametrize(
    ("route", "param"), INTEGER_PARAMS, ids=lambda value: getattr(value, "id", value)
)
def test_an_id_beyond_the_database_is_not_found(route: Route, param: str, world, browsers):
    """Not a 500 (SQLite's OverflowError): the Norwegian 404, for every integer in a path.
    Before the hostile forms, whose accepted submissions may delete what the path names."""
    actor = actor_for(route)
    assert actor is not None, f"{route.endpoint}: no actor may open it"
    browser = browsers[actor]
    values = {
        name: fill_for(route.endpoint, name).own(world.home(actor), world) for name in route.params
    }
    data = {"csrf_token": browser.csrf_token("/")} if route.method == "POST" else None
    for value in [2**31 - 1, *OVERSIZED]:
        path = route.rule.build(values | {param: value}, append_unknown=False)[1]
        OVERSIZED_TRIED[route.id] += 1
        response = browser.open(path, method=route.method, data=data)
        where = f"{route.id} → {route.method} {path}"
        assert response.status_code == 404, f"{response.status_code}: {where}"
        assert "Fant ikke siden" in response.get_data(as_text=True), where


@pytest.mark.parametrize("route", FORM_ROUTES, ids=lambda route: route.endpoint)
def test_every_page_survives_hostile_input(route: Route, world, browsers, coverage):
    actor = actor_for(route)
    assert actor is not None, f"{route.endpoint}: no actor may open it"
    browser = browsers[actor]
    path = build_path(route, "own", world, actor)
    page = browser.get(path)
    assert page.status_code < 500, f"{route.endpoint}: {page.status_code}"
    html = page.get_data(as_text=True) if page.mimetype == "text/html" else ""
    names = QUERY_NAMES + get_form_fields(html, path)
    try_query_strings(browser, path, names, route.endpoint)
    try_oversized_numbers(browser, path, names, route.endpoint)
    if page.status_code == 200:
        for form in post_forms(html, path):
            try_form(browser, form, route.endpoint)
            coverage.tried.add((route.endpoint, form.action))


def test_every_form_shown_at_the_start_was_tried(coverage):
    """Runs after the hostile tests of the same database (the same world)."""
    if not coverage.tried:
        pytest.skip("the pages were not tried in this session (run with the whole module)")
    missed = sorted(coverage.with_forms - coverage.tried)
    assert not missed, f"forms shown at the start but never tried (page, action): {missed}"


@st.composite
def hostile_query(draw, names: list[str]) -> list[tuple[str, str]]:
    chosen = draw(st.lists(st.sampled_from(sorted(set(names))), min_size=1, max_size=4))
    return [
        (name, draw(st.sampled_from(HOSTILE_TEXT + HOSTILE_DATES + HOSTILE_NUMBERS)))
        for name in chosen
    ]


def try_query_strings(browser, path: str, names: list[str], endpoint: str) -> None:
    @settings(
        max_examples=6,
        derandomize=True,
        deadline=None,
        database=None,
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    )
    @given(query=hostile_query(names))
    def get_hostile(query: list[tuple[str, str]]) -> None:
        QUERIED[endpoint] += 1
        base, _, own = path.partition("?")
        response = browser.get(base, query_string=parse_qsl(own) + query)
        where = f"{endpoint} → GET {path} with {query!r:.300}"
        if response.status_code >= 500:
            pytest.fail(f"answered {response.status_code}: {where}")
        if response.mimetype == "text/html" and SCRIPT[:16] in response.get_data(as_text=True):
            pytest.fail(f"hostile value echoed unescaped: {where}")

    get_hostile()


def try_oversized_numbers(browser, path: str, names: list[str], endpoint: str) -> None:
    """Each parameter alone (one refused early would hide the next), as a number too large."""
    base, _, own = path.partition("?")
    for name in sorted(set(names)):
        for value in (str(OVERSIZED[1]), NOT_QUITE_DIGITS):
            QUERIED[endpoint] += 1
            response = browser.get(base, query_string=[*parse_qsl(own), (name, value)])
            assert response.status_code < 500, f"{endpoint} → GET {path} with {name}={value}"


def try_form(browser, form: Form, endpoint: str) -> None:
    @settings(
        max_examples=8,
        derandomize=True,
        deadline=None,
        database=None,
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    )
    @given(data=hostile_submission(form))
    def post_hostile(data: MultiDict) -> None:
        TRIED[endpoint] += 1
        before = database_snapshot(reads=True)
        response = browser.post(form.action, data=data)
        where = f"{endpoint} → POST {form.action} with {dict(data.lists())!r:.300}"
        if response.status_code >= 500:
            pytest.fail(f"answered {response.status_code}: {where}")
        page = response.get_data(as_text=True) if response.mimetype == "text/html" else ""
        refused = response.status_code >= 400 or 'aria-invalid="true"' in page
        if not refused:
            return  # accepted (or sent on); what was accepted is the domain tests' business
        if database_snapshot(reads=True) != before:
            pytest.fail(f"refused, but the database changed (half-written): {where}")
        if problems := field_problems(page):
            pytest.fail(f"{problems}: {where}")
        if SCRIPT[:16] in page:
            pytest.fail(f"hostile value echoed unescaped: {where}")

    post_hostile()


def test_hostile_input_figures(capsys):
    if not QUERIED:
        pytest.skip("the pages were not tried in this session (run with the whole module)")
    with capsys.disabled():
        print(
            f"\nhostile input: {sum(QUERIED.values())} query strings to {len(QUERIED)} pages; "
            f"{sum(TRIED.values())} submissions to {len(TRIED)} pages' forms; "
            f"{sum(OVERSIZED_TRIED.values())} ids at and past the database's range on "
            f"{len(INTEGER_PARAMS)} integers of {len(OVERSIZED_TRIED)} routes"
        )
