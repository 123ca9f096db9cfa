"""Realistic synthetic demo data: Norwegian names from Faker, made-up organisation numbers.

No real person is in it, and every address is on a domain reserved for examples (RFC 2606),
so no mail can reach anyone. The data is seeded: every run builds the same people. New kinds
of data get a ``seed_…`` function called at the end of ``build_demo_data``, so that the names
drawn before it stay the same.
"""

import random
import unicodedata
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import NamedTuple

from faker import Faker
from flask_migrate import downgrade
from sqlalchemy import func, insert, select, update

from mbtrain.accounts import services as accounts
from mbtrain.accounts.models import Role, User
from mbtrain.assessments.models import AssessmentResult, ModuleAssessment, ProjectAssignment
from mbtrain.attendance.models import AttendanceRecord
from mbtrain.builders import PLACEMENT_WALK
from mbtrain.cohorts import services as cohort_services
from mbtrain.cohorts.models import CancelReason, Cohort, CohortStatus
from mbtrain.cohorts.services import cancel_cohort
from mbtrain.curriculum import services as curricula
from mbtrain.curriculum.loader import AttendanceStatus as A
from mbtrain.curriculum.loader import ModuleKind, shipped_curricula
from mbtrain.curriculum.models import CurriculumVersion
from mbtrain.enrolments import services as enrolments
from mbtrain.enrolments.models import Enrolment, EnrolmentStatus, StatusPeriod, StatusReason
from mbtrain.extensions import db
from mbtrain.followup.rules import monday_of, placement_weeks
from mbtrain.i18n import TIMEZONE, today
from mbtrain.offers import services as placement_offers
from mbtrain.organisations import services as organisations
from mbtrain.organisations.models import ContactPerson, County, Organisation
from mbtrain.organisations.models import OrganisationType as Type
from mbtrain.partner import signing
from mbtrain.people.models import Person
from mbtrain.placements import services as placements
from mbtrain.placements.models import (
    ChangeProposal,
    Concern,
    FinalEvaluation,
    HoursEntry,
    Meeting,
    MeetingKind,
    Placement,
    PlacementOffer,
    PlacementPreference,
    PlacementStatus,
    ProposalKind,
    SignedAction,
    SignedVia,
)
from mbtrain.schedule import services as schedule_services
from mbtrain.schedule.models import CourseSession, SessionStatus

DEMO_PASSWORD = "demo-passord-2026"
SEED = 2026
LOCALE = "no_NO"  # Faker's Norwegian (bokmål) locale; Faker has no "nb_NO"
STAFF_DOMAIN = "example.org"
TRAINEE_DOMAIN = "example.net"
RESERVED_DOMAINS = ("example.org", "example.net", "example.com")
VESTLAND, OSLO = "46", "03"

# The accounts printed by ``describe``: short addresses that are easy to type.
LOGIN_EMAILS = {
    Role.ADMIN: "admin@example.org",
    Role.COORDINATOR: "koordinator@example.org",
    Role.INSTRUCTOR: "kursholder@example.org",
    Role.PARTNER: "veileder@example.org",
    Role.TRAINEE: "deltaker@example.org",
}


class Login(NamedTuple):
    role: str
    email: str
    name: str


@dataclass(frozen=True)
class OrganisationSpec:
    key: str
    name: str
    type: Type
    county: str
    parent: str | None = None
    partner: bool = False  # has a praksisveileder with an account


ORGANISATIONS = (
    OrganisationSpec("fjordlys", "Fjordlys Kurs og Kompetanse AS", Type.TILTAKSARRANGOR, VESTLAND),
    OrganisationSpec("bergen", "Bergen kommune", Type.KOMMUNE, VESTLAND),
    OrganisationSpec(
        "fjellveien", "Fjellveien bofellesskap", Type.KOMMUNE, VESTLAND, "bergen", partner=True
    ),
    OrganisationSpec("helse-bergen", "Helse Bergen HF", Type.HELSEFORETAK, VESTLAND),
    OrganisationSpec(
        "bjorgvin-dps", "Bjørgvin DPS", Type.HELSEFORETAK, VESTLAND, "helse-bergen", partner=True
    ),
    OrganisationSpec("nav-arstad", "NAV Årstad", Type.NAV_KONTOR, VESTLAND, partner=True),
    OrganisationSpec(
        "mh-bergen", "Mental Helse Bergen", Type.BRUKERORGANISASJON, VESTLAND, partner=True
    ),
    OrganisationSpec("akerselva", "Akerselva Læring AS", Type.TILTAKSARRANGOR, OSLO),
    OrganisationSpec("oslo", "Oslo kommune", Type.KOMMUNE, OSLO),
    OrganisationSpec("gamle-oslo", "Bydel Gamle Oslo", Type.KOMMUNE, OSLO, "oslo", partner=True),
    OrganisationSpec("ous", "Oslo universitetssykehus HF", Type.HELSEFORETAK, OSLO),
    OrganisationSpec("nydalen-dps", "Nydalen DPS", Type.HELSEFORETAK, OSLO, "ous", partner=True),
    OrganisationSpec("nav-gamle-oslo", "NAV Gamle Oslo", Type.NAV_KONTOR, OSLO, partner=True),
    OrganisationSpec("mh-oslo", "Mental Helse Oslo", Type.BRUKERORGANISASJON, OSLO, partner=True),
)
# The printed partner login works here.
LOGIN_PARTNER_ORGANISATION = "bjorgvin-dps"


def reset_database() -> None:
    """Back to an empty database by undoing every migration (SQLite and PostgreSQL alike)."""
    # An open transaction would hold locks that the migration's DROP TABLE waits for.
    db.session.remove()
    downgrade(revision="base")


def ensure_demo_data() -> list[Login]:
    """Build the demo data unless it is there already; flushes, the caller commits."""
    if accounts.get_user_by_email(LOGIN_EMAILS[Role.ADMIN]) is None:
        build_demo_data()
    return demo_logins()


def build_demo_data() -> None:
    people = People(SEED)
    password_hash = demo_password_hash()
    counties = {c.code: c for c in db.session.scalars(select(County))}
    by_key = seed_organisations(counties)
    seed_staff(people, password_hash, counties)
    seed_partners(people, password_hash, by_key)
    seed_cohorts(people, password_hash, counties, by_key)
    seed_schedules()  # before anything that reads the timetable
    seed_placements()  # after the timetable (practice periods), before the completions
    seed_completions()  # after the placements, which only those who hold a place can get
    seed_assessments()
    seed_followup()
    seed_certificates()  # last: certificates freeze what everything above recorded


