"""What every part of the demo shares: its seed, its addresses, the printed logins and a few
small helpers."""

import random
from collections.abc import Sequence
from datetime import UTC, date, datetime, time, tzinfo
from typing import NamedTuple, TypeVar

from sqlalchemy import insert

from mbtrain.accounts.models import Role
from mbtrain.extensions import db
from mbtrain.i18n import TIMEZONE

DEMO_PASSWORD = "demo-passord-2026"
SEED = 2026
LOCALE = "no_NO"  # Faker's Norwegian (bokmål) locale; Faker has no "nb_NO"
STAFF_DOMAIN = "example.org"
TRAINEE_DOMAIN = "example.net"
RESERVED_DOMAINS = ("example.org", "example.net", "example.com")
VESTLAND, OSLO = "46", "03"
TEST_NET_IP = "192.0.2.10"  # TEST-NET-1: an address reserved for examples

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


T = TypeVar("T")


def draw(rng: random.Random, mix: Sequence[tuple[T, float]]) -> T:
    """One of the values in ``mix`` ((value, share), …), drawn by its share."""
    point, total = rng.random(), 0.0
    for value, share in mix:
        total += share
        if point < total:
            return value
    return mix[0][0]


def at(day: date, hour: int, zone: tzinfo = TIMEZONE) -> datetime:
    """``hour`` o'clock on ``day``."""
    return datetime.combine(day, time(hour), zone)


def now() -> datetime:
    return datetime.now(TIMEZONE)


def at_utc(day: date, hour: int = 10) -> datetime:
    """``hour`` o'clock UTC on ``day`` (the national history's times)."""
    return at(day, hour, UTC)


def insert_returning(model: type[db.Model], rows: Sequence[dict]) -> list[int]:
    """Bulk rows (one executemany) of ``model``; their ids, in the order of ``rows``."""
    if not rows:
        return []
    result = db.session.execute(
        insert(model).returning(model.id, sort_by_parameter_order=True), rows
    )
    return list(result.scalars())
