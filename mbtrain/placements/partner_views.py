"""What a supervisor does: through a single-use link (no account), or logged in to the portal.

Both ways show exactly what is being signed and record it the same way (signing.sign); only
the credential differs: the link itself, or the partner's login and partner_can_see.
"""

from collections.abc import Callable
from dataclasses import dataclass

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from mbtrain.accounts.models import TokenPurpose
from mbtrain.accounts.services import LinkInvalid
from mbtrain.audit.models import AccessAction
from mbtrain.audit.services import record_access
from mbtrain.extensions import db, limiter
from mbtrain.forms import choices, show_error
from mbtrain.i18n import today
from mbtrain.idempotency import earlier_result, remember_submission
from mbtrain.placements import followup, signing
from mbtrain.placements.followup_forms import (
    ConcernForm,
    FinalEvaluationForm,
    HoursConfirmForm,
    MeetingForm,
    PlacementAnswerForm,
    ProposalForm,
    SignForm,
)
from mbtrain.placements.models import (
    ChangeProposal,
    HoursEntry,
    MeetingKind,
    Placement,
    PlacementStatus,
    ProposalKind,
)
from mbtrain.placements.services import PlacementError
from mbtrain.placements.signing import Signer
from mbtrain.placements.views import load_partner_placement

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


# Signing steps, shared by links and the portal -------------------------------------------


def _answer(placement, content, form, signer, entries):
    signing.check_may_answer(placement)
    if form.decision.data == "confirm":
        return signing.confirm_placement(placement, content, signer)
    return signing.decline_placement(placement, content, signer, form.reason.data or "")


def _hours(placement, content, form, signer, entries):
    chosen = set(form.weeks.data or [])
    return followup.confirm_hours(
        placement, [e for e in entries if e.week_start.isoformat() in chosen], signer
    )


def _evaluate(placement, content, form, signer, entries):
    passed = form.passed.data == "yes"
    return followup.record_final_evaluation(placement, content, passed, form.text.data, signer)


def _concern(placement, content, form, signer, entries):
    return followup.raise_concern(placement, content, form.text.data, signer)


@dataclass(frozen=True)
class Step:
    form: type[SignForm]
    template: str
    perform: Callable
    object_type: str
    title: str
    done: str
    with_hours: bool = False


STEPS = {
    "answer": Step(
        PlacementAnswerForm,
        "placements/link/placement.html",
        _answer,
        "placement_answer",
        _l("Bekreft praksisplass"),
        _l("Svaret er registrert, og en kvittering er sendt på e-post."),
    ),
    "hours": Step(
        HoursConfirmForm,
        "placements/link/hours.html",
        _hours,
        "placement_hours",
        _l("Bekreft timer"),
        _l("Timene er bekreftet, og en kvittering er sendt på e-post."),
        with_hours=True,
    ),
    "evaluation": Step(
        FinalEvaluationForm,
        "placements/link/evaluation.html",
        _evaluate,
        "placement_evaluation",
        _l("Sluttvurdering"),
        _l("Sluttvurderingen er signert, og en kvittering er sendt på e-post."),
    ),
    "concern": Step(
        ConcernForm,
        "placements/link/concern.html",
        _concern,
        "placement_concern",
        _l("Send tvilsmelding"),
        _l("Tvilsmeldingen er sendt til deltakeren og koordinatoren."),
    ),
}
LINK_STEPS = {
    TokenPurpose.PLACEMENT_CONFIRMATION: "answer",
    TokenPurpose.HOURS_CONFIRMATION: "hours",
    TokenPurpose.FINAL_EVALUATION: "evaluation",
}


def _prepare(step: Step, form: SignForm, entries: list[HoursEntry]) -> None:
    if step.with_hours:
        form.weeks.choices = choices(
            (e.week_start.isoformat(), e.week_start.isoformat()) for e in entries
        )
        if not form.is_submitted():
            form.weeks.data = [e.week_start.isoformat() for e in entries]


