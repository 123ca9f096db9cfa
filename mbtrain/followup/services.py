"""Following a placement up: meetings, weekly hours, tvilsmelding, the final evaluation and
the partner's proposals to change dates. The pure rules are in ``rules``; what a page shows
of it all is ``overview``.

What a supervisor confirms or signs goes through ``mbtrain.partner.signing.sign``, whether
they are logged in or use a single-use link. Services flush and never commit.
"""

import logging
from datetime import date, timedelta

from flask import render_template
from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.exc import StaleDataError

from mbtrain.accounts.models import TokenPurpose, User
from mbtrain.concurrency import check_version
from mbtrain.database import utcnow
from mbtrain.errors import StaleEdit
from mbtrain.extensions import db
from mbtrain.followup.rules import proposal_errors, week_errors
from mbtrain.http import public_url
from mbtrain.mail.services import send_mail
from mbtrain.partner import signing
from mbtrain.placements import services as placements
from mbtrain.placements.models import (
    ChangeProposal,
    Concern,
    FinalEvaluation,
    HoursEntry,
    Meeting,
    MeetingKind,
    Placement,
    PlacementStatus,
    ProposalKind,
    ProposalStatus,
    Signature,
    SignedAction,
)
from mbtrain.placements.rules import PlacementError

log = logging.getLogger(__name__)

SUMMARY_LENGTH = 2000
FOLLOWED_UP = (PlacementStatus.CONFIRMED, PlacementStatus.ACTIVE, PlacementStatus.COMPLETED)


# Hours ----------------------------------------------------------------------------------


def log_hours(
    placement: Placement,
    week_start: date,
    hours: float,
    *,
    version: int | None,
    by: User,
    today: date,
) -> HoursEntry:
    """The trainee's hours for one week, new or changed. ``version`` is what the form was
    opened on (0 for a week with nothing logged); a confirmed week cannot be changed."""
    if placement.status is not PlacementStatus.ACTIVE:
        raise PlacementError(_("Du kan bare føre timer mens praksisen pågår."))
    errors = week_errors(week_start, hours, (placement.start_date, placement.end_date), today)
    if errors:
        name, message = next(iter(errors.items()))
        raise PlacementError(message, field=name)
    entry = db.session.scalar(
        select(HoursEntry).where(
            HoursEntry.placement_id == placement.id, HoursEntry.week_start == week_start
        )
    )
    if entry is not None and entry.confirmed_signature_id is not None:
        raise PlacementError(
            _("Timene for denne uken er bekreftet av veilederen og kan ikke endres.")
        )
    check_version(entry.version if entry else 0, version)
    try:
        with db.session.begin_nested():
            if entry is None:
                entry = HoursEntry(placement=placement, week_start=week_start, hours=0)
                db.session.add(entry)
            entry.hours, entry.logged_by_id, entry.logged_at = hours, by.id, utcnow()
            db.session.flush()
    except (IntegrityError, StaleDataError):
        raise StaleEdit() from None  # saved by someone else in the meantime
    return entry


def unconfirmed_hours(placement: Placement) -> list[HoursEntry]:
    return list(
        db.session.scalars(
            select(HoursEntry)
            .where(
                HoursEntry.placement_id == placement.id,
                HoursEntry.confirmed_signature_id.is_(None),
            )
            .order_by(HoursEntry.week_start)
        )
    )


def confirm_hours(
    placement: Placement, entries: list[HoursEntry], signer: signing.Signer
) -> Signature:
    """The supervisor confirms several weeks at once; the signature lists weeks and hours."""
    if not entries:
        raise PlacementError(_("Velg minst én uke å bekrefte."), field="weeks")
    if any(entry.confirmed_signature_id is not None for entry in entries):
        raise PlacementError(_("Noen av ukene er allerede bekreftet."), field="weeks")
    content = signing.shown_content(placement, entries)
    signature = signing.sign(placement, SignedAction.CONFIRM_HOURS, content, signer)
    for entry in entries:
        entry.confirmed_signature = signature
    try:
        db.session.flush()
    except StaleDataError:
        raise StaleEdit() from None
    signing.send_receipt(signature)
    return signature


# Tvilsmelding and final evaluation -------------------------------------------------------


def raise_concern(
    placement: Placement, content: dict, text: str, signer: signing.Signer
) -> Concern:
    """Written notice that passing is in doubt; the trainee and the coordinators hear at once."""
    text = text.strip()
    if placement.status not in (PlacementStatus.CONFIRMED, PlacementStatus.ACTIVE):
        raise PlacementError(_("Tvilsmelding kan bare sendes mens praksisen pågår."))
    if not text:
        raise PlacementError(_("Skriv hva det er tvil om."), field="text")
    signature = signing.sign(
        placement, SignedAction.RAISE_CONCERN, {**content, "text": text}, signer
    )
    concern = Concern(placement=placement, text=text, signature=signature)
    db.session.add(concern)
    db.session.flush()
    signing.send_receipt(signature)
    signing.notify_coordinators(placement, signature.action)
    tell_trainee(placement, "placements/mail/concern_trainee.txt")
    return concern


def record_final_evaluation(
    placement: Placement, content: dict, passed: bool, text: str, signer: signing.Signer
) -> FinalEvaluation:
    """Bestått / ikke bestått with a short text, signed; then the placement may be completed."""
    text = text.strip()
    if placement.status is not PlacementStatus.ACTIVE:
        raise PlacementError(_("Sluttvurderingen kan bare signeres mens praksisen pågår."))
    if signing.has_evaluation(placement):
        raise PlacementError(_("Sluttvurderingen er allerede signert."))
    if not text:
        raise PlacementError(_("Skriv en kort begrunnelse."), field="text")
    signature = signing.sign(
        placement,
        SignedAction.FINAL_EVALUATION,
        {**content, "passed": passed, "text": text},
        signer,
    )
    evaluation = FinalEvaluation(placement=placement, passed=passed, text=text, signature=signature)
    db.session.add(evaluation)
    db.session.flush()
    signing.retire_links(placement, TokenPurpose.FINAL_EVALUATION)
    signing.send_receipt(signature)
    signing.notify_coordinators(placement, signature.action)
    tell_trainee(placement, "placements/mail/evaluation_trainee.txt")
    return evaluation


