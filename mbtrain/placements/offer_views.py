"""Offers of places, the trainee's wishes and the coordinator's allocation.

The coordinator registers offers for an organisation, or a partner for their own in the
portal; trainees rank the open offers; the coordinator asks for a suggested allocation,
changes what they want and accepts it, which proposes the placements.
"""

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import joinedload
from wtforms import SelectField

from mbtrain.audit.models import AccessAction
from mbtrain.audit.services import record_access
from mbtrain.cohorts.access import load_cohort
from mbtrain.cohorts.models import Cohort, CohortStatus
from mbtrain.concurrency import check_version
from mbtrain.enrolments.models import Enrolment
from mbtrain.enrolments.transitions import HOLDS_PLACE
from mbtrain.errors import StaleEdit
from mbtrain.extensions import db
from mbtrain.forms import choices
from mbtrain.idempotency import earlier_result, remember_submission
from mbtrain.organisations.models import Organisation
from mbtrain.people.models import Person
from mbtrain.placements import forms, services
from mbtrain.placements import offers as offer_services
from mbtrain.placements.models import PlacementOffer
from mbtrain.placements.views import (
    log_own,
    log_placement,
    module_choices,
    organisation_choices,
    own_person,
    partner_organisation,
    show_error,
)
from mbtrain.policy import may_manage_county, visible_cohorts

bp = Blueprint("offers", __name__)

CURRENT_COHORTS = (CohortStatus.PLANLAGT, CohortStatus.GJENNOMFORES)


# Loaders -----------------------------------------------------------------------------------


def load_offer(offer_id: int) -> PlacementOffer:
    offer = db.session.scalar(
        select(PlacementOffer)
        .join(Cohort, Cohort.id == PlacementOffer.cohort_id)
        .where(PlacementOffer.id == offer_id, visible_cohorts(current_user))
        .options(joinedload(PlacementOffer.cohort), joinedload(PlacementOffer.organisation))
    )
    if offer is None or not may_manage_county(current_user, offer.cohort.county_id):
        abort(404)
    return offer


def load_partner_offer(offer_id: int) -> PlacementOffer:
    offer = db.session.scalar(
        select(PlacementOffer)
        .where(
            PlacementOffer.id == offer_id,
            PlacementOffer.organisation_id == current_user.organisation_id,
        )
        .options(joinedload(PlacementOffer.cohort), joinedload(PlacementOffer.organisation))
    )
    if offer is None or current_user.organisation_id is None:
        abort(404)
    return offer


# The coordinator's allocation --------------------------------------------------------------


@bp.route("/kurs/<int:cohort_id>/praksis/<module_code>/fordeling", methods=["GET", "POST"])
def allocation(cohort_id: int, module_code: str):
    cohort = load_cohort(cohort_id, manage=True)
    try:
        board = offer_services.board(cohort, module_code)
    except services.PlacementError:
        abort(404)
    form = forms.AllocationForm()
    if not form.validate_on_submit():
        status = 400 if request.method == "POST" else 200
        suggested = offer_services.suggest(board) if request.args.get("forslag") else []
        return _render_allocation(cohort, board, form, status, suggested)
    if earlier := earlier_result(form.submission_key.data):
        flash(_("Skjemaet var allerede sendt. Ingen plass er foreslått to ganger."), "info")
        return redirect(earlier)
    chosen = {int(row.enrolment.data): row.offer.data or None for row in form.rows}
    try:
        created = offer_services.accept_allocation(cohort, module_code, chosen, by=current_user)
    except services.PlacementError as error:
        db.session.rollback()
        cohort = load_cohort(cohort_id, manage=True)
        board = offer_services.board(cohort, module_code)
        return _render_allocation(cohort, board, form, 400, error=error)
    target = url_for("placements.cohort_placements", cohort_id=cohort.id)
    remember_submission(form.submission_key.data, current_user.id, target)
    for placement in created:
        log_placement(placement, AccessAction.CREATE)
    db.session.commit()
    flash(_("%(count)d praksisplasser er foreslått.", count=len(created)), "success")
    return redirect(target + f"#{module_code}")


