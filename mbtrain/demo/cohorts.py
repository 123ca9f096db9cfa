"""Cohorts and intake: cohorts in every phase, relative to today, with applicants who went
through intake to their status, and the completions recorded at a course's end."""

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select

from mbtrain.accounts import services as accounts
from mbtrain.accounts.models import Role, User
from mbtrain.cohorts import services as cohort_services
from mbtrain.cohorts.models import CancelReason, Cohort, CohortStatus
from mbtrain.curriculum import services as curricula
from mbtrain.curriculum.loader import shipped_curricula
from mbtrain.curriculum.models import CurriculumVersion
from mbtrain.demo.base import LOGIN_EMAILS, OSLO, TRAINEE_DOMAIN, VESTLAND, at, now
from mbtrain.demo.people import People
from mbtrain.enrolments import services as enrolments
from mbtrain.enrolments.models import Enrolment, EnrolmentStatus, StatusReason
from mbtrain.extensions import db
from mbtrain.i18n import today
from mbtrain.organisations.models import County, Organisation


@dataclass(frozen=True)
class CohortSpec:
    """A cohort relative to today, so the demo shows every phase whenever it is run."""

    place: str
    county: str
    provider: str
    starts_in_days: int
    places: int
    # How many applicants end in each status; the login trainee joins the first DELTAR.
    outcome: dict[EnrolmentStatus, int]
    cancel: CancelReason | None = None


S = EnrolmentStatus
COHORTS = (
    CohortSpec(
        "Bergen",
        VESTLAND,
        "fjordlys",
        -110,
        16,
        {S.DELTAR: 12, S.AVBRUTT: 1},
    ),
    CohortSpec(
        "Bergen",
        VESTLAND,
        "fjordlys",
        70,
        18,
        {S.SOKT_INN: 3, S.VURDERES: 2, S.VENTER_PA_OPPSTART: 4, S.VENTELISTE: 2, S.IKKE_AKTUELL: 1},
    ),
    CohortSpec(
        "Bergen",
        VESTLAND,
        "fjordlys",
        -480,
        15,
        {S.FULLFORT: 4, S.AVBRUTT: 1},
    ),
    CohortSpec("Oslo", OSLO, "akerselva", -60, 14, {S.DELTAR: 7}),
    CohortSpec(
        "Oslo",
        OSLO,
        "akerselva",
        40,
        12,
        {S.VENTER_PA_OPPSTART: 2, S.IKKE_AKTUELL: 1},
        cancel=CancelReason.FOR_FAA_DELTAKERE,
    ),
)
COHORT_DAYS = 330
# Teaching days per county (ISO weekdays).
TEACHING_WEEKDAYS = {VESTLAND: "1,2,4", OSLO: "1,3,4"}

# The path each final status is reached by, after the application.
PATHS = {
    S.SOKT_INN: (),
    S.VURDERES: (S.VURDERES,),
    S.VENTELISTE: (S.VURDERES, S.VENTELISTE),
    S.VENTER_PA_OPPSTART: (S.VURDERES, S.VENTER_PA_OPPSTART),
    S.DELTAR: (S.VURDERES, S.VENTER_PA_OPPSTART, S.DELTAR),
    S.FULLFORT: (S.VURDERES, S.VENTER_PA_OPPSTART, S.DELTAR, S.FULLFORT),
    S.AVBRUTT: (S.VURDERES, S.VENTER_PA_OPPSTART, S.DELTAR, S.AVBRUTT),
    S.IKKE_AKTUELL: (S.VURDERES, S.IKKE_AKTUELL),
}
REASONS = {
    S.AVBRUTT: StatusReason.FATT_JOBB,
    S.IKKE_AKTUELL: StatusReason.KRAV_IKKE_OPPFYLT,
}
INTERVIEW = "Intervju gjennomført. Motivert, avklart forhold til egen historie."


def cohort_name(spec: CohortSpec) -> str:
    """Named after the term it starts in, as coordinators name them («MB-opplæring Bergen
    høst 2026»), whatever day the demo is built."""
    start = today() + timedelta(days=spec.starts_in_days)
    term = "vår" if start.month <= 6 else "høst"
    return f"MB-opplæring {spec.place} {term} {start.year}"


def coordinator_in(county_id: int) -> User:
    """The county's first coordinator: the one who runs its cohorts in the demo."""
    return db.session.scalar(
        select(User)
        .join(User.counties)
        .where(County.id == county_id, User.role == Role.COORDINATOR)
        .order_by(User.id)
    )


def trainees(cohort: Cohort, *statuses: EnrolmentStatus) -> list[Enrolment]:
    return list(
        db.session.scalars(
            select(Enrolment)
            .where(Enrolment.cohort_id == cohort.id, Enrolment.status.in_(statuses))
            .order_by(Enrolment.id)
        )
    )


def import_shipped_curriculum() -> CurriculumVersion:
    """Import every shipped curriculum; cohorts get the newest."""
    return [curricula.import_curriculum(c).version for c in shipped_curricula()][-1]


