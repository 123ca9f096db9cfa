"""Date rules for cohorts and the periods inside them. Pure: dates in, messages out."""

from datetime import date

from flask_babel import gettext as _


def period_errors(
    start: date | None,
    end: date | None,
    within: tuple[date, date] | None = None,
    same_day_ok: bool = False,
) -> dict[str, str]:
    """Field name → message for a period that breaks a rule; empty when it is fine."""
    errors: dict[str, str] = {}
    if start and end and (end < start or (end == start and not same_day_ok)):
        errors["end_date"] = _("Sluttdatoen må være etter startdatoen.")
    if within is not None:
        first, last = within
        if start and not first <= start <= last:
            errors["start_date"] = _(
                "Datoen må ligge innenfor kursets periode (%(first)s–%(last)s).",
                first=first.strftime("%d.%m.%Y"),
                last=last.strftime("%d.%m.%Y"),
            )
        if end and not first <= end <= last:
            errors["end_date"] = _(
                "Datoen må ligge innenfor kursets periode (%(first)s–%(last)s).",
                first=first.strftime("%d.%m.%Y"),
                last=last.strftime("%d.%m.%Y"),
            )
    return errors


def overlaps(a: tuple[date, date], b: tuple[date, date]) -> bool:
    return a[0] <= b[1] and b[0] <= a[1]
