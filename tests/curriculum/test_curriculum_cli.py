"""`mbtrain curriculum validate` and `mbtrain curriculum import`."""

import pytest
from click.testing import CliRunner
from sqlalchemy import select

from mbtrain.cli import main
from mbtrain.curriculum.models import CurriculumVersion
from mbtrain.extensions import db


@pytest.fixture
def run(app):
    runner = app.test_cli_runner()

    def run(*args: str):
        return runner.invoke(main, ["curriculum", *map(str, args)])

    return run


def validate(*args):
    """Validation needs no app and no database: run it the way a plain shell does."""
    return CliRunner().invoke(main, ["curriculum", "validate", *map(str, args)])


def stored_versions() -> list[tuple[str, str]]:
    db.session.rollback()
    rows = db.session.scalars(select(CurriculumVersion).order_by(CurriculumVersion.version))
    return [(row.code, row.version) for row in rows]


def test_validate_checks_the_shipped_files_by_default():
    result = validate()
    assert result.exit_code == 0, result.output
    assert "mb-nasjonal-2025.1.toml: MB-NASJONAL 2025.1 is valid (14 modules, 624 hours)" in (
        result.output
    )


def test_validate_lists_every_problem_and_fails(shipped_text, edit_curriculum, write_curriculum):
    good = write_curriculum(shipped_text)
    text = edit_curriculum(shipped_text, "T1-02", "hours", "0")
    text = edit_curriculum(text, "completion", "min_attendance_theory", "80")
    text = edit_curriculum(text, "top", "version", '"2026.1"')
    bad = write_curriculum(text, "mb-nasjonal-2026.1.toml")
    result = validate(good, bad)
    assert result.exit_code == 1
    assert "MB-NASJONAL 2025.1 is valid" in result.stdout
    assert result.stderr.splitlines() == [
        'mb-nasjonal-2026.1.toml: modules[3] (code "T1-02"): hours must be a positive number '
        "(got 0)",
        "mb-nasjonal-2026.1.toml: completion: min_attendance_theory must be a number from 0 to 1 "
        "(got 80)",
        "Error: 1 of 2 curriculum files have problems.",
    ]


def test_import_imports_the_shipped_files_once(run):
    first = run("import")
    assert first.exit_code == 0, first.output
    assert first.output.split() == ["imported", "MB-NASJONAL", "2025.1"]
    again = run("import")
    assert again.exit_code == 0, again.output
    assert again.output.split() == ["unchanged", "MB-NASJONAL", "2025.1"]
    assert stored_versions() == [("MB-NASJONAL", "2025.1")]


def test_import_refuses_a_changed_version_and_imports_nothing(
    run, shipped_text, edit_curriculum, write_curriculum
):
    assert run("import").exit_code == 0
    changed = write_curriculum(edit_curriculum(shipped_text, "T1-02", "hours", "20"))
    newer_text = edit_curriculum(shipped_text, "top", "version", '"2026.1"')
    newer = write_curriculum(newer_text, "mb-nasjonal-2026.1.toml")
    result = run("import", newer, changed)
    assert result.exit_code == 1
    assert "imported   MB-NASJONAL 2026.1" in result.stdout
    assert "refused    MB-NASJONAL 2025.1: MB-NASJONAL 2025.1 is already imported" in result.stderr
    assert "module T1-02: hours 24 -> 20" in result.stderr
    assert "Error: Nothing was imported." in result.stderr
    assert stored_versions() == [("MB-NASJONAL", "2025.1")]


def test_import_of_a_broken_file_imports_nothing(
    run, shipped_text, edit_curriculum, write_curriculum
):
    broken = write_curriculum(edit_curriculum(shipped_text, "T1-02", "kind", '"teori"'))
    result = run("import", broken)
    assert result.exit_code == 1
    assert 'modules[3] (code "T1-02"): kind must be one of' in result.stderr
    assert "Nothing was imported: the files have problems." in result.stderr
    assert stored_versions() == []
