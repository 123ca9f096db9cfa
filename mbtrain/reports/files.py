"""A report as CSV, XLSX and a printable PDF: the same tables as the page."""

from mbtrain import exports
from mbtrain.pdf import render_pdf
from mbtrain.reports.suppression import HIDDEN
from mbtrain.reports.tables import Cell, Pct, Report, text


def _heading(report: Report) -> list[list[object]]:
    rows: list[list[object]] = [[report.title], [report.scope]]
    if report.suppressed:
        rows.append([f"{HIDDEN}: færre enn 5 personer, skjult av personvernhensyn."])
    return [*rows, []]


def _rows(report: Report, cell) -> list[list[object]]:
    rows = _heading(report)
    for table in report.tables:
        rows += [[table.caption], list(table.columns)]
        rows += [[label, *(cell(value) for value in cells)] for label, cells in table.rows]
        rows.append([])
    return rows


def csv_file(report: Report) -> bytes:
    rows = _rows(report, lambda value: "" if value is None else text(value))
    return exports.csv_bytes(rows[0], rows[1:])


def _xlsx_cell(value: Cell) -> object:
    if isinstance(value, Pct):
        return (value.value / 100, "0 %") if isinstance(value.value, int) else value.value
    if isinstance(value, float):
        return (value, "0.0")
    return value


def xlsx_file(report: Report) -> bytes:
    return exports.xlsx_bytes(_rows(report, _xlsx_cell))


def pdf_file(report: Report) -> bytes:
    return render_pdf("reports/pdf/report.html", "reports/pdf/report.css", report=report, text=text)
