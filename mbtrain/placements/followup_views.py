"""Follow-up done by the coordinator (links to the supervisor, meetings, deciding proposals)
and by the trainee (logging hours on «Min praksis»)."""

from datetime import date, timedelta

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from mbtrain.accounts.models import TokenPurpose
from mbtrain.audit.models import AccessAction
from mbtrain.audit.services import record_access
from mbtrain.concurrency import check_version
from mbtrain.enrolments.models import Enrolment
from mbtrain.errors import StaleEdit
from mbtrain.extensions import db, limiter
from mbtrain.forms import show_error
from mbtrain.i18n import today
from mbtrain.people.models import Person
from mbtrain.placements import followup, signing
from mbtrain.placements.followup_forms import HoursForm, ProposalDecisionForm, SendLinkForm
from mbtrain.placements.models import ChangeProposal, Placement
from mbtrain.placements.partner_views import meeting_page
from mbtrain.placements.services import PlacementError
from mbtrain.placements.views import load_placement

bp = Blueprint("followup", __name__)

LINKS = {
    "bekreftelse": TokenPurpose.PLACEMENT_CONFIRMATION,
    "timer": TokenPurpose.HOURS_CONFIRMATION,
    "sluttvurdering": TokenPurpose.FINAL_EVALUATION,
}


def load_managed_placement(placement_id: int) -> Placement:
    """A placement in a cohort this coordinator (or the admin) manages; otherwise 404."""
    return load_placement(placement_id, manage=True)


def load_own_placement(placement_id: int) -> Placement:
    """One of the logged-in trainee's own placements; otherwise 404."""
    placement = db.session.scalar(
        select(Placement)
        .join(Enrolment, Enrolment.id == Placement.enrolment_id)
        .join(Person, Person.id == Enrolment.person_id)
        .where(Placement.id == placement_id, Person.user_id == current_user.id)
        .options(
            joinedload(Placement.organisation),
            joinedload(Placement.enrolment).joinedload(Enrolment.person),
        )
    )
    if placement is None:
        abort(404)
    return placement


def placement_page(placement: Placement) -> str:
    return url_for("placements.placement_detail", placement_id=placement.id)


def _log(placement: Placement, action: AccessAction, object_type: str, purpose="PLACEMENT"):
    record_access(
        action,
        object_type=object_type,
        object_id=placement.id,
        subject_person_id=placement.enrolment.person_id,
        subject_user_id=placement.enrolment.person.user_id,
        purpose=purpose,
    )


# The coordinator -------------------------------------------------------------------------


@bp.post("/praksis/<int:placement_id>/lenke/<kind>")
def send_link(placement_id: int, kind: str):
    placement = load_managed_placement(placement_id)
    purpose = LINKS.get(kind) or abort(404)
    if not SendLinkForm().validate_on_submit():
        abort(400)
    entries = followup.unconfirmed_hours(placement)
    try:
        signing.send_placement_link(placement, purpose, entries)
    except PlacementError as error:
        db.session.rollback()
        flash(str(error), "error")
        return redirect(placement_page(placement))
    _log(placement, AccessAction.EXPORT, "placement_link")
    db.session.commit()
    flash(_("Lenken er sendt til %(email)s.", email=placement.supervisor_email), "success")
    return redirect(placement_page(placement))


@bp.route("/praksis/<int:placement_id>/mote", methods=["GET", "POST"])
def record_meeting(placement_id: int):
    placement = load_managed_placement(placement_id)
    return meeting_page(placement, placement_page(placement))


@bp.route("/praksis/<int:placement_id>/endring/<int:proposal_id>", methods=["GET", "POST"])
def decide_proposal(placement_id: int, proposal_id: int):
    placement = load_managed_placement(placement_id)
    proposal = db.session.get(ChangeProposal, proposal_id)
    if proposal is None or proposal.placement_id != placement.id:
        abort(404)
    form = ProposalDecisionForm(version=proposal.version)
    status = 200
    if form.validate_on_submit():
        try:
            check_version(proposal.version, form.version.data)
            followup.decide_proposal(
                proposal,
                approve=form.decision.data == "approve",
                reason=form.reason.data or "",
                by_user=current_user,
            )
        except (StaleEdit, PlacementError) as error:
            db.session.rollback()
            placement = load_managed_placement(placement_id)
            proposal = db.session.get(ChangeProposal, proposal_id)
            show_error(form, error)
            status = 409 if isinstance(error, StaleEdit) else 400
            form.version.data = proposal.version
        else:
            _log(placement, AccessAction.UPDATE, "placement_proposal")
            db.session.commit()
            flash(_("Avgjørelsen er lagret."), "success")
            return redirect(placement_page(placement))
    elif form.is_submitted():
        status = 400
    _log(placement, AccessAction.VIEW, "placement")
    db.session.commit()
    return render_template(
        "placements/followup/decide.html",
        placement=placement,
        proposal=proposal,
        form=form,
        back=placement_page(placement),
    ), status


