"""Reports: one cohort's results, and county and national results over the years."""

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from mbtrain import exports
from mbtrain.accounts.models import Role, User
from mbtrain.audit.models import AccessAction
from mbtrain.audit.services import record_access
from mbtrain.cohorts.access import load_cohort
from mbtrain.curriculum.models import CurriculumVersion
from mbtrain.extensions import db
from mbtrain.forms import choices
from mbtrain.organisations.models import County
from mbtrain.reports import files, services, snapshot
from mbtrain.reports.forms import ReportFilterForm
from mbtrain.reports.queries import Filters
from mbtrain.reports.tables import text

bp = Blueprint("reports", __name__)
FORMATS = {"csv": files.csv_file, "xlsx": files.xlsx_file, "pdf": files.pdf_file}


def visible_counties(user: User) -> list[County]:
    if user.role is Role.ADMIN:
        return list(db.session.scalars(select(County).order_by(County.name)))
    return sorted(user.counties, key=lambda county: county.name)


def _filter_form(counties: list[County]) -> ReportFilterForm:
    form = ReportFilterForm(formdata=request.args)
    everything = _("Hele landet") if current_user.role is Role.ADMIN else _("Alle mine fylker")
    form.fylke.choices = choices([("", everything), *((str(c.id), c.name) for c in counties)])
    versions = db.session.execute(
        select(CurriculumVersion.id, CurriculumVersion.code, CurriculumVersion.version).order_by(
            CurriculumVersion.code, CurriculumVersion.version
        )
    )
    form.laereplan.choices = choices(
        [("", _("Alle versjoner")), *((str(v.id), f"{v.code} {v.version}") for v in versions)]
    )
    return form


def _filters(form: ReportFilterForm, counties: list[County]) -> tuple[Filters, str]:
    """The report's scope; a county outside the user's own is not found (404)."""
    wanted = request.args.get("fylke", "")
    by_id = {str(county.id): county for county in counties}
    if wanted and wanted not in by_id:
        abort(404)
    valid = form.validate()
    year = form.aar.data if valid else None
    version = request.args.get("laereplan", "")
    county_ids = (int(wanted),) if wanted else tuple(int(i) for i in by_id)
    filters = Filters(
        county_ids=None if current_user.role is Role.ADMIN and not wanted else county_ids,
        year=year,
        curriculum_version_id=int(version) if valid and version.isdigit() else None,
    )
    place = by_id[wanted].name if wanted else form.fylke.choices[0].label
    return filters, f"{place}" + (f" · {year}" if year else "")


def _area_report():
    counties = visible_counties(current_user)
    form = _filter_form(counties)
    filters, scope = _filters(form, counties)
    names = {county.id: county.name for county in counties}
    return form, services.area_report(filters, names, scope)


@bp.get("/rapporter")
def area_report():
    form, report = _area_report()
    return render_template("reports/area.html", form=form, report=report, text=text)


@bp.post("/rapporter/oppdater")
def refresh_figures():
    count = snapshot.refresh()
    db.session.commit()
    flash(_("Tallene er beregnet på nytt (%(count)d tall).", count=count), "success")
    return redirect(url_for("reports.area_report"))


@bp.get("/rapporter/resultater.<fmt>")
def area_export(fmt: str):
    if fmt not in FORMATS:
        abort(404)
    _form, report = _area_report()
    name = f"resultater-{exports.slug(report.scope)}.{fmt}"
    return exports.attachment(FORMATS[fmt](report), name)


def _cohort_report(cohort_id: int, action: AccessAction):
    cohort = load_cohort(cohort_id, manage=True)
    report = services.cohort_report(cohort)
    record_access(action, object_type="cohort_report", object_id=cohort.id, purpose="REPORTING")
    db.session.commit()
    return cohort, report


@bp.get("/kurs/<int:cohort_id>/rapport")
def cohort_report(cohort_id: int):
    cohort, report = _cohort_report(cohort_id, AccessAction.VIEW)
    return render_template("reports/cohort.html", cohort=cohort, report=report, text=text)


@bp.get("/kurs/<int:cohort_id>/rapport.<fmt>")
def cohort_export(cohort_id: int, fmt: str):
    if fmt not in FORMATS:
        abort(404)
    cohort, report = _cohort_report(cohort_id, AccessAction.EXPORT)
    return exports.attachment(FORMATS[fmt](report), f"rapport-{exports.slug(cohort.name)}.{fmt}")
