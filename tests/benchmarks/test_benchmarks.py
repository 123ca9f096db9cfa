"""Speed, measured on demand: ``pytest -m benchmark -s`` (left out of the default run)."""

import pytest

from tests.benchmarks import bench_matrix


@pytest.mark.benchmark
def test_cohort_matrix_against_hello_world():
    rows = bench_matrix.run()
    # Printed in full by the script; the pages measured all answered, with a rate.
    assert [row["name"] for row in rows] == [
        "cohort matrix (requests/s)",
        "trainee progress (requests/s)",
        "certificate download (requests/s)",
        f"{bench_matrix.FLOOR} (requests/s)",
        f"{bench_matrix.LEAST} (requests/s)",
        f"{bench_matrix.YARDSTICK} (requests/s)",
    ]
    assert all(row["ratio"] > 0 for row in rows)
    # The pages carry the goal; the three references are there to compare with.
    assert [bool(row["goal"]) for row in rows] == [True] * 3 + [False] * 3


@pytest.mark.benchmark
def test_issuing_certificates_against_layout_and_signature():
    from tests.benchmarks import bench_certificates

    rows = bench_certificates.run()
    # Printed in full by the script; the batch was issued and measured against its floor.
    assert rows[0]["name"] == "certificate batch, issue per certificate"
    assert rows[0]["ratio"] > 0
