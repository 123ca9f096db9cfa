"""PostgreSQL restarted and stopped under the app: the first request after a restart works
(pooled connections are pinged), an outage answers a Norwegian 503 with Retry-After and a
JSON /healthz, nothing answered as saved is lost, and it recovers without a restart."""

import threading
import time

import sqlalchemy as sa

from mbtrain.accounts.models import User
from mbtrain.extensions import db
from tests.faults.conftest import sign_in_admin

HOME = "/"


def invite(client, email: str):
    return client.submit(
        "/admin/brukere/ny",
        {"name": "Feil Testesen", "email": email, "role": "TRAINEE", "organisation": "0"},
    )


def test_the_first_request_after_a_restart_succeeds(pg_app, admin, postgres):
    assert admin.get(HOME).status_code == 200  # the pool now holds a connection
    postgres.restart()
    response = admin.get(HOME)
    assert response.status_code == 200, response.status_code
    assert admin.get("/healthz").json["status"] == "ok"


def test_an_outage_answers_503_in_norwegian_without_the_database(pg_app, admin, postgres):
    assert admin.get(HOME).status_code == 200
    postgres.stop()
    try:
        page = admin.get(HOME)
        assert page.status_code == 503
        assert page.headers["Retry-After"] == "30"
        text = page.get_data(as_text=True)
        assert "Tjenesten er midlertidig utilgjengelig" in text
        assert "Internal Server Error" not in text
        assert invite(admin, "under-nede@example.org").status_code == 503
        login = pg_app.test_client().submit("/logg-inn", {"email": "a@b.no", "password": "x"})
        assert login.status_code == 503

        health = admin.get("/healthz")
        assert health.status_code == 503
        assert health.is_json
        assert health.json["status"] == "unavailable"
        assert health.json["database"] == "unreachable"
        assert health.headers["Retry-After"] == "30"
    finally:
        postgres.start()
    # Back without restarting the app: the same browser, signed in still.
    assert admin.get(HOME).status_code == 200
    assert admin.get("/healthz").json == {"status": "ok", "database": "ok", "ratelimit": "ok"}


def test_writes_under_load_through_a_stop_and_a_restart_lose_nothing(pg_app, admin, postgres):
    """Two browsers invite people in a loop while the database stops, starts and restarts.
    Every answer is a redirect (saved) or a 503 (not saved); every saved one is there."""
    answers: list[tuple[str, int]] = []
    stop = threading.Event()

    def browse(worker: int) -> None:
        with pg_app.app_context():
            browse_in_context(worker)

    def browse_in_context(worker: int) -> None:
        n = 0
        while not stop.is_set() and n < 200:  # bounded, whatever happens
            n += 1
            email = f"last-{worker}-{n}@example.org"
            try:
                answers.append((email, invite(admin_for(worker), email).status_code))
            except Exception as error:  # an exception is an answer too (a 500)
                answers.append((email, repr(error)))
            time.sleep(0.01)

    clients = {0: admin, 1: sign_in_admin(pg_app)}

    def admin_for(worker: int):
        return clients[worker]

    threads = [threading.Thread(target=browse, args=(i,)) for i in clients]
    for thread in threads:
        thread.start()
    time.sleep(0.5)
    postgres.stop()
    time.sleep(0.5)
    postgres.start()
    time.sleep(0.5)
    postgres.restart()
    time.sleep(0.5)
    stop.set()
    for thread in threads:
        thread.join(timeout=30)

    statuses = {status for _email, status in answers}
    assert statuses <= {302, 503}, statuses
    saved = {email for email, status in answers if status == 302}
    stored = set(db.session.scalars(sa.select(User.email).where(User.email.like("last-%"))))
    assert saved <= stored  # nothing answered as saved is missing
    assert stored <= {email for email, _ in answers}
    # Some were refused while it was down, and it worked again afterwards.
    assert 503 in statuses
    assert answers[-1][1] == 302 or invite(admin, "etterpaa@example.org").status_code == 302
    print(f"\nload: {len(answers)} invitations, {sum(s == 503 for _, s in answers)} answered 503")
