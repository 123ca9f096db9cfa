"""Do the pages load in a fixed number of queries, whatever the cohort's size?

    python tests/benchmarks/bench_queries.py

Builds the cohort of bench_matrix.py twice, with 5 and with 25 trainees, and counts the SQL
statements of one request to each page (the coordinator logged in; the access log's insert
and the session's bookkeeping included); the cohort matrix both computed and from its kept
table. The goal: the same count at both sizes.
"""

import re
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO))  # run as a script too

from tests.benchmarks import bench_matrix  # noqa: E402

SIZES = (5, 25)
CSRF_RE = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


def paths(cohort_id: int, enrolment_id: int, certificate_id: int) -> dict[str, str]:
    measured = bench_matrix.pages(cohort_id, enrolment_id, certificate_id)
    return {page.name: page.path for page in measured}


def count(trainees: int) -> dict[str, int]:
    """Statements per page for a cohort of ``trainees``."""
    from mbtrain import create_app
    from mbtrain.extensions import db
    from mbtrain.progress import tables

    bench_matrix.TRAINEES = trainees  # fill() reads it when it runs
    with tempfile.TemporaryDirectory(prefix="mbtrain-bench-") as scratch:
        data_dir = Path(scratch)
        cohort_id = bench_matrix.build_database(data_dir)
        enrolment_id = bench_matrix.first_enrolment(data_dir, cohort_id)
        app = create_app(environment_config(data_dir))
        client = app.test_client()
        page = client.get("/logg-inn").get_data(as_text=True)
        login = {"email": bench_matrix.COORDINATOR, "password": bench_matrix.PASSWORD}
        login["csrf_token"] = CSRF_RE.search(page).group(1)
        assert client.post("/logg-inn", data=login).status_code == 302, "login failed"
        counts = {}
        certificate_id = bench_matrix.stored_certificate(data_dir)
        for name, path in paths(cohort_id, enrolment_id, certificate_id).items():
            client.get(path)  # warm: templates compiled, curriculum cached
            if name == bench_matrix.matrix_page(cohort_id).name:
                # The table computed, as after any change; then as kept (progress/tables.py).
                tables.MATRICES.clear()
                counts[f"{name}, computed"] = statements_of(app, client, path)
                name = f"{name}, kept table"
            counts[name] = statements_of(app, client, path)
        for name, found in counts.items():
            print(f"{trainees:>3} trainees, {name}: {found} queries", flush=True)
        with app.app_context():
            db.engine.dispose()
    return counts


def statements_of(app, client, path: str) -> int:
    """The SQL statements one request of ``path`` runs."""
    import sqlalchemy as sa

    from mbtrain.extensions import db

    statements: list[str] = []

    def record(conn, cursor, statement, parameters, context, executemany):
        statements.append(statement)

    with app.app_context():
        sa.event.listen(db.engine, "before_cursor_execute", record)
        try:
            response = client.get(path)
        finally:
            sa.event.remove(db.engine, "before_cursor_execute", record)
    assert response.status_code == 200, (path, response.status_code)
    return len(statements)


def environment_config(data_dir: Path) -> dict:
    from mbtrain.config import load_settings

    return load_settings(bench_matrix.environment(data_dir))


def run(quick: bool = False) -> list[dict]:
    """The benchmark rows for tests/benchmarks/run_all.py (quick changes nothing: it is fast)."""
    small, large = (count(size) for size in SIZES)
    return [
        {
            "name": f"{name} queries ({SIZES[1]} trainees)",
            "value": large[name],
            "unit": "queries",
            "baseline": f"{small[name]} with {SIZES[0]} trainees",
            "ratio": round(large[name] / small[name], 3),
            "goal": "ratio = 1",
        }
        for name in large
    ]


if __name__ == "__main__":
    for row in run():
        print(f"{row['name']}: {row['value']} ({row['baseline']}; goal {row['goal']})")
