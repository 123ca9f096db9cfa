"""Files for spreadsheets (CSV and XLSX), safe to open: no cell can start a formula.

A cell whose text starts with = + - @, a tab or a carriage return could be run as a formula
by Excel or LibreOffice (CSV/formula injection, OWASP); such text gets a leading '.
"""

import csv
import io
import re
import unicodedata
from collections.abc import Iterable, Sequence

from flask import Response
from openpyxl import Workbook

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: object) -> str:
    """A cell a spreadsheet shows as text: one that could start a formula gets a '."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def csv_bytes(header: Sequence[object], rows: Iterable[Sequence[object]]) -> bytes:
    """UTF-8 with a byte order mark and semicolons, which is how Excel in Norway opens a
    file with Norwegian letters and decimal commas correctly."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    writer.writerow([safe_cell(cell) for cell in header])
    for row in rows:
        writer.writerow([safe_cell(cell) for cell in row])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def xlsx_value(value: object) -> object:
    """Numbers stay numbers; text is made safe (openpyxl would store "=…" as a formula)."""
    if value is None or isinstance(value, bool):
        return value
    if isinstance(value, int | float):
        return value
    return safe_cell(value)


def xlsx_bytes(rows: Iterable[Sequence[object]], title: str = "Rapport") -> bytes:
    """One sheet; a cell may be (value, number_format) to format a number, e.g. '0 %'."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = safe_sheet_title(title)
    for values in rows:
        cells = []
        for value in values:
            shown, number_format = value if isinstance(value, tuple) else (value, None)
            cells.append((xlsx_value(shown), number_format))
        sheet.append([value for value, _ in cells])
        for column, (_, number_format) in enumerate(cells, start=1):
            if number_format:
                sheet.cell(row=sheet.max_row, column=column).number_format = number_format
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def safe_sheet_title(title: str) -> str:
    return re.sub(r"[\[\]:*?/\\]", "", title)[:31] or "Ark"


def slug(text: str, fallback: str = "rapport") -> str:
    """ASCII letters, digits and hyphens only, so no header can be broken by a name."""
    text = text.lower().translate(str.maketrans({"æ": "ae", "ø": "o", "å": "aa"}))
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", text).strip("-")[:60] or fallback


MIMETYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "pdf": "application/pdf",
}


def attachment(body: bytes, filename: str) -> Response:
    """A download that is never cached (it may hold personal data)."""
    mimetype = MIMETYPES[filename.rsplit(".", 1)[-1]]
    return Response(
        body,
        headers={
            "Content-Type": mimetype,
            "Content-Disposition": f'attachment; filename="{filename}"',
            "Cache-Control": "no-store",
        },
    )
