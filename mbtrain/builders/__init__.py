"""Synthetic data for the tests, the benchmarks, the browser journeys and the demo.

- `Factory` makes people, organisations, cohorts, applications and placements through the
  services, so every rule those apply holds for what it makes. It numbers what it makes so
  that names, addresses and organisation numbers never collide within one database.
- `records.Records` adds the rows of a course under way (sessions, attendance, hours, signed
  evaluations, assessments, the project) directly, as the services would leave them, for
  data that would take hundreds of requests to enter; `finish` gives a trainee everything
  the completion rule asks for.

Every call commits. The tests get a `Factory` per test (tests/conftest.py); a module that
keeps one database for all its tests (a server started once) makes its own.
"""

from datetime import date, timedelta
from itertools import count

import sqlalchemy as sa
from stdnum.no import orgnr

from mbtrain.accounts import services as accounts
from mbtrain.accounts.models import Role, User
from mbtrain.cohorts.models import Cohort, CohortStatus
from mbtrain.curriculum.loader import shipped_curricula
from mbtrain.curriculum.models import CurriculumVersion
from mbtrain.enrolments import services as enrolments
from mbtrain.enrolments.models import Enrolment, EnrolmentStatus
from mbtrain.extensions import db
from mbtrain.organisations.models import County, Organisation, OrganisationType
from mbtrain.placements import services as placements
from mbtrain.placements.models import Placement, PlacementStatus

PASSWORD = "et langt testpassord"  # noqa: S105 - the synthetic accounts' password
# The statuses an application passes through to reach each status, as a coordinator walks it.
WALK = {
    EnrolmentStatus.SOKT_INN: [],
    EnrolmentStatus.VURDERES: [EnrolmentStatus.VURDERES],
    EnrolmentStatus.VENTELISTE: [EnrolmentStatus.VURDERES, EnrolmentStatus.VENTELISTE],
    EnrolmentStatus.VENTER_PA_OPPSTART: [
        EnrolmentStatus.VURDERES,
        EnrolmentStatus.VENTER_PA_OPPSTART,
    ],
    EnrolmentStatus.DELTAR: [EnrolmentStatus.VURDERES, EnrolmentStatus.DELTAR],
}


P = PlacementStatus
# The walk from PROPOSED to each status, as the coordinator and supervisor would make it.
PLACEMENT_WALK = {
    P.PROPOSED: (),
    P.CONFIRMED: (P.CONFIRMED,),
    P.ACTIVE: (P.CONFIRMED, P.ACTIVE),
    P.COMPLETED: (P.CONFIRMED, P.ACTIVE, P.COMPLETED),
    P.DECLINED: (P.DECLINED,),
    P.CANCELLED: (P.CANCELLED,),
}


def valid_orgnr(seed: int) -> str:
    """A synthetic organisation number (starting with 9) with a correct mod-11 check digit."""
    candidate = 910_000_000 + seed * 10
    while not orgnr.is_valid(str(candidate)):
        candidate += 1
    return str(candidate)


def county(code: str) -> County:
    return db.session.scalar(sa.select(County).where(County.code == code))


def shipped_curriculum() -> CurriculumVersion:
    """The shipped national curriculum, imported as the app would (once per database)."""
    from mbtrain.curriculum import services as curricula

    version = curricula.import_curriculum(shipped_curricula()[0]).version
    db.session.commit()
    return version


class Factory:
    """Makes and commits one thing per call; ``county`` is where coordinators work."""

    def __init__(self, home: County) -> None:
        self.county = home
        self._organisations = count(1)
        self._users = count(1)
        self._people = count(1)
        self._provider: Organisation | None = None
        self._curriculum: CurriculumVersion | None = None

    def organisation(
        self, name: str | None = None, county: County | None = None, **kwargs
    ) -> Organisation:
        number = next(self._organisations)
        organisation = Organisation(
            name=name or f"Testkommune {number}",
            orgnr=kwargs.pop("orgnr", None) or valid_orgnr(number),
            type=kwargs.pop("type", OrganisationType.KOMMUNE),
            county=county,
            **kwargs,
        )
        db.session.add(organisation)
        db.session.commit()
        return organisation

    def user(self, role: Role = Role.COORDINATOR, *, password: str | None = PASSWORD, **kwargs):
        number = next(self._users)
        counties = kwargs.pop("counties", [self.county] if role is Role.COORDINATOR else [])
        organisation = kwargs.pop("organisation", None)
        if role is Role.PARTNER and organisation is None:
            organisation = self.organisation()
        user: User = accounts.create_user(
            email=kwargs.pop("email", f"{role.value.lower()}{number}@example.org"),
            name=kwargs.pop("name", f"Test {role.label} {number}"),
            role=role,
            counties=counties,
            organisation=organisation,
            password=password,
        )
        db.session.commit()
        return user

    @property
    def curriculum(self) -> CurriculumVersion:
        if self._curriculum is None:
            self._curriculum = shipped_curriculum()
        return self._curriculum

    def provider(self) -> Organisation:
        """The course provider (tiltaksarrangør) of every cohort this factory makes."""
        if self._provider is None:
            self._provider = self.organisation(
                "Testarrangør AS", type=OrganisationType.TILTAKSARRANGOR
            )
        return self._provider

    def cohort(self, **kwargs) -> Cohort:
        cohort = Cohort(
            name=kwargs.pop("name", "MB-kurs Bergen 2027"),
            county=kwargs.pop("county", self.county),
            curriculum_version=self.curriculum,
            provider=self.provider(),
            start_date=kwargs.pop("start_date", date(2027, 1, 4)),
            end_date=kwargs.pop("end_date", date(2027, 12, 17)),
            places=kwargs.pop("places", 20),
            status=kwargs.pop("status", CohortStatus.PLANLAGT),
            **kwargs,
        )
        db.session.add(cohort)
        db.session.commit()
        return cohort

    def enrolment(
        self, cohort: Cohort, status: EnrolmentStatus = EnrolmentStatus.SOKT_INN, **kwargs
    ) -> Enrolment:
        """An application registered through the service, moved on to ``status``."""
        number = next(self._people)
        enrolment = enrolments.register_application(
            cohort,
            name=kwargs.pop("name", f"Testperson {number}"),
            date_of_birth=kwargs.pop("date_of_birth", date(1985, 3, 14)),
            email=kwargs.pop("email", f"person{number}@example.org"),
            phone="",
            applied_on=kwargs.pop("applied_on", date(2026, 9, 1 + number % 28)),
            nav_contact="",
            by=None,
            today=date(2026, 11, 23),
        )
        if WALK[status]:
            enrolment.meets_requirements = True
        for step in WALK[status]:
            enrolments.change_status(enrolment, step, by=None)
        db.session.commit()
        return enrolment

    def placement(
        self,
        enrolment: Enrolment,
        fields: placements.PlacementFields,
        status: PlacementStatus = PlacementStatus.PROPOSED,
        *,
        by_email: str = "oppsett@example.org",
        reason: str = "",
    ) -> Placement:
        """A placement proposed by the coordinator and walked, gate by gate, to ``status``
        (the confidentiality declaration signed three days before it starts)."""
        placement = placements.create_placement(enrolment, fields, by=None)
        placement.confidentiality_signed_on = placement.start_date - timedelta(days=3)
        for step in PLACEMENT_WALK[status]:
            placements.set_status(placement, step, by_email=by_email, reason=reason)
        db.session.commit()
        return placement
