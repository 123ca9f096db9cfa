"""How fast are the cohort matrix, a trainee's progress page and a certificate's download,
next to a hello-world Flask app served the same way?

    python tests/benchmarks/bench_matrix.py            # or: pytest -m benchmark -s

Builds a cohort of 25 trainees in a 12-module curriculum with a full year of timetable,
attendance, placements and results in a temporary SQLite database, and a second, finished
cohort whose one trainee is issued a certificate (signed with a self-signed key pair, as the
demo does); serves the app and a bare hello-world Flask app with gunicorn (same workers, same
settings) on free loopback ports; logs in as the county coordinator; and measures requests
per second of the matrix page, of the first trainee's progress page (login, access log and
the full layout included), of the download of the stored certificate PDF, and of the
hello-world route with the same load client: threads with http.client, each for a fixed
time. Prints the rates and each page's ratio to hello world (the goal is at least 0.25).
Three references are measured the same way, without the goal: the password form (signed in,
full layout, no one's data), the health check with the session cookie (the least a signed-in
request costs) and the issue's yardstick (a bare page; BARE_APP below).
The data are made with mbtrain/builders.py. Everything runs on 127.0.0.1 and stops by itself.
"""

import argparse
import http.client
import os
import random
import re
import sys
import tempfile
import textwrap
import threading
import time
import urllib.parse
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO))  # run as a script too

from tests.benchmarks import bench_certificates  # noqa: E402
from tests.servers import start, stop  # noqa: E402

PASSWORD = bench_certificates.PASSWORD
COORDINATOR = bench_certificates.COORDINATOR
TRAINEES = 25
GOAL = 0.25
TRAINEE_25 = "Deltaker 25 Benchmark"
FLOOR = "password form (signed-in floor)"
LEAST = "signed-in health check"
YARDSTICK = "bare page (issue's yardstick)"
REFERENCES = (FLOOR, LEAST, YARDSTICK)
HELLO_APP = textwrap.dedent(
    """
    from flask import Flask

    app = Flask(__name__)


    @app.get("/")
    def hello():
        return "Hello, World!"
    """
)

# The issue's yardstick: "a bare page of the same shape — three ORM queries and a 25×12 table,
# no login, no layout". Served the same way, it shows what this machine makes of that shape.
BARE_APP = textwrap.dedent(
    """
    import importlib
    import os

    from flask import Flask
    from sqlalchemy import Engine, event, select
    from sqlalchemy.orm import joinedload

    from mbtrain import MODELS
    from mbtrain.database import _sqlite_begin_immediate
    from mbtrain.extensions import db

    for name in MODELS:
        importlib.import_module(name)
    # A bare page only reads: no BEGIN IMMEDIATE (mbtrain.database) for it on SQLite.
    event.remove(Engine, "begin", _sqlite_begin_immediate)
    from mbtrain.assessments.models import ModuleAssessment
    from mbtrain.cohorts.models import Cohort
    from mbtrain.enrolments.models import Enrolment

    app = Flask(__name__)
    app.config["SQLALCHEMY_DATABASE_URI"] = os.environ["MBTRAIN_DATABASE_URL"]
    db.init_app(app)
    TABLE = app.jinja_env.from_string(  # compiled once, not per request
        "<table><caption>{{ cohort.name }}</caption>"
        "{% for e in enrolments %}<tr><th>{{ e.person.name }}</th>"
        "{% for code in codes %}<td>{{ results.get((e.id, code), '–') }}</td>{% endfor %}"
        "</tr>{% endfor %}</table>"
    )


    @app.get("/<int:cohort_id>")
    def bare(cohort_id):
        cohort = db.session.get(Cohort, cohort_id)
        enrolments = db.session.scalars(
            select(Enrolment)
            .where(Enrolment.cohort_id == cohort_id)
            .options(joinedload(Enrolment.person))
        ).all()
        assessed = db.session.scalars(
            select(ModuleAssessment)
            .join(Enrolment)
            .where(Enrolment.cohort_id == cohort_id)
        ).all()
        results = {(a.enrolment_id, a.module_code): a.result.value for a in assessed}
        codes = sorted({a.module_code for a in assessed})
        return TABLE.render(cohort=cohort, enrolments=enrolments, codes=codes, results=results)
    """
)


@dataclass(frozen=True)
class Result:
    requests: int
    seconds: float
    errors: int

    @property
    def rate(self) -> float:
        return self.requests / self.seconds


# The data ------------------------------------------------------------------------------


