"""Every benchmark, one table:

    python tests/benchmarks/run_all.py            # the figures for the README (minutes)
    python tests/benchmarks/run_all.py --quick    # proves they all still run (CI; no gating)

Runs each ``tests/benchmarks/bench_*.py`` in a process of its own (they set environment
variables and build databases of their own) and prints one table, with the machine it ran on.

The convention a benchmark module follows: it exposes ``run(quick: bool) -> list[dict]``,
one dict per figure, with the keys

    name      what was measured ("cohort matrix (requests/s)")
    value     the figure (a number)
    unit      its unit ("req/s", "MB", "s", "queries")
    baseline  what it is compared with, in words and numbers ("hello world 812 req/s")
    ratio     value / baseline (a number), or None where there is nothing to divide by
    goal      the target in words ("ratio >= 0.25"), or "" where there is none

Quick mode measures less and more briefly; its figures say that the benchmark works, not how
fast anything is. Times are never a pass/fail condition here: a benchmark fails only when it
cannot run (an exception or a non-zero exit), and then run_all exits non-zero.
"""

import argparse
import inspect
import json
import os
import platform
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[1]
COLUMNS = ("name", "value", "unit", "baseline", "ratio", "goal")


def modules() -> list[str]:
    return sorted(path.stem for path in HERE.glob("bench_*.py"))


def run_module(name: str, quick: bool) -> tuple[list[dict], float, str]:
    """The module's rows, its run time, and why it failed ("" when it did not)."""
    started = time.monotonic()
    with tempfile.NamedTemporaryFile(suffix=".json") as out:
        command = [sys.executable, __file__, "--child", name, "--out", out.name]
        command += ["--quick"] if quick else []
        finished = subprocess.run(  # noqa: S603 - ourselves
            command, cwd=REPO, check=False, stderr=subprocess.PIPE, text=True
        )
        sys.stderr.write(finished.stderr)
        seconds = time.monotonic() - started
        if finished.returncode != 0:
            last = (finished.stderr.strip().splitlines() or [""])[-1]
            return [], seconds, f"exit {finished.returncode}: {last}"
        return json.loads(Path(out.name).read_text()), seconds, ""


def child(name: str, quick: bool, out: str) -> None:
    """In the child process: import the module, run it, write its rows as JSON."""
    sys.path.insert(0, str(REPO))
    module = __import__(f"tests.benchmarks.{name}", fromlist=["run"])
    run = getattr(module, "run", None)
    if run is None or "quick" not in inspect.signature(run).parameters:
        raise SystemExit(f"{name} does not expose run(quick: bool) -> list[dict] yet")
    rows = run(quick=quick)
    for row in rows:
        missing = set(COLUMNS) - set(row)
        if missing:
            raise SystemExit(f"{name}: a row lacks {sorted(missing)}: {row}")
    Path(out).write_text(json.dumps(rows))


def machine() -> str:
    cpu = "unknown CPU"
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.exists():
        for line in cpuinfo.read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    memory = ""
    meminfo = Path("/proc/meminfo")
    if meminfo.exists():
        total_kb = int(meminfo.read_text().split()[1])
        memory = f", {total_kb / 1024 / 1024:.0f} GB RAM"
    return (
        f"{cpu}, {os.cpu_count()} CPUs{memory}; {platform.system()} {platform.release()}; "
        f"Python {platform.python_version()}"
    )


def cell(value) -> str:
    if value is None:
        return "–"
    if isinstance(value, float):
        return short(value)
    return str(value)


def short(value: float) -> str:
    """Three decimals below 10 (ratios), one above; trailing zeros dropped, one kept."""
    text = f"{value:,.3f}" if abs(value) < 10 else f"{value:,.1f}"
    text = text.rstrip("0")
    return text + "0" if text.endswith(".") else text


def table(rows: list[dict]) -> str:
    """A Markdown table, readable in a terminal and pasted as it is into the README."""
    header = ("benchmark", *COLUMNS)
    lines = [[str(r.get("module", "")), *(cell(r.get(c)) for c in COLUMNS)] for r in rows]
    widths = [max(len(h), *(len(line[i]) for line in lines)) for i, h in enumerate(header)]
    out = ["| " + " | ".join(h.ljust(w) for h, w in zip(header, widths, strict=True)) + " |"]
    out.append("|" + "|".join("-" * (w + 2) for w in widths) + "|")
    for line in lines:
        out.append("| " + " | ".join(v.ljust(w) for v, w in zip(line, widths, strict=True)) + " |")
    return "\n".join(out)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="brief runs that prove it works")
    parser.add_argument("--only", nargs="*", help="module names, e.g. bench_memory")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    parser.add_argument("--out", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args.child, args.quick, args.out)
        return

    rows, failed, started = [], [], time.monotonic()
    for name in args.only or modules():
        print(f"\n== {name}", flush=True)
        found, seconds, error = run_module(name, args.quick)
        if error:
            failed.append(name)
            found = [{"name": f"FAILED ({error})"}]
        rows += [{"module": name, **row} for row in found]
        print(f"== {name}: {seconds:.0f} s", flush=True)
    mode = "quick mode: these figures prove it runs, they measure nothing" if args.quick else ""
    print(f"\nBenchmarks, {time.strftime('%Y-%m-%d')}{'; ' + mode if mode else ''}")
    print(f"Machine: {machine()}\n")
    print(table(rows))
    print(f"\n{len(rows)} figures in {time.monotonic() - started:.0f} s")
    if failed:
        raise SystemExit(f"failed: {', '.join(failed)}")


if __name__ == "__main__":
    main()
