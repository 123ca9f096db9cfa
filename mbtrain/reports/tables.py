"""The reports as tables of plain values: one source for the page, CSV, XLSX and PDF.

County and national reports hide small numbers (suppression.py); the cohort report is
shown to the cohort's own coordinator and keeps its true figures.
"""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from itertools import pairwise

from flask_babel import gettext as _

from mbtrain.enrolments.models import EnrolmentStatus, StatusReason
from mbtrain.outcomes.models import FOLLOW_UP_MONTHS, Situation
from mbtrain.progress.chart import BarChart, bar_chart
from mbtrain.reports import suppression
from mbtrain.reports.queries import ATTENDANCE_BANDS, CONFIRMATION_BANDS, Figures


@dataclass(frozen=True)
class Pct:
    """A whole percentage (or «<5» when hidden)."""

    value: int | str

    def __str__(self) -> str:
        return f"{self.value} %" if isinstance(self.value, int) else str(self.value)


Cell = int | float | str | Pct | None


@dataclass(frozen=True)
class Table:
    key: str
    caption: str
    columns: tuple[str, ...]  # the first heads the row labels
    rows: tuple[tuple[str, tuple[Cell, ...]], ...]


@dataclass(frozen=True)
class Report:
    title: str
    scope: str
    suppressed: bool
    tables: tuple[Table, ...]
    charts: dict[str, BarChart]  # by the key of the table whose numbers it draws
    computed_at: datetime | None = None  # stored figures: when they were computed


class Counting:
    """Counts and percentages as a report shows them: hidden below five, or as they are."""

    def __init__(self, suppressed: bool) -> None:
        self.suppressed = suppressed

    def count(self, value: int) -> int | str:
        return suppression.suppress(value) if self.suppressed else value

    def group(self, counts: Mapping) -> dict:
        return suppression.suppress_group(counts) if self.suppressed else dict(counts)

    def percent(self, numerator: int, denominator: int) -> Pct | None:
        if self.suppressed:
            value = suppression.suppress_percent(numerator, denominator)
        else:
            value = suppression.percent(numerator, denominator)
        return None if value is None else Pct(value)

    def mean(self, summed: float, count: int) -> float | str | None:
        if count == 0:
            return None
        if self.suppressed and suppression.hidden(count):
            return suppression.HIDDEN
        return round(summed / count, 1)


def attendance_labels() -> list[str]:
    bounds = [0, *(round(b * 100) for b in ATTENDANCE_BANDS), 101]
    labels = [_("Under %(p)d %%", p=bounds[1])]
    labels += [f"{low}–{high - 1} %" for low, high in pairwise(bounds[1:])]
    return labels


def confirmation_labels() -> list[str]:
    bounds = CONFIRMATION_BANDS
    labels = [_("Under %(days)d dager", days=bounds[0])]
    labels += [
        _("%(low)d–%(high)d dager", low=low, high=high - 1) for low, high in pairwise(bounds)
    ]
    return [*labels, _("%(days)d dager eller mer", days=bounds[-1])]


# The tables ---------------------------------------------------------------------------------


def key_figures(key: str, caption: str, first: str, rows: Mapping[str, Figures], c: Counting):
    columns = (
        first,
        _("Kurs"),
        _("Startet"),
        _("Fullført"),
        _("Avbrutt"),
        _("Fullføringsgrad"),
        _("Kursbevis"),
        _("I arbeid etter 12 mnd."),
    )
    return Table(
        key,
        caption,
        columns,
        tuple(
            (
                label,
                (
                    f.cohorts,
                    c.count(f.started),
                    c.count(f.statuses[EnrolmentStatus.FULLFORT]),
                    c.count(f.statuses[EnrolmentStatus.AVBRUTT]),
                    c.percent(f.statuses[EnrolmentStatus.FULLFORT], f.ended),
                    c.count(f.certificates),
                    c.percent(f.in_work(12), f.followed_up(12)),
                ),
            )
            for label, f in rows.items()
        ),
    )


