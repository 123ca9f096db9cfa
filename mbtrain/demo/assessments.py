"""Module assessments and project assignments, recorded through the assessment services:
everything approved in the finished cohort, the first modules in the running ones."""

import random
from datetime import date, timedelta

from sqlalchemy import func, select

from mbtrain.assessments import services as assessments
from mbtrain.assessments.models import AssessmentResult
from mbtrain.cohorts.models import Cohort, CohortStatus
from mbtrain.curriculum import services as curricula
from mbtrain.curriculum.definition import Curriculum, ModuleKind
from mbtrain.demo.base import SEED
from mbtrain.demo.cohorts import coordinator_in, trainees
from mbtrain.enrolments.models import EnrolmentStatus as S
from mbtrain.extensions import db
from mbtrain.i18n import today
from mbtrain.schedule.models import CourseSession, SessionStatus

COMMENTS = {
    AssessmentResult.GODKJENT: (
        "Godt refleksjonsnotat med konkrete eksempler fra egen erfaring.",
        "Viser god forståelse av temaet og knytter det til egen rolle.",
        "Levert til avtalt tid. Fin bruk av pensum.",
        "",
    ),
    AssessmentResult.IKKE_GODKJENT: (
        "Refleksjonsnotatet mangler kobling til pensum. Ny innlevering er avtalt innen tre uker.",
    ),
}
PROJECT_TITLES = (
    "Erfaringskompetanse i møte med nye brukere på et dagsenter",
    "Brukermedvirkning i bofellesskap: hva hjelper?",
    "Fra pasient til kollega – overgangen til arbeid",
    "Likepersonsarbeid i rusfeltet",
    "Å dele egen historie: når, hvordan og hvorfor",
    "Samarbeid mellom NAV og MB-medarbeidere",
)


def seed_assessments() -> None:
    """Results for the modules that are over: everything approved in the finished cohort,
    the first modules in the running ones, with one «ikke godkjent» in the Bergen cohort.
    Theory is assessed by the cohort's first instructor, practice by its coordinator."""
    rng = random.Random(SEED + 4)
    cohorts = db.session.scalars(select(Cohort).order_by(Cohort.id)).all()
    failing: int | None = None
    for cohort in cohorts:
        if cohort.status not in (CohortStatus.GJENNOMFORES, CohortStatus.AVSLUTTET):
            continue
        curriculum = curricula.curriculum_of(cohort.curriculum_version)
        ends = module_end_dates(cohort, curriculum)
        coordinator = coordinator_in(cohort.county_id)
        instructor = (cohort.instructors or [coordinator])[0]
        enrolled = trainees(cohort, *assessments.ASSESSED)
        if failing is None and cohort.status is CohortStatus.GJENNOMFORES and len(enrolled) > 1:
            failing = enrolled[1].id
        for number, enrolment in enumerate(enrolled):
            last_day = min(enrolment.end_date or today(), today())
            for module in curriculum.modules:
                ended = ends[module.code]
                if ended >= last_day and enrolment.status is not S.FULLFORT:
                    continue
                result = AssessmentResult.GODKJENT
                if enrolment.id == failing and module.code == curriculum.modules[2].code:
                    result = AssessmentResult.IKKE_GODKJENT
                assessed_on = min(ended + timedelta(days=rng.randint(1, 6)), last_day)
                assessments.record_assessment(
                    enrolment,
                    module,
                    assessments.Entry(result, assessed_on, rng.choice(COMMENTS[result])),
                    version=0,
                    by=instructor if module.kind is ModuleKind.THEORY else coordinator,
                    today=today(),
                )
            if enrolment.status is S.FULLFORT or number % 3 == 0:
                approved = enrolment.status is S.FULLFORT
                assessments.save_project(
                    enrolment,
                    title=PROJECT_TITLES[number % len(PROJECT_TITLES)],
                    approved=approved,
                    approved_on=(enrolment.end_date - timedelta(days=5)) if approved else None,
                    version=0,
                    by=coordinator,
                    today=today(),
                )


def module_end_dates(cohort: Cohort, curriculum: Curriculum) -> dict[str, date]:
    """When each module's teaching ends: its last session where the timetable has been made,
    else its share of the course's days, in the curriculum's order."""
    last_sessions = dict(
        db.session.execute(
            select(CourseSession.module_code, func.max(CourseSession.date))
            .where(
                CourseSession.cohort_id == cohort.id,
                CourseSession.status != SessionStatus.AVLYST,
            )
            .group_by(CourseSession.module_code)
        ).all()
    )
    total = curriculum.hours()
    days = (cohort.end_date - cohort.start_date).days
    ends, hours_so_far = {}, 0.0
    for module in curriculum.modules:
        hours_so_far += module.hours
        share_end = cohort.start_date + timedelta(days=round(days * hours_so_far / total))
        ends[module.code] = last_sessions.get(module.code, share_end)
    return ends
