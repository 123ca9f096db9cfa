"""Curriculum files: the shipped one is the national standard; broken ones say what and where."""

import pytest

from mbtrain.curriculum import definition, loader
from mbtrain.curriculum.definition import AttendanceStatus, CurriculumError, ModuleKind

NAME = "mb-nasjonal-2025.1.toml"


def problems_of(path) -> tuple[str, ...]:
    with pytest.raises(CurriculumError) as raised:
        loader.load_file(path)
    return raised.value.problems


def test_the_shipped_curriculum_is_the_national_standard():
    (curriculum,) = loader.shipped_curricula()
    assert (curriculum.code, curriculum.version) == ("MB-NASJONAL", "2025.1")
    hours = {
        block: sum(m.hours for m in curriculum.modules_in(block)) for block in curriculum.blocks
    }
    assert hours == {
        "Oppstart": 12,
        "Teori I": 4 * 24,
        "Praksis I": 190,
        "Teori II": 6 * 16,
        "Praksis II": 190,
        "Prosjekt og avslutning": 40,
    }
    assert [m.weeks for m in curriculum.modules if m.kind is ModuleKind.PRACTICE] == [10, 10]
    assert curriculum.module("T1-02").title == "Tilfriskning (recovery) og empowerment"
    assert all(m.learning_outcomes and m.assessment for m in curriculum.modules)


def test_the_shipped_completion_rule_is_80_percent_and_everything_approved():
    (curriculum,) = loader.shipped_curricula()
    rule = curriculum.completion
    assert (rule.min_attendance_theory, rule.min_attendance_practice) == (0.8, 0.8)
    assert AttendanceStatus.TIL_STEDE not in rule.counts_against_attendance
    assert set(rule.counts_against_attendance) == {
        AttendanceStatus.SYK,
        AttendanceStatus.AVTALT_FRAVAER,
        AttendanceStatus.IKKE_MOTT,
    }
    assert rule.required_modules == tuple(m.code for m in curriculum.modules)
    assert rule.required_placements == 2
    assert rule.project_required


def test_the_shipped_files_are_parsed_once():
    assert loader.shipped_curricula() is loader.shipped_curricula()


def test_the_canonical_form_survives_storage_and_ignores_layout(
    shipped_text, edit_curriculum, write_curriculum
):
    original = loader.parse(shipped_text, NAME)
    assert loader.from_content(definition.content(original), "stored") == original
    # Comments, 24.0 for 24 and the order of the lists in the rule change nothing that counts.
    relaid = "\n".join(line for line in shipped_text.splitlines() if not line.startswith("#"))
    relaid = edit_curriculum(relaid, "T1-02", "hours", "24.0")
    relaid = edit_curriculum(
        relaid, "completion", "counts_against_attendance", '["IKKE_MOTT", "SYK", "AVTALT_FRAVAER"]'
    )
    assert definition.sha256(loader.load_file(write_curriculum(relaid))) == definition.sha256(
        original
    )
    changed = loader.parse(edit_curriculum(shipped_text, "T1-02", "hours", "20"), NAME)
    assert definition.sha256(changed) != definition.sha256(original)
    assert len(definition.sha256(original)) == 64


BROKEN = [
    ("T1-02", "hours", "0", 'modules[3] (code "T1-02"): hours must be a positive number (got 0)'),
    ("T1-02", "hours", "-4", 'modules[3] (code "T1-02"): hours must be a positive number (got -4)'),
    ("T1-02", "hours", '"24"', 'modules[3] (code "T1-02"): hours must be a positive number'),
    ("T1-02", "hours", "nan", 'modules[3] (code "T1-02"): hours must be a positive number'),
    (
        "T1-02",
        "hour",
        "24",
        'modules[3] (code "T1-02"): unknown key "hour" (did you mean "hours"?)',
    ),
    ("T1-02", "assessment", None, 'modules[3] (code "T1-02"): missing key "assessment"'),
    ("T1-02", "kind", '"teori"', 'modules[3] (code "T1-02"): kind must be one of "theory", '),
    ("T1-02", "required", '"ja"', 'modules[3] (code "T1-02"): required must be true or false'),
    ("T1-02", "title", '""', 'modules[3] (code "T1-02"): title must be a non-empty string'),
    ("T1-02", "learning_outcomes", "[]", 'modules[3] (code "T1-02"): learning_outcomes must be'),
    (
        "T1-02",
        "learning_outcomes",
        '["Kan lytte.", "Kan lytte."]',
        'modules[3] (code "T1-02"): learning_outcomes lists "Kan lytte." more than once',
    ),
    (
        "T1-02",
        "code",
        '"T1-01"',
        'modules[3] (code "T1-01"): code "T1-01" is also used by modules[2]',
    ),
    ("T1-02", "code", '"t1 02"', 'modules[3] (code "t1 02"): code must be capital letters'),
    ("T1-02", "code", "12", "modules[3]: code must be capital letters"),
    ("T1-02", "block", '"Teori 1"', 'modules[3] (code "T1-02"): block "Teori 1" is not one of'),
    ("T1-02", "weeks", "3", 'modules[3] (code "T1-02"): only practice modules have "weeks"'),
    ("P1-01", "weeks", None, 'modules[6] (code "P1-01"): a practice module must give its length'),
    (
        "P1-01",
        "weeks",
        "0",
        'modules[6] (code "P1-01"): weeks must be a whole number of at least 1',
    ),
    (
        "completion",
        "min_attendance_theory",
        "80",
        "completion: min_attendance_theory must be a number from 0 to 1 (got 80)",
    ),
    (
        "completion",
        "min_attendance_practice",
        "-0.1",
        "completion: min_attendance_practice must be a number from 0 to 1 (got -0.1)",
    ),
    (
        "completion",
        "counts_against_attendance",
        '["SYK", "FERIE"]',
        'completion: counts_against_attendance must be a list of "TIL_STEDE", "SYK", '
        '"AVTALT_FRAVAER", "IKKE_MOTT" (got ["SYK", "FERIE"])',
    ),
    (
        "completion",
        "counts_against_attendance",
        '["TIL_STEDE", "SYK"]',
        'completion: counts_against_attendance cannot include "TIL_STEDE"',
    ),
    (
        "completion",
        "required_modules",
        '["OPP-01", "T9-99"]',
        'completion: required_modules names "T9-99", which is not a module',
    ),
    (
        "completion",
        "required_placements",
        "3",
        "completion: required_placements is 3, but there are only 2 practice modules",
    ),
    ("completion", "project_required", "1", "completion: project_required must be true or false"),
    ("completion", "minimum", "1", 'completion: unknown key "minimum"'),
    (
        "T2-06",
        "required",
        "false",
        "completion: required_modules must list exactly the modules with required = true; "
        'listed but not required = true: "T2-06"',
    ),
    ("PRO-01", "kind", '"theory"', "completion: project_required is true, but no module has kind"),
    ("top", "title", None, 'missing key "title"'),
    ("top", "version", '"v2"', 'version must be numbers separated by dots, e.g. "2025.1"'),
    ("top", "version", '"2025.2"', 'the file must be named "mb-nasjonal-2025.2.toml"'),
    ("top", "blocks", '["Oppstart", "Oppstart"]', 'blocks lists "Oppstart" more than once'),
    ("top", "modules", '"alle"', "modules must be a non-empty array of tables ([[modules]])"),
    ("top", "autor", '"NAV"', 'unknown key "autor"'),
]


