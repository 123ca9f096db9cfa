"""Two admins editing the same person: the later save is stopped, and nothing is lost."""

import re

from mbtrain.accounts.models import Role
from mbtrain.extensions import db

CONFLICT = "Noen andre har lagret endringer her etter at du åpnet skjemaet."


def test_the_second_of_two_saves_on_the_same_form_gets_409_and_keeps_its_input(
    make_user, login, user_form
):
    coordinator = make_user(Role.COORDINATOR, name="Kari Nordmann")
    first, second = login(make_user(Role.ADMIN)), login(make_user(Role.ADMIN))
    url = f"/admin/brukere/{coordinator.id}"
    opened = user_form(coordinator)  # both admins open the form on the same version
    assert first.get(url).status_code == second.get(url).status_code == 200

    saved = first.submit(url, {**opened, "name": "Kari Nordmann-Li"})
    stale = second.submit(url, {**opened, "name": "Kari Nordheim", "active": ""})

    assert saved.status_code == 302
    assert stale.status_code == 409
    page = stale.get_data(as_text=True)
    assert CONFLICT in page
    # What is saved now is shown ...
    saved_now = page[page.index("Det som nå er lagret") : page.index("</section>")]
    assert "Kari Nordmann-Li" in saved_now
    # ... and the second admin's input is still in the form, ready to save again.
    assert re.search(r'<input[^>]*id="name"[^>]*value="Kari Nordheim"', page)
    assert not re.search(r'<input[^>]*id="active"[^>]*checked', page)
    version = re.search(r'<input[^>]*id="version"[^>]*value="(\d+)"', page).group(1)

    db.session.refresh(coordinator)
    assert coordinator.name == "Kari Nordmann-Li"
    assert coordinator.active
    assert int(version) == coordinator.version == int(opened["version"]) + 1

    # Having looked, the second admin saves again and that save goes through.
    again = second.submit(url, {**opened, "name": "Kari Nordheim", "version": version})
    assert again.status_code == 302
    db.session.refresh(coordinator)
    assert coordinator.name == "Kari Nordheim"


def test_a_form_without_its_version_is_not_saved(make_user, login, user_form):
    trainee = make_user(Role.TRAINEE, name="Ola Nordmann")
    admin = login(make_user(Role.ADMIN))
    data = user_form(trainee, name="Ola Endret")
    del data["version"]

    response = admin.submit(f"/admin/brukere/{trainee.id}", data)

    assert response.status_code == 200
    db.session.refresh(trainee)
    assert trainee.name == "Ola Nordmann"
