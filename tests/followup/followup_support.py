"""What the signing, link and follow-up tests share: a placement at a partner organisation,
moved to the status a test needs, and ways to read the mail it causes.

Its fixture, ``placement_scene``, reaches every test through ``pytest_plugins`` in
tests/conftest.py.
"""

import html
import re
from dataclasses import dataclass
from datetime import date, timedelta

import pytest
from sqlalchemy import select

from mbtrain.accounts.models import Role, User
from mbtrain.audit.models import AccessLog
from mbtrain.builders import PLACEMENT_WALK
from mbtrain.enrolments.models import Enrolment, EnrolmentStatus
from mbtrain.extensions import db
from mbtrain.followup.rules import monday_of
from mbtrain.i18n import today
from mbtrain.mail.models import OutboxMessage
from mbtrain.organisations.models import Organisation
from mbtrain.placements import services
from mbtrain.placements.models import Placement, PlacementStatus

S = PlacementStatus
INPUT_RE = re.compile(r"<input\b[^>]*>")
ATTRIBUTE_RE = re.compile(r'([a-z_-]+)="([^"]*)"')
LINK_RE = re.compile(r"https?://[^/\s]+(/praksislenke/[A-Za-z0-9_\-]+)")
SUPERVISOR = "kari.veileder@example.org"


@dataclass
class Scene:
    """One trainee with a placement at an organisation, and the people around it."""

    placement: Placement
    enrolment: Enrolment
    organisation: Organisation
    coordinator: User
    trainee: User
    partner: User

    def reload(self) -> Placement:
        return db.session.get(Placement, self.placement.id)


def this_week() -> date:
    return monday_of(today())


@pytest.fixture(name="placement_scene")
def placement_scene_fixture(make_cohort, make_enrolment, make_organisation, make_user, county):
    """``placement_scene(status=…, protected=…)``: a placement three weeks under way (its
    dates are relative to today, so hours for past weeks can be logged)."""
    counter = iter(range(1, 1000))
    cohort_cache = {}

    def make(
        status: PlacementStatus = S.PROPOSED,
        *,
        protected: bool = False,
        organisation: Organisation | None = None,
        supervisor_email: str = SUPERVISOR,
        start: date | None = None,
        end: date | None = None,
    ) -> Scene:
        number = next(counter)
        if "cohort" not in cohort_cache:
            cohort_cache["cohort"] = make_cohort(
                start_date=this_week() - timedelta(weeks=8),
                end_date=this_week() + timedelta(weeks=40),
            )
            cohort_cache["coordinator"] = make_user(Role.COORDINATOR, counties=[county])
        cohort = cohort_cache["cohort"]
        organisation = organisation or make_organisation(f"Fjordtun DPS {number}")
        partner = make_user(Role.PARTNER, organisation=organisation)
        trainee = make_user(Role.TRAINEE, email=f"deltaker{number}@example.net")
        enrolment = make_enrolment(cohort, EnrolmentStatus.DELTAR, name=f"Ingrid Testesen {number}")
        enrolment.person.user = trainee
        enrolment.person.protected = protected
        enrolment.person.phone = "400 00 00" + str(number % 10)
        start = start or this_week() - timedelta(weeks=3)
        placement = Placement(
            enrolment=enrolment,
            organisation=organisation,
            module_code="P1-01",
            supervisor_name="Kari Veileder",
            supervisor_email=supervisor_email,
            start_date=start,
            end_date=end or start + timedelta(weeks=9, days=4),
            weekly_hours=19,
            status=S.PROPOSED,
        )
        db.session.add(placement)
        placement.confidentiality_signed_on = start - timedelta(days=7)
        for step in PLACEMENT_WALK[status]:
            services.set_status(placement, step, by_email="oppsett@example.org")
        db.session.commit()
        return Scene(
            placement, enrolment, organisation, cohort_cache["coordinator"], trainee, partner
        )

    return make


def mail_to(email: str) -> list[OutboxMessage]:
    return db.session.scalars(
        select(OutboxMessage).where(OutboxMessage.recipient == email).order_by(OutboxMessage.id)
    ).all()


def link_path(message_body: str) -> str:
    match = LINK_RE.search(message_body)
    assert match, message_body
    return match.group(1)


def log_rows_since(first_id: int) -> list[AccessLog]:
    return db.session.scalars(
        select(AccessLog).where(AccessLog.id > first_id).order_by(AccessLog.id)
    ).all()


def last_log_id() -> int:
    return db.session.scalar(select(AccessLog.id).order_by(AccessLog.id.desc()).limit(1)) or 0


def sign_form(client, url: str, data: dict, **kwargs):
    """Post a signing form as a browser would: with the hidden fields the page carried (the
    CSRF token and the hash of what it showed)."""
    page = client.get(url).get_data(as_text=True)
    fields = {}
    for tag in INPUT_RE.findall(page):
        attributes = dict(ATTRIBUTE_RE.findall(tag))
        if attributes.get("type") == "hidden" and "name" in attributes:
            fields[attributes["name"]] = html.unescape(attributes.get("value", ""))
    return client.post(url, data={**fields, **data}, **kwargs)
