"""Offers of places, the trainee's wishes and the coordinator's allocation.

The coordinator registers offers for an organisation, or a partner for their own in the
portal; trainees rank the open offers; the coordinator asks for a suggested allocation,
changes what they want and accepts it, which proposes the placements.
"""

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from mbtrain.audit.models import AccessAction
from mbtrain.audit.services import log_change, log_view
from mbtrain.cohorts.access import load_cohort
from mbtrain.cohorts.models import Cohort
from mbtrain.enrolments.models import Enrolment
from mbtrain.errors import StaleEdit
from mbtrain.idempotency import attempt_once, sent_on
from mbtrain.offers import forms, services
from mbtrain.offers.access import (
    current_enrolment,
    load_board,
    load_offer,
    load_partner_offer,
    partner_cohorts,
    partner_offer_list,
)
from mbtrain.offers.boards import Board
from mbtrain.partner.access import partner_organisation
from mbtrain.people.access import own_person
from mbtrain.placements.access import about, about_me
from mbtrain.placements.models import PlacementOffer
from mbtrain.placements.services import placed_counts, practice_modules
from mbtrain.web import attempt, submitted

bp = Blueprint("offers", __name__)


def cohort_page(cohort_id: int, module_code: str) -> str:
    """The cohort's placements, at the practice period's board."""
    return url_for("placements.cohort_placements", cohort_id=cohort_id) + f"#{module_code}"


# The coordinator's allocation --------------------------------------------------------------


@bp.route("/kurs/<int:cohort_id>/praksis/<module_code>/fordeling", methods=["GET", "POST"])
def allocation(cohort_id: int, module_code: str):
    cohort, board = load_board(cohort_id, module_code)
    form = forms.AllocationForm()
    if submitted(form) and (
        made := attempt_once(
            form, services.accept_allocation, cohort, module_code, form.chosen(), by=current_user
        )
    ):
        for placement in made.value:
            log_change(placement, "PLACEMENT", **about(placement, action=AccessAction.CREATE))
        flash(_("%(count)d praksisplasser er foreslått.", count=len(made.value)), "success")
        return sent_on(form, cohort_page(cohort.id, module_code))
    return _render_allocation(cohort, board, form)


def _render_allocation(cohort: Cohort, board: Board, form: forms.AllocationForm):
    """The board's rows; the suggestion when asked for (not over a form that was sent)."""
    asked = request.args.get("forslag") and not form.is_submitted()
    suggested = {s.candidate_id: s for s in services.suggest(board)} if asked else {}
    form.fill(board, suggested)
    preferences = services.preferences_of([row.enrolment.id for row in board.lacking])
    log_view("allocation", "PLACEMENT", object_id=cohort.id)
    return render_template(
        "placements/allocation.html",
        cohort=cohort,
        board=board,
        form=form,
        suggested=suggested,
        preferences=preferences,
        offers_by_id={offer.id: offer for offer, _free in board.offers},
    )


# Offers ----------------------------------------------------------------------------------


@bp.route("/kurs/<int:cohort_id>/praksis/tilbud/nytt", methods=["GET", "POST"])
def create_offer(cohort_id: int):
    cohort = load_cohort(cohort_id, manage=True)
    form = forms.CreateCoordinatorOfferForm().for_cohort(cohort, request.args.get("modul"))
    if submitted(form) and attempt_once(
        form, services.save_offer, None, cohort, form.fields(), by=current_user
    ):
        flash(_("Tilbudet er registrert."), "success")
        return sent_on(form, cohort_page(cohort.id, form.module_code.data))
    return _render_offer_form(form, cohort)


@bp.route("/praksis/tilbud/<int:offer_id>", methods=["GET", "POST"])
def edit_offer(offer_id: int):
    offer = load_offer(offer_id)
    form = forms.EditCoordinatorOfferForm.of(offer)
    if submitted(form) and attempt(
        form, services.save_edited_offer, offer, form.version.data, form.fields(), by=current_user
    ):
        flash(_("Endringene er lagret."), "success")
        return redirect(cohort_page(offer.cohort_id, offer.module_code))
    return _render_offer_form(form, offer.cohort, offer)