def statuses_table(f: Figures, c: Counting) -> Table:
    shown = c.group({status: f.statuses[status] for status in EnrolmentStatus})
    rows = [(status.label, (shown[status],)) for status in EnrolmentStatus if f.statuses[status]]
    rows.append((_("I alt"), (sum(f.statuses.values()),)))
    return Table("statuses", _("Deltakere etter status"), (_("Status"), _("Antall")), tuple(rows))


def end_reasons_table(f: Figures, c: Counting) -> Table:
    counts = {reason: n for reason, n in f.end_reasons.items() if n}
    shown = c.group(counts)
    order = sorted(counts, key=lambda r: (r is None, r.label if r else ""))
    rows = tuple(
        (
            (reason.label if isinstance(reason, StatusReason) else _("Ikke oppgitt")),
            (shown[reason],),
        )
        for reason in order
    )
    return Table("end_reasons", _("Årsaker til avbrudd"), (_("Årsak"), _("Antall")), rows)


def attendance_table(f: Figures, c: Counting) -> Table:
    labels = attendance_labels()
    shown = c.group({index: f.attendance[index] for index in range(len(labels))})
    return Table(
        "attendance",
        _("Oppmøte i teori: deltakere etter andel timer til stede (kravet er 80 %)"),
        (_("Oppmøte"), _("Deltakere")),
        tuple((label, (shown[index],)) for index, label in enumerate(labels)),
    )


def confirmation_table(f: Figures, c: Counting) -> Table:
    labels = confirmation_labels()
    shown = c.group({index: f.confirmed[index] for index in range(len(labels))})
    rows = [(label, (shown[index],)) for index, label in enumerate(labels)]
    count = sum(f.confirmed.values())
    rows.append((_("Gjennomsnitt, dager"), (c.mean(f.confirm_days, count),)))
    return Table(
        "confirmation",
        _("Tid fra forespørsel om praksisplass til bekreftelse"),
        (_("Tid"), _("Praksisplasser")),
        tuple(rows),
    )


def outcomes_table(f: Figures, c: Counting) -> Table:
    columns = tuple(c.group({s: f.outcomes[(m, s)] for s in Situation}) for m in FOLLOW_UP_MONTHS)
    rows = [(s.label, tuple(column[s] for column in columns)) for s in Situation]
    rows.append((_("Fulgt opp i alt"), tuple(f.followed_up(m) for m in FOLLOW_UP_MONTHS)))
    rows.append(
        (
            _("Andel i arbeid"),
            tuple(c.percent(f.in_work(m), f.followed_up(m)) for m in FOLLOW_UP_MONTHS),
        )
    )
    return Table(
        "outcomes",
        _("Situasjonen etter kurset, for dem som fullførte eller avbrøt"),
        (_("Situasjon"), *(_("Etter %(m)d mnd.", m=m) for m in FOLLOW_UP_MONTHS)),
        tuple(rows),
    )


def certificates_table(f: Figures, c: Counting) -> Table:
    return Table(
        "certificates",
        _("Kursbevis og kompetansebevis som gjelder"),
        (_("Hva"), _("Antall")),
        ((_("Utstedt og gyldige"), (c.count(f.certificates),)),),
    )


# Charts --------------------------------------------------------------------------------------


def _numeric(cell: Cell) -> float | None:
    if isinstance(cell, Pct):
        return cell.value if isinstance(cell.value, int) else None
    return cell if isinstance(cell, int | float) else None


def chart_of(table: Table, title: str, column: int = 0, rows: Sequence[int] | None = None):
    chosen = [table.rows[i] for i in rows] if rows is not None else table.rows
    return bar_chart(
        title,
        [(label, _numeric(cells[column]), text(cells[column])) for label, cells in chosen],
    )


def text(cell: Cell) -> str:
    """A cell as the page and the CSV show it: «1 234», «12,5», «73 %», «<5», «–»."""
    if cell is None:
        return "–"
    if isinstance(cell, bool):
        return str(cell)
    if isinstance(cell, int):
        return f"{cell:,}".replace(",", "\u00a0")
    if isinstance(cell, float):
        return f"{cell:.1f}".replace(".", ",")
    return str(cell)
