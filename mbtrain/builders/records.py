"""The rows of a course under way (sessions, attendance, hours, signed evaluations,
assessments, the project), added directly as the services would leave them: data that would
take hundreds of requests to enter. ``finish`` gives a trainee everything the completion rule
asks for. Every call commits."""

import hashlib
from datetime import date, time, timedelta

import sqlalchemy as sa

from mbtrain.assessments.models import AssessmentResult, ModuleAssessment, ProjectAssignment
from mbtrain.attendance.models import AttendanceRecord
from mbtrain.builders import Factory
from mbtrain.cohorts.models import Cohort, CohortStatus
from mbtrain.curriculum.definition import AttendanceStatus, ModuleKind
from mbtrain.curriculum.loader import shipped_curricula
from mbtrain.enrolments import services as enrolments
from mbtrain.enrolments.models import Enrolment, EnrolmentStatus
from mbtrain.extensions import db
from mbtrain.organisations.models import Organisation, OrganisationType
from mbtrain.placements import models as placement_models
from mbtrain.placements import services as placements
from mbtrain.schedule.models import CourseSession

# Where Records' placements and assessments fall unless told: the tests' standard course start.
RECORDS_START = date(2027, 1, 4)


def practice_weeks(start: date) -> list[tuple[date, str]]:
    """Each practice module of the shipped curriculum with the first day of its two weeks: the
    n-th from week 10 + 20·n after ``start``."""
    modules = shipped_curricula()[0].modules
    practice = [m.code for m in modules if m.kind is ModuleKind.PRACTICE]
    return [(start + timedelta(weeks=10 + 20 * n), code) for n, code in enumerate(practice)]


