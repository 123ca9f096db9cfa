"""Placements: the coordinator's pages, the trainee's «Min praksis» and the partner's
«Praksisplasser hos oss» (offers, wishes and allocation are in offer_views).

The loaders answer 404 for anything out of scope; ``load_partner_placement`` applies the
data-minimisation rule (mbtrain.policy.partner_can_see) and is the one way a partner reaches
a placement.
"""

from decimal import Decimal

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import format_decimal
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import joinedload, selectinload

from mbtrain.audit.models import AccessAction
from mbtrain.audit.services import record_access
from mbtrain.cohorts.access import load_cohort
from mbtrain.cohorts.models import Cohort
from mbtrain.concurrency import check_version
from mbtrain.enrolments.models import Enrolment
from mbtrain.enrolments.transitions import HOLDS_PLACE
from mbtrain.errors import StaleEdit
from mbtrain.extensions import db
from mbtrain.forms import choices
from mbtrain.i18n import today
from mbtrain.idempotency import earlier_result, remember_submission
from mbtrain.organisations.models import Organisation
from mbtrain.people.models import Person
from mbtrain.placements import forms, services
from mbtrain.placements import offers as offer_services
from mbtrain.placements.models import (
    Placement,
    PlacementEvent,
    PlacementOffer,
    PlacementStatus,
)
from mbtrain.policy import (
    may_manage_county,
    partner_access_days,
    partner_placements,
    visible_cohorts,
)

bp = Blueprint("placements", __name__)

S = PlacementStatus
# What the coordinator does from the placement page; confirming or declining is the
# supervisor's (portal or single-use link).
COORDINATOR_TARGETS = (S.ACTIVE, S.COMPLETED, S.CANCELLED)


@bp.app_template_filter("hours")
def hours_filter(value: float | Decimal | None) -> str:
    """19 or 19,5: hours as Norwegians write them."""
    return format_decimal(value, "#,##0.#") if value is not None else ""


# Loaders ---------------------------------------------------------------------------------


def load_placement(placement_id: int, *, manage: bool = False) -> Placement:
    """The placement if its cohort is visible to this user (and manageable, if asked); else 404."""
    placement = db.session.scalar(
        select(Placement)
        .join(Enrolment, Enrolment.id == Placement.enrolment_id)
        .join(Cohort, Cohort.id == Enrolment.cohort_id)
        .where(Placement.id == placement_id, visible_cohorts(current_user))
        .options(
            joinedload(Placement.organisation),
            joinedload(Placement.enrolment).joinedload(Enrolment.person),
            joinedload(Placement.enrolment)
            .joinedload(Enrolment.cohort)
            .joinedload(Cohort.curriculum_version),
            selectinload(Placement.events).joinedload(PlacementEvent.by_user),
        )
    )
    if placement is None or (
        manage and not may_manage_county(current_user, placement.enrolment.cohort.county_id)
    ):
        abort(404)
    return placement


def load_partner_placement(placement_id: int) -> Placement:
    """A placement the signed-in partner may see (own organisation, within the access time,
    never a waiting list); 404 otherwise, also for ids that exist elsewhere."""
    placement = db.session.scalar(
        select(Placement)
        .where(Placement.id == placement_id, partner_placements(current_user, today()))
        .options(
            joinedload(Placement.organisation),
            joinedload(Placement.enrolment).joinedload(Enrolment.person),
            joinedload(Placement.enrolment)
            .joinedload(Enrolment.cohort)
            .joinedload(Cohort.curriculum_version),
            selectinload(Placement.events),
        )
    )
    if placement is None or not services.partner_can_see(current_user, placement, today()):
        abort(404)
    return placement


def own_person() -> Person | None:
    return db.session.scalar(select(Person).where(Person.user_id == current_user.id))


# Shared pieces ---------------------------------------------------------------------------


def show_error(form, error: services.PlacementError) -> None:
    errors = getattr(error, "errors", None) or {error.field: str(error)}
    for name, message in errors.items():
        field = getattr(form, name, None) if name else None
        (field.errors if field is not None else form.form_errors).append(message)


