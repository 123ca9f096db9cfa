"""The trainee's list of work: the next session, what is still missing to complete and by
when, the weeks of practice to log, a certificate ready."""

from datetime import date, timedelta

from flask import url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from sqlalchemy import select

from mbtrain.certificates.models import Certificate
from mbtrain.cohorts.models import Cohort
from mbtrain.curriculum.services import curriculum_for
from mbtrain.extensions import db
from mbtrain.filters import clock, day_year, ends_at
from mbtrain.followup.rules import placement_weeks
from mbtrain.home.work import Group, Task
from mbtrain.placements.models import HoursEntry, Placement, PlacementStatus
from mbtrain.progress.access import own_latest
from mbtrain.progress.completion import CriterionState
from mbtrain.progress.facts import cohort_facts, roster
from mbtrain.progress.services import evaluate_all
from mbtrain.schedule.models import CourseSession, SessionStatus

FRIDAY = timedelta(days=4)


def trainee_work(today: date) -> list[Group]:
    mine = own_latest()
    if mine is None:
        return []
    cohort, enrolment_id = mine
    return [
        _next_session(cohort, today),
        _missing(cohort, enrolment_id, today),
        _practice(enrolment_id, today),
        _certificates(enrolment_id),
    ]


def _next_session(cohort: Cohort, today: date) -> Group:
    group = Group("next", _("Neste samling"), empty=_("Ingen flere samlinger er satt opp."))
    session = db.session.scalar(
        select(CourseSession)
        .where(
            CourseSession.cohort_id == cohort.id,
            CourseSession.status != SessionStatus.AVLYST,
            CourseSession.date >= today,
        )
        .order_by(CourseSession.date, CourseSession.starts_at)
        .limit(1)
    )
    if session is not None:
        text = _(
            "%(date)s kl. %(start)s–%(end)s: %(module)s",
            date=day_year(session.date),
            start=clock(session.starts_at),
            end=ends_at(session),
            module=session.module_code,
        )
        group.add(Task(text, url_for("schedule.my_schedule"), session.location))
    return group


def _missing(cohort: Cohort, enrolment_id: int, today: date) -> Group:
    """The completion rule's requirements not met yet, each with its reason, by the course's
    last day."""
    group = Group("missing", _("Dette mangler før du kan fullføre"))
    group.empty = _("Du har oppfylt alle kravene for å fullføre.")
    trainees = roster(cohort.id, enrolment_id)
    if not trainees:
        return group
    curriculum = curriculum_for(cohort.curriculum_version)
    progress = evaluate_all(curriculum, trainees, cohort_facts(cohort.id, trainees), today)
    end = trainees[0].end_date or cohort.end_date
    url = url_for("progress.my_progress")
    for criterion in progress[0].criteria:
        if criterion.state is not CriterionState.MET:
            note = _("%(reason)s Innen %(date)s.", reason=criterion.reason, date=day_year(end))
            group.add(Task(criterion.label, url, note))
    return group


def _practice(enrolment_id: int, today: date) -> Group:
    """Weeks of a placement under way with no hours logged yet, from the week's Friday."""
    group = Group("practice", _("Praksis"), empty=_("Ingen timer venter på å bli ført."))
    placements = db.session.scalars(
        select(Placement)
        .where(Placement.enrolment_id == enrolment_id, Placement.status == PlacementStatus.ACTIVE)
        .order_by(Placement.start_date)
    ).all()
    ids = [p.id for p in placements]
    logged = set(
        db.session.execute(
            select(HoursEntry.placement_id, HoursEntry.week_start).where(
                HoursEntry.placement_id.in_(ids)
            )
        ).all()
        if ids
        else ()
    )
    for placement in placements:
        weeks = placement_weeks(placement.start_date, placement.end_date, today)
        missing = [w for w in weeks if w + FRIDAY <= today and (placement.id, w) not in logged]
        if missing:
            text = ngettext(
                "%(num)d uke uten førte timer", "%(num)d uker uten førte timer", len(missing)
            )
            url = url_for("followup.log_hours", placement_id=placement.id, uke=missing[0])
            group.add(Task(text, url, placement.module_code), len(missing))
    return group


def _certificates(enrolment_id: int) -> Group:
    group = Group("certificate", _("Kursbevis"), empty=_("Du har ikke fått kursbevis ennå."))
    valid = db.session.scalars(
        select(Certificate.kind).where(
            Certificate.enrolment_id == enrolment_id,
            Certificate.revoked_at.is_(None),
            Certificate.superseded_by_id.is_(None),
        )
    ).all()
    for kind in dict.fromkeys(valid):
        text = _("%(kind)s er klart til nedlasting", kind=kind.label)
        group.add(Task(text, url_for("certificates.my_certificates")))
    return group
