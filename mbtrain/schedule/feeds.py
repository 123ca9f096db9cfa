"""Calendar feeds: a secret address per cohort or per trainee that a calendar app subscribes
to. Only the token's hash is stored; the address is shown once, when it is made."""

import hashlib
import logging
import secrets
from datetime import datetime, timedelta

from flask_babel import gettext as _
from sqlalchemy import select, update

from mbtrain.accounts.models import User
from mbtrain.cohorts.models import Cohort
from mbtrain.database import utcnow
from mbtrain.extensions import db
from mbtrain.i18n import TIMEZONE
from mbtrain.people.models import Person
from mbtrain.schedule.ical import FeedEvent, build_calendar
from mbtrain.schedule.models import CalendarFeed, SessionStatus
from mbtrain.schedule.services import module_titles, own_cohorts, practice_periods, session_rows

log = logging.getLogger(__name__)

FEED_TOKEN_BYTES = 32  # 256 bits


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def active_feed(*, cohort: Cohort | None = None, person: Person | None = None):
    return db.session.scalar(
        select(CalendarFeed)
        .where(*_feed_owner(cohort, person), CalendarFeed.revoked_at.is_(None))
        .order_by(CalendarFeed.id.desc())
        .limit(1)
    )


def create_feed(
    *, cohort: Cohort | None = None, person: Person | None = None, by: User
) -> tuple[CalendarFeed, str]:
    """A new feed address; the old one stops working. The token is returned only here."""
    revoke_feeds(cohort=cohort, person=person)
    token = secrets.token_urlsafe(FEED_TOKEN_BYTES)
    feed = CalendarFeed(
        token_hash=hash_token(token),
        cohort_id=cohort.id if cohort else None,
        person_id=person.id if person else None,
        created_by_id=by.id,
    )
    db.session.add(feed)
    db.session.flush()
    log.info("calendar feed %s made", feed.id)
    return feed, token


def revoke_active(
    *, cohort: Cohort | None = None, person: Person | None = None
) -> CalendarFeed | None:
    """Stop the live address; the feed that had it, or None if there was none."""
    feed = active_feed(cohort=cohort, person=person)
    return feed if revoke_feeds(cohort=cohort, person=person) else None


def revoke_feeds(*, cohort: Cohort | None = None, person: Person | None = None) -> int:
    result = db.session.execute(
        update(CalendarFeed)
        .where(*_feed_owner(cohort, person), CalendarFeed.revoked_at.is_(None))
        .values(revoked_at=utcnow())
    )
    db.session.flush()
    return result.rowcount


def feed_by_token(token: str) -> CalendarFeed | None:
    """The live feed for this token; None for an unknown or revoked one."""
    if not 20 <= len(token) <= 100:
        return None
    return db.session.scalar(
        select(CalendarFeed).where(
            CalendarFeed.token_hash == hash_token(token), CalendarFeed.revoked_at.is_(None)
        )
    )


def _feed_owner(cohort: Cohort | None, person: Person | None) -> list:
    if (cohort is None) == (person is None):
        raise ValueError("a feed belongs to one cohort or one person")
    if cohort is not None:
        return [CalendarFeed.cohort_id == cohort.id, CalendarFeed.person_id.is_(None)]
    return [CalendarFeed.person_id == person.id, CalendarFeed.cohort_id.is_(None)]


def feed_cohorts(feed: CalendarFeed) -> list[Cohort]:
    if feed.cohort_id is not None:
        return [feed.cohort]
    return own_cohorts(feed.person)


def feed_events(cohorts: list[Cohort], host: str) -> list[FeedEvent]:
    """What a calendar feed holds: sessions (cancelled ones marked) and practice periods.

    Module and time and place, nothing about any person, and no notes (free text).
    """
    by_id = {cohort.id: cohort for cohort in cohorts}
    titles = {cohort.id: module_titles(cohort) for cohort in cohorts}
    events = []
    for row in session_rows(list(by_id)):
        cohort = by_id[row.cohort_id]
        title = titles[cohort.id].get(row.module_code, row.module_code)
        start = datetime.combine(row.date, row.starts_at, TIMEZONE)
        cancelled = row.status is SessionStatus.AVLYST
        events.append(
            FeedEvent(
                uid=f"okt-{row.id}@{host}",
                summary=(_("AVLYST: %(title)s", title=title) if cancelled else title),
                start=start,
                end=start + timedelta(hours=row.hours),
                location=row.location or cohort.meeting_place,
                description=f"{cohort.name}\n{row.module_code} {title}",
                cancelled=cancelled,
                sequence=row.version - 1,
            )
        )
    for period in practice_periods(list(by_id)):
        cohort = by_id[period.cohort_id]
        title = titles[cohort.id].get(period.module_code, period.module_code)
        events.append(
            FeedEvent(
                uid=f"praksis-{period.id}@{host}",
                summary=_("Praksisperiode: %(title)s", title=title),
                start=period.start_date,
                end=period.end_date + timedelta(days=1),
                description=cohort.name,
            )
        )
    return events


def calendar(feed: CalendarFeed, host: str, name: str) -> bytes:
    """The feed as an iCalendar file, made now."""
    return build_calendar(name, feed_events(feed_cohorts(feed), host), utcnow())