@pytest.mark.parametrize(
    ("section", "key", "value", "expected"),
    BROKEN,
    ids=[f"{section}.{key}={value}" for section, key, value, _ in BROKEN],
)
def test_a_broken_file_is_refused_naming_the_file_and_the_entry(
    section, key, value, expected, shipped_text, edit_curriculum, write_curriculum
):
    if section == "top" and key == "modules":
        text = shipped_text.replace("[[modules]]", "[[moduler]]")
        text = edit_curriculum(text, "top", "modules", value)
    else:
        text = edit_curriculum(shipped_text, section, key, value)
    problems = problems_of(write_curriculum(text))
    assert any(p.startswith(f"{NAME}: {expected}") for p in problems), problems


def test_a_block_without_modules_is_named(shipped_text, edit_curriculum, write_curriculum):
    blocks = shipped_text.split("blocks = ", 1)[1].split("\n", 1)[0]
    text = edit_curriculum(shipped_text, "top", "blocks", blocks.replace("]", ', "Sommer"]'))
    assert problems_of(write_curriculum(text)) == (
        f'{NAME}: blocks: block "Sommer" has no modules',
    )


def test_every_problem_is_reported_at_once(shipped_text, edit_curriculum, write_curriculum):
    text = edit_curriculum(shipped_text, "T1-02", "hours", "-1")
    text = edit_curriculum(text, "T2-03", "kind", '"seminar"')
    text = edit_curriculum(text, "completion", "min_attendance_theory", "1.5")
    problems = problems_of(write_curriculum(text))
    assert [p.split(": ")[1] for p in problems] == [
        'modules[3] (code "T1-02")',
        'modules[9] (code "T2-03")',
        "completion",
    ]


def test_a_missing_completion_rule_is_named(shipped_text, write_curriculum):
    text = shipped_text.split("[completion]")[0]
    assert f'{NAME}: missing key "completion"' in problems_of(write_curriculum(text))


def test_a_syntax_error_names_the_file_and_the_line(shipped_text, write_curriculum):
    line = shipped_text.splitlines().index('code = "T1-02"') + 1
    text = shipped_text.replace('code = "T1-02"', 'code = "T1-02', 1)
    (problem,) = problems_of(write_curriculum(text))
    assert problem.startswith(f"{NAME}: not valid TOML:")
    assert f"line {line}," in problem


def test_a_file_that_is_not_utf8_is_refused(write_curriculum):
    path = write_curriculum("")
    path.write_bytes('title = "Læreplan"'.encode("latin-1"))
    (problem,) = problems_of(path)
    assert problem.startswith(f"{NAME}: cannot be read:")


def test_problems_of_several_files_are_gathered(shipped_text, edit_curriculum, write_curriculum):
    good = write_curriculum(shipped_text)
    bad = write_curriculum(edit_curriculum(shipped_text, "top", "title", None), "mb-feil-1.toml")
    with pytest.raises(CurriculumError) as raised:
        loader.load_files([good, bad])
    assert raised.value.problems == (
        'mb-feil-1.toml: missing key "title"',
        'mb-feil-1.toml: the file must be named "mb-nasjonal-2025.1.toml", after its code and '
        "version",
    )


def test_versions_sort_as_numbers():
    versions = ["2025.10", "2025.2", "2026.1", "2025.1"]
    assert sorted(versions, key=loader.version_key) == ["2025.1", "2025.2", "2025.10", "2026.1"]
