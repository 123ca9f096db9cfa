"""Writing the access log. Every view that shows or changes a person's data calls record_access.

The row joins the request's transaction: if the change fails, no row; if the row cannot be
written, the change is rolled back with it.
"""

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, datetime, time
from typing import Any

from flask import has_request_context, request
from flask_login import current_user
from sqlalchemy import Date, Row, event, func, or_, select
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.orm import ORMExecuteState, Session
from sqlalchemy.sql.functions import FunctionElement

from mbtrain.accounts.models import User
from mbtrain.audit.models import LINK_ACTOR, AccessAction, AccessLog
from mbtrain.extensions import db
from mbtrain.i18n import TIMEZONE
from mbtrain.people.models import Person
from mbtrain.policy import describe_scope


class AccessLogIsAppendOnly(RuntimeError):
    pass


def record_access(
    action: AccessAction,
    *,
    object_type: str,
    object_id: int | None,
    purpose: str,
    subject_user_id: int | None = None,
    subject_person_id: int | None = None,
    link_email: str | None = None,
    actor_note: str | None = None,
    actor: User | None = None,
) -> AccessLog:
    """``link_email``: the access came through a single-use link sent to this address; the
    link, not any login, is the credential, so the actor is whoever holds that address.
    ``actor``: who asked, for work done outside their request (the worker's)."""
    actor = actor or current_user
    if link_email is not None:
        actor_id, actor_role, actor_scope = None, LINK_ACTOR, link_email[:200]
    elif actor.is_authenticated:
        actor_id, actor_role, actor_scope = actor.id, actor.role.value, describe_scope(actor)
    else:
        actor_id, actor_role, actor_scope = None, "ANONYMOUS", "-"
    if actor_note:  # e.g. the NAV employee id a login came with
        actor_scope = f"{actor_scope}; {actor_note}"[:200]
    row = AccessLog(
        actor_user_id=actor_id,
        actor_role=actor_role,
        actor_scope=actor_scope,
        subject_user_id=subject_user_id,
        subject_person_id=subject_person_id,
        action=action,
        object_type=object_type,
        object_id=object_id,
        purpose=purpose,
        ip=request.remote_addr if has_request_context() else None,
    )
    db.session.add(row)
    db.session.flush()
    return row


def log_view(
    subject: Any, purpose: str, *, action: AccessAction = AccessAction.VIEW, **details: Any
) -> AccessLog:
    """Record that this request showed (or exported) ``subject``: a model instance, whose
    type, id and person the row takes from it, or the name of a list that has no one row."""
    return record_access(action, purpose=purpose, **_describe(subject, details))


def log_change(
    subject: Any, purpose: str, *, action: AccessAction = AccessAction.UPDATE, **details: Any
) -> AccessLog:
    """Record that this request changed (or created) ``subject``; see ``log_view``."""
    return record_access(action, purpose=purpose, **_describe(subject, details))


def _describe(subject: Any, details: dict[str, Any]) -> dict[str, Any]:
    """``object_type``, ``object_id`` and the data subject (the person, or for an account
    its holder) of a log row, from the object;
    anything in ``details`` (``object_type="placement_hours"``, ``link_email=``…) wins."""
    if isinstance(subject, str):
        return {"object_type": subject, "object_id": None, **details}
    described: dict[str, Any] = {
        "object_type": getattr(subject, "audit_type", None) or subject.__tablename__,
        "object_id": subject.id,
    }
    person_id = getattr(subject, "person_id", None)
    enrolment = getattr(subject, "enrolment", None)
    if person_id is None and enrolment is not None:
        person_id = enrolment.person_id
    if person_id is not None:
        described["subject_person_id"] = person_id
    if isinstance(subject, User):
        described["subject_user_id"] = subject.id  # an account is about its holder
    return {**described, **details}


