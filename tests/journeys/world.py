"""The journeys' world: who is in it, what the database starts with, and the mailbox that
catches the app's e-mail. The fixtures that set it going are in conftest.py.

SQLite is enough here: the journeys test what people see in a browser; the database
behaviour under both engines is covered by the tests of each area.
"""

import re
import time
from dataclasses import dataclass, field
from datetime import date, timedelta
from datetime import time as clock
from email import message_from_bytes, policy
from email.message import EmailMessage
from pathlib import Path

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
]
PASSWORD = "et langt reisepassord"
ADMIN = "admin@example.org"
COORDINATOR = "koordinator@example.org"
SUPERVISOR = ("Synne Veileder", "synne.veileder@example.org")
TRAINEE = ("Tora Deltaker", "tora.deltaker@example.net")
PARTNER_ORGANISATION = "Bjørgvin DPS"
PROVIDER = "Fjordlys Kurs AS"
# A cohort that ended last spring, with a trainee who met every requirement: the one the
# certificate steps issue to (the journeys' own trainee has only just begun).
FINISHED_COHORT = "MB-kurs Bergen vår"
FINISHED_TRAINEE = ("Frida Ferdig", "frida.ferdig@example.net")
MAIL_WAIT_SECONDS = 10


# The database ------------------------------------------------------------------------


def seed(database_url: str, data_dir: Path) -> None:
    """Migrate, then the least the journeys start from: an admin, a county coordinator,
    a course provider, a partner organisation with its supervisor, the national curriculum."""
    from flask_migrate import upgrade
    from sqlalchemy import select

    from mbtrain import create_app
    from mbtrain.accounts import services as accounts
    from mbtrain.accounts.models import Role
    from mbtrain.curriculum import services as curricula
    from mbtrain.curriculum.loader import shipped_curricula
    from mbtrain.extensions import db
    from mbtrain.organisations.models import ContactPerson, County, Organisation
    from mbtrain.organisations.models import OrganisationType as Type

    app = create_app(
        {
            "SQLALCHEMY_DATABASE_URI": database_url,
            "DATA_DIR": data_dir,
            "SECRET_KEY": "journey-seed-key-" + "j" * 32,
            "SMTP_URL": "",
        }
    )
    with app.app_context():
        upgrade()
        vestland = db.session.scalar(select(County).where(County.code == "46"))
        accounts.create_user(email=ADMIN, name="Ada Admin", role=Role.ADMIN, password=PASSWORD)
        accounts.create_user(
            email=COORDINATOR,
            name="Kari Koordinator",
            role=Role.COORDINATOR,
            counties=[vestland],
            password=PASSWORD,
        )
        provider = Organisation(
            name=PROVIDER, orgnr="911111111", type=Type.TILTAKSARRANGOR, county=vestland
        )
        partner = Organisation(
            name=PARTNER_ORGANISATION, orgnr="922222222", type=Type.KOMMUNE, county=vestland
        )
        partner.contacts.append(
            ContactPerson(name=SUPERVISOR[0], email=SUPERVISOR[1], role_title="Veileder")
        )
        db.session.add_all([provider, partner])
        version = curricula.import_curriculum(shipped_curricula()[0]).version
        db.session.flush()
        seed_finished_cohort(db, version, vestland, provider, partner)
        db.session.commit()
        db.engine.dispose()


