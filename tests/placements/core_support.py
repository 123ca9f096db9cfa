"""What the placement, offer and matching tests share: a running cohort (dates relative to
today), organisations, and placements made through the services.

Its fixture, ``world``, reaches every test through ``pytest_plugins`` in tests/conftest.py.
"""

from dataclasses import dataclass, field
from datetime import date, timedelta

import pytest
from sqlalchemy import select

from mbtrain.accounts.models import Role, User
from mbtrain.audit.models import AccessLog
from mbtrain.builders import Factory
from mbtrain.cohorts.models import Cohort, CohortStatus
from mbtrain.enrolments.models import Enrolment, EnrolmentStatus
from mbtrain.extensions import db
from mbtrain.i18n import today
from mbtrain.offers import services as offers
from mbtrain.organisations.models import Organisation, OrganisationType
from mbtrain.placements import services
from mbtrain.placements.models import Placement, PlacementOffer, PlacementStatus
from mbtrain.schedule.models import PracticePeriod

S = PlacementStatus


@dataclass
class World:
    cohort: Cohort
    coordinator: User
    organisation: Organisation  # Bjørgvin-like unit, child of `parent`
    parent: Organisation
    other: Organisation
    partner: User
    factory: Factory
    placements: list[Placement] = field(default_factory=list)

    def trainee(self, status=EnrolmentStatus.DELTAR, **kwargs) -> Enrolment:
        protected = kwargs.pop("protected", False)
        enrolment = self.factory.enrolment(self.cohort, status, **kwargs)
        enrolment.person.protected = protected
        enrolment.person.phone = "41234567"
        db.session.commit()
        return enrolment

    def trainee_user(self, enrolment: Enrolment) -> User:
        user = self.factory.user(
            Role.TRAINEE, email=enrolment.person.email, name=enrolment.person.name
        )
        enrolment.person.user = user
        db.session.commit()
        return user

    def period(self, module_code: str = "P1-01", start_days: int = -30, weeks: int = 10):
        period = PracticePeriod(
            cohort=self.cohort,
            module_code=module_code,
            start_date=today() + timedelta(days=start_days),
            end_date=today() + timedelta(days=start_days + weeks * 7 - 3),
        )
        db.session.add(period)
        db.session.commit()
        return period

    def fields(self, **overrides) -> services.PlacementFields:
        values = {
            "organisation": self.organisation,
            "module_code": "P1-01",
            "supervisor_name": "Kari Veileder",
            "supervisor_email": "kari.veileder@example.org",
            "start_date": today() - timedelta(days=14),
            "end_date": today() + timedelta(days=50),
            "weekly_hours": 19,
        }
        values.update(overrides)
        return services.PlacementFields(**values)

    def place(
        self, enrolment: Enrolment, status: PlacementStatus = S.PROPOSED, **overrides
    ) -> Placement:
        """A placement made by the coordinator and walked to `status` (gates recorded)."""
        return self.factory.placement(enrolment, self.fields(**overrides), status, reason="test")

    def offer(self, organisation: Organisation | None = None, places: int = 2, **kw):
        offer = offers.save_offer(
            None,
            self.cohort,
            offers.OfferFields(
                organisation=organisation or self.organisation,
                module_code=kw.pop("module_code", "P1-01"),
                start_date=kw.pop("start_date", today() - timedelta(days=14)),
                end_date=kw.pop("end_date", today() + timedelta(days=50)),
                places=places,
                field_of_work=kw.pop("field_of_work", "Psykisk helse, dagtilbud"),
                **kw,
            ),
            by=None,
        )
        db.session.commit()
        return offer


def build_world(factory: Factory) -> World:
    """A running cohort in the factory's county, three organisations, a coordinator and a
    partner."""
    county = factory.county
    cohort = factory.cohort(
        name="MB-kurs Vestland",
        start_date=today() - timedelta(days=120),
        end_date=today() + timedelta(days=200),
        status=CohortStatus.GJENNOMFORES,
    )
    parent = factory.organisation(
        "Helse Fjord HF", county=county, type=OrganisationType.HELSEFORETAK
    )
    organisation = factory.organisation(
        "Fjordtun DPS", county=county, type=OrganisationType.HELSEFORETAK, parent=parent
    )
    other = factory.organisation("Sjøgata bofellesskap", county=county)
    return World(
        cohort=cohort,
        coordinator=factory.user(Role.COORDINATOR, counties=[county], name="Kari Koordinator"),
        organisation=organisation,
        parent=parent,
        other=other,
        partner=factory.user(Role.PARTNER, organisation=organisation, name="Per Praksis"),
        factory=factory,
    )


@pytest.fixture(name="world")
def world_fixture(factory, make_cohort) -> World:
    return build_world(factory)


def log_rows_after(first_id: int) -> list[AccessLog]:
    return db.session.scalars(
        select(AccessLog).where(AccessLog.id > first_id).order_by(AccessLog.id)
    ).all()


def last_log_id() -> int:
    return db.session.scalar(select(AccessLog.id).order_by(AccessLog.id.desc()).limit(1)) or 0


def placements_of(enrolment: Enrolment) -> list[Placement]:
    return db.session.scalars(
        select(Placement).where(Placement.enrolment_id == enrolment.id).order_by(Placement.id)
    ).all()


def offers_of(cohort: Cohort) -> list[PlacementOffer]:
    return db.session.scalars(
        select(PlacementOffer)
        .where(PlacementOffer.cohort_id == cohort.id)
        .order_by(PlacementOffer.id)
    ).all()


def day(offset: int) -> date:
    return today() + timedelta(days=offset)
