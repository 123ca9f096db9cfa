"""A world with two tenants for the security tests, built once per module.

Each tenant has a county, a coordinator, a partner organisation with a partner user and a
contact person, a cohort with an instructor, a session, a closed period, a practice period,
an offer, and a trainee with a running placement and a change proposal on it. The second
tenant is what the first one's people must never reach.

Every text a person can type is stored with hostile payloads in it (PAYLOAD), so any page
that shows it unescaped, or renders the template expression, is caught.

One function per kind of object: to add a kind, write a function and call it in build_tenant.
"""

import json
from dataclasses import dataclass, field
from datetime import date, time, timedelta

from sqlalchemy import select

from mbtrain.accounts import services as accounts
from mbtrain.accounts.models import Role, User
from mbtrain.assessments.models import ProjectAssignment
from mbtrain.attendance.models import AttendanceRecord
from mbtrain.builders import PASSWORD, valid_orgnr
from mbtrain.certificates import codes
from mbtrain.certificates.models import (
    BatchFailure,
    Certificate,
    CertificateBatch,
    CertificateBatchItem,
    CertificateKind,
)
from mbtrain.cohorts.models import ClosedPeriod, Cohort, CohortStatus
from mbtrain.curriculum import services as curricula
from mbtrain.curriculum.definition import AttendanceStatus
from mbtrain.curriculum.loader import shipped_curricula
from mbtrain.curriculum.models import CurriculumVersion
from mbtrain.database import utcnow
from mbtrain.enrolments import services as enrolments
from mbtrain.enrolments.models import Enrolment, EnrolmentStatus, StatusReason
from mbtrain.extensions import db
from mbtrain.i18n import today
from mbtrain.mail.models import OutboxMessage
from mbtrain.organisations.models import ContactPerson, County, Organisation, OrganisationType
from mbtrain.placements import services as placements
from mbtrain.placements.models import (
    ChangeProposal,
    Placement,
    PlacementOffer,
    PlacementStatus,
    ProposalKind,
)
from mbtrain.schedule import feeds as schedule
from mbtrain.schedule.models import CourseSession, PracticePeriod

# Stored in every free-text field. A page that shows "<script>alert(1)" has not escaped it;
# one that shows 99980001 (or 49) has evaluated it as a template.
SCRIPT = "<script>alert(1)</script>"
TEMPLATE = "{{9999*9999}}"
TEMPLATE_RESULT = "99980001"
PAYLOAD = f"{SCRIPT} {TEMPLATE} ${{7*7}}"
PRACTICE_MODULE = "P1-01"
TAUGHT_MODULE = "T1-01"


@dataclass
class Tenant:
    key: str
    county: County
    coordinator: User
    instructor: User
    organisation: Organisation
    partner: User
    contact: ContactPerson
    cohort: Cohort
    session: CourseSession
    closed_period: ClosedPeriod
    trainee: User
    enrolment: Enrolment
    graduate: Enrolment  # a trainee whose course has ended (follow-up, certificates)
    placement: Placement
    proposal: ChangeProposal
    offer: PlacementOffer
    feed_token: str
    certificate: Certificate
    batch: CertificateBatch  # «issue to all», confirmed: one issued, one refused
    # One enrolment in every status the participant and the graduate are not in, for need to
    # know (mbtrain/policy.py NEED_TO_KNOW): applicants, the waiting list, the rejected (one
    # of them in a cancelled cohort the instructor also teaches), one registered in error.
    others: dict[str, Enrolment] = field(default_factory=dict)

    def enrolments(self) -> list[Enrolment]:
        return [self.enrolment, self.graduate, *self.others.values()]


@dataclass
class World:
    tenants: dict[str, Tenant]
    admin: User
    message: OutboxMessage
    curriculum: CurriculumVersion
    users: dict[str, User] = field(default_factory=dict)

    def home(self, actor: str) -> Tenant:
        """The tenant an actor belongs to: the "other_" actors live in tenant b."""
        return self.tenants["b" if actor.startswith("other_") else "a"]

    def away(self, actor: str) -> Tenant:
        return self.tenants["a" if actor.startswith("other_") else "b"]


def hostile(text: str) -> str:
    return f"{text} {PAYLOAD}"


def make_user(key: str, role: Role, name: str, **kwargs) -> User:
    user = accounts.create_user(
        email=f"{role.value.lower()}.{key}@example.org",
        name=hostile(name),
        role=role,
        password=PASSWORD,
        **kwargs,
    )
    db.session.flush()
    return user


