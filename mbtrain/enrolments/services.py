"""Intake and enrolment: applications, assessment, places, status changes.

Every status change goes through change_status, which checks the transition, closes the
current history row and opens the next. Services flush, never commit.
"""

import logging
from datetime import date, datetime
from enum import StrEnum

from flask_babel import gettext as _
from sqlalchemy import func, select

from mbtrain.accounts import services as accounts
from mbtrain.accounts.models import Role, TokenPurpose, User
from mbtrain.cohorts.models import CancelReason, Cohort, CohortStatus
from mbtrain.database import utcnow
from mbtrain.enrolments.models import Enrolment, EnrolmentStatus, StatusPeriod, StatusReason
from mbtrain.enrolments.transitions import (
    APPLYING,
    ENDED,
    HOLDS_PLACE,
    TransitionError,
    check_transition,
)
from mbtrain.errors import Refused
from mbtrain.extensions import db
from mbtrain.people.models import Person

log = logging.getLogger(__name__)
S = EnrolmentStatus

REJECT_REASONS = (StatusReason.KURS_FULLT, StatusReason.KRAV_IKKE_OPPFYLT, StatusReason.ANNET)


class EnrolmentError(Refused):
    """A broken intake or enrolment rule; the message is for the user, field names the input."""


class Decision(StrEnum):
    """What the intake decides about an application."""

    GRANT = "grant"
    WAITLIST = "waitlist"
    REJECT = "reject"


def places_taken(cohort: Cohort) -> int:
    return db.session.scalar(
        select(func.count())
        .select_from(Enrolment)
        .where(Enrolment.cohort_id == cohort.id, Enrolment.status.in_(HOLDS_PLACE))
    )


def register_application(
    cohort: Cohort,
    *,
    name: str,
    date_of_birth: date,
    email: str,
    phone: str,
    applied_on: date,
    nav_contact: str,
    by: User | None,
    today: date,
) -> Enrolment:
    if not cohort.open_for_applications or cohort.status not in (
        CohortStatus.PLANLAGT,
        CohortStatus.GJENNOMFORES,
    ):
        raise EnrolmentError(_("Kurset tar ikke imot søknader nå."))
    if applied_on > today:
        raise EnrolmentError(_("Søknadsdatoen kan ikke være frem i tid."), field="applied_on")
    if date_of_birth >= today or date_of_birth.year < 1900:
        raise EnrolmentError(_("Fødselsdatoen er ikke gyldig."), field="date_of_birth")
    email = accounts.normalise_email(email)
    person = db.session.scalar(select(Person).where(Person.email == email))
    if person is None:
        person = Person(name=name.strip(), date_of_birth=date_of_birth, email=email)
        person.phone = phone.strip()
        db.session.add(person)
    elif db.session.scalar(
        select(Enrolment.id).where(
            Enrolment.person_id == person.id, Enrolment.cohort_id == cohort.id
        )
    ):
        raise EnrolmentError(
            _("%(email)s har allerede søkt på dette kurset.", email=email), field="email"
        )
    enrolment = Enrolment(
        person=person,
        cohort=cohort,
        applied_on=applied_on,
        nav_contact=nav_contact.strip(),
        status=S.SOKT_INN,
    )
    db.session.add(enrolment)
    db.session.add(StatusPeriod(enrolment=enrolment, status=S.SOKT_INN, changed_by=by))
    db.session.flush()
    log.info("application %s registered for cohort %s", enrolment.id, cohort.id)
    return enrolment


def check_status_change(
    enrolment: Enrolment,
    target: EnrolmentStatus,
    *,
    reason: StatusReason | None = None,
    reason_text: str | None = None,
) -> None:
    """Refused as ``change_status(..., by_hand=True)`` would be, changing nothing: what the
    confirmation page of a final status is shown after."""
    try:
        check_transition(enrolment.status, target, reason, reason_text, by_hand=True)
    except TransitionError as error:
        raise EnrolmentError(str(error), field=error.field) from error


def change_status(
    enrolment: Enrolment,
    target: EnrolmentStatus,
    *,
    by: User | None,
    reason: StatusReason | None = None,
    reason_text: str | None = None,
    at: datetime | None = None,
    by_hand: bool = False,
) -> StatusPeriod:
    """The one way a status changes: checked, and recorded as a new history row. ``by_hand``:
    a coordinator's change on the trainee's page, to one of ``transitions.BY_HAND``."""
    try:
        check_transition(enrolment.status, target, reason, reason_text, by_hand=by_hand)
    except TransitionError as error:
        raise EnrolmentError(str(error), field=error.field) from error
    at = at or utcnow()
    current = db.session.scalar(
        select(StatusPeriod).where(
            StatusPeriod.enrolment_id == enrolment.id, StatusPeriod.valid_to.is_(None)
        )
    )
    if current is not None:
        current.valid_to = at
    period = StatusPeriod(
        enrolment=enrolment,
        status=target,
        reason=reason,
        reason_text=(reason_text or "").strip() or None,
        valid_from=at,
        changed_by=by,
    )
    db.session.add(period)
    enrolment.status = target
    db.session.flush()
    log.info("enrolment %s: %s", enrolment.id, target.value)
    return period


