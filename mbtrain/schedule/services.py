"""A cohort's timetable: its calendar, generating it, and reading it. Single sessions are
changed in ``schedule.sessions``, calendar feeds made in ``schedule.feeds``.

Services flush, never commit. Generation itself is the pure ``rules.plan_schedule``; here it
is given the cohort's calendar (Norwegian public holidays from the ``holidays`` package and
the cohort's closed periods) and its result is written in bulk.
"""

import logging
from datetime import date
from functools import cache
from types import MappingProxyType

import holidays
from flask_babel import get_locale
from flask_babel import gettext as _
from sqlalchemy import Row, delete, func, insert, select

from mbtrain.attendance.models import AttendanceRecord
from mbtrain.cohorts.models import Cohort, CohortStatus
from mbtrain.curriculum.definition import Module, ModuleKind
from mbtrain.curriculum.services import curriculum_for
from mbtrain.enrolments.models import Enrolment
from mbtrain.enrolments.transitions import HOLDS_PLACE
from mbtrain.errors import Refused
from mbtrain.extensions import db
from mbtrain.people.models import Person
from mbtrain.placements.models import Placement, PlacementOffer, PlacementStatus
from mbtrain.schedule.models import CourseSession, PracticePeriod, SessionStatus
from mbtrain.schedule.rules import (
    Calendar,
    ClosedDays,
    Schedule,
    ScheduleDoesNotFit,
    ordered_modules,
    parse_weekdays,
    plan_schedule,
)

log = logging.getLogger(__name__)

# Holidays are looked up this many years past the end, to say how much a plan overruns.
HOLIDAY_YEARS_AFTER_END = 5
ENDED = (CohortStatus.AVSLUTTET, CohortStatus.AVBRUTT, CohortStatus.AVLYST)
LIVE_PLACEMENTS = (
    PlacementStatus.PROPOSED,
    PlacementStatus.CONFIRMED,
    PlacementStatus.ACTIVE,
    PlacementStatus.COMPLETED,
)


class ScheduleError(Refused):
    """A broken timetable rule; ``field`` names the form field it belongs to, if any."""


class StalePlan(ScheduleError):
    """The plan changed between the preview the user confirmed and the save."""

    status = 409


# The cohort's calendar and curriculum ----------------------------------------------------


def module_titles(cohort: Cohort) -> dict[str, str]:
    return {m.code: m.title for m in curriculum_for(cohort.curriculum_version).modules}


def taught_modules(cohort: Cohort) -> tuple[Module, ...]:
    """The modules that have sessions (theory and project), in teaching order."""
    modules = ordered_modules(curriculum_for(cohort.curriculum_version))
    return tuple(m for m in modules if m.kind is not ModuleKind.PRACTICE)


def norwegian_holidays(first_year: int, last_year: int) -> MappingProxyType:
    """Norway's public holidays (helligdager) with their names in the user's language."""
    language = "en_US" if _language() == "en" else "no"
    return _holidays(first_year, last_year, language)


@cache
def _holidays(first_year: int, last_year: int, language: str) -> MappingProxyType:
    found = holidays.country_holidays(
        "NO", years=range(first_year, last_year + 1), language=language
    )
    return MappingProxyType(dict(found))


def _language() -> str:
    try:
        return get_locale().language
    except (AttributeError, RuntimeError):  # outside a request: the demo, the CLI
        return "nb"


def calendar_of(cohort: Cohort) -> Calendar:
    return Calendar(
        start=cohort.start_date,
        end=cohort.end_date,
        weekdays=parse_weekdays(cohort.teaching_weekdays),
        hours_per_day=cohort.hours_per_day,
        day_starts_at=cohort.day_starts_at,
        closed=tuple(
            ClosedDays(p.start_date, p.end_date, p.description) for p in cohort.closed_periods
        ),
        holidays=norwegian_holidays(
            cohort.start_date.year, cohort.end_date.year + HOLIDAY_YEARS_AFTER_END
        ),
    )


# Generating ------------------------------------------------------------------------------


def plan_for(cohort: Cohort) -> Schedule:
    """The timetable the cohort would get now; ScheduleError says why there is none."""
    try:
        return plan_schedule(
            ordered_modules(curriculum_for(cohort.curriculum_version)), calendar_of(cohort)
        )
    except ScheduleDoesNotFit as error:
        raise ScheduleError(str(error)) from error
    except ValueError as error:
        raise ScheduleError(
            _("Velg minst én undervisningsdag i uken og timer per dag på kurset.")
        ) from error


def regeneration_blocker(cohort: Cohort) -> str | None:
    """Why the timetable may not be made anew, in words; None when it may."""
    if cohort.status in ENDED:
        return _("Et avsluttet, avlyst eller avbrutt kurs får ikke ny timeplan.")
    recorded = db.session.scalar(
        select(func.count(func.distinct(AttendanceRecord.session_id)))
        .join(CourseSession, CourseSession.id == AttendanceRecord.session_id)
        .where(CourseSession.cohort_id == cohort.id)
    )
    if recorded:
        return _(
            "Timeplanen kan ikke lages på nytt: oppmøte er allerede registrert for "
            "%(count)d økter, og det ville gått tapt. Flytt, avlys eller legg til enkeltøkter "
            "i stedet.",
            count=recorded,
        )
    return None


