"""Placements: the coordinator's pages, the trainee's «Min praksis» and the partner's
«Praksisplasser hos oss». Offers and allocation are in mbtrain.offers, follow-up in
mbtrain.followup, what a supervisor signs in mbtrain.partner."""

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from mbtrain.audit.models import AccessAction
from mbtrain.audit.services import log_change, log_view
from mbtrain.cohorts.access import load_cohort
from mbtrain.cohorts.models import Cohort
from mbtrain.errors import StaleEdit
from mbtrain.i18n import today
from mbtrain.idempotency import attempt_once, sent_on
from mbtrain.ids import id_from
from mbtrain.offers import services as offer_services
from mbtrain.offers.access import chosen_offer
from mbtrain.offers.boards import boards
from mbtrain.partner.access import load_partner_placement, partner_organisation, partner_rows
from mbtrain.partner.waiting import waiting_for
from mbtrain.people.access import own_person
from mbtrain.people.models import Person
from mbtrain.placements import forms, rules, services
from mbtrain.placements.access import (
    about,
    about_me,
    load_placement,
    own_placements,
)
from mbtrain.placements.models import Placement, PlacementOffer
from mbtrain.policy import partner_access_days
from mbtrain.web import attempt, submitted


def trainee(placement: Placement) -> str:
    """Whom a placement concerns, for the message that says what was done."""
    return placement.enrolment.person.name


bp = Blueprint("placements", __name__)


# The coordinator's pages -----------------------------------------------------------------


@bp.get("/kurs/<int:cohort_id>/praksis")
def cohort_placements(cohort_id: int):
    cohort = load_cohort(cohort_id, manage=True)
    log_view("cohort_placements", "PLACEMENT", object_id=cohort.id)
    return render_template("placements/cohort.html", cohort=cohort, boards=boards(cohort))


@bp.route("/kurs/<int:cohort_id>/praksis/ny", methods=["GET", "POST"])
def create_placement(cohort_id: int):
    cohort = load_cohort(cohort_id, manage=True)
    form, offer = _new_placement_form(cohort)
    if submitted(form) and (
        made := attempt_once(
            form, services.create_placement, *form.proposal(cohort, offer), by=current_user
        )
    ):
        log_change(made.value, "PLACEMENT", **about(made.value, action=AccessAction.CREATE))
        flash(_("Praksisplassen for %(name)s er foreslått.", name=trainee(made.value)), "success")
        return sent_on(form, url_for(".placement_detail", placement_id=made.value.id))
    return render_template("placements/form.html", form=form, cohort=cohort, offer=offer)


def _new_placement_form(cohort: Cohort) -> tuple[forms.CreatePlacementForm, PlacementOffer | None]:
    """The form and the offer it is made from, if any; a new form is filled in."""
    form = forms.CreatePlacementForm().for_cohort(cohort)
    offer = chosen_offer(cohort, form.offer.data or request.args.get("tilbud"))
    if not form.is_submitted():
        form.prefill(_defaults(cohort, offer))
    return form, offer


def _defaults(cohort: Cohort, offer: PlacementOffer | None) -> dict:
    """A new placement's fields: from the offer it is made from, or else the practice period;
    the trainee and period from the link that led here."""
    defaults = {}
    if enrolment_id := id_from(request.args.get("deltaker")):
        defaults["enrolment"] = enrolment_id
    codes = [m.code for m in services.practice_modules(cohort)]
    if (module_code := request.args.get("modul")) in codes:
        defaults["module_code"] = module_code
    module = services.practice_module(cohort, defaults.get("module_code") or codes[0])
    if offer is None:
        window, _scheduled = services.practice_window(cohort, module.code)
        hours = offer_services.default_weekly_hours(module, *window)
        return defaults | {"start_date": window[0], "end_date": window[1], "weekly_hours": hours}
    defaults |= {
        "offer": str(offer.id),
        "organisation": offer.organisation_id,
        "module_code": offer.module_code,
        "start_date": offer.start_date,
        "end_date": offer.end_date,
        "politiattest_required": offer.politiattest_required,
        "weekly_hours": offer_services.default_weekly_hours(
            module, offer.start_date, offer.end_date
        ),
    }
    if supervisor := offer_services.default_supervisor(offer):
        defaults["supervisor_name"], defaults["supervisor_email"] = supervisor
    return defaults


@bp.get("/praksis/<int:placement_id>")
def placement_detail(placement_id: int):
    return _render_detail(load_placement(placement_id, manage=True))


