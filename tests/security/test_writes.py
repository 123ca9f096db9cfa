"""Writes, as an attacker would try them: fields a form does not have, a log write that fails,
a request too large, a spreadsheet cell that starts a formula; and no path that changes the
access log. Each test builds a fresh two-tenant world (these tests change it)."""

import csv
import io
import re
from pathlib import Path

import pytest
from sqlalchemy import event, select

from mbtrain.accounts.models import Role, User
from mbtrain.audit.models import AccessLog
from mbtrain.enrolments.models import Enrolment
from mbtrain.extensions import db
from mbtrain.placements.models import Placement
from tests.conftest import database_snapshot
from tests.security.forms import as_submitted, post_forms
from tests.security.world import World, build_world

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def fresh_world(app) -> World:
    return build_world()


def errors_of(response) -> str:
    """The messages a re-rendered form shows, for an assertion that says why it failed."""
    page = response.get_data(as_text=True)
    found = re.findall(r'class="error[^"]*"[^>]*>(.*?)</', page, re.S)
    return f"{response.status_code}: {found or page[-1500:]}"


def page_form(browser, path: str, index: int = 0) -> dict[str, str]:
    """The form on the page as the browser would send it untouched."""
    page = browser.get(path)
    assert page.status_code == 200, (path, page.status_code)
    forms = post_forms(page.get_data(as_text=True), path)
    return dict(as_submitted(forms[index]))


# Fields no form has, but that an attacker would try to smuggle in.
SMUGGLED = (
    "role",
    "is_admin",
    "county_id",
    "organisation_id",
    "cohort_id",
    "person_id",
    "enrolment_id",
    "user_id",
    "trainee_id",
    "status",
    "id",
)


def smuggled(world: World) -> dict[str, str]:
    b = world.tenants["b"]
    values = {
        "role": "ADMIN",
        "is_admin": "y",
        "county_id": str(b.county.id),
        "organisation_id": str(b.organisation.id),
        "cohort_id": str(b.cohort.id),
        "person_id": str(b.enrolment.person_id),
        "enrolment_id": str(b.enrolment.id),
        "user_id": str(world.admin.id),
        "trainee_id": str(b.enrolment.id),
        "status": "COMPLETED",
        "id": str(b.placement.id),
    }
    assert set(values) == set(SMUGGLED)
    return values


def test_extra_fields_on_the_placement_form_are_ignored(fresh_world, login):
    a = fresh_world.tenants["a"]
    browser = login(a.coordinator)
    path = f"/praksis/{a.placement.id}/endre"
    data = {**page_form(browser, path), "supervisor_name": "Kari Ny Veileder"}
    data.update(smuggled(fresh_world))

    response = browser.post(path, data=data)

    assert response.status_code == 302, errors_of(response)
    placement = db.session.get(Placement, a.placement.id)
    assert placement.supervisor_name == "Kari Ny Veileder"  # the real field was saved
    assert (placement.enrolment_id, placement.organisation_id, placement.status.value) == (
        a.enrolment.id,
        a.organisation.id,
        "ACTIVE",
    )


def test_extra_fields_on_the_user_form_are_ignored(fresh_world, login):
    a, b = fresh_world.tenants["a"], fresh_world.tenants["b"]
    browser = login(fresh_world.admin)
    path = f"/admin/brukere/{a.partner.id}"
    data = {**page_form(browser, path), "name": "Per Nytt Navn"}
    extras = smuggled(fresh_world)
    extras.pop("role")  # the user form has a role field of its own: that one is honest
    data.update(extras)

    response = browser.post(path, data=data)

    assert response.status_code == 302, errors_of(response)
    partner = db.session.get(User, a.partner.id)
    assert partner.name == "Per Nytt Navn"
    # Saved untouched but for the name, the role stays (the page once chose none, and the
    # browser sent the first: administrator).
    assert (partner.role, partner.organisation_id) == (Role.PARTNER, a.organisation.id)
    assert not partner.county_ids and b.county.id not in partner.county_ids


