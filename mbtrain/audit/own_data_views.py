"""«Mine data»: the trainee's copy of everything held about them, as a page and as JSON."""

import json
from datetime import date, datetime

from flask import Blueprint, Response, render_template
from flask_login import current_user

from mbtrain.accounts.models import Role
from mbtrain.assessments.models import AssessmentResult
from mbtrain.audit import own_data
from mbtrain.audit.models import AccessAction
from mbtrain.audit.services import record_access
from mbtrain.certificates.models import CertificateKind
from mbtrain.curriculum.loader import AttendanceStatus
from mbtrain.enrolments.models import EnrolmentStatus, StatusReason
from mbtrain.extensions import db
from mbtrain.i18n import norwegian_date, norwegian_datetime
from mbtrain.placements.models import (
    MeetingKind,
    PlacementStatus,
    ProposalKind,
    ProposalStatus,
    SignedAction,
)

bp = Blueprint("own_data", __name__)

# The page shows stored codes by their Norwegian names, one table per kind of code.
LABELS = {
    "role": Role,
    "enrolment": EnrolmentStatus,
    "reason": StatusReason,
    "attendance": AttendanceStatus,
    "result": AssessmentResult,
    "placement": PlacementStatus,
    "signed": SignedAction,
    "meeting": MeetingKind,
    "proposal": ProposalKind,
    "proposal_status": ProposalStatus,
    "access": AccessAction,
    "certificate": CertificateKind,
}


def _log(action: AccessAction, object_type: str, data: dict) -> None:
    person = data["person"]
    record_access(
        action,
        object_type=object_type,
        object_id=person["id"] if person else None,
        purpose="INNSYN",
        subject_user_id=current_user.id,
        subject_person_id=person["id"] if person else None,
    )


@bp.get("/meg/mine-data")
def my_data():
    data = own_data.collect(current_user)
    _log(AccessAction.VIEW, "own_data", data)
    db.session.commit()
    return render_template("audit/my_data.html", data=data, label=label, day=day, moment=moment)


@bp.get("/meg/mine-data.json")
def my_data_json():
    data = own_data.collect(current_user)
    _log(AccessAction.EXPORT, "own_data_export", data)
    db.session.commit()
    return Response(
        json.dumps(data, ensure_ascii=False, indent=2),
        mimetype="application/json",
        headers={
            "Content-Disposition": 'attachment; filename="mine-data.json"',
            "Cache-Control": "no-store",
        },
    )


def label(kind: str, code: str | None) -> str:
    if code is None:
        return ""
    try:
        return str(LABELS[kind](code).label)
    except ValueError:
        return code


def day(value: str | None) -> str:
    return norwegian_date(date.fromisoformat(value)) if value else "–"


def moment(value: str | None) -> str:
    return norwegian_datetime(datetime.fromisoformat(value)) if value else "–"
