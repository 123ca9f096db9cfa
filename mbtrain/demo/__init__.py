"""Realistic synthetic demo data: Norwegian names from Faker, made-up organisation numbers.

No real person is in it, and every address is on a domain reserved for examples (RFC 2606),
so no mail can reach anyone. The data is seeded: every run builds the same people. New kinds
of data get a ``seed_…`` function called at the end of ``build_demo_data``, so that the names
drawn before it stay the same.

One module per area: ``people`` (accounts, organisations, contacts), ``cohorts`` (cohorts
and intake), ``schedule`` (timetables and attendance), ``placements`` (offers and
placements), ``followup``, ``assessments``, ``certificates``; ``national`` adds the
national history behind the reports (``mbtrain demo --scale national``). Everything goes
through the services and flushes; the caller commits.
"""

from pathlib import Path

from flask_migrate import downgrade
from sqlalchemy import select

from mbtrain.accounts import services as accounts
from mbtrain.accounts.models import Role, User
from mbtrain.demo.access import seed_access_history
from mbtrain.demo.assessments import seed_assessments
from mbtrain.demo.base import DEMO_PASSWORD, LOGIN_EMAILS, RESERVED_DOMAINS, SEED, Login
from mbtrain.demo.certificates import seed_certificates
from mbtrain.demo.cohorts import COHORTS, cohort_name, seed_cohorts, seed_completions
from mbtrain.demo.followup import seed_followup
from mbtrain.demo.people import (
    People,
    ascii_slug,
    demo_password_hash,
    orgnr_check_digit,
    seed_organisations,
    seed_partners,
    seed_staff,
    synthetic_orgnrs,
)
from mbtrain.demo.placements import seed_placements
from mbtrain.demo.schedule import seed_schedules
from mbtrain.extensions import db
from mbtrain.organisations.models import County

__all__ = [
    "COHORTS",
    "DEMO_PASSWORD",
    "RESERVED_DOMAINS",
    "SEED",
    "Login",
    "People",
    "ascii_slug",
    "build_demo_data",
    "cohort_name",
    "demo_logins",
    "describe",
    "ensure_demo_data",
    "orgnr_check_digit",
    "reset_database",
    "synthetic_orgnrs",
]


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
    seed_placements()  # after the timetable (practice periods)
    seed_followup()  # completes the placements that are over, before the course completions
    seed_completions()  # after the placements, which only those who hold a place can get
    seed_assessments()
    seed_certificates()  # certificates freeze what everything above recorded
    seed_access_history()  # who looked at each trainee's data over the months


def demo_logins() -> list[Login]:
    users = db.session.scalars(select(User).where(User.email.in_(LOGIN_EMAILS.values())))
    by_email = {user.email: user for user in users}
    return [
        Login(role.value.lower(), email, by_email[email].name)
        for role, email in LOGIN_EMAILS.items()
        if email in by_email
    ]


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
