"""What every response carries: security headers, caching rules and the error pages."""

import logging
from collections.abc import Mapping
from contextlib import suppress
from typing import Any
from urllib.parse import urlsplit

from flask import (
    Flask,
    Response,
    abort,
    current_app,
    g,
    render_template,
    request,
    session,
    url_for,
)
from flask_login import current_user
from flask_wtf.csrf import CSRFError
from sqlalchemy.exc import InterfaceError, OperationalError, SQLAlchemyError
from werkzeug.exceptions import HTTPException, SecurityError

from mbtrain.extensions import db, login_manager

log = logging.getLogger(__name__)

# How long a client is asked to wait while the database is unreachable (seconds).
RETRY_AFTER = 30

CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "object-src 'none'",
        "base-uri 'none'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)

ERROR_PAGES = (400, 403, 404, 405, 409, 413, 429, 500)


def safe_next(target: str | None) -> str:
    """Only a path on this site: no scheme, no host, no protocol-relative or backslash tricks."""
    if not target or "\\" in target or any(ord(ch) < 32 for ch in target):
        return url_for("home.index")
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return url_for("home.index")
    return target


LOOPBACK_HOSTS = ("127.0.0.1", "localhost", "[::1]")


def trusted_hosts(config: Mapping[str, Any]) -> list[str]:
    """The hosts the app answers as (Flask's TRUSTED_HOSTS; any other Host header is 400):
    the public URL's; in development also SERVER_NAME's (the tests') and the loopback names."""
    public = urlsplit(config.get("PUBLIC_URL") or "").hostname
    if config["ENV_NAME"] == "production":
        return [public]  # check_production has made sure there is one
    server_name = (
        urlsplit(f"//{config['SERVER_NAME']}").hostname if config.get("SERVER_NAME") else None
    )
    return [host for host in (public, server_name) if host] + list(LOOPBACK_HOSTS)


def public_url(endpoint: str, **values) -> str:
    """An absolute link for e-mail, on MBTRAIN_PUBLIC_URL (`mbtrain demo` and `mbtrain serve`
    set it to the address they listen on): never on the Host header of the request that
    asked for it, or anyone could have a victim's reset link sent their way. Without one
    (development, tests) the request's host is one of TRUSTED_HOSTS, checked before routing."""
    base = current_app.config["PUBLIC_URL"]
    if not base:
        return url_for(endpoint, _external=True, **values)
    return base.rstrip("/") + url_for(endpoint, **values).removeprefix(request.script_root)


def add_security_headers(response: Response) -> Response:
    headers = response.headers
    headers["Content-Security-Policy"] = CONTENT_SECURITY_POLICY
    headers["X-Content-Type-Options"] = "nosniff"
    headers["X-Frame-Options"] = "DENY"
    headers["Referrer-Policy"] = "same-origin"
    headers["Permissions-Policy"] = "camera=(), microphone=(), geolocation=()"
    if request.is_secure or _is_production():
        headers["Strict-Transport-Security"] = "max-age=31536000; includeSubDomains"
    if _signed_in() or "Set-Cookie" in headers:
        headers["Cache-Control"] = "no-store"
        headers["Pragma"] = "no-cache"
    return response


def _signed_in() -> bool:
    """Whether a user is signed in, without loading one from the database if the request
    has not (a public page such as /healthz while the database is down)."""
    if "_login_user" in g:
        return current_user.is_authenticated
    return bool(session.get("_user_id"))


def _is_production() -> bool:
    return current_app.config["ENV_NAME"] == "production"


def refuse_nul_bytes() -> None:
    """No one types a NUL character; PostgreSQL refuses to store one (a 500 on save), and
    SQLite would keep it to surprise every export. Such a request is refused as malformed."""
    for values in (request.args, request.form):
        if any("\x00" in value for _key, value in values.items(multi=True)):
            abort(400)


def render_error(error: HTTPException) -> tuple[str, int]:
    db.session.rollback()
    if isinstance(error, SecurityError):  # a Host not in TRUSTED_HOSTS: no URL can be built
        return render_template("errors/untrusted_host.html"), 400
    code = error.code or 500
    if code not in ERROR_PAGES:
        code = 400 if code < 500 else 500
    return render_template(f"errors/{code}.html", error=error), code


def render_csrf_error(error: CSRFError) -> tuple[str, int]:
    db.session.rollback()
    return render_template("errors/400.html", error=error, csrf=True), 400


def render_unavailable(error: SQLAlchemyError) -> tuple[str, int, dict[str, str]]:
    """The database cannot be reached (down, restarting, or refusing connections): a 503
    that asks nothing of it. Nobody is loaded from it, so the page is the signed-out one."""
    log.error("database unavailable: %s", type(getattr(error, "orig", error)).__name__)
    with suppress(SQLAlchemyError):
        db.session.rollback()
    g._login_user = login_manager.anonymous_user()  # Flask-Login asks no more of the database
    headers = {"Retry-After": str(RETRY_AFTER), "Cache-Control": "no-store"}
    return render_template("errors/503.html"), 503, headers


def init_app(app: Flask) -> None:
    if app.config["TRUSTED_HOSTS"] is None:
        app.config["TRUSTED_HOSTS"] = trusted_hosts(app.config)
    app.before_request(refuse_nul_bytes)
    app.after_request(add_security_headers)
    app.register_error_handler(CSRFError, render_csrf_error)
    # Unhandled exceptions arrive here as InternalServerError (500), with nothing committed.
    app.register_error_handler(HTTPException, render_error)
    app.register_error_handler(OperationalError, render_unavailable)
    app.register_error_handler(InterfaceError, render_unavailable)
