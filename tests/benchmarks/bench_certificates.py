"""How fast is issuing certificates, next to what no implementation can avoid?

    python tests/benchmarks/bench_certificates.py [--quick]   # or: pytest -m benchmark -s

Builds a finished cohort of 25 trainees who all meet the completion rule (the national
curriculum, 14 modules, two passed placements each) in a temporary SQLite database, then in
one process:

1. issues all 25 through the service the "issue all" button calls (facts, eligibility, each
   certificate rendered to its own PDF/A-3b with the JSON attached, signed with PAdES, hashed
   and stored), and commits;
2. for the same 25 certificates, one by one, measures the two costs no implementation can
   avoid: WeasyPrint's layout of the page alone (``HTML(...).render()``) and pyHanko's
   signature of the same page as a finished, unsigned PDF;
3. for reference, renders the same pages the naive way (a new stylesheet and font
   configuration for every document, as ``HTML(string=...).write_pdf()`` does by default).

Prints milliseconds per certificate and the ratio issue / (layout + signature); the goal is
at most GOAL. The three are measured in turn, ROUNDS times (the later rounds re-issue, each
certificate superseding the one before), and the round with the median ratio is shown, so a
busy machine weighs on both sides alike. Everything stays in a temporary directory and is
removed afterwards. --quick issues for QUICK_TRAINEES trainees in one round: it proves the
benchmark runs and measures nothing.
"""

import argparse
import json
import os
import sys
import tempfile
import time
import warnings
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from datetime import time as clock
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
TRAINEES = 25
GOAL = 1.5
ROUNDS = 3
QUICK_TRAINEES = 5
ISSUED_ON = date(2027, 1, 4)  # after the finished cohort's last day


@dataclass(frozen=True)
class Figures:
    issue: float  # seconds per certificate, everything included
    layout: float
    sign: float
    naive: float

    @property
    def floor(self) -> float:
        return self.layout + self.sign

    @property
    def ratio(self) -> float:
        return self.issue / self.floor


def fill(db, trainees: int = TRAINEES) -> int:
    """The finished cohort, row by row, with its provider, partners and coordinator; returns
    the cohort's id."""
    from sqlalchemy import select

    from mbtrain.accounts import services as accounts
    from mbtrain.accounts.models import Role
    from mbtrain.organisations.models import County, Organisation, OrganisationType

    county = db.session.scalar(select(County).where(County.code == "46"))
    provider = Organisation(
        name="Fjordlys Kurs AS", orgnr="911111111", type=OrganisationType.TILTAKSARRANGOR
    )
    partners = [
        Organisation(name="Bjørgvin DPS", orgnr="922222222", type=OrganisationType.KOMMUNE),
        Organisation(name="Åsane kommune", orgnr="933333333", type=OrganisationType.KOMMUNE),
    ]
    db.session.add_all([provider, *partners])
    accounts.create_user(
        email="koordinator@example.org",
        name="Kari Koordinator",
        role=Role.COORDINATOR,
        counties=[county],
        password="benchmark-passord-2026",
    )
    return finished_cohort(db, county, provider, partners, trainees)


