"""The signed-in user's own person record, for the pages about their own data."""

from flask_login import current_user
from sqlalchemy import select

from mbtrain.extensions import db
from mbtrain.people.models import Person


def own_person() -> Person | None:
    return db.session.scalar(select(Person).where(Person.user_id == current_user.id))
