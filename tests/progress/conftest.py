"""A running cohort with a timetable, attendance, placements and results, built row by row."""

import hashlib
from datetime import date, time, timedelta

import pytest

from mbtrain.assessments.models import AssessmentResult, ModuleAssessment, ProjectAssignment
from mbtrain.attendance.models import AttendanceRecord
from mbtrain.cohorts.models import CohortStatus
from mbtrain.curriculum.loader import AttendanceStatus
from mbtrain.enrolments.models import EnrolmentStatus
from mbtrain.extensions import db
from mbtrain.organisations.models import OrganisationType
from mbtrain.placements.models import (
    FinalEvaluation,
    HoursEntry,
    Placement,
    PlacementStatus,
    Signature,
    SignedAction,
    SignedVia,
)
from mbtrain.schedule.models import CourseSession

START = date(2027, 1, 4)
TODAY = date(2027, 3, 22)  # a Monday, eleven weeks in


class Builder:
    """Adds rows the way the other areas' services would, without going through them."""

    def __init__(self, make_cohort, make_enrolment, make_organisation):
        self.make_cohort, self.make_enrolment = make_cohort, make_enrolment
        self.organisation = make_organisation("Bjørgvin DPS", type=OrganisationType.HELSEFORETAK)

    def cohort(self, **fields):
        fields.setdefault("status", CohortStatus.GJENNOMFORES)
        return self.make_cohort(**fields)

    def trainee(self, cohort, name=None, status=EnrolmentStatus.DELTAR, **fields):
        if name is not None:
            fields["name"] = name
        enrolment = self.make_enrolment(cohort, EnrolmentStatus.DELTAR, **fields)
        enrolment.start_date = cohort.start_date
        if status is not EnrolmentStatus.DELTAR:
            enrolment.status = status
        db.session.commit()
        return enrolment

    def sessions(self, cohort, module_code, first, count, hours=5.0, every=7, **fields):
        made = [
            CourseSession(
                cohort_id=cohort.id,
                module_code=module_code,
                date=first + timedelta(days=every * n),
                starts_at=time(9),
                hours=hours,
                **fields,
            )
            for n in range(count)
        ]
        db.session.add_all(made)
        db.session.commit()
        return made

    def attend(self, enrolment, session, status=AttendanceStatus.TIL_STEDE, hours=None):
        if hours is None:
            hours = session.hours if status is AttendanceStatus.TIL_STEDE else 0.0
        db.session.add(
            AttendanceRecord(
                session_id=session.id, enrolment_id=enrolment.id, status=status, hours_present=hours
            )
        )
        db.session.commit()

    def placement(self, enrolment, module_code="P1-01", start=START, weeks=10, **fields):
        fields.setdefault("status", PlacementStatus.ACTIVE)
        placement = Placement(
            enrolment_id=enrolment.id,
            organisation_id=self.organisation.id,
            module_code=module_code,
            supervisor_name="Synne Veileder",
            supervisor_email="veileder@example.org",
            start_date=start,
            end_date=start + timedelta(weeks=weeks) - timedelta(days=3),
            weekly_hours=fields.pop("weekly_hours", 19.0),
            **fields,
        )
        db.session.add(placement)
        db.session.commit()
        return placement

    def signature(self, placement, action):
        signature = Signature(
            placement_id=placement.id,
            action=action,
            via=SignedVia.PORTAL,
            typed_name="Synne Veileder",
            signer_email="veileder@example.org",
            content={"placement": placement.id},
            content_sha256=hashlib.sha256(b"content").hexdigest(),
        )
        db.session.add(signature)
        db.session.flush()
        return signature

    def hours(self, placement, week_start, hours, confirmed=True):
        signature = self.signature(placement, SignedAction.CONFIRM_HOURS) if confirmed else None
        db.session.add(
            HoursEntry(
                placement_id=placement.id,
                week_start=week_start,
                hours=hours,
                confirmed_signature_id=signature.id if signature else None,
            )
        )
        db.session.commit()

    def evaluation(self, placement, passed=True):
        signature = self.signature(placement, SignedAction.FINAL_EVALUATION)
        db.session.add(
            FinalEvaluation(
                placement_id=placement.id,
                passed=passed,
                text="Sluttvurdering.",
                signature_id=signature.id,
            )
        )
        db.session.commit()

    def assess(self, enrolment, code, result=AssessmentResult.GODKJENT, on=None, by=None):
        db.session.add(
            ModuleAssessment(
                enrolment_id=enrolment.id,
                module_code=code,
                result=result,
                assessed_on=on or START + timedelta(days=14),
                assessor_id=by.id if by else None,
                comment="Godt arbeid.",
            )
        )
        db.session.commit()

    def project(self, enrolment, title="Likepersonsarbeid i rusfeltet", approved=False):
        db.session.add(ProjectAssignment(enrolment_id=enrolment.id, title=title, approved=approved))
        db.session.commit()


@pytest.fixture
def build(make_cohort, make_enrolment, make_organisation) -> Builder:
    return Builder(make_cohort, make_enrolment, make_organisation)


@pytest.fixture
def on_today(monkeypatch):
    """Fix Norway's date for the progress pages."""
    monkeypatch.setattr("mbtrain.progress.views.today", lambda: TODAY)
    monkeypatch.setattr("mbtrain.cohorts.views.today", lambda: TODAY)
    return TODAY
