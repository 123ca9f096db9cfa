"""Contact persons on the organisation's page, and praksisveiledere invited to it."""

import re

import pytest
from sqlalchemy import select

from mbtrain.accounts.models import ActionToken, Role, TokenPurpose, User
from mbtrain.audit.models import AccessAction
from mbtrain.extensions import db
from mbtrain.mail.models import OutboxMessage
from mbtrain.organisations.models import ContactPerson, OrganisationType
from tests.placements.core_support import last_log_id, log_rows_after


@pytest.fixture
def unit(make_organisation, county):
    return make_organisation("Fjordtun DPS", county=county)


def text(response) -> str:
    return response.get_data(as_text=True)


def test_contact_persons_are_added_shown_and_removed(unit, login_as):
    browser = login_as(Role.COORDINATOR)
    page = f"/organisasjoner/{unit.id}"
    response = browser.submit(
        f"{page}/kontaktpersoner",
        {
            "name": "Liv Leder",
            "role_title": "Avdelingsleder",
            "email": "Liv.Leder@example.org",
            "phone": "55 00 00 01",
        },
        page=page,
    )
    assert response.status_code == 302
    html = text(browser.get(page))
    assert "Liv Leder" in html and "Avdelingsleder" in html and "liv.leder@example.org" in html
    (contact,) = db.session.scalars(select(ContactPerson)).all()
    response = browser.submit(f"{page}/kontaktpersoner/{contact.id}/slett", {}, page=page)
    assert response.status_code == 302
    assert db.session.scalars(select(ContactPerson)).all() == []


def test_a_contact_needs_a_name_and_a_valid_address(unit, login_as):
    browser = login_as(Role.COORDINATOR)
    page = f"/organisasjoner/{unit.id}"
    response = browser.submit(
        f"{page}/kontaktpersoner", {"name": "", "email": "ikke-epost"}, page=page
    )
    assert response.status_code == 400
    html = text(response)
    assert re.search(r'id="name-error">Dette feltet må fylles ut', html)
    assert "Skriv en gyldig e-postadresse" in html
    assert db.session.scalars(select(ContactPerson)).all() == []


def test_inviting_a_partner_ties_the_account_to_the_organisation_and_mails_a_link(unit, login_as):
    browser = login_as(Role.COORDINATOR)
    url = f"/organisasjoner/{unit.id}/inviter"
    first = last_log_id()
    response = browser.submit(url, {"name": "Per Praksis", "email": "per.praksis@example.org"})
    assert response.status_code == 302
    user = db.session.scalar(select(User).where(User.email == "per.praksis@example.org"))
    assert (user.role, user.organisation_id, user.password_hash) == (Role.PARTNER, unit.id, None)
    token = db.session.scalar(select(ActionToken).where(ActionToken.user_id == user.id))
    assert token.purpose is TokenPurpose.INVITATION
    (mail,) = db.session.scalars(
        select(OutboxMessage).where(OutboxMessage.recipient == "per.praksis@example.org")
    ).all()
    assert "/lenke/" in mail.body
    (row,) = [r for r in log_rows_after(first) if r.action is AccessAction.CREATE]
    assert (row.object_type, row.subject_user_id, row.purpose) == ("user", user.id, "PLACEMENT")
    assert "Per Praksis" in text(browser.get(f"/organisasjoner/{unit.id}"))


def test_an_address_already_in_use_is_refused_on_the_field(unit, login_as, make_user):
    make_user(Role.TRAINEE, email="opptatt@example.org")
    response = login_as(Role.COORDINATOR).submit(
        f"/organisasjoner/{unit.id}/inviter", {"name": "Noen", "email": "opptatt@example.org"}
    )
    assert response.status_code == 400
    assert re.search(r'id="email-error">Det finnes allerede en konto', text(response))


@pytest.mark.parametrize(
    "path",
    ["/organisasjoner/{id}", "/organisasjoner/{id}/inviter"],
)
def test_coordinators_of_other_counties_cannot_reach_the_organisation(
    unit, login_as, other_county, path
):
    url = path.format(id=unit.id)
    assert login_as(Role.COORDINATOR, counties=[other_county]).get(url).status_code == 404
    assert login_as(Role.ADMIN).get(url).status_code == 200


def test_other_counties_cannot_add_or_remove_contacts(unit, login_as, other_county):
    contact = ContactPerson(organisation=unit, name="Liv Leder")
    db.session.add(contact)
    db.session.commit()
    browser = login_as(Role.COORDINATOR, counties=[other_county])
    add = browser.submit(f"/organisasjoner/{unit.id}/kontaktpersoner", {"name": "X"}, page="/")
    remove = browser.submit(
        f"/organisasjoner/{unit.id}/kontaktpersoner/{contact.id}/slett", {}, page="/"
    )
    assert (add.status_code, remove.status_code) == (404, 404)
    assert [c.name for c in db.session.scalars(select(ContactPerson))] == ["Liv Leder"]


def test_the_organisation_page_shows_the_saved_type(make_organisation, county, login_as):
    """Saving the page unchanged must not turn a helseforetak into a kommune."""
    dps = make_organisation("Fjordtun DPS", county=county, type=OrganisationType.HELSEFORETAK)
    html = text(login_as(Role.COORDINATOR).get(f"/organisasjoner/{dps.id}"))
    assert '<option selected value="HELSEFORETAK">' in html
