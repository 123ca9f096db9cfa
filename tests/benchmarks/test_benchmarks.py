"""Speed, measured on demand: ``pytest -m benchmark -s`` (left out of the default run)."""

import pytest

from tests.benchmarks import bench_matrix


@pytest.mark.benchmark
def test_cohort_matrix_against_hello_world():
    ratio = bench_matrix.run()
    # Printed in full by the script; recorded here so that a run shows the figure.
    print(f"cohort matrix / hello world: {ratio:.2f} (goal {bench_matrix.GOAL})")
    assert ratio > 0
