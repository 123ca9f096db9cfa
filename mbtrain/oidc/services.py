"""Who a provider's login is here, and ending the sessions a provider's logout names.

A login is linked to an account once, through the account's invitation link; from then on a
keyed hash of the identifying claim finds it. Nothing is created for a login that is not
linked. Services flush and never commit: the request owns the transaction.
"""

import hashlib
import hmac
import logging
from collections.abc import Iterable

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import and_, select, update
from sqlalchemy.exc import IntegrityError

from mbtrain.accounts import services as accounts
from mbtrain.accounts.models import AuthSession, Role, TokenPurpose, User
from mbtrain.database import utcnow
from mbtrain.extensions import db
from mbtrain.oidc.client import LoginRefused, check_acr
from mbtrain.oidc.models import LoginLink, SeenLogoutToken
from mbtrain.oidc.providers import GroupGrant, Provider
from mbtrain.organisations.models import County

log = logging.getLogger(__name__)

# When several Entra groups give roles, the widest wins.
ROLE_ORDER = (Role.ADMIN, Role.COORDINATOR, Role.INSTRUCTOR, Role.PARTNER, Role.TRAINEE)


def subject_hash(provider: str, value: str) -> str:
    """HMAC-SHA256 of the identifying claim under a key of our own (OIDC_SUBJECT_KEY, else
    one derived from SECRET_KEY): the same person gives the same hash, and a leaked table
    cannot be matched against a list of national identity numbers without the key."""
    config = current_app.config
    key = (
        config.get("OIDC_SUBJECT_KEY")
        or hmac.new(
            config["SECRET_KEY"].encode(), b"mbtrain oidc subject", hashlib.sha256
        ).hexdigest()
    )
    message = f"{provider}\x00{value}".encode()
    return hmac.new(key.encode(), message, hashlib.sha256).hexdigest()


def contact_message(provider: Provider) -> str:
    if provider.kind == "entra":
        return _(
            "Du har ingen tilgang til mbtrain som NAV-ansatt. Kontakt fagstøtte for "
            "MB-opplæringen (administrator i mbtrain) for å få tilgang."
        )
    return _(
        "Vi fant ingen konto i mbtrain for denne innloggingen. Du må først bli invitert: "
        "kontakt fylkeskoordinatoren for MB-opplæringen i ditt fylke, og bruk lenken i "
        "invitasjonen første gang du logger inn."
    )


def identify(provider: Provider, claims: dict, invitation: str | None) -> User:
    """The account this login belongs to, linking it first through a live invitation; refused
    (``LoginRefused``) when there is none, the account is closed, its role may not use this
    provider, or the login's level (acr) is too low for the role."""
    value = claims.get(provider.subject_claim)
    if not isinstance(value, str) or not value:
        raise LoginRefused(_("Innloggingen manglet opplysningen som identifiserer deg."))
    digest = subject_hash(provider.name, value)
    link = db.session.scalar(
        select(LoginLink).where(
            LoginLink.provider == provider.name, LoginLink.subject_hash == digest
        )
    )
    if link is not None:
        user = link.user
    elif invitation:
        user = _link_by_invitation(provider, digest, invitation)
    else:
        raise LoginRefused(contact_message(provider))
    if not user.active:
        raise LoginRefused(_("Kontoen din er stengt. Kontakt den som inviterte deg."))
    if provider.groups:
        apply_groups(provider, user, claims.get("groups") or [])
    if user.role not in provider.roles:
        raise LoginRefused(
            _(
                "Denne innloggingen kan ikke brukes for din rolle i mbtrain (%(role)s).",
                role=user.role.label,
            )
        )
    check_acr(provider, claims, provider.required_acr(user.role))
    return user


def _link_by_invitation(provider: Provider, digest: str, token: str) -> User:
    invitation = accounts.find_link(token, [TokenPurpose.INVITATION])  # LinkInvalid says why
    user = invitation.user
    if user is None:
        raise LoginRefused(contact_message(provider))
    accounts.use_link(invitation)
    db.session.add(LoginLink(user=user, provider=provider.name, subject_hash=digest))
    db.session.flush()
    log.info("user %s linked to a login at %s", user.id, provider.name)
    return user


def link_login(user: User, provider: str, subject: str) -> LoginLink:
    """Link directly (the tests' seed; people use their invitation)."""
    link = LoginLink(user=user, provider=provider, subject_hash=subject_hash(provider, subject))
    db.session.add(link)
    db.session.flush()
    return link


def grants_for(provider: Provider, groups: Iterable[str]) -> list[GroupGrant]:
    return [provider.groups[group] for group in groups if group in provider.groups]


def apply_groups(provider: Provider, user: User, groups: Iterable[str]) -> None:
    """Entra: the role and counties come from the groups, as mapped; no mapped group, no entry."""
    grants = grants_for(provider, groups)
    if not grants:
        raise LoginRefused(contact_message(provider))
    role = min((grant.role for grant in grants), key=ROLE_ORDER.index)
    codes = sorted({code for grant in grants if grant.role is role for code in grant.counties})
    counties = list(db.session.scalars(select(County).where(County.code.in_(codes))))
    if role is not user.role or {c.id for c in counties} != user.county_ids:
        try:
            accounts.apply_scope(user, role, counties, user.organisation)
        except accounts.AccountError as error:
            raise LoginRefused(contact_message(provider)) from error
        user.role = role
        accounts.revoke_all_sessions(user)  # what they may see changed
        db.session.flush()
        log.info("user %s given role %s by the groups at %s", user.id, role.value, provider.name)


def end_sessions(provider: Provider, *, sid: str | None, sub: str | None) -> int:
    """Every live session of the login the provider names (by its sid, else its subject)."""
    match = AuthSession.provider_sid == sid if sid else AuthSession.provider_sub == sub
    if sid and sub:
        match = and_(match, AuthSession.provider_sub == sub)
    result = db.session.execute(
        update(AuthSession)
        .where(AuthSession.provider == provider.name, AuthSession.revoked_at.is_(None), match)
        .values(revoked_at=utcnow())
        .execution_options(synchronize_session=False)
    )
    log.info("%d session(s) ended by a logout from %s", result.rowcount, provider.name)
    return result.rowcount


def first_use_of(provider: Provider, jti: str) -> bool:
    """Record a logout token's jti; False when it was seen before (a replay)."""
    try:
        with db.session.begin_nested():
            db.session.add(SeenLogoutToken(provider=provider.name, jti=jti[:255]))
            db.session.flush()
    except IntegrityError:
        return False
    return True
