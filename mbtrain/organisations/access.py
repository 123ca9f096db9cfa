"""An organisation for a page, if this user may manage it; and its contact persons."""

from flask import abort
from flask_login import current_user

from mbtrain.extensions import db
from mbtrain.organisations.models import ContactPerson, Organisation
from mbtrain.policy import may_manage_county


def load_organisation(organisation_id: int) -> Organisation:
    """An organisation this user may manage (its county, or everything for admin); else 404."""
    organisation = db.get_or_404(Organisation, organisation_id)
    if not may_manage_county(current_user, organisation.county_id):
        abort(404)
    return organisation


def load_contact(organisation_id: int, contact_id: int) -> tuple[Organisation, ContactPerson]:
    """A contact person of an organisation this user may manage; else 404."""
    organisation = load_organisation(organisation_id)
    contact = db.session.get(ContactPerson, contact_id)
    if contact is None or contact.organisation_id != organisation.id:
        abort(404)
    return organisation, contact
