"""Passwords, server-side sessions, single-use links and account changes.

Services flush and never commit: the request that calls them owns the transaction.
"""

import hashlib
import logging
import secrets
from collections.abc import Iterable
from datetime import timedelta

from flask import current_app, render_template
from flask_babel import gettext as _
from sqlalchemy import bindparam, func, select, update
from sqlalchemy.orm import contains_eager
from werkzeug.security import check_password_hash, generate_password_hash

from mbtrain.accounts.models import ActionToken, AuthSession, Role, TokenPurpose, User
from mbtrain.concurrency import check_version
from mbtrain.database import utcnow
from mbtrain.errors import Refused
from mbtrain.extensions import db
from mbtrain.http import public_url
from mbtrain.mail.services import send_mail
from mbtrain.organisations.models import County, Organisation

log = logging.getLogger(__name__)

MIN_PASSWORD_LENGTH = 12
MAX_PASSWORD_LENGTH = 128
LAST_SEEN_RESOLUTION = timedelta(seconds=60)
# werkzeug's scrypt (N=32768, r=8, p=1), about 120 ms a hash here. Tests set a cheaper scrypt
# through PASSWORD_HASH_METHOD; production keeps this (tests/test_config.py checks it).
DEFAULT_PASSWORD_HASH_METHOD = "scrypt"  # noqa: S105 - a method, not a password
# Compared against when the e-mail is unknown, so both answers take as long: one per method.
_dummy_hashes: dict[str, str] = {}


class AccountError(Refused):
    """A broken account rule; the message is meant for the user."""


class LinkInvalid(AccountError):
    pass


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def normalise_email(email: str) -> str:
    return email.strip().lower()


def _hash_method() -> str:
    return current_app.config.get("PASSWORD_HASH_METHOD") or DEFAULT_PASSWORD_HASH_METHOD


def hash_password(password: str) -> str:
    return generate_password_hash(password, method=_hash_method())


def _dummy_hash() -> str:
    method = _hash_method()
    if method not in _dummy_hashes:
        _dummy_hashes[method] = generate_password_hash(secrets.token_hex(16), method=method)
    return _dummy_hashes[method]


def get_user_by_email(email: str) -> User | None:
    return db.session.scalar(select(User).where(User.email == normalise_email(email)))


def all_users() -> list[User]:
    return list(db.session.scalars(select(User).order_by(User.role, User.name)))


def scope_options() -> tuple[list[County], list[Organisation]]:
    """What an account's scope may be chosen from: every county and organisation, by name."""
    counties = db.session.scalars(select(County).order_by(County.name)).all()
    organisations = db.session.scalars(select(Organisation).order_by(Organisation.name)).all()
    return list(counties), list(organisations)


def authenticate(email: str, password: str) -> User | None:
    """The user if the password fits an active account; the same work is done either way."""
    user = get_user_by_email(email)
    stored = user.password_hash if user and user.password_hash else _dummy_hash()
    password_ok = check_password_hash(stored, password)
    if user is None or not user.active or not user.password_hash or not password_ok:
        return None
    if not password_allowed(user.role):
        return None  # this role logs in through its provider only (MBTRAIN_OIDC_PROVIDERS)
    return user


def password_allowed(role: Role) -> bool:
    login = current_app.extensions.get("mbtrain_login")
    return login is None or role in login.password_roles


def start_session(user: User, **provider: str | None) -> str:
    """A new session; ``provider`` holds what a provider's login brings (provider,
    provider_sid, provider_sub, id_token), for logging out there too."""
    token = secrets.token_urlsafe(32)
    db.session.add(AuthSession(token_hash=hash_token(token), user=user, **provider))
    db.session.flush()
    log.info("session started for user %s", user.id)
    return token


# Every request runs this: built once, with bound parameters, so a request only binds its
# values; the user and their counties come back in the same round trip.
_LIVE_SESSION = (
    select(AuthSession)
    .join(User, AuthSession.user_id == User.id)
    .where(
        AuthSession.token_hash == bindparam("token_hash"),
        User.id == bindparam("user_id"),
        AuthSession.revoked_at.is_(None),
        User.active.is_(True),
    )
    .options(contains_eager(AuthSession.user).joinedload(User.counties))
)


