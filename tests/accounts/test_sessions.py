"""Server-side sessions: a new identity at login, and a copied cookie dies with the session."""

from datetime import UTC, datetime, timedelta

import pytest
import time_machine

from mbtrain.accounts.models import Role
from mbtrain.extensions import db
from tests.conftest import PASSWORD

NEW_PASSWORD = "et helt nytt passord"
MONDAY_MORNING = datetime(2026, 3, 2, 7, 0, tzinfo=UTC)


def sent_to_login(response) -> bool:
    return response.status_code == 302 and "/logg-inn" in response.headers["Location"]


def test_login_starts_a_new_session_and_drops_what_was_planted_before(
    client, make_user, session_cookie, replay
):
    user = make_user(Role.TRAINEE)
    client.get("/logg-inn")
    with client.session_transaction() as session:
        session["planted"] = "by someone else"
    before_login = session_cookie(client)

    response = client.submit("/logg-inn", {"email": user.email, "password": PASSWORD})

    assert response.status_code == 302
    assert session_cookie(client) != before_login
    with client.session_transaction() as session:
        assert "planted" not in session
    # Whoever holds the cookie from before the login is not logged in by it.
    assert sent_to_login(replay(before_login))
    assert client.get("/").status_code == 200


def test_each_login_gets_its_own_session(make_user, login, session_cookie):
    user = make_user(Role.TRAINEE)
    first, second = login(user), login(user)
    with first.session_transaction() as one, second.session_transaction() as two:
        assert one["sid"] != two["sid"]


def test_logout_is_a_post_with_a_csrf_token(login_as, login, make_user):
    client = login_as(Role.COORDINATOR)

    response = client.get("/logg-ut")
    assert response.status_code == 405
    assert "Ikke tillatt" in response.get_data(as_text=True)
    assert client.post("/logg-ut").status_code == 400
    someone_else = login(make_user(Role.TRAINEE))
    other_token = someone_else.csrf_token("/")
    assert client.post("/logg-ut", data={"csrf_token": other_token}).status_code == 400

    assert client.get("/").status_code == 200  # still logged in after all of that


def test_a_cookie_copied_before_logout_is_useless_afterwards(login_as, session_cookie, replay):
    client = login_as(Role.COORDINATOR)
    copied = session_cookie(client)
    assert replay(copied).status_code == 200  # the copy works while the session lives

    response = client.submit("/logg-ut", {}, page="/")

    assert sent_to_login(response)
    assert sent_to_login(client.get("/"))
    assert sent_to_login(replay(copied))
    assert sent_to_login(replay(copied, "/organisasjoner/"))


def test_changing_the_password_logs_out_every_other_device(
    make_user, login, session_cookie, replay
):
    user = make_user(Role.COORDINATOR)
    laptop, phone = login(user), login(user)
    copied = session_cookie(phone)

    response = laptop.submit(
        "/konto/passord",
        {"current": PASSWORD, "password": NEW_PASSWORD, "confirm": NEW_PASSWORD},
    )

    assert response.status_code == 302
    assert laptop.get("/").status_code == 200  # the one who changed it stays in
    assert sent_to_login(phone.get("/"))
    assert sent_to_login(replay(copied))


@pytest.mark.parametrize(
    "change",
    [
        pytest.param({"role": Role.INSTRUCTOR.value, "counties": []}, id="role"),
        pytest.param({"counties": ["other"]}, id="county"),
        pytest.param({"active": ""}, id="deactivated"),
    ],
)
def test_what_the_admin_changes_about_access_ends_the_users_sessions(
    change, make_user, login, user_form, session_cookie, replay, other_county
):
    coordinator = make_user(Role.COORDINATOR)
    client = login(coordinator)
    copied = session_cookie(client)
    admin = login(make_user(Role.ADMIN))
    if change.get("counties") == ["other"]:
        change = {"counties": [str(other_county.id)]}

    response = admin.submit(f"/admin/brukere/{coordinator.id}", user_form(coordinator, **change))

    assert response.status_code == 302, response.get_data(as_text=True)
    assert sent_to_login(client.get("/"))
    assert sent_to_login(replay(copied))


