"""What a supervisor reaches: with a login, the placements of their own organisation that
mbtrain.policy.partner_can_see lets them see; without one, the placement a live single-use
link is for. Anything else answers as if it did not exist."""

from flask import Response, abort, make_response, render_template
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import joinedload, selectinload

from mbtrain.accounts.services import LinkInvalid
from mbtrain.enrolments.models import Enrolment
from mbtrain.extensions import db
from mbtrain.i18n import today
from mbtrain.organisations.models import Organisation
from mbtrain.partner import links
from mbtrain.placements.access import SHOWN
from mbtrain.placements.models import Placement
from mbtrain.placements.rules import trainee_shown
from mbtrain.policy import partner_can_see, partner_placements


def partner_organisation() -> Organisation:
    """The signed-in partner's organisation; 404 for a partner without one."""
    if current_user.organisation is None:
        abort(404)
    return current_user.organisation


def load_partner_placement(placement_id: int) -> Placement:
    """A placement the signed-in partner may see (own organisation, within the access time,
    never a waiting list); 404 otherwise, also for ids that exist elsewhere."""
    placement = db.session.scalar(
        select(Placement)
        .where(Placement.id == placement_id, partner_placements(current_user, today()))
        .options(*SHOWN, selectinload(Placement.events))
    )
    if placement is None or not partner_can_see(current_user, placement, today()):
        abort(404)
    return placement


def partner_rows() -> list[tuple[Placement, dict]]:
    """The placements the signed-in partner may see, newest first, each with the trainee as
    the organisation is to see them."""
    placements = db.session.scalars(
        select(Placement)
        .where(partner_placements(current_user, today()))
        .options(
            joinedload(Placement.enrolment).joinedload(Enrolment.person),
            joinedload(Placement.enrolment).joinedload(Enrolment.cohort),
        )
        .order_by(Placement.start_date.desc(), Placement.id)
    ).all()
    return [(p, trainee_shown(p.enrolment.person)) for p in placements]


def load_link(token: str) -> links.OpenLink:
    """The live link behind a token; otherwise the page that says why, and nothing else."""
    try:
        return links.open_link(token)
    except LinkInvalid as error:  # not a form's error: the page itself is refused
        abort(invalid_link(error))


def invalid_link(error: LinkInvalid) -> Response:
    """Why a link does not work: 404 for one that never was, 410 for one used or expired."""
    status = 404 if isinstance(error, links.LinkUnknown) else 410
    page = render_template("placements/link/invalid.html", message=str(error))
    return make_response(page, status)
