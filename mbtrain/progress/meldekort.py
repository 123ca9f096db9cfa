"""Fourteen-day summaries per trainee, in NAV's meldekort periods.

A trainee on an AMO course reports to NAV every fourteen days on the meldekort: days in the
course, days ill, days with other absence. NAV's meldeperioder are fixed fourteen-day
periods that always start on a Monday (two whole ISO weeks, Monday to Sunday). Which
Mondays is fixed by an anchor: periods here are counted in steps of fourteen days from
Monday 16 March 2020, the meldeperiode NAV uses as its example in its guide to the
meldekort («Meldekort – hvordan gjør du det?», nav.no: «mandag 16. mars – søndag 29.
mars»). Counting days from an anchor, rather than "weeks with an even number", keeps the
rhythm across new year: a year with an ISO week 53 (2020, 2026) would otherwise break it.
Should NAV's periods for a trainee turn out to be the other fortnight, only ANCHOR changes.
"""

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta

from flask_babel import gettext as _
from sqlalchemy import and_, func, select

from mbtrain.attendance.models import AttendanceRecord
from mbtrain.curriculum.definition import AttendanceStatus
from mbtrain.extensions import db
from mbtrain.placements.models import HoursEntry, Placement, PlacementStatus
from mbtrain.progress.completion import PlacementFacts, week_starts
from mbtrain.progress.facts import COUNTED_PLACEMENTS, Trainee, roster
from mbtrain.schedule.models import CourseSession, SessionStatus

ANCHOR = date(2020, 3, 16)
PERIOD = timedelta(days=14)
ONGOING_PLACEMENTS = [s for s in COUNTED_PLACEMENTS if s is not PlacementStatus.CANCELLED]
ABSENCES = (AttendanceStatus.SYK, AttendanceStatus.AVTALT_FRAVAER, AttendanceStatus.IKKE_MOTT)


@dataclass(frozen=True, order=True)
class Period:
    start: date

    @property
    def end(self) -> date:
        return self.start + PERIOD - timedelta(days=1)

    @property
    def weeks(self) -> tuple[int, int]:
        return self.start.isocalendar().week, (self.start + timedelta(weeks=1)).isocalendar().week

    def __contains__(self, day: date) -> bool:
        return self.start <= day <= self.end