def decide(
    enrolment: Enrolment,
    decision: Decision,
    *,
    reason: StatusReason | None,
    reason_text: str | None,
    by: User,
    today: date,
) -> StatusPeriod:
    """The intake's decision: a place, the waiting list, or a rejection with its reason."""
    if decision is Decision.GRANT:
        return grant_place(enrolment, by=by, today=today)
    if decision is Decision.WAITLIST:
        return put_on_waiting_list(enrolment, by=by)
    return reject_application(enrolment, reason=reason, reason_text=reason_text, by=by)


def record_assessment(enrolment: Enrolment, *, meets: bool, reasoning: str, by: User) -> None:
    if enrolment.status not in APPLYING | {S.VENTELISTE}:
        raise EnrolmentError(_("Vurderingen kan bare endres før det er gitt plass."))
    if not reasoning.strip():
        raise EnrolmentError(_("Skriv en kort begrunnelse for vurderingen."), field="reasoning")
    enrolment.meets_requirements = meets
    enrolment.assessment = reasoning.strip()
    enrolment.assessed_by = by
    enrolment.assessed_at = utcnow()
    if enrolment.status is S.SOKT_INN:
        change_status(enrolment, S.VURDERES, by=by)
    db.session.flush()


def grant_place(enrolment: Enrolment, *, by: User, today: date) -> StatusPeriod:
    """Give a place, within the number of places, and invite the trainee to an account."""
    cohort = db.session.get(Cohort, enrolment.cohort_id, with_for_update=True)
    if enrolment.meets_requirements is not True:
        raise EnrolmentError(_("Vurderingen må vise at kravene er oppfylt før det kan gis plass."))
    if cohort.status not in (CohortStatus.PLANLAGT, CohortStatus.GJENNOMFORES):
        raise EnrolmentError(_("Kurset er ikke åpent for nye deltakere."))
    taken = places_taken(cohort)
    if taken >= cohort.places:
        raise EnrolmentError(
            _(
                "Kurset er fullt: alle %(places)d plassene er tatt. "
                "Sett søkeren på venteliste, eller øk antall plasser på kurset.",
                places=cohort.places,
            )
        )
    started = cohort.status is CohortStatus.GJENNOMFORES or today >= cohort.start_date
    target = S.DELTAR if started else S.VENTER_PA_OPPSTART
    period = change_status(enrolment, target, by=by)
    if target is S.DELTAR:
        enrolment.start_date = max(today, cohort.start_date)
    invite_trainee(enrolment.person)
    return period


def invite_trainee(person: Person) -> None:
    """Create the trainee's account and send the single-use activation link (once)."""
    if person.user is not None:
        return
    user = accounts.create_user(email=person.email, name=person.name, role=Role.TRAINEE)
    person.user = user
    token = accounts.issue_link(TokenPurpose.INVITATION, user.email, user)
    accounts.send_link_mail(user, token, TokenPurpose.INVITATION)


def put_on_waiting_list(enrolment: Enrolment, *, by: User) -> StatusPeriod:
    if enrolment.meets_requirements is not True:
        raise EnrolmentError(
            _("Vurderingen må vise at kravene er oppfylt før søkeren settes på venteliste.")
        )
    return change_status(enrolment, S.VENTELISTE, by=by)


def reject_application(
    enrolment: Enrolment, *, reason: StatusReason | None, reason_text: str | None, by: User
) -> StatusPeriod:
    if reason is None:
        raise EnrolmentError(_("Velg en årsak til avslaget."), field="reason")
    if reason not in REJECT_REASONS:
        raise EnrolmentError(_("Velg en gyldig årsak til avslaget."), field="reason")
    return change_status(enrolment, S.IKKE_AKTUELL, reason=reason, reason_text=reason_text, by=by)


def waiting_list(cohort: Cohort) -> list[Enrolment]:
    return list(
        db.session.scalars(
            select(Enrolment)
            .where(Enrolment.cohort_id == cohort.id, Enrolment.status == S.VENTELISTE)
            .order_by(Enrolment.applied_on, Enrolment.id)
        )
    )


def offer_next_place(cohort: Cohort, *, by: User, today: date) -> Enrolment:
    """A freed place goes to the first on the waiting list (by application date)."""
    first = next(iter(waiting_list(cohort)), None)
    if first is None:
        raise EnrolmentError(_("Ventelisten er tom."))
    grant_place(first, by=by, today=today)
    return first


def end_enrolments_of_cancelled_cohort(cohort: Cohort, by: User | None) -> int:
    """Participants end AVBRUTT; everyone not yet started becomes IKKE_AKTUELL."""
    if cohort.cancel_reason is CancelReason.ENDRING_HOS_ARRANGOR:
        reason, text = StatusReason.SAMARBEIDET_MED_ARRANGOREN_ER_AVBRUTT, None
    else:
        reason = StatusReason.ANNET
        text = _(
            "Kurset er %(status)s: %(reason)s",
            status=cohort.status.label.lower(),
            reason=cohort.cancel_text or cohort.cancel_reason.label,
        )
    active = db.session.scalars(
        select(Enrolment).where(Enrolment.cohort_id == cohort.id, Enrolment.status.not_in(ENDED))
    ).all()
    for enrolment in active:
        target = S.AVBRUTT if enrolment.status is S.DELTAR else S.IKKE_AKTUELL
        change_status(enrolment, target, reason=reason, reason_text=text, by=by)
    return len(active)