def tell_trainee(placement: Placement, template: str) -> None:
    person = placement.enrolment.person
    body = render_template(
        template,
        placement=placement,
        link=public_url("placements.my_placements"),
    )
    subject = {
        "placements/mail/concern_trainee.txt": _("Tvilsmelding i praksis"),
        "placements/mail/evaluation_trainee.txt": _("Sluttvurderingen av praksisen er klar"),
    }[template]
    send_mail(person.email, subject, body)


# Meetings -------------------------------------------------------------------------------


def record_meeting(
    placement: Placement,
    *,
    kind: MeetingKind,
    held_on: date,
    participants: str,
    summary: str,
    by: User,
    today: date,
) -> Meeting:
    if placement.status not in FOLLOWED_UP:
        raise PlacementError(_("Møter registreres når praksisplassen er bekreftet."))
    if held_on > today:
        raise PlacementError(_("Registrer møtet etter at det er holdt."), field="held_on")
    if held_on < placement.start_date - timedelta(days=30):
        raise PlacementError(_("Datoen er lenge før praksisen begynner."), field="held_on")
    participants = participants.strip()
    if not participants:
        raise PlacementError(_("Skriv hvem som var med."), field="participants")
    meeting = Meeting(
        placement=placement,
        kind=kind,
        held_on=held_on,
        participants=participants[:500],
        summary=summary.strip()[:SUMMARY_LENGTH],
        recorded_by_id=by.id,
        recorded_by_email=by.email,
    )
    db.session.add(meeting)
    db.session.flush()
    return meeting


# Change proposals -----------------------------------------------------------------------


def open_proposal(placement: Placement) -> ChangeProposal | None:
    return db.session.scalar(
        select(ChangeProposal).where(
            ChangeProposal.placement_id == placement.id,
            ChangeProposal.status == ProposalStatus.PROPOSED,
        )
    )


def propose_change(
    placement: Placement,
    *,
    kind: ProposalKind,
    new_start: date | None,
    new_end: date | None,
    reason: str,
    by: User,
    today: date,
) -> ChangeProposal:
    """The partner proposes; a newer proposal supersedes the one still open."""
    if placement.status not in (PlacementStatus.CONFIRMED, PlacementStatus.ACTIVE):
        raise PlacementError(_("Endringer kan bare foreslås for en bekreftet praksisplass."))
    if kind is ProposalKind.END_EARLY:
        new_start = None
    errors = proposal_errors(
        kind, new_start, new_end, (placement.start_date, placement.end_date), today
    )
    if errors:
        name, message = next(iter(errors.items()))
        raise PlacementError(message, field=name)
    if not reason.strip():
        raise PlacementError(_("Skriv en begrunnelse."), field="reason")
    earlier = open_proposal(placement)
    if earlier is not None:
        earlier.status = ProposalStatus.SUPERSEDED
    proposal = ChangeProposal(
        placement=placement,
        kind=kind,
        new_start_date=new_start,
        new_end_date=new_end,
        reason=reason.strip()[:500],
        proposed_by_id=by.id,
        proposed_by_email=by.email,
    )
    db.session.add(proposal)
    db.session.flush()
    signing.notify_coordinators(placement, _("Forslag om endring"))
    return proposal


def withdraw_proposal(proposal: ChangeProposal) -> None:
    check_open(proposal)
    proposal.status = ProposalStatus.WITHDRAWN
    db.session.flush()


def check_open(proposal: ChangeProposal) -> None:
    if proposal.status is not ProposalStatus.PROPOSED:
        raise PlacementError(
            _("Forslaget er allerede %(status)s.", status=proposal.status.label.lower())
        )


def decide_proposal(
    proposal: ChangeProposal, *, seen_version: int | None, approve: bool, reason: str, by: User
) -> None:
    """The coordinator approves (the new dates must pass the core placement rules) or rejects
    with a reason, on the form opened at ``seen_version`` of the proposal."""
    check_version(proposal.version, seen_version)
    check_open(proposal)
    reason = reason.strip()
    if not approve and not reason:
        raise PlacementError(_("Skriv hvorfor forslaget avvises."), field="reason")
    if approve:
        placement = proposal.placement
        change_placement_dates(
            placement,
            proposal.new_start_date or placement.start_date,
            proposal.new_end_date or placement.end_date,
            by,
        )
    proposal.status = ProposalStatus.APPROVED if approve else ProposalStatus.REJECTED
    proposal.decided_by_id, proposal.decided_at = by.id, utcnow()
    proposal.decision_reason = reason[:500]
    db.session.flush()


def change_placement_dates(placement: Placement, start: date, end: date, by_user: User) -> None:
    """New dates through the core rules: inside the cohort and the practice period, and
    clear of the trainee's other placements."""
    fields = placements.PlacementFields(
        organisation=placement.organisation,
        module_code=placement.module_code,
        supervisor_name=placement.supervisor_name,
        supervisor_email=placement.supervisor_email,
        start_date=start,
        end_date=end,
        weekly_hours=placement.weekly_hours,
        co_supervisor_name=placement.co_supervisor_name,
        co_supervisor_email=placement.co_supervisor_email,
        politiattest_required=placement.politiattest_required,
        offer=placement.offer,
    )
    placements.update_placement(placement, fields, by=by_user)
