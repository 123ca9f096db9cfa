"""`mbtrain purge`: what is past its retention goes, what is not stays, and --dry-run
changes nothing. The access log stays append-only for everything but the purge."""

import pathlib
import re
from datetime import date, datetime, time, timedelta

import pytest
from sqlalchemy import delete, func, select, update

from mbtrain.accounts.models import ActionToken, TokenPurpose
from mbtrain.assessments.models import ModuleAssessment
from mbtrain.attendance.models import AttendanceChange, AttendanceRecord
from mbtrain.audit.models import AccessAction, AccessLog
from mbtrain.audit.services import AccessLogIsAppendOnly
from mbtrain.cli import main
from mbtrain.curriculum.definition import AttendanceStatus as A
from mbtrain.database import utcnow
from mbtrain.enrolments.models import EnrolmentStatus, StatusReason
from mbtrain.extensions import db
from mbtrain.i18n import today
from mbtrain.mail.models import OutboxMessage
from mbtrain.maintenance.retention import RetentionPeriods, cutoffs, reason_free_status
from mbtrain.placements.models import Placement, PlacementStatus
from mbtrain.schedule.models import CourseSession

PACKAGE = pathlib.Path(__file__).resolve().parents[2] / "mbtrain"


# The rules ------------------------------------------------------------------------------


def test_cutoffs_count_back_from_today():
    periods = RetentionPeriods(40, 365, 1825, link_lifetime=timedelta(days=14))
    now = datetime(2027, 6, 1, 12, 0)
    limits = cutoffs(periods, date(2027, 6, 1), now)
    assert limits.placement_ended_before == date(2027, 4, 22)
    assert limits.cohort_ended_before == date(2026, 6, 1)
    assert limits.logged_before == datetime(2022, 6, 2, 12, 0)
    assert limits.mailed_before == datetime(2027, 5, 18, 12, 0)


@pytest.mark.parametrize(
    ("status", "counts_against", "kept"),
    [
        (A.SYK, {A.SYK, A.AVTALT_FRAVAER, A.IKKE_MOTT}, A.IKKE_MOTT),
        (A.SYK, {A.SYK, A.AVTALT_FRAVAER}, A.AVTALT_FRAVAER),
        (A.SYK, {A.IKKE_MOTT}, A.AVTALT_FRAVAER),  # excused sickness stays excused
        (A.SYK, {A.SYK}, A.SYK),  # no other status counts the same: kept
        (A.IKKE_MOTT, {A.SYK, A.IKKE_MOTT}, A.IKKE_MOTT),
        (A.TIL_STEDE, {A.SYK}, A.TIL_STEDE),
    ],
)
def test_sickness_becomes_a_status_that_counts_the_same(status, counts_against, kept):
    assert reason_free_status(status, counts_against) is kept


# The command ----------------------------------------------------------------------------


@pytest.fixture
def residue(make_cohort, make_enrolment, make_organisation):
    """The same data twice: past every retention period ("old") and within it ("new")."""
    partner = make_organisation("Fjordtun DPS")
    made = {}
    for age, cohort_end, placement_end, logged, mailed in [
        ("old", 400, 41, 5 * 365 + 1, 15),
        ("new", 10, 39, 5 * 365 - 1, 13),
    ]:
        end = today() - timedelta(days=cohort_end)
        cohort = make_cohort(name=f"Kurs {age}", start_date=end - timedelta(days=300), end_date=end)
        enrolment = make_enrolment(cohort, EnrolmentStatus.DELTAR, name=f"Deltaker {age}")
        enrolment.assessment = "Motivert, god samtale."
        period = enrolment.history[-1]
        period.reason, period.reason_text = StatusReason.SYK, "Innlagt"
        session = CourseSession(
            cohort=cohort,
            module_code="T1-01",
            date=end - timedelta(days=30),
            starts_at=time(9),
            hours=6.0,
        )
        db.session.add_all(
            [
                session,
                ModuleAssessment(enrolment=enrolment, module_code="T1-01", comment="Sterk."),
            ]
        )
        db.session.flush()
        db.session.add(
            AttendanceRecord(
                session_id=session.id, enrolment_id=enrolment.id, status=A.SYK, hours_present=0
            )
        )
        db.session.add(
            AttendanceChange(
                session_id=session.id,
                enrolment_id=enrolment.id,
                old_status=A.TIL_STEDE,
                old_hours=6.0,
                status=A.SYK,
                hours_present=0,
                reason="Legeerklæring kom i ettertid",
            )
        )
        placement = Placement(
            enrolment=enrolment,
            organisation=partner,
            module_code="P1-01",
            supervisor_name="Synne Veileder",
            supervisor_email="synne@example.org",
            start_date=today() - timedelta(days=placement_end + 60),
            end_date=today() - timedelta(days=placement_end),
            weekly_hours=19.0,
            status=PlacementStatus.COMPLETED,
        )
        db.session.add(placement)
        db.session.flush()
        db.session.add_all(
            [
                ActionToken(
                    token_hash=f"{age:0<64}",
                    purpose=TokenPurpose.FINAL_EVALUATION,
                    email="synne@example.org",
                    object_id=placement.id,
                    expires_at=utcnow() + timedelta(days=3),
                ),
                ActionToken(
                    token_hash=f"{age:1<64}",
                    purpose=TokenPurpose.INVITATION,
                    email="synne@example.org",
                    expires_at=utcnow() - timedelta(days=mailed),
                ),
                OutboxMessage(
                    recipient="synne@example.org",
                    subject=f"Lenke {age}",
                    body="https://mbtrain.test/lenke/hemmelig",
                    created_at=utcnow() - timedelta(days=mailed),
                ),
                AccessLog(
                    at=utcnow() - timedelta(days=logged),
                    actor_role="COORDINATOR",
                    actor_scope="Vestland",
                    subject_person_id=enrolment.person_id,
                    action=AccessAction.VIEW,
                    object_type="enrolment",
                    object_id=enrolment.id,
                    purpose="COHORT_ADMIN",
                ),
            ]
        )
        made[age] = (enrolment, placement)
    db.session.commit()
    return made


