"""Does a gunicorn worker keep growing? Its memory after 1,000 and after 10,000 requests.

    python tests/benchmarks/bench_memory.py [--quick]     # quick: 200 and 1,000 requests

Builds the cohort of bench_matrix.py (25 trainees, a year of data) in a temporary SQLite
database, serves the app with one sync gunicorn worker, logs in as the county coordinator and
requests the cohort matrix again and again (four client threads), reading the worker's
resident memory (VmRSS in /proc) after the warm-up, after the first count and after the
second. Caches fill during the first requests; after that the memory must stay flat: the
goal is less than 10 % growth between the two readings.
"""

import argparse
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO))  # run as a script too

from tests.benchmarks import bench_matrix  # noqa: E402
from tests.servers import start, stop, worker_pids  # noqa: E402

COUNTS = (1_000, 10_000)
QUICK_COUNTS = (200, 1_000)
WARM_UP = 50
THREADS = 4
GOAL = 1.10  # at most 10 % more after the second count than after the first


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024  # kB
    raise RuntimeError(f"no VmRSS for process {pid}")


def send(port: int, path: str, cookie: str, expect: str, count: int) -> None:
    """``count`` requests of ``path``, shared between the client threads; all must succeed."""
    import http.client
    import threading

    per_thread = [count // THREADS + (n < count % THREADS) for n in range(THREADS)]
    failures: list[int] = []

    def client(requests: int) -> None:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        for _ in range(requests):
            connection.request("GET", path, headers={"Cookie": cookie})
            response = connection.getresponse()
            if response.status != 200 or expect.encode() not in response.read():
                failures.append(response.status)
        connection.close()

    pool = [threading.Thread(target=client, args=(n,)) for n in per_thread]
    for thread in pool:
        thread.start()
    for thread in pool:
        thread.join()
    if failures:
        raise SystemExit(f"{len(failures)} of {count} requests failed: {failures[:5]}")


def measure(counts: tuple[int, int]) -> dict[str, float]:
    """Worker memory in MB after the warm-up and after each cumulative count of requests."""
    with tempfile.TemporaryDirectory(prefix="mbtrain-bench-") as scratch:
        data_dir = Path(scratch)
        cohort_id = bench_matrix.build_database(data_dir)
        page = bench_matrix.matrix_page(cohort_id)
        env = bench_matrix.environment(data_dir)
        server, port = start("mbtrain.wsgi:app", env, workers=1, cwd=data_dir)
        try:
            [worker] = worker_pids(server)
            cookie = bench_matrix.log_in(port)
            send(port, page.path, cookie, page.expect, WARM_UP)
            readings = {"warm-up": rss_mb(worker)}
            done = WARM_UP
            for count in counts:
                send(port, page.path, cookie, page.expect, count - done)
                done = count
                readings[f"{count:,}"] = rss_mb(worker)
                print(f"after {count:>6,} requests: {readings[f'{count:,}']:6.1f} MB", flush=True)
        finally:
            stop(server)
    return readings


def run(quick: bool = False) -> list[dict]:
    """The benchmark rows for tests/benchmarks/run_all.py."""
    counts = QUICK_COUNTS if quick else COUNTS
    readings = measure(counts)
    first, second = (readings[f"{count:,}"] for count in counts)
    return [
        {
            "name": f"worker memory after {counts[0]:,} requests",
            "value": round(first, 1),
            "unit": "MB",
            "baseline": f"after warm-up {readings['warm-up']:.1f} MB",
            "ratio": round(first / readings["warm-up"], 3),
            "goal": "",
        },
        {
            "name": f"worker memory after {counts[1]:,} requests",
            "value": round(second, 1),
            "unit": "MB",
            "baseline": f"after {counts[0]:,}: {first:.1f} MB",
            "ratio": round(second / first, 3),
            "goal": f"ratio < {GOAL}",
        },
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="200 and 1,000 requests")
    args = parser.parse_args()
    for row in run(args.quick):
        print(f"{row['name']}: {row['value']} {row['unit']} ({row['baseline']}; {row['goal']})")


if __name__ == "__main__":
    main()
