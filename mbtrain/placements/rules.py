"""Date rules for placements and offers. Pure: dates in, field → message out."""

from collections.abc import Iterable
from datetime import date

from flask_babel import gettext as _

from mbtrain.cohorts.rules import overlaps

Period = tuple[date, date]


def _fmt(day: date) -> str:
    return day.strftime("%d.%m.%Y")


def placement_date_errors(
    start: date,
    end: date,
    cohort: Period,
    practice: Period | None,
    others: Iterable[Period] = (),
) -> dict[str, str]:
    """What is wrong with a placement's dates: inside the cohort, inside the practice module's
    period when one is scheduled, end after start, and clear of the trainee's other
    placements (``others``: those still in force)."""
    errors: dict[str, str] = {}
    if end <= start:
        errors["end_date"] = _("Sluttdatoen må være etter startdatoen.")
    window, message = (
        cohort,
        _(
            "Datoen må ligge innenfor kursets periode (%(first)s–%(last)s).",
            first=_fmt(cohort[0]),
            last=_fmt(cohort[1]),
        ),
    )
    if practice is not None:
        window = (max(cohort[0], practice[0]), min(cohort[1], practice[1]))
        message = _(
            "Datoen må ligge innenfor praksisperioden (%(first)s–%(last)s).",
            first=_fmt(practice[0]),
            last=_fmt(practice[1]),
        )
    if not window[0] <= start <= window[1]:
        errors["start_date"] = message
    if not window[0] <= end <= window[1]:
        errors.setdefault("end_date", message)
    if not errors:
        clash = next((p for p in sorted(others) if overlaps((start, end), p)), None)
        if clash is not None:
            errors["start_date"] = _(
                "Deltakeren har allerede praksis %(first)s–%(last)s. "
                "Praksisperiodene til én deltaker kan ikke overlappe.",
                first=_fmt(clash[0]),
                last=_fmt(clash[1]),
            )
    return errors


def offer_date_errors(start: date, end: date, window: Period, scheduled: bool) -> dict[str, str]:
    """An offer's dates: end after start, inside the practice period (``scheduled``) or else
    inside the cohort."""
    errors: dict[str, str] = {}
    if end <= start:
        errors["end_date"] = _("Sluttdatoen må være etter startdatoen.")
    if scheduled:
        message = _(
            "Datoen må ligge innenfor praksisperioden (%(first)s–%(last)s).",
            first=_fmt(window[0]),
            last=_fmt(window[1]),
        )
    else:
        message = _(
            "Datoen må ligge innenfor kursets periode (%(first)s–%(last)s).",
            first=_fmt(window[0]),
            last=_fmt(window[1]),
        )
    if not window[0] <= start <= window[1]:
        errors["start_date"] = message
    if not window[0] <= end <= window[1]:
        errors.setdefault("end_date", message)
    return errors