EXPECTED = {
    "single-use supervisor links deleted": 1,
    "other long-expired single-use links deleted": 1,
    "e-mails with expired links emptied": 1,
    "attendance records «Syk» made neutral": 1,
    "attendance change history deleted": 1,
    "status history reasons removed": 1,
    "intake assessment notes emptied": 1,
    "module assessment comments emptied": 1,
    "rows deleted": 1,
}


def reported(output: str) -> dict[str, int]:
    return {m[2]: int(m[1]) for m in re.finditer(r"^ +(\d+) (.+)$", output, re.M)}


def test_purge_removes_what_is_past_retention_and_keeps_the_rest(app, residue):
    result = app.test_cli_runner().invoke(main, ["purge"])

    assert result.exit_code == 0, result.output
    assert reported(result.output) == EXPECTED
    old, old_placement = residue["old"]
    new, new_placement = residue["new"]
    db.session.expire_all()
    # Why the old trainee was away or left is gone; that and when are not.
    assert [r.status for r in records(old)] == [A.IKKE_MOTT]
    assert [r.status for r in records(new)] == [A.SYK]
    changed = db.session.scalars(select(AttendanceChange.enrolment_id)).all()
    assert changed == [new.id]  # what the old sheet said before, and why, is gone
    assert (old.history[-1].status, old.history[-1].reason) == (EnrolmentStatus.DELTAR, None)
    assert old.history[-1].reason_text is None
    assert (new.history[-1].reason, new.history[-1].reason_text) == (StatusReason.SYK, "Innlagt")
    assert (old.assessment, new.assessment) == ("", "Motivert, god samtale.")
    assert comments(old) == [""] and comments(new) == ["Sterk."]
    # The supervisor's link is gone once partner access has ended; so are links long
    # expired, and the dead links in old mail.
    assert links_to(old_placement) == 0 and links_to(new_placement) == 1
    invitations = db.session.scalars(
        select(ActionToken.token_hash).where(ActionToken.purpose == TokenPurpose.INVITATION)
    ).all()
    assert invitations == [f"{'new':1<64}"]
    bodies = dict(db.session.execute(select(OutboxMessage.subject, OutboxMessage.body)).all())
    assert bodies == {"Lenke old": "", "Lenke new": "https://mbtrain.test/lenke/hemmelig"}
    # The old access-log row is gone, the new one kept, and the purge logged itself.
    logged = db.session.execute(select(AccessLog.subject_person_id, AccessLog.object_type)).all()
    assert sorted(logged, key=str) == sorted(
        [(new.person_id, "enrolment"), (None, "retention_purge")], key=str
    )


def test_a_second_purge_finds_nothing(app, residue):
    runner = app.test_cli_runner()
    runner.invoke(main, ["purge"])
    again = runner.invoke(main, ["purge"])
    assert set(reported(again.output).values()) == {0}


def test_dry_run_reports_the_same_and_changes_nothing(app, residue, db_snapshot):
    before = db_snapshot()
    result = app.test_cli_runner().invoke(main, ["purge", "--dry-run"])

    assert result.exit_code == 0, result.output
    assert "dry run" in result.output
    assert reported(result.output) == EXPECTED
    assert db_snapshot() == before


def records(enrolment) -> list[AttendanceRecord]:
    return db.session.scalars(
        select(AttendanceRecord).where(AttendanceRecord.enrolment_id == enrolment.id)
    ).all()


def comments(enrolment) -> list[str]:
    return db.session.scalars(
        select(ModuleAssessment.comment).where(ModuleAssessment.enrolment_id == enrolment.id)
    ).all()


def links_to(placement) -> int:
    return db.session.scalar(select(func.count()).where(ActionToken.object_id == placement.id))


# The access log stays append-only outside the purge -----------------------------------


@pytest.mark.parametrize(
    "statement",
    [
        delete(AccessLog),
        delete(AccessLog.__table__),
        update(AccessLog).values(purpose="X"),
        update(AccessLog.__table__).values(purpose="X"),
    ],
    ids=["delete-model", "delete-table", "update-model", "update-table"],
)
def test_the_app_cannot_change_or_delete_log_rows(app, residue, statement):
    with pytest.raises(AccessLogIsAppendOnly):
        db.session.execute(statement)
    db.session.rollback()


def test_only_the_purge_lifts_the_guard():
    users = {
        path.relative_to(PACKAGE).as_posix()
        for path in PACKAGE.rglob("*.py")
        if "retention_purge(" in path.read_text(encoding="utf-8")
    }
    assert users == {"audit/services.py", "maintenance/purge.py"}
