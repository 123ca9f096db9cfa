"""Synthetic data for the tests, the benchmarks, the browser journeys and the demo.

- `Factory` makes people, organisations, cohorts, applications and placements through the
  services, so every rule those apply holds for what it makes. It numbers what it makes so
  that names, addresses and organisation numbers never collide within one database.
- `Records` adds the rows of a course under way (sessions, attendance, hours, signed
  evaluations, assessments, the project) directly, as the services would leave them, for
  data that would take hundreds of requests to enter; `finish` gives a trainee everything
  the completion rule asks for.

Every call commits. The tests get a `Factory` per test (tests/conftest.py); a module that
keeps one database for all its tests (a server started once) makes its own.
"""

import hashlib
from datetime import date, time, timedelta
from itertools import count

import sqlalchemy as sa
from stdnum.no import orgnr

from mbtrain.accounts import services as accounts
from mbtrain.accounts.models import Role, User
from mbtrain.assessments.models import AssessmentResult, ModuleAssessment, ProjectAssignment
from mbtrain.attendance.models import AttendanceRecord
from mbtrain.cohorts.models import Cohort, CohortStatus
from mbtrain.curriculum.loader import AttendanceStatus, ModuleKind, shipped_curricula
from mbtrain.curriculum.models import CurriculumVersion
from mbtrain.enrolments import services as enrolments
from mbtrain.enrolments.models import Enrolment, EnrolmentStatus
from mbtrain.extensions import db
from mbtrain.organisations.models import County, Organisation, OrganisationType
from mbtrain.placements import services as placements
from mbtrain.placements.models import (
    FinalEvaluation,
    HoursEntry,
    Placement,
    PlacementStatus,
    Signature,
    SignedAction,
    SignedVia,
)
from mbtrain.schedule.models import CourseSession

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


# Where Records' placements and assessments fall unless told: the tests' standard course start.
RECORDS_START = date(2027, 1, 4)


def practice_weeks(start: date) -> list[tuple[date, str]]:
    """Each practice module of the shipped curriculum with the first day of its two weeks: the
    n-th from week 10 + 20·n after ``start``."""
    modules = shipped_curricula()[0].modules
    practice = [m.code for m in modules if m.kind is ModuleKind.PRACTICE]
    return [(start + timedelta(weeks=10 + 20 * n), code) for n, code in enumerate(practice)]


