"""Signatures: what a supervisor confirmed, exactly as it was shown, by whom and how (in the
portal or through a single-use link, mbtrain.partner.links).

Signed content is built in Norwegian whatever the reader's language, so that the same facts
always give the same hash.
"""

import logging
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from flask import render_template
from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import select, update

from mbtrain.accounts.models import ActionToken, Role, TokenPurpose, User
from mbtrain.accounts.services import (
    normalise_email,
)
from mbtrain.canonical import sha256_of
from mbtrain.cohorts.models import Cohort
from mbtrain.database import utcnow
from mbtrain.enrolments.models import Enrolment
from mbtrain.extensions import db
from mbtrain.http import public_url
from mbtrain.mail.services import send_mail
from mbtrain.organisations.models import County
from mbtrain.placements.models import (
    FinalEvaluation,
    HoursEntry,
    Placement,
    PlacementStatus,
    Signature,
    SignedAction,
    SignedVia,
)
from mbtrain.placements.rules import PlacementError
from mbtrain.placements.services import placement_content, set_status

log = logging.getLogger(__name__)

SIGNED_LOCALE = "nb"
USER_AGENT_LENGTH = 300


class ContentChanged(PlacementError):
    """What the signer was shown is no longer what is stored: sign again on what is (409)."""

    status = 409


# Canonical content and its hash ----------------------------------------------------------


def content_sha256(content: dict) -> str:
    return sha256_of(content)


def week_rows(entries: Iterable[HoursEntry]) -> list[dict]:
    return [
        {"week_start": entry.week_start.isoformat(), "hours": float(entry.hours)}
        for entry in sorted(entries, key=lambda e: e.week_start)
    ]


def shown_content(placement: Placement, entries: Iterable[HoursEntry] | None = None) -> dict:
    """What a signer is shown: the placement as shared with the organisation, and the weeks
    of hours when hours are being confirmed."""
    with force_locale(SIGNED_LOCALE):
        content = {"placement": placement_content(placement)}
    if entries is not None:
        content["weeks"] = week_rows(entries)
    return content


# Who signs -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Signer:
    typed_name: str
    email: str
    via: SignedVia
    user: User | None = None
    ip: str = ""
    user_agent: str = ""

    @classmethod
    def from_request(
        cls, request, typed_name: str, *, user: User | None = None, email: str = ""
    ) -> "Signer":
        return cls(
            typed_name=" ".join(typed_name.split())[:200],
            email=normalise_email(user.email if user else email),
            via=SignedVia.PORTAL if user else SignedVia.LINK,
            user=user,
            ip=(request.remote_addr or "")[:45],
            user_agent=(request.user_agent.string or "")[:USER_AGENT_LENGTH],
        )


def sign(
    placement: Placement,
    action: SignedAction,
    content: dict,
    signer: Signer,
    at: datetime | None = None,
) -> Signature:
    """Keep what was signed, by whom and how; the hash covers the signer and the time too
    (``at``: now, unless a record of an earlier signing is being made)."""
    if not signer.typed_name:
        raise PlacementError(_("Skriv navnet ditt for å signere."), field="typed_name")
    at = at or utcnow()
    document = {
        **content,
        "action": action.value,
        "signed_by": signer.typed_name,
        "signer_email": signer.email,
        "via": signer.via.value,
        "signed_at": at.isoformat(),
    }
    signature = Signature(
        placement=placement,
        action=action,
        via=signer.via,
        typed_name=signer.typed_name,
        signer_email=signer.email,
        user_id=signer.user.id if signer.user else None,
        at=at,
        ip=signer.ip,
        user_agent=signer.user_agent,
        content=document,
        content_sha256=content_sha256(document),
    )
    db.session.add(signature)
    db.session.flush()
    log.info("placement %s signed %s via %s", placement.id, action.value, signer.via.value)
    return signature


