"""Eight coordinators saving at the same moment, over real HTTP.

The app runs under gunicorn (four sync workers) on a loopback port, on SQLite and on
PostgreSQL. Each coordinator has a browser of their own (own login, own session). In every
round all eight open the same form, wait for each other, and post at once. Every answer must
be a redirect (saved) or 409 (refused as stale) — never a 500 — and the database must hold
exactly the saved writes: each saved write claimed a version of its own, the version moved on
once per saved write, and what remains is the last saved write's value.
"""

import http.client
import re
import threading
import urllib.parse
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date, time, timedelta

import pytest
from flask import Flask
from sqlalchemy import func, select

from mbtrain import builders
from mbtrain.accounts.models import Role
from mbtrain.attendance.models import AttendanceRecord
from mbtrain.audit.models import AccessAction, AccessLog
from mbtrain.builders import PASSWORD, Factory
from mbtrain.extensions import db
from mbtrain.i18n import today
from mbtrain.placements.models import Placement, PlacementEvent
from mbtrain.schedule.models import CourseSession
from tests.conftest import BACKENDS, module_app
from tests.placements.core_support import World, build_world
from tests.servers import serve

WRITERS = 8
ROUNDS = 3
SAVED, STALE = 302, 409


@dataclass
class Response:
    status: int
    location: str
    text: str


