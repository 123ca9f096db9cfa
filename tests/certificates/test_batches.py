"""«Issue to all», confirmed, is a batch the worker issues one person at a time: its page
shows how far it has come, a killed worker's batch is resumed without issuing anyone twice,
someone who no longer meets the rules is reported and not issued, and a batch is seen only by
those who may issue in its cohort."""

from datetime import date

import pytest
from flask import g
from sqlalchemy import select, update

from mbtrain import jobs
from mbtrain.accounts.models import Role
from mbtrain.assessments.models import ProjectAssignment
from mbtrain.audit.models import AccessAction, AccessLog
from mbtrain.certificates import batches, services
from mbtrain.certificates.eligibility import cohort_candidates
from mbtrain.certificates.models import (
    BatchFailure,
    Certificate,
    CertificateBatch,
    CertificateStatus,
)
from mbtrain.cohorts.models import CohortStatus
from mbtrain.enrolments.models import EnrolmentStatus
from mbtrain.extensions import db
from mbtrain.organisations.models import County
from mbtrain.schedule.models import CourseSession
from tests.certificates.conftest import START, TODAY, certificate_of, confirmed


def valid_certificates(enrolment_id: int) -> int:
    certificates = db.session.scalars(
        select(Certificate).where(Certificate.enrolment_id == enrolment_id)
    )
    return sum(c.status is CertificateStatus.VALID for c in certificates)


@pytest.fixture
def ola(build, course):
    """A second trainee who completed, so that a batch has two people in it."""
    session = db.session.scalars(
        select(CourseSession).where(CourseSession.cohort_id == course.cohort.id)
    ).first()
    course.cohort.status = CohortStatus.GJENNOMFORES  # enrolled while it ran
    ola = build.trainee(course.cohort, "Ola Ferdig")
    build.finish(ola, session, START)
    build.project(ola, "Brukermedvirkning", approved=True)
    ola.status = EnrolmentStatus.FULLFORT
    course.cohort.status = CohortStatus.AVSLUTTET
    db.session.commit()
    return ola


def start(app, course, enrolment_ids: list[int]) -> int:
    """A batch as the confirmation's POST leaves it, committed, before the worker has come."""
    with app.test_request_context():
        found = cohort_candidates(course.cohort, TODAY)
        batch = batches.start_batch(found, enrolment_ids, course.coordinator)
        assert g.pop("certificate_batch_ids") == [batch.id]  # the nudge web.py would send
        db.session.commit()
        return batch.id


def issue_one_step(app, batch_id: int) -> None:
    """What the worker does for one person before it commits."""
    with app.test_request_context():
        assert batches.issue_next(batch_id)


def test_confirming_starts_a_batch_that_the_worker_issues(course, ola, login):
    client = login(course.coordinator)
    response = confirmed(client, f"{course.preflight()}/utsted")
    assert response.status_code == 302
    batch = db.session.scalars(select(CertificateBatch)).one()
    url = f"/kurs/{course.cohort.id}/kursbevis/bunke/{batch.id}"
    assert response.headers["Location"].endswith(url)
    assert batch.requested_by_id == course.coordinator.id and batch.finished_at is not None
    text = client.get(url).get_data(as_text=True)
    assert "Kursbevisene er utstedt" in text and "2 av 2 kursbevis er utstedt." in text
    assert certificate_of(course.complete).number in text and certificate_of(ola).number in text
    assert 'http-equiv="refresh"' not in text  # finished: nothing to wait for
    logged = db.session.scalars(
        select(AccessLog.action).where(
            AccessLog.object_type == "certificate_batch", AccessLog.object_id == batch.id
        )
    ).all()
    assert set(logged) == {AccessAction.CREATE, AccessAction.VIEW}
    issued = db.session.scalars(select(AccessLog).where(AccessLog.object_type == "certificate"))
    assert {(row.actor_user_id, row.subject_person_id) for row in issued} == {
        (course.coordinator.id, course.complete.person_id),
        (course.coordinator.id, ola.person_id),
    }