def make_organisation(key: str, seed: int, county: County, kind: OrganisationType):
    organisation = Organisation(
        name=hostile(f"Fjordtun DPS {key}"), orgnr=valid_orgnr(seed), type=kind, county=county
    )
    db.session.add(organisation)
    db.session.flush()
    return organisation


def make_contact(organisation: Organisation) -> ContactPerson:
    contact = ContactPerson(
        organisation=organisation,
        name=hostile("Kari Kontakt"),
        email="kontakt@example.org",
        role_title=hostile("Leder"),
    )
    db.session.add(contact)
    db.session.flush()
    return contact


def make_cohort(key, county, curriculum, provider, instructor) -> Cohort:
    cohort = Cohort(
        name=hostile(f"MB-kurs {key}"),
        county=county,
        curriculum_version=curriculum,
        provider=provider,
        start_date=today() - timedelta(days=120),
        end_date=today() + timedelta(days=200),
        places=20,
        meeting_place=hostile("Kurssalen"),
        contact_persons=hostile("Kari"),
        status=CohortStatus.GJENNOMFORES,
    )
    cohort.instructors.append(instructor)
    db.session.add(cohort)
    db.session.flush()
    return cohort


def make_session(cohort: Cohort) -> CourseSession:
    session = CourseSession(
        cohort_id=cohort.id,
        module_code=TAUGHT_MODULE,
        date=today() - timedelta(days=7),
        starts_at=time(9),
        hours=5.0,
        location=hostile("Rom 1"),
        note=hostile("Ta med"),
    )
    db.session.add(session)
    db.session.flush()
    return session


def make_closed_period(cohort: Cohort) -> ClosedPeriod:
    period = ClosedPeriod(
        cohort=cohort,
        start_date=today() + timedelta(days=30),
        end_date=today() + timedelta(days=34),
        description=hostile("Høstferie"),
    )
    db.session.add(period)
    db.session.flush()
    return period


def make_practice_period(cohort: Cohort) -> PracticePeriod:
    period = PracticePeriod(
        cohort=cohort,
        module_code=PRACTICE_MODULE,
        start_date=today() - timedelta(days=30),
        end_date=today() + timedelta(days=60),
    )
    db.session.add(period)
    db.session.flush()
    return period


def make_enrolment(key: str, cohort: Cohort, email: str, user: User | None = None) -> Enrolment:
    enrolment = enrolments.register_application(
        cohort,
        name=hostile(f"Ingrid Testesen {key}"),
        date_of_birth=date(1985, 3, 14),
        email=email,
        phone="41234567",
        applied_on=today() - timedelta(days=150),
        nav_contact=hostile("NAV Bergen"),
        by=None,
        today=today() - timedelta(days=150),
    )
    enrolment.meets_requirements = True
    enrolment.assessment = hostile(f"Intervjunotat {key}")
    for status in (EnrolmentStatus.VURDERES, EnrolmentStatus.DELTAR):
        enrolments.change_status(enrolment, status, by=None)
    enrolment.person.user = user
    enrolment.start_date = cohort.start_date
    db.session.add(ProjectAssignment(enrolment_id=enrolment.id, title=hostile("Prosjekt")))
    db.session.flush()
    return enrolment


def make_graduate(key: str, cohort: Cohort) -> Enrolment:
    """A trainee who completed the course 100 days ago, with no account of their own."""
    enrolment = make_enrolment(f"ferdig-{key}", cohort, f"ferdig.{key}@example.org")
    enrolment.status = EnrolmentStatus.FULLFORT
    enrolment.end_date = today() - timedelta(days=100)
    db.session.flush()
    return enrolment


# The way to each status from the application, with the reason the status needs.
ROUTES_TO = {
    EnrolmentStatus.SOKT_INN: (),
    EnrolmentStatus.VURDERES: (EnrolmentStatus.VURDERES,),
    EnrolmentStatus.VENTELISTE: (EnrolmentStatus.VURDERES, EnrolmentStatus.VENTELISTE),
    EnrolmentStatus.IKKE_AKTUELL: (EnrolmentStatus.VURDERES, EnrolmentStatus.IKKE_AKTUELL),
    EnrolmentStatus.FEILREGISTRERT: (EnrolmentStatus.FEILREGISTRERT,),
}


