"""The template filters and globals every page may use: hours, times of day, days, dates,
the access log's words, a placement's follow-up.

Registered on the app once (``init_app``), not from a blueprint: they belong to no one area.
"""

from datetime import date, datetime, time, timedelta
from decimal import Decimal

from babel.dates import get_day_names
from flask import Flask
from flask_babel import format_date, format_decimal, get_locale
from flask_babel import gettext as _
from stdnum.no import orgnr as stdnum_orgnr

from mbtrain.accounts.models import Role
from mbtrain.audit.models import ACTOR_ROLES, OBJECT_TYPES, PURPOSES
from mbtrain.cohorts.models import Cohort
from mbtrain.followup.overview import FollowUp, followup_of
from mbtrain.forms import error_links
from mbtrain.i18n import norwegian_date
from mbtrain.placements.models import Placement
from mbtrain.schedule.rules import format_hours, parse_weekdays, practice_week


def hours(value: float | Decimal | None) -> str:
    """19 or 19,5: hours as Norwegians write them."""
    return format_decimal(value, "#,##0.#") if value is not None else ""


def phone(value: str | None) -> str:
    """«412 34 567» (mobile) or «22 33 44 55»: a Norwegian number of eight digits grouped as
    Norwegians write it, with its +47 kept in front; anything else as it was typed."""
    text = (value or "").strip()
    digits = "".join(ch for ch in text if ch.isdigit())
    prefix = ""
    if text.startswith(("+47", "0047")) and len(digits) in (10, 12):
        prefix, digits = "+47 ", digits[-8:]
    if len(digits) != 8 or not all(ch.isdigit() or ch in " .-+()" for ch in text):
        return text
    if digits[0] in "49":
        return f"{prefix}{digits[:3]} {digits[3:5]} {digits[5:]}"
    return f"{prefix}{digits[:2]} {digits[2:4]} {digits[4:6]} {digits[6:]}"


def plain_hours(value: float) -> str:
    return format_hours(value)


def clock(value: time) -> str:
    return value.strftime("%H:%M")


def ends_at(row) -> str:
    end = datetime.combine(date.min, row.starts_at) + timedelta(hours=row.hours)
    return end.strftime("%H:%M")


def day(value: date) -> str:
    """«man. 04.01.» in Norwegian, «Mon 4 Jan» in English."""
    return format_date(value, "EEE dd.MM." if _norwegian() else "EEE d MMM")


def day_year(value: date) -> str:
    """«man. 04.01.2027»."""
    return format_date(value, "EEE dd.MM.yyyy" if _norwegian() else "EEE d MMM yyyy")


def long_day(value: date) -> str:
    """«mandag 4. januar 2027»."""
    return format_date(value, "EEEE d. MMMM yyyy" if _norwegian() else "EEEE d MMMM yyyy")


def teaching_pattern(cohort: Cohort) -> str:
    names = get_day_names("wide", locale=get_locale())
    days = [names[weekday - 1] for weekday in sorted(parse_weekdays(cohort.teaching_weekdays))]
    joined = _(" og ").join([", ".join(days[:-1]), days[-1]] if len(days) > 1 else days)
    return _(
        "%(days)s, %(hours)s timer fra kl. %(start)s",
        days=joined,
        hours=format_hours(cohort.hours_per_day),
        start=cohort.day_starts_at.strftime("%H:%M"),
    )


def isodate(value: str | None) -> str:
    """A date kept as ISO text in a snapshot, written as Norwegians write dates."""
    return norwegian_date(date.fromisoformat(value[:10])) if value else ""


def from_iso(value: str) -> date:
    return date.fromisoformat(value)


def week_end(week_start: date) -> date:
    return week_start + timedelta(days=6)


def purpose_label(code: str) -> str:
    return str(PURPOSES.get(code, code))


def object_label(code: str) -> str:
    return str(OBJECT_TYPES.get(code, code))


def role_label(code: str) -> str:
    if code in Role.__members__:
        return Role[code].label
    return str(ACTOR_ROLES.get(code, code))


def placement_followup(placement: Placement) -> FollowUp:
    """The follow-up of a placement, for the partials included in other areas' pages."""
    return followup_of(placement)


def _norwegian() -> bool:
    return get_locale().language in ("nb", "nn")


FILTERS = {
    "hours": hours,
    "plain_hours": plain_hours,
    "phone": phone,
    "clock": clock,
    "ends_at": ends_at,
    "day": day,
    "day_year": day_year,
    "long_day": long_day,
    "teaching_pattern": teaching_pattern,
    "isodate": isodate,
    "fromiso": from_iso,
    "week_end": week_end,
    "orgnr": stdnum_orgnr.format,  # «919 985 003», as Brønnøysundregistrene writes them
}
GLOBALS = {
    "practice_week": practice_week,
    "purpose_label": purpose_label,
    "object_label": object_label,
    "role_label": role_label,
    "placement_followup": placement_followup,
    "error_links": error_links,
}


def init_app(app: Flask) -> None:
    app.jinja_env.filters.update(FILTERS)
    app.jinja_env.globals.update(GLOBALS)
