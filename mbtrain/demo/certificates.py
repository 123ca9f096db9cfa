"""Certificates for the demo and the national history: issued as the coordinator's "issue
all" would, to whoever the completion engine finds eligible, and signed with a self-signed
key pair made in the data directory (kept if it is there)."""

from collections.abc import Iterable, Iterator
from datetime import date

from flask import current_app
from sqlalchemy import select

from mbtrain.accounts.models import User
from mbtrain.cohorts.models import Cohort, CohortStatus
from mbtrain.demo.cohorts import coordinator_in
from mbtrain.extensions import db
from mbtrain.i18n import today


def issue_certificates(
    cohorts: Iterable[tuple[Cohort, User]], on: date
) -> Iterator[tuple[Cohort, int]]:
    """Each (cohort, issuer) in turn, with how many certificates the certificates service
    issued (rendered, signed, stored) for the cohort on the day ``on``."""
    from mbtrain.certificates import services as certificates
    from mbtrain.certificates import signing
    from mbtrain.certificates.eligibility import cohort_candidates

    key, cert = certificates.signing_paths()
    signing.create_self_signed(key, cert, "mbtrain demo")
    base_url = current_app.config["PUBLIC_URL"] or "http://127.0.0.1:5000"
    with current_app.test_request_context(base_url=base_url):
        for cohort, issuer in cohorts:
            yield cohort, len(certificates.issue_all(cohort_candidates(cohort, on), issuer))


def seed_certificates() -> int:
    """Certificates for every trainee of a finished cohort who may have one; how many."""
    finished = db.session.scalars(
        select(Cohort).where(Cohort.status == CohortStatus.AVSLUTTET).order_by(Cohort.id)
    ).all()
    pairs = [(cohort, coordinator_in(cohort.county_id)) for cohort in finished]
    return sum(issued for _cohort, issued in issue_certificates(pairs, today()))
