"""A realistic national history for `mbtrain demo --scale national`: every county, ten years.

15 counties × 10 years × 4 cohorts × 25 trainees (15,000 trainees), each with a status
history, a full timetable, attendance at every session they attended, two placements with
their request and confirmation, and the follow-ups 3, 6 and 12 months after the course.
Rows go in with bulk inserts (executemany) in batches of one county, not object by object,
so the whole country takes minutes (why not through the services: see national_placements).
Seeded: every run builds the same history.

Those who completed (FULLFORT) also get what the completion rule asks for: theory attendance
at or above the curriculum's threshold, every module approved, an approved project, and for
each placement its weeks of hours and a passed final evaluation, both signed by the supervisor.

Certificates are issued through the certificates service, as the coordinator's "issue all"
would (rendered, signed with the demo key pair, stored), but only for the cohorts of the
last ``Scale.certificate_years`` years: rendering takes about a quarter of a second each, so
ten years of them would take an hour. Older trainees who completed have no certificate, and
the reports count none for those years.
"""

import random
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date, timedelta

from faker import Faker
from sqlalchemy import func, insert, select

from mbtrain.accounts.models import Role, User, user_county
from mbtrain.cohorts.models import Cohort, CohortStatus
from mbtrain.curriculum.loader import shipped_curricula
from mbtrain.curriculum.models import CurriculumVersion
from mbtrain.curriculum.services import import_curriculum
from mbtrain.demo import national_course as course
from mbtrain.demo.base import LOCALE, at_utc, draw, insert_returning
from mbtrain.demo.certificates import issue_certificates
from mbtrain.demo.national_placements import placements
from mbtrain.demo.outcomes import follow_ups
from mbtrain.demo.people import synthetic_orgnrs
from mbtrain.enrolments.models import Enrolment, EnrolmentStatus, StatusPeriod, StatusReason
from mbtrain.extensions import db
from mbtrain.i18n import today
from mbtrain.organisations.models import County, Organisation, OrganisationType
from mbtrain.people.models import Person

SEED = 2027
S = EnrolmentStatus
START_MONTHS = (1, 3, 8, 10)  # four intakes a year
COURSE_DAYS = 330
DROPOUT = 0.18
END_REASONS = (
    (StatusReason.SYK, 0.3),
    (StatusReason.FATT_JOBB, 0.25),
    (StatusReason.TRENGER_ANNEN_STOTTE, 0.15),
    (StatusReason.IKKE_MOTT, 0.1),
    (StatusReason.UTDANNING, 0.1),
    (StatusReason.ANNET, 0.1),
)
PARTNER_KINDS = (
    ("DPS", OrganisationType.HELSEFORETAK),
    ("bofellesskap", OrganisationType.KOMMUNE),
    ("Mental Helse", OrganisationType.BRUKERORGANISASJON),
)


@dataclass(frozen=True)
class Scale:
    counties: int = 15
    years: int = 10
    cohorts: int = 4
    trainees: int = 25
    certificate_years: int = 1  # the last years whose cohorts get issued certificates

    @property
    def total_trainees(self) -> int:
        return self.counties * self.years * self.cohorts * self.trainees


def already_built() -> bool:
    marker = db.session.scalar(select(User.id).where(User.email.like("koordinator-%@example.org")))
    return marker is not None


def build_national(scale: Scale, progress: Callable[[str], None] = lambda line: None) -> int:
    """Adds the history to the database (flushes; the caller commits); returns trainees made.
    Issuing certificates needs an application context (the signing key lives in DATA_DIR)."""
    generator = NationalHistory(scale)
    for line in generator.run():
        progress(line)
    return generator.made


