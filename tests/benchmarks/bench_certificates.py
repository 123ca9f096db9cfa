"""How fast is issuing certificates, next to what no implementation can avoid?

    python tests/benchmarks/bench_certificates.py [--quick]   # or: pytest -m benchmark -s

Builds a finished cohort of 25 trainees who all meet the completion rule (the national
curriculum, 14 modules, two passed placements each; mbtrain/builders.py) in a temporary SQLite
database, then in one process:

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
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
TRAINEES = 25
GOAL = 1.5
ROUNDS = 3
QUICK_TRAINEES = 5
ISSUED_ON = date(2027, 1, 4)  # after the finished cohort's last day
PROVIDER = "Fjordlys Kurs AS"
COORDINATOR = "koordinator@example.org"
PASSWORD = "benchmark-passord-2026"


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


def bench_records():
    """The benchmarks' builders (mbtrain/builders.py) on a new database: Vestland's
    coordinator (COORDINATOR, PASSWORD), cohorts given by PROVIDER, placements at Records'
    organisation (Bjørgvin DPS). bench_matrix.py builds with them too."""
    from mbtrain.accounts.models import Role
    from mbtrain.builders import Factory, county
    from mbtrain.builders.records import Records
    from mbtrain.extensions import db

    factory = Factory(county("46"))
    records = Records(factory)
    factory.provider().name = PROVIDER  # the factory's own provider, under the benchmarks' name
    db.session.commit()
    factory.user(Role.COORDINATOR, email=COORDINATOR, name="Kari Koordinator", password=PASSWORD)
    return records


def fill(trainees: int = TRAINEES) -> int:
    """The finished cohort with its provider, two partners and coordinator; returns the
    cohort's id."""
    records = bench_records()
    partners = [records.organisation, records.factory.organisation("Åsane kommune")]
    return finished_cohort(records, trainees, partners)


def finished_cohort(records, trainees: int, partners=None) -> int:
    """A cohort of ``trainees`` who all meet the completion rule of the national curriculum
    (Records.graduate: one placement with each of ``partners`` in turn); returns its id.
    bench_matrix.py adds one too, for a certificate to download."""
    from mbtrain.cohorts.models import CohortStatus
    from mbtrain.extensions import db

    start = date(2026, 1, 5)
    cohort = records.cohort(
        name="MB-opplæring benchmark, avsluttet",
        start_date=start,
        end_date=start + timedelta(days=340),
        places=trainees,
    )
    sessions = records.sessions(cohort, "T1-01", start, 4)
    for number in range(trainees):
        records.graduate(
            cohort,
            sessions,
            assessed_on=start + timedelta(days=300),
            partners=partners,
            name=f"Deltaker {number + 1:02d} Ødegård",
            date_of_birth=date(1980 + number % 20, 1 + number % 12, 1 + number % 28),
            email=f"fullfort{number}@example.net",
            applied_on=start - timedelta(days=60),
        )
    cohort.status = CohortStatus.AVSLUTTET  # as the nightly run leaves it after the last day
    db.session.commit()
    return cohort.id


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

    from mbtrain import create_app
    from mbtrain.accounts.services import get_user_by_email
    from mbtrain.certificates import pdf, services, signing
    from mbtrain.certificates.eligibility import cohort_candidates
    from mbtrain.cohorts.models import Cohort
    from mbtrain.extensions import db

    # The site's address: the host the request context below is made on must be one it answers as.
    app = create_app({"PUBLIC_URL": "https://mbtrain.example.org"})
    with app.app_context(), app.test_request_context(base_url="https://mbtrain.example.org"):
        upgrade()
        cohort_id = fill(trainees)
        signing.create_self_signed(*services.signing_paths(), PROVIDER)
        by = get_user_by_email(COORDINATOR)
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