def demo_logins() -> list[Login]:
    users = db.session.scalars(select(User).where(User.email.in_(LOGIN_EMAILS.values())))
    by_email = {user.email: user for user in users}
    return [
        Login(role.value.lower(), email, by_email[email].name)
        for role, email in LOGIN_EMAILS.items()
        if email in by_email
    ]


def seed_organisations(counties: dict[str, County]) -> dict[str, Organisation]:
    numbers = synthetic_orgnrs(random.Random(SEED), len(ORGANISATIONS))
    by_key: dict[str, Organisation] = {}
    for spec, number in zip(ORGANISATIONS, numbers, strict=True):
        by_key[spec.key] = organisations.save_organisation(
            None,
            name=spec.name,
            orgnr=number,
            type=spec.type,
            parent=by_key[spec.parent] if spec.parent else None,
            county=counties[spec.county],
        )
    return by_key


def seed_staff(people: "People", password_hash: str, counties: dict[str, County]) -> None:
    vestland, oslo = counties[VESTLAND], counties[OSLO]
    make_user(people, password_hash, Role.ADMIN, LOGIN_EMAILS[Role.ADMIN])
    make_user(people, password_hash, Role.COORDINATOR, LOGIN_EMAILS[Role.COORDINATOR], [vestland])
    make_user(people, password_hash, Role.COORDINATOR, counties=[oslo])
    make_user(people, password_hash, Role.COORDINATOR, counties=[vestland, oslo])
    make_user(people, password_hash, Role.INSTRUCTOR, LOGIN_EMAILS[Role.INSTRUCTOR])
    for _ in range(3):
        make_user(people, password_hash, Role.INSTRUCTOR)


def seed_partners(people: "People", password_hash: str, by_key: dict[str, Organisation]) -> None:
    for spec in ORGANISATIONS:
        if spec.partner:
            email = LOGIN_EMAILS[Role.PARTNER] if spec.key == LOGIN_PARTNER_ORGANISATION else None
            make_user(people, password_hash, Role.PARTNER, email, organisation=by_key[spec.key])


@dataclass(frozen=True)
class CohortSpec:
    """A cohort relative to today, so the demo shows every phase whenever it is run."""

    place: str
    county: str
    provider: str
    starts_in_days: int
    places: int
    # How many applicants end in each status; the login trainee joins the first DELTAR.
    outcome: dict[EnrolmentStatus, int]
    cancel: CancelReason | None = None


S = EnrolmentStatus
COHORTS = (
    CohortSpec(
        "Bergen",
        VESTLAND,
        "fjordlys",
        -110,
        16,
        {S.DELTAR: 12, S.AVBRUTT: 1},
    ),
    CohortSpec(
        "Bergen",
        VESTLAND,
        "fjordlys",
        70,
        18,
        {S.SOKT_INN: 3, S.VURDERES: 2, S.VENTER_PA_OPPSTART: 4, S.VENTELISTE: 2, S.IKKE_AKTUELL: 1},
    ),
    CohortSpec(
        "Bergen",
        VESTLAND,
        "fjordlys",
        -480,
        15,
        {S.FULLFORT: 4, S.AVBRUTT: 1},
    ),
    CohortSpec("Oslo", OSLO, "akerselva", -60, 14, {S.DELTAR: 7}),
    CohortSpec(
        "Oslo",
        OSLO,
        "akerselva",
        40,
        12,
        {S.VENTER_PA_OPPSTART: 2, S.IKKE_AKTUELL: 1},
        cancel=CancelReason.FOR_FAA_DELTAKERE,
    ),
)
COHORT_DAYS = 330


def cohort_name(spec: CohortSpec) -> str:
    """Named after the term it starts in, as coordinators name them («MB-opplæring Bergen
    høst 2026»), whatever day the demo is built."""
    start = today() + timedelta(days=spec.starts_in_days)
    term = "vår" if start.month <= 6 else "høst"
    return f"MB-opplæring {spec.place} {term} {start.year}"


# The path each final status is reached by, after the application.
PATHS = {
    S.SOKT_INN: (),
    S.VURDERES: (S.VURDERES,),
    S.VENTELISTE: (S.VURDERES, S.VENTELISTE),
    S.VENTER_PA_OPPSTART: (S.VURDERES, S.VENTER_PA_OPPSTART),
    S.DELTAR: (S.VURDERES, S.VENTER_PA_OPPSTART, S.DELTAR),
    S.FULLFORT: (S.VURDERES, S.VENTER_PA_OPPSTART, S.DELTAR, S.FULLFORT),
    S.AVBRUTT: (S.VURDERES, S.VENTER_PA_OPPSTART, S.DELTAR, S.AVBRUTT),
    S.IKKE_AKTUELL: (S.VURDERES, S.IKKE_AKTUELL),
}
REASONS = {
    S.AVBRUTT: StatusReason.FATT_JOBB,
    S.IKKE_AKTUELL: StatusReason.KRAV_IKKE_OPPFYLT,
}


def seed_cohorts(
    people: "People",
    password_hash: str,
    counties: dict[str, County],
    by_key: dict[str, Organisation],
) -> None:
    """Cohorts in every phase, with applicants who went through intake to their status."""
    version = import_shipped_curriculum()
    instructors = list(db.session.scalars(select(User).where(User.role == Role.INSTRUCTOR)))
    coordinators = {
        code: db.session.scalar(
            select(User)
            .join(User.counties)
            .where(County.code == code, User.role == Role.COORDINATOR)
        )
        for code in counties
        if code in (VESTLAND, OSLO)
    }
    login_trainee_given = False
    for number, spec in enumerate(COHORTS):
        start = today() + timedelta(days=spec.starts_in_days)
        cohort = Cohort(
            name=cohort_name(spec),
            county=counties[spec.county],
            curriculum_version=version,
            provider=by_key[spec.provider],
            start_date=start,
            end_date=start + timedelta(days=COHORT_DAYS),
            places=spec.places,
            part_time_percent=50,
            meeting_place=f"{by_key[spec.provider].name}, kursrom 2",
            contact_persons="Kontor for MB-opplæringen, tlf. 55 00 00 00",
            instructors=instructors[number % len(instructors) :][:2],
        )
        db.session.add(cohort)
        db.session.flush()
        by = coordinators[spec.county]
        for final, count in spec.outcome.items():
            for _ in range(count):
                email = None
                if final is S.DELTAR and not login_trainee_given:
                    email, login_trainee_given = LOGIN_EMAILS[Role.TRAINEE], True
                enrol(people, password_hash, cohort, final, by, email)
        cohort.status = phase_of(cohort)
        if spec.cancel is not None:
            cancel_cohort(cohort, spec.cancel, None, by, today())


