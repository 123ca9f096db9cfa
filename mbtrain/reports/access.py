"""What a report may cover for this user: their counties (everything for the admin), the
county and version chosen in the address (404 for a county outside their own), the format."""

from collections.abc import Callable

from flask import abort, request
from flask_login import current_user
from sqlalchemy import select

from mbtrain.accounts.models import Role, User
from mbtrain.extensions import db
from mbtrain.organisations.models import County
from mbtrain.reports import files
from mbtrain.reports.forms import ReportFilterForm
from mbtrain.reports.queries import Filters
from mbtrain.reports.tables import Report

FORMATS = {"csv": files.csv_file, "xlsx": files.xlsx_file, "pdf": files.pdf_file}


def visible_counties(user: User) -> list[County]:
    if user.role is Role.ADMIN:
        return list(db.session.scalars(select(County).order_by(County.name)))
    return sorted(user.counties, key=lambda county: county.name)


def area_filters(form: ReportFilterForm, counties: list[County]) -> tuple[Filters, str]:
    """The report's scope and its words; a county outside the user's own is not found (404)."""
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


def file_format(fmt: str) -> Callable[[Report], bytes]:
    """The writer of a report file in the format the address asks for; 404 for any other."""
    return FORMATS.get(fmt) or abort(404)
