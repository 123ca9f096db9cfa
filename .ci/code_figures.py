"""The shape of mbtrain/ in figures (issue 17): files over 400 lines, view length, commits in
views. Run from the repository root: python .ci/code_figures.py"""

import ast
import statistics
import sys
from pathlib import Path

root = Path(sys.argv[1] if len(sys.argv) > 1 else "mbtrain")
files = sorted(root.rglob("*.py"))
long_files = [(len(p.read_text().splitlines()), p) for p in files]
long_files = sorted((n, p) for n, p in long_files if n > 400)

lengths, commits = [], 0
for path in files:
    if not (path.name == "views.py" or path.name.endswith("_views.py")):
        continue
    tree = ast.parse(path.read_text())
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and getattr(node.func, "attr", "") in {"commit", "rollback"}:
            commits += 1
        if isinstance(node, ast.FunctionDef) and any(
            isinstance(d, ast.Call) and getattr(d.func, "attr", "") in {"route", "get", "post"}
            for d in node.decorator_list
        ):
            lengths.append(node.end_lineno - node.lineno + 1)

print(f"files over 400 lines: {len(long_files)}")
for n, p in long_files:
    print(f"  {n:5d} {p}")
print(
    f"views: {len(lengths)}; median {statistics.median(lengths)} lines, "
    f"p90 {statistics.quantiles(lengths, n=10)[-1]:.0f} lines (def to last line)"
)
print(f"commit()/rollback() calls in view modules: {commits}")