def enrol(
    people: "People",
    password_hash: str,
    cohort: Cohort,
    final: EnrolmentStatus,
    by: User,
    email: str | None,
) -> Enrolment:
    """An application that went through intake to `final`, with a believable timeline."""
    name = people.name()
    applied = min(cohort.start_date, today()) - timedelta(days=people.days(30, 90))
    enrolment = enrolments.register_application(
        cohort,
        name=name,
        date_of_birth=people.date_of_birth(),
        email=email or people.email(name, TRAINEE_DOMAIN),
        phone=people.phone(),
        applied_on=applied,
        nav_contact=f"{people.name()}, NAV",
        by=by,
        today=today(),
    )
    at = datetime.combine(applied, time(10), TIMEZONE)
    enrolment.history[0].valid_from = at  # registered on the day it was applied for
    for step in PATHS[final]:
        at = min(at + timedelta(days=people.days(5, 20)), datetime.now(TIMEZONE))
        if step is S.FULLFORT:
            # Recorded at the course's end by seed_completions, after the placements: only
            # a trainee who holds a place can get one. (The day is drawn all the same, so
            # that the names drawn after it stay the same.)
            continue
        if step is S.VURDERES:
            enrolment.meets_requirements = final is not S.IKKE_AKTUELL
            enrolment.assessment = (
                "Intervju gjennomført. Motivert, avklart forhold til egen historie."
            )
            enrolment.assessed_by, enrolment.assessed_at = by, at
        if step is S.DELTAR:
            at = max(at, datetime.combine(cohort.start_date, time(8), TIMEZONE))
            enrolment.start_date = cohort.start_date
        if step is S.AVBRUTT:
            end = cohort.start_date + timedelta(days=60)
            at, enrolment.end_date = datetime.combine(end, time(16), TIMEZONE), end
        enrolments.change_status(enrolment, step, by=by, reason=REASONS.get(step), at=at)
    if final in (S.VENTER_PA_OPPSTART, S.DELTAR, S.FULLFORT, S.AVBRUTT):
        user = accounts.create_user(email=enrolment.person.email, name=name, role=Role.TRAINEE)
        user.password_hash = password_hash
        enrolment.person.user = user
    return enrolment


def seed_completions() -> None:
    """Those still taking part in a cohort that has ended completed it on its last day, as
    the coordinator records (enrol leaves them at «Deltar» for their placements)."""
    finished = db.session.scalars(
        select(Cohort).where(Cohort.status == CohortStatus.AVSLUTTET).order_by(Cohort.id)
    )
    for cohort in finished:
        by = coordinator_of(cohort)
        at = datetime.combine(cohort.end_date, time(16), TIMEZONE)
        for enrolment in trainees(cohort, S.DELTAR):
            enrolment.end_date = cohort.end_date
            enrolments.change_status(enrolment, S.FULLFORT, by=by, at=at)


def phase_of(cohort: Cohort) -> CohortStatus:
    if today() < cohort.start_date:
        return CohortStatus.PLANLAGT
    return CohortStatus.GJENNOMFORES if today() <= cohort.end_date else CohortStatus.AVSLUTTET


def import_shipped_curriculum() -> CurriculumVersion:
    """Import every shipped curriculum; cohorts get the newest."""
    return [curricula.import_curriculum(c).version for c in shipped_curricula()][-1]


def make_user(
    people: "People",
    password_hash: str,
    role: Role,
    email: str | None = None,
    counties: list[County] | None = None,
    organisation: Organisation | None = None,
    domain: str = STAFF_DOMAIN,
) -> User:
    name = people.name()
    user = accounts.create_user(
        email=email or people.email(name, domain),
        name=name,
        role=role,
        counties=counties or [],
        organisation=organisation,
    )
    user.password_hash = password_hash
    return user


def demo_password_hash() -> str:
    # One scrypt hash shared by every demo account: hashing fifty passwords takes seconds.
    accounts.check_password_rules(DEMO_PASSWORD)
    return accounts.hash_password(DEMO_PASSWORD)


class People:
    """Seeded Norwegian names and unique e-mail addresses made from them."""

    def __init__(self, seed: int) -> None:
        self.fake = Faker(LOCALE)
        self.fake.seed_instance(seed)
        self.taken: set[str] = set(LOGIN_EMAILS.values())

    def name(self) -> str:
        # Faker's own name formats add many double names; plain ones read more naturally.
        return f"{self.fake.first_name()} {self.fake.last_name()}"

    def days(self, low: int, high: int) -> int:
        return self.fake.random_int(low, high)

    def date_of_birth(self) -> date:
        return self.fake.date_of_birth(minimum_age=23, maximum_age=62)

    def phone(self) -> str:
        return f"4{self.fake.random_int(0, 9_999_999):07d}"

    def email(self, name: str, domain: str) -> str:
        local = ascii_slug(name)
        email, number = f"{local}@{domain}", 1
        while email in self.taken:
            number += 1
            email = f"{local}{number}@{domain}"
        self.taken.add(email)
        return email


def ascii_slug(name: str) -> str:
    """«Åse Bjørnstad» → «ase.bjornstad», the way Norwegian e-mail addresses are usually made."""
    text = name.lower().translate(str.maketrans({"æ": "ae", "ø": "o", "å": "a", " ": "."}))
    return unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()


def synthetic_orgnrs(rng: random.Random, count: int) -> list[str]:
    """Distinct made-up organisation numbers with a correct mod-11 check digit."""
    numbers: list[str] = []
    while len(numbers) < count:
        base = f"9{rng.randrange(10_000_000):07d}"
        check = orgnr_check_digit(base)
        if check is not None and base + check not in numbers:
            numbers.append(base + check)
    return numbers