def apply_schedule(cohort: Cohort, fingerprint: str | None = None) -> Schedule:
    """Replace the cohort's sessions and practice periods with a newly planned timetable.

    ``fingerprint`` is that of the plan the user confirmed; if the plan has changed since
    (a closed period added, say), nothing is written.
    """
    blocker = regeneration_blocker(cohort)
    if blocker:
        raise ScheduleError(blocker)
    schedule = plan_for(cohort)
    if fingerprint is not None and fingerprint != schedule.fingerprint():
        raise StalePlan(
            _(
                "Kursets kalender er endret etter at du så forhåndsvisningen, så timeplanen "
                "ville blitt en annen. Ingenting er lagret. Se over den nye forhåndsvisningen "
                "og bekreft på nytt."
            )
        )
    _check_placements_fit(cohort, schedule)
    write_schedule(cohort, schedule)
    return schedule


def write_schedule(cohort: Cohort, schedule: Schedule) -> None:
    """Replace the cohort's sessions and practice periods, in bulk; the rules are the caller's."""
    db.session.execute(delete(CourseSession).where(CourseSession.cohort_id == cohort.id))
    db.session.execute(delete(PracticePeriod).where(PracticePeriod.cohort_id == cohort.id))
    if schedule.sessions:
        db.session.execute(
            insert(CourseSession),
            [
                {
                    "cohort_id": cohort.id,
                    "module_code": s.module_code,
                    "date": s.date,
                    "starts_at": s.starts_at,
                    "hours": s.hours,
                    "location": "",  # empty: the cohort's meeting place, wherever it moves
                }
                for s in schedule.sessions
            ],
        )
    if schedule.practice:
        db.session.execute(
            insert(PracticePeriod),
            [
                {
                    "cohort_id": cohort.id,
                    "module_code": p.module_code,
                    "start_date": p.start_date,
                    "end_date": p.end_date,
                }
                for p in schedule.practice
            ],
        )
    db.session.flush()
    log.info("cohort %s schedule generated: %d sessions", cohort.id, len(schedule.sessions))


def _check_placements_fit(cohort: Cohort, schedule: Schedule) -> None:
    """Offers and placements made for a practice period must still lie inside it."""
    periods = {p.module_code: (p.start_date, p.end_date) for p in schedule.practice}
    offers = db.session.execute(
        select(
            PlacementOffer.module_code, PlacementOffer.start_date, PlacementOffer.end_date
        ).where(PlacementOffer.cohort_id == cohort.id)
    ).all()
    placements = db.session.execute(
        select(Placement.module_code, Placement.start_date, Placement.end_date)
        .join(Enrolment, Enrolment.id == Placement.enrolment_id)
        .where(Enrolment.cohort_id == cohort.id, Placement.status.in_(LIVE_PLACEMENTS))
    ).all()
    outside = [
        row
        for row in (*offers, *placements)
        if row.module_code in periods
        and not periods[row.module_code][0]
        <= row.start_date
        <= row.end_date
        <= periods[row.module_code][1]
    ]
    if outside:
        raise ScheduleError(
            _(
                "Den nye timeplanen ville flyttet praksisperioden slik at %(count)d "
                "praksistilbud eller praksisplasser havner utenfor den. Endre dem først, "
                "eller behold timeplanen du har.",
                count=len(outside),
            )
        )


# Reading the timetable -------------------------------------------------------------------


def session_rows(cohort_ids: list[int], first: date | None = None) -> list[Row]:
    """The sessions of some cohorts as plain rows, with how many attendance records each has."""
    recorded = (
        select(func.count(AttendanceRecord.id))
        .where(AttendanceRecord.session_id == CourseSession.id)
        .correlate(CourseSession)
        .scalar_subquery()
    )
    query = (
        select(
            CourseSession.id,
            CourseSession.cohort_id,
            CourseSession.module_code,
            CourseSession.date,
            CourseSession.starts_at,
            CourseSession.hours,
            CourseSession.status,
            CourseSession.location,
            CourseSession.note,
            CourseSession.version,
            recorded.label("recorded"),
        )
        .where(CourseSession.cohort_id.in_(cohort_ids))
        .order_by(CourseSession.date, CourseSession.starts_at, CourseSession.id)
    )
    if first is not None:
        query = query.where(CourseSession.date >= first)
    return list(db.session.execute(query))


def practice_periods(cohort_ids: list[int]) -> list[PracticePeriod]:
    return list(
        db.session.scalars(
            select(PracticePeriod)
            .where(PracticePeriod.cohort_id.in_(cohort_ids))
            .order_by(PracticePeriod.start_date)
        )
    )


def next_sessions(cohort: Cohort, today: date, count: int = 3) -> list[CourseSession]:
    return list(
        db.session.scalars(
            select(CourseSession)
            .where(
                CourseSession.cohort_id == cohort.id,
                CourseSession.date >= today,
                CourseSession.status == SessionStatus.PLANLAGT,
            )
            .order_by(CourseSession.date, CourseSession.starts_at)
            .limit(count)
        )
    )


def own_cohorts(person: Person) -> list[Cohort]:
    """The cohorts a trainee holds a place in (waiting to start, or taking part)."""
    return list(
        db.session.scalars(
            select(Cohort)
            .join(Enrolment, Enrolment.cohort_id == Cohort.id)
            .where(Enrolment.person_id == person.id, Enrolment.status.in_(HOLDS_PLACE))
            .order_by(Cohort.start_date)
        )
    )
