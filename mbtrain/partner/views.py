"""What a supervisor does: through a single-use link (no account), or logged in to the portal.

Both ways show exactly what is being signed and record it the same way (mbtrain.partner.steps);
only the credential differs: the link itself, or the partner's login and partner_can_see.
"""

from flask import Blueprint, abort, current_app, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from mbtrain.accounts.services import LinkInvalid
from mbtrain.audit.models import AccessAction
from mbtrain.audit.services import log_change, log_view
from mbtrain.extensions import limiter
from mbtrain.followup import pages
from mbtrain.followup import services as followup
from mbtrain.followup.access import load_proposal
from mbtrain.followup.forms import ProposalForm, WithdrawForm
from mbtrain.i18n import today
from mbtrain.idempotency import attempt_once, sent_on
from mbtrain.partner import steps
from mbtrain.partner.access import invalid_link, load_link, load_partner_placement
from mbtrain.partner.links import OpenLink
from mbtrain.partner.signing import content_sha256
from mbtrain.placements.access import about
from mbtrain.placements.models import Placement
from mbtrain.web import attempt, submitted

bp = Blueprint("partner", __name__)


@bp.after_request
def _never_cache(response):
    """A link page shows a trainee to whoever holds the link: no copy stays in any cache,
    also when no login makes the app's own rule apply."""
    response.headers["Cache-Control"] = "no-store"
    response.headers["Pragma"] = "no-cache"
    return response


def _link_limit() -> str:
    return current_app.config.get("LOGIN_LIMIT_PER_ADDRESS", "30 per 10 minutes")


def _render(step: steps.Step, placement: Placement, content: dict, form, entries, **page):
    """A signing step's page: what is signed, and the form that signs exactly that."""
    form.content_sha256.data = content_sha256(content)
    step.prepare(form, entries)
    return render_template(
        step.template,
        step=step,
        placement=placement,
        content=content["placement"],
        entries=entries,
        form=form,
        **page,
    )


# Single-use links ------------------------------------------------------------------------


@bp.route("/praksislenke/<token>", methods=["GET", "POST"])
@limiter.limit(_link_limit, methods=["POST"])
def use_link(token: str):
    opened = load_link(token)
    step = steps.LINK_STEPS[opened.link.purpose]
    form = step.form_for(opened.entries)
    if submitted(form) and attempt(form, step.by_link, opened, form):
        about_link = about(opened.placement, step.object_type)
        log_change(opened.placement, "PLACEMENT", link_email=opened.link.email, **about_link)
        flash(str(step.done), "success")
        return redirect(url_for(".link_done"))
    return _render_link(step, opened, form)


def _render_link(step: steps.Step, opened: OpenLink, form):
    if isinstance(getattr(form, "refused", None), LinkInvalid):
        return invalid_link(form.refused)  # spent in the meantime: the link page is gone
    placement = opened.placement
    log_view(placement, "PLACEMENT", link_email=opened.link.email, **about(placement))
    return _render(step, placement, opened.content, form, opened.entries, via_link=True)


@bp.get("/praksislenke-kvittering")
def link_done():
    """Where a used link leads: no personal data, the receipt went by e-mail."""
    return render_template("placements/link/done.html")


# The portal (logged-in partners) ---------------------------------------------------------


def back_to(placement: Placement) -> str:
    return url_for("placements.partner_detail", placement_id=placement.id)


def _portal_step(placement_id: int, name: str):
    placement = load_partner_placement(placement_id)
    step = steps.STEPS[name]
    entries = step.entries(placement)
    form = step.form_for(entries)
    if submitted(form) and attempt(form, step.in_portal, placement, form, entries):
        log_change(placement, "PLACEMENT", **about(placement, step.object_type))
        flash(str(step.done), "success")
        return redirect(back_to(placement))
    content = step.shown(placement, entries)
    log_view(placement, "PLACEMENT", **about(placement))
    closed = steps.closed(name, placement)
    return _render(step, placement, content, form, entries, back=back_to(placement), closed=closed)


@bp.route("/portal/praksis/<int:placement_id>/svar", methods=["GET", "POST"])
def answer_placement(placement_id: int):
    return _portal_step(placement_id, "answer")


@bp.route("/portal/praksis/<int:placement_id>/timer", methods=["GET", "POST"])
def confirm_hours(placement_id: int):
    return _portal_step(placement_id, "hours")


@bp.route("/portal/praksis/<int:placement_id>/sluttvurdering", methods=["GET", "POST"])
def final_evaluation(placement_id: int):
    return _portal_step(placement_id, "evaluation")


@bp.route("/portal/praksis/<int:placement_id>/tvilsmelding", methods=["GET", "POST"])
def raise_concern(placement_id: int):
    return _portal_step(placement_id, "concern")


@bp.route("/portal/praksis/<int:placement_id>/mote", methods=["GET", "POST"])
def record_meeting(placement_id: int):
    placement = load_partner_placement(placement_id)
    return pages.meeting_page(placement, back_to(placement))


@bp.route("/portal/praksis/<int:placement_id>/endring", methods=["GET", "POST"])
def propose_change(placement_id: int):
    placement = load_partner_placement(placement_id)
    form = ProposalForm()
    if submitted(form) and attempt_once(
        form, followup.propose_change, placement, **form.proposal(), by=current_user, today=today()
    ):
        log_change(
            placement,
            "PLACEMENT",
            **about(placement, "placement_proposal", action=AccessAction.CREATE),
        )
        flash(_("Forslaget er sendt til koordinatoren."), "success")
        return sent_on(form, back_to(placement))
    return _render_proposal(placement, form)


def _render_proposal(placement: Placement, form: ProposalForm):
    log_view(placement, "PLACEMENT", **about(placement))
    return render_template(
        "placements/followup/proposal.html",
        placement=placement,
        form=form,
        back=back_to(placement),
        pending=followup.open_proposal(placement),
    )


@bp.post("/portal/praksis/<int:placement_id>/endring/<int:proposal_id>/trekk")
def withdraw_proposal(placement_id: int, proposal_id: int):
    placement = load_partner_placement(placement_id)
    proposal = load_proposal(placement, proposal_id)
    form = WithdrawForm()
    if not form.validate_on_submit():
        abort(400)
    if attempt(form, followup.withdraw_proposal, proposal):
        log_change(placement, "PLACEMENT", **about(placement, "placement_proposal"))
        flash(_("Forslaget er trukket."), "success")
    else:
        flash(str(form.refused), "error")
    return redirect(back_to(placement))
