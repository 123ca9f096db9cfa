"""A realistic national history for `mbtrain demo --scale national`: every county, ten years.

15 counties × 10 years × 4 cohorts × 25 trainees (15,000 trainees), each with a status
history, a full timetable, attendance at every session they attended, two placements with
their request and confirmation, and the follow-ups 3, 6 and 12 months after the course.
Rows go in with bulk inserts (executemany) in batches of one county, not object by object,
so the whole country takes minutes. Seeded: every run builds the same history.

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
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from faker import Faker
from sqlalchemy import func, insert, select

from mbtrain.accounts.models import Role, User, user_county
from mbtrain.assessments.models import AssessmentResult, ModuleAssessment, ProjectAssignment
from mbtrain.attendance.models import AttendanceRecord
from mbtrain.cohorts.models import Cohort, CohortStatus
from mbtrain.curriculum.loader import AttendanceStatus as A
from mbtrain.curriculum.loader import ModuleKind, shipped_curricula
from mbtrain.curriculum.models import CurriculumVersion
from mbtrain.curriculum.services import import_curriculum
from mbtrain.demo import LOCALE, synthetic_orgnrs
from mbtrain.enrolments.models import Enrolment, EnrolmentStatus, StatusPeriod, StatusReason
from mbtrain.extensions import db
from mbtrain.followup.rules import placement_weeks
from mbtrain.i18n import today
from mbtrain.organisations.models import County, Organisation, OrganisationType
from mbtrain.outcomes.models import FOLLOW_UP_MONTHS, EmployerType, OutcomeFollowUp, Situation
from mbtrain.outcomes.services import due_on
from mbtrain.partner.signing import content_sha256
from mbtrain.people.models import Person
from mbtrain.placements.models import (
    FinalEvaluation,
    HoursEntry,
    Placement,
    PlacementEvent,
    PlacementStatus,
    Signature,
    SignedAction,
    SignedVia,
)
from mbtrain.schedule.models import CourseSession, PracticePeriod

SEED = 2027
S = EnrolmentStatus
START_MONTHS = (1, 3, 8, 10)  # four intakes a year
COURSE_DAYS = 330
HOURS_PER_DAY = 5.0
TEACHING_WEEKDAYS = (0, 1)  # Monday and Tuesday
DROPOUT = 0.18
END_REASONS = (
    (StatusReason.SYK, 0.3),
    (StatusReason.FATT_JOBB, 0.25),
    (StatusReason.TRENGER_ANNEN_STOTTE, 0.15),
    (StatusReason.IKKE_MOTT, 0.1),
    (StatusReason.UTDANNING, 0.1),
    (StatusReason.ANNET, 0.1),
)
# The situation after the course: those who completed do better than those who broke off.
SITUATIONS = {
    S.FULLFORT: (
        (Situation.ARBEID_MB, 0.34),
        (Situation.ANNET_ARBEID, 0.16),
        (Situation.UTDANNING, 0.1),
        (Situation.ARBEIDSRETTET_TILTAK, 0.15),
        (Situation.IKKE_I_ARBEID, 0.15),
        (Situation.UKJENT, 0.1),
    ),
    S.AVBRUTT: (
        (Situation.ARBEID_MB, 0.05),
        (Situation.ANNET_ARBEID, 0.2),
        (Situation.UTDANNING, 0.1),
        (Situation.ARBEIDSRETTET_TILTAK, 0.2),
        (Situation.IKKE_I_ARBEID, 0.3),
        (Situation.UKJENT, 0.15),
    ),
}
PROJECTS = (
    "Brukermedvirkning i eget arbeid",
    "Veien tilbake til arbeid",
    "Likepersonsarbeid i kommunen",
    "Mestring i hverdagen",
)
SUPERVISOR = ("Praksisveileder", "veileder@example.org")
EMPLOYERS = tuple(EmployerType)
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


@dataclass(frozen=True)
class Timetable:
    sessions: tuple[tuple[str, date, float], ...]  # module, day, hours
    practice: tuple[tuple[str, date, date], ...]  # module, first day, last day

    @property
    def last_day(self) -> date:
        """The day the last session or practice period ends."""
        return max(
            [day for _code, day, _hours in self.sessions] + [b for _c, _a, b in self.practice]
        )


def draw(rng: random.Random, mix):
    point, total = rng.random(), 0.0
    for value, share in mix:
        total += share
        if point < total:
            return value
    return mix[0][0]


def at(day: date, hour: int = 10) -> datetime:
    return datetime.combine(day, time(hour), UTC)


def first_monday(year: int, month: int) -> date:
    day = date(year, month, 1)
    return day + timedelta(days=(7 - day.weekday()) % 7)


def timetable(modules, start: date) -> Timetable:
    """Theory on Mondays and Tuesdays, module after module; each practice period takes its
    weeks in one block."""
    sessions, practice, day = [], [], start
    for module in modules:
        if module.kind is ModuleKind.PRACTICE:
            weeks = module.weeks or 10
            practice.append((module.code, day, day + timedelta(weeks=weeks) - timedelta(days=3)))
            day += timedelta(weeks=weeks)
            continue
        left = module.hours
        while left > 0:
            if day.weekday() in TEACHING_WEEKDAYS:
                hours = min(HOURS_PER_DAY, left)
                sessions.append((module.code, day, hours))
                left -= hours
            day += timedelta(days=1)
        day += timedelta(days=(7 - day.weekday()) % 7)  # the next module starts on a Monday
    return Timetable(tuple(sessions), tuple(practice))


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
        version, curriculum = self.curriculum()
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
                    start = first_monday(year, START_MONTHS[intake % len(START_MONTHS)])
                    plan = timetable(curriculum.modules, start)
                    cohort_id = self.cohort(
                        county, version, provider, partners, coordinator, start, plan
                    )
                    if year >= certified_from:
                        to_certify.append((cohort_id, coordinator))
            db.session.flush()
            yield f"{number}/{len(counties)} {county.name}: {self.made} deltakere så langt"
        yield from self.certificates(to_certify)

    def certificates(self, to_certify: list[tuple[int, int]]) -> Iterator[str]:
        """Issued as the coordinator's "issue all" would, to whoever the completion engine
        finds eligible: the real service renders, signs and stores each one."""
        from flask import current_app

        from mbtrain.certificates import services as certificates
        from mbtrain.certificates import signing as certificate_signing
        from mbtrain.certificates.eligibility import cohort_candidates

        if not to_certify:
            return
        key, cert = certificates.signing_paths()
        certificate_signing.create_self_signed(key, cert, "mbtrain demo")  # kept if there
        base_url = current_app.config["PUBLIC_URL"] or "http://127.0.0.1:5000"
        with current_app.test_request_context(base_url=base_url):
            for number, (cohort_id, coordinator_id) in enumerate(to_certify, start=1):
                cohort = db.session.get(Cohort, cohort_id)
                issuer = db.session.get(User, coordinator_id)
                issued = certificates.issue_all(cohort_candidates(cohort, self.today), issuer)
                self.issued += len(issued)
                yield (
                    f"Kursbevis {number}/{len(to_certify)} {cohort.name}: "
                    f"{len(issued)} utstedt, {self.issued} så langt"
                )

    def curriculum(self):
        curriculum = shipped_curricula()[0]
        version = db.session.scalar(
            select(CurriculumVersion).where(
                CurriculumVersion.code == curriculum.code,
                CurriculumVersion.version == curriculum.version,
            )
        )
        return version or import_curriculum(curriculum).version, curriculum

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
        ids = self.insert_returning(Organisation, rows)
        return ids[0], ids[1:]

    def coordinator(self, county: County) -> int:
        email = f"koordinator-{county.code}@example.org"
        existing = db.session.scalar(select(User.id).where(User.email == email))
        if existing:
            return existing
        row = {"email": email, "name": f"Koordinator {county.name}", "role": Role.COORDINATOR}
        user_id = self.insert_returning(User, [row])[0]
        db.session.execute(insert(user_county), [{"user_id": user_id, "county_id": county.id}])
        return user_id

    def insert_returning(self, model, rows: Sequence[dict]) -> list[int]:
        if not rows:
            return []
        result = db.session.execute(
            insert(model).returning(model.id, sort_by_parameter_order=True), rows
        )
        return list(result.scalars())

    def cohort(self, county, version, provider, partners, coordinator, start, plan) -> int:
        # About a year, and never before the timetable's last day (a long curriculum runs on).
        end = max(start + timedelta(days=COURSE_DAYS), plan.last_day)
        status = CohortStatus.AVSLUTTET if end < self.today else CohortStatus.GJENNOMFORES
        if start > self.today:
            status = CohortStatus.PLANLAGT
        cohort_id = self.insert_returning(
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
        session_ids = self.insert_returning(
            CourseSession,
            [
                {
                    "cohort_id": cohort_id,
                    "module_code": code,
                    "date": day,
                    "starts_at": time(9),
                    "hours": hours,
                    "attendance_version": 1 if day < self.today else 0,
                }
                for code, day, hours in plan.sessions
            ],
        )
        db.session.execute(
            insert(PracticePeriod),
            [
                {"cohort_id": cohort_id, "module_code": code, "start_date": a, "end_date": b}
                for code, a, b in plan.practice
            ],
        )
        trainees = self.trainees(cohort_id, start, end, coordinator)
        sessions = [
            (sid, day, hours)
            for sid, (_, day, hours) in zip(session_ids, plan.sessions, strict=True)
        ]
        self.attendance(trainees, sessions, coordinator)
        self.placements(trainees, plan, partners, coordinator)
        self.assessments(trainees, plan, coordinator)
        self.outcomes(trainees, coordinator)
        return cohort_id

    def trainees(self, cohort_id, start, end, coordinator) -> list[dict]:
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
        person_ids = self.insert_returning(Person, people)
        enrolment_ids = self.insert_returning(
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
        applied = at(t["applied"])
        steps = [
            (S.SOKT_INN, applied),
            (S.VURDERES, applied + timedelta(days=7)),
            (S.VENTER_PA_OPPSTART, applied + timedelta(days=21)),
            (S.DELTAR, at(t["start"], 8)),
        ]
        if t["final"] is not S.DELTAR:
            steps.append((t["final"], at(t["end"], 16)))
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

    def attendance(self, trainees, sessions, recorder: int) -> None:
        rows = []
        for t in trainees:
            last = min(t["end"] or self.today, self.today - timedelta(days=1))
            # Those who completed met the attendance rule: their absence stays within it (of
            # the sessions up to their end date, which the rule counts).
            total = sum(hours for _sid, day, hours in sessions if day <= last)
            allowed = (1 - self.min_theory) * total if t["final"] is S.FULLFORT else total
            absent = 0.0
            for session_id, day, hours in sessions:
                if day > last:
                    break
                status, present = A.TIL_STEDE, hours
                if self.rng.random() < t["absence"] and absent + hours <= allowed:
                    absent += hours
                    status = self.rng.choice((A.SYK, A.SYK, A.AVTALT_FRAVAER, A.IKKE_MOTT))
                    present = 0.0
                rows.append(
                    {
                        "session_id": session_id,
                        "enrolment_id": t["id"],
                        "status": status,
                        "hours_present": present,
                        "recorded_by_id": recorder,
                        "recorded_at": at(day, 15),
                    }
                )
        if rows:
            db.session.execute(insert(AttendanceRecord.__table__), rows)

    def placements(self, trainees, plan: Timetable, partners: list[int], by: int) -> None:
        rows, timeline, owners = [], [], []
        for t in trainees:
            for code, first, last in plan.practice:
                stopped = t["end"] if t["final"] is S.AVBRUTT else None
                if stopped is not None and stopped < first:
                    continue
                requested = first - timedelta(days=self.rng.randrange(25, 70))
                if requested > self.today:
                    continue
                confirmed = requested + timedelta(days=max(1, int(self.rng.expovariate(1 / 9))))
                cancelled = stopped is not None and stopped <= last
                done = last < self.today and not cancelled
                status = (
                    PlacementStatus.CANCELLED
                    if cancelled
                    else PlacementStatus.COMPLETED
                    if done
                    else PlacementStatus.CONFIRMED
                )
                rows.append(
                    {
                        "enrolment_id": t["id"],
                        "organisation_id": self.rng.choice(partners),
                        "module_code": code,
                        "supervisor_name": "Praksisveileder",
                        "supervisor_email": "veileder@example.org",
                        "start_date": first,
                        "end_date": last,
                        "weekly_hours": 19.0,
                        "status": status,
                        "created_at": at(requested),
                    }
                )
                events = [(PlacementStatus.PROPOSED, at(requested))]
                if confirmed <= self.today:
                    events.append((PlacementStatus.CONFIRMED, at(confirmed, 13)))
                if status is PlacementStatus.CANCELLED:
                    events.append((status, at(stopped, 16)))
                elif done:
                    events.append((status, at(last, 16)))
                timeline.append(events)
                owners.append(t)
        ids = self.insert_returning(Placement, rows)
        if not ids:
            return
        self.practice_evidence(
            [
                (pid, row)
                for pid, row, t in zip(ids, rows, owners, strict=True)
                if t["final"] is S.FULLFORT and row["status"] is PlacementStatus.COMPLETED
            ]
        )
        db.session.execute(
            insert(PlacementEvent),
            [
                {"placement_id": pid, "status": status, "at": when, "by_user_id": by}
                for pid, events in zip(ids, timeline, strict=True)
                for status, when in events
            ],
        )

    def practice_evidence(self, placements: list[tuple[int, dict]]) -> None:
        """Each completed placement's weeks of hours, confirmed in one signature at the end,
        and a passed final evaluation signed the same day: what the completion rule counts."""
        if not placements:
            return
        name, email = SUPERVISOR
        signatures, weeks = [], []
        for pid, row in placements:
            week_rows = [
                {"week_start": week, "hours": row["weekly_hours"] - self.rng.choice((0, 0, 0, 2))}
                for week in placement_weeks(row["start_date"], row["end_date"])
            ]
            weeks.append(week_rows)
            shown = {
                "placement": {
                    "id": pid,
                    "module_code": row["module_code"],
                    "start_date": row["start_date"].isoformat(),
                    "end_date": row["end_date"].isoformat(),
                }
            }
            confirmed = {
                **shown,
                "weeks": [{**w, "week_start": w["week_start"].isoformat()} for w in week_rows],
            }
            passed = {**shown, "passed": True, "text": "Bestått."}
            for action, content in (
                (SignedAction.CONFIRM_HOURS, confirmed),
                (SignedAction.FINAL_EVALUATION, passed),
            ):
                signed_at = at(row["end_date"], 14)
                document = {
                    **content,
                    "action": action.value,
                    "signed_by": name,
                    "signer_email": email,
                    "via": SignedVia.LINK.value,
                    "signed_at": signed_at.isoformat(),
                }
                signatures.append(
                    {
                        "placement_id": pid,
                        "action": action,
                        "via": SignedVia.LINK,
                        "typed_name": name,
                        "signer_email": email,
                        "at": signed_at,
                        "ip": "192.0.2.10",  # TEST-NET-1: an address reserved for examples
                        "user_agent": "",
                        "content": document,
                        "content_sha256": content_sha256(document),
                    }
                )
        signature_ids = self.insert_returning(Signature, signatures)
        hours, evaluations = [], []
        for index, ((pid, _row), week_rows) in enumerate(zip(placements, weeks, strict=True)):
            confirmation, evaluation = signature_ids[2 * index], signature_ids[2 * index + 1]
            hours += [
                {
                    "placement_id": pid,
                    "week_start": w["week_start"],
                    "hours": w["hours"],
                    "logged_at": at(w["week_start"] + timedelta(days=4), 15),
                    "confirmed_signature_id": confirmation,
                }
                for w in week_rows
            ]
            evaluations.append(
                {
                    "placement_id": pid,
                    "passed": True,
                    "text": "Bestått.",
                    "signature_id": evaluation,
                }
            )
        db.session.execute(insert(HoursEntry), hours)
        db.session.execute(insert(FinalEvaluation), evaluations)

    def assessments(self, trainees, plan: Timetable, by: int) -> None:
        """Every module approved on its last day, and the project approved, for those who
        completed."""
        finished = [t for t in trainees if t["final"] is S.FULLFORT]
        if not finished:
            return
        last_day: dict[str, date] = {}
        for code, day, _hours in plan.sessions:
            last_day[code] = day
        for code, _first, last in plan.practice:
            last_day[code] = last
        db.session.execute(
            insert(ModuleAssessment),
            [
                {
                    "enrolment_id": t["id"],
                    "module_code": module.code,
                    "result": AssessmentResult.GODKJENT,
                    "assessed_on": last_day.get(module.code, t["end"]),
                    "assessor_id": by,
                }
                for t in finished
                for module in self.modules
            ],
        )
        db.session.execute(
            insert(ProjectAssignment),
            [
                {
                    "enrolment_id": t["id"],
                    "title": self.rng.choice(PROJECTS),
                    "approved": True,
                    "approved_on": t["end"] - timedelta(days=14),
                    "approved_by_id": by,
                }
                for t in finished
            ],
        )

    def outcomes(self, trainees, by: int) -> None:
        rows = []
        for t in trainees:
            if t["final"] not in SITUATIONS:
                continue
            for months in FOLLOW_UP_MONTHS:
                due = due_on(t["end"], months)
                # The latest few are left for the coordinator's due-list.
                if due > self.today or ((self.today - due).days < 45 and self.rng.random() < 0.5):
                    continue
                situation = draw(self.rng, SITUATIONS[t["final"]])
                working = situation.in_work
                rows.append(
                    {
                        "enrolment_id": t["id"],
                        "months": months,
                        "situation": situation,
                        "employer_type": self.rng.choice(EMPLOYERS) if working else None,
                        "position_percent": self.rng.choice((20, 40, 50, 60, 80, 100))
                        if working
                        else None,
                        "recorded_by_id": by,
                        "recorded_at": at(due + timedelta(days=self.rng.randrange(0, 20))),
                    }
                )
        if rows:
            db.session.execute(insert(OutcomeFollowUp), rows)