# The trainee -----------------------------------------------------------------------------


def _chosen_week(placement: Placement, weeks: list[date]) -> date | None:
    try:
        asked = date.fromisoformat(request.args.get("uke") or request.form.get("week_start", ""))
    except ValueError:
        asked = None
    if asked in weeks:
        return asked
    current = followup.monday_of(today())
    return current if current in weeks else (weeks[-1] if weeks else None)


@bp.route("/min-praksis/<int:placement_id>/timer", methods=["GET", "POST"])
def log_hours(placement_id: int):
    placement = load_own_placement(placement_id)
    weeks = followup.placement_weeks(placement.start_date, placement.end_date, today())
    state = followup.followup_of(placement)
    week = _chosen_week(placement, weeks)
    entry = state.entry_for(week) if week else None
    form = HoursForm(
        version=entry.version if entry else 0, week_start=week, hours=entry and entry.hours
    )
    status = 200
    if form.validate_on_submit():
        try:
            followup.log_hours(
                placement,
                date.fromisoformat(form.week_start.data),
                form.hours.data,
                version=form.version.data,
                by_user=current_user,
                today=today(),
            )
        except (StaleEdit, PlacementError, ValueError) as error:
            db.session.rollback()
            placement = load_own_placement(placement_id)
            state = followup.followup_of(placement)
            entry = state.entry_for(week) if week else None
            show_error(form, error)
            if isinstance(error, StaleEdit):
                form.version.data, status = (entry.version if entry else 0), 409
            else:
                status = 400
        else:
            _log(placement, AccessAction.UPDATE, "placement_hours", purpose="OWN_DATA")
            db.session.commit()
            flash(_("Timene er lagret."), "success")
            return redirect(url_for("followup.log_hours", placement_id=placement.id, uke=week))
    elif form.is_submitted():
        status = 400
    _log(placement, AccessAction.VIEW, "placement_hours", purpose="OWN_DATA")
    db.session.commit()
    return render_template(
        "placements/followup/hours.html",
        placement=placement,
        state=state,
        weeks=weeks,
        week=week,
        entry=entry,
        form=form,
        send_form=SendLinkForm(),
        conflict=status == 409,
    ), status


def _per_trainee() -> str:
    return f"hours-link:{current_user.id}"


@bp.post("/min-praksis/<int:placement_id>/timer/send")
@limiter.limit("6 per hour", key_func=_per_trainee)
def ask_for_confirmation(placement_id: int):
    """The trainee asks the supervisor to confirm the weeks not yet confirmed (by e-mail)."""
    placement = load_own_placement(placement_id)
    if not SendLinkForm().validate_on_submit():
        abort(400)
    try:
        signing.send_placement_link(
            placement, TokenPurpose.HOURS_CONFIRMATION, followup.unconfirmed_hours(placement)
        )
    except PlacementError as error:
        db.session.rollback()
        flash(str(error), "error")
    else:
        _log(placement, AccessAction.EXPORT, "placement_link", purpose="OWN_DATA")
        db.session.commit()
        flash(_("Veilederen har fått en e-post med lenke for å bekrefte timene."), "success")
    return redirect(url_for("followup.log_hours", placement_id=placement.id))


# For the templates -----------------------------------------------------------------------


@bp.app_template_global()
def placement_followup(placement: Placement) -> followup.FollowUp:
    """The follow-up of a placement, for the partials included in other areas' pages."""
    return followup.followup_of(placement)


@bp.app_template_filter("fromiso")
def from_iso(value: str) -> date:
    return date.fromisoformat(value)


@bp.app_template_filter("week_end")
def week_end(week_start: date) -> date:
    return week_start + timedelta(days=6)
