"""What does the national report cost, next to a bare count of the attendance table?

    python tests/benchmarks/bench_national_report.py [--db PATH] [--repeat 20] [--quick]

Builds a national-scale SQLite database with `mbtrain demo --scale national`'s generator
(15 counties × 10 years × 4 cohorts × 25 trainees), or reuses the one at --db; then, in the
same run and best of --repeat, times `SELECT count(*) FROM attendance_record` and the
national report's queries (services.stored_report_figures, which the page calls), and
prints both and the ratio (goal: at most 3); also the whole report with its tables.
It also prints what the report costs computed live (queries.figures: the seven SQL
aggregates over the whole country, which the nightly refresh runs and the page would run
without stored figures), and the nightly refresh itself (those aggregates plus the writes).
--quick builds a small country instead (2 counties × 1 year × 1 cohort × 5 trainees): it
proves the benchmark runs in seconds and measures nothing.
"""

import argparse
import os
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
GOAL = 3.0


@dataclass(frozen=True)
class Figures:
    rows: int  # attendance records in the database
    scan: float  # seconds: a bare count of them
    stored: float  # the page's queries over the stored figures
    page: float  # the whole report, queries, tables and charts
    live: float  # the same figures computed live over the whole country
    refresh: float  # the nightly refresh: the live figures and their writes


def best_of(repeat: int, work) -> float:
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        work()
        times.append(time.perf_counter() - started)
    return min(times)


def scale(quick: bool):
    from mbtrain.demo import national as demo_national

    if quick:
        return demo_national.Scale(counties=2, years=1, cohorts=1, trainees=5)
    return demo_national.Scale()


def measure(db_path: Path, repeat: int = 20, quick: bool = False) -> Figures:
    sys.path.insert(0, str(REPO))
    os.environ.setdefault("MBTRAIN_DATA_DIR", str(db_path.parent))
    from flask_migrate import upgrade
    from sqlalchemy import text

    from mbtrain import create_app
    from mbtrain.demo import national as demo_national
    from mbtrain.extensions import db
    from mbtrain.reports import snapshot
    from mbtrain.reports.queries import Filters, figures
    from mbtrain.reports.services import area_report, stored_report_figures

    app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{db_path}"})
    with app.app_context():
        upgrade()
        if not demo_national.already_built():
            started = time.perf_counter()
            demo_national.build_national(scale(quick), progress=print)
            db.session.commit()
            print(f"built in {time.perf_counter() - started:.0f} s")
        refresh = best_of(1, snapshot.refresh)
        db.session.commit()
        count = text("SELECT count(*) FROM attendance_record")
        rows = db.session.scalar(count)
        with app.test_request_context():
            scan = best_of(repeat, lambda: db.session.scalar(count))
            stored = best_of(repeat, lambda: stored_report_figures(Filters()))
            page = best_of(repeat, lambda: area_report(Filters(), {}, "Hele landet"))
            # Seconds each at national scale: a few runs are enough to take the best.
            live = best_of(min(repeat, 3), lambda: figures(Filters()))
        db.session.rollback()
        db.engine.dispose()
    return Figures(rows, scan, stored, page, live, refresh)


def report(f: Figures) -> None:
    ms = 1000
    print(f"attendance rows:                   {f.rows}")
    print(f"bare count of attendance rows:     {f.scan * ms:.1f} ms")
    print(f"national report's queries:         {f.stored * ms:.1f} ms")
    print(f"ratio: {f.stored / f.scan:.2f} (goal ≤ {GOAL:.0f})")
    times = f.page / f.scan
    print(f"the whole report (queries + tables, charts): {f.page * ms:.1f} ms = {times:.1f}×")
    print(
        f"the report's figures computed live: {f.live * ms:.0f} ms, {f.live / f.scan:.0f}× the scan"
    )
    times = f.refresh / f.scan
    print(f"nightly refresh (live + writes):    {f.refresh * ms:.0f} ms, {times:.0f}× the scan")


def rows_of(f: Figures) -> list[dict]:
    """The rows for tests/benchmarks/run_all.py: each path against the bare count."""
    baseline = f"count(*) of {f.rows:,} attendance rows {f.scan * 1000:.1f} ms"

    def row(name: str, seconds: float, goal: str) -> dict:
        return {
            "name": name,
            "value": round(seconds * 1000, 1),
            "unit": "ms",
            "baseline": baseline,
            "ratio": round(seconds / f.scan, 3),
            "goal": goal,
        }

    return [
        row("national report, stored figures (page's queries)", f.stored, f"ratio <= {GOAL:.0f}"),
        row("national report, whole page (queries + tables)", f.page, ""),
        row("national report, computed live (queries.figures)", f.live, ""),
        row("nightly refresh (live figures + writes)", f.refresh, ""),
    ]


def run(quick: bool = False, db_path: Path | None = None, repeat: int = 20) -> list[dict]:
    """The benchmark rows; quick: a small country built in seconds, and fewer repeats."""
    repeat = 3 if quick else repeat
    if db_path is not None:
        figures = measure(db_path, repeat, quick)
    else:
        with tempfile.TemporaryDirectory(prefix="mbtrain-bench-national-") as directory:
            figures = measure(Path(directory) / "national.sqlite3", repeat, quick)
    report(figures)
    return rows_of(figures)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", type=Path, help="a national database to reuse (built if new)")
    parser.add_argument("--repeat", type=int, default=20)
    parser.add_argument("--quick", action="store_true", help="a small country, in seconds")
    args = parser.parse_args()
    run(args.quick, args.db.resolve() if args.db else None, args.repeat)


if __name__ == "__main__":
    main()
