"""The login throttle: what is counted, and by what key, so that it stops guessing without
letting anyone keep an account's owner out.

Failed logins are counted per account and client address together, and per client address
overall. Nothing is counted per account alone: a script on other addresses could then lock the
owner out. Many failures for one account from anywhere instead get the owner a notice by
e-mail, one per window. The client address is ``request.remote_addr``: the socket's peer,
or what the configured number of trusted proxies said (``PROXY_HOPS``, Werkzeug's ProxyFix).
"""

import logging

from flask import current_app, render_template, request
from flask_babel import gettext as _
from limits import parse

from mbtrain.accounts import services
from mbtrain.extensions import limiter
from mbtrain.mail.services import send_mail

log = logging.getLogger(__name__)


def limit_per_address() -> str:
    return current_app.config.get("LOGIN_LIMIT_PER_ADDRESS", "30 per 10 minutes")


def limit_per_account_and_address() -> str:
    return current_app.config.get("LOGIN_LIMIT_PER_ACCOUNT_AND_ADDRESS", "10 per 15 minutes")


def notice_after() -> str:
    """So many failures for one account, from anywhere, and its owner is told (once)."""
    return current_app.config.get("LOGIN_NOTICE_AFTER", "10 per 15 minutes")


def account_and_address_key() -> str:
    return f"account:{_posted_email()}|address:{request.remote_addr}"


def failed(response) -> bool:
    """A login that did not sign anyone in (it answers the form again rather than 302)."""
    return response.status_code != 302


def note_failure(email: str) -> None:
    """Count a failed login for the account; the failure that reaches the threshold sends
    the owner one notice for the window. Nothing is refused here."""
    user = services.get_user_by_email(email)
    if user is None or not user.active:
        return
    item, key = parse(notice_after()), f"login-failures:{user.id}"
    if _reached(item, key):
        log.warning("repeated failed logins for user %s; notice sent", user.id)
        body = render_template("accounts/mail/failed_logins.txt", user=user, count=item.amount)
        send_mail(user.email, _("Mange mislykkede innlogginger på kontoen din"), body)


def _reached(item, key: str) -> bool:
    """Count one failure; True when it is the one that reaches the limit. While the store
    is unreachable (Redis down) the failure is not counted, and the outage is logged: the
    login itself goes on, its own limits counting in memory meanwhile."""
    strategy = limiter.limiter
    try:
        return strategy.hit(item, key) and strategy.get_window_stats(item, key).remaining == 0
    except Exception as error:  # whatever the store raises, login goes on
        log.warning("rate-limit store unreachable, failure not counted: %s", type(error).__name__)
        return False


def _posted_email() -> str:
    return services.normalise_email(request.form.get("email", ""))
