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