@dataclass
class Browser:
    """One person's browser: own cookies, a fresh connection per request, no redirects."""

    base_url: str
    cookies: dict[str, str] = field(default_factory=dict)

    def request(self, method: str, path: str, form: dict | None = None) -> Response:
        parts = urllib.parse.urlsplit(self.base_url)
        connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=60)
        headers = {"Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items())}
        body = None
        if form is not None:
            body = urllib.parse.urlencode(form)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        try:
            connection.request(method, path, body=body, headers=headers)
            response = connection.getresponse()
            text = response.read().decode()
        finally:
            connection.close()
        for header in response.msg.get_all("Set-Cookie") or []:
            name, _, value = header.split(";", 1)[0].partition("=")
            self.cookies[name.strip()] = value
        return Response(response.status, response.getheader("Location", ""), text)

    def page(self, path: str) -> str:
        response = self.request("GET", path)
        assert response.status == 200, (path, response.status)
        return response.text

    def log_in(self, email: str) -> "Browser":
        token = hidden(self.page("/logg-inn"), "csrf_token")
        form = {"csrf_token": token, "email": email, "password": PASSWORD}
        assert self.request("POST", "/logg-inn", form).status == 302
        return self


def hidden(page: str, name: str) -> str:
    match = re.search(rf'name="{name}"[^>]*value="([^"]*)"', page)
    assert match, f"no {name} on the page"
    return match.group(1)


@dataclass(frozen=True)
class Attempt:
    seen_version: int
    value: object
    status: int


@dataclass(frozen=True)
class Write:
    """A form filled in on the page just read: the version it shows, and what it sets."""

    seen_version: int
    value: object
    path: str
    form: dict


def race(browsers: list[Browser], fill: Callable[[Browser, int, int], Write]) -> list[Attempt]:
    """ROUNDS rounds; in each, every browser reads and fills in the form, all wait until
    everyone has, then all post at once: every round, all of them hold the same version."""
    attempts: list[Attempt] = []
    failures: list[BaseException] = []
    barrier = threading.Barrier(len(browsers), timeout=120)

    def writer(number: int) -> None:
        browser = browsers[number]
        try:
            for round_ in range(ROUNDS):
                write = fill(browser, number, round_)
                barrier.wait()
                status = browser.request("POST", write.path, write.form).status
                attempts.append(Attempt(write.seen_version, write.value, status))
                barrier.wait()  # the round ends for everyone before the next read
        except BaseException as error:
            failures.append(error)
            barrier.abort()

    threads = [threading.Thread(target=writer, args=(n,)) for n in range(len(browsers))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not failures, failures
    return attempts


def assert_no_lost_update(attempts: list[Attempt], first_version: int) -> Attempt:
    """Every answer is saved or stale; each saved write claimed its own version, in order
    from the first; returns the last saved write (whose value must remain)."""
    assert {a.status for a in attempts} <= {SAVED, STALE}, sorted(a.status for a in attempts)
    saved = sorted((a for a in attempts if a.status == SAVED), key=lambda a: a.seen_version)
    assert [a.seen_version for a in saved] == list(range(first_version, first_version + ROUNDS))
    assert sum(a.status == STALE for a in attempts) == ROUNDS * (WRITERS - 1)
    return saved[-1]


# One server per database for the whole module: each test makes its own trainee, session or
# placement in the shared world, and counts only what it made.


@pytest.fixture(scope="module", params=BACKENDS)
def server_app(request, tmp_path_factory) -> Iterator[Flask]:
    with module_app(request.param, request, tmp_path_factory.mktemp("concurrency")) as app:
        yield app


@pytest.fixture(autouse=True)
def closes_its_session(server_app) -> Iterator[None]:
    """Each test ends what it read: on SQLite an open read would keep the write lock from the
    server during the next test."""
    yield
    db.session.commit()


@pytest.fixture(scope="module")
def world(server_app) -> World:
    return build_world(Factory(builders.county("46")))


@pytest.fixture(scope="module")
def coordinators(world) -> list[str]:
    return [
        world.factory.user(Role.COORDINATOR, email=f"koordinator.{n}@example.org").email
        for n in range(WRITERS)
    ]


@pytest.fixture(scope="module")
def base_url(server_app, world, coordinators, tmp_path_factory) -> Iterator[str]:
    db.session.commit()  # nothing of the test's own may hold SQLite's write lock
    url = server_app.config["SQLALCHEMY_DATABASE_URI"]
    with serve(url, data_dir=tmp_path_factory.mktemp("server"), workers=4) as base_url:
        yield base_url


@pytest.fixture(scope="module")
def browsers(base_url, coordinators) -> list[Browser]:
    return [Browser(base_url).log_in(email) for email in coordinators]


def test_attendance_sheet_has_no_lost_updates(world, browsers):
    enrolment = world.trainee()
    session = CourseSession(
        cohort=world.cohort, module_code="T1-01", date=today(), starts_at=time(9), hours=6.0
    )
    db.session.add(session)
    db.session.commit()
    sheet = f"/kurs/{world.cohort.id}/okter/{session.id}/oppmote"

    def fill(browser: Browser, number: int, round_: int) -> Write:
        page = browser.page(sheet)
        version = int(hidden(page, "attendance_version"))
        hours = 0.25 * (1 + number + WRITERS * round_)  # a value of its own per write
        form = {
            "csrf_token": hidden(page, "csrf_token"),
            "attendance_version": version,
            "rows-0-enrolment": enrolment.id,
            "rows-0-status": "TIL_STEDE",
            "rows-0-hours": f"{hours:g}".replace(".", ","),
        }
        return Write(version, hours, sheet, form)

    last = assert_no_lost_update(race(browsers, fill), first_version=0)

    db.session.expire_all()
    assert db.session.get(CourseSession, session.id).attendance_version == ROUNDS
    record = db.session.scalar(
        select(AttendanceRecord).where(AttendanceRecord.session_id == session.id)
    )
    assert record.hours_present == last.value
    updates = db.session.scalar(
        select(func.count()).where(
            AccessLog.object_type == "attendance_sheet", AccessLog.action == AccessAction.UPDATE
        )
    )
    assert updates == ROUNDS  # a refused save logged no change


def test_placement_edit_has_no_lost_updates(world, browsers):
    placement = world.place(world.trainee())
    first_version = placement.version
    edit = f"/praksis/{placement.id}/endre"
    fixed = {
        "organisation": placement.organisation_id,
        "module_code": placement.module_code,
        "supervisor_email": placement.supervisor_email,
        "start_date": norwegian(placement.start_date),
        "end_date": norwegian(placement.end_date),
        "weekly_hours": "19",
    }

    def fill(browser: Browser, number: int, round_: int) -> Write:
        page = browser.page(edit)
        version = int(hidden(page, "version"))
        name = f"Veileder {number}-{round_}"  # a value of its own per write
        form = {**fixed, "csrf_token": hidden(page, "csrf_token"), "version": version}
        return Write(version, name, edit, {**form, "supervisor_name": name})

    last = assert_no_lost_update(race(browsers, fill), first_version)

    db.session.expire_all()
    placement = db.session.get(Placement, placement.id)
    assert placement.version == first_version + ROUNDS
    assert placement.supervisor_name == last.value
    changes = db.session.scalar(
        select(func.count()).where(
            PlacementEvent.placement_id == placement.id, PlacementEvent.reason.like("Endret:%")
        )
    )
    assert changes == ROUNDS


def test_double_submitted_form_creates_one_placement(world, browsers):
    enrolment = world.trainee()
    create = f"/kurs/{world.cohort.id}/praksis/ny"
    browser = browsers[0]
    page = browser.page(create)
    form = {
        "csrf_token": hidden(page, "csrf_token"),
        "submission_key": hidden(page, "submission_key"),
        "enrolment": enrolment.id,
        "offer": "",
        "organisation": world.organisation.id,
        "module_code": "P1-01",
        "supervisor_name": "Kari Veileder",
        "supervisor_email": "kari.veileder@example.org",
        "start_date": norwegian(today() - timedelta(days=14)),
        "end_date": norwegian(today() + timedelta(days=50)),
        "weekly_hours": "19",
    }
    db.session.commit()  # reading the ids above began a transaction: SQLite's write lock
    # The same browser (one session, one token) sends the form eight times at once.
    clicks = [Browser(browser.base_url, dict(browser.cookies)) for _ in range(WRITERS)]
    together = threading.Barrier(WRITERS, timeout=120)
    answers: list[Response] = []

    def click(copy: Browser) -> None:
        together.wait()
        answers.append(copy.request("POST", create, form))

    threads = [threading.Thread(target=click, args=(copy,)) for copy in clicks]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    db.session.expire_all()
    created = db.session.scalars(select(Placement).where(Placement.enrolment_id == enrolment.id))
    (placement,) = created.all()
    assert [a.status for a in answers] == [302] * WRITERS
    assert {urllib.parse.urlsplit(a.location).path for a in answers} == {f"/praksis/{placement.id}"}


def norwegian(day: date) -> str:
    return day.strftime("%d.%m.%Y")