def test_the_page_shows_a_batch_half_done_and_reloads_itself(app, course, ola, login):
    batch_id = start(app, course, [course.complete.id, ola.id])
    issue_one_step(app, batch_id)
    db.session.commit()
    client = login(course.coordinator)
    url = f"{course.preflight()}/bunke/{batch_id}"
    text = client.get(url).get_data(as_text=True)
    assert "Kursbevisene utstedes" in text and "1 av 2 kursbevis er utstedt." in text
    done, waiting = text.index("Åse Ødegård-Æsøy"), text.index("Ola Ferdig")
    assert "Utstedt" in text[done:waiting] and "Venter" in text[waiting:]
    assert certificate_of(course.complete).number in text and certificate_of(ola) is None
    assert f'<meta http-equiv="refresh" content="5; url={url}">' in text
    assert f'<a href="{url}">Oppdater nå</a>' in text  # and a plain link, for anyone


def test_a_killed_worker_is_resumed_and_issues_nobody_twice(app, course, ola):
    batch_id = start(app, course, [course.complete.id, ola.id])
    issue_one_step(app, batch_id)
    db.session.commit()  # Åse's certificate is committed …
    issue_one_step(app, batch_id)
    db.session.rollback()  # … and the worker is killed while issuing Ola's
    assert valid_certificates(course.complete.id) == 1 and certificate_of(ola) is None
    assert jobs.run_unfinished_batches() == 1  # the restarted worker's first sweep
    assert jobs.run_unfinished_batches() == 0  # finished: a later sweep does nothing
    batch = db.session.get(CertificateBatch, batch_id, populate_existing=True)
    assert batch.finished_at is not None and not batch.waiting and not batch.failed
    assert valid_certificates(course.complete.id) == 1 and valid_certificates(ola.id) == 1


def test_someone_who_no_longer_meets_the_rules_is_reported_not_issued(app, course, ola, login):
    batch_id = start(app, course, [course.complete.id, ola.id])
    db.session.execute(
        update(ProjectAssignment)
        .where(ProjectAssignment.enrolment_id == ola.id)
        .values(approved=False)
    )
    db.session.commit()  # the project's approval was withdrawn before the worker came
    assert jobs.run_batch(batch_id) == 2
    assert valid_certificates(course.complete.id) == 1 and certificate_of(ola) is None
    text = login(course.coordinator).get(f"{course.preflight()}/bunke/{batch_id}")
    text = text.get_data(as_text=True)
    assert "1 av 2 kursbevis er utstedt." in text and "1 deltaker fikk ikke kursbevis." in text
    assert "Ikke utstedt" in text and "Oppfyller ikke lenger kravene til kursbevis" in text


def test_someone_issued_meanwhile_is_not_issued_a_second(app, course, ola):
    batch_id = start(app, course, [course.complete.id, ola.id])
    with app.test_request_context():
        found = cohort_candidates(course.cohort, TODAY, course.complete.id)
        services.issue(found, [course.complete.id], course.coordinator)  # from its own page
        db.session.commit()
        assert jobs.run_batch(batch_id) == 2
    batch = db.session.get(CertificateBatch, batch_id, populate_existing=True)
    failures = {item.enrolment_id: item.failure for item in batch.items}
    assert failures == {course.complete.id: BatchFailure.HAS_CERTIFICATE, ola.id: None}
    assert valid_certificates(course.complete.id) == 1 and valid_certificates(ola.id) == 1


def test_nobody_else_sees_a_batch(app, course, build, factory, login):
    batch_id = start(app, course, [course.complete.id])
    url = f"{course.preflight()}/bunke/{batch_id}"
    other = db.session.scalars(select(County).where(County.id != course.cohort.county_id)).first()
    elsewhere = factory.user(Role.COORDINATOR, counties=[other])
    assert login(elsewhere).get(url).status_code == 404
    assert login(factory.user(Role.TRAINEE)).get(url).status_code in {403, 404}
    mine = login(course.coordinator)
    assert mine.get(url).status_code == 200
    another = build.cohort(name="MB-kurs Voss 2027", start_date=date(2027, 1, 4))
    assert mine.get(f"/kurs/{another.id}/kursbevis/bunke/{batch_id}").status_code == 404
    assert mine.get(f"{course.preflight()}/bunke/987654").status_code == 404
