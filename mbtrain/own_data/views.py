"""«Mine data»: the trainee's copy of everything held about them, as a page and as JSON."""

import json
from datetime import date, datetime

from flask import Blueprint, Response, render_template
from flask_login import current_user

from mbtrain.accounts.models import Role
from mbtrain.assessments.models import AssessmentResult
from mbtrain.audit.models import AccessAction
from mbtrain.audit.services import log_view
from mbtrain.certificates.models import CertificateKind
from mbtrain.curriculum.definition import AttendanceStatus
from mbtrain.enrolments.models import EnrolmentStatus, StatusReason
from mbtrain.i18n import norwegian_date, norwegian_datetime
from mbtrain.own_data.services import collect
from mbtrain.placements.models import (
    MeetingKind,
    PlacementStatus,
    ProposalKind,
    ProposalStatus,
    SignedAction,
)

bp = Blueprint("own_data", __name__)
DOWNLOAD = {
    "Content-Disposition": 'attachment; filename="mine-data.json"',
    "Cache-Control": "no-store",
}

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


@bp.get("/meg/mine-data")
def my_data():
    data = collect(current_user)
    log_view("own_data", "INNSYN", **_about(data))
    return render_template("audit/my_data.html", data=data, label=label, day=day, moment=moment)


@bp.get("/meg/mine-data.json")
def my_data_json():
    data = collect(current_user)
    log_view("own_data_export", "INNSYN", action=AccessAction.EXPORT, **_about(data))
    body = json.dumps(data, ensure_ascii=False, indent=2)
    return Response(body, mimetype="application/json", headers=DOWNLOAD)


def _about(data: dict) -> dict:
    """The log row's object and subject: the trainee, as an account and as a person."""
    person_id = data["person"]["id"] if data["person"] else None
    return {
        "object_id": person_id,
        "subject_user_id": current_user.id,
        "subject_person_id": person_id,
    }


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
