"""Certificate batches: the confirmed «issue to all», issued by the worker one person per
transaction. Flush, never commit: the worker (mbtrain/jobs.py) commits after each person, so
the batch's page shows progress as it goes and a killed worker loses nothing it issued; the
next run (a nudge or the sweep) goes on with whoever is still waiting.

Each person is issued under the cohort's lock and by issuing's own rules, asked again at the
moment of issuing: someone who got a valid kursbevis meanwhile, or no longer meets the
requirements, is reported and not issued, so no trainee ever holds two valid ones.
"""

import logging

from flask import g
from sqlalchemy import select, update

from mbtrain.accounts.models import User
from mbtrain.audit.models import AccessAction
from mbtrain.audit.services import log_change
from mbtrain.certificates import services
from mbtrain.certificates.eligibility import CohortCandidates, cohort_candidates
from mbtrain.certificates.models import (
    BatchFailure,
    Certificate,
    CertificateBatch,
    CertificateBatchItem,
    CertificateKind,
)
from mbtrain.cohorts.models import Cohort
from mbtrain.database import utcnow
from mbtrain.extensions import db
from mbtrain.i18n import today

log = logging.getLogger(__name__)
PURPOSE = "CERTIFICATE"


def start_batch(
    found: CohortCandidates, enrolment_ids: list[int], by: User, language: str = "nb"
) -> CertificateBatch:
    """A batch for exactly the people named on the confirmation page; refused as a whole (as
    issuing at once was) if any of them may not have a kursbevis from that page now. The
    worker is asked to start once the request commits."""
    services.check_confirmed(found, enrolment_ids, language)
    batch = CertificateBatch(cohort_id=found.cohort.id, language=language, requested_by_id=by.id)
    batch.items = [
        CertificateBatchItem(enrolment_id=enrolment_id)
        for enrolment_id in dict.fromkeys(enrolment_ids)
    ]
    db.session.add(batch)
    db.session.flush()
    g.setdefault("certificate_batch_ids", []).append(batch.id)  # mbtrain.web nudges the worker
    return batch


def unfinished() -> list[int]:
    """Batches with someone still waiting, oldest first: what a restarted worker resumes."""
    return list(
        db.session.scalars(
            select(CertificateBatch.id)
            .where(CertificateBatch.finished_at.is_(None))
            .order_by(CertificateBatch.id)
        )
    )


def issue_next(batch_id: int) -> bool:
    """Issue to (or report) the next person waiting in the batch; False when nobody waits,
    and the batch is then marked finished. One call is one transaction's worth."""
    # Writing to the batch first holds it (a row lock; SQLite's write lock), so two workers
    # on one batch take turns and read who is waiting only once it is their turn.
    held = db.session.execute(
        update(CertificateBatch)
        .where(CertificateBatch.id == batch_id, CertificateBatch.finished_at.is_(None))
        .values(language=CertificateBatch.language)
    )
    if not held.rowcount:
        return False
    batch = db.session.get(CertificateBatch, batch_id, populate_existing=True)
    item = db.session.scalar(
        select(CertificateBatchItem)
        .where(
            CertificateBatchItem.batch_id == batch_id,
            CertificateBatchItem.certificate_id.is_(None),
            CertificateBatchItem.failure.is_(None),
        )
        .order_by(CertificateBatchItem.id)
        .limit(1)
    )
    if item is None:
        batch.finished_at = utcnow()
        db.session.flush()
        log.info("certificate batch %s finished", batch_id)
        return False
    cohort = db.session.get(Cohort, batch.cohort_id)
    services.lock_cohort(cohort)
    found = cohort_candidates(cohort, today(), item.enrolment_id)
    item.failure = refusal(found, item.enrolment_id, batch.language)
    if item.failure is None:
        _issue(found, item, batch)
    item.finished_at = utcnow()
    db.session.flush()
    return True


def refusal(found: CohortCandidates, enrolment_id: int, language: str) -> BatchFailure | None:
    """Why this person may not be issued a kursbevis now, by issuing's rules; None if they may."""
    candidate = found.candidate(enrolment_id)
    if candidate is None:
        return BatchFailure.NOT_IN_COHORT
    if not candidate.may_have:
        return BatchFailure.NOT_ELIGIBLE
    if language in candidate.issued:
        return BatchFailure.HAS_CERTIFICATE
    if candidate.kind is not CertificateKind.KURSBEVIS:
        return BatchFailure.LEFT
    return None


def _issue(found: CohortCandidates, item: CertificateBatchItem, batch: CertificateBatch) -> None:
    try:
        with db.session.begin_nested():
            (certificate,) = services.issue(
                found, [item.enrolment_id], batch.requested_by, batch.language
            )
    except services.CertificateError as error:
        item.failure, item.failure_detail = BatchFailure.REFUSED, str(error)[:500]
        log.warning("certificate batch %s: enrolment %s refused: %s", batch.id, item.id, error)
        return
    item.certificate_id = certificate.id
    log_issued(found, [certificate], actor=batch.requested_by)


def log_issued(
    found: CohortCandidates, certificates: list[Certificate], actor: User | None = None
) -> None:
    """An access-log row per certificate issued, for its trainee; ``actor``: who asked, where
    the worker issues without a signed-in user."""
    for certificate in certificates:
        trainee = found.candidate(certificate.enrolment_id).progress.trainee
        log_change(
            "certificate",
            PURPOSE,
            action=AccessAction.CREATE,
            object_id=certificate.id,
            subject_person_id=trainee.person_id,
            subject_user_id=trainee.user_id,
            actor=actor,
        )
