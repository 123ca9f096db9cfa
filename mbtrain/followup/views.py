"""Follow-up done by the coordinator (links to the supervisor, meetings, deciding proposals)
and by the trainee (logging hours on «Min praksis»)."""

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from mbtrain.accounts.models import TokenPurpose
from mbtrain.audit.services import log_change, log_view
from mbtrain.errors import StaleEdit
from mbtrain.extensions import limiter
from mbtrain.followup import overview, pages, services
from mbtrain.followup.access import link_purpose, load_proposal
from mbtrain.followup.forms import HoursForm, ProposalDecisionForm, SendLinkForm
from mbtrain.i18n import today
from mbtrain.placements.access import about, load_own_placement, load_placement
from mbtrain.placements.models import ChangeProposal, Placement
from mbtrain.web import attempt, submitted

bp = Blueprint("followup", __name__)


def placement_page(placement: Placement) -> str:
    return url_for("placements.placement_detail", placement_id=placement.id)


# The coordinator -------------------------------------------------------------------------


@bp.post("/praksis/<int:placement_id>/lenke/<kind>")
def send_link(placement_id: int, kind: str):
    placement = load_placement(placement_id, manage=True)
    sent = _("Lenken til %(email)s er lagt i kø for sending.", email=placement.supervisor_email)
    pages.send_link(placement, link_purpose(kind), "PLACEMENT", sent)
    return redirect(placement_page(placement))


@bp.route("/praksis/<int:placement_id>/mote", methods=["GET", "POST"])
def record_meeting(placement_id: int):
    placement = load_placement(placement_id, manage=True)
    return pages.meeting_page(placement, placement_page(placement))


@bp.route("/praksis/<int:placement_id>/endring/<int:proposal_id>", methods=["GET", "POST"])
def decide_proposal(placement_id: int, proposal_id: int):
    placement = load_placement(placement_id, manage=True)
    proposal = load_proposal(placement, proposal_id)
    form = ProposalDecisionForm(version=proposal.version)
    if submitted(form) and attempt(
        form, services.decide_proposal, proposal, **form.outcome(), by=current_user
    ):
        log_change(placement, "PLACEMENT", **about(placement, "placement_proposal"))
        flash(
            _(
                "Avgjørelsen om forslaget for %(name)s er lagret.",
                name=placement.enrolment.person.name,
            ),
            "success",
        )
        return redirect(placement_page(placement))
    return _render_decision(placement, proposal, form)


def _render_decision(placement: Placement, proposal: ChangeProposal, form: ProposalDecisionForm):
    if getattr(form, "refused", None) is not None:
        form.version.data = proposal.version  # as saved now, stale or not
    log_view(placement, "PLACEMENT", **about(placement))
    return render_template(
        "placements/followup/decide.html",
        placement=placement,
        proposal=proposal,
        form=form,
        back=placement_page(placement),
    )


# The trainee -----------------------------------------------------------------------------


@bp.route("/min-praksis/<int:placement_id>/timer", methods=["GET", "POST"])
def log_hours(placement_id: int):
    placement = load_own_placement(placement_id)
    page = overview.HoursPage.of(placement, _asked_week(), today())
    form = HoursForm.for_week(page.week, page.entry)
    if submitted(form) and attempt(
        form, services.log_hours, placement, **form.logged(), by=current_user, today=today()
    ):
        log_change(placement, "OWN_DATA", **about(placement, "placement_hours"))
        flash(_("Timene er lagret."), "success")
        return redirect(url_for(".log_hours", placement_id=placement.id, uke=page.week))
    return _render_hours(page, form)


def _asked_week() -> str | None:
    """The week asked for: in the link, or the week of the hours sent."""
    return request.args.get("uke") or request.form.get("week_start")


def _render_hours(page: overview.HoursPage, form: HoursForm):
    refused = getattr(form, "refused", None)
    if refused is not None:
        page.reload()
    if conflict := isinstance(refused, StaleEdit):
        form.version.data = page.entry.version if page.entry else 0
    log_view(page.placement, "OWN_DATA", **about(page.placement, "placement_hours"))
    return render_template(
        "placements/followup/hours.html",
        placement=page.placement,
        state=page.state,
        weeks=page.weeks,
        week=page.week,
        entry=page.entry,
        form=form,
        send_form=SendLinkForm(),
        conflict=conflict,
    )


def _per_trainee() -> str:
    return f"hours-link:{current_user.id}"


@bp.post("/min-praksis/<int:placement_id>/timer/send")
@limiter.limit("6 per hour", key_func=_per_trainee)
def ask_for_confirmation(placement_id: int):
    """The trainee asks the supervisor to confirm the weeks not yet confirmed (by e-mail)."""
    placement = load_own_placement(placement_id)
    sent = _("Veilederen har fått en e-post med lenke for å bekrefte timene.")
    pages.send_link(placement, TokenPurpose.HOURS_CONFIRMATION, "OWN_DATA", sent)
    return redirect(url_for(".log_hours", placement_id=placement.id))