def _render_detail(
    placement: Placement,
    *,
    status_form: forms.StatusForm | None = None,
    gates_form: forms.GatesForm | None = None,
):
    """The placement page; a form that was sent and refused is shown as it was sent (on a
    stale edit, with the version now saved)."""
    for sent in (status_form, gates_form):
        if isinstance(getattr(sent, "refused", None), StaleEdit):
            sent.version.data = placement.version
    posted = {status_form.target: status_form} if status_form and status_form.target else {}
    status_forms = {}
    for target in rules.COORDINATOR_TARGETS:
        if target in rules.ALLOWED[placement.status]:
            status_forms[target] = posted.get(target) or forms.StatusForm(
                formdata=None, version=placement.version, status=target.value
            )
    log_view(placement, "PLACEMENT", **about(placement))
    return render_template(
        "placements/detail.html",
        placement=placement,
        content=services.placement_content(placement),
        missing=rules.missing_gates(placement),
        status_forms=status_forms,
        gates_form=gates_form or forms.GatesForm(formdata=None, obj=placement),
        editable=placement.status in rules.EDITABLE,
    )


@bp.route("/praksis/<int:placement_id>/endre", methods=["GET", "POST"])
def edit_placement(placement_id: int):
    placement = load_placement(placement_id, manage=True)
    form = _edit_form(placement)
    if submitted(form) and attempt(
        form, services.edit_placement, placement, form.version.data, form.fields(), by=current_user
    ):
        log_change(placement, "PLACEMENT", **about(placement))
        flash(
            _("Endringene i praksisplassen til %(name)s er lagret.", name=trainee(placement)),
            "success",
        )
        return redirect(url_for(".placement_detail", placement_id=placement.id))
    return _render_edit(placement, form)


def _edit_form(placement: Placement) -> forms.EditPlacementForm:
    form = forms.EditPlacementForm(obj=placement if request.method == "GET" else None)
    forms.organisation_choices(form)
    forms.module_choices(form, placement.enrolment.cohort)
    if request.method == "GET":
        form.organisation.data = placement.organisation_id
    return form


def _render_edit(placement: Placement, form: forms.EditPlacementForm):
    if conflict := isinstance(getattr(form, "refused", None), StaleEdit):
        form.version.data = placement.version
    log_view(placement, "PLACEMENT", **about(placement))
    return render_template(
        "placements/form.html",
        form=form,
        cohort=placement.enrolment.cohort,
        placement=placement,
        offer=None,
        conflict=conflict,
    )


@bp.post("/praksis/<int:placement_id>/status")
def change_status(placement_id: int):
    placement = load_placement(placement_id, manage=True)
    form = forms.StatusForm()
    if submitted(form) and attempt(
        form, services.change_status, placement, form.version.data, **form.change(), by=current_user
    ):
        log_change(placement, "PLACEMENT", **about(placement))
        flash(
            _(
                "Praksisplassen til %(name)s har nå status «%(status)s».",
                name=trainee(placement),
                status=form.target.label,
            ),
            "success",
        )
        return redirect(url_for(".placement_detail", placement_id=placement.id))
    return _render_detail(placement, status_form=form)


@bp.post("/praksis/<int:placement_id>/krav")
def record_gates(placement_id: int):
    placement = load_placement(placement_id, manage=True)
    form = forms.GatesForm()
    if submitted(form) and attempt(
        form, services.save_gates, placement, **form.gates(), today=today(), by=current_user
    ):
        log_change(placement, "PLACEMENT", **about(placement))
        flash(
            _("Opplysningene om praksisplassen til %(name)s er lagret.", name=trainee(placement)),
            "success",
        )
        return redirect(url_for(".placement_detail", placement_id=placement.id))
    return _render_detail(placement, gates_form=form)


# The partner's portal --------------------------------------------------------------------


@bp.get("/portal/praksis")
def partner_list():
    organisation = partner_organisation()
    log_view("partner_placements", "PLACEMENT", object_id=organisation.id)
    rows = partner_rows()
    return render_template(
        "placements/partner_list.html",
        organisation=organisation,
        rows=rows,
        waiting=waiting_for([placement for placement, _trainee in rows], today()),
        access_days=partner_access_days(),
    )


@bp.get("/portal/praksis/<int:placement_id>")
def partner_detail(placement_id: int):
    placement = load_partner_placement(placement_id)
    log_view(placement, "PLACEMENT", **about(placement))
    content = services.placement_content(placement)
    return render_template("placements/partner_detail.html", placement=placement, content=content)


# The trainee's own -----------------------------------------------------------------------


@bp.get("/min-praksis")
def my_placements():
    person = own_person()
    if person is not None:
        log_view("own_placements", "OWN_DATA", **about_me(person))
    return _render_mine(person)


def _render_mine(person: Person | None):
    placements = own_placements(person) if person else []
    titles = {p.id: services.module_title(p.enrolment.cohort, p.module_code) for p in placements}
    return render_template(
        "placements/mine.html", person=person, placements=placements, module_titles=titles
    )
