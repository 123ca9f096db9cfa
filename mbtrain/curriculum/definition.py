"""A curriculum as the code sees it: frozen dataclasses and the enums of its modules and
attendance, made by ``mbtrain.curriculum.loader`` from TOML and validated there; and its
canonical form (``content``), which is stored in the database and hashed."""

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from flask_babel import lazy_gettext as _l

from mbtrain.canonical import sha256_of
from mbtrain.enums import LabelledEnum


class ModuleKind(LabelledEnum):
    THEORY = "theory", _l("Teori")
    PRACTICE = "practice", _l("Praksis")
    PROJECT = "project", _l("Prosjekt")


class AttendanceStatus(LabelledEnum):
    """What a trainee's attendance at a session is recorded as; the completion rule names
    which of them count against the attendance threshold."""

    TIL_STEDE = "TIL_STEDE", _l("Til stede")
    SYK = "SYK", _l("Syk")
    AVTALT_FRAVAER = "AVTALT_FRAVAER", _l("Avtalt fravær")
    IKKE_MOTT = "IKKE_MOTT", _l("Ikke møtt")


@dataclass(frozen=True)
class Module:
    code: str
    title: str
    block: str
    kind: ModuleKind
    hours: float
    learning_outcomes: tuple[str, ...]
    assessment: str
    required: bool
    weeks: int | None = None


@dataclass(frozen=True)
class CompletionRule:
    min_attendance_theory: float
    min_attendance_practice: float
    counts_against_attendance: tuple[AttendanceStatus, ...]
    required_modules: tuple[str, ...]
    required_placements: int
    project_required: bool


@dataclass(frozen=True)
class Curriculum:
    code: str
    version: str
    title: str
    description: str
    blocks: tuple[str, ...]
    modules: tuple[Module, ...]
    completion: CompletionRule
    source: str = field(default="", compare=False, repr=False)

    def module(self, code: str) -> Module | None:
        return next((m for m in self.modules if m.code == code), None)

    def modules_in(self, block: str) -> tuple[Module, ...]:
        return tuple(m for m in self.modules if m.block == block)

    def hours(self, kind: ModuleKind | None = None) -> float:
        return sum(m.hours for m in self.modules if kind in (None, m.kind))


class CurriculumError(Exception):
    """Curriculum data that cannot be used; ``problems`` lists every problem found."""

    def __init__(self, problems: Sequence[str]):
        super().__init__("\n".join(problems))
        self.problems = tuple(problems)


# The canonical form ----------------------------------------------------------------------


def content(curriculum: Curriculum) -> dict[str, Any]:
    rule = curriculum.completion
    return {
        "code": curriculum.code,
        "version": curriculum.version,
        "title": curriculum.title,
        "description": curriculum.description,
        "blocks": list(curriculum.blocks),
        "modules": [_module_content(module) for module in curriculum.modules],
        "completion": {
            "min_attendance_theory": rule.min_attendance_theory,
            "min_attendance_practice": rule.min_attendance_practice,
            "counts_against_attendance": [s.value for s in rule.counts_against_attendance],
            "required_modules": list(rule.required_modules),
            "required_placements": rule.required_placements,
            "project_required": rule.project_required,
        },
    }


def _module_content(module: Module) -> dict[str, Any]:
    data = {
        "code": module.code,
        "title": module.title,
        "block": module.block,
        "kind": module.kind.value,
        "hours": module.hours,
        "learning_outcomes": list(module.learning_outcomes),
        "assessment": module.assessment,
        "required": module.required,
    }
    if module.weeks is not None:
        data["weeks"] = module.weeks
    return data


def sha256(curriculum: Curriculum) -> str:
    """What names a curriculum's content: the hash of its canonical JSON."""
    return sha256_of(content(curriculum))