def load_session(user_id: str, token: str | None) -> AuthSession | None:
    """The live session behind a cookie, or None when unknown, revoked or timed out."""
    if not token or not user_id.isdigit():
        return None
    auth_session = (
        db.session.execute(
            _LIVE_SESSION, {"token_hash": hash_token(token), "user_id": int(user_id)}
        )
        .unique()
        .scalar_one_or_none()
    )
    if auth_session is None:
        return None
    now = utcnow()
    config = current_app.config
    if (
        now - auth_session.last_seen_at > config["SESSION_IDLE_TIMEOUT"]
        or now - auth_session.created_at > config["SESSION_ABSOLUTE_TIMEOUT"]
    ):
        return None
    return auth_session


def touch_session(auth_session: AuthSession) -> bool:
    """Note activity for the idle timeout; kept coarse so most requests write nothing."""
    now = utcnow()
    if now - auth_session.last_seen_at <= LAST_SEEN_RESOLUTION:
        return False
    auth_session.last_seen_at = now
    db.session.flush()
    return True


def revoke_session(token: str | None) -> None:
    if token:
        db.session.execute(
            update(AuthSession)
            .where(AuthSession.token_hash == hash_token(token), AuthSession.revoked_at.is_(None))
            .values(revoked_at=utcnow())
        )


def revoke_all_sessions(user: User) -> None:
    db.session.execute(
        update(AuthSession)
        .where(AuthSession.user_id == user.id, AuthSession.revoked_at.is_(None))
        .values(revoked_at=utcnow())
    )
    log.info("all sessions revoked for user %s", user.id)


def check_password_rules(password: str) -> None:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise AccountError(_("Passordet må ha minst %(count)d tegn.", count=MIN_PASSWORD_LENGTH))
    if len(password) > MAX_PASSWORD_LENGTH:
        raise AccountError(_("Passordet kan ha høyst %(count)d tegn.", count=MAX_PASSWORD_LENGTH))


def set_password(user: User, password: str) -> None:
    """A new password ends every session the account had, on every device, and every
    outstanding password link."""
    check_password_rules(password)
    user.password_hash = hash_password(password)
    revoke_all_sessions(user)
    # Any other reset or invitation link still in someone's inbox stops working too.
    db.session.execute(
        update(ActionToken)
        .where(
            ActionToken.user_id == user.id,
            ActionToken.used_at.is_(None),
            ActionToken.purpose.in_([TokenPurpose.INVITATION, TokenPurpose.PASSWORD_RESET]),
        )
        .values(used_at=utcnow())
        .execution_options(synchronize_session=False)
    )
    db.session.flush()


def change_password(user: User, current: str, password: str) -> str:
    """The user's own change, given the password in use: every session ends, and the token
    of a new one for the device that asked is returned."""
    if authenticate(user.email, current) is None:
        raise AccountError(_("Passordet stemmer ikke."), field="current")
    set_password(user, password)
    return start_session(user)


def issue_link(
    purpose: TokenPurpose,
    email: str,
    user: User | None = None,
    *,
    object_id: int | None = None,
    payload: dict | None = None,
    lifetime: timedelta | None = None,
) -> str:
    token = secrets.token_urlsafe(32)
    db.session.add(
        ActionToken(
            token_hash=hash_token(token),
            purpose=purpose,
            user=user,
            email=normalise_email(email),
            object_id=object_id,
            payload=payload,
            expires_at=utcnow() + (lifetime or current_app.config["TOKEN_LIFETIME"]),
        )
    )
    db.session.flush()
    return token


def find_link(token: str, purposes: Iterable[TokenPurpose]) -> ActionToken:
    """The live link for a token, or LinkInvalid saying why in words."""
    link = db.session.scalar(select(ActionToken).where(ActionToken.token_hash == hash_token(token)))
    if link is None or link.purpose not in set(purposes):
        raise LinkInvalid(_("Lenken er ugyldig. Kontroller at du har kopiert hele lenken."))
    if link.used_at is not None:
        raise LinkInvalid(_("Lenken er allerede brukt. Hver lenke kan bare brukes én gang."))
    if link.expires_at < utcnow():
        raise LinkInvalid(_("Lenken er utløpt. Be om en ny."))
    return link