def _log(placement: Placement, action: AccessAction, object_type: str, link_email=None) -> None:
    record_access(
        action,
        object_type=object_type,
        object_id=placement.id,
        subject_person_id=placement.enrolment.person_id,
        subject_user_id=placement.enrolment.person.user_id,
        purpose="PLACEMENT",
        link_email=link_email,
    )


def _render(step, placement, content, form, entries, status=200, **context):
    form.content_sha256.data = signing.content_sha256(content)
    _prepare(step, form, entries)
    return render_template(
        step.template,
        step=step,
        placement=placement,
        content=content["placement"],
        entries=entries,
        form=form,
        **context,
    ), status


# Single-use links ------------------------------------------------------------------------


def _refused(error: LinkInvalid):
    status = 404 if isinstance(error, signing.LinkUnknown) else 410
    return render_template("placements/link/invalid.html", message=str(error)), status


@bp.route("/praksislenke/<token>", methods=["GET", "POST"])
@limiter.limit(_link_limit, methods=["POST"])
def use_link(token: str):
    try:
        opened = signing.open_link(token)
    except LinkInvalid as error:
        return _refused(error)
    step = STEPS[LINK_STEPS[opened.link.purpose]]
    email = opened.link.email
    form = step.form()
    _prepare(step, form, opened.entries)
    status = 200
    if form.validate_on_submit():
        signer = Signer.from_request(request, form.typed_name.data, email=email)
        try:
            signing.spend(opened)
            step.perform(opened.placement, opened.content, form, signer, opened.entries)
        except LinkInvalid as error:
            db.session.rollback()
            return _refused(error)
        except PlacementError as error:
            db.session.rollback()
            try:
                opened = signing.open_link(token)
            except LinkInvalid as refused:
                return _refused(refused)
            show_error(form, error)
            status = 400
        else:
            _log(opened.placement, AccessAction.UPDATE, step.object_type, link_email=email)
            db.session.commit()
            flash(str(step.done), "success")
            return redirect(url_for("partner.link_done"))
    elif form.is_submitted():
        status = 400
    _log(opened.placement, AccessAction.VIEW, "placement", link_email=email)
    db.session.commit()
    return _render(
        step, opened.placement, opened.content, form, opened.entries, status, via_link=True
    )


@bp.get("/praksislenke-kvittering")
def link_done():
    """Where a used link leads: no personal data, the receipt went by e-mail."""
    return render_template("placements/link/done.html")


# The portal (logged-in partners) ---------------------------------------------------------


def back_to(placement: Placement) -> str:
    return url_for("placements.partner_detail", placement_id=placement.id)


def _closed(name: str, placement: Placement) -> str | None:
    """Why a portal step is not open for this placement now (None: it is)."""
    status = placement.status
    if name == "answer" and status is not PlacementStatus.PROPOSED:
        return _("Praksisplassen er allerede %(status)s.", status=status.label.lower())
    if name == "evaluation" and (
        status is not PlacementStatus.ACTIVE or signing.has_evaluation(placement)
    ):
        return _("Sluttvurderingen er signert, eller praksisen pågår ikke lenger.")
    if name == "concern" and status not in (PlacementStatus.CONFIRMED, PlacementStatus.ACTIVE):
        return _("Tvilsmelding kan bare sendes mens praksisen pågår.")
    return None


def _portal_step(placement_id: int, name: str):
    placement = load_partner_placement(placement_id)
    step = STEPS[name]
    entries = followup.unconfirmed_hours(placement) if step.with_hours else []
    form = step.form()
    _prepare(step, form, entries)
    status = 200
    if form.validate_on_submit():
        signer = Signer.from_request(request, form.typed_name.data, user=current_user)
        try:
            content = signing.check_unchanged(
                placement, form.content_sha256.data, entries if step.with_hours else None
            )
            step.perform(placement, content, form, signer, entries)
        except PlacementError as error:
            db.session.rollback()
            status = 409 if isinstance(error, signing.ContentChanged) else 400
            placement = load_partner_placement(placement_id)
            entries = followup.unconfirmed_hours(placement) if step.with_hours else []
            show_error(form, error)
        else:
            _log(placement, AccessAction.UPDATE, step.object_type)
            db.session.commit()
            flash(str(step.done), "success")
            return redirect(back_to(placement))
    elif form.is_submitted():
        status = 400
    content = signing.shown_content(placement, entries if step.with_hours else None)
    _log(placement, AccessAction.VIEW, "placement")
    db.session.commit()
    return _render(
        step,
        placement,
        content,
        form,
        entries,
        status,
        back=back_to(placement),
        closed=_closed(name, placement),
    )


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
    return meeting_page(placement, back_to(placement))


