"""Imported versions never change; the difference between two versions is precise."""

import pytest
from sqlalchemy import func, select

from mbtrain.curriculum import definition, loader, services
from mbtrain.curriculum.definition import ModuleKind
from mbtrain.curriculum.models import CurriculumVersion
from mbtrain.extensions import db

NAME = "mb-nasjonal-2025.1.toml"


def count_versions() -> int:
    return db.session.scalar(select(func.count()).select_from(CurriculumVersion))


def test_importing_stores_the_version_once(app, shipped_text):
    curriculum = loader.parse(shipped_text, NAME)
    first = services.import_curriculum(curriculum)
    db.session.commit()
    again = services.import_curriculum(loader.parse(shipped_text, NAME))
    db.session.commit()
    assert first.created and not again.created
    assert again.version.id == first.version.id and count_versions() == 1
    stored = db.session.get(CurriculumVersion, first.version.id)
    assert (stored.code, stored.version, stored.title) == (
        "MB-NASJONAL",
        "2025.1",
        curriculum.title,
    )
    assert stored.source == shipped_text
    assert stored.sha256 == definition.sha256(curriculum)
    assert services.curriculum_of(stored) == curriculum


def test_a_changed_version_is_refused_and_nothing_is_written(app, shipped_text, edit_curriculum):
    services.import_curriculum(loader.parse(shipped_text, NAME))
    db.session.commit()
    changed = loader.parse(edit_curriculum(shipped_text, "T1-02", "hours", "20"), NAME)
    with pytest.raises(services.CurriculumChanged) as refused:
        services.import_curriculum(changed)
    assert "MB-NASJONAL 2025.1 is already imported with different content" in str(refused.value)
    assert services.describe_diff(refused.value.diff) == ["module T1-02: hours 24 -> 20"]
    db.session.rollback()
    assert count_versions() == 1
    stored = services.find_version("MB-NASJONAL", "2025.1")
    assert services.curriculum_of(stored).module("T1-02").hours == 24


def test_a_new_version_is_imported_beside_the_old_one(app, shipped_text, edit_curriculum):
    services.import_curriculum(loader.parse(shipped_text, NAME))
    for version in ("2025.10", "2025.2"):
        text = edit_curriculum(shipped_text, "top", "version", f'"{version}"')
        services.import_curriculum(loader.parse(text, f"mb-nasjonal-{version}.toml"))
    db.session.commit()
    versions = [row.version for row in services.versions_of("MB-NASJONAL")]
    assert versions == ["2025.1", "2025.2", "2025.10"]
    assert services.versions_of("MB-ANNEN") == []


def parsed(text: str, version: str = "2025.1"):
    return loader.parse(text, f"mb-nasjonal-{version}.toml")


def test_the_same_curriculum_has_no_differences(shipped_text):
    assert services.diff_curricula(parsed(shipped_text), parsed(shipped_text)).is_empty


def test_the_diff_names_changed_fields_of_a_module(shipped_text, edit_curriculum):
    text = edit_curriculum(shipped_text, "T1-02", "hours", "20")
    text = edit_curriculum(text, "T1-02", "learning_outcomes", '["Kan forklare tilfriskning."]')
    diff = services.diff_curricula(parsed(shipped_text), parsed(text))
    (module,) = diff.changed
    assert module.new.code == "T1-02"
    assert [(c.field, c.new) for c in module.changes] == [
        ("hours", 20),
        ("learning_outcomes", ("Kan forklare tilfriskning.",)),
    ]
    assert module.changes[0].old == 24
    assert not (diff.added or diff.removed or diff.rule_changes or diff.changes)


def test_the_diff_finds_added_and_removed_modules_and_rule_changes(shipped_text, edit_curriculum):
    text = edit_curriculum(shipped_text, "T2-06", "code", '"T2-07"')
    text = text.replace('"T2-06",', '"T2-07",')
    text = edit_curriculum(text, "completion", "min_attendance_practice", "0.9")
    text = edit_curriculum(text, "top", "title", '"MB-opplæringen"')
    diff = services.diff_curricula(parsed(shipped_text), parsed(text))
    assert [m.code for m in diff.added] == ["T2-07"]
    assert [m.code for m in diff.removed] == ["T2-06"]
    before, after = parsed(shipped_text).completion, parsed(text).completion
    assert [(c.field, c.old, c.new) for c in diff.rule_changes] == [
        ("min_attendance_practice", 0.8, 0.9),
        ("required_modules", before.required_modules, after.required_modules),
    ]
    assert [c.field for c in diff.changes] == ["title"]
    assert diff.added[0].kind is ModuleKind.THEORY