def orgnr_check_digit(base: str) -> str | None:
    """The ninth digit for eight digits, or None where mod 11 leaves no valid digit."""
    weights = (3, 2, 7, 6, 5, 4, 3, 2)
    remainder = sum(w * int(d) for w, d in zip(weights, base, strict=True)) % 11
    check = (11 - remainder) % 11
    return None if check == 10 else str(check)


def describe(logins: list[Login], url: str, data_dir: Path, serving: bool = True) -> str:
    """What ``mbtrain demo`` prints: where it is, and one login per role."""
    rows = [("role", "e-mail", "name", "password")]
    rows += [(login.role, login.email, login.name, DEMO_PASSWORD) for login in logins]
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    table = [
        "  " + "  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True))
        for row in rows
    ]
    last = (
        "Stop the server with Ctrl+C."
        if serving
        else "Start the server with the same command without --no-serve (stop it with Ctrl+C)."
    )
    lines = [
        "",
        f"mbtrain demo: {url}",
        f"Data directory: {data_dir}",
        "",
        "Log in as any of these (synthetic people, no real person):",
        *(line.rstrip() for line in table),
        "",
        last,
    ]
    return "\n".join(lines)


# Module assessments and project assignments ----------------------------------------------

ASSESSMENT_COMMENTS = {
    AssessmentResult.GODKJENT: (
        "Godt refleksjonsnotat med konkrete eksempler fra egen erfaring.",
        "Viser god forståelse av temaet og knytter det til egen rolle.",
        "Levert til avtalt tid. Fin bruk av pensum.",
        "",
    ),
    AssessmentResult.IKKE_GODKJENT: (
        "Refleksjonsnotatet mangler kobling til pensum. Ny innlevering er avtalt innen tre uker.",
    ),
}
PROJECT_TITLES = (
    "Erfaringskompetanse i møte med nye brukere på et dagsenter",
    "Brukermedvirkning i bofellesskap: hva hjelper?",
    "Fra pasient til kollega – overgangen til arbeid",
    "Likepersonsarbeid i rusfeltet",
    "Å dele egen historie: når, hvordan og hvorfor",
    "Samarbeid mellom NAV og MB-medarbeidere",
)


def seed_assessments() -> None:
    """Results for the modules that are over: everything approved in the finished cohort,
    the first modules in the running ones, with one «ikke godkjent» in the Bergen cohort."""
    rng = random.Random(SEED + 4)
    cohorts = db.session.scalars(select(Cohort).order_by(Cohort.id)).all()
    failing: int | None = None
    for cohort in cohorts:
        if cohort.status not in (CohortStatus.GJENNOMFORES, CohortStatus.AVSLUTTET):
            continue
        curriculum = curricula.curriculum_of(cohort.curriculum_version)
        ends = module_end_dates(cohort, curriculum)
        coordinator = db.session.scalar(
            select(User)
            .join(User.counties)
            .where(County.id == cohort.county_id, User.role == Role.COORDINATOR)
            .order_by(User.id)
        )
        enrolled = db.session.scalars(
            select(Enrolment)
            .where(
                Enrolment.cohort_id == cohort.id,
                Enrolment.status.in_((S.DELTAR, S.FULLFORT, S.AVBRUTT)),
            )
            .order_by(Enrolment.id)
        ).all()
        if failing is None and cohort.status is CohortStatus.GJENNOMFORES and len(enrolled) > 1:
            failing = enrolled[1].id
        for number, enrolment in enumerate(enrolled):
            last_day = min(enrolment.end_date or today(), today())
            for module in curriculum.modules:
                ended = ends[module.code]
                if ended >= last_day and enrolment.status is not S.FULLFORT:
                    continue
                result = AssessmentResult.GODKJENT
                if enrolment.id == failing and module.code == curriculum.modules[2].code:
                    result = AssessmentResult.IKKE_GODKJENT
                theory = module.kind is ModuleKind.THEORY
                instructors = cohort.instructors or [coordinator]
                db.session.add(
                    ModuleAssessment(
                        enrolment_id=enrolment.id,
                        module_code=module.code,
                        result=result,
                        assessed_on=min(ended + timedelta(days=rng.randint(1, 6)), last_day),
                        assessor_id=(instructors[0] if theory else coordinator).id,
                        comment=rng.choice(ASSESSMENT_COMMENTS[result]),
                    )
                )
            if enrolment.status is S.FULLFORT or number % 3 == 0:
                approved = enrolment.status is S.FULLFORT
                db.session.add(
                    ProjectAssignment(
                        enrolment_id=enrolment.id,
                        title=PROJECT_TITLES[number % len(PROJECT_TITLES)],
                        approved=approved,
                        approved_on=(enrolment.end_date - timedelta(days=5)) if approved else None,
                        approved_by_id=coordinator.id if approved else None,
                    )
                )
    db.session.flush()


def module_end_dates(cohort: Cohort, curriculum) -> dict[str, date]:
    """When each module's teaching ends: its last session where the timetable has been made,
    else its share of the course's days, in the curriculum's order."""
    last_sessions = dict(
        db.session.execute(
            select(CourseSession.module_code, func.max(CourseSession.date))
            .where(
                CourseSession.cohort_id == cohort.id,
                CourseSession.status != SessionStatus.AVLYST,
            )
            .group_by(CourseSession.module_code)
        ).all()
    )
    total = curriculum.hours()
    days = (cohort.end_date - cohort.start_date).days
    ends, hours_so_far = {}, 0.0
    for module in curriculum.modules:
        hours_so_far += module.hours
        share_end = cohort.start_date + timedelta(days=round(days * hours_so_far / total))
        ends[module.code] = last_sessions.get(module.code, share_end)
    return ends


# Placement follow-up: meetings, hours, signatures, a tvilsmelding, final evaluations --------

DEMO_BROWSER = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) Edge/128.0 (demo)"
MEETING_NOTES = {
    MeetingKind.OPPSTART: "Gikk gjennom arbeidsoppgaver, turnus og hvem deltakeren kan spørre.",
    MeetingKind.MIDTVEIS: "God utvikling. Avtalt mer ansvar i gruppeaktivitetene.",
    MeetingKind.SLUTT: "Oppsummerte læringsmålene. Praksisen er gjennomført som avtalt.",
}
EVALUATIONS = (
    "Har vært stabil og til å stole på, og brukt egen erfaring klokt i samtaler.",
    "Fant raskt sin plass i miljøet. Godt samarbeid med både brukere og ansatte.",
    "Tok ansvar for egne aktiviteter og ba om veiledning når det trengtes.",
)
CONCERN_TEXT = (
    "Deltakeren har ikke møtt på fire av de siste seks avtalte vaktene uten å gi beskjed. "
    "Vi har avtalt faste ukentlige samtaler og ny turnus; uten bedre oppmøte er det tvil om "
    "praksisen blir bestått."
)


