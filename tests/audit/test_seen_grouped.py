"""«Hvem har sett»: repeated looks by the same person at the same thing on the same day are
one row with a count, grouped in SQL; and the demo's trainees have a log over the months."""

import re
from datetime import UTC, datetime, timedelta

from sqlalchemy import insert

from mbtrain import demo
from mbtrain.accounts.models import Role
from mbtrain.audit.models import AccessAction, AccessLog
from mbtrain.extensions import db

DAY = datetime(2026, 11, 16, 9, 0, tzinfo=UTC)


def looks(actor, trainee, at, object_type="enrolment", object_id=7, times=1):
    return [
        {
            "at": at + timedelta(minutes=5 * n),
            "actor_user_id": actor.id,
            "actor_role": actor.role.value,
            "actor_scope": "Vestland",
            "subject_user_id": trainee.id,
            "action": AccessAction.VIEW,
            "object_type": object_type,
            "object_id": object_id,
            "purpose": "COHORT_ADMIN",
        }
        for n in range(times)
    ]


def rows_of(page: str) -> list[str]:
    body = page[page.index("<tbody>") : page.index("</tbody>")]
    return re.findall(r"<tr>.*?</tr>", body, re.S)


def test_looks_at_one_thing_on_one_day_are_one_row_with_a_count(make_user, login):
    trainee, coordinator = make_user(Role.TRAINEE), make_user(Role.COORDINATOR)
    instructor = make_user(Role.INSTRUCTOR)
    rows = (
        looks(coordinator, trainee, DAY, times=7)  # one page opened seven times
        + looks(coordinator, trainee, DAY, object_type="trainee_progress")  # another page
        + looks(coordinator, trainee, DAY, object_id=8)  # another record, same kind
        + looks(coordinator, trainee, DAY + timedelta(days=1), times=2)  # the next day
        + looks(instructor, trainee, DAY, times=2)  # someone else
    )
    db.session.execute(insert(AccessLog), rows)
    db.session.commit()

    shown = rows_of(login(trainee).get("/meg/innsyn").get_data(as_text=True))

    assert len(shown) == 5
    counts = sorted(
        int(m.group(1)) if (m := re.search(r"(\d+) ganger samme dag", row)) else 1 for row in shown
    )
    assert counts == [1, 1, 2, 2, 7]
    assert "17.11.2026" in shown[0]  # newest first: the next day's two looks
    seven = next(row for row in shown if "7 ganger" in row)
    assert "16.11.2026 10:30" in seven  # the last of the seven (09:30 UTC, Norwegian time)


def test_the_log_is_read_in_the_same_queries_however_long(make_user, login, count_queries):
    trainee, coordinator = make_user(Role.TRAINEE), make_user(Role.COORDINATOR)
    client = login(trainee)
    counts = []
    for days in (2, 60):
        db.session.execute(
            insert(AccessLog),
            [
                row
                for day in range(days)
                for row in looks(coordinator, trainee, DAY - timedelta(days=day), times=3)
            ],
        )
        db.session.commit()
        client.get("/meg/innsyn")
        with count_queries() as statements:
            page = client.get("/meg/innsyn").get_data(as_text=True)
        assert len(rows_of(page)) == days  # one row a day, however many looks
        counts.append(len(statements))
    assert counts[0] == counts[1], counts


def test_each_demo_trainee_sees_the_coordinator_instructor_and_supervisor_over_months(
    app, demo_data
):
    login = next(login for login in demo_data if login.role == "trainee")
    client = app.test_client()
    client.submit("/logg-inn", {"email": login.email, "password": demo.DEMO_PASSWORD})
    shown = rows_of(client.get("/meg/innsyn").get_data(as_text=True))

    assert len(shown) >= 15
    text = " ".join(shown)
    for role in ("Fylkeskoordinator", "Kursholder", "Praksisveileder"):
        assert role in text
    months = {m.group(1) for m in re.finditer(r"\d\d\.(\d\d\.\d{4})", text)}
    assert len(months) >= 4, months  # the course started in August
    assert "ganger samme dag" in text