def log_placement(placement: Placement, action: AccessAction) -> None:
    person = placement.enrolment.person
    record_access(
        action,
        object_type="placement",
        object_id=placement.id,
        subject_person_id=person.id,
        subject_user_id=person.user_id,
        purpose="PLACEMENT",
    )


def organisation_choices(form) -> None:
    organisations = db.session.scalars(select(Organisation).order_by(Organisation.name))
    form.organisation.choices = choices(
        [(0, _("Velg sted"))] + [(o.id, o.name) for o in organisations]
    )


def module_choices(form, cohort: Cohort) -> None:
    form.module_code.choices = choices(
        (m.code, f"{m.title} ({m.code})") for m in services.practice_modules(cohort)
    )


def _placement_fields(form, offer: PlacementOffer | None = None) -> services.PlacementFields:
    return services.PlacementFields(
        organisation=db.session.get(Organisation, form.organisation.data or 0),
        module_code=form.module_code.data,
        supervisor_name=form.supervisor_name.data,
        supervisor_email=form.supervisor_email.data,
        co_supervisor_name=form.co_supervisor_name.data or "",
        co_supervisor_email=form.co_supervisor_email.data or "",
        start_date=form.start_date.data,
        end_date=form.end_date.data,
        weekly_hours=float(form.weekly_hours.data),
        politiattest_required=form.politiattest_required.data,
        offer=offer,
    )


# The coordinator's pages -----------------------------------------------------------------


@bp.get("/kurs/<int:cohort_id>/praksis")
def cohort_placements(cohort_id: int):
    cohort = load_cohort(cohort_id, manage=True)
    boards = offer_services.boards(cohort)
    record_access(
        AccessAction.VIEW, object_type="cohort_placements", object_id=cohort.id, purpose="PLACEMENT"
    )
    db.session.commit()
    return render_template("placements/cohort.html", cohort=cohort, boards=boards)


@bp.route("/kurs/<int:cohort_id>/praksis/ny", methods=["GET", "POST"])
def create_placement(cohort_id: int):
    cohort = load_cohort(cohort_id, manage=True)
    form = forms.CreatePlacementForm()
    _fill_placement_choices(form, cohort)
    offer = _chosen_offer(cohort, form.offer.data or request.args.get("tilbud"))
    if request.method == "GET":
        _prefill(form, cohort, offer)
    if form.validate_on_submit():
        if earlier := earlier_result(form.submission_key.data):
            flash(
                _("Skjemaet var allerede sendt. Praksisplassen er ikke opprettet to ganger."),
                "info",
            )
            return redirect(earlier)
        enrolment = db.session.get(Enrolment, form.enrolment.data)
        try:
            if enrolment is None or enrolment.cohort_id != cohort.id:
                raise services.PlacementError(_("Velg en deltaker på kurset."), field="enrolment")
            placement = services.create_placement(
                enrolment, _placement_fields(form, offer), by=current_user
            )
        except services.PlacementError as error:
            db.session.rollback()
            show_error(form, error)
        else:
            target = url_for("placements.placement_detail", placement_id=placement.id)
            remember_submission(form.submission_key.data, current_user.id, target)
            log_placement(placement, AccessAction.CREATE)
            db.session.commit()
            flash(_("Praksisplassen er foreslått."), "success")
            return redirect(target)
    return render_template(
        "placements/form.html", form=form, cohort=cohort, placement=None, offer=offer
    ), 400 if form.errors else 200


def _fill_placement_choices(form, cohort: Cohort) -> None:
    organisation_choices(form)
    module_choices(form, cohort)
    enrolments = db.session.execute(
        select(Enrolment.id, Person.name)
        .join(Person, Person.id == Enrolment.person_id)
        .where(Enrolment.cohort_id == cohort.id, Enrolment.status.in_(HOLDS_PLACE))
        .order_by(Person.name)
    )
    form.enrolment.choices = choices([(0, _("Velg deltaker"))] + [tuple(row) for row in enrolments])


def _chosen_offer(cohort: Cohort, raw: str | None) -> PlacementOffer | None:
    offer = db.session.get(PlacementOffer, int(raw)) if raw and str(raw).isdigit() else None
    return offer if offer is not None and offer.cohort_id == cohort.id else None


