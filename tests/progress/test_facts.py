"""The facts in SQL: what the completion rule is evaluated on, summed by the database."""

from datetime import date, timedelta

from mbtrain.assessments.models import AssessmentResult as R
from mbtrain.curriculum.definition import AttendanceStatus as A
from mbtrain.enrolments.models import EnrolmentStatus
from mbtrain.extensions import db
from mbtrain.placements.models import PlacementStatus
from mbtrain.progress.facts import cohort_facts, roster
from mbtrain.schedule.models import SessionStatus
from tests.progress.conftest import START


def test_facts_sum_hours_by_status_within_each_trainees_own_time(build, count_queries):
    cohort = build.cohort()
    kari = build.trainee(cohort, "Kari Nordmann")
    ola = build.trainee(cohort, "Ola Nordmann")
    ola.start_date = START + timedelta(days=14)  # came in from the waiting list
    db.session.commit()
    sessions = build.sessions(cohort, "T1-01", START + timedelta(days=1), 4)  # 5 h each
    cancelled = build.sessions(
        cohort, "T1-01", START + timedelta(days=2), 1, status=SessionStatus.AVLYST
    )
    build.attend(kari, sessions[0])
    build.attend(kari, sessions[1], A.SYK)
    build.attend(kari, sessions[2], hours=3)  # partial presence
    build.attend(kari, cancelled[0], A.IKKE_MOTT)  # a cancelled session never counts
    build.attend(ola, sessions[2], A.AVTALT_FRAVAER)
    p1 = build.placement(kari, start=date(2027, 2, 1))
    build.hours(p1, date(2027, 2, 1), 19)
    build.hours(p1, date(2027, 2, 8), 15)
    build.hours(p1, date(2027, 2, 15), 19, confirmed=False)
    build.evaluation(p1, passed=True)
    build.placement(kari, "P2-01", start=date(2027, 8, 2), status=PlacementStatus.DECLINED)
    build.assess(kari, "OPP-01")
    build.assess(kari, "T1-01", R.IKKE_GODKJENT)
    build.project(kari, approved=True)

    with count_queries() as statements:
        trainees = roster(cohort.id)
        data = cohort_facts(cohort.id, trainees)
    assert len([s for s in statements if s.startswith("SELECT")]) == 4

    assert [t.name for t in trainees] == ["Kari Nordmann", "Ola Nordmann"]
    facts = data.facts[kari.id]
    assert facts.theory.planned_total == 20
    assert (facts.theory.planned_so_far, facts.theory.present_so_far) == (15, 8)
    assert facts.theory.absent_so_far == {A.TIL_STEDE: 2, A.SYK: 5}
    assert data.facts[ola.id].theory.planned_total == 10  # the two sessions after his start
    assert data.facts[ola.id].theory.absent_so_far == {A.AVTALT_FRAVAER: 5}
    [placement] = facts.placements  # a declined placement has no hours
    assert (placement.confirmed_hours, placement.last_confirmed_week) == (34, date(2027, 2, 8))
    assert facts.final_evaluations == {"P1-01": True}
    assert facts.results == {"OPP-01": R.GODKJENT, "T1-01": R.IKKE_GODKJENT}
    assert (facts.project_title, facts.project_approved) == ("Likepersonsarbeid i rusfeltet", True)
    assert [p.status for p in data.placements[kari.id]] == [
        PlacementStatus.ACTIVE,
        PlacementStatus.DECLINED,
    ]
    assert data.facts[ola.id].project_title is None


def test_applicants_and_the_waiting_list_are_not_followed(build, make_enrolment):
    cohort = build.cohort()
    build.trainee(cohort, "Kari Nordmann")
    make_enrolment(cohort, EnrolmentStatus.VENTELISTE, name="Per Venteliste")
    make_enrolment(cohort, EnrolmentStatus.SOKT_INN, name="Siri Søker")
    assert [t.name for t in roster(cohort.id)] == ["Kari Nordmann"]