def meeting_page(placement: Placement, back: str):
    """Record a follow-up meeting (the partner here; the coordinator uses it too)."""
    form = MeetingForm()
    status = 200
    if form.validate_on_submit():
        if earlier := earlier_result(form.submission_key.data):
            flash(_("Skjemaet var allerede sendt. Møtet er ikke registrert to ganger."), "info")
            return redirect(earlier)
        try:
            followup.record_meeting(
                placement,
                kind=MeetingKind(form.kind.data),
                held_on=form.held_on.data,
                participants=form.participants.data,
                summary=form.summary.data or "",
                by_user=current_user,
                today=today(),
            )
        except PlacementError as error:
            db.session.rollback()
            show_error(form, error)
            status = 400
        else:
            remember_submission(form.submission_key.data, current_user.id, back)
            _log(placement, AccessAction.CREATE, "placement_meeting")
            db.session.commit()
            flash(_("Møtet er registrert."), "success")
            return redirect(back)
    elif form.is_submitted():
        status = 400
    _log(placement, AccessAction.VIEW, "placement")
    db.session.commit()
    return render_template(
        "placements/followup/meeting.html", placement=placement, form=form, back=back
    ), status


@bp.route("/portal/praksis/<int:placement_id>/endring", methods=["GET", "POST"])
def propose_change(placement_id: int):
    placement = load_partner_placement(placement_id)
    form = ProposalForm()
    status = 200
    if form.validate_on_submit():
        if earlier := earlier_result(form.submission_key.data):
            flash(_("Skjemaet var allerede sendt. Forslaget er ikke sendt to ganger."), "info")
            return redirect(earlier)
        try:
            followup.propose_change(
                placement,
                kind=ProposalKind(form.kind.data),
                new_start=form.new_start_date.data,
                new_end=form.new_end_date.data,
                reason=form.reason.data,
                by_user=current_user,
                today=today(),
            )
        except PlacementError as error:
            db.session.rollback()
            placement = load_partner_placement(placement_id)
            show_error(form, error)
            status = 400
        else:
            remember_submission(form.submission_key.data, current_user.id, back_to(placement))
            _log(placement, AccessAction.CREATE, "placement_proposal")
            db.session.commit()
            flash(_("Forslaget er sendt til koordinatoren."), "success")
            return redirect(back_to(placement))
    elif form.is_submitted():
        status = 400
    _log(placement, AccessAction.VIEW, "placement")
    db.session.commit()
    return render_template(
        "placements/followup/proposal.html",
        placement=placement,
        form=form,
        back=back_to(placement),
        pending=followup.open_proposal(placement),
    ), status


@bp.post("/portal/praksis/<int:placement_id>/endring/<int:proposal_id>/trekk")
def withdraw_proposal(placement_id: int, proposal_id: int):
    placement = load_partner_placement(placement_id)
    proposal = db.session.get(ChangeProposal, proposal_id)
    if proposal is None or proposal.placement_id != placement.id:
        abort(404)
    try:
        followup.withdraw_proposal(proposal)
    except PlacementError as error:
        db.session.rollback()
        flash(str(error), "error")
        return redirect(back_to(placement))
    _log(placement, AccessAction.UPDATE, "placement_proposal")
    db.session.commit()
    flash(_("Forslaget er trukket."), "success")
    return redirect(back_to(placement))