def _render_allocation(cohort, board, form, status, suggested=(), error=None):
    suggested = {s.candidate_id: s for s in suggested}
    _fill_allocation(form, board, suggested)
    if error is not None:
        _row_error(form, error)
    preferences = offer_services.preferences_of([row.enrolment.id for row in board.lacking])
    record_access(
        AccessAction.VIEW, object_type="allocation", object_id=cohort.id, purpose="PLACEMENT"
    )
    db.session.commit()
    return render_template(
        "placements/allocation.html",
        cohort=cohort,
        board=board,
        form=form,
        suggested=suggested,
        preferences=preferences,
        offers_by_id={offer.id: offer for offer, _free in board.offers},
    ), status


def _fill_allocation(form, board, suggested) -> None:
    """One row per trainee lacking a place; a posted form keeps what was chosen."""
    offer_choices = choices(
        [(0, _("Ingen nå"))]
        + [
            (offer.id, _("%(name)s (%(free)d ledige)", name=offer.organisation.name, free=free))
            for offer, free in board.offers
            if offer.open
        ]
    )
    posted = {row.enrolment.data: row.offer.data for row in form.rows}
    while len(form.rows):
        form.rows.pop_entry()
    for row in board.lacking:
        entry = form.rows.append_entry()
        entry.enrolment.data = str(row.enrolment.id)
        entry.offer.choices = offer_choices
        suggestion = suggested.get(row.enrolment.id)
        entry.offer.data = posted.get(str(row.enrolment.id)) or (
            suggestion.offer_id if suggestion and suggestion.offer_id else 0
        )
        entry.offer.label.text = _("Praksisplass for %(name)s", name=row.enrolment.person.name)


def _row_error(form, error: services.PlacementError) -> None:
    for row in form.rows:
        if error.field == f"offer-{row.enrolment.data}":
            row.offer.errors = [str(error)]
            return
    form.form_errors.append(str(error))


# Offers ----------------------------------------------------------------------------------


def _offer_fields(form, organisation: Organisation | None) -> offer_services.OfferFields:
    return offer_services.OfferFields(
        organisation=organisation,
        module_code=form.module_code.data,
        start_date=form.start_date.data,
        end_date=form.end_date.data,
        places=form.places.data,
        field_of_work=form.field_of_work.data or "",
        requirements=form.requirements.data or "",
        politiattest_required=form.politiattest_required.data,
        open=form.open.data,
    )


@bp.route("/kurs/<int:cohort_id>/praksis/tilbud/nytt", methods=["GET", "POST"])
def create_offer(cohort_id: int):
    cohort = load_cohort(cohort_id, manage=True)
    form = forms.CreateCoordinatorOfferForm()
    organisation_choices(form)
    module_choices(form, cohort)
    if request.method == "GET":
        _prefill_offer_dates(form, cohort, request.args.get("modul"))
    if form.validate_on_submit():
        if earlier := earlier_result(form.submission_key.data):
            flash(_("Skjemaet var allerede sendt. Tilbudet er ikke registrert to ganger."), "info")
            return redirect(earlier)
        organisation = db.session.get(Organisation, form.organisation.data or 0)
        try:
            offer = offer_services.save_offer(
                None, cohort, _offer_fields(form, organisation), by=current_user
            )
        except services.PlacementError as error:
            db.session.rollback()
            show_error(form, error)
        else:
            target = (
                url_for("placements.cohort_placements", cohort_id=cohort.id)
                + f"#{offer.module_code}"
            )
            remember_submission(form.submission_key.data, current_user.id, target)
            db.session.commit()
            flash(_("Tilbudet er registrert."), "success")
            return redirect(target)
    return render_template(
        "placements/offer_form.html", form=form, cohort=cohort, offer=None
    ), 400 if form.errors else 200


def _prefill_offer_dates(form, cohort: Cohort, module_code: str | None) -> None:
    codes = [m.code for m in services.practice_modules(cohort)]
    if module_code in codes:
        form.module_code.data = module_code
    (form.start_date.data, form.end_date.data), _scheduled = services.practice_window(
        cohort, form.module_code.data or codes[0]
    )


