"""The cohort report and the county/national report, built from the SQL figures."""

from flask_babel import gettext as _

from mbtrain.cohorts.models import Cohort
from mbtrain.outcomes.models import Situation
from mbtrain.reports import tables as t
from mbtrain.reports.queries import Filters, figures, total
from mbtrain.reports.snapshot import last_refresh, stored_rollups


def cohort_report(cohort: Cohort) -> t.Report:
    """The true figures of one cohort, for its own coordinator (personal data)."""
    f = total(figures(Filters(cohort_id=cohort.id)).values())
    c = t.Counting(suppressed=False)
    key = t.key_figures("summary", _("Nøkkeltall"), _("Kurs"), {cohort.name: f}, c)
    tables = (
        key,
        t.statuses_table(f, c),
        t.end_reasons_table(f, c),
        t.attendance_table(f, c),
        t.confirmation_table(f, c),
        t.certificates_table(f, c),
        t.outcomes_table(f, c),
    )
    return t.Report(
        title=_("Rapport for %(name)s", name=cohort.name),
        scope=f"{cohort.county.name} · {cohort.start_date:%d.%m.%Y}–{cohort.end_date:%d.%m.%Y}",
        suppressed=False,
        tables=tables,
        charts=charts(tables),
    )


def area_report(filters: Filters, county_names: dict[int, str], scope: str) -> t.Report:
    """County or national figures over the years, with small numbers hidden, from the
    figures stored by the last refresh (reports/models.py says why)."""
    years, counties, computed_at = stored_report_figures(filters)
    f = total(years.values())
    c = t.Counting(suppressed=True)
    per_year = {str(year): figures_ for year, figures_ in years.items()}
    tables = [
        t.key_figures(
            "per_year",
            _("Nøkkeltall per år kurset startet"),
            _("År"),
            per_year | {_("I alt"): f},
            c,
        )
    ]
    if len(counties) > 1:
        per_county = {county_names.get(cid, str(cid)): fig for cid, fig in counties.items()}
        tables.append(
            t.key_figures("per_county", _("Nøkkeltall per fylke"), _("Fylke"), per_county, c)
        )
    tables += [
        t.statuses_table(f, c),
        t.end_reasons_table(f, c),
        t.attendance_table(f, c),
        t.confirmation_table(f, c),
        t.outcomes_table(f, c),
    ]
    return t.Report(
        title=_("Resultater av MB-opplæringen"),
        scope=scope,
        suppressed=True,
        tables=tuple(tables),
        charts=charts(tables),
        computed_at=computed_at,
    )


def stored_report_figures(filters: Filters):
    """The county/national report's queries: the stored figures per year and per county,
    and when they were computed (three small queries; what the benchmark measures)."""
    years, counties = stored_rollups(filters)
    return years, counties, last_refresh()


def charts(tables) -> dict:
    by_key = {table.key: table for table in tables}
    drawn = {}
    if "per_year" in by_key:
        years = by_key["per_year"]
        drawn["per_year"] = t.chart_of(
            years, _("Fullføringsgrad per år"), column=4, rows=range(len(years.rows) - 1)
        )
    if "statuses" in by_key and "per_year" not in by_key:
        statuses = by_key["statuses"]
        drawn["statuses"] = t.chart_of(
            statuses, _("Deltakere etter status"), rows=range(len(statuses.rows) - 1)
        )
    drawn["attendance"] = t.chart_of(by_key["attendance"], _("Deltakere etter oppmøte i teori"))
    drawn["outcomes"] = t.chart_of(
        by_key["outcomes"],
        _("Situasjonen 12 måneder etter kurset"),
        column=2,
        rows=range(len(Situation)),
    )
    return drawn
