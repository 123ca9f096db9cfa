"""Storing the figures per county, year and curriculum version, and reading them back."""

import logging
from collections import defaultdict
from datetime import datetime
from functools import cache

from sqlalchemy import delete, func, insert, select

from mbtrain.database import utcnow
from mbtrain.enrolments.models import EnrolmentStatus, StatusReason
from mbtrain.extensions import db
from mbtrain.outcomes.models import Situation
from mbtrain.reports.models import ReportFigure
from mbtrain.reports.queries import Figures, Filters, Key, figures

log = logging.getLogger(__name__)


def figure_rows(key: Key, f: Figures) -> list[tuple[str, str, float]]:
    """(metric, item, value) for every count of one county, year and version."""
    rows = [("cohorts", "", f.cohorts), ("certificates", "", f.certificates)]
    rows.append(("confirm_days", "", f.confirm_days))
    rows += [("status", status.value, n) for status, n in f.statuses.items()]
    rows += [("end_reason", r.value if r else "", n) for r, n in f.end_reasons.items()]
    rows += [("attendance", str(band), n) for band, n in f.attendance.items()]
    rows += [("confirmed", str(band), n) for band, n in f.confirmed.items()]
    rows += [("outcome", f"{m}:{s.value}", n) for (m, s), n in f.outcomes.items()]
    return [row for row in rows if row[2]]


SCALARS = {"cohorts": int, "certificates": int, "confirm_days": float}


@cache
def target(metric: str, item: str) -> tuple[str, object]:
    """Where a stored (metric, item) goes in Figures: the attribute, and the key within it."""
    match metric:
        case "status":
            return "statuses", EnrolmentStatus(item)
        case "end_reason":
            return "end_reasons", StatusReason(item) if item else None
        case "attendance":
            return "attendance", int(item)
        case "confirmed":
            return "confirmed", int(item)
        case "outcome":
            months, situation = item.split(":")
            return "outcomes", (int(months), Situation(situation))
    return metric, None


def add_row(f: Figures, metric: str, item: str, value: float) -> None:
    if metric in SCALARS:
        setattr(f, metric, getattr(f, metric) + SCALARS[metric](value))
        return
    attribute, key = target(metric, item)
    getattr(f, attribute)[key] += int(value)


def refresh() -> int:
    """Compute every county's figures again and replace the stored ones; flushes only."""
    computed_at = utcnow()
    rows = [
        {
            "county_id": key[0],
            "year": key[1],
            "curriculum_version_id": key[2],
            "metric": metric,
            "item": item,
            "value": value,
            "computed_at": computed_at,
        }
        for key, f in figures(Filters()).items()
        for metric, item, value in figure_rows(key, f)
    ]
    db.session.execute(delete(ReportFigure))
    if rows:
        db.session.execute(insert(ReportFigure), rows)
    log.info("report figures refreshed: %s rows", len(rows))
    return len(rows)


def stored_rollups(filters: Filters) -> tuple[dict[int, Figures], dict[int, Figures]]:
    """The stored figures in scope added up per year and per county, in SQL."""
    return _rollup(ReportFigure.year, filters), _rollup(ReportFigure.county_id, filters)


def _rollup(column, filters: Filters) -> dict[int, Figures]:
    query = (
        select(column, ReportFigure.metric, ReportFigure.item, func.sum(ReportFigure.value))
        .where(*_conditions(filters))
        .group_by(column, ReportFigure.metric, ReportFigure.item)
        .order_by(column)
    )
    rolled: dict[int, Figures] = defaultdict(Figures)
    # Plain rows, without the ORM: this runs on every report page.
    for part, metric, item, value in db.session.connection().execute(query).all():
        add_row(rolled[part], metric, item, value)
    return dict(rolled)


def _conditions(filters: Filters) -> list:
    conditions = []
    if filters.county_ids is not None:
        conditions.append(ReportFigure.county_id.in_(filters.county_ids))
    if filters.year is not None:
        conditions.append(ReportFigure.year == filters.year)
    if filters.curriculum_version_id is not None:
        conditions.append(ReportFigure.curriculum_version_id == filters.curriculum_version_id)
    return conditions


def last_refresh() -> datetime | None:
    # A refresh replaces every row in one transaction, so any row tells when it ran.
    return db.session.scalar(select(ReportFigure.computed_at).limit(1))