def test_an_account_closed_outside_the_admin_page_is_logged_out_at_once(
    make_user, login, session_cookie, replay
):
    trainee = make_user(Role.TRAINEE)
    client = login(trainee)
    copied = session_cookie(client)
    trainee.active = False  # e.g. by a script, without going through the sessions
    db.session.commit()

    assert sent_to_login(client.get("/"))
    assert sent_to_login(replay(copied))


def test_a_deactivated_account_cannot_log_in_again(make_user, login, user_form, client):
    trainee = make_user(Role.TRAINEE)
    admin = login(make_user(Role.ADMIN))
    admin.submit(f"/admin/brukere/{trainee.id}", user_form(trainee, active=""))

    response = client.submit("/logg-inn", {"email": trainee.email, "password": PASSWORD})

    assert response.status_code == 200
    assert "Feil e-post eller passord" in response.get_data(as_text=True)


def test_correcting_a_name_does_not_log_the_user_out(make_user, login, user_form):
    coordinator = make_user(Role.COORDINATOR)
    client = login(coordinator)
    admin = login(make_user(Role.ADMIN))

    response = admin.submit(
        f"/admin/brukere/{coordinator.id}", user_form(coordinator, name="Kari Nordmann")
    )

    assert response.status_code == 302
    page = client.get("/")
    assert page.status_code == 200
    assert "Kari Nordmann" in page.get_data(as_text=True)


def test_a_session_left_idle_for_30_minutes_ends(make_user, login):
    user = make_user(Role.TRAINEE)
    with time_machine.travel(MONDAY_MORNING, tick=False) as clock:
        client = login(user)
        for _ in range(3):  # busy all morning, a little under 30 minutes apart
            clock.shift(timedelta(minutes=29))
            assert client.get("/").status_code == 200
        clock.shift(timedelta(minutes=31))
        assert sent_to_login(client.get("/"))


def test_a_session_ends_after_12_hours_however_busy(make_user, login):
    user = make_user(Role.TRAINEE)
    with time_machine.travel(MONDAY_MORNING, tick=False) as clock:
        client = login(user)
        for _ in range(71):  # every ten minutes until 11 h 50 min
            clock.shift(timedelta(minutes=10))
            assert client.get("/").status_code == 200
        clock.shift(timedelta(minutes=11))
        assert sent_to_login(client.get("/"))


def test_production_session_cookie_is_host_only_secure_httponly_and_lax(
    production_app, production_client, make_user
):
    user = make_user(Role.TRAINEE)
    response = production_client.submit("/logg-inn", {"email": user.email, "password": PASSWORD})
    assert response.status_code == 302

    cookies = [h for h in response.headers.getlist("Set-Cookie") if h.startswith("__Host-mbtrain=")]
    assert len(cookies) == 1
    attributes = {part.split("=")[0].strip().lower(): part for part in cookies[0].split(";")[1:]}
    assert "secure" in attributes
    assert "httponly" in attributes
    assert attributes["samesite"].strip() == "SameSite=Lax"
    assert attributes["path"].strip() == "Path=/"
    assert "domain" not in attributes  # __Host- cookies must not name a domain
    assert production_app.config["SESSION_COOKIE_NAME"] == "__Host-mbtrain"


@pytest.mark.parametrize(
    "app_config",
    [
        {
            "SESSION_IDLE_TIMEOUT": timedelta(minutes=5),
            "SESSION_ABSOLUTE_TIMEOUT": timedelta(hours=1),
        }
    ],
)
def test_the_configured_timeouts_are_the_ones_enforced(make_user, login):
    user = make_user(Role.TRAINEE)
    with time_machine.travel(MONDAY_MORNING, tick=False) as clock:
        idle = login(user)
        clock.shift(timedelta(minutes=4))
        assert idle.get("/").status_code == 200
        clock.shift(timedelta(minutes=6))
        assert sent_to_login(idle.get("/"))

        busy = login(user)
        for _ in range(14):  # every four minutes until 56 minutes
            clock.shift(timedelta(minutes=4))
            assert busy.get("/").status_code == 200
        clock.shift(timedelta(minutes=5))
        assert sent_to_login(busy.get("/"))
