"""People and organisations: seeded Norwegian names, the staff and partner accounts, the
organisations with made-up organisation numbers, and their contact persons."""

import random
import unicodedata
from dataclasses import dataclass
from datetime import date

from faker import Faker

from mbtrain.accounts import services as accounts
from mbtrain.accounts.models import Role, User
from mbtrain.demo.base import (
    DEMO_PASSWORD,
    LOCALE,
    LOGIN_EMAILS,
    OSLO,
    SEED,
    STAFF_DOMAIN,
    VESTLAND,
)
from mbtrain.organisations import services as organisations
from mbtrain.organisations.models import County, Organisation
from mbtrain.organisations.models import OrganisationType as Type


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
# The places the Bergen cohorts' placements are at, and their leaders (synthetic, not drawn
# from Faker, so that the names drawn before these stay the same).
BERGEN_PLACES = ("bjorgvin-dps", "fjellveien", "nav-arstad", "mh-bergen")
LEADERS = {
    "bjorgvin-dps": ("Siri Haugland", "Seksjonsleder"),
    "fjellveien": ("Tor Espen Myklebust", "Avdelingsleder"),
    "nav-arstad": ("Hilde Brekke", "Teamleder"),
    "mh-bergen": ("Odd Arne Fjeld", "Daglig leder"),
}


def demo_password_hash() -> str:
    # One scrypt hash shared by every demo account: hashing fifty passwords takes seconds.
    accounts.check_password_rules(DEMO_PASSWORD)
    return accounts.hash_password(DEMO_PASSWORD)


def make_user(
    people: People,
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


def seed_staff(people: People, password_hash: str, counties: dict[str, County]) -> None:
    vestland, oslo = counties[VESTLAND], counties[OSLO]
    make_user(people, password_hash, Role.ADMIN, LOGIN_EMAILS[Role.ADMIN])
    make_user(people, password_hash, Role.COORDINATOR, LOGIN_EMAILS[Role.COORDINATOR], [vestland])
    make_user(people, password_hash, Role.COORDINATOR, counties=[oslo])
    make_user(people, password_hash, Role.COORDINATOR, counties=[vestland, oslo])
    make_user(people, password_hash, Role.INSTRUCTOR, LOGIN_EMAILS[Role.INSTRUCTOR])
    for _ in range(3):
        make_user(people, password_hash, Role.INSTRUCTOR)


def seed_partners(people: People, password_hash: str, by_key: dict[str, Organisation]) -> None:
    for spec in ORGANISATIONS:
        if spec.partner:
            email = LOGIN_EMAILS[Role.PARTNER] if spec.key == LOGIN_PARTNER_ORGANISATION else None
            make_user(people, password_hash, Role.PARTNER, email, organisation=by_key[spec.key])


def seed_contacts(orgs: dict[str, Organisation], partners: dict[str, User]) -> None:
    """The leader and the praksisveileder of each place, as the coordinator adds them."""
    for key, org in orgs.items():
        leader, title = LEADERS[key]
        organisations.add_contact(
            org,
            name=leader,
            email=f"{ascii_slug(leader)}@{STAFF_DOMAIN}",
            phone=f"55 90 00 {10 + BERGEN_PLACES.index(key)}",
            role_title=title,
        )
        partner = partners[key]
        organisations.add_contact(
            org, name=partner.name, email=partner.email, phone="", role_title="Praksisveileder"
        )