class Records:
    """Adds rows the way the other areas' services would, without going through them; its
    placements are at one organisation, with one supervisor."""

    def __init__(self, factory: Factory) -> None:
        self.factory = factory
        self.organisation = factory.organisation("Bjørgvin DPS", type=OrganisationType.HELSEFORETAK)

    def cohort(self, **fields):
        fields.setdefault("status", CohortStatus.GJENNOMFORES)
        return self.factory.cohort(**fields)

    def trainee(self, cohort, name=None, status=EnrolmentStatus.DELTAR, **fields):
        if name is not None:
            fields["name"] = name
        enrolment = self.factory.enrolment(cohort, EnrolmentStatus.DELTAR, **fields)
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

    def placement(
        self, enrolment, module_code="P1-01", start: date = RECORDS_START, weeks=10, **fields
    ):
        fields.setdefault("status", placement_models.PlacementStatus.ACTIVE)
        placement = placement_models.Placement(
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
        signature = placement_models.Signature(
            placement_id=placement.id,
            action=action,
            via=placement_models.SignedVia.PORTAL,
            typed_name="Synne Veileder",
            signer_email="veileder@example.org",
            content={"placement": placement.id},
            content_sha256=hashlib.sha256(b"content").hexdigest(),
        )
        db.session.add(signature)
        db.session.flush()
        return signature

    def hours(self, placement, week_start, hours, confirmed=True):
        signature = (
            self.signature(placement, placement_models.SignedAction.CONFIRM_HOURS)
            if confirmed
            else None
        )
        db.session.add(
            placement_models.HoursEntry(
                placement_id=placement.id,
                week_start=week_start,
                hours=hours,
                confirmed_signature_id=signature.id if signature else None,
            )
        )
        db.session.commit()

    def evaluation(self, placement, passed=True):
        signature = self.signature(placement, placement_models.SignedAction.FINAL_EVALUATION)
        db.session.add(
            placement_models.FinalEvaluation(
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
                assessed_on=on or RECORDS_START + timedelta(days=14),
                assessor_id=by.id if by else None,
                comment="Godt arbeid.",
            )
        )
        db.session.commit()

    def project(self, enrolment, title="Likepersonsarbeid i rusfeltet", approved=False):
        db.session.add(ProjectAssignment(enrolment_id=enrolment.id, title=title, approved=approved))
        db.session.commit()

    def finish(self, enrolment: Enrolment, session: CourseSession, start: date) -> None:
        """Everything the completion rule asks but the project: the session attended, every
        practice module's placement with two weeks of confirmed hours and a passed final
        evaluation, every module approved."""
        self.attend(enrolment, session)
        for first, code in practice_weeks(start):
            self.passed(self.placement(enrolment, code, start=first, weeks=2))
        for module in shipped_curricula()[0].modules:
            self.assess(enrolment, module.code)

    def passed(self, placement: placement_models.Placement) -> None:
        """Its first two weeks' hours confirmed and a passed final evaluation signed."""
        for week in range(2):
            self.hours(
                placement, placement.start_date + timedelta(weeks=week), placement.weekly_hours
            )
        self.evaluation(placement, passed=True)

    def attendance(self, rows: list[tuple[Enrolment, CourseSession, AttendanceStatus]]) -> int:
        """Many attendance records in one insert, for registers too long to add one by one (a
        cohort's year): present for the session's hours, otherwise none. Returns how many."""
        values = [
            {
                "session_id": session.id,
                "enrolment_id": enrolment.id,
                "status": status,
                "hours_present": session.hours if status is AttendanceStatus.TIL_STEDE else 0.0,
            }
            for enrolment, session, status in rows
        ]
        if values:
            db.session.execute(sa.insert(AttendanceRecord), values)
        db.session.commit()
        return len(values)

    def walk_placement(
        self,
        enrolment: Enrolment,
        status: placement_models.PlacementStatus = placement_models.PlacementStatus.ACTIVE,
        module_code: str = "P1-01",
        start: date = RECORDS_START,
        weeks: int = 10,
        **fields,
    ) -> placement_models.Placement:
        """The placement `placement` would add, made through the placement services instead
        (Factory.placement): proposed at this organisation with its supervisor and walked,
        gate by gate, to ``status``; ``fields`` replace what PlacementFields would hold."""
        values = {
            "organisation": self.organisation,
            "supervisor_name": "Synne Veileder",
            "supervisor_email": "veileder@example.org",
            "weekly_hours": 19.0,
        }
        proposed = placements.PlacementFields(
            module_code=module_code,
            start_date=start,
            end_date=start + timedelta(weeks=weeks) - timedelta(days=3),
            **(values | fields),
        )
        return self.factory.placement(enrolment, proposed, status)

    def graduate(
        self,
        cohort: Cohort,
        sessions: list[CourseSession],
        *,
        assessed_on: date,
        partners: list[Organisation] | None = None,
        supervisor: tuple[str, str] = ("Synne Veileder", "veileder@example.org"),
        **fields,
    ) -> Enrolment:
        """A trainee who completed the shipped curriculum: admitted through the enrolment
        service (``fields`` as Factory.enrolment takes them), present at every one of
        ``sessions``, each practice module's placement (the n-th two weeks from week 10 + 20·n
        of the cohort, at the next of ``partners``, else at this organisation) walked to
        COMPLETED through the placement services with both weeks' hours confirmed and a
        passed final evaluation, every module approved on ``assessed_on``, the project
        approved, and then FULLFORT through the enrolment service. The cohort must still
        take applications: end it afterwards."""
        enrolment = self.trainee(cohort, **fields)
        self.attendance([(enrolment, session, AttendanceStatus.TIL_STEDE) for session in sessions])
        for number, (first, code) in enumerate(practice_weeks(cohort.start_date)):
            placement = self.walk_placement(
                enrolment,
                placement_models.PlacementStatus.COMPLETED,
                code,
                start=first,
                weeks=2,
                organisation=partners[number % len(partners)] if partners else self.organisation,
                supervisor_name=supervisor[0],
                supervisor_email=supervisor[1],
            )
            self.passed(placement)
        for module in shipped_curricula()[0].modules:
            self.assess(enrolment, module.code, on=assessed_on)
        self.project(enrolment, approved=True)
        enrolments.change_status(enrolment, EnrolmentStatus.FULLFORT, by=None)
        db.session.commit()
        return enrolment