def period_of(day: date, anchor: date = ANCHOR) -> Period:
    """The meldekort period a day falls in."""
    return Period(anchor + PERIOD * ((day - anchor).days // PERIOD.days))


def periods_between(first: date, last: date, anchor: date = ANCHOR) -> list[Period]:
    """Every period that has a day from ``first`` to ``last``, in order."""
    periods, period = [], period_of(first, anchor)
    while period.start <= last:
        periods.append(period)
        period = Period(period.start + PERIOD)
    return periods


def default_period(course_start: date, course_end: date, today: date) -> Period:
    """The period to report on now: the last one that has ended, within the course."""
    last_ended = Period(period_of(today).start - PERIOD)
    return min(max(last_ended, period_of(course_start)), period_of(course_end))


def asked_period(text: str | None, periods: Sequence[Period], default: Period) -> Period:
    """The period asked for by its first day (ISO, as the page's links write it), if it is
    one of ``periods``; otherwise ``default``."""
    try:
        asked = Period(date.fromisoformat(text or ""))
    except ValueError:
        return default
    return asked if asked in periods else default


# The summary ---------------------------------------------------------------------------


@dataclass
class Summary:
    """One trainee's fourteen days."""

    trainee: Trainee
    teaching_days: int = 0
    planned_hours: float = 0.0
    present_days: int = 0
    present_hours: float = 0.0
    absent_days: dict[AttendanceStatus, int] = field(default_factory=dict)
    absent_hours: dict[AttendanceStatus, float] = field(default_factory=dict)
    absences: list[tuple[date, AttendanceStatus]] = field(default_factory=list)
    practice_planned: float = 0.0
    practice_confirmed: float = 0.0


def period_summaries(cohort_id: int, period: Period) -> list[Summary]:
    """The summaries of everyone in the cohort whose course time overlaps the period."""
    trainees = [
        t
        for t in roster(cohort_id)
        if t.start_date is not None
        and t.start_date <= period.end
        and (t.end_date is None or t.end_date >= period.start)
    ]
    return summaries(cohort_id, trainees, period)


def summaries(cohort_id: int, trainees: Sequence[Trainee], period: Period) -> list[Summary]:
    """Each trainee's days and hours in the period, in four queries."""
    by_id = {t.enrolment_id: Summary(t) for t in trainees}
    ids = list(by_id)
    if not ids:
        return []
    _add_teaching(by_id, cohort_id, period)
    _add_attendance(by_id, cohort_id, ids, period)
    _add_practice(by_id, ids, period)
    return list(by_id.values())


def _in_period(column, period: Period):
    return and_(column >= period.start, column <= period.end)


def _add_teaching(by_id: dict[int, Summary], cohort_id: int, period: Period) -> None:
    """Teaching days and hours in the period that fall in each trainee's own time."""
    query = (
        select(CourseSession.date, func.sum(CourseSession.hours))
        .where(
            CourseSession.cohort_id == cohort_id,
            CourseSession.status != SessionStatus.AVLYST,
            _in_period(CourseSession.date, period),
        )
        .group_by(CourseSession.date)
    )
    for day, hours in db.session.execute(query):
        for summary in by_id.values():
            trainee = summary.trainee
            if (trainee.start_date or day) <= day <= (trainee.end_date or day):
                summary.teaching_days += 1
                summary.planned_hours += float(hours or 0)


def _add_attendance(
    by_id: dict[int, Summary], cohort_id: int, ids: list[int], period: Period
) -> None:
    """Per trainee and day: the status recorded (the day's first absence, if any)."""
    query = (
        select(
            AttendanceRecord.enrolment_id,
            CourseSession.date,
            AttendanceRecord.status,
            func.sum(CourseSession.hours),
            func.sum(AttendanceRecord.hours_present),
        )
        .join(CourseSession, CourseSession.id == AttendanceRecord.session_id)
        .where(
            CourseSession.cohort_id == cohort_id,
            CourseSession.status != SessionStatus.AVLYST,
            AttendanceRecord.enrolment_id.in_(ids),
            _in_period(CourseSession.date, period),
        )
        .group_by(AttendanceRecord.enrolment_id, CourseSession.date, AttendanceRecord.status)
        .order_by(CourseSession.date)
    )
    days: dict[tuple[int, date], AttendanceStatus] = {}
    for enrolment_id, day, status, hours, present in db.session.execute(query):
        summary = by_id[enrolment_id]
        hours, present = float(hours or 0), float(present or 0)
        summary.present_hours += present
        if status is not AttendanceStatus.TIL_STEDE:
            summary.absent_hours[status] = summary.absent_hours.get(status, 0.0) + hours - present
        known = days.get((enrolment_id, day))
        if known is None or known is AttendanceStatus.TIL_STEDE:
            days[(enrolment_id, day)] = status
    for (enrolment_id, day), status in sorted(days.items(), key=lambda item: item[0][1]):
        summary = by_id[enrolment_id]
        if status is AttendanceStatus.TIL_STEDE:
            summary.present_days += 1
        else:
            summary.absent_days[status] = summary.absent_days.get(status, 0) + 1
            summary.absences.append((day, status))


def _add_practice(by_id: dict[int, Summary], ids: list[int], period: Period) -> None:
    """Planned practice hours in the period's weeks, and the confirmed hours of those weeks."""
    placements = db.session.execute(
        select(
            Placement.enrolment_id,
            Placement.module_code,
            Placement.start_date,
            Placement.end_date,
            Placement.weekly_hours,
        ).where(
            Placement.enrolment_id.in_(ids),
            Placement.status.in_(ONGOING_PLACEMENTS),
            Placement.start_date <= period.end,
            Placement.end_date >= period.start,
        )
    )
    for enrolment_id, code, start, end, weekly_hours in placements:
        plan = PlacementFacts(code, start, end, weekly_hours)
        by_id[enrolment_id].practice_planned += planned_in(plan, period)
    confirmed = db.session.execute(
        select(Placement.enrolment_id, func.sum(HoursEntry.hours))
        .join(Placement, Placement.id == HoursEntry.placement_id)
        .where(
            Placement.enrolment_id.in_(ids),
            HoursEntry.confirmed_signature_id.is_not(None),
            _in_period(HoursEntry.week_start, period),
        )
        .group_by(Placement.enrolment_id)
    )
    for enrolment_id, hours in confirmed:
        by_id[enrolment_id].practice_confirmed = float(hours or 0)


def planned_in(plan: PlacementFacts, period: Period) -> float:
    weeks = [w for w in week_starts(plan.start, plan.end) if w in period]
    return plan.weekly_hours * len(weeks)


# CSV -----------------------------------------------------------------------------------


def number(value: float) -> str:
    """12,5 – the decimal comma, as the spreadsheet expects with the semicolon."""
    text = f"{value:.1f}".rstrip("0").rstrip(".")
    return text.replace(".", ",")


def csv_header() -> list[str]:
    return [
        _("Navn"),
        _("Fødselsdato"),
        _("Status"),
        _("Periode fra"),
        _("Periode til"),
        _("Uker"),
        _("Undervisningsdager"),
        _("Dager til stede"),
        _("Dager syk"),
        _("Dager avtalt fravær"),
        _("Dager ikke møtt"),
        _("Fraværsdager"),
        _("Planlagte teoritimer"),
        _("Teoritimer til stede"),
        _("Planlagte praksistimer"),
        _("Bekreftede praksistimer"),
    ]


def csv_row(summary: Summary, period: Period) -> list[object]:
    trainee = summary.trainee
    return [
        trainee.name,
        trainee.date_of_birth.strftime("%d.%m.%Y"),
        trainee.status.label,
        period.start.strftime("%d.%m.%Y"),
        period.end.strftime("%d.%m.%Y"),
        "{}–{}".format(*period.weeks),
        summary.teaching_days,
        summary.present_days,
        *(summary.absent_days.get(status, 0) for status in ABSENCES),
        ", ".join(f"{day:%d.%m} {status.label.lower()}" for day, status in summary.absences),
        number(summary.planned_hours),
        number(summary.present_hours),
        number(summary.practice_planned),
        number(summary.practice_confirmed),
    ]


def export_filename(cohort_name: str, period: Period) -> str:
    """meldekort-mb-opplaering-bergen-2025-2026-2026-03-16.csv: ASCII letters, digits and
    hyphens only, so no header can be broken by the cohort's name."""
    text = cohort_name.lower().translate(str.maketrans({"æ": "ae", "ø": "o", "å": "aa"}))
    text = re.sub(r"[\W_]+", "-", text)
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", text).strip("-")[:60] or "kurs"
    return f"meldekort-{slug}-{period.start.isoformat()}.csv"
