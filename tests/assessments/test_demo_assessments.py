"""The demo shows assessments the way a real course would have them."""

from sqlalchemy import func, select

from mbtrain.assessments.models import AssessmentResult as R
from mbtrain.assessments.models import ModuleAssessment, ProjectAssignment
from mbtrain.cohorts.models import Cohort, CohortStatus
from mbtrain.enrolments.models import Enrolment, EnrolmentStatus
from mbtrain.extensions import db


def results_in(status: CohortStatus) -> list[tuple[EnrolmentStatus, R]]:
    return db.session.execute(
        select(Enrolment.status, ModuleAssessment.result)
        .join(Enrolment, Enrolment.id == ModuleAssessment.enrolment_id)
        .join(Cohort, Cohort.id == Enrolment.cohort_id)
        .where(Cohort.status == status)
    ).all()


def test_the_finished_cohort_is_approved_and_the_running_ones_are_under_way(demo_data):
    finished = results_in(CohortStatus.AVSLUTTET)
    completed = [result for status, result in finished if status is EnrolmentStatus.FULLFORT]
    assert len(completed) == 4 * 14 and set(completed) == {R.GODKJENT}
    running = [result for _, result in results_in(CohortStatus.GJENNOMFORES)]
    assert running and running.count(R.IKKE_GODKJENT) == 1
    approved_projects = db.session.scalar(
        select(func.count()).select_from(ProjectAssignment).where(ProjectAssignment.approved)
    )
    assert approved_projects == 4
    assert db.session.scalar(select(func.count()).select_from(Cohort)) == 5
