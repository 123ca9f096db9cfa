"""The cohort matrix keeps its rendered table per state of the cohort (mbtrain/progress/tables.py).

Every change the matrix shows must be seen at the next request, however it was written: through
the ORM, as a bulk statement, or as plain SQL. Each case below changes one thing, then checks
that the page after the change differs from the page before it (so the case shows something),
and that it equals what a worker without any kept table renders.
"""

import importlib.util
import re
from datetime import date, timedelta

import pytest
import sqlalchemy as sa

from mbtrain.accounts.models import Role
from mbtrain.assessments.models import AssessmentResult as R
from mbtrain.assessments.models import ModuleAssessment
from mbtrain.attendance.models import AttendanceRecord
from mbtrain.audit.models import AccessLog
from mbtrain.curriculum.definition import AttendanceStatus as A
from mbtrain.enrolments.models import EnrolmentStatus
from mbtrain.extensions import db
from mbtrain.placements.models import PlacementStatus
from mbtrain.progress import tables
from mbtrain.resources import resource_dir
from mbtrain.schedule.models import SessionStatus
from tests.progress.conftest import START


@pytest.fixture
def scene(build, make_user, on_today):
    instructor = make_user(Role.INSTRUCTOR, name="Ingrid Kursholder")
    cohort = build.cohort(name="MB-kurs Tromsø 2027", instructors=[instructor])
    kari = build.trainee(cohort, "Kari Nordmann")
    ola = build.trainee(cohort, "Ola Nordmann")
    held = build.sessions(cohort, "T1-01", START + timedelta(days=1), 8)
    for number, session in enumerate(held):
        build.attend(kari, session)
        build.attend(ola, session, A.IKKE_MOTT if number in (1, 4) else A.TIL_STEDE)
    build.assess(kari, "OPP-01", on=date(2027, 1, 15), by=instructor)
    build.assess(ola, "OPP-01", R.IKKE_GODKJENT, on=date(2027, 1, 15), by=instructor)
    placement = build.placement(ola, start=date(2027, 2, 1))
    build.hours(placement, date(2027, 2, 1), 19)
    # A session whose sheet nobody has saved yet.
    (unrecorded,) = build.sessions(cohort, "T1-01", START + timedelta(days=57), 1)
    return {
        "cohort": cohort,
        "kari": kari,
        "ola": ola,
        "held": held,
        "unrecorded": unrecorded,
        "placement": placement,
    }


def ola_records():
    return sa.select(AttendanceRecord).where(AttendanceRecord.status == A.IKKE_MOTT)


def mark_present(scene, build):
    record = db.session.scalars(ola_records()).first()
    record.status, record.hours_present = A.TIL_STEDE, 5.0


def delete_record(scene, build):
    db.session.delete(db.session.scalars(ola_records()).first())


def bulk_update(scene, build):
    db.session.execute(
        sa.update(AttendanceRecord)
        .where(AttendanceRecord.enrolment_id == scene["ola"].id)
        .values(status=A.SYK, hours_present=0)
    )


def bulk_insert(scene, build):
    db.session.execute(
        sa.insert(AttendanceRecord),
        [
            {
                "session_id": scene["unrecorded"].id,
                "enrolment_id": trainee.id,
                "status": A.IKKE_MOTT,
                "hours_present": 0,
            }
            for trainee in (scene["kari"], scene["ola"])
        ],
    )


def plain_sql(scene, build):
    db.session.execute(
        sa.text("UPDATE attendance_record SET hours_present = 1 WHERE enrolment_id = :id"),
        {"id": scene["kari"].id},
    )


def cancel_session(scene, build):
    scene["held"][1].status = SessionStatus.AVLYST


def change_result(scene, build):
    db.session.scalars(
        sa.select(ModuleAssessment).where(ModuleAssessment.enrolment_id == scene["ola"].id)
    ).one().result = R.GODKJENT


def delete_result(scene, build):
    db.session.execute(
        sa.delete(ModuleAssessment).where(ModuleAssessment.enrolment_id == scene["kari"].id)
    )


def rename_person(scene, build):
    scene["kari"].person.name = "Kari Fjellheim"


def end_enrolment(scene, build):
    scene["ola"].status = EnrolmentStatus.AVBRUTT


def new_placement(scene, build):
    build.placement(scene["kari"], start=date(2027, 2, 8))


