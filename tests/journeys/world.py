"""The journeys' world: who is in it, what the database starts with, and the mailbox that
catches the app's e-mail. The fixtures that set it going are in conftest.py.

SQLite is enough here: the journeys test what people see in a browser; the database
behaviour under both engines is covered by the tests of each area.
"""

import re
import time
from dataclasses import dataclass, field
from datetime import date, timedelta
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
INSTRUCTOR = "kursholder@example.org"  # teaches the finished cohort
PARTNER = "partner@example.org"  # an account at the partner organisation
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
    """Migrate, then the least the journeys start from (made with mbtrain/builders.py): an
    admin, a county coordinator, a course provider, a partner organisation with its
    supervisor, the national curriculum, and the finished cohort below."""
    from flask_migrate import upgrade

    from mbtrain import create_app
    from mbtrain.accounts.models import Role
    from mbtrain.builders import Factory, county
    from mbtrain.builders.records import Records
    from mbtrain.extensions import db
    from mbtrain.organisations import services as organisations

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
        factory = Factory(county("46"))
        factory.user(Role.ADMIN, email=ADMIN, name="Ada Admin", password=PASSWORD)
        factory.user(
            Role.COORDINATOR, email=COORDINATOR, name="Kari Koordinator", password=PASSWORD
        )
        records = Records(factory)
        # The factory's provider and Records' organisation, under the journeys' names.
        provider, partner = factory.provider(), records.organisation
        provider.name, provider.county = PROVIDER, factory.county
        partner.name, partner.county = PARTNER_ORGANISATION, factory.county
        organisations.add_contact(
            partner, name=SUPERVISOR[0], email=SUPERVISOR[1], phone="", role_title="Veileder"
        )
        factory.user(
            Role.PARTNER, email=PARTNER, name="Pål Partner", organisation=partner, password=PASSWORD
        )
        db.session.commit()
        seed_finished_cohort(records)
        db.engine.dispose()


def seed_finished_cohort(records) -> None:
    """A finished cohort whose one trainee passed every module and both placements
    (Records.graduate), with a login of her own."""
    from mbtrain.accounts.models import Role
    from mbtrain.cohorts.models import CohortStatus
    from mbtrain.extensions import db
    from mbtrain.i18n import today

    start = monday(today()) - timedelta(weeks=52)
    cohort = records.cohort(
        name=FINISHED_COHORT,
        start_date=start,
        end_date=start + timedelta(weeks=46),
        places=10,
    )
    sessions = records.sessions(cohort, "T1-01", start, 4)
    name, email = FINISHED_TRAINEE
    enrolment = records.graduate(
        cohort,
        sessions,
        assessed_on=start + timedelta(weeks=44),
        supervisor=SUPERVISOR,
        name=name,
        date_of_birth=date(1988, 5, 17),
        email=email,
    )
    # Applied eight weeks before the start (the factory registers on a fixed day of its own).
    enrolment.applied_on = start - timedelta(weeks=8)
    enrolment.person.user = records.factory.user(
        Role.TRAINEE, email=email, name=name, password=PASSWORD
    )
    cohort.status = CohortStatus.AVSLUTTET  # as the nightly run leaves it after the last day
    cohort.instructors.append(
        records.factory.user(
            Role.INSTRUCTOR, email=INSTRUCTOR, name="Ivar Kursholder", password=PASSWORD
        )
    )
    db.session.commit()


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
