"""The nightly progression: statuses that follow from the calendar alone.

At a cohort's start VENTER_PA_OPPSTART → DELTAR; after its end DELTAR → FULLFORT and everyone
who never started → IKKE_AKTUELL. In a cancelled cohort, DELTAR → AVBRUTT and the rest →
IKKE_AKTUELL (cancelling does this at once; the progression catches anything left). Cohorts move
PLANLAGT → GJENNOMFORES → AVSLUTTET the same way. Running it twice changes nothing more.
"""

from collections import Counter
from datetime import date

from sqlalchemy import select

from mbtrain.cohorts.models import Cohort, CohortStatus
from mbtrain.enrolments.models import Enrolment, EnrolmentStatus, StatusReason
from mbtrain.enrolments.services import change_status, end_enrolments_of_cancelled_cohort
from mbtrain.enrolments.transitions import APPLYING, ENDED
from mbtrain.extensions import db

S = EnrolmentStatus
NEVER_STARTED = APPLYING | {S.VENTELISTE, S.VENTER_PA_OPPSTART}
RUNNING = (CohortStatus.PLANLAGT, CohortStatus.GJENNOMFORES)
CANCELLED = (CohortStatus.AVLYST, CohortStatus.AVBRUTT)


def progress_statuses(today: date) -> Counter[str]:
    """Apply every change due on `today`; returns what changed, counted by kind."""
    changes: Counter[str] = Counter()
    has_active = (
        select(Enrolment.id)
        .where(Enrolment.cohort_id == Cohort.id, Enrolment.status.not_in(ENDED))
        .exists()
    )
    running = Cohort.status.in_(RUNNING) & (Cohort.start_date <= today)
    cancelled = Cohort.status.in_(CANCELLED) & has_active
    cohorts = db.session.scalars(select(Cohort).where(running | cancelled)).all()
    for cohort in cohorts:
        _progress_cohort(cohort, today, changes)
    return changes


def _progress_cohort(cohort: Cohort, today: date, changes: Counter[str]) -> None:
    if cohort.status.cancelled:
        changes["avsluttet fordi kurset er avlyst/avbrutt"] += end_enrolments_of_cancelled_cohort(
            cohort, by=None
        )
        return
    ended = today > cohort.end_date
    if cohort.status is CohortStatus.PLANLAGT:
        cohort.status = CohortStatus.GJENNOMFORES
        changes["kurs startet"] += 1
    enrolments = db.session.scalars(
        select(Enrolment).where(Enrolment.cohort_id == cohort.id, Enrolment.status.not_in(ENDED))
    ).all()
    for enrolment in enrolments:
        target = _due_status(enrolment.status, cohort, ended)
        if target is None:
            continue
        reason = StatusReason.FIKK_IKKE_PLASS if target is S.IKKE_AKTUELL else None
        change_status(enrolment, target, by=None, reason=reason)
        if target is S.DELTAR:
            enrolment.start_date = cohort.start_date
        if target is S.FULLFORT:
            enrolment.end_date = cohort.end_date
        changes[target.value] += 1
    if ended and cohort.status is CohortStatus.GJENNOMFORES:
        cohort.status = CohortStatus.AVSLUTTET
        changes["kurs avsluttet"] += 1
    db.session.flush()


def _due_status(status: EnrolmentStatus, cohort: Cohort, ended: bool) -> EnrolmentStatus | None:
    if ended and status is S.DELTAR:
        return S.FULLFORT
    if ended and status in NEVER_STARTED:
        return S.IKKE_AKTUELL
    if status is S.VENTER_PA_OPPSTART:
        return S.DELTAR
    return None
