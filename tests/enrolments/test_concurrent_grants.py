"""Two coordinators granting the last place at the same moment: exactly one gets it."""

import threading
from datetime import date

import pytest
from sqlalchemy import func, select

from mbtrain.accounts.models import Role, User
from mbtrain.enrolments import services
from mbtrain.enrolments.models import Enrolment, EnrolmentStatus
from mbtrain.enrolments.transitions import HOLDS_PLACE
from mbtrain.extensions import db

# Each thread has a connection of its own, as each worker has.
pytestmark = pytest.mark.commits

S = EnrolmentStatus


def test_the_last_place_is_granted_once(app, make_user, make_cohort, make_enrolment):
    cohort = make_cohort(places=1)
    applicants = [make_enrolment(cohort, S.VURDERES) for _ in range(2)]
    coordinator_id = make_user(Role.COORDINATOR).id
    ids = [e.id for e in applicants]
    db.session.commit()
    barrier = threading.Barrier(len(ids))
    outcomes: list[str] = []

    def grant(enrolment_id: int) -> None:
        with app.app_context(), app.test_request_context():
            barrier.wait()  # SQLite serialises at the first statement, PostgreSQL at the lock
            enrolment = db.session.get(Enrolment, enrolment_id)
            coordinator = db.session.get(User, coordinator_id)
            try:
                services.grant_place(enrolment, by=coordinator, today=date(2026, 11, 23))
                db.session.commit()
                outcomes.append("granted")
            except services.EnrolmentError:
                db.session.rollback()
                outcomes.append("full")

    threads = [threading.Thread(target=grant, args=(i,)) for i in ids]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert sorted(outcomes) == ["full", "granted"]
    db.session.expire_all()
    holders = db.session.scalar(
        select(func.count()).select_from(Enrolment).where(Enrolment.status.in_(HOLDS_PLACE))
    )
    assert holders == 1