class NationalHistory:
    def __init__(self, scale: Scale) -> None:
        self.scale = scale
        self.rng = random.Random(SEED)
        self.fake = Faker(LOCALE)
        self.fake.seed_instance(SEED)
        self.today = today()
        self.first_year = self.today.year - scale.years - 1
        self.made = 0
        self.issued = 0
        # Numbers already used (the ordinary demo may be there), so e-mail addresses are unique.
        self.serial = db.session.scalar(select(func.count(Person.id))) or 0
        self.org_serial = db.session.scalar(select(func.count(Organisation.id))) or 0

    def run(self) -> Iterator[str]:
        curriculum = shipped_curricula()[0]
        version = import_curriculum(curriculum).version
        self.modules = curriculum.modules
        self.min_theory = curriculum.completion.min_attendance_theory
        counties = db.session.scalars(select(County).order_by(County.code)).all()
        counties = counties[: self.scale.counties]
        certified_from = self.first_year + self.scale.years - self.scale.certificate_years
        to_certify: list[tuple[int, int]] = []  # (cohort, its coordinator)
        for number, county in enumerate(counties, start=1):
            provider, partners = self.organisations(county)
            coordinator = self.coordinator(county)
            for offset in range(self.scale.years):
                year = self.first_year + offset
                for intake in range(self.scale.cohorts):
                    start = course.first_monday(year, START_MONTHS[intake % len(START_MONTHS)])
                    plan = course.timetable(curriculum.modules, start)
                    cohort_id = self.cohort(
                        county, version, provider, partners, coordinator, start, plan
                    )
                    if year >= certified_from:
                        to_certify.append((cohort_id, coordinator))
            db.session.flush()
            yield f"{number}/{len(counties)} {county.name}: {self.made} deltakere så langt"
        yield from self.certificates(to_certify)

    def certificates(self, to_certify: list[tuple[int, int]]) -> Iterator[str]:
        if not to_certify:
            return
        pairs = (
            (db.session.get(Cohort, cohort_id), db.session.get(User, coordinator_id))
            for cohort_id, coordinator_id in to_certify
        )
        issued = issue_certificates(pairs, self.today)
        for number, (cohort, count) in enumerate(issued, start=1):
            self.issued += count
            yield (
                f"Kursbevis {number}/{len(to_certify)} {cohort.name}: "
                f"{count} utstedt, {self.issued} så langt"
            )

    def organisations(self, county: County) -> tuple[int, list[int]]:
        names = [(f"{county.name} Kurs og Kompetanse AS", OrganisationType.TILTAKSARRANGOR)]
        names += [(f"{kind} {county.name}", type_) for kind, type_ in PARTNER_KINDS]
        numbers = synthetic_orgnrs(random.Random(SEED + self.org_serial), 400)
        taken = set(db.session.scalars(select(Organisation.orgnr)))
        numbers = [n for n in numbers if n not in taken][: len(names)]
        self.org_serial += len(names)
        rows = [
            {"name": name, "orgnr": orgnr, "type": type_, "county_id": county.id}
            for (name, type_), orgnr in zip(names, numbers, strict=True)
        ]
        ids = insert_returning(Organisation, rows)
        return ids[0], ids[1:]

    def coordinator(self, county: County) -> int:
        email = f"koordinator-{county.code}@example.org"
        existing = db.session.scalar(select(User.id).where(User.email == email))
        if existing:
            return existing
        row = {"email": email, "name": f"Koordinator {county.name}", "role": Role.COORDINATOR}
        user_id = insert_returning(User, [row])[0]
        db.session.execute(insert(user_county), [{"user_id": user_id, "county_id": county.id}])
        return user_id

    def cohort(
        self,
        county: County,
        version: CurriculumVersion,
        provider: int,
        partners: list[int],
        coordinator: int,
        start: date,
        plan: course.Timetable,
    ) -> int:
        # About a year, and never before the timetable's last day (a long curriculum runs on).
        end = max(start + timedelta(days=COURSE_DAYS), plan.last_day)
        status = CohortStatus.AVSLUTTET if end < self.today else CohortStatus.GJENNOMFORES
        if start > self.today:
            status = CohortStatus.PLANLAGT
        cohort_id = insert_returning(
            Cohort,
            [
                {
                    "name": f"MB-opplæring {county.name} {start:%m.%Y}",
                    "county_id": county.id,
                    "curriculum_version_id": version.id,
                    "provider_id": provider,
                    "start_date": start,
                    "end_date": end,
                    "places": self.scale.trainees,
                    "teaching_weekdays": "1,2",
                    "status": status,
                }
            ],
        )[0]
        sessions = course.insert_timetable(cohort_id, plan, self.today)
        trainees = self.trainees(cohort_id, start, end, coordinator)
        course.attendance(self.rng, self.today, self.min_theory, trainees, sessions, coordinator)
        placements(self.rng, self.today, trainees, plan, partners, coordinator)
        course.assessments(self.rng, self.modules, trainees, plan, coordinator)
        follow_ups(self.rng, self.today, trainees, coordinator)
        return cohort_id

    def trainees(self, cohort_id: int, start: date, end: date, coordinator: int) -> list[dict]:
        people, trainees = [], []
        for _ in range(self.scale.trainees):
            self.serial += 1
            name = f"{self.fake.first_name()} {self.fake.last_name()}"
            people.append(
                {
                    "name": name,
                    "date_of_birth": date(
                        1965 + self.rng.randrange(35),
                        1 + self.rng.randrange(12),
                        1 + self.rng.randrange(28),
                    ),
                    "email": f"deltaker{self.serial}@example.net",
                }
            )
            running = end >= self.today
            dropped = self.rng.random() < DROPOUT and not running
            final = S.AVBRUTT if dropped else (S.DELTAR if running else S.FULLFORT)
            stop = start + timedelta(days=self.rng.randrange(30, COURSE_DAYS - 30))
            trainees.append(
                {
                    "final": final,
                    "applied": start - timedelta(days=self.rng.randrange(40, 120)),
                    "start": start,
                    "end": stop if dropped else (None if running else end),
                    "absence": self.rng.choice((0.02, 0.04, 0.06, 0.08, 0.12, 0.25)),
                }
            )
        person_ids = insert_returning(Person, people)
        enrolment_ids = insert_returning(
            Enrolment,
            [
                {
                    "person_id": person_id,
                    "cohort_id": cohort_id,
                    "applied_on": t["applied"],
                    "status": t["final"],
                    "start_date": t["start"],
                    "end_date": t["end"],
                    "meets_requirements": True,
                    "assessed_by_id": coordinator,
                }
                for person_id, t in zip(person_ids, trainees, strict=True)
            ],
        )
        history = []
        for enrolment_id, t in zip(enrolment_ids, trainees, strict=True):
            t["id"] = enrolment_id
            history += self.history(enrolment_id, t, coordinator)
        db.session.execute(insert(StatusPeriod), history)
        self.made += len(trainees)
        return trainees

    def history(self, enrolment_id: int, t: dict, by: int) -> list[dict]:
        applied = at_utc(t["applied"])
        steps = [
            (S.SOKT_INN, applied),
            (S.VURDERES, applied + timedelta(days=7)),
            (S.VENTER_PA_OPPSTART, applied + timedelta(days=21)),
            (S.DELTAR, at_utc(t["start"], 8)),
        ]
        if t["final"] is not S.DELTAR:
            steps.append((t["final"], at_utc(t["end"], 16)))
        rows = []
        for index, (status, valid_from) in enumerate(steps):
            last = index == len(steps) - 1
            reason = None
            if status is S.AVBRUTT:
                reason = draw(self.rng, END_REASONS)
            rows.append(
                {
                    "enrolment_id": enrolment_id,
                    "status": status,
                    "reason": reason,
                    "reason_text": "Flyttet fra fylket." if reason is StatusReason.ANNET else None,
                    "valid_from": valid_from,
                    "valid_to": None if last else steps[index + 1][1],
                    "changed_by_id": by,
                }
            )
        return rows
