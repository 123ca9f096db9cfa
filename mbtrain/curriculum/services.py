"""Imported curriculum versions, and how two versions differ.

A version in the database never changes: a cohort pins it and certificates are printed from it.
Importing the same (code, version) again with the same content does nothing; with other content
it is refused, and a changed curriculum needs a new version.
"""

import logging
from dataclasses import dataclass, fields
from enum import Enum
from typing import Any, NamedTuple

from sqlalchemy import select

from mbtrain.curriculum import definition, loader
from mbtrain.curriculum.definition import CompletionRule, Curriculum, Module
from mbtrain.curriculum.models import CurriculumVersion
from mbtrain.extensions import db

log = logging.getLogger(__name__)


class CurriculumChanged(Exception):
    """An import of a (code, version) that is already in the database with other content."""

    def __init__(self, existing: CurriculumVersion, diff: "CurriculumDiff"):
        super().__init__(
            f"{existing.code} {existing.version} is already imported with different content "
            "(a version never changes; give the changed curriculum a new version)"
        )
        self.existing, self.diff = existing, diff


class Imported(NamedTuple):
    version: CurriculumVersion
    created: bool


def import_curriculum(curriculum: Curriculum) -> Imported:
    existing = find_version(curriculum.code, curriculum.version)
    digest = definition.sha256(curriculum)
    if existing is not None:
        if existing.sha256 == digest:
            return Imported(existing, created=False)
        raise CurriculumChanged(existing, diff_curricula(curriculum_of(existing), curriculum))
    version = CurriculumVersion(
        code=curriculum.code,
        version=curriculum.version,
        title=curriculum.title,
        content=definition.content(curriculum),
        source=curriculum.source,
        sha256=digest,
    )
    db.session.add(version)
    db.session.flush()
    log.info("curriculum %s %s imported (sha256 %s)", curriculum.code, curriculum.version, digest)
    return Imported(version, created=True)


def find_version(code: str, version: str) -> CurriculumVersion | None:
    return db.session.scalar(
        select(CurriculumVersion).where(
            CurriculumVersion.code == code, CurriculumVersion.version == version
        )
    )


def versions_of(code: str) -> list[CurriculumVersion]:
    """Every imported version of one curriculum, oldest first."""
    rows = db.session.scalars(select(CurriculumVersion).where(CurriculumVersion.code == code))
    return sorted(rows, key=lambda row: loader.version_key(row.version))


def all_versions() -> list[CurriculumVersion]:
    """Every imported version, by code and then oldest first."""
    rows = db.session.scalars(select(CurriculumVersion))
    return sorted(rows, key=lambda row: (row.code, loader.version_key(row.version)))


def curriculum_of(version: CurriculumVersion) -> Curriculum:
    return loader.from_content(
        version.content, f"{version.code} {version.version} (database)", source=version.source
    )


# Parsed curricula by content hash, for the whole process: a stored version never changes, and
# its hash names its content. Two workers (or threads) parsing the same one at once is harmless.
_parsed: dict[str, Curriculum] = {}


def curriculum_for(version: CurriculumVersion) -> Curriculum:
    """The curriculum of a stored version (a cohort's ``curriculum_version``), parsed once."""
    curriculum = _parsed.get(version.sha256)
    if curriculum is None:
        curriculum = _parsed[version.sha256] = curriculum_of(version)
    return curriculum


# Differences -----------------------------------------------------------------------------

CURRICULUM_FIELDS = ("title", "description", "blocks")
MODULE_FIELDS = (
    "title",
    "block",
    "kind",
    "hours",
    "weeks",
    "learning_outcomes",
    "assessment",
    "required",
)
RULE_FIELDS = tuple(f.name for f in fields(CompletionRule))


@dataclass(frozen=True)
class Change:
    field: str
    old: Any
    new: Any


@dataclass(frozen=True)
class ModuleChange:
    old: Module
    new: Module
    changes: tuple[Change, ...]


@dataclass(frozen=True)
class CurriculumDiff:
    old: Curriculum
    new: Curriculum
    changes: tuple[Change, ...]
    added: tuple[Module, ...]
    removed: tuple[Module, ...]
    changed: tuple[ModuleChange, ...]
    rule_changes: tuple[Change, ...]

    @property
    def is_empty(self) -> bool:
        return not (self.changes or self.added or self.removed or self.changed or self.rule_changes)


def diff_curricula(old: Curriculum, new: Curriculum) -> CurriculumDiff:
    """What changed from ``old`` to ``new``; modules are matched by code."""
    old_modules = {m.code: m for m in old.modules}
    new_codes = {m.code for m in new.modules}
    changed = (
        ModuleChange(old_modules[m.code], m, _changes(old_modules[m.code], m, MODULE_FIELDS))
        for m in new.modules
        if m.code in old_modules
    )
    return CurriculumDiff(
        old=old,
        new=new,
        changes=_changes(old, new, CURRICULUM_FIELDS),
        added=tuple(m for m in new.modules if m.code not in old_modules),
        removed=tuple(m for m in old.modules if m.code not in new_codes),
        changed=tuple(change for change in changed if change.changes),
        rule_changes=_changes(old.completion, new.completion, RULE_FIELDS),
    )


def diff_versions(rows: list[CurriculumVersion], old: str, new: str) -> CurriculumDiff:
    """What changed from version ``old`` to version ``new``, both among ``rows``."""
    by_version = {row.version: row for row in rows}
    return diff_curricula(curriculum_of(by_version[old]), curriculum_of(by_version[new]))


def _changes(old: object, new: object, names: tuple[str, ...]) -> tuple[Change, ...]:
    pairs = ((name, getattr(old, name), getattr(new, name)) for name in names)
    return tuple(Change(name, before, after) for name, before, after in pairs if before != after)


def describe_diff(diff: CurriculumDiff) -> list[str]:
    """The differences as plain lines, for the command line."""
    return [
        *(f"{c.field}: {_plain(c.old)} -> {_plain(c.new)}" for c in diff.changes),
        *(f"module {m.code} added" for m in diff.added),
        *(f"module {m.code} removed" for m in diff.removed),
        *(
            f"module {mc.new.code}: {c.field} {_plain(c.old)} -> {_plain(c.new)}"
            for mc in diff.changed
            for c in mc.changes
        ),
        *(f"completion: {c.field} {_plain(c.old)} -> {_plain(c.new)}" for c in diff.rule_changes),
    ]


def _plain(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, Enum):
        return str(value.value)
    if isinstance(value, tuple):
        return "[" + ", ".join(_plain(item) for item in value) + "]"
    if isinstance(value, str):
        return f'"{value}"' if len(value) <= 60 else f'"{value[:57]}..."'
    return str(value)
