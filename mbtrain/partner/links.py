"""Single-use links: a supervisor without an account confirms or signs through one.

A link is an ActionToken bound to one placement (object_id), one action (purpose) and one
address (the supervisor's). Its payload keeps the SHA-256 of the content it was sent for:
if the placement has changed since, the link is refused and a new one must be sent. The
token row is the nonce; ``spend`` uses it up atomically, in the transaction that signs.
"""

import logging
from dataclasses import dataclass
from datetime import date

from flask import current_app, render_template
from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from mbtrain.accounts.models import ActionToken, TokenPurpose
from mbtrain.accounts.services import (
    LinkInvalid,
    find_link,
    hash_token,
    issue_link,
    normalise_email,
    use_link,
)
from mbtrain.enrolments.models import Enrolment
from mbtrain.extensions import db
from mbtrain.http import public_url
from mbtrain.mail.services import send_mail
from mbtrain.partner.signing import (
    ContentChanged,
    check_may_answer,
    check_unchanged,
    content_sha256,
    has_evaluation,
    retire_links,
    shown_content,
)
from mbtrain.placements.models import HoursEntry, Placement, PlacementStatus
from mbtrain.placements.rules import PlacementError

log = logging.getLogger(__name__)

LINK_PURPOSES = (
    TokenPurpose.PLACEMENT_CONFIRMATION,
    TokenPurpose.HOURS_CONFIRMATION,
    TokenPurpose.FINAL_EVALUATION,
)


class LinkUnknown(LinkInvalid):
    """No such link (mistyped, cut short or altered): answered 404, not 410."""


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


def spend(opened: OpenLink) -> None:
    """Mark the link used, atomically; a second use of it fails here."""
    use_link(opened.link)
