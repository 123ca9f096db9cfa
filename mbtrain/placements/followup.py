"""Following a placement up: meetings, weekly hours, tvilsmelding, the final evaluation and
the partner's proposals to change dates.

What a supervisor confirms or signs goes through ``signing.sign``, whether they are logged in
or use a single-use link. Services flush and never commit.
"""

import logging
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta

from flask import render_template
from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload
from sqlalchemy.orm.exc import StaleDataError

from mbtrain.accounts.models import ActionToken, TokenPurpose, User
from mbtrain.cohorts.models import Cohort
from mbtrain.concurrency import check_version
from mbtrain.database import utcnow
from mbtrain.enrolments.models import Enrolment
from mbtrain.errors import StaleEdit
from mbtrain.extensions import db
from mbtrain.http import public_url
from mbtrain.mail.services import send_mail
from mbtrain.organisations.models import Organisation
from mbtrain.people.models import Person
from mbtrain.placements import services, signing
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
from mbtrain.placements.services import PlacementError

log = logging.getLogger(__name__)

MAX_WEEK_HOURS = 60
SUMMARY_LENGTH = 2000
FOLLOWED_UP = (PlacementStatus.CONFIRMED, PlacementStatus.ACTIVE, PlacementStatus.COMPLETED)


# Weeks (pure) ---------------------------------------------------------------------------


def monday_of(day: date) -> date:
    return day - timedelta(days=day.weekday())


def placement_weeks(start: date, end: date, today: date | None = None) -> list[date]:
    """The Mondays of the weeks a placement touches (up to ``today``'s week, if given)."""
    last = monday_of(min(end, today) if today else end)
    weeks, week = [], monday_of(start)
    while week <= last:
        weeks.append(week)
        week += timedelta(days=7)
    return weeks


def week_errors(
    week_start: date, hours: float | None, period: tuple[date, date], today: date
) -> dict[str, str]:
    """What is wrong with hours logged for a week: field → message."""
    errors: dict[str, str] = {}
    if week_start.weekday() != 0:
        errors["week_start"] = _("Uken må begynne på en mandag.")
    elif week_start not in placement_weeks(*period):
        errors["week_start"] = _("Uken ligger utenfor praksisperioden.")
    elif week_start > today:
        errors["week_start"] = _("Du kan ikke føre timer for en uke som ikke har begynt.")
    if hours is None or not 0 <= hours <= MAX_WEEK_HOURS:
        errors["hours"] = _("Skriv et tall fra 0 til %(max)d.", max=MAX_WEEK_HOURS)
    return errors


# Hours ----------------------------------------------------------------------------------


def log_hours(
    placement: Placement,
    week_start: date,
    hours: float,
    *,
    version: int | None,
    by_user: User,
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
            entry.hours, entry.logged_by_id, entry.logged_at = hours, by_user.id, utcnow()
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
    by_user: User,
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
        recorded_by_id=by_user.id,
        recorded_by_email=by_user.email,
    )
    db.session.add(meeting)
    db.session.flush()
    return meeting


# Change proposals -----------------------------------------------------------------------


def proposal_errors(
    kind: ProposalKind,
    new_start: date | None,
    new_end: date | None,
    current: tuple[date, date],
    today: date,
) -> dict[str, str]:
    """A proposal's dates, before the core rules (cohort, practice period, overlap) apply."""
    errors: dict[str, str] = {}
    start, end = current
    if kind is ProposalKind.END_EARLY:
        if new_end is None:
            errors["new_end_date"] = _("Skriv den nye sluttdatoen.")
        elif not max(start, today) <= new_end < end:
            errors["new_end_date"] = _(
                "Ny sluttdato må være fra i dag og før dagens sluttdato (%(end)s).",
                end=end.strftime("%d.%m.%Y"),
            )
        return errors
    if new_start is None:
        errors["new_start_date"] = _("Skriv ny startdato.")
    if new_end is None:
        errors["new_end_date"] = _("Skriv ny sluttdato.")
    if not errors:
        if new_end <= new_start:
            errors["new_end_date"] = _("Sluttdatoen må være etter startdatoen.")
        elif (new_start, new_end) == current:
            errors["new_start_date"] = _("Datoene er de samme som nå.")
    return errors


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
    by_user: User,
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
        proposed_by_id=by_user.id,
        proposed_by_email=by_user.email,
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


def decide_proposal(proposal: ChangeProposal, *, approve: bool, reason: str, by_user: User) -> None:
    """The coordinator approves (the new dates must pass the core placement rules) or rejects
    with a reason."""
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
            by_user,
        )
    proposal.status = ProposalStatus.APPROVED if approve else ProposalStatus.REJECTED
    proposal.decided_by_id, proposal.decided_at = by_user.id, utcnow()
    proposal.decision_reason = reason[:500]
    db.session.flush()


