"""Signatures and single-use links: what a supervisor confirmed, exactly as it was shown.

A link is an ActionToken bound to one placement (object_id), one action (purpose) and one
address (the supervisor's). Its payload keeps the SHA-256 of the content it was sent for:
if the placement has changed since, the link is refused and a new one must be sent. The
token row is the nonce; ``use_link`` spends it atomically, in the transaction that signs.

Signed content is built in Norwegian whatever the reader's language, so that the same facts
always give the same hash.
"""

import hashlib
import json
import logging
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime

from flask import current_app, render_template
from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import select, update
from sqlalchemy.orm import joinedload

from mbtrain.accounts.models import ActionToken, Role, TokenPurpose, User
from mbtrain.accounts.services import (
    LinkInvalid,
    find_link,
    hash_token,
    issue_link,
    normalise_email,
    use_link,
)
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
from mbtrain.placements.services import PlacementError, placement_content, set_status

log = logging.getLogger(__name__)

SIGNED_LOCALE = "nb"
LINK_PURPOSES = (
    TokenPurpose.PLACEMENT_CONFIRMATION,
    TokenPurpose.HOURS_CONFIRMATION,
    TokenPurpose.FINAL_EVALUATION,
)
USER_AGENT_LENGTH = 300


class LinkUnknown(LinkInvalid):
    """No such link (mistyped, cut short or altered): answered 404, not 410."""


class ContentChanged(PlacementError):
    """What the signer was shown is no longer what is stored."""


# Canonical content and its hash ----------------------------------------------------------


def canonical_json(content: dict) -> str:
    return json.dumps(content, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def content_sha256(content: dict) -> str:
    return hashlib.sha256(canonical_json(content).encode()).hexdigest()


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


# Links -----------------------------------------------------------------------------------

LINK_TEXT = {
    TokenPurpose.PLACEMENT_CONFIRMATION: (
        "Bekreft praksisplass for MB-opplæringen",
        "Vi ber dere bekrefte eller takke nei til en praksisplass hos %(organisation)s.",
    ),
    TokenPurpose.HOURS_CONFIRMATION: (
        "Bekreft praksistimer for MB-opplæringen",
        "Vi ber deg bekrefte timene en deltaker har ført i praksis hos %(organisation)s.",
    ),
    TokenPurpose.FINAL_EVALUATION: (
        "Sluttvurdering av praksis i MB-opplæringen",
        "Praksisperioden hos %(organisation)s nærmer seg slutten. "
        "Vi ber deg signere sluttvurderingen.",
    ),
}


@dataclass(frozen=True)
class OpenLink:
    link: ActionToken
    placement: Placement
    content: dict
    entries: list[HoursEntry]


def link_entries(placement: Placement, payload: dict | None) -> list[HoursEntry]:
    weeks = [date.fromisoformat(w) for w in (payload or {}).get("weeks", [])]
    if not weeks:
        return []
    return list(
        db.session.scalars(
            select(HoursEntry)
            .where(HoursEntry.placement_id == placement.id, HoursEntry.week_start.in_(weeks))
            .order_by(HoursEntry.week_start)
        )
    )


def send_placement_link(
    placement: Placement, purpose: TokenPurpose, entries: list[HoursEntry] | None = None
) -> str:
    """E-mail the supervisor a link for one action on this placement; an older unused link
    for the same action stops working."""
    check_link_allowed(placement, purpose, entries)
    is_hours = purpose is TokenPurpose.HOURS_CONFIRMATION
    content = shown_content(placement, entries if is_hours else None)
    retire_links(placement, purpose)
    payload = {"content_sha256": content_sha256(content)}
    if is_hours:
        payload["weeks"] = [row["week_start"] for row in content["weeks"]]
    lifetime = current_app.config["PLACEMENT_LINK_LIFETIME"]
    token = issue_link(
        purpose,
        placement.supervisor_email,
        object_id=placement.id,
        payload=payload,
        lifetime=lifetime,
    )
    subject, intro = LINK_TEXT[purpose]
    body = render_template(
        "placements/mail/link.txt",
        placement=placement,
        content=content,
        intro=_(intro, organisation=placement.organisation.name),
        link=public_url("partner.use_link", token=token),
        days=lifetime.days,
    )
    send_mail(placement.supervisor_email, _(subject), body)
    log.info("placement %s: %s link sent", placement.id, purpose.value)
    return token


def check_link_allowed(
    placement: Placement, purpose: TokenPurpose, entries: list[HoursEntry] | None
) -> None:
    if purpose is TokenPurpose.PLACEMENT_CONFIRMATION:
        check_may_answer(placement)
    elif purpose is TokenPurpose.HOURS_CONFIRMATION:
        if not entries:
            raise PlacementError(_("Det er ingen ubekreftede timer å sende."))
    elif placement.status is not PlacementStatus.ACTIVE:
        raise PlacementError(_("Sluttvurderingen kan bare signeres mens praksisen pågår."))


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


def open_link(token: str) -> OpenLink:
    """The live placement link behind a token, checked against what it was sent for."""
    link = db.session.scalar(select(ActionToken).where(ActionToken.token_hash == hash_token(token)))
    if link is None or link.purpose not in LINK_PURPOSES:
        raise LinkUnknown(_("Lenken er ugyldig. Kontroller at du har kopiert hele lenken."))
    find_link(token, [link.purpose])  # used or expired: says which
    placement = db.session.scalar(
        select(Placement)
        .where(Placement.id == link.object_id)
        .options(
            joinedload(Placement.organisation),
            joinedload(Placement.enrolment).joinedload(Enrolment.person),
            joinedload(Placement.enrolment).joinedload(Enrolment.cohort),
        )
    )
    if placement is None or normalise_email(placement.supervisor_email) != link.email:
        raise LinkUnknown(_("Lenken er ugyldig. Kontroller at du har kopiert hele lenken."))
    payload = link.payload or {}
    entries = link_entries(placement, payload)
    check_still_wanted(placement, link.purpose, entries)
    is_hours = link.purpose is TokenPurpose.HOURS_CONFIRMATION
    try:
        content = check_unchanged(
            placement, payload.get("content_sha256"), entries if is_hours else None
        )
    except ContentChanged:
        raise LinkInvalid(
            _(
                "Opplysningene om praksisplassen er endret etter at lenken ble sendt. "
                "Lenken gjelder derfor ikke lenger. Be koordinatoren sende en ny lenke."
            )
        ) from None
    return OpenLink(link=link, placement=placement, content=content, entries=entries)


def check_still_wanted(
    placement: Placement, purpose: TokenPurpose, entries: list[HoursEntry]
) -> None:
    """A link whose job was done another way (in the portal, by another link) is spent."""
    done = False
    if purpose is TokenPurpose.PLACEMENT_CONFIRMATION:
        done = placement.status is not PlacementStatus.PROPOSED
    elif purpose is TokenPurpose.HOURS_CONFIRMATION:
        done = any(entry.confirmed_signature_id is not None for entry in entries)
    elif purpose is TokenPurpose.FINAL_EVALUATION:
        done = placement.status is not PlacementStatus.ACTIVE or has_evaluation(placement)
    if done:
        raise LinkInvalid(
            _(
                "Det lenken gjaldt, er allerede gjort eller ikke lenger aktuelt. "
                "Ingenting er endret."
            )
        )


def has_evaluation(placement: Placement) -> bool:
    query = select(FinalEvaluation.id).where(FinalEvaluation.placement_id == placement.id)
    return db.session.scalar(query) is not None


def spend(opened: OpenLink) -> None:
    """Mark the link used, atomically; a second use of it fails here."""
    use_link(opened.link)


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
