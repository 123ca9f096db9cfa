from datetime import timedelta

import pytest

from mbtrain.cohorts.models import CohortStatus
from mbtrain.enrolments import services as enrolments
from mbtrain.enrolments.models import EnrolmentStatus, StatusReason
from mbtrain.extensions import db
from mbtrain.i18n import today


@pytest.fixture
def make_ended(make_cohort, make_enrolment):
    """A trainee who ended the course ``days_ago`` days ago (FULLFORT unless told)."""

    def make(days_ago: int, status=EnrolmentStatus.FULLFORT, cohort=None, **kwargs):
        end = today() - timedelta(days=days_ago)
        if cohort is None:
            cohort = make_cohort(
                start_date=end - timedelta(days=330),
                end_date=end,
                status=CohortStatus.GJENNOMFORES,
                **kwargs,
            )
        enrolment = make_enrolment(cohort, EnrolmentStatus.DELTAR)
        enrolment.start_date, enrolment.end_date = cohort.start_date, end
        reason = StatusReason.SYK if status is EnrolmentStatus.AVBRUTT else None
        enrolments.change_status(enrolment, status, by=None, reason=reason)
        cohort.status = CohortStatus.AVSLUTTET
        db.session.commit()
        return enrolment

    return make