def build_database(data_dir: Path) -> int:
    """A migrated database with the benchmark cohort; returns the cohort's id."""
    os.environ.update(environment(data_dir))
    sys.path.insert(0, str(REPO))
    from flask_migrate import upgrade

    from mbtrain import create_app
    from mbtrain.extensions import db

    # The site's address: the host the request context below is made on must be one it answers as.
    app = create_app({"PUBLIC_URL": "https://mbtrain.example.org"})
    # A request context: the certificate's verification link is made with url_for.
    with app.app_context(), app.test_request_context(base_url="https://mbtrain.example.org"):
        upgrade()
        cohort_id = fill(db)
        db.session.commit()
        db.engine.dispose()
    return cohort_id


def twelve_module_curriculum():
    """The national curriculum without two of Teori II's modules: twelve modules."""
    from mbtrain.curriculum import definition, loader

    content = definition.content(loader.shipped_curricula()[0])
    dropped = {"T2-05", "T2-06"}
    content["version"] = "2025.900"
    content["modules"] = [m for m in content["modules"] if m["code"] not in dropped]
    rule = content["completion"]
    rule["required_modules"] = [c for c in rule["required_modules"] if c not in dropped]
    return loader.from_content(content, "benchmark")


def fill(db) -> int:
    from mbtrain.assessments.models import AssessmentResult
    from mbtrain.curriculum import services as curricula
    from mbtrain.curriculum.loader import AttendanceStatus, ModuleKind
    from mbtrain.placements.models import PlacementStatus

    rng = random.Random(2026)
    records = bench_certificates.bench_records()
    curriculum = twelve_module_curriculum()
    today = date.today()
    start = today - timedelta(days=300)
    start -= timedelta(days=start.weekday())  # a Monday
    cohort = records.cohort(
        name="MB-opplæring benchmark",
        start_date=start,
        end_date=start + timedelta(days=360),
        places=TRAINEES,
    )
    # Its own twelve modules (the factory's cohorts follow the shipped curriculum).
    cohort.curriculum_version = curricula.import_curriculum(curriculum).version
    db.session.commit()

    # A full year of teaching: Monday and Wednesday, five hours, module after module.
    theory = [m for m in curriculum.modules if m.kind is not ModuleKind.PRACTICE]
    days = [
        start + timedelta(days=d)
        for d in range(360)
        if (start + timedelta(days=d)).weekday() in (0, 2)
    ]
    sessions = []
    per_module = max(len(days) // len(theory), 1)
    for number, day in enumerate(days):
        module = theory[min(number // per_module, len(theory) - 1)]
        sessions += records.sessions(cohort, module.code, day, 1)
    held = [session for session in sessions if session.date <= today]

    register, assessments, last_day = [], 0, {}
    for session in held:
        code = session.module_code
        last_day[code] = max(last_day.get(code, session.date), session.date)
    for number in range(TRAINEES):
        enrolment = records.trainee(
            cohort,
            f"Deltaker {number + 1:02d} Benchmark",
            date_of_birth=date(1980 + number % 20, 1 + number % 12, 1 + number % 28),
            email=f"deltaker{number}@example.net",
        )
        # Applied two months before the start (the factory registers on a fixed day of its own).
        enrolment.applied_on = start - timedelta(days=60)
        absence = rng.choice([0.03, 0.08, 0.15, 0.25])
        for session in held:
            roll = rng.random()
            status = AttendanceStatus.TIL_STEDE
            if roll < absence:
                status = rng.choice(
                    [
                        AttendanceStatus.SYK,
                        AttendanceStatus.AVTALT_FRAVAER,
                        AttendanceStatus.IKKE_MOTT,
                    ]
                )
            register.append((enrolment, session, status))
        for module in curriculum.modules:
            ended = last_day.get(module.code)
            if ended is not None and ended < today - timedelta(days=7):
                result = (
                    AssessmentResult.GODKJENT
                    if rng.random() > 0.08
                    else AssessmentResult.IKKE_GODKJENT
                )
                records.assess(enrolment, module.code, result, on=ended + timedelta(days=3))
                assessments += 1
        placement = records.walk_placement(
            enrolment, PlacementStatus.COMPLETED, start=start + timedelta(weeks=16)
        )
        for week in range(10):
            hours = rng.choice([19.0, 19.0, 15.0, 11.0])
            records.hours(placement, placement.start_date + timedelta(weeks=week), hours)
        records.evaluation(placement, passed=True)
    attendance = records.attendance(register)
    issue_certificate(db, records)
    print(
        f"data: {TRAINEES} trainees, {len(curriculum.modules)} modules, {len(sessions)} sessions, "
        f"{attendance} attendance records, {assessments} assessments"
    )
    return cohort.id


def issue_certificate(db, records) -> None:
    """One trainee of a finished cohort issued a certificate through the service the "issue
    all" button calls, signed with a self-signed key pair in the data directory (as the demo
    does), so that its stored PDF can be downloaded."""
    from mbtrain.accounts.services import get_user_by_email
    from mbtrain.certificates import services, signing
    from mbtrain.certificates.eligibility import cohort_candidates
    from mbtrain.cohorts.models import Cohort

    cohort_id = bench_certificates.finished_cohort(records, 1)
    signing.create_self_signed(*services.signing_paths(), bench_certificates.PROVIDER)
    found = cohort_candidates(db.session.get(Cohort, cohort_id), bench_certificates.ISSUED_ON)
    issued = services.issue_all(found, get_user_by_email(COORDINATOR))
    assert len(issued) == 1, "the finished cohort's trainee was not eligible"


# The servers ---------------------------------------------------------------------------


def database_url(data_dir: Path) -> str:
    """A new SQLite file, or the empty database named by MBTRAIN_BENCH_DATABASE_URL (to run
    on PostgreSQL: ``--database-url``)."""
    return os.environ.get("MBTRAIN_BENCH_DATABASE_URL") or (
        f"sqlite:///{data_dir / 'benchmark.sqlite3'}"
    )


def environment(data_dir: Path) -> dict[str, str]:
    return {
        "MBTRAIN_ENV": "development",
        "MBTRAIN_DATA_DIR": str(data_dir),
        "MBTRAIN_DATABASE_URL": database_url(data_dir),
        "MBTRAIN_SECRET_KEY": "benchmark-secret-key-" + "b" * 32,
        "MBTRAIN_DEBUG": "0",
        "FLASK_DEBUG": "0",
    }


# The client ----------------------------------------------------------------------------


def log_in(port: int) -> str:
    """The session cookie of the coordinator, after a real login with the form's CSRF token."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    connection.request("GET", "/logg-inn")
    response = connection.getresponse()
    page = response.read().decode()
    cookie = response.getheader("Set-Cookie").split(";", 1)[0]
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)
    body = urllib.parse.urlencode({"csrf_token": token, "email": COORDINATOR, "password": PASSWORD})
    connection.request(
        "POST",
        "/logg-inn",
        body=body,
        headers={"Content-Type": "application/x-www-form-urlencoded", "Cookie": cookie},
    )
    response = connection.getresponse()
    response.read()
    connection.close()
    if response.status != 302:
        raise SystemExit(f"login failed: {response.status}")
    return response.getheader("Set-Cookie").split(";", 1)[0]


def load(port: int, path: str, cookie: str, expect: str, threads: int, seconds: float) -> Result:
    """Requests from `threads` threads for `seconds`; a response without `expect` is an error."""
    counts = [0] * threads
    errors = [0] * threads
    stop_at = time.monotonic() + seconds
    headers = {"Cookie": cookie} if cookie else {}

    def worker(index: int) -> None:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        while time.monotonic() < stop_at:
            try:
                connection.request("GET", path, headers=headers)
                response = connection.getresponse()
                body = response.read()
            except (OSError, http.client.HTTPException):
                connection.close()
                errors[index] += 1
                continue
            if response.status == 200 and expect.encode() in body:
                counts[index] += 1
            else:
                errors[index] += 1
        connection.close()

    started = time.monotonic()
    pool = [threading.Thread(target=worker, args=(n,)) for n in range(threads)]
    for thread in pool:
        thread.start()
    for thread in pool:
        thread.join()
    return Result(sum(counts), time.monotonic() - started, sum(errors))


# The run -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Page:
    name: str
    path: str
    expect: str


def matrix_page(cohort_id: int) -> Page:
    return Page("cohort matrix", f"/kurs/{cohort_id}/progresjon", TRAINEE_25)


def pages(cohort_id: int, enrolment_id: int, certificate_id: int) -> list[Page]:
    """The coordinator's pages measured against hello world."""
    return [
        matrix_page(cohort_id),
        Page("trainee progress", f"/deltakere/{enrolment_id}/progresjon", "Deltaker 01 Benchmark"),
        Page("certificate download", f"/kursbevis/{certificate_id}.pdf", "%PDF-"),
        # The floor: signed in, the full layout, a small form, and no one's data.
        Page(FLOOR, "/konto/passord", "Bytt passord"),
        # The least a signed-in request costs here: the session looked up, one `SELECT 1`,
        # a JSON answer; no policy role, no layout, no access log.
        Page(LEAST, "/healthz", '"ok"'),
    ]


def measure(
    seconds: float = 8.0, workers: int = 2, threads: int = 4, rounds: int = 2
) -> tuple[Result, dict[str, Result]]:
    """The best rate of hello world and of each page, over ``rounds`` alternating rounds."""
    with tempfile.TemporaryDirectory(prefix="mbtrain-bench-") as scratch:
        data_dir = Path(scratch)
        cohort_id = build_database(data_dir)
        measured = pages(
            cohort_id, first_enrolment(data_dir, cohort_id), stored_certificate(data_dir)
        )
        (data_dir / "hello.py").write_text(HELLO_APP)
        (data_dir / "bare.py").write_text(BARE_APP)
        env = environment(data_dir)
        servers = [
            start("mbtrain.wsgi:app", env, workers=workers, cwd=data_dir),
            start("hello:app", env, workers=workers, probe="/", cwd=data_dir),
            start("bare:app", env, workers=workers, probe=f"/{cohort_id}", cwd=data_dir),
        ]
        (_, app_port), (_, hello_port), (_, bare_port) = servers
        try:
            cookie = log_in(app_port)
            # (name, port, path, cookie, expected text) of everything measured but hello.
            targets = [(p.name, app_port, p.path, cookie, p.expect) for p in measured]
            targets.append((YARDSTICK, bare_port, f"/{cohort_id}", "", TRAINEE_25))
            # Warm up (templates compiled, curriculum parsed, connections open).
            for _name, port, path, session, expect in targets:
                load(port, path, session, expect, threads, 1.5)
            load(hello_port, "/", "", "Hello", threads, 1.5)
            hello, best = None, {}
            for _ in range(rounds):
                result = load(hello_port, "/", "", "Hello", threads, seconds)
                hello = result if hello is None or result.rate > hello.rate else hello
                for name, port, path, session, expect in targets:
                    result = load(port, path, session, expect, threads, seconds)
                    if name not in best or result.rate > best[name].rate:
                        best[name] = result
        finally:
            for server, _port in servers:
                stop(server)
    return hello, best


def first_enrolment(data_dir: Path, cohort_id: int) -> int:
    """The first trainee of the cohort, whose own progress page is measured."""
    return scalar(data_dir, "SELECT min(id) FROM enrolment WHERE cohort_id = :id", id=cohort_id)


def stored_certificate(data_dir: Path) -> int:
    """The certificate issued by build_database, whose download is measured."""
    return scalar(data_dir, "SELECT min(id) FROM certificate")


def scalar(data_dir: Path, query: str, **values) -> int:
    import sqlalchemy as sa

    from mbtrain.config import database_url as normalised

    engine = sa.create_engine(normalised(database_url(data_dir), data_dir))
    try:
        with engine.connect() as connection:
            return connection.execute(sa.text(query), values).scalar_one()
    finally:
        engine.dispose()


def goal_of(name: str) -> str:
    """The pages have the issue's goal; the floor and the yardstick are there to compare."""
    return "" if name in REFERENCES else f"ratio >= {GOAL}"


def report(hello: Result, best: dict[str, Result], workers: int, threads: int) -> None:
    print(f"gunicorn, {workers} sync workers each; {threads} client threads")
    print(f"{'hello world':31} {hello.rate:8.1f} requests/s ({hello.errors} errors)")
    for name, result in best.items():
        ratio = result.rate / hello.rate
        goal = f" (goal: {goal_of(name)})" if goal_of(name) else ""
        print(
            f"{name:31} {result.rate:8.1f} requests/s ({result.errors} errors), "
            f"ratio {ratio:.3f}{goal}"
        )
    if hello.errors or any(result.errors for result in best.values()):
        raise SystemExit("some requests failed")


def run(quick: bool = False) -> list[dict]:
    """The benchmark rows for tests/benchmarks/run_all.py: each page against hello world."""
    seconds, rounds = (2.0, 1) if quick else (8.0, 2)
    hello, best = measure(seconds=seconds, rounds=rounds)
    report(hello, best, workers=2, threads=4)
    return [
        {
            "name": f"{name} (requests/s)",
            "value": round(result.rate, 1),
            "unit": "req/s",
            "baseline": f"hello world {hello.rate:.0f} req/s",
            "ratio": round(result.rate / hello.rate, 3),
            "goal": goal_of(name),
        }
        for name, result in best.items()
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=8.0, help="per measurement")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers per server")
    parser.add_argument("--threads", type=int, default=4, help="client threads")
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument(
        "--database-url", help="an empty database to use instead of a new SQLite file"
    )
    args = parser.parse_args()
    if args.database_url:
        os.environ["MBTRAIN_BENCH_DATABASE_URL"] = args.database_url
    hello, best = measure(args.seconds, args.workers, args.threads, args.rounds)
    report(hello, best, args.workers, args.threads)


if __name__ == "__main__":
    main()
