"""Placement follow-up: meetings as they fall due, weekly hours, the supervisor's signed
confirmations, one tvilsmelding with a proposal to end early, and the final evaluation and
completion of every placement whose period is over.

Meetings and hours go through the follow-up services. What a supervisor signs goes through
``signing.sign`` with the time it was signed (its way of recording an earlier signing):
the services that sign (confirm_hours, record_final_evaluation, raise_concern,
propose_change) sign at the present moment and mail receipts and notices, and the demo sends
no mail. Their rules hold all the same: hours, the tvilsmelding and the final evaluation
are signed while the placement is active, and it is completed after its evaluation.
"""

import random
from datetime import timedelta

from sqlalchemy import select

from mbtrain.accounts.models import Role, User
from mbtrain.demo.base import LOGIN_EMAILS, SEED, TEST_NET_IP, at, now
from mbtrain.extensions import db
from mbtrain.followup import rules as followup_rules
from mbtrain.followup import services as followup
from mbtrain.i18n import today
from mbtrain.partner import signing
from mbtrain.placements import services as placements
from mbtrain.placements.models import (
    ChangeProposal,
    Concern,
    FinalEvaluation,
    MeetingKind,
    Placement,
    PlacementStatus,
    ProposalKind,
    SignedAction,
    SignedVia,
)

DEMO_BROWSER = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) Edge/128.0 (demo)"
MEETING_NOTES = {
    MeetingKind.OPPSTART: "Gikk gjennom arbeidsoppgaver, turnus og hvem deltakeren kan spørre.",
    MeetingKind.MIDTVEIS: "God utvikling. Avtalt mer ansvar i gruppeaktivitetene.",
    MeetingKind.SLUTT: "Oppsummerte læringsmålene. Praksisen er gjennomført som avtalt.",
}
EVALUATIONS = (
    "Har vært stabil og til å stole på, og brukt egen erfaring klokt i samtaler.",
    "Fant raskt sin plass i miljøet. Godt samarbeid med både brukere og ansatte.",
    "Tok ansvar for egne aktiviteter og ba om veiledning når det trengtes.",
)
CONCERN_TEXT = (
    "Deltakeren har ikke møtt på fire av de siste seks avtalte vaktene uten å gi beskjed. "
    "Vi har avtalt faste ukentlige samtaler og ny turnus; uten bedre oppmøte er det tvil om "
    "praksisen blir bestått."
)


def seed_followup() -> None:
    """Follow-up for the placements there are: meetings as they fall due, weekly hours
    (confirmed but for the last two weeks of running placements), the supervisor's signed
    confirmations, one tvilsmelding, and a passed final evaluation for every placement whose
    period is over, which the coordinator then completes."""
    under_way = db.session.scalars(
        select(Placement)
        .where(Placement.status.in_((PlacementStatus.CONFIRMED, PlacementStatus.ACTIVE)))
        .order_by(Placement.start_date, Placement.id)
    ).all()
    concern_given = False
    for number, placement in enumerate(under_way):
        coordinator = signing.county_coordinators(placement)[0]
        signer = demo_signer(placement)
        content = signing.shown_content(placement)
        confirmed_at = at(placement.start_date - timedelta(days=21), 9)
        signing.sign(placement, SignedAction.CONFIRM_PLACEMENT, content, signer, confirmed_at)
        seed_meetings(placement, coordinator)
        if placement.status is PlacementStatus.CONFIRMED:
            continue
        ended = placement.end_date < today()
        seed_hours(placement, signer, ended)
        if ended:
            text = EVALUATIONS[number % len(EVALUATIONS)]
            signed = {**content, "passed": True, "text": text}
            when = at(placement.end_date, 14)
            signature = signing.sign(placement, SignedAction.FINAL_EVALUATION, signed, signer, when)
            db.session.add(
                FinalEvaluation(placement=placement, passed=True, text=text, signature=signature)
            )
            completed = placements.set_status(
                placement, PlacementStatus.COMPLETED, by_user=coordinator
            )
            completed.at = at(placement.end_date, 16)
        elif not concern_given and placement.enrolment.person.email != LOGIN_EMAILS[Role.TRAINEE]:
            seed_concern(placement, content, signer)
            concern_given = True
    db.session.flush()


