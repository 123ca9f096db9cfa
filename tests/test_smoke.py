import re

from mbtrain.accounts.models import Role


def test_login_page_is_norwegian(client):
    response = client.get("/logg-inn")
    assert response.status_code == 200
    assert "Logg inn" in response.get_data(as_text=True)


def test_each_role_lands_on_its_norwegian_home_page(login_as):
    for role, text in [
        (Role.ADMIN, "administrator for hele landet"),
        (Role.COORDINATOR, "fylkeskoordinator for Vestland"),
        (Role.INSTRUCTOR, "Du er kursholder"),
        (Role.PARTNER, "Du er praksisveileder for"),
        (Role.TRAINEE, "Her følger du din egen opplæring"),
    ]:
        page = login_as(role).get("/").get_data(as_text=True)
        assert text in page, role


def menu_of(page: str) -> list[str]:
    """The main menu's link texts, in order."""
    menu = page.split("<nav ", 1)[1].split("</nav>", 1)[0]
    return re.findall(r">([^<>]+)</a>", menu)


def test_the_menu_follows_role_and_language_in_one_worker(login_as):
    """The menu is built once per role and language (mbtrain/navigation.py): the next user,
    or the same user in another language, must never get the menu built for the last one."""
    coordinator = login_as(Role.COORDINATOR)
    assert menu_of(coordinator.get("/").get_data(as_text=True))[:3] == [
        "Forside", "Kurs", "Oppfølging etter kurset"
    ]  # fmt: skip
    trainee = login_as(Role.TRAINEE)
    trainee_menu = menu_of(trainee.get("/").get_data(as_text=True))
    assert "Min progresjon" in trainee_menu and "Kurs" not in trainee_menu
    assert "Tilgangslogg" not in trainee_menu
    coordinator.submit("/sprak", {"language": "en", "next": "/"}, page="/")
    english = menu_of(coordinator.get("/").get_data(as_text=True))
    assert english[:2] == ["Home", "Courses"], english
    # The current page is marked for screen readers, whichever way the menu was built.
    assert 'href="/kurs/" aria-current="page"' in coordinator.get("/kurs/").get_data(as_text=True)
    assert menu_of(trainee.get("/").get_data(as_text=True)) == trainee_menu
