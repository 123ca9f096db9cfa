"""«Mine data»: a complete copy of what mbtrain holds about the signed-in trainee
(the right of access, GDPR art. 15), as plain values for the page and the JSON file.

Loaded in a fixed number of queries (one per kind of record, whatever the number of
enrolments or placements). Each record carries all its columns except secrets, internal
counters and other people's technical traces (the address and browser of whoever signed or
looked): those are about them, not about the trainee.
"""

import enum
import json
from collections import defaultdict
from collections.abc import Iterable
from datetime import date, datetime
from typing import Any

from sqlalchemy import func, or_, select

from mbtrain.accounts.models import User
from mbtrain.assessments.models import ModuleAssessment, ProjectAssignment
from mbtrain.attendance.models import AttendanceRecord
from mbtrain.audit.models import AccessLog
from mbtrain.certificates.models import Certificate
from mbtrain.cohorts.models import Cohort
from mbtrain.database import utcnow
from mbtrain.enrolments.models import Enrolment, StatusPeriod
from mbtrain.extensions import db
from mbtrain.mail.models import OutboxMessage
from mbtrain.organisations.models import County, Organisation
from mbtrain.people.models import Person
from mbtrain.placements import models as placement_models
from mbtrain.schedule.models import CourseSession

LEFT_OUT = {
    "version",
    "password_hash",
    "token_hash",
    "pdf",
    "ip",
    "user_agent",
    "actor_user_id",
}
PLACEMENT_PARTS = {
    "events": placement_models.PlacementEvent,
    "signatures": placement_models.Signature,
    "hours": placement_models.HoursEntry,
    "meetings": placement_models.Meeting,
    "concerns": placement_models.Concern,
    "change_proposals": placement_models.ChangeProposal,
}


def plain(value: Any) -> Any:
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, datetime | date):
        return value.isoformat()
    return value


def fields(record: Any, **extra: Any) -> dict[str, Any]:
    """Every column of a record as plain values (minus LEFT_OUT), with ``extra`` added."""
    values = {
        column.key: plain(getattr(record, column.key))
        for column in record.__table__.columns
        if column.key not in LEFT_OUT
    }
    return values | extra


def _by(rows: Iterable[Any], key: str) -> dict[int, list[Any]]:
    grouped: dict[int, list[Any]] = defaultdict(list)
    for row in rows:
        grouped[getattr(row, key)].append(row)
    return grouped


def collect(user: User) -> dict[str, Any]:
    """Everything about ``user`` and the person they are; nothing about anyone else."""
    person = db.session.scalar(select(Person).where(Person.user_id == user.id))
    enrolments = _enrolments(person) if person is not None else []
    return {
        "generated_at": plain(utcnow()),
        "account": fields(user),
        "person": fields(person) if person is not None else None,
        "enrolments": enrolments,
        "access_log": _access_log(user, person),
        "messages": _messages(user, person),
    }


def _enrolments(person: Person) -> list[dict[str, Any]]:
    rows = db.session.execute(
        select(Enrolment, Cohort.name, Cohort.start_date, Cohort.end_date, County.name)
        .join(Cohort, Cohort.id == Enrolment.cohort_id)
        .join(County, County.id == Cohort.county_id)
        .where(Enrolment.person_id == person.id)
        .order_by(Enrolment.applied_on)
    ).all()
    ids = [row[0].id for row in rows]
    history = _by(
        db.session.scalars(
            select(StatusPeriod).where(StatusPeriod.enrolment_id.in_(ids)).order_by(StatusPeriod.id)
        ),
        "enrolment_id",
    )
    attendance = _attendance(ids)
    assessments = _by(
        db.session.scalars(
            select(ModuleAssessment)
            .where(ModuleAssessment.enrolment_id.in_(ids))
            .order_by(ModuleAssessment.module_code)
        ),
        "enrolment_id",
    )
    projects = _by(
        db.session.scalars(
            select(ProjectAssignment).where(ProjectAssignment.enrolment_id.in_(ids))
        ),
        "enrolment_id",
    )
    placements = _placements(ids)
    certificates = _by(
        db.session.scalars(
            select(Certificate).where(Certificate.enrolment_id.in_(ids)).order_by(Certificate.id)
        ),
        "enrolment_id",
    )
    return [
        fields(
            enrolment,
            cohort={"name": name, "start_date": plain(start), "end_date": plain(end)}
            | {"county": county},
            status_history=[fields(p) for p in history[enrolment.id]],
            attendance=attendance[enrolment.id],
            module_assessments=[fields(a) for a in assessments[enrolment.id]],
            project=[fields(p) for p in projects[enrolment.id]],
            placements=placements[enrolment.id],
            certificates=[_certificate(c) for c in certificates[enrolment.id]],
        )
        for enrolment, name, start, end, county in rows
    ]


