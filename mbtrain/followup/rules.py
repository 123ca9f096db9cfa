"""The pure rules of following a placement up: its weeks, the hours logged for a week, and
the dates a partner proposes. Plain values in, field → message out."""

from datetime import date, timedelta

from flask_babel import gettext as _

from mbtrain.placements.models import ProposalKind

MAX_WEEK_HOURS = 60


def monday_of(day: date) -> date:
    return day - timedelta(days=day.weekday())


def placement_weeks(start: date, end: date, today: date | None = None) -> list[date]:
    """The Mondays of the weeks a placement touches (up to ``today``'s week, if given)."""
    last = monday_of(min(end, today) if today else end)
    weeks, week = [], monday_of(start)
    while week <= last:
        weeks.append(week)
        week += timedelta(days=7)
    return weeks


def week_errors(
    week_start: date, hours: float | None, period: tuple[date, date], today: date
) -> dict[str, str]:
    """What is wrong with hours logged for a week: field → message."""
    errors: dict[str, str] = {}
    if week_start.weekday() != 0:
        errors["week_start"] = _("Uken må begynne på en mandag.")
    elif week_start not in placement_weeks(*period):
        errors["week_start"] = _("Uken ligger utenfor praksisperioden.")
    elif week_start > today:
        errors["week_start"] = _("Du kan ikke føre timer for en uke som ikke har begynt.")
    if hours is None or not 0 <= hours <= MAX_WEEK_HOURS:
        errors["hours"] = _("Skriv et tall fra 0 til %(max)d.", max=MAX_WEEK_HOURS)
    return errors


def chosen_week(asked: str | None, weeks: list[date], today: date) -> date | None:
    """The week a page is about: the one asked for (an ISO date) if the placement has it, else
    this week, else the last one the placement has had."""
    try:
        day = date.fromisoformat(asked or "")
    except ValueError:
        day = None
    if day in weeks:
        return day
    current = monday_of(today)
    return current if current in weeks else (weeks[-1] if weeks else None)


def proposal_errors(
    kind: ProposalKind,
    new_start: date | None,
    new_end: date | None,
    current: tuple[date, date],
    today: date,
) -> dict[str, str]:
    """A proposal's dates, before the core rules (cohort, practice period, overlap) apply."""
    errors: dict[str, str] = {}
    start, end = current
    if kind is ProposalKind.END_EARLY:
        if new_end is None:
            errors["new_end_date"] = _("Skriv den nye sluttdatoen.")
        elif not max(start, today) <= new_end < end:
            errors["new_end_date"] = _(
                "Ny sluttdato må være fra i dag og før dagens sluttdato (%(end)s).",
                end=end.strftime("%d.%m.%Y"),
            )
        return errors
    if new_start is None:
        errors["new_start_date"] = _("Skriv ny startdato.")
    if new_end is None:
        errors["new_end_date"] = _("Skriv ny sluttdato.")
    if not errors:
        if new_end <= new_start:
            errors["new_end_date"] = _("Sluttdatoen må være etter startdatoen.")
        elif (new_start, new_end) == current:
            errors["new_start_date"] = _("Datoene er de samme som nå.")
    return errors
