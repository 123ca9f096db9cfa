"""The register of organisations: orgnr validated and stored compact."""

import logging

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import selectinload
from stdnum.exceptions import ValidationError
from stdnum.no import orgnr as stdnum_orgnr

from mbtrain.accounts import services as accounts
from mbtrain.accounts.models import Role, User
from mbtrain.concurrency import check_version
from mbtrain.errors import Refused
from mbtrain.extensions import db
from mbtrain.organisations.models import ContactPerson, County, Organisation, OrganisationType
from mbtrain.policy import may_manage_county

log = logging.getLogger(__name__)


class OrganisationError(Refused):
    """A broken rule about an organisation; the message is meant for the user."""


def clean_orgnr(raw: str) -> str:
    """The compact 9-digit number, or OrganisationError explaining what is wrong."""
    try:
        return stdnum_orgnr.validate(raw)
    except ValidationError as error:
        raise OrganisationError(
            _(
                "Organisasjonsnummeret er ikke gyldig: "
                "det skal ha 9 siffer og riktig kontrollsiffer."
            ),
            field="orgnr",
        ) from error


def register() -> list[Organisation]:
    """Every organisation, by name, with its parent and county."""
    return list(
        db.session.scalars(
            select(Organisation)
            .options(selectinload(Organisation.parent), selectinload(Organisation.county))
            .order_by(Organisation.name)
        )
    )


def parents_and_counties(
    user: User, editing: Organisation | None = None
) -> tuple[list[Organisation], list[County]]:
    """What ``user`` may put an organisation under (any other) and in (their own counties)."""
    organisations = db.session.scalars(select(Organisation).order_by(Organisation.name))
    counties = db.session.scalars(select(County).order_by(County.name))
    return (
        [org for org in organisations if org is not editing],
        [county for county in counties if may_manage_county(user, county.id)],
    )


def create_organisation(by: User, **fields) -> Organisation:
    """A new organisation registered through the page, in one of ``by``'s own counties."""
    _check_county(by, fields["county"])
    return save_organisation(None, **fields)


def update_organisation(
    organisation: Organisation, by: User, *, seen_version: int | None, **fields
) -> Organisation:
    """A change through the page to ``organisation`` as it was at ``seen_version``."""
    check_version(organisation.version, seen_version)
    _check_county(by, fields["county"])
    return save_organisation(organisation, **fields)


def _check_county(by: User, county: County | None) -> None:
    if not may_manage_county(by, county.id if county else None):
        raise OrganisationError(_("Velg et av dine fylker."), field="county")


def save_organisation(
    organisation: Organisation | None,
    *,
    name: str,
    orgnr: str,
    type: OrganisationType,
    parent: Organisation | None,
    county: County | None,
) -> Organisation:
    compact = clean_orgnr(orgnr)
    clash = db.session.scalar(select(Organisation).where(Organisation.orgnr == compact))
    if clash is not None and clash is not organisation:
        raise OrganisationError(
            _("Organisasjonsnummeret er allerede registrert på %(name)s.", name=clash.name),
            field="orgnr",
        )
    if organisation is None:
        organisation = Organisation()
        db.session.add(organisation)
    if parent is not None and _would_cycle(organisation, parent):
        raise OrganisationError(_("En organisasjon kan ikke ligge under seg selv."), field="parent")
    organisation.name = name.strip()
    organisation.orgnr = compact
    organisation.type = type
    organisation.parent = parent
    organisation.county = county
    db.session.flush()
    log.info("organisation %s saved", organisation.id)
    return organisation


def _would_cycle(organisation: Organisation, parent: Organisation) -> bool:
    node: Organisation | None = parent
    while node is not None:
        if node is organisation:
            return True
        node = node.parent
    return False


def add_contact(
    organisation: Organisation, *, name: str, email: str, phone: str, role_title: str
) -> ContactPerson:
    contact = ContactPerson(
        organisation=organisation,
        name=name.strip(),
        email=email.strip().lower(),
        phone=phone.strip(),
        role_title=role_title.strip(),
    )
    db.session.add(contact)
    db.session.flush()
    log.info("contact %s added to organisation %s", contact.id, organisation.id)
    return contact


def remove_contact(contact: ContactPerson) -> None:
    db.session.delete(contact)
    db.session.flush()
    log.info("contact %s removed from organisation %s", contact.id, contact.organisation_id)


def invite_partner(organisation: Organisation, *, name: str, email: str) -> User:
    """A praksisveileder account tied to this organisation, and an invitation link by e-mail."""
    try:
        user = accounts.invite_user(
            email=email, name=name, role=Role.PARTNER, organisation=organisation
        )
    except accounts.AccountError as error:
        raise OrganisationError(str(error), field="email") from error
    log.info("partner user %s invited to organisation %s", user.id, organisation.id)
    return user


def partner_users(organisation: Organisation) -> list[User]:
    return list(
        db.session.scalars(
            select(User)
            .where(User.organisation_id == organisation.id, User.role == Role.PARTNER)
            .order_by(User.name)
        )
    )
