"""What /healthz reports: can the database be reached, and where the rate limits count."""

import logging

from sqlalchemy import text
from sqlalchemy.exc import InterfaceError, OperationalError

from mbtrain.extensions import db, limiter

log = logging.getLogger(__name__)


def database() -> str:
    """ "ok", or "unreachable" when a fresh query cannot get through."""
    try:
        db.session.execute(text("SELECT 1"))
    except (OperationalError, InterfaceError) as error:
        log.error("health check: database unreachable (%s)", type(error.orig).__name__)
        db.session.rollback()
        return "unreachable"
    return "ok"


def ratelimit() -> str:
    """ "ok", or "memory-fallback" while the shared store (Redis) is down and each process
    counts for itself (Flask-Limiter's in-memory fallback)."""
    try:
        alive = limiter.storage.check()
    except Exception:  # any failure of the store means it is not answering
        alive = False
    return "ok" if alive else "memory-fallback"