def finished_cohort(db, county, provider, partners, trainees: int) -> int:
    """A cohort of ``trainees`` who all meet the completion rule of the national curriculum
    (one placement with each of the two partners); returns its id. bench_matrix.py adds one
    too, for a certificate to download."""
    from mbtrain.assessments.models import AssessmentResult, ModuleAssessment, ProjectAssignment
    from mbtrain.attendance.models import AttendanceRecord
    from mbtrain.cohorts.models import Cohort, CohortStatus
    from mbtrain.curriculum import services as curricula
    from mbtrain.curriculum.loader import AttendanceStatus, ModuleKind, shipped_curricula
    from mbtrain.enrolments.models import Enrolment, EnrolmentStatus
    from mbtrain.people.models import Person
    from mbtrain.placements.models import (
        FinalEvaluation,
        HoursEntry,
        Placement,
        PlacementStatus,
        SignedAction,
    )
    from mbtrain.schedule.models import CourseSession

    curriculum = shipped_curricula()[0]
    version = curricula.import_curriculum(curriculum).version
    start = date(2026, 1, 5)
    cohort = Cohort(
        name="MB-opplæring benchmark, avsluttet",
        county=county,
        curriculum_version=version,
        provider=provider,
        start_date=start,
        end_date=start + timedelta(days=340),
        places=trainees,
        status=CohortStatus.AVSLUTTET,
    )
    db.session.add(cohort)
    db.session.flush()
    sessions = [
        CourseSession(
            cohort_id=cohort.id,
            module_code="T1-01",
            date=start + timedelta(weeks=n),
            starts_at=clock(9),
            hours=5.0,
        )
        for n in range(4)
    ]
    db.session.add_all(sessions)
    db.session.flush()
    practice = [m.code for m in curriculum.modules if m.kind is ModuleKind.PRACTICE]
    for number in range(trainees):
        person = Person(
            name=f"Deltaker {number + 1:02d} Ødegård",
            date_of_birth=date(1980 + number % 20, 1 + number % 12, 1 + number % 28),
            email=f"fullfort{number}@example.net",
        )
        db.session.add(person)
        db.session.flush()
        enrolment = Enrolment(
            person_id=person.id,
            cohort_id=cohort.id,
            applied_on=start - timedelta(days=60),
            status=EnrolmentStatus.FULLFORT,
            start_date=start,
        )
        db.session.add(enrolment)
        db.session.flush()
        for session in sessions:
            db.session.add(
                AttendanceRecord(
                    session_id=session.id,
                    enrolment_id=enrolment.id,
                    status=AttendanceStatus.TIL_STEDE,
                    hours_present=5.0,
                )
            )
        for index, code in enumerate(practice):
            first = start + timedelta(weeks=10 + 20 * index)
            placement = Placement(
                enrolment_id=enrolment.id,
                organisation_id=partners[index].id,
                module_code=code,
                supervisor_name="Synne Veileder",
                supervisor_email="veileder@example.org",
                start_date=first,
                end_date=first + timedelta(days=11),
                weekly_hours=19.0,
                status=PlacementStatus.COMPLETED,
            )
            db.session.add(placement)
            db.session.flush()
            for week in range(2):
                signature = signed(placement, SignedAction.CONFIRM_HOURS)
                db.session.add(
                    HoursEntry(
                        placement_id=placement.id,
                        week_start=first + timedelta(weeks=week),
                        hours=19.0,
                        confirmed_signature_id=signature.id,
                    )
                )
            signature = signed(placement, SignedAction.FINAL_EVALUATION)
            db.session.add(
                FinalEvaluation(
                    placement_id=placement.id,
                    passed=True,
                    text="Bestått.",
                    signature_id=signature.id,
                )
            )
        for module in curriculum.modules:
            db.session.add(
                ModuleAssessment(
                    enrolment_id=enrolment.id,
                    module_code=module.code,
                    result=AssessmentResult.GODKJENT,
                    assessed_on=start + timedelta(days=300),
                    comment="",
                )
            )
        db.session.add(
            ProjectAssignment(
                enrolment_id=enrolment.id, title="Likepersonsarbeid i rusfeltet", approved=True
            )
        )
    db.session.flush()
    return cohort.id


def signed(placement, action):
    """A supervisor's signature, as the placement portal records one."""
    from mbtrain.extensions import db
    from mbtrain.placements.models import Signature, SignedVia

    signature = Signature(
        placement_id=placement.id,
        action=action,
        via=SignedVia.PORTAL,
        typed_name="Synne Veileder",
        signer_email="veileder@example.org",
        content={"placement": placement.id},
        content_sha256="0" * 64,
    )
    db.session.add(signature)
    db.session.flush()
    return signature