class Records:
    """Adds rows the way the other areas' services would, without going through them; its
    placements are at one organisation, with one supervisor."""

    def __init__(self, factory: Factory) -> None:
        self.factory = factory
        self.organisation = factory.organisation("Bjørgvin DPS", type=OrganisationType.HELSEFORETAK)

    def cohort(self, **fields):
        fields.setdefault("status", CohortStatus.GJENNOMFORES)
        return self.factory.cohort(**fields)

    def trainee(self, cohort, name=None, status=EnrolmentStatus.DELTAR, **fields):
        if name is not None:
            fields["name"] = name
        enrolment = self.factory.enrolment(cohort, EnrolmentStatus.DELTAR, **fields)
        enrolment.start_date = cohort.start_date
        if status is not EnrolmentStatus.DELTAR:
            enrolment.status = status
        db.session.commit()
        return enrolment

    def sessions(self, cohort, module_code, first, count, hours=5.0, every=7, **fields):
        made = [
            CourseSession(
                cohort_id=cohort.id,
                module_code=module_code,
                date=first + timedelta(days=every * n),
                starts_at=time(9),
                hours=hours,
                **fields,
            )
            for n in range(count)
        ]
        db.session.add_all(made)
        db.session.commit()
        return made

    def attend(self, enrolment, session, status=AttendanceStatus.TIL_STEDE, hours=None):
        if hours is None:
            hours = session.hours if status is AttendanceStatus.TIL_STEDE else 0.0
        db.session.add(
            AttendanceRecord(
                session_id=session.id, enrolment_id=enrolment.id, status=status, hours_present=hours
            )
        )
        db.session.commit()

    def placement(
        self, enrolment, module_code="P1-01", start: date = RECORDS_START, weeks=10, **fields
    ):
        fields.setdefault("status", PlacementStatus.ACTIVE)
        placement = Placement(
            enrolment_id=enrolment.id,
            organisation_id=self.organisation.id,
            module_code=module_code,
            supervisor_name="Synne Veileder",
            supervisor_email="veileder@example.org",
            start_date=start,
            end_date=start + timedelta(weeks=weeks) - timedelta(days=3),
            weekly_hours=fields.pop("weekly_hours", 19.0),
            **fields,
        )
        db.session.add(placement)
        db.session.commit()
        return placement

    def signature(self, placement, action):
        signature = Signature(
            placement_id=placement.id,
            action=action,
            via=SignedVia.PORTAL,
            typed_name="Synne Veileder",
            signer_email="veileder@example.org",
            content={"placement": placement.id},
            content_sha256=hashlib.sha256(b"content").hexdigest(),
        )
        db.session.add(signature)
        db.session.flush()
        return signature

    def hours(self, placement, week_start, hours, confirmed=True):
        signature = self.signature(placement, SignedAction.CONFIRM_HOURS) if confirmed else None
        db.session.add(
            HoursEntry(
                placement_id=placement.id,
                week_start=week_start,
                hours=hours,
                confirmed_signature_id=signature.id if signature else None,
            )
        )
        db.session.commit()

    def evaluation(self, placement, passed=True):
        signature = self.signature(placement, SignedAction.FINAL_EVALUATION)
        db.session.add(
            FinalEvaluation(
                placement_id=placement.id,
                passed=passed,
                text="Sluttvurdering.",
                signature_id=signature.id,
            )
        )
        db.session.commit()

    def assess(self, enrolment, code, result=AssessmentResult.GODKJENT, on=None, by=None):
        db.session.add(
            ModuleAssessment(
                enrolment_id=enrolment.id,
                module_code=code,
                result=result,
                assessed_on=on or RECORDS_START + timedelta(days=14),
                assessor_id=by.id if by else None,
                comment="Godt arbeid.",
            )
        )
        db.session.commit()

    def project(self, enrolment, title="Likepersonsarbeid i rusfeltet", approved=False):
        db.session.add(ProjectAssignment(enrolment_id=enrolment.id, title=title, approved=approved))
        db.session.commit()

    def finish(self, enrolment: Enrolment, session: CourseSession, start: date) -> None:
        """Everything the completion rule asks but the project: the session attended, every
        practice module's placement with two weeks of confirmed hours and a passed final
        evaluation, every module approved."""
        self.attend(enrolment, session)
        for first, code in practice_weeks(start):
            self.passed(self.placement(enrolment, code, start=first, weeks=2))
        for module in shipped_curricula()[0].modules:
            self.assess(enrolment, module.code)

    def passed(self, placement: Placement) -> None:
        """Its first two weeks' hours confirmed and a passed final evaluation signed."""
        for week in range(2):
            self.hours(
                placement, placement.start_date + timedelta(weeks=week), placement.weekly_hours
            )
        self.evaluation(placement, passed=True)

    def attendance(self, rows: list[tuple[Enrolment, CourseSession, AttendanceStatus]]) -> int:
        """Many attendance records in one insert, for registers too long to add one by one (a
        cohort's year): present for the session's hours, otherwise none. Returns how many."""
        values = [
            {
                "session_id": session.id,
                "enrolment_id": enrolment.id,
                "status": status,
                "hours_present": session.hours if status is AttendanceStatus.TIL_STEDE else 0.0,
            }
            for enrolment, session, status in rows
        ]
        if values:
            db.session.execute(sa.insert(AttendanceRecord), values)
        db.session.commit()
        return len(values)

    def walk_placement(
        self,
        enrolment: Enrolment,
        status: PlacementStatus = PlacementStatus.ACTIVE,
        module_code: str = "P1-01",
        start: date = RECORDS_START,
        weeks: int = 10,
        **fields,
    ) -> Placement:
        """The placement `placement` would add, made through the placement services instead
        (Factory.placement): proposed at this organisation with its supervisor and walked,
        gate by gate, to ``status``; ``fields`` replace what PlacementFields would hold."""
        values = {
            "organisation": self.organisation,
            "supervisor_name": "Synne Veileder",
            "supervisor_email": "veileder@example.org",
            "weekly_hours": 19.0,
        }
        proposed = placements.PlacementFields(
            module_code=module_code,
            start_date=start,
            end_date=start + timedelta(weeks=weeks) - timedelta(days=3),
            **(values | fields),
        )
        return self.factory.placement(enrolment, proposed, status)

    def graduate(
        self,
        cohort: Cohort,
        sessions: list[CourseSession],
        *,
        assessed_on: date,
        partners: list[Organisation] | None = None,
        supervisor: tuple[str, str] = ("Synne Veileder", "veileder@example.org"),
        **fields,
    ) -> Enrolment:
        """A trainee who completed the shipped curriculum: admitted through the enrolment
        service (``fields`` as Factory.enrolment takes them), present at every one of
        ``sessions``, each practice module's placement (the n-th two weeks from week 10 + 20·n
        of the cohort, at the next of ``partners``, else at this organisation) walked to
        COMPLETED through the placement services with both weeks' hours confirmed and a
        passed final evaluation, every module approved on ``assessed_on``, the project
        approved, and then FULLFORT through the enrolment service. The cohort must still
        take applications: end it afterwards."""
        enrolment = self.trainee(cohort, **fields)
        self.attendance([(enrolment, session, AttendanceStatus.TIL_STEDE) for session in sessions])
        for number, (first, code) in enumerate(practice_weeks(cohort.start_date)):
            placement = self.walk_placement(
                enrolment,
                PlacementStatus.COMPLETED,
                code,
                start=first,
                weeks=2,
                organisation=partners[number % len(partners)] if partners else self.organisation,
                supervisor_name=supervisor[0],
                supervisor_email=supervisor[1],
            )
            self.passed(placement)
        for module in shipped_curricula()[0].modules:
            self.assess(enrolment, module.code, on=assessed_on)
        self.project(enrolment, approved=True)
        enrolments.change_status(enrolment, EnrolmentStatus.FULLFORT, by=None)
        db.session.commit()
        return enrolment