def make_applicant(key: str, cohort: Cohort, status: EnrolmentStatus) -> Enrolment:
    """Someone in the intake (or registered in error), with the coordinator's interview notes."""
    enrolment = enrolments.register_application(
        cohort,
        name=hostile(f"Ingrid Testesen {key}"),
        date_of_birth=date(1990, 6, 1),
        email=f"{key}@example.org",
        phone="47654321",
        applied_on=today() - timedelta(days=10),
        nav_contact=hostile("NAV Bergen"),
        by=None,
        today=today() - timedelta(days=10),
    )
    enrolment.meets_requirements = False
    enrolment.assessment = hostile(f"Intervjunotat {key}")
    for step in ROUTES_TO[status]:
        rejected = step is EnrolmentStatus.IKKE_AKTUELL
        enrolments.change_status(
            enrolment,
            step,
            by=None,
            reason=StatusReason.ANNET if rejected else None,
            reason_text=hostile(f"Avslag {key}") if rejected else None,
        )
    db.session.flush()
    return enrolment


def make_others(key: str, cohort: Cohort, cancelled: Cohort) -> dict[str, Enrolment]:
    others = {
        f"{status.value.lower()}-{key}": make_applicant(
            f"{status.value.lower()}-{key}", cohort, status
        )
        for status in ROUTES_TO
    }
    rejected = f"avlyst-avvist-{key}"
    others[rejected] = make_applicant(rejected, cancelled, EnrolmentStatus.IKKE_AKTUELL)
    cancelled.status = CohortStatus.AVLYST  # after the application: it was open then
    db.session.flush()
    return others


def record_before_the_error(session: CourseSession, enrolment: Enrolment) -> None:
    """Attendance kept for someone later found to be registered in error: the record stays
    (the sheet's history), and only those who may see a void record may see it."""
    db.session.add(
        AttendanceRecord(
            session_id=session.id,
            enrolment_id=enrolment.id,
            status=AttendanceStatus.TIL_STEDE,
            hours_present=session.hours,
        )
    )
    db.session.flush()


def make_offer(cohort: Cohort, organisation: Organisation) -> PlacementOffer:
    offer = PlacementOffer(
        organisation=organisation,
        cohort=cohort,
        module_code=PRACTICE_MODULE,
        start_date=today() - timedelta(days=14),
        end_date=today() + timedelta(days=50),
        places=2,
        field_of_work=hostile("Psykisk helse"),
        requirements=hostile("Førerkort"),
    )
    db.session.add(offer)
    db.session.flush()
    return offer


def make_placement(enrolment: Enrolment, organisation: Organisation) -> Placement:
    """Proposed through the service, then confirmed and started (the gates recorded)."""
    fields = placements.PlacementFields(
        organisation=organisation,
        module_code=PRACTICE_MODULE,
        supervisor_name=hostile("Kari Veileder"),
        supervisor_email="kari.veileder@example.org",
        start_date=today() - timedelta(days=14),
        end_date=today() + timedelta(days=50),
        weekly_hours=19,
    )
    placement = placements.create_placement(enrolment, fields, by=None)
    placement.confidentiality_signed_on = today() - timedelta(days=20)
    for status in (PlacementStatus.CONFIRMED, PlacementStatus.ACTIVE):
        placements.set_status(placement, status, by_email="oppsett@example.org", reason="test")
    db.session.flush()
    return placement


def make_proposal(placement: Placement, partner: User) -> ChangeProposal:
    proposal = ChangeProposal(
        placement=placement,
        kind=ProposalKind.END_EARLY,
        new_end_date=today() + timedelta(days=20),
        reason=hostile("Bemanning"),
        proposed_by_id=partner.id,
    )
    db.session.add(proposal)
    db.session.flush()
    return proposal


def certificate_facts(enrolment: Enrolment) -> dict:
    """What a certificate freezes at issue (mbtrain/certificates), hostile text included."""
    cohort = enrolment.cohort
    return {
        "name": enrolment.person.name,
        "date_of_birth": enrolment.person.date_of_birth.isoformat(),
        "qualification": hostile("MB-opplæring"),
        "curriculum": "MB-NASJONAL 2025.1",
        "provider": cohort.provider.name,
        "orgnr": cohort.provider.orgnr,
        "county": cohort.county.name,
        "start": cohort.start_date.isoformat(),
        "end": cohort.end_date.isoformat(),
        "scope": {
            "total_hours": 600.0,
            "theory_hours": 300.0,
            "practice_weeks": 10,
            "part_time_percent": 50,
        },
        "project_title": hostile("Prosjekt"),
        "place": hostile("Bergen"),
        "issued_at": today().isoformat(),
        "issuer": hostile("Kari Koordinator"),
        "modules": [{"code": TAUGHT_MODULE, "title": hostile("Modul"), "hours": 30.0}],
        "placements": [],
    }


