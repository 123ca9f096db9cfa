"""Follow-up pages that more than one blueprint serves: the meeting form (the partner in the
portal, the coordinator on the placement page) and sending the supervisor a link (the
coordinator, or the trainee asking for their hours to be confirmed)."""

from flask import abort, flash, render_template
from flask_babel import gettext as _
from flask_login import current_user

from mbtrain.accounts.models import TokenPurpose
from mbtrain.audit.models import AccessAction
from mbtrain.audit.services import log_change, log_view
from mbtrain.followup import services
from mbtrain.followup.forms import MeetingForm, SendLinkForm
from mbtrain.i18n import today
from mbtrain.idempotency import attempt_once, sent_on
from mbtrain.partner import links
from mbtrain.placements.access import about
from mbtrain.placements.models import Placement
from mbtrain.web import attempt, submitted


def meeting_page(placement: Placement, back: str):
    """Record a follow-up meeting; ``back``: where the page leads when it is done."""
    form = MeetingForm()
    if submitted(form) and attempt_once(
        form, services.record_meeting, placement, **form.meeting(), by=current_user, today=today()
    ):
        log_change(
            placement,
            "PLACEMENT",
            **about(placement, "placement_meeting", action=AccessAction.CREATE),
        )
        flash(
            _("Møtet om %(name)s er registrert.", name=placement.enrolment.person.name),
            "success",
        )
        return sent_on(form, back)
    log_view(placement, "PLACEMENT", **about(placement))
    return render_template(
        "placements/followup/meeting.html", placement=placement, form=form, back=back
    )


def send_link(placement: Placement, purpose: TokenPurpose, logged_for: str, done: str) -> None:
    """E-mail the supervisor a link for ``purpose`` and say how it went (``done``: sent)."""
    form = SendLinkForm()
    if not form.validate_on_submit():
        abort(400)
    unconfirmed = services.unconfirmed_hours(placement)
    if attempt(form, links.send_placement_link, placement, purpose, unconfirmed):
        log_view(
            placement, logged_for, **about(placement, "placement_link", action=AccessAction.EXPORT)
        )
        flash(done, "success")
    else:
        flash(str(form.refused), "error")
