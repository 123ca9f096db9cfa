"""The county and national figures, computed ahead of time.

Adding up ten years of attendance for the whole country takes seconds, far more than a page
should (the goal: at most three times a bare count of the attendance table). So the figures
per county, year and curriculum version are computed by ``mbtrain refresh-reports`` (run
nightly, and from the report page by the national team) and kept here as plain counts; the
county and national pages add these up. The cohort report is always computed live.
"""

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from mbtrain.database import utcnow
from mbtrain.extensions import db


class ReportFigure(db.Model):
    """One raw count: e.g. metric "status", item "FULLFORT", for a county, year and version."""

    __tablename__ = "report_figure"

    id: Mapped[int] = mapped_column(primary_key=True)
    county_id: Mapped[int] = mapped_column(ForeignKey("county.id"))
    year: Mapped[int]
    curriculum_version_id: Mapped[int] = mapped_column(ForeignKey("curriculum_version.id"))
    metric: Mapped[str] = mapped_column(String(20))
    item: Mapped[str] = mapped_column(String(60), default="")
    value: Mapped[float]
    computed_at: Mapped[datetime] = mapped_column(default=utcnow)

    # Covering indexes for the two roll-ups the pages make (per year, per county): SQLite
    # then adds up in index order, without sorting.
    __table_args__ = (
        Index("ix_report_figure_year_sums", "year", "metric", "item", "value"),
        Index("ix_report_figure_county_sums", "county_id", "metric", "item", "value"),
    )