def seed_followup() -> None:
    """Follow-up for the placements there are: meetings as they fall due, weekly hours
    (confirmed but for the last two weeks of running placements), the supervisor's signed
    confirmations, one tvilsmelding and a final evaluation for every finished placement."""
    placements = db.session.scalars(
        select(Placement)
        .where(
            Placement.status.in_(
                (PlacementStatus.CONFIRMED, PlacementStatus.ACTIVE, PlacementStatus.COMPLETED)
            )
        )
        .order_by(Placement.start_date, Placement.id)
    ).all()
    concern_given = False
    for number, placement in enumerate(placements):
        coordinator = signing.county_coordinators(placement)[0]
        signer = demo_signer(placement)
        confirmed_at = datetime.combine(
            placement.start_date - timedelta(days=21), time(9), TIMEZONE
        )
        content = signing.shown_content(placement)
        signing.sign(placement, SignedAction.CONFIRM_PLACEMENT, content, signer, confirmed_at)
        seed_meetings(placement, coordinator)
        if placement.status is PlacementStatus.CONFIRMED:
            continue
        seed_hours(placement, signer)
        if placement.status is PlacementStatus.COMPLETED:
            text = EVALUATIONS[number % len(EVALUATIONS)]
            at = datetime.combine(placement.end_date, time(14), TIMEZONE)
            signature = signing.sign(
                placement,
                SignedAction.FINAL_EVALUATION,
                {**content, "passed": True, "text": text},
                signer,
                at,
            )
            db.session.add(
                FinalEvaluation(placement=placement, passed=True, text=text, signature=signature)
            )
        elif not concern_given and placement.enrolment.person.email != LOGIN_EMAILS[Role.TRAINEE]:
            at = datetime.combine(today() - timedelta(days=3), time(15), TIMEZONE)
            signature = signing.sign(
                placement, SignedAction.RAISE_CONCERN, {**content, "text": CONCERN_TEXT}, signer, at
            )
            db.session.add(
                Concern(placement=placement, text=CONCERN_TEXT, signature=signature, created_at=at)
            )
            concern_given = True
            seed_proposal(placement)
    db.session.flush()


def seed_proposal(placement: Placement) -> None:
    """An open proposal from the partner to end early, waiting for the coordinator."""
    partner = placement.supervisor_user
    db.session.add(
        ChangeProposal(
            placement=placement,
            kind=ProposalKind.END_EARLY,
            new_end_date=max(placement.end_date - timedelta(weeks=2), today()),
            reason="Veilederen går ut i permisjon; vi foreslår å avslutte to uker tidligere.",
            proposed_by_id=partner.id if partner else None,
            proposed_by_email=placement.supervisor_email,
            proposed_at=datetime.now(TIMEZONE) - timedelta(days=1),
        )
    )


def demo_signer(placement: Placement) -> signing.Signer:
    """Supervisors with an account mostly sign in the portal; the rest, and every third
    placement, by the e-mailed link (a real mix: not everyone logs in)."""
    user = placement.supervisor_user if placement.id % 3 else None
    return signing.Signer(
        typed_name=placement.supervisor_name,
        email=placement.supervisor_email,
        via=SignedVia.PORTAL if user else SignedVia.LINK,
        user=user,
        ip="192.0.2.10",  # TEST-NET-1: an address reserved for examples
        user_agent=DEMO_BROWSER,
    )


def seed_meetings(placement: Placement, coordinator: User) -> None:
    middle = placement.start_date + (placement.end_date - placement.start_date) / 2
    for kind, held_on in (
        (MeetingKind.OPPSTART, placement.start_date + timedelta(days=2)),
        (MeetingKind.MIDTVEIS, middle),
        (MeetingKind.SLUTT, placement.end_date - timedelta(days=1)),
    ):
        if held_on < today():
            db.session.add(
                Meeting(
                    placement=placement,
                    kind=kind,
                    held_on=held_on,
                    participants=f"Deltaker, {placement.supervisor_name} (veileder), "
                    f"{coordinator.name} (koordinator)",
                    summary=MEETING_NOTES[kind],
                    recorded_by_id=coordinator.id,
                    recorded_by_email=coordinator.email,
                )
            )


def seed_hours(placement: Placement, signer: signing.Signer) -> None:
    """Hours for each week so far, a little below plan now and then; confirmed three weeks
    at a time, except the last two weeks of a placement still under way."""
    rng = random.Random(SEED + placement.id)
    weeks = placement_weeks(placement.start_date, placement.end_date, today())
    if placement.status is PlacementStatus.ACTIVE:
        weeks = [week for week in weeks if week < monday_of(today())]
    entries = []
    for week in weeks:
        workdays = sum(
            placement.start_date <= week + timedelta(days=d) <= placement.end_date for d in range(5)
        )
        planned = placement.weekly_hours * workdays / 5
        hours = planned - rng.choice((0, 0, 0, 0, 0.5 * placement.weekly_hours / 5, 2))
        entries.append(
            HoursEntry(placement=placement, week_start=week, hours=max(0, round(hours * 2) / 2))
        )
    db.session.add_all(entries)
    to_confirm = entries if placement.status is PlacementStatus.COMPLETED else entries[:-2]
    for first in range(0, len(to_confirm), 3):
        batch = to_confirm[first : first + 3]
        at = datetime.combine(batch[-1].week_start + timedelta(days=4), time(15), TIMEZONE)
        signature = signing.sign(
            placement,
            SignedAction.CONFIRM_HOURS,
            signing.shown_content(placement, batch),
            signer,
            min(at, datetime.now(TIMEZONE)),
        )
        for entry in batch:
            entry.confirmed_signature = signature


# Timetables and attendance ----------------------------------------------------------------