def change_placement_dates(placement: Placement, start: date, end: date, by_user: User) -> None:
    """New dates through the core rules: inside the cohort and the practice period, and
    clear of the trainee's other placements."""
    fields = services.PlacementFields(
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
    services.update_placement(placement, fields, by=by_user)


# What a page shows ----------------------------------------------------------------------


@dataclass
class FollowUp:
    """Everything about one placement's follow-up, loaded in a fixed number of queries."""

    placement: Placement
    signatures: list[Signature] = field(default_factory=list)
    hours: list[HoursEntry] = field(default_factory=list)
    meetings: list[Meeting] = field(default_factory=list)
    concerns: list[Concern] = field(default_factory=list)
    evaluation: FinalEvaluation | None = None
    proposals: list[ChangeProposal] = field(default_factory=list)
    links: list[ActionToken] = field(default_factory=list)  # sent, not yet used or expired

    @property
    def logged_hours(self) -> float:
        return sum(entry.hours for entry in self.hours)

    @property
    def confirmed_hours(self) -> float:
        return sum(entry.hours for entry in self.hours if entry.confirmed_signature_id)

    @property
    def unconfirmed(self) -> list[HoursEntry]:
        return [entry for entry in self.hours if entry.confirmed_signature_id is None]

    @property
    def open_proposal(self) -> ChangeProposal | None:
        return next((p for p in self.proposals if p.status is ProposalStatus.PROPOSED), None)

    def entry_for(self, week: date) -> HoursEntry | None:
        return next((entry for entry in self.hours if entry.week_start == week), None)


def followups(placements: Iterable[Placement]) -> dict[int, FollowUp]:
    """Follow-up for several placements: seven queries, however many placements."""
    result = {p.id: FollowUp(placement=p) for p in placements}
    ids = list(result)
    if not ids:
        return result
    for signature in db.session.scalars(
        select(Signature).where(Signature.placement_id.in_(ids)).order_by(Signature.at)
    ):
        result[signature.placement_id].signatures.append(signature)
    for entry in db.session.scalars(
        select(HoursEntry)
        .where(HoursEntry.placement_id.in_(ids))
        .options(joinedload(HoursEntry.confirmed_signature))
        .order_by(HoursEntry.week_start)
    ):
        result[entry.placement_id].hours.append(entry)
    for meeting in db.session.scalars(
        select(Meeting).where(Meeting.placement_id.in_(ids)).order_by(Meeting.held_on)
    ):
        result[meeting.placement_id].meetings.append(meeting)
    for concern in db.session.scalars(
        select(Concern)
        .where(Concern.placement_id.in_(ids))
        .options(joinedload(Concern.signature))
        .order_by(Concern.created_at)
    ):
        result[concern.placement_id].concerns.append(concern)
    for evaluation in db.session.scalars(
        select(FinalEvaluation)
        .where(FinalEvaluation.placement_id.in_(ids))
        .options(joinedload(FinalEvaluation.signature))
    ):
        result[evaluation.placement_id].evaluation = evaluation
    for proposal in db.session.scalars(
        select(ChangeProposal)
        .where(ChangeProposal.placement_id.in_(ids))
        .order_by(ChangeProposal.proposed_at.desc(), ChangeProposal.id.desc())
    ):
        result[proposal.placement_id].proposals.append(proposal)
    for link in db.session.scalars(
        select(ActionToken)
        .where(
            ActionToken.object_id.in_(ids),
            ActionToken.purpose.in_(signing.LINK_PURPOSES),
            ActionToken.used_at.is_(None),
            ActionToken.expires_at > utcnow(),
        )
        .order_by(ActionToken.created_at)
    ):
        result[link.object_id].links.append(link)
    return result


def followup_of(placement: Placement) -> FollowUp:
    return followups([placement])[placement.id]


def open_concerns(cohort: Cohort) -> list:
    """Tvilsmeldinger on the cohort's placements still under way, newest first: one query,
    for the coordinator's cohort overview."""
    return list(
        db.session.execute(
            select(
                Concern.placement_id,
                Concern.created_at,
                Person.name.label("trainee"),
                Organisation.name.label("organisation"),
            )
            .join(Placement, Placement.id == Concern.placement_id)
            .join(Enrolment, Enrolment.id == Placement.enrolment_id)
            .join(Person, Person.id == Enrolment.person_id)
            .join(Organisation, Organisation.id == Placement.organisation_id)
            .where(
                Enrolment.cohort_id == cohort.id,
                Placement.status.in_((PlacementStatus.CONFIRMED, PlacementStatus.ACTIVE)),
            )
            .order_by(Concern.created_at.desc())
        )
    )