def seed_cohorts(
    people: People,
    password_hash: str,
    counties: dict[str, County],
    by_key: dict[str, Organisation],
) -> None:
    """Cohorts in every phase, with applicants who went through intake to their status."""
    version = import_shipped_curriculum()
    instructors = list(db.session.scalars(select(User).where(User.role == Role.INSTRUCTOR)))
    login_trainee_given = False
    for number, spec in enumerate(COHORTS):
        start = today() + timedelta(days=spec.starts_in_days)
        provider = by_key[spec.provider]
        cohort = cohort_services.save_cohort(
            None,
            cohort_services.CohortFields(
                name=cohort_name(spec),
                county=counties[spec.county],
                curriculum_version=version,
                provider=provider,
                start_date=start,
                end_date=start + timedelta(days=COHORT_DAYS),
                places=spec.places,
                part_time_percent=50,
                meeting_place=f"{provider.name}, kursrom 2",
                open_for_applications=True,
                contact_persons="Kontor for MB-opplæringen, tlf. 55 00 00 00",
                instructors=instructors[number % len(instructors) :][:2],
                teaching_weekdays=TEACHING_WEEKDAYS[spec.county],
            ),
        )
        by = coordinator_in(cohort.county_id)
        for final, count in spec.outcome.items():
            for _ in range(count):
                email = None
                if final is S.DELTAR and not login_trainee_given:
                    email, login_trainee_given = LOGIN_EMAILS[Role.TRAINEE], True
                enrol(people, password_hash, cohort, final, by, email)
        cohort.status = phase_of(cohort)  # as the nightly progression would have moved it
        if spec.cancel is not None:
            cohort_services.cancel_cohort(cohort, spec.cancel, None, by, today())


def enrol(
    people: People,
    password_hash: str,
    cohort: Cohort,
    final: EnrolmentStatus,
    by: User,
    email: str | None,
) -> Enrolment:
    """An application that went through intake to `final`, with a believable timeline."""
    name = people.name()
    applied = min(cohort.start_date, today()) - timedelta(days=people.days(30, 90))
    enrolment = enrolments.register_application(
        cohort,
        name=name,
        date_of_birth=people.date_of_birth(),
        email=email or people.email(name, TRAINEE_DOMAIN),
        phone=people.phone(),
        applied_on=applied,
        nav_contact=f"{people.name()}, NAV",
        by=by,
        today=today(),
    )
    when = at(applied, 10)
    enrolment.history[0].valid_from = when  # registered on the day it was applied for
    for step in PATHS[final]:
        when = min(when + timedelta(days=people.days(5, 20)), now())
        if step is S.FULLFORT:
            # Recorded at the course's end by seed_completions, after the placements: only
            # a trainee who holds a place can get one. (The day is drawn all the same, so
            # that the names drawn after it stay the same.)
            continue
        if step is S.VURDERES:
            interview(enrolment, final is not S.IKKE_AKTUELL, by, when)
            continue
        if step is S.DELTAR:
            when = max(when, at(cohort.start_date, 8))
            enrolment.start_date = cohort.start_date
        if step is S.AVBRUTT:
            enrolment.end_date = cohort.start_date + timedelta(days=60)
            when = at(enrolment.end_date, 16)
        enrolments.change_status(enrolment, step, by=by, reason=REASONS.get(step), at=when)
    if final in (S.VENTER_PA_OPPSTART, S.DELTAR, S.FULLFORT, S.AVBRUTT):
        user = accounts.create_user(email=enrolment.person.email, name=name, role=Role.TRAINEE)
        user.password_hash = password_hash
        enrolment.person.user = user
    return enrolment


def interview(enrolment: Enrolment, meets: bool, by: User, when: datetime) -> None:
    """The coordinator's assessment, recorded through the service and dated the day of the
    interview (the service dates it now)."""
    enrolments.record_assessment(enrolment, meets=meets, reasoning=INTERVIEW, by=by)
    applied, assessed = enrolment.history[-2:]
    applied.valid_to = assessed.valid_from = enrolment.assessed_at = when


def seed_completions() -> None:
    """Those still taking part in a cohort that has ended completed it on its last day, as
    the coordinator records (enrol leaves them at «Deltar» for their placements)."""
    finished = db.session.scalars(
        select(Cohort).where(Cohort.status == CohortStatus.AVSLUTTET).order_by(Cohort.id)
    )
    for cohort in finished:
        by = coordinator_in(cohort.county_id)
        for enrolment in trainees(cohort, S.DELTAR):
            enrolment.end_date = cohort.end_date
            enrolments.change_status(enrolment, S.FULLFORT, by=by, at=at(cohort.end_date, 16))


def phase_of(cohort: Cohort) -> CohortStatus:
    if today() < cohort.start_date:
        return CohortStatus.PLANLAGT
    return CohortStatus.GJENNOMFORES if today() <= cohort.end_date else CohortStatus.AVSLUTTET