# Teaching days per demo cohort (ISO weekdays), and the weeks every cohort is closed.
TEACHING_WEEKDAYS = {VESTLAND: "1,2,4", OSLO: "1,3,4"}
CLOSED_EACH_YEAR = (
    ((12, 21), (1, 1), "Juleferie"),
    ((7, 6), (7, 31), "Sommerferie"),
)
CANCELLED_NOTE = "Kursholder er syk. Temaet tas igjen senere."
# Attendance drawn for a session: (status, share); partial presence is a share of "present".
ATTENDANCE_MIX = ((A.TIL_STEDE, 0.95), (A.SYK, 0.03), (A.AVTALT_FRAVAER, 0.01), (A.IKKE_MOTT, 0.01))
STRUGGLING_MIX = ((A.TIL_STEDE, 0.64), (A.SYK, 0.22), (A.AVTALT_FRAVAER, 0.04), (A.IKKE_MOTT, 0.10))
SHORTEST_CLOSURE = timedelta(days=4)
MOST_MISSED = 0.12  # share of held hours a trainee who does well misses at most
LEAST_MISSED_WHEN_STRUGGLING = 0.25


def seed_schedules() -> None:
    """Timetables for every cohort that runs, closed for Christmas and summer, with
    attendance for the sessions already held: mostly present, some sick, a few absent, and
    one trainee in the running Bergen cohort below 80 % so that the warnings show."""
    rng = random.Random(SEED)
    cohorts = db.session.scalars(select(Cohort).order_by(Cohort.id)).all()
    for cohort in cohorts:
        if cohort.status.cancelled:
            continue
        cohort.teaching_weekdays = TEACHING_WEEKDAYS[cohort.county.code]
        cohort.hours_per_day = 5.0
        for first, last, description in closed_periods_of(cohort):
            cohort_services.add_closed_period(cohort, first, last, description)
        schedule_services.write_schedule(cohort, schedule_services.plan_for(cohort))
        sessions = db.session.scalars(
            select(CourseSession)
            .where(CourseSession.cohort_id == cohort.id)
            .order_by(CourseSession.date, CourseSession.starts_at)
        ).all()
        cancel_two_sessions(sessions)
        seed_attendance(cohort, sessions, rng)
    db.session.flush()


def closed_periods_of(cohort: Cohort) -> list[tuple[date, date, str]]:
    periods = []
    for year in range(cohort.start_date.year, cohort.end_date.year + 1):
        for (m1, d1), (m2, d2), description in CLOSED_EACH_YEAR:
            first = date(year, m1, d1)
            last = date(year + (m2 < m1), m2, d2)
            first, last = max(first, cohort.start_date), min(last, cohort.end_date)
            if last - first >= SHORTEST_CLOSURE:
                periods.append((first, last, description))
    return periods