def use_link(link: ActionToken) -> None:
    """Mark a link used; a second, concurrent use finds no row to update and is refused."""
    result = db.session.execute(
        update(ActionToken)
        .where(ActionToken.id == link.id, ActionToken.used_at.is_(None))
        .values(used_at=utcnow())
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:
        raise LinkInvalid(_("Lenken er allerede brukt. Hver lenke kan bare brukes én gang."))


def complete_link(token: str, password: str) -> User:
    """Activation or password reset: set the password and spend the link."""
    link = find_link(token, [TokenPurpose.INVITATION, TokenPurpose.PASSWORD_RESET])
    user = link.user
    if user is None or not user.active:
        raise LinkInvalid(_("Kontoen er ikke aktiv. Kontakt den som inviterte deg."))
    check_password_rules(password)
    use_link(link)
    set_password(user, password)
    return user


def create_user(
    *,
    email: str,
    name: str,
    role: Role,
    counties: Iterable[County] = (),
    organisation: Organisation | None = None,
    password: str | None = None,
) -> User:
    email = normalise_email(email)
    if db.session.scalar(select(func.count()).select_from(User).where(User.email == email)):
        raise AccountError(_("Det finnes allerede en konto med denne e-postadressen."))
    user = User(email=email, name=name.strip(), role=role)
    apply_scope(user, role, counties, organisation)
    if password is not None:
        check_password_rules(password)
        user.password_hash = hash_password(password)
    db.session.add(user)
    db.session.flush()
    log.info("user %s created with role %s", user.id, role.value)
    return user


def apply_scope(
    user: User, role: Role, counties: Iterable[County], organisation: Organisation | None
) -> None:
    counties = list(counties)
    if role is Role.COORDINATOR and not counties:
        raise AccountError(_("En fylkeskoordinator må ha minst ett fylke."))
    if role is Role.PARTNER and organisation is None:
        raise AccountError(_("En praksisveileder må høre til en organisasjon."))
    user.counties = counties if role is Role.COORDINATOR else []
    user.organisation = organisation if role is Role.PARTNER else None


def invite_user(
    *,
    email: str,
    name: str,
    role: Role,
    counties: Iterable[County] = (),
    organisation: Organisation | None = None,
) -> User:
    """A new account without a password, and an invitation link by e-mail to set one."""
    user = create_user(
        email=email, name=name, role=role, counties=counties, organisation=organisation
    )
    token = issue_link(TokenPurpose.INVITATION, user.email, user)
    send_link_mail(user, token, TokenPurpose.INVITATION)
    return user


def update_user(
    user: User,
    *,
    seen_version: int | None,
    name: str,
    role: Role,
    active: bool,
    counties: Iterable[County],
    organisation: Organisation | None,
) -> None:
    """The admin's change to an account opened at ``seen_version``. Changing what someone may
    see, or closing the account, ends their sessions."""
    check_version(user.version, seen_version)
    old_scope = (user.role, user.active, user.county_ids, user.organisation_id)
    user.name = name.strip()
    user.role = role
    user.active = active
    apply_scope(user, role, counties, organisation)
    db.session.flush()
    if (user.role, user.active, user.county_ids, user.organisation_id) != old_scope:
        revoke_all_sessions(user)


def send_password_reset(email: str) -> None:
    """A reset link to the address, if it belongs to an active account; nothing otherwise,
    and the caller answers the same either way."""
    user = get_user_by_email(email)
    if user is not None and user.active:
        token = issue_link(TokenPurpose.PASSWORD_RESET, user.email, user)
        send_link_mail(user, token, TokenPurpose.PASSWORD_RESET)


def send_link_mail(user: User, token: str, purpose: TokenPurpose) -> None:
    """E-mail a single-use link; needs a request context (the CLI makes one from PUBLIC_URL)."""
    link = public_url("accounts.use_link", token=token)
    hours = int(current_app.config["TOKEN_LIFETIME"].total_seconds() // 3600)
    if purpose is TokenPurpose.INVITATION:
        subject = _("Du er invitert til mbtrain")
        intro = _("Du er invitert til mbtrain, systemet for MB-opplæringen.")
    else:
        subject = _("Nytt passord i mbtrain")
        intro = _("Noen (forhåpentligvis du) har bedt om nytt passord i mbtrain.")
    body = render_template("accounts/mail/link.txt", user=user, link=link, intro=intro, hours=hours)
    send_mail(user.email, subject, body)