def _attendance(enrolment_ids: list[int]) -> dict[int, list[dict[str, Any]]]:
    rows = db.session.execute(
        select(AttendanceRecord, CourseSession.date, CourseSession.module_code, CourseSession.hours)
        .join(CourseSession, CourseSession.id == AttendanceRecord.session_id)
        .where(AttendanceRecord.enrolment_id.in_(enrolment_ids))
        .order_by(CourseSession.date, CourseSession.starts_at)
    )
    grouped: dict[int, list[dict[str, Any]]] = defaultdict(list)
    for record, day, module_code, hours in rows:
        grouped[record.enrolment_id].append(
            fields(record, date=plain(day), module_code=module_code, session_hours=hours)
        )
    return grouped


def _placements(enrolment_ids: list[int]) -> dict[int, list[dict[str, Any]]]:
    rows = db.session.execute(
        select(placement_models.Placement, Organisation.name)
        .join(Organisation, Organisation.id == placement_models.Placement.organisation_id)
        .where(placement_models.Placement.enrolment_id.in_(enrolment_ids))
        .order_by(placement_models.Placement.start_date)
    ).all()
    ids = [placement.id for placement, _ in rows]
    parts = {
        name: _by(
            db.session.scalars(select(model).where(model.placement_id.in_(ids)).order_by(model.id)),
            "placement_id",
        )
        for name, model in PLACEMENT_PARTS.items()
    }
    evaluations = _by(
        db.session.scalars(
            select(placement_models.FinalEvaluation).where(
                placement_models.FinalEvaluation.placement_id.in_(ids)
            )
        ),
        "placement_id",
    )
    grouped: dict[int, list[dict[str, Any]]] = defaultdict(list)
    for placement, organisation in rows:
        grouped[placement.enrolment_id].append(
            fields(
                placement,
                organisation=organisation,
                final_evaluation=[fields(e) for e in evaluations[placement.id]],
                **{name: [fields(r) for r in part[placement.id]] for name, part in parts.items()},
            )
        )
    return grouped


def _certificate(certificate: Certificate) -> dict[str, Any]:
    # The certified facts as issued (the PDF itself is downloaded from the certificate page).
    values = fields(certificate)
    values["snapshot_json"] = json.loads(certificate.snapshot_json)
    return values


def _access_log(user: User, person: Person | None) -> list[dict[str, Any]]:
    about = AccessLog.subject_user_id == user.id
    if person is not None:
        about = or_(about, AccessLog.subject_person_id == person.id)
    return [
        fields(row)
        for row in db.session.scalars(select(AccessLog).where(about).order_by(AccessLog.id))
    ]


def _messages(user: User, person: Person | None) -> list[dict[str, Any]]:
    addresses = {user.email.lower()} | ({person.email.lower()} if person else set())
    return [
        fields(message)
        for message in db.session.scalars(
            select(OutboxMessage)
            .where(func.lower(OutboxMessage.recipient).in_(sorted(addresses)))
            .order_by(OutboxMessage.id)
        )
    ]