def check_unchanged(placement: Placement, expected_sha256: str | None, entries=None) -> dict:
    """The content as it is now, if it is what the signer was shown; else ContentChanged."""
    content = shown_content(placement, entries)
    if content_sha256(content) != expected_sha256:
        raise ContentChanged(
            _(
                "Opplysningene er endret etter at du åpnet siden. "
                "Ingenting er lagret. Se over det som nå gjelder, og signer på nytt."
            )
        )
    return content


# Confirming or declining the placement ---------------------------------------------------


def confirm_placement(placement: Placement, content: dict, signer: Signer) -> Signature:
    signature = sign(placement, SignedAction.CONFIRM_PLACEMENT, content, signer)
    set_status(
        placement,
        PlacementStatus.CONFIRMED,
        by_user=signer.user,
        by_email=signer.email,
        reason=_("Bekreftet av %(name)s", name=signer.typed_name),
    )
    retire_links(placement, TokenPurpose.PLACEMENT_CONFIRMATION)
    send_receipt(signature)
    notify_coordinators(placement, signature.action)
    return signature


def decline_placement(
    placement: Placement, content: dict, signer: Signer, reason: str
) -> Signature:
    reason = reason.strip()
    if not reason:
        raise PlacementError(_("Skriv hvorfor dere takker nei."), field="reason")
    signature = sign(
        placement, SignedAction.DECLINE_PLACEMENT, {**content, "reason": reason}, signer
    )
    set_status(
        placement,
        PlacementStatus.DECLINED,
        by_user=signer.user,
        by_email=signer.email,
        reason=reason,
    )
    retire_links(placement, TokenPurpose.PLACEMENT_CONFIRMATION)
    send_receipt(signature)
    notify_coordinators(placement, signature.action)
    return signature


def check_may_answer(placement: Placement) -> None:
    if placement.status is not PlacementStatus.PROPOSED:
        raise PlacementError(
            _("Praksisplassen er allerede %(status)s.", status=placement.status.label.lower())
        )


def has_evaluation(placement: Placement) -> bool:
    query = select(FinalEvaluation.id).where(FinalEvaluation.placement_id == placement.id)
    return db.session.scalar(query) is not None


def retire_links(placement: Placement, purpose: TokenPurpose) -> None:
    db.session.execute(
        update(ActionToken)
        .where(
            ActionToken.purpose == purpose,
            ActionToken.object_id == placement.id,
            ActionToken.used_at.is_(None),
        )
        .values(used_at=utcnow())
        .execution_options(synchronize_session=False)
    )


# Receipts and notices ------------------------------------------------------------------


def send_receipt(signature: Signature) -> None:
    body = render_template(
        "placements/mail/receipt.txt",
        signature=signature,
        placement=signature.placement,
        content=signature.content,
    )
    send_mail(signature.signer_email, _("Kvittering: %(what)s", what=signature.action.label), body)


def county_coordinators(placement: Placement) -> list[User]:
    county_id = db.session.scalar(
        select(Cohort.county_id)
        .join(Enrolment, Enrolment.cohort_id == Cohort.id)
        .where(Enrolment.id == placement.enrolment_id)
    )
    return list(
        db.session.scalars(
            select(User)
            .join(User.counties)
            .where(User.role == Role.COORDINATOR, User.active, County.id == county_id)
            .order_by(User.id)
        )
    )


def notify_coordinators(placement: Placement, what: SignedAction | str) -> None:
    """Tell the county's coordinators that something happened, without personal details:
    the e-mail names the organisation and links to the placement page."""
    what = what.label if isinstance(what, SignedAction) else what
    body = render_template(
        "placements/mail/coordinator_notice.txt",
        placement=placement,
        what=what,
        link=public_url("placements.placement_detail", placement_id=placement.id),
    )
    subject = _("Praksis: %(what)s", what=what)
    for coordinator in county_coordinators(placement):
        send_mail(coordinator.email, subject, body)