def seed_concern(placement: Placement, content: dict, signer: signing.Signer) -> None:
    """A tvilsmelding three days ago, and the partner's open proposal to end early, waiting
    for the coordinator."""
    when = at(today() - timedelta(days=3), 15)
    signed = {**content, "text": CONCERN_TEXT}
    signature = signing.sign(placement, SignedAction.RAISE_CONCERN, signed, signer, when)
    db.session.add(
        Concern(placement=placement, text=CONCERN_TEXT, signature=signature, created_at=when)
    )
    partner = placement.supervisor_user
    db.session.add(
        ChangeProposal(
            placement=placement,
            kind=ProposalKind.END_EARLY,
            new_end_date=max(placement.end_date - timedelta(weeks=2), today()),
            reason="Veilederen går ut i permisjon; vi foreslår å avslutte to uker tidligere.",
            proposed_by_id=partner.id if partner else None,
            proposed_by_email=placement.supervisor_email,
            proposed_at=now() - timedelta(days=1),
        )
    )


def demo_signer(placement: Placement) -> signing.Signer:
    """Supervisors with an account mostly sign in the portal; the rest, and every third
    placement, by the e-mailed link (a real mix: not everyone logs in)."""
    user = placement.supervisor_user if placement.id % 3 else None
    return signing.Signer(
        typed_name=placement.supervisor_name,
        email=placement.supervisor_email,
        via=SignedVia.PORTAL if user else SignedVia.LINK,
        user=user,
        ip=TEST_NET_IP,
        user_agent=DEMO_BROWSER,
    )


def seed_meetings(placement: Placement, coordinator: User) -> None:
    """The start, midway and final meetings that have been held, recorded by the coordinator."""
    middle = placement.start_date + (placement.end_date - placement.start_date) / 2
    for kind, held_on in (
        (MeetingKind.OPPSTART, placement.start_date + timedelta(days=2)),
        (MeetingKind.MIDTVEIS, middle),
        (MeetingKind.SLUTT, placement.end_date - timedelta(days=1)),
    ):
        if held_on < today():
            followup.record_meeting(
                placement,
                kind=kind,
                held_on=held_on,
                participants=f"Deltaker, {placement.supervisor_name} (veileder), "
                f"{coordinator.name} (koordinator)",
                summary=MEETING_NOTES[kind],
                by=coordinator,
                today=today(),
            )


def seed_hours(placement: Placement, signer: signing.Signer, ended: bool) -> None:
    """Hours for each week so far, logged by the trainee on the Friday, a little below plan
    now and then; confirmed three weeks at a time, except the last two weeks of a placement
    still under way."""
    rng = random.Random(SEED + placement.id)
    weeks = followup_rules.placement_weeks(placement.start_date, placement.end_date, today())
    if not ended:
        weeks = [week for week in weeks if week < followup_rules.monday_of(today())]
    trainee = placement.enrolment.person.user
    entries = []
    for week in weeks:
        workdays = sum(
            placement.start_date <= week + timedelta(days=d) <= placement.end_date for d in range(5)
        )
        planned = placement.weekly_hours * workdays / 5
        hours = planned - rng.choice((0, 0, 0, 0, 0.5 * placement.weekly_hours / 5, 2))
        entry = followup.log_hours(
            placement,
            week,
            max(0, round(hours * 2) / 2),
            version=0,
            by=trainee,
            today=today(),
        )
        entry.logged_at = min(at(week + timedelta(days=4), 15), now())
        entries.append(entry)
    to_confirm = entries if ended else entries[:-2]
    for first in range(0, len(to_confirm), 3):
        batch = to_confirm[first : first + 3]
        when = min(at(batch[-1].week_start + timedelta(days=4), 15), now())
        shown = signing.shown_content(placement, batch)
        signature = signing.sign(placement, SignedAction.CONFIRM_HOURS, shown, signer, when)
        for entry in batch:
            entry.confirmed_signature = signature
