"""The coordinator's list of work, across the cohorts of their counties."""

from datetime import date, timedelta

from flask import url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from sqlalchemy import and_, exists, func, select
from sqlalchemy.orm import defer, joinedload

from mbtrain.accounts.models import User
from mbtrain.attendance.models import AttendanceRecord
from mbtrain.certificates.models import Certificate
from mbtrain.cohorts.models import Cohort, CohortStatus
from mbtrain.curriculum.models import CurriculumVersion
from mbtrain.curriculum.services import curriculum_for
from mbtrain.enrolments.models import Enrolment, EnrolmentStatus
from mbtrain.enrolments.transitions import APPLYING, HOLDS_PLACE
from mbtrain.extensions import db
from mbtrain.filters import day_year
from mbtrain.home.work import Group, Task
from mbtrain.organisations.models import Organisation
from mbtrain.people.models import Person
from mbtrain.placements.models import (
    ChangeProposal,
    Concern,
    Placement,
    PlacementStatus,
    ProposalStatus,
)
from mbtrain.placements.rules import IN_FORCE
from mbtrain.policy import reachable_enrolments, visible_cohorts
from mbtrain.progress.facts import cohorts_facts, rosters
from mbtrain.progress.services import evaluate_all
from mbtrain.schedule.models import CourseSession, PracticePeriod, SessionStatus

# Cohorts with work: planned and running, and those ended within a year (certificates).
WORKING = (CohortStatus.PLANLAGT, CohortStatus.GJENNOMFORES, CohortStatus.AVSLUTTET)
ENDED_WITHIN = timedelta(days=365)
# Sessions held without attendance: looked for this far back.
SESSIONS_SINCE = timedelta(days=60)
UNDER_WAY = (PlacementStatus.CONFIRMED, PlacementStatus.ACTIVE)
MAY_HAVE_KURSBEVIS = (EnrolmentStatus.DELTAR, EnrolmentStatus.FULLFORT)


def coordinator_work(user: User, today: date) -> tuple[list[Cohort], list[Group]]:
    cohorts = _cohorts(user, today)
    ids = [c.id for c in cohorts]
    by_id = {c.id: c for c in cohorts}
    groups = [
        *_progress_groups(user, cohorts, today),
        _concerns(user, ids),
        _applications(user, by_id),
        _unplaced(user, by_id, today),
        _unregistered(by_id, today),
        _proposals(user, ids),
    ]
    current = [c for c in cohorts if c.status is not CohortStatus.AVSLUTTET]
    return current, groups


def _cohorts(user: User, today: date) -> list[Cohort]:
    return list(
        db.session.scalars(
            select(Cohort)
            .where(
                visible_cohorts(user),
                Cohort.status.in_(WORKING),
                Cohort.end_date >= today - ENDED_WITHIN,
            )
            .options(
                joinedload(Cohort.county),
                joinedload(Cohort.curriculum_version).options(
                    defer(CurriculumVersion.content), defer(CurriculumVersion.source)
                ),
            )
            .order_by(Cohort.start_date, Cohort.id)
        )
    )