def measure(data_dir: Path, trainees: int = TRAINEES, rounds: int = ROUNDS) -> Figures:
    os.environ.update(
        {
            "MBTRAIN_ENV": "development",
            "MBTRAIN_DATA_DIR": str(data_dir),
            "MBTRAIN_DATABASE_URL": f"sqlite:///{data_dir / 'benchmark.sqlite3'}",
            "MBTRAIN_SECRET_KEY": "benchmark-secret-key-" + "b" * 32,
        }
    )
    sys.path.insert(0, str(REPO))
    from flask_migrate import upgrade
    from sqlalchemy import select

    from mbtrain import create_app
    from mbtrain.accounts.models import User
    from mbtrain.certificates import pdf, services, signing
    from mbtrain.certificates.eligibility import cohort_candidates
    from mbtrain.cohorts.models import Cohort
    from mbtrain.extensions import db

    app = create_app()
    with app.app_context(), app.test_request_context(base_url="https://mbtrain.example.org"):
        upgrade()
        cohort_id = fill(db, trainees)
        db.session.commit()
        signing.create_self_signed(*services.signing_paths(), "Fjordlys Kurs AS")
        by = db.session.scalar(select(User))
        cohort = db.session.get(Cohort, cohort_id)
        warm_up(services, pdf)
        signer = services.load_signer()
        measured = []
        for _ in range(rounds):
            # Round after round, so that the machine's load drifts alike for both sides.
            # From the second round on, each certificate supersedes the one before.
            started = time.perf_counter()
            found = cohort_candidates(cohort, ISSUED_ON)
            ids = [c.enrolment_id for c in found.candidates if c.may_have]
            issued = services.issue(found, ids, by)
            db.session.commit()
            issue = (time.perf_counter() - started) / len(issued)
            assert len(issued) == trainees, f"only {len(issued)} were eligible"
            pages = [services.render_html(certified_of(c)) for c in issued]
            layout, sign = floor(pdf, signing, signer, pages, issued)
            naive = timed(naive_pdf, pages[:5]) if not measured else measured[0].naive
            measured.append(Figures(issue, layout, sign, naive))
        db.engine.dispose()
    return sorted(measured, key=lambda figures: figures.ratio)[len(measured) // 2]


def floor(pdf, signing, signer, pages, issued) -> tuple[float, float]:
    """Seconds per certificate for the layout alone and for the signature alone, taken in
    turn certificate by certificate, as the issuing does its work."""
    layout = sign = 0.0
    for html, certificate in zip(pages, issued, strict=True):
        started = time.perf_counter()
        pdf.layout_only(html)
        layout += time.perf_counter() - started
        unsigned = pdf.render_pdf(html, certificate.snapshot_json.encode(), certificate.issued_at)
        started = time.perf_counter()
        signing.sign_pdf(unsigned, signer, "Vestland")
        sign += time.perf_counter() - started
    return layout / len(pages), sign / len(pages)


def certified_of(certificate):
    """The issued facts back as the value the template is rendered from."""
    from mbtrain.certificates.snapshot import Certified, ModuleLine, PlacementLine

    facts = json.loads(certificate.snapshot_json)["certificate"]
    facts["modules"] = tuple(ModuleLine(**m) for m in facts["modules"])
    facts["placements"] = tuple(PlacementLine(**p) for p in facts["placements"])
    facts.pop("scope")
    return Certified(**facts)


def warm_up(services, pdf) -> None:
    """Import and first-use costs (fonts found, stylesheet parsed) are paid once per process,
    before any measurement, for the issuing and the yardstick alike."""
    pdf.layout_only("<p>Oppvarming</p>")
    pdf.render_pdf("<p>Oppvarming</p>", b"{}", datetime.now())
    services.load_signer()


def timed(work, items) -> float:
    """Seconds per item, on average (as the issue's figure is)."""
    started = time.perf_counter()
    for item in items:
        work(item)
    return (time.perf_counter() - started) / len(items)


def naive_pdf(html: str) -> bytes:
    """What the first version would do: WeasyPrint's defaults, nothing shared."""
    from weasyprint import CSS, HTML

    from mbtrain.certificates import pdf
    from mbtrain.resources import resource_dir

    css = CSS(
        filename=str(resource_dir("templates") / pdf.STYLESHEET),
        base_url=pdf.STATIC_ORIGIN,
        url_fetcher=pdf.StaticOnlyFetcher(),
    )
    document = HTML(string=html, base_url=pdf.STATIC_ORIGIN, url_fetcher=pdf.StaticOnlyFetcher())
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ResourceWarning)
        return document.write_pdf(stylesheets=[css], pdf_variant="pdf/a-3b")


def figures(quick: bool = False) -> Figures:
    """Measures and prints; quick: a few trainees, one round."""
    trainees, rounds = (QUICK_TRAINEES, 1) if quick else (TRAINEES, ROUNDS)
    with tempfile.TemporaryDirectory(prefix="mbtrain-bench-cert-") as folder:
        found = measure(Path(folder), trainees, rounds)
    ms = 1000
    print(f"certificates issued: {trainees}")
    print(f"issue, per certificate (all included): {found.issue * ms:7.1f} ms")
    print(f"  layout only, HTML(...).render():       {found.layout * ms:7.1f} ms")
    print(f"  pyHanko signature of the finished PDF: {found.sign * ms:7.1f} ms")
    print(f"  the two together (the floor):          {found.floor * ms:7.1f} ms")
    print(f"naive write_pdf (nothing shared), unsigned: {found.naive * ms:7.1f} ms")
    print(f"issue / floor: {found.ratio:.2f} (goal at most {GOAL})")
    return found


def run(quick: bool = False) -> list[dict]:
    """The rows for tests/benchmarks/run_all.py: the issuing cost per certificate against
    the floor (layout + signature), and the naive rendering for reference."""
    found = figures(quick)
    floor = f"layout + signature {found.floor * 1000:.0f} ms"
    return [
        {
            "name": "certificate batch, issue per certificate",
            "value": round(found.issue * 1000, 1),
            "unit": "ms",
            "baseline": floor,
            "ratio": round(found.ratio, 3),
            "goal": f"ratio <= {GOAL}",
        },
        {
            "name": "naive write_pdf per certificate, unsigned",
            "value": round(found.naive * 1000, 1),
            "unit": "ms",
            "baseline": floor,
            "ratio": round(found.naive / found.floor, 3),
            "goal": "",
        },
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="a few trainees, one round")
    args = parser.parse_args()
    figures(args.quick)


if __name__ == "__main__":
    main()