def seed_finished_cohort(db, version, county, provider, partner) -> None:
    """A finished cohort whose one trainee passed every module and both placements."""
    from mbtrain.accounts import services as accounts
    from mbtrain.accounts.models import Role
    from mbtrain.assessments.models import AssessmentResult, ModuleAssessment, ProjectAssignment
    from mbtrain.attendance.models import AttendanceRecord
    from mbtrain.cohorts.models import Cohort, CohortStatus
    from mbtrain.curriculum.loader import AttendanceStatus, ModuleKind, shipped_curricula
    from mbtrain.enrolments.models import Enrolment, EnrolmentStatus
    from mbtrain.i18n import today
    from mbtrain.people.models import Person
    from mbtrain.placements.models import (
        FinalEvaluation,
        HoursEntry,
        Placement,
        PlacementStatus,
        SignedAction,
    )
    from mbtrain.schedule.models import CourseSession

    curriculum = shipped_curricula()[0]
    start = monday(today()) - timedelta(weeks=52)
    cohort = Cohort(
        name=FINISHED_COHORT,
        county=county,
        curriculum_version=version,
        provider=provider,
        start_date=start,
        end_date=start + timedelta(weeks=46),
        places=10,
        status=CohortStatus.AVSLUTTET,
    )
    user = accounts.create_user(
        email=FINISHED_TRAINEE[1], name=FINISHED_TRAINEE[0], role=Role.TRAINEE, password=PASSWORD
    )
    person = Person(
        name=FINISHED_TRAINEE[0], date_of_birth=date(1988, 5, 17), email=FINISHED_TRAINEE[1]
    )
    person.user_id = user.id
    db.session.add_all([cohort, person])
    db.session.flush()
    enrolment = Enrolment(
        person_id=person.id,
        cohort_id=cohort.id,
        applied_on=start - timedelta(weeks=8),
        status=EnrolmentStatus.FULLFORT,
        start_date=start,
    )
    db.session.add(enrolment)
    db.session.flush()
    for week in range(4):
        session = CourseSession(
            cohort_id=cohort.id,
            module_code="T1-01",
            date=start + timedelta(weeks=week),
            starts_at=clock(9),
            hours=5.0,
        )
        db.session.add(session)
        db.session.flush()
        db.session.add(
            AttendanceRecord(
                session_id=session.id,
                enrolment_id=enrolment.id,
                status=AttendanceStatus.TIL_STEDE,
                hours_present=5.0,
            )
        )
    practice = [m.code for m in curriculum.modules if m.kind is ModuleKind.PRACTICE]
    for index, code in enumerate(practice):
        first = start + timedelta(weeks=10 + 20 * index)
        placement = Placement(
            enrolment_id=enrolment.id,
            organisation_id=partner.id,
            module_code=code,
            supervisor_name=SUPERVISOR[0],
            supervisor_email=SUPERVISOR[1],
            start_date=first,
            end_date=first + timedelta(days=11),
            weekly_hours=19.0,
            status=PlacementStatus.COMPLETED,
        )
        db.session.add(placement)
        db.session.flush()
        for week in range(2):
            db.session.add(
                HoursEntry(
                    placement_id=placement.id,
                    week_start=first + timedelta(weeks=week),
                    hours=19.0,
                    confirmed_signature_id=signature(db, placement, SignedAction.CONFIRM_HOURS),
                )
            )
        db.session.add(
            FinalEvaluation(
                placement_id=placement.id,
                passed=True,
                text="Bestått.",
                signature_id=signature(db, placement, SignedAction.FINAL_EVALUATION),
            )
        )
    for module in curriculum.modules:
        db.session.add(
            ModuleAssessment(
                enrolment_id=enrolment.id,
                module_code=module.code,
                result=AssessmentResult.GODKJENT,
                assessed_on=start + timedelta(weeks=44),
                comment="",
            )
        )
    db.session.add(
        ProjectAssignment(
            enrolment_id=enrolment.id, title="Likepersonsarbeid i rusfeltet", approved=True
        )
    )
    db.session.flush()


def signature(db, placement, action) -> int:
    """The supervisor's signature, as the placement portal records one; returns its id."""
    from mbtrain.placements.models import Signature, SignedVia

    row = Signature(
        placement_id=placement.id,
        action=action,
        via=SignedVia.PORTAL,
        typed_name=SUPERVISOR[0],
        signer_email=SUPERVISOR[1],
        content={"placement": placement.id},
        content_sha256="0" * 64,
    )
    db.session.add(row)
    db.session.flush()
    return row.id


def monday(day: date) -> date:
    return day - timedelta(days=day.weekday())


# Mail --------------------------------------------------------------------------------


@dataclass
class Mailbox:
    """What the local SMTP server received (an aiosmtpd handler)."""

    port: int
    messages: list[EmailMessage] = field(default_factory=list)

    async def handle_DATA(self, server, session, envelope):
        self.messages.append(message_from_bytes(envelope.content, policy=policy.default))
        return "250 OK"

    def latest(self, to: str, subject: str = "") -> EmailMessage:
        """The newest message to ``to`` whose subject contains ``subject``, waiting a little:
        the app sends after its commit, so the mail may trail the page by a moment."""
        deadline = time.monotonic() + MAIL_WAIT_SECONDS
        while True:
            for message in reversed(self.messages):
                if message["To"] == to and subject in message["Subject"]:
                    return message
            if time.monotonic() > deadline:
                received = [(m["To"], m["Subject"]) for m in self.messages]
                raise AssertionError(f"no mail to {to} about {subject!r}; received {received}")
            time.sleep(0.1)

    def link(self, to: str, subject: str = "") -> str:
        """The first link in that message (the single-use link the person would click)."""
        body = self.latest(to, subject).get_content()
        match = re.search(r"https?://\S+", body)
        assert match, f"no link in the mail to {to}:\n{body}"
        return match.group(0)