def make_certificate(enrolment: Enrolment, key: str) -> Certificate:
    """A certificate row as issuing leaves it (the PDF is a stand-in: access is the point)."""
    certificate = Certificate(
        enrolment_id=enrolment.id,
        kind=CertificateKind.KURSBEVIS,
        language="nb",
        code=codes.new_code(),
        number=f"MB-TEST-{key}",
        snapshot_json=json.dumps({"certificate": certificate_facts(enrolment)}),
        snapshot_sha256="0" * 64,
        pdf=b"%PDF-1.4\n%%EOF\n",
        pdf_sha256="1" * 64,
    )
    db.session.add(certificate)
    db.session.flush()
    return certificate


def make_message() -> OutboxMessage:
    message = OutboxMessage(
        recipient="mottaker@example.org", subject=hostile("Emne"), body=hostile("Tekst")
    )
    db.session.add(message)
    db.session.flush()
    return message


def make_batch(
    cohort: Cohort, by: User, certificate: Certificate, others: dict[str, Enrolment]
) -> CertificateBatch:
    """A finished batch as the worker leaves it: the certificate issued, someone refused."""
    refused = next(iter(others.values()))
    batch = CertificateBatch(cohort_id=cohort.id, language="nb", requested_by_id=by.id)
    batch.items = [
        CertificateBatchItem(enrolment_id=certificate.enrolment_id, certificate_id=certificate.id),
        CertificateBatchItem(enrolment_id=refused.id, failure=BatchFailure.NOT_ELIGIBLE),
    ]
    batch.finished_at = utcnow()
    db.session.add(batch)
    db.session.flush()
    return batch


def build_tenant(key: str, seed: int, county: County, curriculum, admin: User) -> Tenant:
    coordinator = make_user(key, Role.COORDINATOR, "Kari Koordinator", counties=[county])
    instructor = make_user(key, Role.INSTRUCTOR, "Kåre Kursholder")
    organisation = make_organisation(key, seed, county, OrganisationType.KOMMUNE)
    provider = make_organisation(f"arr-{key}", seed + 5, county, OrganisationType.TILTAKSARRANGOR)
    partner = make_user(key, Role.PARTNER, "Per Praksis", organisation=organisation)
    cohort = make_cohort(key, county, curriculum, provider, instructor)
    trainee = make_user(key, Role.TRAINEE, "Ingrid Testesen")
    enrolment = make_enrolment(key, cohort, trainee.email, trainee)
    make_practice_period(cohort)
    placement = make_placement(enrolment, organisation)
    _feed, feed_token = schedule.create_feed(cohort=cohort, by=coordinator)
    cancelled = make_cohort(f"avlyst-{key}", county, curriculum, provider, instructor)
    session = make_session(cohort)
    others = make_others(key, cohort, cancelled)
    record_before_the_error(session, others[f"feilregistrert-{key}"])
    certificate = make_certificate(enrolment, key)
    return Tenant(
        key=key,
        county=county,
        coordinator=coordinator,
        instructor=instructor,
        organisation=organisation,
        partner=partner,
        contact=make_contact(organisation),
        cohort=cohort,
        session=session,
        closed_period=make_closed_period(cohort),
        trainee=trainee,
        enrolment=enrolment,
        graduate=make_graduate(key, cohort),
        placement=placement,
        proposal=make_proposal(placement, partner),
        offer=make_offer(cohort, organisation),
        feed_token=feed_token,
        certificate=certificate,
        batch=make_batch(cohort, coordinator, certificate, others),
        others=others,
    )


def build_world() -> World:
    curriculum = curricula.import_curriculum(shipped_curricula()[0]).version
    counties = {
        code: db.session.scalar(select(County).where(County.code == code)) for code in ("46", "03")
    }
    admin = make_user("x", Role.ADMIN, "Astrid Admin")
    tenants = {
        "a": build_tenant("a", 110, counties["46"], curriculum, admin),
        "b": build_tenant("b", 210, counties["03"], curriculum, admin),
    }
    world = World(tenants=tenants, admin=admin, message=make_message(), curriculum=curriculum)
    a, b = tenants["a"], tenants["b"]
    world.users = {
        "trainee": a.trainee,
        "other_trainee": b.trainee,
        "partner": a.partner,
        "other_partner": b.partner,
        "instructor": a.instructor,
        "coordinator": a.coordinator,
        "other_coordinator": b.coordinator,
        "admin": admin,
    }
    db.session.commit()
    return world
