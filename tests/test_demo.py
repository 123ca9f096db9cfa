import os
import random

import pytest
from click.testing import CliRunner
from flask_migrate import upgrade
from sqlalchemy import func, inspect, select
from stdnum.no import orgnr

from mbtrain import demo, jobs
from mbtrain.accounts.models import Role, User
from mbtrain.cli import main
from mbtrain.cohorts.models import Cohort, CohortStatus
from mbtrain.enrolments.models import Enrolment, EnrolmentStatus
from mbtrain.extensions import db
from mbtrain.organisations.models import Organisation, OrganisationType
from mbtrain.people.models import Person

HOME_TEXT = {
    "admin": "Du er logget inn som administrator for hele landet.",
    "coordinator": "Du er fylkeskoordinator for Vestland.",
    "instructor": "Du er kursholder.",
    "partner": "Du er praksisveileder for Bjørgvin DPS.",
    "trainee": "Her følger du din egen opplæring",
}


def count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def users_by_role() -> dict[Role, int]:
    rows = db.session.execute(select(User.role, func.count()).group_by(User.role))
    return dict(rows.all())


@pytest.fixture
def logins(demo_data) -> list[demo.Login]:
    return demo_data


def test_demo_has_every_role_in_two_counties(logins):
    assert [login.role for login in logins] == list(HOME_TEXT)
    assert users_by_role() == {
        Role.ADMIN: 1,
        Role.COORDINATOR: 3,
        Role.INSTRUCTOR: 4,
        Role.PARTNER: 8,
        # Everyone who holds or held a place has an account; applicants do not yet.
        Role.TRAINEE: 31,
    }
    organisations = db.session.scalars(select(Organisation)).all()
    assert {o.county.name for o in organisations} == {"Vestland", "Oslo"}
    assert {o.type for o in organisations} == set(OrganisationType) - {OrganisationType.ANNET}
    dps = next(o for o in organisations if o.name == "Bjørgvin DPS")
    assert dps.parent.name == "Helse Bergen HF"
    partners = db.session.scalars(select(User).where(User.role == Role.PARTNER))
    assert all(partner.organisation is not None for partner in partners)


def test_demo_has_about_40_trainees_in_cohorts_of_every_phase(logins):
    assert count(Person) == 40
    statuses = {cohort.status for cohort in db.session.scalars(select(Cohort))}
    assert statuses == {
        CohortStatus.PLANLAGT,
        CohortStatus.GJENNOMFORES,
        CohortStatus.AVSLUTTET,
        CohortStatus.AVLYST,
    }
    enrolment_statuses = set(db.session.scalars(select(Enrolment.status)))
    assert enrolment_statuses == set(EnrolmentStatus) - {EnrolmentStatus.FEILREGISTRERT}
    trainee = db.session.scalar(select(Person).where(Person.email == "deltaker@example.org"))
    assert (
        db.session.scalar(select(Enrolment.status).where(Enrolment.person_id == trainee.id))
        is EnrolmentStatus.DELTAR
    )


def test_demo_data_is_built_once(logins):
    before = (users_by_role(), count(Organisation))
    assert demo.ensure_demo_data() == logins
    db.session.commit()
    assert (users_by_role(), count(Organisation)) == before


def test_every_organisation_number_is_valid(logins):
    numbers = db.session.scalars(select(Organisation.orgnr)).all()
    assert numbers
    assert all(orgnr.is_valid(number) for number in numbers), numbers


def test_every_address_is_on_a_reserved_domain(logins):
    for email in db.session.scalars(select(User.email)):
        domain = email.rpartition("@")[2]
        assert domain in demo.RESERVED_DOMAINS, email


def test_the_same_people_every_time(logins):
    names = db.session.scalars(select(User.name).order_by(User.id)).all()
    assert len(set(names)) > 0.9 * len(names)  # realistic names, a few shared like in life
    people = demo.People(demo.SEED)
    assert [people.name() for _ in range(3)] == names[:3]


@pytest.mark.parametrize("role", HOME_TEXT)
def test_each_printed_login_opens_the_roles_home_page(app, logins, role):
    login = next(login for login in logins if login.role == role)
    printed = demo.describe(logins, "http://127.0.0.1:5000/", app.config["DATA_DIR"])
    assert login.email in printed and demo.DEMO_PASSWORD in printed
    client = app.test_client()
    response = client.submit("/logg-inn", {"email": login.email, "password": demo.DEMO_PASSWORD})
    assert response.status_code == 302
    page = client.get("/").get_data(as_text=True)
    assert HOME_TEXT[role] in page
    assert login.name in page


def test_describe_lists_url_data_dir_and_how_to_stop(logins, tmp_path):
    text = demo.describe(logins, "http://127.0.0.1:5055/", tmp_path)
    assert "http://127.0.0.1:5055/" in text
    assert str(tmp_path) in text
    assert "Ctrl+C" in text
    rows = {login: line for line in text.splitlines() for login in logins if login.email in line}
    assert len(rows) == len(logins) == 5
    assert len({line.index(login.name) for login, line in rows.items()}) == 1  # aligned


@pytest.mark.commits  # drops every table and migrates again, outside any test transaction
def test_reset_empties_the_database(logins):
    demo.reset_database()
    assert inspect(db.engine).get_table_names() in ([], ["alembic_version"])
    upgrade()
    assert count(User) == 0
    assert demo.ensure_demo_data() == logins


def test_orgnr_check_digit_agrees_with_stdnum():
    rng = random.Random(1)
    for base in (f"9{rng.randrange(10_000_000):07d}" for _ in range(200)):
        digit = demo.orgnr_check_digit(base)
        valid = [d for d in "0123456789" if orgnr.is_valid(base + d)]
        assert valid == ([digit] if digit else []), base
    numbers = demo.synthetic_orgnrs(random.Random(1), 50)
    assert len(set(numbers)) == 50 and all(orgnr.is_valid(n) for n in numbers)


def test_ascii_slug_makes_norwegian_names_into_addresses():
    assert demo.ascii_slug("Åse Bjørnstad-Ærø") == "ase.bjornstad-aero"


def test_demo_command_twice_from_a_fresh_directory(tmp_path, monkeypatch):
    monkeypatch.setenv("MBTRAIN_DATA_DIR", str(tmp_path))
    monkeypatch.delenv("MBTRAIN_DATABASE_URL", raising=False)
    args = ["demo", "--data-dir", str(tmp_path / "demo"), "--no-serve"]
    public_url = os.environ.get("MBTRAIN_PUBLIC_URL")
    runner = CliRunner()
    first = runner.invoke(main, [*args, "--reset"])
    second = runner.invoke(main, args)
    assert first.exit_code == 0, first.output
    assert second.exit_code == 0, second.output
    assert "admin@example.org" in second.output
    assert (tmp_path / "demo" / "mbtrain.sqlite3").exists()
    # The command tells its worker the address itself; it leaves this process's own alone.
    assert os.environ.get("MBTRAIN_PUBLIC_URL") == public_url


def test_the_demos_worker_is_told_the_address_the_demo_serves(monkeypatch):
    """Certificates the worker issues link to the demo's own verification page."""
    started = {}

    class Process:
        def __init__(self, command, env=None):
            started.update(command=command, env=env)

        def terminate(self):
            started["stopped"] = True

        def wait(self, timeout):
            return 0

    monkeypatch.setattr(jobs.subprocess, "Popen", Process)
    with jobs.worker_process("http://127.0.0.1:5000"):
        pass
    assert started["command"][-1] == "worker"
    assert started["env"]["MBTRAIN_PUBLIC_URL"] == "http://127.0.0.1:5000"
    assert started["stopped"]