@bp.route("/praksis/tilbud/<int:offer_id>", methods=["GET", "POST"])
def edit_offer(offer_id: int):
    offer = load_offer(offer_id)
    form = forms.EditCoordinatorOfferForm(obj=offer if request.method == "GET" else None)
    organisation_choices(form)
    module_choices(form, offer.cohort)
    if request.method == "GET":
        form.organisation.data = offer.organisation_id
    status = 200
    if form.validate_on_submit():
        organisation = db.session.get(Organisation, form.organisation.data or 0)
        status = _save_offer(form, offer, offer.cohort, organisation)
        if status is None:
            return redirect(
                url_for("placements.cohort_placements", cohort_id=offer.cohort_id)
                + f"#{offer.module_code}"
            )
        offer = load_offer(offer_id)
    elif request.method == "POST":
        status = 400
    return render_template(
        "placements/offer_form.html",
        form=form,
        cohort=offer.cohort,
        offer=offer,
        conflict=status == 409,
    ), status


def _save_offer(form, offer: PlacementOffer, cohort: Cohort, organisation) -> int | None:
    """Save an edited offer: None when saved, else the status to answer with."""
    try:
        check_version(offer.version, form.version.data)
        offer_services.save_offer(offer, cohort, _offer_fields(form, organisation), by=current_user)
    except StaleEdit as error:
        db.session.rollback()
        form.form_errors.append(str(error))
        form.version.data = db.session.get(PlacementOffer, offer.id).version
        return 409
    except services.PlacementError as error:
        db.session.rollback()
        show_error(form, error)
        return 400
    db.session.commit()
    flash(_("Endringene er lagret."), "success")
    return None


# The partner's offers ---------------------------------------------------------------------


@bp.get("/portal/tilbud")
def partner_offers():
    organisation = partner_organisation()
    offers = db.session.scalars(
        select(PlacementOffer)
        .where(PlacementOffer.organisation_id == organisation.id)
        .options(joinedload(PlacementOffer.cohort))
        .order_by(PlacementOffer.start_date.desc(), PlacementOffer.id)
    ).all()
    placed = services.placed_counts([offer.id for offer in offers])
    return render_template(
        "placements/partner_offers.html", organisation=organisation, offers=offers, placed=placed
    )


def _partner_cohorts(organisation: Organisation) -> list[Cohort]:
    """Cohorts a partner can offer places to: planned or running, in the organisation's county."""
    query = select(Cohort).where(Cohort.status.in_(CURRENT_COHORTS)).order_by(Cohort.start_date)
    if organisation.county_id is not None:
        query = query.where(Cohort.county_id == organisation.county_id)
    return list(db.session.scalars(query.options(joinedload(Cohort.curriculum_version))))


@bp.route("/portal/tilbud/nytt", methods=["GET", "POST"])
def partner_create_offer():
    organisation = partner_organisation()
    cohorts = {cohort.id: cohort for cohort in _partner_cohorts(organisation)}
    form = forms.CreatePartnerOfferForm()
    form.cohort.choices = choices(
        (c.id, f"{c.name} ({c.start_date:%d.%m.%Y}–{c.end_date:%d.%m.%Y})")
        for c in cohorts.values()
    )
    modules = {m.code: m for c in cohorts.values() for m in services.practice_modules(c)}
    form.module_code.choices = choices((m.code, f"{m.title} ({m.code})") for m in modules.values())
    if form.validate_on_submit():
        if earlier := earlier_result(form.submission_key.data):
            flash(_("Skjemaet var allerede sendt. Tilbudet er ikke registrert to ganger."), "info")
            return redirect(earlier)
        cohort = cohorts[form.cohort.data]
        fields = _offer_fields(form, organisation)
        # Dates left out: the whole practice period.
        window, _scheduled = services.practice_window(cohort, fields.module_code)
        fields.start_date = fields.start_date or window[0]
        fields.end_date = fields.end_date or window[1]
        try:
            offer_services.save_offer(None, cohort, fields, by=current_user)
        except services.PlacementError as error:
            db.session.rollback()
            show_error(form, error)
        else:
            target = url_for("offers.partner_offers")
            remember_submission(form.submission_key.data, current_user.id, target)
            db.session.commit()
            flash(_("Takk! Tilbudet er registrert, og koordinatoren ser det nå."), "success")
            return redirect(target)
    periods = [(c, services.practice_windows(c)) for c in cohorts.values()]
    return render_template(
        "placements/offer_form.html",
        form=form,
        cohort=None,
        offer=None,
        organisation=organisation,
        periods=periods,
    ), 400 if form.errors else 200