def _progress_groups(user: User, cohorts: list[Cohort], today: date) -> list[Group]:
    """Trainees at risk (running cohorts) and kursbevis ready to issue: the completion rule
    evaluated on the facts of all these cohorts, read at once (five queries)."""
    risk = Group("risk", _("Deltakere som kan komme til å ikke fullføre"))
    risk.empty = _("Ingen deltakere har varsler nå.")
    ready = Group("certificates", _("Kursbevis klare til utstedelse"))
    ready.empty = _("Ingen kursbevis venter på å bli utstedt.")
    ids = [c.id for c in cohorts]
    trainees = rosters(ids)
    every = [t for rows in trainees.values() for t in rows]
    facts = cohorts_facts(ids, every)
    issued = _with_certificate(ids) if every else set()
    for cohort in cohorts:
        own = trainees.get(cohort.id, [])
        progress = evaluate_all(curriculum_for(cohort.curriculum_version), own, facts, today)
        if cohort.status is CohortStatus.GJENNOMFORES:
            for p in progress:
                if p.trainee.status is EnrolmentStatus.DELTAR and p.warnings:
                    reasons = ", ".join(c.label for c in p.warnings)
                    url = url_for("progress.trainee_progress", enrolment_id=p.trainee.enrolment_id)
                    risk.add(Task(p.trainee.name, url, f"{cohort.name}: {reasons}"))
        waiting = [
            p
            for p in progress
            if p.trainee.status in MAY_HAVE_KURSBEVIS
            and p.complete
            and p.trainee.enrolment_id not in issued
        ]
        if waiting:
            text = ngettext("%(num)d kursbevis", "%(num)d kursbevis", len(waiting))
            url = url_for("certificates.preflight", cohort_id=cohort.id)
            ready.add(Task(text, url, cohort.name), len(waiting))
    return [risk, ready]


def _with_certificate(cohort_ids: list[int]) -> set[int]:
    """Enrolments that hold a valid certificate already."""
    return set(
        db.session.scalars(
            select(Certificate.enrolment_id)
            .join(Enrolment, Enrolment.id == Certificate.enrolment_id)
            .where(
                Enrolment.cohort_id.in_(cohort_ids),
                Certificate.revoked_at.is_(None),
                Certificate.superseded_by_id.is_(None),
            )
        )
    )


def _concerns(user: User, ids: list[int]) -> Group:
    group = Group("concerns", _("Åpne tvilsmeldinger"), empty=_("Ingen åpne tvilsmeldinger."))
    rows = db.session.execute(
        select(Concern.placement_id, Concern.created_at, Person.name, Organisation.name)
        .join(Placement, Placement.id == Concern.placement_id)
        .join(Enrolment, Enrolment.id == Placement.enrolment_id)
        .join(Cohort, Cohort.id == Enrolment.cohort_id)
        .join(Person, Person.id == Enrolment.person_id)
        .join(Organisation, Organisation.id == Placement.organisation_id)
        .where(
            Enrolment.cohort_id.in_(ids),
            reachable_enrolments(user),
            Placement.status.in_(UNDER_WAY),
        )
        .order_by(Concern.created_at.desc())
    )
    for placement_id, created_at, trainee, organisation in rows:
        url = url_for("placements.placement_detail", placement_id=placement_id)
        when = day_year(created_at.date())
        note = _("%(organisation)s, %(date)s", organisation=organisation, date=when)
        group.add_listed(Task(trainee, url, note))
    return group


def _applications(user: User, cohorts: dict[int, Cohort]) -> Group:
    group = Group("applications", _("Søknader som venter"), empty=_("Ingen søknader venter."))
    rows = db.session.execute(
        select(Enrolment.cohort_id, func.count(Enrolment.id))
        .join(Cohort, Cohort.id == Enrolment.cohort_id)
        .where(
            Enrolment.cohort_id.in_(list(cohorts)),
            reachable_enrolments(user),
            Enrolment.status.in_(sorted(APPLYING, key=lambda s: s.value)),
        )
        .group_by(Enrolment.cohort_id)
    )
    for cohort_id, count in sorted(rows):
        text = ngettext("%(num)d søknad", "%(num)d søknader", count)
        url = url_for("enrolments.application_queue", cohort_id=cohort_id)
        group.add(Task(text, url, cohorts[cohort_id].name), count)
    return group


