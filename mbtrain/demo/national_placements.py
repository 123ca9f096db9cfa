"""The national history's placements: two for each trainee, with their request and
confirmation, cancelled with the course or completed with a week of hours for each week and a
passed final evaluation, both signed by the supervisor.

These are bulk rows, past the placement services, unlike the ordinary demo's placements
(mbtrain.demo.placements), which go through create_placement, record_gates and set_status.
Measured on this 2-core machine (December 2026, certificates left out): the whole country's
history took 52 s with these rows and 465 s with its 30,000 placements proposed, gated and
walked through those services, about seven minutes more, where the budget for the demo's
start-up is about 30 s. So the rows are written here as those services would leave them:
each history is a walk they allow (``walk``), and none starts before its confidentiality
declaration is recorded.
"""

import random
from datetime import date, datetime, timedelta

from sqlalchemy import insert

from mbtrain.demo.base import TEST_NET_IP, at_utc, insert_returning
from mbtrain.demo.national_course import Timetable
from mbtrain.enrolments.models import EnrolmentStatus as S
from mbtrain.extensions import db
from mbtrain.followup.rules import placement_weeks
from mbtrain.partner.signing import content_sha256
from mbtrain.placements.models import (
    FinalEvaluation,
    HoursEntry,
    Placement,
    PlacementEvent,
    PlacementStatus,
    Signature,
    SignedAction,
    SignedVia,
)

SUPERVISOR = ("Praksisveileder", "veileder@example.org")
STOPPED = "Deltakeren har avsluttet opplæringen."


def placements(
    rng: random.Random,
    today: date,
    trainees: list[dict],
    plan: Timetable,
    partners: list[int],
    by: int,
) -> None:
    """A placement in each practice period a trainee reached, asked for 25–70 days before it
    starts and mostly confirmed within days (by the day before it starts at the latest)."""
    rows, timeline, owners = [], [], []
    name, email = SUPERVISOR
    for t in trainees:
        for code, first, last in plan.practice:
            stopped = t["end"] if t["final"] is S.AVBRUTT else None
            if stopped is not None and stopped < first:
                continue
            requested = first - timedelta(days=rng.randrange(25, 70))
            if requested > today:
                continue
            answered = requested + timedelta(days=max(1, int(rng.expovariate(1 / 9))))
            confirmed = min(answered, first - timedelta(days=1))
            events = walk(requested, confirmed, (first, last), stopped, today)
            started = any(status is PlacementStatus.ACTIVE for status, _at, _why in events)
            rows.append(
                {
                    "enrolment_id": t["id"],
                    "organisation_id": rng.choice(partners),
                    "module_code": code,
                    "supervisor_name": name,
                    "supervisor_email": email,
                    "start_date": first,
                    "end_date": last,
                    "weekly_hours": 19.0,
                    "status": events[-1][0],
                    "confidentiality_signed_on": first - timedelta(days=10) if started else None,
                    "created_at": at_utc(requested),
                }
            )
            timeline.append(events)
            owners.append(t)
    ids = insert_returning(Placement, rows)
    if not ids:
        return
    practice_evidence(
        rng,
        [
            (pid, row)
            for pid, row, t in zip(ids, rows, owners, strict=True)
            if t["final"] is S.FULLFORT and row["status"] is PlacementStatus.COMPLETED
        ],
    )
    db.session.execute(
        insert(PlacementEvent),
        [
            {"placement_id": pid, "status": status, "at": when, "reason": why, "by_user_id": by}
            for pid, events in zip(ids, timeline, strict=True)
            for status, when, why in events
        ],
    )


def walk(
    requested: date, confirmed: date, period: tuple[date, date], stopped: date | None, today: date
) -> list[tuple[PlacementStatus, datetime, str]]:
    """The placement's history, each step one the services allow: proposed, confirmed,
    started on its first day (its declaration signed ten days before), then cancelled when
    the trainee stopped or completed on its last day, as far as today."""
    first, last = period
    events = [(PlacementStatus.PROPOSED, at_utc(requested), "")]
    if confirmed > today:
        return events
    events.append((PlacementStatus.CONFIRMED, at_utc(confirmed, 13), ""))
    if first > today:
        return events
    events.append((PlacementStatus.ACTIVE, at_utc(first, 8), ""))
    if stopped is not None and stopped <= last:
        events.append((PlacementStatus.CANCELLED, at_utc(stopped, 16), STOPPED))
    elif last < today:
        events.append((PlacementStatus.COMPLETED, at_utc(last, 16), ""))
    return events


def practice_evidence(rng: random.Random, placements: list[tuple[int, dict]]) -> None:
    """Each completed placement's weeks of hours, confirmed in one signature at the end,
    and a passed final evaluation signed the same day: what the completion rule counts."""
    if not placements:
        return
    signatures, weeks = [], []
    for pid, row in placements:
        week_rows = [
            {"week_start": week, "hours": row["weekly_hours"] - rng.choice((0, 0, 0, 2))}
            for week in placement_weeks(row["start_date"], row["end_date"])
        ]
        weeks.append(week_rows)
        shown = {
            "placement": {
                "id": pid,
                "module_code": row["module_code"],
                "start_date": row["start_date"].isoformat(),
                "end_date": row["end_date"].isoformat(),
            }
        }
        confirmed = {
            **shown,
            "weeks": [{**w, "week_start": w["week_start"].isoformat()} for w in week_rows],
        }
        passed = {**shown, "passed": True, "text": "Bestått."}
        signed_at = at_utc(row["end_date"], 14)
        signatures.append(signature_row(pid, SignedAction.CONFIRM_HOURS, confirmed, signed_at))
        signatures.append(signature_row(pid, SignedAction.FINAL_EVALUATION, passed, signed_at))
    signature_ids = insert_returning(Signature, signatures)
    hours, evaluations = [], []
    for index, ((pid, _row), week_rows) in enumerate(zip(placements, weeks, strict=True)):
        confirmation, evaluation = signature_ids[2 * index], signature_ids[2 * index + 1]
        hours += [
            {
                "placement_id": pid,
                "week_start": w["week_start"],
                "hours": w["hours"],
                "logged_at": at_utc(w["week_start"] + timedelta(days=4), 15),
                "confirmed_signature_id": confirmation,
            }
            for w in week_rows
        ]
        evaluations.append(
            {"placement_id": pid, "passed": True, "text": "Bestått.", "signature_id": evaluation}
        )
    db.session.execute(insert(HoursEntry), hours)
    db.session.execute(insert(FinalEvaluation), evaluations)


def signature_row(pid: int, action: SignedAction, content: dict, signed_at) -> dict:
    """A signature by the supervisor through the e-mailed link, as ``signing.sign`` keeps it."""
    name, email = SUPERVISOR
    document = {
        **content,
        "action": action.value,
        "signed_by": name,
        "signer_email": email,
        "via": SignedVia.LINK.value,
        "signed_at": signed_at.isoformat(),
    }
    return {
        "placement_id": pid,
        "action": action,
        "via": SignedVia.LINK,
        "typed_name": name,
        "signer_email": email,
        "at": signed_at,
        "ip": TEST_NET_IP,
        "user_agent": "",
        "content": document,
        "content_sha256": content_sha256(document),
    }
