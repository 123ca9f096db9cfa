"""A county's course under way, built row by row: trainees at risk, sessions without
attendance, applications, a practice period with trainees unplaced, weeks of hours waiting,
a tvilsmelding and proposals; and an ended course with a kursbevis ready to issue."""

from dataclasses import dataclass, field
from datetime import date, timedelta

import pytest

from mbtrain.accounts.models import Role, User
from mbtrain.builders.records import Records
from mbtrain.cohorts.models import Cohort, CohortStatus
from mbtrain.curriculum.definition import AttendanceStatus
from mbtrain.database import utcnow
from mbtrain.enrolments.models import Enrolment, EnrolmentStatus
from mbtrain.extensions import db
from mbtrain.placements.models import (
    ChangeProposal,
    Concern,
    Placement,
    ProposalKind,
    ProposalStatus,
    SignedAction,
)
from mbtrain.schedule.models import CourseSession, PracticePeriod

START = date(2027, 1, 4)
TODAY = date(2027, 3, 31)  # a Wednesday, three months in
PRACTICE = date(2027, 2, 1)  # P1-01: ten weeks from here


@dataclass
class World:
    cohort: Cohort
    ended: Cohort
    trainees: list[Enrolment]
    at_risk: list[Enrolment]
    applicants: list[Enrolment]
    sessions: list[CourseSession]
    placements: list[Placement]
    ready: Enrolment
    unplaced: int
    extra: dict = field(default_factory=dict)


@pytest.fixture
def records(factory) -> Records:
    return Records(factory)


@pytest.fixture
def on_today(monkeypatch):
    for module in ("home", "placements", "cohorts"):
        monkeypatch.setattr(f"mbtrain.{module}.views.today", lambda: TODAY)
    return TODAY


@pytest.fixture
def instructor(make_user) -> User:
    return make_user(Role.INSTRUCTOR, name="Inger Kursholder")


@pytest.fixture
def supervisor(make_user, records) -> User:
    return make_user(Role.PARTNER, name="Synne Veileder", organisation=records.organisation)


@pytest.fixture
def build_world(factory, records, instructor):
    def build(size: int, name: str = "MB-kurs Bergen 2027") -> World:
        cohort = records.cohort(
            name=name, start_date=START, end_date=date(2027, 12, 17), open_for_applications=True
        )
        cohort.instructors.append(instructor)
        db.session.add(
            PracticePeriod(
                cohort=cohort, module_code="P1-01", start_date=PRACTICE, end_date=date(2027, 4, 9)
            )
        )
        trainees = [records.trainee(cohort) for _ in range(size)]
        sessions = records.sessions(cohort, "T1-01", START, 14)  # weekly up to 5 April
        at_risk = trainees[::3]
        records.attendance(
            [
                (t, s, AttendanceStatus.IKKE_MOTT if t in at_risk else AttendanceStatus.TIL_STEDE)
                for t in trainees
                for s in sessions[:10]  # 15, 22 and 29 March have none
            ]
        )
        applicants = [factory.enrolment(cohort) for _ in range(max(size // 5, 1))]
        placements = [records.placement(t, start=PRACTICE, weeks=10) for t in trainees[::2]]
        for placement in placements:
            records.hours(placement, PRACTICE, 19.0, confirmed=True)
            records.hours(placement, PRACTICE + timedelta(weeks=1), 19.0, confirmed=False)
            records.hours(placement, PRACTICE + timedelta(weeks=2), 18.5, confirmed=False)
        first = placements[0]
        signature = records.signature(first, SignedAction.RAISE_CONCERN)
        db.session.add(Concern(placement=first, text="Møter sjelden opp.", signature=signature))
        db.session.add_all(
            [
                ChangeProposal(
                    placement=first,
                    kind=ProposalKind.END_EARLY,
                    new_end_date=date(2027, 3, 26),
                    reason="Trenger mer tid til teorien.",
                ),
                ChangeProposal(
                    placement=placements[-1],
                    kind=ProposalKind.CHANGE_DATES,
                    reason="Ferie.",
                    status=ProposalStatus.APPROVED,
                    decided_at=utcnow(),
                ),
            ]
        )
        db.session.commit()
        ended, ready = _ended_course(records, f"{name} (fjorårets)")
        return World(
            cohort,
            ended,
            trainees,
            at_risk,
            applicants,
            sessions,
            placements,
            ready,
            unplaced=size - len(placements),
        )

    return build


def _ended_course(records: Records, name: str) -> tuple[Cohort, Enrolment]:
    """Last year's course, ended, with one trainee who has done all the rule asks."""
    start = date(2026, 1, 5)
    ended = records.cohort(
        name=name, start_date=start, end_date=date(2026, 12, 18), open_for_applications=True
    )
    session = records.sessions(ended, "T1-01", start, 1)[0]
    ready = records.trainee(ended, status=EnrolmentStatus.FULLFORT)
    ended.status, ended.open_for_applications = CohortStatus.AVSLUTTET, False
    records.finish(ready, session, start)
    records.project(ready, approved=True)
    return ended, ready


def trainee_user(factory, enrolment: Enrolment) -> User:
    user = factory.user(Role.TRAINEE, email=enrolment.person.email, name=enrolment.person.name)
    enrolment.person.user = user
    db.session.commit()
    return user