@bp.route("/portal/tilbud/<int:offer_id>", methods=["GET", "POST"])
def partner_edit_offer(offer_id: int):
    offer = load_partner_offer(offer_id)
    form = forms.EditPartnerOfferForm(obj=offer if request.method == "GET" else None)
    module_choices(form, offer.cohort)
    status = 200
    if form.validate_on_submit():
        status = _save_offer(form, offer, offer.cohort, offer.organisation)
        if status is None:
            return redirect(url_for("offers.partner_offers"))
        offer = load_partner_offer(offer_id)
    elif request.method == "POST":
        status = 400
    return render_template(
        "placements/offer_form.html",
        form=form,
        cohort=offer.cohort,
        offer=offer,
        organisation=offer.organisation,
        conflict=status == 409,
    ), status


# The trainee's wishes ---------------------------------------------------------------------


def _current_enrolment(person: Person | None) -> Enrolment | None:
    if person is None:
        return None
    return db.session.scalar(
        select(Enrolment)
        .where(Enrolment.person_id == person.id, Enrolment.status.in_(HOLDS_PLACE))
        .options(joinedload(Enrolment.cohort).joinedload(Cohort.curriculum_version))
        .order_by(Enrolment.applied_on.desc(), Enrolment.id.desc())
    )


def preferences_form(enrolment: Enrolment, module_code: str, offers, formdata=None):
    """The ranking form for one practice period: a select per open offer."""

    class Form(forms.PreferencesForm):
        pass

    ranks = offer_services.preference_ranks(enrolment)
    for offer in offers:
        setattr(
            Form,
            f"offer-{offer.id}",
            SelectField(
                _("Ønske for %(name)s", name=offer.organisation.name),
                coerce=int,
                choices=forms.rank_choices(len(offers)),
                default=ranks.get(offer.id, 0),
            ),
        )
    return Form(formdata=formdata, module_code=module_code)


def _preference_sections(enrolment: Enrolment, posted: str | None) -> list:
    """(module, open offers, form) for each practice period still without a placement."""
    sections = []
    for module in services.practice_modules(enrolment.cohort):
        if offer_services.has_placement(enrolment, module.code):
            continue
        offers = offer_services.open_offers(enrolment.cohort, module.code)
        formdata = request.form if posted == module.code else None
        sections.append(
            (module, offers, preferences_form(enrolment, module.code, offers, formdata))
        )
    return sections


@bp.route("/min-praksis/onsker", methods=["GET", "POST"])
def my_preferences():
    person = own_person()
    enrolment = _current_enrolment(person)
    if enrolment is None:
        if request.method == "POST":
            abort(404)
        return render_template("placements/preferences.html", enrolment=None, sections=[])
    posted = request.form.get("module_code", "") if request.method == "POST" else None
    sections = _preference_sections(enrolment, posted)
    status = 200
    if posted is not None:
        section = next((s for s in sections if s[0].code == posted), None)
        if section is None:
            abort(400)
        _module, offers, form = section
        if form.validate_on_submit():
            ranks = {offer.id: form[f"offer-{offer.id}"].data or None for offer in offers}
            try:
                offer_services.set_preferences(enrolment, posted, ranks)
            except services.PlacementError as error:
                db.session.rollback()
                show_error(form, error)
            else:
                log_own(person, AccessAction.UPDATE, "placement_preferences")
                db.session.commit()
                flash(_("Ønskene dine er lagret."), "success")
                return redirect(url_for("offers.my_preferences"))
        status = 400
    log_own(person, AccessAction.VIEW, "placement_preferences")
    db.session.commit()
    return render_template(
        "placements/preferences.html", enrolment=enrolment, sections=sections
    ), status
