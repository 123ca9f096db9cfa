from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from mbtrain.audit.services import log_change, log_view
from mbtrain.cohorts import pages, services
from mbtrain.cohorts.access import load_closed_period, load_cohort
from mbtrain.cohorts.forms import (
    CancelCohortForm,
    ClosedPeriodForm,
    CohortFilterForm,
    CreateCohortForm,
    EditCohortForm,
)
from mbtrain.cohorts.models import Cohort
from mbtrain.errors import StaleEdit
from mbtrain.i18n import names, today
from mbtrain.idempotency import attempt_once, sent_on
from mbtrain.policy import may_see_intake
from mbtrain.web import attempt, refuse, submitted

bp = Blueprint("cohorts", __name__, url_prefix="/kurs")


def _overview(cohort: Cohort):
    return redirect(url_for(".cohort_overview", cohort_id=cohort.id))


def _form_page(template: str, form, cohort: Cohort | None):
    """The form again. A stale save answers 409, on the version now saved (the page shows
    it); any other refusal is shown as an ordinary page (200), as it always has been."""
    conflict = isinstance(getattr(form, "refused", None), StaleEdit)
    if conflict:
        form.version.data = cohort.version
    else:
        refuse(200)
    return render_template(template, form=form, cohort=cohort, conflict=conflict)


def _created(form: CreateCohortForm, cohort: Cohort):
    flash(_("Kurset «%(name)s» er opprettet.", name=cohort.name), "success")
    return sent_on(form, url_for(".cohort_overview", cohort_id=cohort.id))


@bp.get("/")
def cohort_list():
    form = CohortFilterForm(request.args).offer_counties(current_user)
    rows = pages.cohort_rows(current_user, **form.filters())
    return render_template(
        "cohorts/list.html", form=form, rows=rows, applicants=may_see_intake(current_user)
    )


@bp.route("/nytt", methods=["GET", "POST"])
def create_cohort():
    form = CreateCohortForm().offer_choices(current_user)
    if form.validate_on_submit() and (
        done := attempt_once(form, services.create_cohort, form.fields())
    ):
        return _created(form, done.value)
    return _form_page("cohorts/form.html", form, None)


@bp.route("/<int:cohort_id>/endre", methods=["GET", "POST"])
def edit_cohort(cohort_id: int):
    cohort = load_cohort(cohort_id, manage=True)
    form = EditCohortForm.of(cohort, current_user)
    if form.validate_on_submit() and attempt(
        form, services.change_cohort, cohort, form.fields(), form.version.data
    ):
        flash(_("Endringene er lagret."), "success")
        return _overview(cohort)
    return _form_page("cohorts/form.html", form, cohort)


@bp.get("/<int:cohort_id>")
def cohort_overview(cohort_id: int):
    cohort = load_cohort(cohort_id)
    facts = pages.overview(cohort, current_user, today())
    log_view(cohort, "COHORT_ADMIN")
    return render_template(
        "cohorts/overview.html", cohort=cohort, closed_form=ClosedPeriodForm(), **facts
    )


@bp.post("/<int:cohort_id>/stengte-perioder")
def add_closed_period(cohort_id: int):
    cohort = load_cohort(cohort_id, manage=True)
    form = ClosedPeriodForm()
    if submitted(form) and attempt(
        form, services.add_closed_period, cohort, *form.period(), form.description.data
    ):
        flash(_("Den stengte perioden er lagt til."), "success")
        return _overview(cohort)
    return render_template("cohorts/closed_period.html", cohort=cohort, form=form), 400


@bp.post("/<int:cohort_id>/stengte-perioder/<int:period_id>/slett")
def remove_closed_period(cohort_id: int, period_id: int):
    cohort, period = load_closed_period(cohort_id, period_id)
    services.remove_closed_period(cohort, period)
    flash(_("Den stengte perioden er fjernet."), "success")
    return _overview(cohort)


@bp.route("/<int:cohort_id>/avlys", methods=["GET", "POST"])
def cancel_cohort(cohort_id: int):
    """The page names everyone whose status the cancellation ends; «Bekreft» cancels, on
    the version of the cohort the page was shown for."""
    cohort = load_cohort(cohort_id, manage=True)
    form = CancelCohortForm(version=cohort.version)
    affected = pages.cancellation(cohort, today())
    if form.validate_on_submit() and (
        done := attempt(
            form, services.confirm_cancellation, cohort, *form.cancellation(), current_user, today()
        )
    ):
        log_change(cohort, "COHORT_ADMIN")
        flash(_cancelled(cohort, done.value, affected["ending"]), "success")
        return _overview(cohort)
    log_view(cohort, "COHORT_ADMIN", object_type="cohort_cancellation")
    conflict = isinstance(getattr(form, "refused", None), StaleEdit)
    if conflict:
        form.version.data = cohort.version
    else:
        refuse(200)
    return render_template(
        "cohorts/cancel.html", form=form, cohort=cohort, conflict=conflict, **affected
    )


def _cancelled(cohort: Cohort, status, ending: dict) -> str:
    """«Kurset «X» er avbrutt. Kari Nordmann og Ola Nordmann har fått status «Avbrutt».»"""
    message = _("Kurset «%(name)s» er %(status)s.", name=cohort.name, status=status.label.lower())
    for target, people in ending.items():
        message += " " + _(
            "%(names)s har fått status «%(status)s».",
            names=names([name for name, _status in people]),
            status=target.label,
        )
    return message
