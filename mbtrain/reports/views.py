"""Reports: one cohort's results, and county and national results over the years."""

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from mbtrain import exports
from mbtrain.audit.models import AccessAction
from mbtrain.audit.services import log_view
from mbtrain.cohorts.access import load_cohort
from mbtrain.reports import access, services, snapshot
from mbtrain.reports.forms import ReportFilterForm
from mbtrain.reports.tables import text

bp = Blueprint("reports", __name__)


def _area_report():
    counties = access.visible_counties(current_user)
    form = ReportFilterForm.for_counties(counties)
    filters, scope = access.area_filters(form, counties)
    names = {county.id: county.name for county in counties}
    return form, services.area_report(filters, names, scope)


@bp.get("/rapporter")
def area_report():
    form, report = _area_report()
    return render_template("reports/area.html", form=form, report=report, text=text)


@bp.post("/rapporter/oppdater")
def refresh_figures():
    count = snapshot.refresh()
    flash(_("Tallene er beregnet på nytt (%(count)d tall).", count=count), "success")
    return redirect(url_for("reports.area_report"))


@bp.get("/rapporter/resultater.<fmt>")
def area_export(fmt: str):
    write = access.file_format(fmt)
    _form, report = _area_report()
    name = f"resultater-{exports.slug(report.scope)}.{fmt}"
    return exports.attachment(write(report), name)


def _cohort_report(cohort_id: int, action: AccessAction):
    cohort = load_cohort(cohort_id, manage=True)
    report = services.cohort_report(cohort)
    log_view(cohort, "REPORTING", action=action, object_type="cohort_report")
    return cohort, report


@bp.get("/kurs/<int:cohort_id>/rapport")
def cohort_report(cohort_id: int):
    cohort, report = _cohort_report(cohort_id, AccessAction.VIEW)
    return render_template("reports/cohort.html", cohort=cohort, report=report, text=text)


@bp.get("/kurs/<int:cohort_id>/rapport.<fmt>")
def cohort_export(cohort_id: int, fmt: str):
    write = access.file_format(fmt)
    cohort, report = _cohort_report(cohort_id, AccessAction.EXPORT)
    return exports.attachment(write(report), f"rapport-{exports.slug(cohort.name)}.{fmt}")