def test_extra_fields_on_a_new_application_are_ignored(fresh_world, login):
    a, b = fresh_world.tenants["a"], fresh_world.tenants["b"]
    browser = login(a.coordinator)
    path = f"/kurs/{a.cohort.id}/soknader/ny"
    data = page_form(browser, path)
    data.update(
        name="Siri Søker",
        date_of_birth="14.03.1990",
        email="siri.soker@example.org",
        applied_on="01.09.2026",
    )
    data.update(smuggled(fresh_world))

    response = browser.post(path, data=data)

    assert response.status_code == 302, errors_of(response)
    enrolment = db.session.scalar(
        select(Enrolment).join(Enrolment.person).where(Enrolment.person.has(name="Siri Søker"))
    )
    assert enrolment.cohort_id == a.cohort.id != b.cohort.id
    assert enrolment.status.value == "SOKT_INN"
    assert enrolment.person.user_id is None


# Changes to someone's data, each with the edit that makes it valid.
CHANGES = {
    "edit_user": (
        "admin",
        lambda w: f"/admin/brukere/{w.tenants['a'].partner.id}",
        {"name": "Per Endret"},
    ),
    "edit_placement": (
        "coordinator",
        lambda w: f"/praksis/{w.tenants['a'].placement.id}/endre",
        {"supervisor_name": "Kari Endret"},
    ),
    "register_application": (
        "coordinator",
        lambda w: f"/kurs/{w.tenants['a'].cohort.id}/soknader/ny",
        {
            "name": "Siri Søker",
            "date_of_birth": "14.03.1990",
            "email": "siri@example.org",
            "applied_on": "01.09.2026",
        },
    ),
    "edit_project": (
        "instructor",
        lambda w: f"/deltakere/{w.tenants['a'].enrolment.id}/prosjektoppgave",
        {"title": "Et nytt prosjekt"},
    ),
}


def actor_user(world: World, actor: str) -> User:
    return world.admin if actor == "admin" else getattr(world.tenants["a"], actor)


@pytest.mark.parametrize("app_config", [{"PROPAGATE_EXCEPTIONS": False}])
@pytest.mark.parametrize("change", sorted(CHANGES))
def test_a_change_is_not_saved_when_its_log_row_cannot_be_written(change, fresh_world, login):
    actor, path_of, edit = CHANGES[change]
    browser = login(actor_user(fresh_world, actor))
    path = path_of(fresh_world)
    data = {**page_form(browser, path), **edit}
    before = database_snapshot(reads=True)

    def log_write_fails(mapper, connection, target):
        raise RuntimeError("the access log could not be written")

    event.listen(AccessLog, "before_insert", log_write_fails)
    try:
        failed = browser.post(path, data=data)
    finally:
        event.remove(AccessLog, "before_insert", log_write_fails)

    assert failed.status_code == 500
    assert "Ingenting er lagret fra denne handlingen" in failed.get_data(as_text=True)
    assert database_snapshot(reads=True) == before
    # The same request with a working log is saved: the test above could have failed.
    saved = browser.post(path, data=data)
    assert saved.status_code == 302, errors_of(saved)
    assert database_snapshot(reads=True) != before


WRITES_TO_LOG = re.compile(
    r"(update|delete)\(\s*AccessLog|(UPDATE|DELETE\s+FROM)\s+\"?access_log|"
    r"AccessLog\b[^\n]*\.(delete|update)\(",
    re.IGNORECASE,
)


# The one deliberate exception, decided with the retention rules (issue 7 part 6): the
# `mbtrain purge` command deletes rows older than the retention period. It is a command,
# not a route, and it may only delete (never update), inside retention_purge().
RETENTION_PURGE = "mbtrain/maintenance/purge.py"


