"""The rules a placement keeps, pure: its status transitions, the gates before it starts,
its dates, and what the organisation is told about the trainee. Values in; a refusal
(PlacementError) or field → message out."""

from collections.abc import Iterable
from datetime import date

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from mbtrain.cohorts.rules import overlaps
from mbtrain.errors import Refused
from mbtrain.people.models import Person
from mbtrain.placements.models import Placement, PlacementStatus

Period = tuple[date, date]
S = PlacementStatus

ALLOWED: dict[PlacementStatus, frozenset[PlacementStatus]] = {
    S.PROPOSED: frozenset({S.CONFIRMED, S.DECLINED, S.CANCELLED}),
    S.CONFIRMED: frozenset({S.ACTIVE, S.CANCELLED}),
    S.ACTIVE: frozenset({S.COMPLETED, S.CANCELLED}),
    S.COMPLETED: frozenset(),
    S.DECLINED: frozenset(),
    S.CANCELLED: frozenset(),
}
# What the coordinator does from the placement page; confirming or declining is the
# supervisor's (portal or single-use link).
COORDINATOR_TARGETS = (S.ACTIVE, S.COMPLETED, S.CANCELLED)
# Placements that hold the trainee's time and an offer's place.
IN_FORCE = frozenset({S.PROPOSED, S.CONFIRMED, S.ACTIVE, S.COMPLETED})
EDITABLE = frozenset({S.PROPOSED, S.CONFIRMED, S.ACTIVE})
MAX_WEEKLY_HOURS = 37.5

PROTECTED_NAME = _l("Deltaker (navnet holdes skjult)")
# What the history calls a changed field of a placement.
FIELD_LABELS = {
    "organisation_id": _l("sted"),
    "module_code": _l("praksisperiode"),
    "supervisor_name": _l("veileder"),
    "supervisor_email": _l("veileders e-post"),
    "co_supervisor_name": _l("medveileder"),
    "co_supervisor_email": _l("medveileders e-post"),
    "start_date": _l("startdato"),
    "end_date": _l("sluttdato"),
    "weekly_hours": _l("timer per uke"),
    "politiattest_required": _l("krav om politiattest"),
}


class PlacementError(Refused):
    """A broken placement rule; the message is meant for the user, ``field`` names the form
    field it belongs to (None: the whole form)."""


class PlacementErrors(PlacementError):
    """Several broken rules at once (field → message), e.g. both dates of a placement."""

    def __init__(self, errors: dict[str, str]) -> None:
        super().__init__(errors=errors)


# Status ------------------------------------------------------------------------------------


def check_transition(current: PlacementStatus, target: PlacementStatus) -> None:
    if target not in ALLOWED[current]:
        raise PlacementError(
            _(
                "Praksisplassen kan ikke endres fra «%(current)s» til «%(target)s».",
                current=current.label,
                target=target.label,
            ),
            field="status",
        )


def missing_gates(placement: Placement) -> list[str]:
    """What must be recorded before the placement can start, in words (empty: nothing)."""
    missing = []
    if placement.confidentiality_signed_on is None:
        missing.append(_("signert taushetserklæring"))
    if placement.politiattest_required and placement.politiattest_checked_on is None:
        missing.append(_("kontrollert politiattest"))
    return missing


def check_gates(placement: Placement) -> None:
    missing = missing_gates(placement)
    if missing:
        raise PlacementError(
            _(
                "Praksisen kan ikke starte før dette er registrert: %(missing)s.",
                missing=", ".join(missing),
            ),
            field="status",
        )


def gate_errors(gates: dict[str, date | None], today: date) -> dict[str, str]:
    """Gate dates (field → date recorded) that lie in the future."""
    return {
        name: _("Datoen kan ikke være fram i tid.")
        for name, day in gates.items()
        if day is not None and day > today
    }


def gate_notes(placement: Placement, gates: dict[str, date | None]) -> list[str]:
    """The history's words for what recording ``gates`` changes on the placement."""
    notes = []
    signed = gates["confidentiality_signed_on"]
    if signed != placement.confidentiality_signed_on:
        notes.append(
            _("taushetserklæring signert %(date)s", date=_fmt(signed))
            if signed
            else _("taushetserklæring fjernet")
        )
    checked = gates["politiattest_checked_on"]
    if checked != placement.politiattest_checked_on:
        notes.append(
            _("politiattest kontrollert %(date)s", date=_fmt(checked))
            if checked
            else _("politiattest fjernet")
        )
    return notes


# Dates -------------------------------------------------------------------------------------


def _fmt(day: date) -> str:
    return day.strftime("%d.%m.%Y")


def _window_message(window: Period, scheduled: bool) -> str:
    """Where the dates must lie: the scheduled practice period, or else the cohort."""
    if scheduled:
        return _(
            "Datoen må ligge innenfor praksisperioden (%(first)s–%(last)s).",
            first=_fmt(window[0]),
            last=_fmt(window[1]),
        )
    return _(
        "Datoen må ligge innenfor kursets periode (%(first)s–%(last)s).",
        first=_fmt(window[0]),
        last=_fmt(window[1]),
    )


def _period_errors(start: date, end: date, window: Period, message: str) -> dict[str, str]:
    """End after start, and both inside ``window``."""
    errors: dict[str, str] = {}
    if end <= start:
        errors["end_date"] = _("Sluttdatoen må være etter startdatoen.")
    if not window[0] <= start <= window[1]:
        errors["start_date"] = message
    if not window[0] <= end <= window[1]:
        errors.setdefault("end_date", message)
    return errors


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
    if practice is None:
        window, message = cohort, _window_message(cohort, scheduled=False)
    else:
        window = (max(cohort[0], practice[0]), min(cohort[1], practice[1]))
        message = _window_message(practice, scheduled=True)
    errors = _period_errors(start, end, window, message)
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
    return _period_errors(start, end, window, _window_message(window, scheduled))


# What the organisation is told -------------------------------------------------------------


def shared_items(protected: bool) -> list[str]:
    """What the organisation gets to know about the trainee («Dette deles med dere»)."""
    if protected:
        return [
            _(
                "At en deltaker har praksis hos dere, uten navn og kontaktopplysninger: "
                "de holdes skjult av hensyn til deltakeren"
            ),
            _("Praksisperiode, datoer og timer per uke"),
            _("Veileder og eventuell medveileder"),
        ]
    return [
        _("Deltakerens navn"),
        _("Deltakerens e-postadresse og telefonnummer"),
        _("Praksisperiode, datoer og timer per uke"),
        _("Veileder og eventuell medveileder"),
    ]


def trainee_shown(person: Person) -> dict:
    """The trainee as the organisation sees them: a protected trainee without identity."""
    if person.protected:
        return {"name": str(PROTECTED_NAME), "email": "", "phone": "", "protected": True}
    return {
        "name": person.name,
        "email": person.email,
        "phone": person.phone or "",
        "protected": False,
    }
