from datetime import date

from sqlalchemy import select

from mbtrain.cli import main
from mbtrain.cohorts.models import CancelReason, Cohort, CohortStatus
from mbtrain.enrolments.models import Enrolment, EnrolmentStatus, StatusPeriod
from mbtrain.enrolments.progression import progress_statuses
from mbtrain.extensions import db

S = EnrolmentStatus
START, END = date(2027, 1, 4), date(2027, 12, 17)


def statuses() -> dict[int, S]:
    db.session.expire_all()
    return {e.id: e.status for e in db.session.scalars(select(Enrolment))}


def test_start_moves_waiting_to_taking_part_and_end_completes(make_cohort, make_enrolment):
    cohort = make_cohort(start_date=START, end_date=END)
    starting = make_enrolment(cohort, S.VENTER_PA_OPPSTART)
    waiting = make_enrolment(cohort, S.VENTELISTE)
    applied = make_enrolment(cohort)

    progress_statuses(date(2027, 1, 3))
    db.session.commit()
    assert statuses()[starting.id] is S.VENTER_PA_OPPSTART  # not yet

    progress_statuses(START)
    db.session.commit()
    assert statuses() == {starting.id: S.DELTAR, waiting.id: S.VENTELISTE, applied.id: S.SOKT_INN}
    assert db.session.get(Cohort, cohort.id).status is CohortStatus.GJENNOMFORES

    progress_statuses(END)  # the last day is still a course day
    db.session.commit()
    assert statuses()[starting.id] is S.DELTAR

    progress_statuses(date(2027, 12, 18))
    db.session.commit()
    assert statuses() == {
        starting.id: S.FULLFORT,
        waiting.id: S.IKKE_AKTUELL,
        applied.id: S.IKKE_AKTUELL,
    }
    assert db.session.get(Cohort, cohort.id).status is CohortStatus.AVSLUTTET
    automatic = db.session.scalars(
        select(StatusPeriod)
        .where(StatusPeriod.enrolment_id == waiting.id)
        .order_by(StatusPeriod.id.desc())
    ).first()
    assert automatic.changed_by is None and automatic.reason.value == "FIKK_IKKE_PLASS"


def test_running_twice_changes_nothing_the_second_time(make_cohort, make_enrolment):
    cohort = make_cohort(start_date=START, end_date=END)
    make_enrolment(cohort, S.VENTER_PA_OPPSTART)
    first = progress_statuses(date(2027, 12, 20))
    db.session.commit()
    history_rows = len(db.session.scalars(select(StatusPeriod)).all())
    second = progress_statuses(date(2027, 12, 20))
    db.session.commit()
    assert sum(first.values()) > 0
    assert sum(second.values()) == 0
    assert len(db.session.scalars(select(StatusPeriod)).all()) == history_rows


def test_cancelled_cohort_ends_participants_as_avbrutt(make_cohort, make_enrolment):
    cohort = make_cohort(start_date=START, end_date=END, status=CohortStatus.GJENNOMFORES)
    taking_part = make_enrolment(cohort, S.DELTAR)
    waiting = make_enrolment(cohort, S.VENTELISTE)
    # Cancelled by some path that left enrolments active (e.g. an older import).
    cohort.status = CohortStatus.AVBRUTT
    cohort.cancel_reason = CancelReason.BUDSJETT_HENSYN
    db.session.commit()
    progress_statuses(date(2027, 3, 1))
    db.session.commit()
    assert statuses() == {taking_part.id: S.AVBRUTT, waiting.id: S.IKKE_AKTUELL}


def test_command_takes_a_date_and_reports(app, make_cohort, make_enrolment):
    cohort = make_cohort(start_date=START, end_date=END)
    make_enrolment(cohort, S.VENTER_PA_OPPSTART)
    runner = app.test_cli_runner()
    result = runner.invoke(main, ["progress-statuses", "--date", "2027-01-04"])
    assert result.exit_code == 0, result.output
    assert "04.01.2027: DELTAR: 1" in result.output
    again = runner.invoke(main, ["progress-statuses", "--date", "2027-01-04"])
    assert "nothing to change" in again.output
    bad = runner.invoke(main, ["progress-statuses", "--date", "2027-02-30"])
    assert bad.exit_code != 0