def test_no_code_path_updates_or_deletes_access_log_rows():
    """The ORM refuses it (tests/audit/test_access_log.py); here: no code even tries, raw SQL
    and migrations included (a migration may create the table, never rewrite rows)."""
    found = [
        (str(path.relative_to(ROOT)), number, lines)
        for folder in ("mbtrain", "migrations")
        for path in sorted((ROOT / folder).rglob("*.py"))
        for lines in [path.read_text(encoding="utf-8").splitlines()]
        for number, line in enumerate(lines)
        if WRITES_TO_LOG.search(line) and not line.strip().startswith("#")
    ]
    offenders = [
        f"{path}:{n + 1}: {lines[n].strip()}" for path, n, lines in found if path != RETENTION_PURGE
    ]
    assert not offenders, "code that changes the access log:\n" + "\n".join(offenders)
    for _path, n, lines in (item for item in found if item[0] == RETENTION_PURGE):
        assert "delete(AccessLog)" in lines[n] and "update(" not in lines[n], lines[n]
        assert "with retention_purge(" in lines[n - 1], "the purge deletes outside its guard"
    assert WRITES_TO_LOG.search("db.session.execute(delete(AccessLog))")  # the check works
    assert WRITES_TO_LOG.search('conn.exec_driver_sql("DELETE FROM access_log")')


def test_no_route_reaches_the_retention_purge():
    """Only the command line may purge: no view module imports it."""
    importers = [
        str(path.relative_to(ROOT))
        for path in sorted((ROOT / "mbtrain").rglob("*views*.py"))
        if "purge" in path.read_text(encoding="utf-8")
    ]
    assert not importers


@pytest.mark.parametrize("app_config", [{"MAX_CONTENT_LENGTH": 4096}])
def test_oversized_requests_get_413_in_norwegian_with_the_headers(fresh_world, login):
    a = fresh_world.tenants["a"]
    browser = login(a.instructor)
    sheet = f"/kurs/{a.cohort.id}/okter/{a.session.id}/oppmote"
    token = browser.csrf_token("/")
    upload = browser.post(
        f"{sheet}/import",
        data={"csrf_token": token, "file": (io.BytesIO(b"x;" * 5000), "oppmote.csv")},
        content_type="multipart/form-data",
    )
    form_post = browser.post(
        f"/deltakere/{a.enrolment.id}/prosjektoppgave",
        data={"csrf_token": token, "title": "x" * 5000},
    )
    before = database_snapshot(reads=True)
    for response in (upload, form_post):
        assert response.status_code == 413
        assert "<h1>For stor forespørsel</h1>" in response.get_data(as_text=True)
        headers = response.headers
        assert "frame-ancestors 'none'" in headers["Content-Security-Policy"]
        assert headers["X-Content-Type-Options"] == "nosniff"
        assert "no-store" in headers["Cache-Control"]
    assert database_snapshot(reads=True) == before


def test_the_meldekort_export_neutralises_formulas(fresh_world, login):
    a = fresh_world.tenants["a"]
    a.enrolment.person.name = '=HYPERLINK("http://evil.example","Klikk")'
    db.session.commit()
    browser = login(a.coordinator)

    response = browser.get(f"/kurs/{a.cohort.id}/meldekort.csv")

    assert response.status_code == 200
    assert "no-store" in response.headers["Cache-Control"]
    cells = [
        cell
        for row in csv.reader(
            io.StringIO(response.get_data(as_text=True).lstrip("\ufeff")), delimiter=";"
        )
        for cell in row
    ]
    assert '\'=HYPERLINK("http://evil.example","Klikk")' in cells
    assert not [cell for cell in cells if cell[:1] in {"=", "+", "-", "@", "\t", "\r"}]


def test_a_nul_character_is_refused_not_a_500_on_postgresql(fresh_world, login):
    a = fresh_world.tenants["a"]
    browser = login(a.coordinator)
    path = f"/praksis/{a.placement.id}/endre"
    data = {**page_form(browser, path), "supervisor_name": "Kari\x00Veileder"}
    admin = login(fresh_world.admin)
    before = database_snapshot(reads=True)

    posted = browser.post(path, data=data)
    searched = admin.get("/admin/tilgangslogg?date_from=2026-01-01%00")

    for response in (posted, searched):
        assert response.status_code == 400
        assert "<h1>Ugyldig forespørsel</h1>" in response.get_data(as_text=True)
    assert database_snapshot(reads=True) == before