def _render_offer_form(form, cohort: Cohort | None, offer: PlacementOffer | None = None, **page):
    """An offer's form; refused as stale, with the version now saved."""
    if conflict := isinstance(getattr(form, "refused", None), StaleEdit):
        form.version.data = offer.version
    return render_template(
        "placements/offer_form.html",
        form=form,
        cohort=cohort,
        offer=offer,
        conflict=conflict,
        **page,
    )


# The partner's offers ---------------------------------------------------------------------


@bp.get("/portal/tilbud")
def partner_offers():
    organisation = partner_organisation()
    offers = partner_offer_list(organisation)
    placed = placed_counts([offer.id for offer in offers])
    return render_template(
        "placements/partner_offers.html", organisation=organisation, offers=offers, placed=placed
    )


@bp.route("/portal/tilbud/nytt", methods=["GET", "POST"])
def partner_create_offer():
    organisation = partner_organisation()
    form = forms.CreatePartnerOfferForm().for_partner(organisation, partner_cohorts(organisation))
    if submitted(form) and attempt_once(
        form, services.offer_in_window, form.chosen_cohort, form.fields(), by=current_user
    ):
        flash(_("Takk! Tilbudet er registrert, og koordinatoren ser det nå."), "success")
        return sent_on(form, url_for(".partner_offers"))
    return _render_offer_form(form, None, organisation=organisation, periods=form.periods())


@bp.route("/portal/tilbud/<int:offer_id>", methods=["GET", "POST"])
def partner_edit_offer(offer_id: int):
    offer = load_partner_offer(offer_id)
    form = forms.EditPartnerOfferForm.of(offer)
    if submitted(form) and attempt(
        form, services.save_edited_offer, offer, form.version.data, form.fields(), by=current_user
    ):
        flash(_("Endringene er lagret."), "success")
        return redirect(url_for(".partner_offers"))
    return _render_offer_form(form, offer.cohort, offer, organisation=offer.organisation)


# The trainee's wishes ---------------------------------------------------------------------


@bp.route("/min-praksis/onsker", methods=["GET", "POST"])
def my_preferences():
    person = own_person()
    enrolment = current_enrolment(person)
    sections = _preference_sections(enrolment)
    form = _sent_section(enrolment, sections)
    if form and submitted(form) and attempt(form, services.set_preferences, *form.ranked()):
        log_change("placement_preferences", "OWN_DATA", **about_me(person))
        flash(_("Ønskene dine er lagret."), "success")
        return redirect(url_for(".my_preferences"))
    return _render_preferences(person, enrolment, sections)


def _preference_sections(enrolment: Enrolment | None) -> list:
    """(module, open offers, form) for each practice period still without a placement; the
    form of the period whose wishes were sent holds what was sent."""
    if enrolment is None:
        return []
    sent = request.form.get("module_code", "") if request.method == "POST" else None
    sections = []
    for module in practice_modules(enrolment.cohort):
        if services.has_placement(enrolment, module.code):
            continue
        offers = services.open_offers(enrolment.cohort, module.code)
        formdata = request.form if sent == module.code else None
        form = forms.preferences_form(enrolment, module.code, offers, formdata)
        sections.append((module, offers, form))
    return sections


def _sent_section(enrolment: Enrolment | None, sections: list) -> forms.PreferencesForm | None:
    """The form sent, on a POST: 404 without a place on a course, 400 for a period not shown."""
    if request.method != "POST":
        return None
    if enrolment is None:
        abort(404)
    sent = request.form.get("module_code", "")
    form = next((form for module, _offers, form in sections if module.code == sent), None)
    if form is None:
        abort(400)
    return form


def _render_preferences(person, enrolment: Enrolment | None, sections: list):
    if enrolment is not None:
        log_view("placement_preferences", "OWN_DATA", **about_me(person))
    return render_template("placements/preferences.html", enrolment=enrolment, sections=sections)