def _prefill(form, cohort: Cohort, offer: PlacementOffer | None) -> None:
    if (enrolment_id := request.args.get("deltaker", "")).isdigit():
        form.enrolment.data = int(enrolment_id)
    if (module_code := request.args.get("modul")) in {
        m.code for m in services.practice_modules(cohort)
    }:
        form.module_code.data = module_code
    module = services.practice_module(
        cohort, form.module_code.data or form.module_code.choices[0].value
    )
    if offer is None:
        window, _scheduled = services.practice_window(cohort, module.code)
        form.start_date.data, form.end_date.data = window
        form.weekly_hours.data = Decimal(str(offer_services.default_weekly_hours(module, *window)))
        return
    form.offer.data = str(offer.id)
    form.organisation.data = offer.organisation_id
    form.module_code.data = offer.module_code
    form.start_date.data, form.end_date.data = offer.start_date, offer.end_date
    form.politiattest_required.data = offer.politiattest_required
    form.weekly_hours.data = Decimal(
        str(offer_services.default_weekly_hours(module, offer.start_date, offer.end_date))
    )
    if supervisor := offer_services.default_supervisor(offer):
        form.supervisor_name.data, form.supervisor_email.data = supervisor


@bp.get("/praksis/<int:placement_id>")
def placement_detail(placement_id: int):
    return _render_detail(load_placement(placement_id, manage=True))


def _render_detail(placement: Placement, status: int = 200, **forms_):
    forms_.setdefault(
        "gates_form",
        forms.GatesForm(
            version=placement.version,
            confidentiality_signed_on=placement.confidentiality_signed_on,
            politiattest_checked_on=placement.politiattest_checked_on,
        ),
    )
    posted = forms_.get("status_forms", {})
    status_forms = {}
    for target in COORDINATOR_TARGETS:
        if target in services.ALLOWED[placement.status]:
            form = posted.get(target) or forms.StatusForm(version=placement.version)
            form.status.data = target.value
            status_forms[target] = form
    log_placement(placement, AccessAction.VIEW)
    db.session.commit()
    return render_template(
        "placements/detail.html",
        placement=placement,
        content=services.placement_content(placement),
        missing=services.missing_gates(placement),
        status_forms=status_forms,
        gates_form=forms_["gates_form"],
        editable=placement.status in services.EDITABLE,
    ), status


@bp.route("/praksis/<int:placement_id>/endre", methods=["GET", "POST"])
def edit_placement(placement_id: int):
    placement = load_placement(placement_id, manage=True)
    cohort = placement.enrolment.cohort
    form = forms.EditPlacementForm(obj=placement if request.method == "GET" else None)
    organisation_choices(form)
    module_choices(form, cohort)
    if request.method == "GET":
        form.organisation.data = placement.organisation_id
    status = 200
    if form.validate_on_submit():
        try:
            check_version(placement.version, form.version.data)
            services.update_placement(placement, _placement_fields(form), by=current_user)
        except StaleEdit as error:
            db.session.rollback()
            form.form_errors.append(str(error))
            placement = load_placement(placement_id, manage=True)
            form.version.data, status = placement.version, 409
        except services.PlacementError as error:
            db.session.rollback()
            placement = load_placement(placement_id, manage=True)
            show_error(form, error)
            status = 400
        else:
            log_placement(placement, AccessAction.UPDATE)
            db.session.commit()
            flash(_("Endringene er lagret."), "success")
            return redirect(url_for("placements.placement_detail", placement_id=placement.id))
    elif request.method == "POST":
        status = 400
    log_placement(placement, AccessAction.VIEW)
    db.session.commit()
    return render_template(
        "placements/form.html",
        form=form,
        cohort=cohort,
        placement=placement,
        offer=None,
        conflict=status == 409,
    ), status


