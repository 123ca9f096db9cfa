"""The access log: one row per look at someone's data, shown to them, never changed."""

import pytest
from flask_login import login_user
from sqlalchemy import delete, event, func, select, update

from mbtrain.accounts.models import Role, User
from mbtrain.audit.models import AccessAction, AccessLog
from mbtrain.audit.services import AccessLogIsAppendOnly, record_access
from mbtrain.extensions import db


def log_rows() -> list[AccessLog]:
    return db.session.scalars(select(AccessLog).order_by(AccessLog.id)).all()


def test_an_admin_looking_at_a_user_leaves_exactly_one_row_without_content(make_user, login):
    trainee = make_user(Role.TRAINEE, name="Sigrid Hansen", email="sigrid@example.org")
    admin = make_user(Role.ADMIN)
    browser = login(admin)
    before = len(log_rows())

    assert browser.get(f"/admin/brukere/{trainee.id}").status_code == 200

    rows = log_rows()[before:]
    assert len(rows) == 1
    row = rows[0]
    assert (row.actor_user_id, row.actor_role, row.actor_scope) == (admin.id, "ADMIN", "nasjonal")
    assert (row.subject_user_id, row.action, row.object_type, row.object_id) == (
        trainee.id,
        AccessAction.VIEW,
        "user",
        trainee.id,
    )
    assert row.purpose == "ADMIN"
    assert row.at.utcoffset().total_seconds() == 0
    stored = " ".join(str(getattr(row, c.key)) for c in AccessLog.__table__.columns)
    for content in ("Sigrid", "Hansen", "sigrid@example.org", "Deltaker"):
        assert content not in stored


def test_the_trainee_sees_who_looked_and_why_and_nobody_else_does(make_user, login):
    trainee, other = make_user(Role.TRAINEE), make_user(Role.TRAINEE)
    admin = login(make_user(Role.ADMIN, name="Astrid Admin"))
    admin.get(f"/admin/brukere/{trainee.id}")

    page = login(trainee).get("/meg/innsyn").get_data(as_text=True)
    others_page = login(other).get("/meg/innsyn").get_data(as_text=True)

    assert "Hvem har sett opplysningene mine" in page
    for shown in ("Administrator", "nasjonal", "Så på", "Brukerkonto"):
        assert shown in page
    assert "Forvaltning av brukere og systemet" in page
    assert "Ingen oppføringer." in others_page
    assert "Brukerkonto" not in others_page


def test_a_coordinators_row_names_the_counties_they_act_for(make_user, app):
    coordinator = make_user(Role.COORDINATOR)
    with app.test_request_context():
        login_user(coordinator)
        row = record_access(AccessAction.VIEW, object_type="user", object_id=1, purpose="ADMIN")
        assert row.actor_scope == "Vestland"
        assert row.actor_role == "COORDINATOR"
        db.session.rollback()


@pytest.fixture
def logged_row(make_user, login) -> AccessLog:
    trainee = make_user(Role.TRAINEE)
    login(make_user(Role.ADMIN)).get(f"/admin/brukere/{trainee.id}")
    return log_rows()[-1]


def test_a_log_row_cannot_be_changed(logged_row):
    logged_row.purpose = "COHORT_ADMIN"
    with pytest.raises(AccessLogIsAppendOnly):
        db.session.flush()
    db.session.rollback()
    assert log_rows()[-1].purpose == "ADMIN"


def test_a_log_row_cannot_be_deleted(logged_row):
    count = len(log_rows())
    db.session.delete(logged_row)
    with pytest.raises(AccessLogIsAppendOnly):
        db.session.flush()
    db.session.rollback()
    assert len(log_rows()) == count


@pytest.mark.parametrize(
    "statement",
    [
        pytest.param(update(AccessLog).values(purpose="COHORT_ADMIN"), id="bulk-update"),
        pytest.param(delete(AccessLog), id="bulk-delete"),
    ],
)
def test_log_rows_cannot_be_changed_in_bulk_either(logged_row, statement):
    count = len(log_rows())
    with pytest.raises(AccessLogIsAppendOnly):
        db.session.execute(statement)
    db.session.rollback()
    assert len(log_rows()) == count
    assert {row.purpose for row in log_rows()} == {"ADMIN"}


@pytest.mark.parametrize("app_config", [{"PROPAGATE_EXCEPTIONS": False}])
def test_a_change_whose_log_row_cannot_be_written_is_not_saved(make_user, login):
    trainee = make_user(Role.TRAINEE, name="Ola Nordmann")
    trainee_browser = login(trainee)
    admin = login(make_user(Role.ADMIN))

    def log_write_fails(mapper, connection, target):
        raise RuntimeError("the access log could not be written")

    event.listen(AccessLog, "before_insert", log_write_fails)
    try:
        response = admin.submit(
            f"/admin/brukere/{trainee.id}",
            {
                "name": "Ola Endret",
                "role": Role.INSTRUCTOR.value,
                "organisation": "0",
                "active": "y",
                "version": str(trainee.version),
            },
            page="/",
        )
    finally:
        event.remove(AccessLog, "before_insert", log_write_fails)

    assert response.status_code == 500
    assert "Ingenting er lagret fra denne handlingen" in response.get_data(as_text=True)
    db.session.expire_all()
    saved = db.session.get(User, trainee.id)
    assert (saved.name, saved.role, saved.version) == ("Ola Nordmann", Role.TRAINEE, 1)
    assert trainee_browser.get("/").status_code == 200  # the logout went back with it
    assert (
        db.session.scalar(
            select(func.count())
            .select_from(AccessLog)
            .where(AccessLog.action == AccessAction.UPDATE)
        )
        == 0
    )


def test_the_admin_searches_the_log_and_the_search_is_logged_for_the_trainee(make_user, login):
    trainee, other = make_user(Role.TRAINEE), make_user(Role.TRAINEE)
    coordinator = login(make_user(Role.COORDINATOR))
    admin_user = make_user(Role.ADMIN)
    admin = login(admin_user)
    admin.get(f"/admin/brukere/{trainee.id}")
    admin.get(f"/admin/brukere/{other.id}")
    before = len(log_rows())

    page = admin.get(f"/admin/tilgangslogg?subject_user_id={trainee.id}")

    assert page.status_code == 200
    body = page.get_data(as_text=True)
    assert body.count("<td>Brukerkonto</td>") == 1  # the trainee's row, not the other's
    rows = log_rows()[before:]
    assert [(r.object_type, r.subject_user_id, r.actor_user_id) for r in rows] == [
        ("access_log", trainee.id, admin_user.id)
    ]
    assert "Tilgangslogg" in login(trainee).get("/meg/innsyn").get_data(as_text=True)
    assert coordinator.get("/admin/tilgangslogg").status_code == 403