def search_log(
    limit: int,
    *,
    actor_user_id: int | None = None,
    subject_user_id: int | None = None,
    subject_person_id: int | None = None,
    date_from: date | None = None,
    date_to: date | None = None,
) -> list[AccessLog]:
    """The newest rows first that match every criterion given (dates are Norwegian days)."""
    query = select(AccessLog).order_by(AccessLog.id.desc()).limit(limit)
    if actor_user_id:
        query = query.where(AccessLog.actor_user_id == actor_user_id)
    if subject_user_id:
        query = query.where(AccessLog.subject_user_id == subject_user_id)
    if subject_person_id:
        query = query.where(AccessLog.subject_person_id == subject_person_id)
    if date_from:
        query = query.where(AccessLog.at >= datetime.combine(date_from, time.min, TIMEZONE))
    if date_to:
        query = query.where(AccessLog.at <= datetime.combine(date_to, time.max, TIMEZONE))
    return list(db.session.scalars(query))


class local_day(FunctionElement):
    """The Norwegian calendar day of a stored UTC timestamp, in SQL."""

    type = Date()
    inherit_cache = True


@compiles(local_day)
def _local_day(element, compiler, **kw) -> str:
    # SQLite has no time zones: the UTC day (a look just after midnight in summer may
    # count to the day before). SQLite is for development; production runs PostgreSQL.
    return f"date({compiler.process(element.clauses, **kw)})"


@compiles(local_day, "postgresql")
def _local_day_postgresql(element, compiler, **kw) -> str:
    return f"date(timezone('{TIMEZONE.key}', {compiler.process(element.clauses, **kw)}))"


def seen_by_others(user: User) -> list[Row]:
    """«Hvem har sett opplysningene mine»: reads of the user's data (as an account and as a
    person) by anyone but the user, newest first. Repeated looks by the same person at the
    same thing for the same purpose on the same day are one row, with ``times`` and the
    last time (``at``), grouped in SQL: two queries however long the log."""
    mine = AccessLog.subject_user_id == user.id
    person_id = db.session.scalar(select(Person.id).where(Person.user_id == user.id))
    if person_id is not None:
        mine = or_(mine, AccessLog.subject_person_id == person_id)
    day = local_day(AccessLog.at)
    same = (
        AccessLog.actor_user_id,
        AccessLog.actor_role,
        AccessLog.actor_scope,
        AccessLog.action,
        AccessLog.object_type,
        AccessLog.object_id,
        AccessLog.purpose,
    )
    return list(
        db.session.execute(
            select(
                func.max(AccessLog.at).label("at"),
                func.count(AccessLog.id).label("times"),
                *same,
            )
            .where(mine, AccessLog.actor_user_id.is_distinct_from(user.id))
            .group_by(*same, day)
            .order_by(func.max(AccessLog.at).desc(), func.max(AccessLog.id).desc())
        )
    )


# The one exception to append-only: `mbtrain purge` deletes rows past their retention
# (mbtrain/maintenance/purge.py). It holds this flag on its session while it does; nothing
# else sets it, and even then rows are never changed, only deleted in bulk.
PURGE_FLAG = "access_log_retention_purge"


@contextmanager
def retention_purge(session: Session) -> Iterator[None]:
    """Allow bulk deletes of access-log rows on ``session`` inside this block (purge only)."""
    session.info[PURGE_FLAG] = True
    try:
        yield
    finally:
        session.info.pop(PURGE_FLAG, None)


@event.listens_for(Session, "before_flush")
def _refuse_changes_to_log_rows(session: Session, flush_context, instances) -> None:
    for obj in (*session.dirty, *session.deleted):
        if isinstance(obj, AccessLog):
            raise AccessLogIsAppendOnly("access log rows are never changed or deleted")


@event.listens_for(Session, "do_orm_execute")
def _refuse_bulk_changes_to_log_rows(state: ORMExecuteState) -> None:
    # update()/delete() never pass through a flush; on the table as well as on the model.
    if not (state.is_update or state.is_delete):
        return
    table = getattr(state.statement, "table", None)
    if getattr(table, "name", None) != AccessLog.__tablename__:
        return
    if state.is_delete and state.session.info.get(PURGE_FLAG):
        return
    raise AccessLogIsAppendOnly("access log rows are never changed or deleted")