def _unplaced(user: User, cohorts: dict[int, Cohort], today: date) -> Group:
    """For each cohort's coming (or current) practice period: those holding a place who
    have no placement for it yet."""
    group = Group("unplaced", _("Deltakere uten praksisplass"))
    group.empty = _("Alle deltakere har praksisplass for neste periode.")
    placed = exists().where(
        Placement.enrolment_id == Enrolment.id,
        Placement.module_code == PracticePeriod.module_code,
        Placement.status.in_(sorted(IN_FORCE, key=lambda s: s.value)),
    )
    rows = db.session.execute(
        select(
            PracticePeriod.cohort_id,
            PracticePeriod.module_code,
            PracticePeriod.start_date,
            func.count(Enrolment.id),
        )
        .join(Enrolment, Enrolment.cohort_id == PracticePeriod.cohort_id)
        .join(Cohort, Cohort.id == Enrolment.cohort_id)
        .where(
            PracticePeriod.cohort_id.in_(list(cohorts)),
            PracticePeriod.end_date >= today,
            reachable_enrolments(user),
            Enrolment.status.in_(sorted(HOLDS_PLACE, key=lambda s: s.value)),
            ~placed,
        )
        .group_by(PracticePeriod.cohort_id, PracticePeriod.module_code, PracticePeriod.start_date)
        .order_by(PracticePeriod.start_date)
    )
    seen: set[int] = set()
    for cohort_id, module_code, start, count in rows:
        if cohort_id in seen or cohorts[cohort_id].status is CohortStatus.AVSLUTTET:
            continue  # the coming period only
        seen.add(cohort_id)
        text = ngettext(
            "%(num)d deltaker uten plass i %(module)s",
            "%(num)d deltakere uten plass i %(module)s",
            count,
            module=module_code,
        )
        url = url_for("offers.allocation", cohort_id=cohort_id, module_code=module_code)
        note = _("%(cohort)s, fra %(date)s", cohort=cohorts[cohort_id].name, date=day_year(start))
        group.add(Task(text, url, note), count)
    return group


def _unregistered(cohorts: dict[int, Cohort], today: date) -> Group:
    """Sessions held (up to today) in running cohorts without any attendance recorded."""
    group = Group("sessions", _("Økter uten registrert oppmøte"))
    group.empty = _("Oppmøtet er registrert for alle økter som er holdt.")
    running = [i for i, c in cohorts.items() if c.status is CohortStatus.GJENNOMFORES]
    recorded = exists().where(AttendanceRecord.session_id == CourseSession.id)
    rows = db.session.execute(
        select(
            CourseSession.id, CourseSession.cohort_id, CourseSession.date, CourseSession.module_code
        )
        .where(
            CourseSession.cohort_id.in_(running),
            CourseSession.status != SessionStatus.AVLYST,
            CourseSession.date <= today,
            CourseSession.date >= today - SESSIONS_SINCE,
            ~recorded,
        )
        .order_by(CourseSession.date.desc(), CourseSession.id)
    )
    for session_id, cohort_id, day, module_code in rows:
        url = url_for("attendance.attendance_sheet", cohort_id=cohort_id, session_id=session_id)
        text = _("%(date)s, %(module)s", date=day_year(day), module=module_code)
        group.add_listed(Task(text, url, cohorts[cohort_id].name))
    return group


def _proposals(user: User, ids: list[int]) -> Group:
    group = Group("proposals", _("Forslag fra praksisstedet som venter på svar"))
    group.empty = _("Ingen forslag venter på avgjørelse.")
    rows = db.session.execute(
        select(ChangeProposal.placement_id, ChangeProposal.kind, Person.name, Organisation.name)
        .join(Placement, Placement.id == ChangeProposal.placement_id)
        .join(Enrolment, Enrolment.id == Placement.enrolment_id)
        .join(Cohort, Cohort.id == Enrolment.cohort_id)
        .join(Person, Person.id == Enrolment.person_id)
        .join(Organisation, Organisation.id == Placement.organisation_id)
        .where(
            and_(Enrolment.cohort_id.in_(ids), reachable_enrolments(user)),
            ChangeProposal.status == ProposalStatus.PROPOSED,
        )
        .order_by(ChangeProposal.proposed_at)
    )
    for placement_id, kind, trainee, organisation in rows:
        url = url_for("placements.placement_detail", placement_id=placement_id)
        group.add_listed(Task(trainee, url, f"{organisation}: {kind.label}"))
    return group