def placement_status(scene, build):
    scene["placement"].status = PlacementStatus.CANCELLED


def confirm_hours(scene, build):
    build.hours(scene["placement"], date(2027, 2, 8), 19)


def rename_organisation(scene, build):
    build.organisation.name = "Helse Nord DPS"


CHANGES = [
    mark_present,
    delete_record,
    bulk_update,
    bulk_insert,
    plain_sql,
    cancel_session,
    change_result,
    delete_result,
    rename_person,
    end_enrolment,
    new_placement,
    placement_status,
    confirm_hours,
    rename_organisation,
]


def table_of(response) -> str:
    assert response.status_code == 200, response.status_code
    page = response.get_data(as_text=True)
    return re.search(r'<div class="table-wrap matrix-wrap"[^>]*>.*</dl>', page, re.S).group(0)


@pytest.mark.parametrize("change", CHANGES, ids=lambda change: change.__name__)
def test_every_change_is_seen_at_the_next_request(scene, build, login, make_user, change):
    client = login(make_user(Role.COORDINATOR))
    url = f"/kurs/{scene['cohort'].id}/progresjon"
    before = table_of(client.get(url))
    assert table_of(client.get(url)) == before  # from the kept table
    change(scene, build)
    db.session.commit()
    after = table_of(client.get(url))
    tables.MATRICES.clear()
    assert after == table_of(client.get(url)), "a stale table was served"
    assert after != before, "the change does not show in the matrix"


def test_an_unchanged_cohort_is_not_computed_again(scene, login, make_user, count_queries):
    client = login(make_user(Role.COORDINATOR))
    url = f"/kurs/{scene['cohort'].id}/progresjon"
    tables.MATRICES.clear()
    with count_queries() as cold:
        first = table_of(client.get(url))
    with count_queries() as warm:
        second = table_of(client.get(url))
    assert first == second
    assert not any("attendance_record" in statement for statement in warm), warm
    assert len(warm) < len(cold), (len(warm), len(cold))


def test_the_kept_table_is_the_same_for_everyone_who_may_see_it(scene, login, make_user):
    url = f"/kurs/{scene['cohort'].id}/progresjon"
    coordinator = login(make_user(Role.COORDINATOR)).get(url)
    tables.MATRICES.clear()
    instructor = scene["cohort"].instructors[0]
    assert table_of(login(instructor).get(url)) == table_of(coordinator)


def test_each_request_is_logged_even_when_the_table_is_kept(scene, login, make_user):
    client = login(make_user(Role.COORDINATOR))
    url = f"/kurs/{scene['cohort'].id}/progresjon"
    for _ in range(3):
        client.get(url)
    logged = db.session.scalars(
        sa.select(AccessLog).where(AccessLog.object_type == "progress_matrix")
    ).all()
    assert len(logged) == 3
    assert {row.object_id for row in logged} == {scene["cohort"].id}


def test_a_user_who_may_not_see_the_cohort_gets_no_kept_table(
    scene, login, make_user, other_county
):
    url = f"/kurs/{scene['cohort'].id}/progresjon"
    assert login(make_user(Role.COORDINATOR)).get(url).status_code == 200
    outsider = login(make_user(Role.COORDINATOR, counties=[other_county]))
    response = outsider.get(url)
    assert response.status_code == 404
    assert "Kari Nordmann" not in response.get_data(as_text=True)


def test_every_table_the_matrix_reads_has_its_triggers(app):
    """A later migration that rebuilds a table on SQLite would drop its triggers silently."""
    path = resource_dir("migrations") / "versions" / "0007_progress_stamp.py"
    spec = importlib.util.spec_from_file_location("progress_stamp_migration", path)
    migration = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(migration)
    if db.engine.dialect.name == "postgresql":
        query = "SELECT tgname FROM pg_trigger WHERE NOT tgisinternal"
        expected = {f"progress_stamp_{table}" for table in migration.COHORTS_OF}
    else:
        query = "SELECT name FROM sqlite_master WHERE type = 'trigger'"
        expected = {
            f"progress_stamp_{table}_{event}"
            for table in migration.COHORTS_OF
            for event in ("insert", "update", "delete")
        }
    found = set(db.session.scalars(sa.text(query)))
    assert expected <= found, expected - found
