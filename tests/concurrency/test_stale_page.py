"""A save that loses a race at the database (its version-checked UPDATE matched no row)
gets the conflict page, 409, with nothing saved — not a 500."""

import pytest
from sqlalchemy.orm.exc import StaleDataError

from mbtrain import policy
from mbtrain.concurrency import flush_versioned
from mbtrain.errors import StaleEdit
from mbtrain.extensions import db
from mbtrain.placements.models import Placement


@pytest.mark.own_app  # it adds a route
def test_a_lost_race_anywhere_is_answered_409(app, client):
    def racing_save():
        raise StaleDataError("UPDATE statement on table 'x' expected to update 1 row(s)")

    app.add_url_rule("/test/racing-save", "racing_save", racing_save)
    policy.POLICY["racing_save"] = policy.public()
    try:
        response = client.get("/test/racing-save")
    finally:
        del policy.POLICY["racing_save"]
    assert response.status_code == 409
    assert "Noen andre har endret dette samtidig med deg" in response.get_data(as_text=True)


def test_a_flush_that_lost_the_race_is_a_stale_edit(world):
    placement = world.place(world.trainee())
    # Someone else saved in between: the row's version moved on behind this session's back.
    db.session.execute(
        Placement.__table__.update()
        .where(Placement.id == placement.id)
        .values(version=Placement.version + 1)
    )
    placement.supervisor_name = "Ny Veileder"
    with pytest.raises(StaleEdit):
        flush_versioned()
    db.session.rollback()
