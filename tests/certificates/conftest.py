"""A finished cohort with a trainee who completed, one who lacks the project and one who
ended early; a signing key pair made once per run; issuing and reading PDFs back."""

import io
import json
import re
from dataclasses import dataclass
from datetime import date, timedelta

import pytest
from pypdf import PdfReader
from werkzeug.datastructures import MultiDict

from mbtrain.accounts.models import Role, User
from mbtrain.assessments.models import AssessmentResult
from mbtrain.builders.records import Records
from mbtrain.certificates import signing
from mbtrain.certificates.models import Certificate
from mbtrain.cohorts.models import Cohort, CohortStatus
from mbtrain.curriculum.definition import ModuleKind
from mbtrain.curriculum.loader import shipped_curricula
from mbtrain.enrolments.models import Enrolment, EnrolmentStatus
from mbtrain.extensions import db

START = date(2027, 1, 4)
END = date(2027, 12, 17)
TODAY = date(2027, 12, 20)
MODULES = shipped_curricula()[0].modules
PRACTICE = [m.code for m in MODULES if m.kind is ModuleKind.PRACTICE]


@pytest.fixture(scope="session")
def signing_pair(tmp_path_factory):
    folder = tmp_path_factory.mktemp("signing")
    key, cert = folder / "key.pem", folder / "cert.pem"
    signing.create_self_signed(key, cert, "Testarrangør AS")
    return key, cert


@pytest.fixture
def app_config(signing_pair):
    key, cert = signing_pair
    # The demo's address: long enough that the verification link wraps on the certificate, so
    # the test that its code is never split can fail.
    return {
        "SIGNING_KEY": str(key),
        "SIGNING_CERT": str(cert),
        "PUBLIC_URL": "http://127.0.0.1:5000",
    }


@pytest.fixture(autouse=True)
def on_today(monkeypatch):
    monkeypatch.setattr("mbtrain.certificates.views.today", lambda: TODAY)
    monkeypatch.setattr("mbtrain.certificates.batches.today", lambda: TODAY)
    return TODAY


@dataclass
class Course:
    cohort: Cohort
    coordinator: User
    complete: Enrolment  # FULLFORT, every requirement met
    lacking: Enrolment  # DELTAR, project not approved
    stopped: Enrolment  # AVBRUTT after two approved modules
    trainee_user: User  # the login of `complete`

    def preflight(self) -> str:
        return f"/kurs/{self.cohort.id}/kursbevis"


@pytest.fixture
def build(factory, make_cohort) -> Records:
    return Records(factory)


@pytest.fixture
def course(build, make_user) -> Course:
    cohort = build.cohort(name="MB-kurs Bergen 2027", start_date=START, end_date=END)
    (session,) = build.sessions(cohort, "T1-01", START + timedelta(days=7), 1)
    complete = build.trainee(cohort, "Åse Ødegård-Æsøy", date_of_birth=date(1984, 2, 29))
    lacking = build.trainee(cohort, "Per Prosjektløs")
    stopped = build.trainee(cohort, "Kari Avbrøt")
    build.finish(complete, session, START)
    build.project(complete, "Likepersonsarbeid i rusfeltet", approved=True)
    build.finish(lacking, session, START)
    build.project(lacking, "Uferdig", approved=False)
    build.attend(stopped, session)
    build.assess(stopped, "OPP-01")
    build.assess(stopped, "T1-01")
    build.assess(stopped, "T1-02", result=AssessmentResult.IKKE_GODKJENT)
    cohort.status = CohortStatus.AVSLUTTET
    complete.status = EnrolmentStatus.FULLFORT
    stopped.status = EnrolmentStatus.AVBRUTT
    stopped.end_date = START + timedelta(days=60)
    user = make_user(Role.TRAINEE, email="ase@example.org")
    complete.person.user_id = user.id
    db.session.commit()
    coordinator = make_user(Role.COORDINATOR, name="Kari Koordinator")
    return Course(cohort, coordinator, complete, lacking, stopped, user)


INPUT = re.compile(r"<input\b[^>]*>")


def bekreft_form(page: str) -> str:
    """The form of the page's «Bekreft» button (not, say, the menu's logout form)."""
    form = page[: page.index(">Bekreft</button>")]
    return form[form.rindex('<form method="post"') :]


def confirm_form(page: str) -> MultiDict:
    """The hidden fields of a confirmation page's «Bekreft» form, as a browser sends them."""
    form = bekreft_form(page)
    data = MultiDict()
    for tag in INPUT.findall(form):
        if 'type="hidden"' in tag:
            name, value = re.search(r'name="([^"]*)"', tag)[1], re.search(r'value="([^"]*)"', tag)
            data.add(name, value[1] if value else "")
    return data


def confirmed(client, url: str):
    """Open a confirmation page and press «Bekreft»: its form, posted where it points."""
    page = client.get(url)
    assert page.status_code == 200, page.get_data(as_text=True)
    text = page.get_data(as_text=True)
    assert ">Bekreft</button>" in text, text
    action = re.search(r'<form method="post" action="([^"]+)"', bekreft_form(text))[1]
    return client.post(action, data=confirm_form(text))


@pytest.fixture
def issued(course, login) -> tuple[Course, "object"]:
    """The course after its coordinator issued everyone who may have a certificate: the
    kursbevis through «issue to all» and its confirmation, the kompetansebevis of the one who
    left on its own confirmation page. The coordinator's client."""
    client = login(course.coordinator)
    response = confirmed(client, f"{course.preflight()}/utsted")
    assert response.status_code == 302, response.get_data(as_text=True)
    response = confirmed(client, f"{course.preflight()}/{course.stopped.id}/utsted?language=nb")
    assert response.status_code == 302, response.get_data(as_text=True)
    return course, client


def certificate_of(enrolment: Enrolment, language: str = "nb") -> Certificate:
    return db.session.scalars(
        db.select(Certificate)
        .where(Certificate.enrolment_id == enrolment.id, Certificate.language == language)
        .order_by(Certificate.id.desc())
    ).first()


def pdf_text(data: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


def pdf_attachment(data: bytes) -> tuple[str, bytes]:
    attachments = PdfReader(io.BytesIO(data)).attachments
    assert len(attachments) == 1, attachments.keys()
    ((name, contents),) = attachments.items()
    return name, contents[0]


def snapshot_of(certificate: Certificate) -> dict:
    return json.loads(certificate.snapshot_json)