@bp.post("/praksis/<int:placement_id>/status")
def change_status(placement_id: int):
    placement = load_placement(placement_id, manage=True)
    form = forms.StatusForm()
    try:
        target = S(form.status.data)
    except ValueError:
        abort(400)
    if target not in COORDINATOR_TARGETS:
        abort(400)
    if not form.validate_on_submit():
        return _render_detail(placement, 400, status_forms={target: form})
    try:
        check_version(placement.version, form.version.data)
        services.set_status(placement, target, by_user=current_user, reason=form.reason.data or "")
    except (StaleEdit, services.PlacementError) as error:
        db.session.rollback()
        placement = load_placement(placement_id, manage=True)
        if isinstance(error, StaleEdit):
            flash(str(error), "error")
            form.version.data = placement.version
            return _render_detail(placement, 409)
        show_error(form, error)
        if error.field == "status":
            form.form_errors = [str(error)]
        return _render_detail(placement, 400, status_forms={target: form})
    log_placement(placement, AccessAction.UPDATE)
    db.session.commit()
    flash(_("Status er endret til «%(status)s».", status=target.label), "success")
    return redirect(url_for("placements.placement_detail", placement_id=placement.id))


@bp.post("/praksis/<int:placement_id>/krav")
def record_gates(placement_id: int):
    placement = load_placement(placement_id, manage=True)
    form = forms.GatesForm()
    if not form.validate_on_submit():
        return _render_detail(placement, 400, gates_form=form)
    try:
        check_version(placement.version, form.version.data)
        services.record_gates(
            placement,
            confidentiality_signed_on=form.confidentiality_signed_on.data,
            politiattest_checked_on=form.politiattest_checked_on.data,
            today=today(),
            by=current_user,
        )
    except (StaleEdit, services.PlacementError) as error:
        db.session.rollback()
        placement = load_placement(placement_id, manage=True)
        if isinstance(error, StaleEdit):
            form.form_errors.append(str(error))
            form.version.data = placement.version
            return _render_detail(placement, 409, gates_form=form)
        show_error(form, error)
        return _render_detail(placement, 400, gates_form=form)
    log_placement(placement, AccessAction.UPDATE)
    db.session.commit()
    flash(_("Opplysningene er lagret."), "success")
    return redirect(url_for("placements.placement_detail", placement_id=placement.id))


# The partner's portal --------------------------------------------------------------------


def partner_organisation() -> Organisation:
    if current_user.organisation is None:
        abort(404)
    return current_user.organisation


@bp.get("/portal/praksis")
def partner_list():
    organisation = partner_organisation()
    placements = db.session.scalars(
        select(Placement)
        .where(partner_placements(current_user, today()))
        .options(
            joinedload(Placement.enrolment).joinedload(Enrolment.person),
            joinedload(Placement.enrolment).joinedload(Enrolment.cohort),
        )
        .order_by(Placement.start_date.desc(), Placement.id)
    ).all()
    record_access(
        AccessAction.VIEW,
        object_type="partner_placements",
        object_id=organisation.id,
        purpose="PLACEMENT",
    )
    db.session.commit()
    rows = [(p, services.trainee_shown(p.enrolment.person)) for p in placements]
    return render_template(
        "placements/partner_list.html",
        organisation=organisation,
        rows=rows,
        access_days=partner_access_days(),
    )


@bp.get("/portal/praksis/<int:placement_id>")
def partner_detail(placement_id: int):
    placement = load_partner_placement(placement_id)
    content = services.placement_content(placement)
    log_placement(placement, AccessAction.VIEW)
    db.session.commit()
    return render_template("placements/partner_detail.html", placement=placement, content=content)


# The trainee's own -----------------------------------------------------------------------


@bp.get("/min-praksis")
def my_placements():
    person = own_person()
    placements = services.own_placements(person) if person else []
    if person is not None:
        log_own(person, AccessAction.VIEW, "own_placements")
        db.session.commit()
    titles = {p.id: services.module_title(p.enrolment.cohort, p.module_code) for p in placements}
    return render_template(
        "placements/mine.html", person=person, placements=placements, module_titles=titles
    )


def log_own(person: Person, action: AccessAction, object_type: str) -> None:
    record_access(
        action,
        object_type=object_type,
        object_id=person.id,
        subject_person_id=person.id,
        subject_user_id=current_user.id,
        purpose="OWN_DATA",
    )