def cancel_two_sessions(sessions: list[CourseSession]) -> None:
    """One session cancelled in the past and one ahead, as happens."""
    past = [s for s in sessions if s.date < today()]
    ahead = [s for s in sessions if s.date > today()]
    for chosen in (past[len(past) // 2] if past else None, ahead[3] if len(ahead) > 3 else None):
        if chosen is not None:
            chosen.status, chosen.note = SessionStatus.AVLYST, CANCELLED_NOTE


def seed_attendance(cohort: Cohort, sessions: list[CourseSession], rng: random.Random) -> None:
    held = [s for s in sessions if s.date < today() and s.status is SessionStatus.PLANLAGT]
    if not held:
        return
    attending = attending_periods(cohort)
    struggling = struggling_trainee(cohort, attending)
    recorder = cohort.instructors[0] if cohort.instructors else None
    held_hours: dict[int, float] = defaultdict(float)
    missed_hours: dict[int, float] = defaultdict(float)
    rows = []
    for session in held:
        day_start = datetime.combine(session.date, time(0), TIMEZONE)
        recorded_at = datetime.combine(session.date, time(15), TIMEZONE)
        day_end = day_start + timedelta(days=1)
        for enrolment_id, periods in attending.items():
            if not any(a < day_end and (b is None or b > day_start) for a, b in periods):
                continue
            status = draw(rng, STRUGGLING_MIX if enrolment_id == struggling else ATTENDANCE_MIX)
            hours = session.hours
            if status is A.TIL_STEDE and rng.random() < 0.03:
                hours -= rng.choice((1, 1.5, 2))  # came late or left early
            # Chance alone could put anyone below 80 %; keep the one who struggles the only one.
            held_hours[enrolment_id] += session.hours
            missed = missed_hours[enrolment_id] + (
                session.hours - hours if status is A.TIL_STEDE else session.hours
            )
            share = missed / held_hours[enrolment_id]
            if enrolment_id != struggling and share > MOST_MISSED:
                status, hours = A.TIL_STEDE, session.hours
            elif enrolment_id == struggling and share < LEAST_MISSED_WHEN_STRUGGLING:
                status = A.SYK
            if status is not A.TIL_STEDE:
                hours = 0.0
            missed_hours[enrolment_id] += session.hours - hours
            rows.append(
                {
                    "session_id": session.id,
                    "enrolment_id": enrolment_id,
                    "status": status,
                    "hours_present": hours,
                    "recorded_by_id": recorder.id if recorder else None,
                    "recorded_at": recorded_at,
                }
            )
    db.session.execute(insert(AttendanceRecord), rows)
    db.session.execute(
        update(CourseSession)
        .where(CourseSession.id.in_([s.id for s in held]))
        .values(attendance_version=1)
        .execution_options(synchronize_session=False)
    )


def attending_periods(cohort: Cohort) -> dict[int, list[tuple[datetime, datetime | None]]]:
    """When each of the cohort's enrolments had status «Deltar», from the status history."""
    rows = db.session.execute(
        select(StatusPeriod.enrolment_id, StatusPeriod.valid_from, StatusPeriod.valid_to)
        .join(Enrolment, Enrolment.id == StatusPeriod.enrolment_id)
        .where(Enrolment.cohort_id == cohort.id, StatusPeriod.status == EnrolmentStatus.DELTAR)
        .order_by(StatusPeriod.enrolment_id)
    )
    periods: dict[int, list] = {}
    for enrolment_id, valid_from, valid_to in rows:
        periods.setdefault(enrolment_id, []).append((valid_from, valid_to))
    return periods


def struggling_trainee(cohort: Cohort, attending: dict[int, list]) -> int | None:
    """In the running cohort, one trainee (never the printed login) whose attendance slips."""
    if cohort.status is not CohortStatus.GJENNOMFORES or cohort.county.code != VESTLAND:
        return None
    login = db.session.scalar(
        select(Enrolment.id)
        .join(Enrolment.person)
        .where(Enrolment.cohort_id == cohort.id, Person.email == LOGIN_EMAILS[Role.TRAINEE])
    )
    current = db.session.scalars(
        select(Enrolment.id)
        .where(Enrolment.cohort_id == cohort.id, Enrolment.status == EnrolmentStatus.DELTAR)
        .order_by(Enrolment.id)
    ).all()
    candidates = [e for e in current if e != login and e in attending]
    return candidates[2] if len(candidates) > 2 else None


def draw(rng: random.Random, mix) -> A:
    point, total = rng.random(), 0.0
    for status, share in mix:
        total += share
        if point < total:
            return status
    return mix[0][0]


# Offers and placements -------------------------------------------------------------------

BERGEN_PLACES = ("bjorgvin-dps", "fjellveien", "nav-arstad", "mh-bergen")
FIELDS_OF_WORK = {
    "bjorgvin-dps": "Poliklinikk og dagbehandling, psykisk helse",
    "fjellveien": "Bofellesskap for personer med psykiske helse- og rusproblemer",
    "nav-arstad": "Arbeidsrettet oppfølging og brukermedvirkning på NAV-kontor",
    "mh-bergen": "Likepersonsarbeid og åpen møteplass",
}
REQUIREMENTS = {
    "fjellveien": "Turnus med noen ettermiddager. Politiattest kreves før oppstart.",
    "nav-arstad": "Dagtid, mandag–fredag. Taushetserklæring signeres første dag.",
}
# Synthetic people at the partner organisations (not drawn from Faker, so that the names
# drawn before this stay the same).
LEADERS = {
    "bjorgvin-dps": ("Siri Haugland", "Seksjonsleder"),
    "fjellveien": ("Tor Espen Myklebust", "Avdelingsleder"),
    "nav-arstad": ("Hilde Brekke", "Teamleder"),
    "mh-bergen": ("Odd Arne Fjeld", "Daglig leder"),
}
CANCELLED_REASON = "Stedet har ikke veiledningskapasitet i perioden likevel."


def seed_placements() -> None:
    """Offers and placements for the Bergen cohorts: Praksis placements under way (or done,
    or ahead, as the timetable puts them) in the running cohort, open offers with a few
    preferences in the planned one, and completed placements in the finished one."""
    orgs = {
        spec.key: db.session.scalar(select(Organisation).where(Organisation.name == spec.name))
        for spec in ORGANISATIONS
        if spec.key in BERGEN_PLACES
    }
    partners = {
        key: db.session.scalar(
            select(User).where(User.organisation_id == org.id, User.role == Role.PARTNER)
        )
        for key, org in orgs.items()
    }
    seed_contacts(orgs, partners)
    running, planned, finished = (
        db.session.scalar(
            select(Cohort).where(
                Cohort.name == cohort_name(spec),
                Cohort.start_date == today() + timedelta(days=spec.starts_in_days),
            )
        )
        for spec in COHORTS[:3]
    )
    seed_running_cohort(running, orgs, partners)
    seed_planned_cohort(planned, orgs, partners)
    seed_finished_cohort(finished, orgs, partners)
    db.session.flush()


def seed_contacts(orgs: dict[str, Organisation], partners: dict[str, User]) -> None:
    for key, org in orgs.items():
        leader, title = LEADERS[key]
        db.session.add(
            ContactPerson(
                organisation=org,
                name=leader,
                role_title=title,
                email=f"{ascii_slug(leader)}@{STAFF_DOMAIN}",
                phone=f"55 90 00 {10 + BERGEN_PLACES.index(key)}",
            )
        )
        db.session.add(
            ContactPerson(
                organisation=org,
                name=partners[key].name,
                role_title="Praksisveileder",
                email=partners[key].email,
            )
        )


def practice_window(cohort: Cohort, module_code: str) -> tuple[date, date]:
    """The practice period from the timetable, else weeks 10–20 (Praksis I) or 28–38."""
    (start, end), scheduled = placements.practice_window(cohort, module_code)
    if scheduled:
        return start, end
    monday = monday_of(cohort.start_date) + timedelta(weeks=10 if module_code == "P1-01" else 28)
    return monday, min(monday + timedelta(weeks=10, days=-3), cohort.end_date)


def coordinator_of(cohort: Cohort) -> User:
    return db.session.scalar(
        select(User)
        .join(User.counties)
        .where(County.id == cohort.county_id, User.role == Role.COORDINATOR)
        .order_by(User.id)
    )


def trainees(cohort: Cohort, *statuses: EnrolmentStatus) -> list[Enrolment]:
    return list(
        db.session.scalars(
            select(Enrolment)
            .where(Enrolment.cohort_id == cohort.id, Enrolment.status.in_(statuses))
            .order_by(Enrolment.id)
        )
    )


def seed_offer(
    cohort: Cohort, key: str, org: Organisation, partner: User, module_code: str, places: int
) -> PlacementOffer:
    start, end = practice_window(cohort, module_code)
    offer = placement_offers.save_offer(
        None,
        cohort,
        placement_offers.OfferFields(
            organisation=org,
            module_code=module_code,
            start_date=start,
            end_date=end,
            places=places,
            field_of_work=FIELDS_OF_WORK[key],
            requirements=REQUIREMENTS.get(key, ""),
            politiattest_required=key == "fjellveien",
        ),
        by=partner,
    )
    offer.created_at = datetime.combine(
        min(cohort.start_date, today()) - timedelta(days=20), time(11), TIMEZONE
    )
    return offer


def seed_running_cohort(cohort: Cohort, orgs, partners) -> None:
    """Every participant has a placement in each practice period that has begun; the next
    one is offered, two are proposed to Bjørgvin DPS, and the login trainee has wishes."""
    coordinator = coordinator_of(cohort)
    people = trainees(cohort, S.DELTAR)
    for number, module_code in enumerate(("P1-01", "P2-01")):
        start, _end = practice_window(cohort, module_code)
        offers = {
            key: seed_offer(cohort, key, orgs[key], partners[key], module_code, 3)
            for key in BERGEN_PLACES
        }
        if start <= today() + timedelta(days=21):
            for index, enrolment in enumerate(people):
                key = BERGEN_PLACES[(index + number) % len(BERGEN_PLACES)]
                seed_placement(enrolment, key, orgs[key], partners[key], coordinator, offers[key])
            continue
        for enrolment in people[1:3]:
            key = "bjorgvin-dps"
            seed_placement(enrolment, key, orgs[key], partners[key], coordinator, offers[key])
        wishes = (offers["mh-bergen"], offers["nav-arstad"], offers["fjellveien"])
        for enrolment in [people[0], *people[3:6]]:
            for rank, offer in enumerate(wishes[: 2 + enrolment.id % 2], start=1):
                db.session.add(
                    PlacementPreference(enrolment_id=enrolment.id, offer=offer, rank=rank)
                )
    # A trainee with a protection marker: partners see no name or contact details.
    if len(people) > 4:
        people[4].person.protected = True


def seed_planned_cohort(cohort: Cohort, orgs, partners) -> None:
    offers = [
        seed_offer(cohort, key, orgs[key], partners[key], "P1-01", places)
        for key, places in zip(BERGEN_PLACES, (2, 3, 1, 2), strict=True)
    ]
    seed_offer(cohort, "bjorgvin-dps", orgs["bjorgvin-dps"], partners["bjorgvin-dps"], "P2-01", 2)
    for number, enrolment in enumerate(trainees(cohort, S.VENTER_PA_OPPSTART)[:3]):
        ranked = offers[number:] + offers[:number]
        for rank, offer in enumerate(ranked[:3], start=1):
            db.session.add(PlacementPreference(enrolment_id=enrolment.id, offer=offer, rank=rank))


def seed_certificates() -> None:
    """A self-signed key pair in the data directory, and certificates for every trainee of
    a finished cohort who may have one (as the coordinator's "issue all" would)."""
    from flask import current_app

    from mbtrain.certificates import services as certificates
    from mbtrain.certificates import signing as certificate_signing
    from mbtrain.certificates.eligibility import cohort_candidates

    key, cert = certificates.signing_paths()
    certificate_signing.create_self_signed(key, cert, "mbtrain demo")
    base_url = current_app.config["PUBLIC_URL"] or "http://127.0.0.1:5000"
    finished = db.session.scalars(
        select(Cohort).where(Cohort.status == CohortStatus.AVSLUTTET).order_by(Cohort.id)
    )
    with current_app.test_request_context(base_url=base_url):
        for cohort in finished:
            certificates.issue_all(cohort_candidates(cohort, today()), coordinator_of(cohort))


def seed_finished_cohort(cohort: Cohort, orgs, partners) -> None:
    """Both practice periods for each who took part to the end (completed after this, by
    seed_completions)."""
    coordinator = coordinator_of(cohort)
    for index, enrolment in enumerate(trainees(cohort, S.DELTAR)):
        for number, module_code in enumerate(("P1-01", "P2-01")):
            key = BERGEN_PLACES[(index + number) % len(BERGEN_PLACES)]
            seed_placement(
                enrolment, key, orgs[key], partners[key], coordinator, module_code=module_code
            )


def seed_placement(
    enrolment: Enrolment,
    key: str,
    organisation: Organisation,
    supervisor: User,
    coordinator: User,
    offer: PlacementOffer | None = None,
    module_code: str = "",
) -> Placement:
    """A placement proposed by the coordinator, confirmed by the supervisor, its gates
    recorded, and started or finished as its dates say: made and walked by the placement
    services (PLACEMENT_WALK), so their rules hold, with its history at believable times."""
    module_code = offer.module_code if offer else module_code
    start, end = (
        (offer.start_date, offer.end_date)
        if offer
        else practice_window(enrolment.cohort, module_code)
    )
    co_name = LEADERS[key][0] if enrolment.id % 3 == 0 else ""
    fields = placements.PlacementFields(
        organisation=organisation,
        module_code=module_code,
        supervisor_name=supervisor.name,
        supervisor_email=supervisor.email,
        co_supervisor_name=co_name,
        co_supervisor_email=f"{ascii_slug(co_name)}@{STAFF_DOMAIN}" if co_name else "",
        start_date=start,
        end_date=end,
        weekly_hours=19,
        politiattest_required=key == "fjellveien",
        offer=offer,
    )
    placement = placements.create_placement(enrolment, fields, by=coordinator)
    placement.created_at = min(
        datetime.combine(start - timedelta(days=30), time(10), TIMEZONE), now()
    )
    placement.events[0].at = placement.created_at
    target = (
        PlacementStatus.COMPLETED
        if end < today()
        else PlacementStatus.ACTIVE
        if start <= today()
        else PlacementStatus.CONFIRMED
        if start <= today() + timedelta(days=21)
        else PlacementStatus.PROPOSED
    )
    steps = {
        PlacementStatus.CONFIRMED: (
            min(datetime.combine(start - timedelta(days=21), time(9), TIMEZONE), now()),
            None,
            supervisor.email,
        ),
        PlacementStatus.ACTIVE: (datetime.combine(start, time(8), TIMEZONE), coordinator, ""),
        PlacementStatus.COMPLETED: (datetime.combine(end, time(16), TIMEZONE), coordinator, ""),
    }
    for step in PLACEMENT_WALK[target]:
        at, by_user, by_email = steps[step]
        placements.set_status(placement, step, by_user=by_user, by_email=by_email).at = at
        if step is PlacementStatus.CONFIRMED:
            seed_gates(placement, coordinator)
    db.session.flush()
    return placement


def seed_gates(placement: Placement, coordinator: User) -> None:
    """The gates to the start, each recorded by the coordinator on its day once that has
    come (the service refuses dates ahead): the politiattest, where required, checked two
    weeks before the start, the taushetserklæring signed ten days before."""
    start = placement.start_date
    gates = [("confidentiality_signed_on", start - timedelta(days=10))]
    if placement.politiattest_required:
        gates.insert(0, ("politiattest_checked_on", start - timedelta(days=14)))
    for gate, day in gates:
        if day > today():
            break
        recorded = {
            "confidentiality_signed_on": placement.confidentiality_signed_on,
            "politiattest_checked_on": placement.politiattest_checked_on,
            gate: day,
        }
        placements.record_gates(placement, **recorded, today=today(), by=coordinator)
        placement.events[-1].at = min(datetime.combine(day, time(10), TIMEZONE), now())


def now() -> datetime:
    return datetime.now(TIMEZONE)
