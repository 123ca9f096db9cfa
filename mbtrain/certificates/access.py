"""Certificates and cohorts for the certificate pages: found only where this user may see
them, otherwise 404 (the same answer as for one that does not exist)."""

from datetime import date

from flask import abort
from flask_login import current_user
from sqlalchemy import Select, select
from sqlalchemy.orm import defer, joinedload, selectinload

from mbtrain.certificates import codes, services
from mbtrain.certificates.eligibility import CohortCandidates, cohort_candidates
from mbtrain.certificates.models import Certificate, CertificateBatch, CertificateBatchItem
from mbtrain.cohorts import access as cohort_access
from mbtrain.cohorts.models import Cohort
from mbtrain.enrolments.models import Enrolment
from mbtrain.extensions import db
from mbtrain.people.models import Person
from mbtrain.policy import may_manage_county, reachable_enrolments


def load_by_code(code: str) -> Certificate:
    """The certificate with this code, for anyone; 404 for a code that is not one."""
    try:
        certificate = services.find_by_code(code)
    except codes.CodeError:
        certificate = None
    if certificate is None:
        abort(404)
    return certificate


def load_cohort(cohort_id: int) -> Cohort:
    """A cohort this user may issue certificates in; 404 otherwise."""
    return cohort_access.load_cohort(cohort_id, manage=True, options=cohort_access.HEADER)


def load_candidates(
    cohort: Cohort, today: date, enrolment_id: int | None = None
) -> CohortCandidates:
    """The cohort's trainees with what they may have; asked for one, 404 unless it is one of
    the cohort's trainees."""
    found = cohort_candidates(cohort, today, enrolment_id)
    if enrolment_id is not None and found.candidate(enrolment_id) is None:
        abort(404)
    return found


def load_batch(cohort: Cohort, batch_id: int) -> CertificateBatch:
    """A certificate batch of this cohort (one the user may issue in); 404 otherwise."""
    batch = db.session.scalar(
        select(CertificateBatch)
        .where(CertificateBatch.id == batch_id, CertificateBatch.cohort_id == cohort.id)
        .options(
            joinedload(CertificateBatch.requested_by),
            selectinload(CertificateBatch.items)
            .joinedload(CertificateBatchItem.enrolment)
            .joinedload(Enrolment.person),
            selectinload(CertificateBatch.items)
            .joinedload(CertificateBatchItem.certificate)
            .load_only(Certificate.id, Certificate.number),
        )
    )
    if batch is None:
        abort(404)
    return batch


def load_certificate(certificate_id: int) -> Certificate:
    """A certificate in a cohort this user manages; 404 otherwise."""
    certificate = db.session.scalar(
        select(Certificate)
        .join(Enrolment, Enrolment.id == Certificate.enrolment_id)
        .join(Cohort, Cohort.id == Enrolment.cohort_id)
        .where(
            Certificate.id == certificate_id,
            reachable_enrolments(current_user),
        )
        .options(
            joinedload(Certificate.enrolment).joinedload(Enrolment.cohort),
            joinedload(Certificate.enrolment).joinedload(Enrolment.person),
        )
    )
    if certificate is None or not may_manage_county(
        current_user, certificate.enrolment.cohort.county_id
    ):
        abort(404)
    return certificate


def own_certificates() -> Select:
    """The signed-in trainee's own certificates, and nobody else's."""
    return (
        select(Certificate)
        .join(Enrolment, Enrolment.id == Certificate.enrolment_id)
        .join(Person, Person.id == Enrolment.person_id)
        .where(Person.user_id == current_user.id)
    )


def own_certificate_list() -> list[Certificate]:
    """The trainee's own certificates, newest first, without their bytes."""
    return db.session.scalars(
        own_certificates()
        .options(defer(Certificate.pdf), joinedload(Certificate.superseded_by))
        .order_by(Certificate.issued_at.desc())
    ).all()


def own_person_id() -> int | None:
    return db.session.scalar(select(Person.id).where(Person.user_id == current_user.id))


def load_own_certificate(certificate_id: int) -> Certificate:
    certificate = db.session.scalar(
        own_certificates()
        .where(Certificate.id == certificate_id)
        .options(joinedload(Certificate.enrolment))
    )
    if certificate is None:
        abort(404)
    return certificate
