"""Who is asking: the signed-in user behind the cookie, signing in and out, and the accounts
and links the pages are about."""

from flask import session
from flask_login import current_user, login_user, logout_user

from mbtrain.accounts import services
from mbtrain.accounts.models import ActionToken, AuthSession, TokenPurpose, User
from mbtrain.extensions import db

PASSWORD_LINKS = (TokenPurpose.INVITATION, TokenPurpose.PASSWORD_RESET)


def load_user(user_id: str) -> User | None:
    """Flask-Login's user loader: the live server-side session behind the cookie, if any."""
    auth_session = services.load_session(user_id, session.get("sid"))
    if auth_session is None:
        return None
    if services.touch_session(auth_session):
        # Its own commit, not the request's: a refused request (403, 404) is activity too,
        # and its transaction is rolled back. Pages that need a login ask for the user
        # before their view runs (enforce_policy), so nothing of the view's goes with it.
        db.session.commit()
    return auth_session.user


def sign_in(user: User, **provider: str | None) -> None:
    """A new identity at login: nothing carried over from before (no session fixation)."""
    token = services.start_session(user, **provider)
    session.clear()
    session["sid"] = token
    login_user(user)


def current_session() -> AuthSession | None:
    """The server-side session of this request's login, if any."""
    if not current_user.is_authenticated:
        return None
    return services.load_session(str(current_user.id), session.get("sid"))


def sign_out() -> None:
    services.revoke_session(session.get("sid"))
    logout_user()
    session.clear()


def load_account(user_id: int) -> User:
    return db.get_or_404(User, user_id)


def load_link(token: str) -> ActionToken:
    """The live invitation or reset link; ``LinkInvalid`` (the blueprint's 410 page) if not."""
    return services.find_link(token, PASSWORD_LINKS)
