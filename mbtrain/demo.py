"""Realistic synthetic demo data: Norwegian names from Faker, made-up organisation numbers.

No real person is in it, and every address is on a domain reserved for examples (RFC 2606),
so no mail can reach anyone. The data is seeded: every run builds the same people. New kinds
of data get a ``seed_…`` function called at the end of ``build_demo_data``, so that the names
drawn before it stay the same.
"""

import random
import unicodedata
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import NamedTuple

from faker import Faker
from flask_migrate import downgrade
from sqlalchemy import select

from mbtrain.accounts import services as accounts
from mbtrain.accounts.models import Role, User
from mbtrain.cohorts.models import CancelReason, Cohort, CohortStatus
from mbtrain.cohorts.services import cancel_cohort
from mbtrain.curriculum import services as curricula
from mbtrain.curriculum.loader import shipped_curricula
from mbtrain.curriculum.models import CurriculumVersion
from mbtrain.enrolments import services as enrolments
from mbtrain.enrolments.models import Enrolment, EnrolmentStatus, StatusReason
from mbtrain.extensions import db
from mbtrain.i18n import TIMEZONE, today
from mbtrain.organisations import services as organisations
from mbtrain.organisations.models import County, Organisation
from mbtrain.organisations.models import OrganisationType as Type

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

    name: str
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
        "MB-opplæring Bergen 2025–2026",
        VESTLAND,
        "fjordlys",
        -110,
        16,
        {S.DELTAR: 12, S.AVBRUTT: 1},
    ),
    CohortSpec(
        "MB-opplæring Bergen 2026–2027",
        VESTLAND,
        "fjordlys",
        70,
        18,
        {S.SOKT_INN: 3, S.VURDERES: 2, S.VENTER_PA_OPPSTART: 4, S.VENTELISTE: 2, S.IKKE_AKTUELL: 1},
    ),
    CohortSpec(
        "MB-opplæring Bergen 2024–2025",
        VESTLAND,
        "fjordlys",
        -480,
        15,
        {S.FULLFORT: 4, S.AVBRUTT: 1},
    ),
    CohortSpec("MB-opplæring Oslo 2025–2026", OSLO, "akerselva", -60, 14, {S.DELTAR: 7}),
    CohortSpec(
        "MB-opplæring Oslo 2027",
        OSLO,
        "akerselva",
        40,
        12,
        {S.VENTER_PA_OPPSTART: 2, S.IKKE_AKTUELL: 1},
        cancel=CancelReason.FOR_FAA_DELTAKERE,
    ),
)
COHORT_DAYS = 330
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
            name=spec.name,
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
        if step is S.VURDERES:
            enrolment.meets_requirements = final is not S.IKKE_AKTUELL
            enrolment.assessment = (
                "Intervju gjennomført. Motivert, avklart forhold til egen historie."
            )
            enrolment.assessed_by, enrolment.assessed_at = by, at
        if step is S.DELTAR:
            at = max(at, datetime.combine(cohort.start_date, time(8), TIMEZONE))
            enrolment.start_date = cohort.start_date
        if step in (S.FULLFORT, S.AVBRUTT):
            end = cohort.end_date if step is S.FULLFORT else cohort.start_date + timedelta(days=60)
            at, enrolment.end_date = datetime.combine(end, time(16), TIMEZONE), end
        enrolments.change_status(enrolment, step, by=by, reason=REASONS.get(step), at=at)
    if final in (S.VENTER_PA_OPPSTART, S.DELTAR, S.FULLFORT, S.AVBRUTT):
        user = accounts.create_user(email=enrolment.person.email, name=name, role=Role.TRAINEE)
        user.password_hash = password_hash
        enrolment.person.user = user
    return enrolment


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
