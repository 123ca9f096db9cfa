"""Catching the lost update: a form saved on top of someone else's newer save."""

from flask import Flask
from sqlalchemy.orm.exc import StaleDataError
from werkzeug.exceptions import Conflict

from mbtrain.errors import StaleEdit
from mbtrain.extensions import db
from mbtrain.http import render_error


def check_version(current: int, submitted: int | None) -> None:
    if submitted != current:
        raise StaleEdit()


def flush_versioned() -> None:
    """Flush changes to version-checked rows. Two saves that both passed check_version can
    still race (PostgreSQL lets both read the old version); the loser's UPDATE then matches no
    row, and that is a stale edit too, not an error."""
    try:
        db.session.flush()
    except StaleDataError:
        raise StaleEdit() from None


def init_app(app: Flask) -> None:
    # Any other save that loses such a race gets the conflict page instead of a 500.
    app.register_error_handler(StaleDataError, _conflict_page)


def _conflict_page(error: StaleDataError) -> tuple[str, int]:
    return render_error(Conflict())
