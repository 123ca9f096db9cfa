"""Reading an attendance sheet from a CSV file. Pure: bytes in, lines and errors out.

The columns are named in Norwegian in the first line: ``e-post`` and ``status``, optionally
``timer`` (partial presence) and ``navn`` (for the reader; not used). Semicolon or comma,
UTF-8 with or without a byte order mark. Every problem is reported with its line number.
"""

import csv
import io
import math
from dataclasses import dataclass

from flask_babel import gettext as _

from mbtrain.curriculum.definition import AttendanceStatus

EMAIL, STATUS, HOURS, NAME = "e-post", "status", "timer", "navn"
COLUMNS = (EMAIL, STATUS, HOURS, NAME)
REQUIRED = (EMAIL, STATUS)
MAX_LINES = 1000  # a cohort has some twenty trainees; more is a wrong file
HEADER_ALIASES = {"epost": EMAIL, "e-postadresse": EMAIL, "email": EMAIL, "e-mail": EMAIL}
STATUS_WORDS = {
    "til stede": AttendanceStatus.TIL_STEDE,
    "tilstede": AttendanceStatus.TIL_STEDE,
    "syk": AttendanceStatus.SYK,
    "avtalt fravær": AttendanceStatus.AVTALT_FRAVAER,
    "avtalt fravaer": AttendanceStatus.AVTALT_FRAVAER,
    "ikke møtt": AttendanceStatus.IKKE_MOTT,
    "ikke mott": AttendanceStatus.IKKE_MOTT,
}


@dataclass(frozen=True)
class SheetLine:
    line: int
    email: str
    status: AttendanceStatus
    hours: float | None


@dataclass(frozen=True)
class LineError:
    line: int
    message: str


def read_sheet(data: bytes) -> tuple[list[SheetLine], list[LineError]]:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return [], [LineError(1, _("Filen må være lagret som UTF-8 (CSV UTF-8 i Excel)."))]
    first_line = text.split("\n", 1)[0]
    delimiter = ";" if first_line.count(";") >= first_line.count(",") else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    header = next(reader, None)
    if header is None or not any(cell.strip() for cell in header):
        return [], [LineError(1, _("Filen er tom."))]
    columns, errors = _columns(header)
    if errors:
        return [], errors
    lines: list[SheetLine] = []
    first_seen: dict[str, int] = {}
    for cells in reader:
        number = reader.line_num
        if number > MAX_LINES:
            errors.append(LineError(number, _("Filen har mer enn %(max)d linjer.", max=MAX_LINES)))
            break
        if not any(cell.strip() for cell in cells):
            continue
        if len(cells) > len(header):
            errors.append(LineError(number, _("Linjen har flere kolonner enn overskriften.")))
            continue
        values = {name: cells[i].strip() if i < len(cells) else "" for name, i in columns.items()}
        line, problem = _line(number, values)
        if problem:
            errors.append(LineError(number, problem))
            continue
        if line.email in first_seen:
            errors.append(
                LineError(
                    number,
                    _(
                        "%(email)s står også på linje %(line)d.",
                        email=line.email,
                        line=first_seen[line.email],
                    ),
                )
            )
            continue
        first_seen[line.email] = number
        lines.append(line)
    if not lines and not errors:
        errors.append(LineError(2, _("Filen har ingen deltakere under overskriften.")))
    return lines, errors


def _columns(header: list[str]) -> tuple[dict[str, int], list[LineError]]:
    columns: dict[str, int] = {}
    errors: list[LineError] = []
    for index, cell in enumerate(header):
        name = cell.strip().lower()
        name = HEADER_ALIASES.get(name, name)
        if not name:
            continue
        if name not in COLUMNS:
            errors.append(
                LineError(
                    1,
                    _(
                        "Ukjent kolonne «%(name)s». Kolonnene er e-post, status, timer og navn.",
                        name=cell.strip(),
                    ),
                )
            )
        elif name in columns:
            errors.append(LineError(1, _("Kolonnen «%(name)s» står to ganger.", name=name)))
        else:
            columns[name] = index
    for name in REQUIRED:
        if name not in columns:
            errors.append(LineError(1, _("Overskriften mangler kolonnen «%(name)s».", name=name)))
    return columns, errors


def _line(number: int, values: dict[str, str]) -> tuple[SheetLine | None, str | None]:
    email = values[EMAIL].lower()
    if not email:
        return None, _("E-postadressen mangler.")
    status = parse_status(values[STATUS])
    if status is None:
        return None, _(
            "Ukjent status «%(value)s». Bruk til stede, syk, avtalt fravær eller ikke møtt.",
            value=values[STATUS],
        )
    raw_hours = values.get(HOURS, "")
    hours = parse_hours(raw_hours)
    if raw_hours and hours is None:
        return None, _("Timer «%(value)s» er ikke et tall.", value=raw_hours)
    return SheetLine(number, email, status, hours), None


def parse_status(value: str) -> AttendanceStatus | None:
    word = " ".join(value.strip().lower().replace("_", " ").split())
    if word in STATUS_WORDS:
        return STATUS_WORDS[word]
    return next((s for s in AttendanceStatus if s.label.lower() == word), None)


def parse_hours(value: str) -> float | None:
    """ "2,5" or "2.5" → 2.5; None for an empty or unreadable value."""
    try:
        hours = float(value.strip().replace(",", "."))
    except ValueError:
        return None
    return hours if math.isfinite(hours) else None
