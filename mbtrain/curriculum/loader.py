"""Curriculum files: TOML in, frozen dataclasses out, validated strictly.

``parse`` reports every problem of a file at once, each naming the file and the entry.
``content`` is the canonical form (the file's own shape, as plain JSON values) that is stored
in the database and hashed. Nothing here touches the database.
"""

import difflib
import json
import math
import re
import tomllib
from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from dataclasses import replace
from functools import cache
from pathlib import Path
from typing import Any, TypeVar

from mbtrain.curriculum.definition import (
    AttendanceStatus,
    CompletionRule,
    Curriculum,
    CurriculumError,
    Module,
    ModuleKind,
)
from mbtrain.enums import LabelledEnum
from mbtrain.resources import resource_dir

E = TypeVar("E", bound=LabelledEnum)
CODE = re.compile(r"[A-Z][A-Z0-9]*(-[A-Z0-9]+)*")
VERSION = re.compile(r"[0-9]+(\.[0-9]+)*")
TOP_KEYS = ("code", "version", "title", "description", "blocks", "modules", "completion")
MODULE_KEYS = (
    "code",
    "title",
    "block",
    "kind",
    "hours",
    "learning_outcomes",
    "assessment",
    "required",
)
COMPLETION_KEYS = (
    "min_attendance_theory",
    "min_attendance_practice",
    "counts_against_attendance",
    "required_modules",
    "required_placements",
    "project_required",
)


# Reading ---------------------------------------------------------------------------------


def load_file(path: Path) -> Curriculum:
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise CurriculumError([f"{path.name}: cannot be read: {error}"]) from error
    return parse(text, path.name)


def load_files(paths: Iterable[Path]) -> tuple[Curriculum, ...]:
    """Every file parsed, or one CurriculumError with the problems of all of them."""
    curricula: list[Curriculum] = []
    problems: list[str] = []
    for path in paths:
        try:
            curricula.append(load_file(path))
        except CurriculumError as error:
            problems.extend(error.problems)
    if problems:
        raise CurriculumError(problems)
    return tuple(curricula)


def shipped_paths() -> list[Path]:
    return sorted(resource_dir("curriculum").glob("*.toml"))


@cache
def shipped_curricula() -> tuple[Curriculum, ...]:
    """The curricula that ship with the app, parsed once per process."""
    return load_files(shipped_paths())


def parse(text: str, name: str) -> Curriculum:
    """Parse a curriculum file's text; ``name`` is the file's name, which must be
    ``<code>-<version>.toml`` in lower case."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise CurriculumError([f"{name}: not valid TOML: {error}"]) from error
    return _build(data, name, source=text, from_file=True)


def from_content(content: Mapping[str, Any], name: str, source: str = "") -> Curriculum:
    """A curriculum from its canonical content (as stored), checked as strictly as a file."""
    if not isinstance(content, Mapping):
        raise CurriculumError([f"{name}: the content must be a table"])
    return _build(content, name, source=source, from_file=False)


def version_key(version: str) -> tuple[int, ...]:
    """Orders versions as numbers: 2025.2 before 2025.10."""
    return tuple(int(part) for part in version.split(".") if part.isdigit())


# Validation ------------------------------------------------------------------------------


class _Table:
    """One table being read. Each getter returns the value, or None after noting the problem
    (a missing key is noted once, by ``check_keys``)."""

    def __init__(self, data: Mapping[str, Any], where: str, problems: list[str]):
        self.data, self.where, self.problems = data, where, problems
        self.failed = False

    def problem(self, message: str) -> None:
        self.problems.append(f"{self.where}: {message}")
        self.failed = True

    def check_keys(self, required: Collection[str], optional: Collection[str] = ()) -> None:
        allowed = [*required, *optional]
        for key in self.data:
            if key not in allowed:
                self.problem(f'unknown key "{key}"{_did_you_mean(key, allowed)}')
        for key in required:
            if key not in self.data:
                self.problem(f'missing key "{key}"')

    def get(self, key: str, accept: Callable[[Any], bool], expected: str) -> Any:
        if key not in self.data:
            return None
        value = self.data[key]
        if accept(value):
            return value
        self.problem(f"{key} must be {expected} (got {_show(value)})")
        return None

    def text(
        self, key: str, max_length: int = 10_000, pattern: re.Pattern | None = None, expected=""
    ) -> str | None:
        def accept(value: Any) -> bool:
            return (
                _is_text(value)
                and len(value.strip()) <= max_length
                and (pattern is None or pattern.fullmatch(value) is not None)
            )

        expected = expected or f"a non-empty string of at most {max_length} characters"
        value = self.get(key, accept, expected)
        return value.strip() if value is not None else None

    def texts(self, key: str, allow_empty: bool = False) -> tuple[str, ...] | None:
        def accept(value: Any) -> bool:
            return isinstance(value, list) and (allow_empty or value) and all(map(_is_text, value))

        expected = "a list of non-empty strings" if allow_empty else "a non-empty list of strings"
        values = self.get(key, accept, expected)
        if values is None:
            return None
        values = tuple(v.strip() for v in values)
        for repeated in _repeated(values):
            self.problem(f'{key} lists "{repeated}" more than once')
        return values

    def positive_number(self, key: str) -> float | None:
        value = self.get(key, lambda v: _is_number(v) and v > 0, "a positive number")
        return _plain_number(value) if value is not None else None

    def fraction(self, key: str) -> float | None:
        value = self.get(key, lambda v: _is_number(v) and 0 <= v <= 1, "a number from 0 to 1")
        return float(value) if value is not None else None

    def whole_number(self, key: str, minimum: int) -> int | None:
        def accept(value: Any) -> bool:
            return isinstance(value, int) and not isinstance(value, bool) and value >= minimum

        return self.get(key, accept, f"a whole number of at least {minimum}")

    def flag(self, key: str) -> bool | None:
        return self.get(key, lambda v: isinstance(v, bool), "true or false")

    def choice(self, key: str, enum: type[E]) -> E | None:
        values = [member.value for member in enum]
        value = self.get(key, lambda v: v in values, "one of " + _quoted(values))
        return enum(value) if value is not None else None

    def choices(self, key: str, enum: type[E]) -> tuple[E, ...] | None:
        values = [member.value for member in enum]
        chosen = self.get(
            key,
            lambda v: isinstance(v, list) and all(item in values for item in v),
            "a list of " + _quoted(values),
        )
        if chosen is None:
            return None
        for repeated in _repeated(chosen):
            self.problem(f'{key} lists "{repeated}" more than once')
        return tuple(member for member in enum if member.value in chosen)

    def table(self, key: str) -> Mapping[str, Any] | None:
        return self.get(key, lambda v: isinstance(v, Mapping), "a table")

    def tables(self, key: str) -> list[Mapping[str, Any]]:
        def accept(value: Any) -> bool:
            return isinstance(value, list) and value and all(isinstance(v, Mapping) for v in value)

        return self.get(key, accept, f"a non-empty array of tables ([[{key}]])") or []


def _build(data: Mapping[str, Any], name: str, source: str, from_file: bool) -> Curriculum:
    problems: list[str] = []
    top = _Table(data, name, problems)
    top.check_keys(TOP_KEYS)
    code = top.text("code", 40, CODE, 'capital letters, digits and hyphens, e.g. "MB-NASJONAL"')
    version = top.text("version", 20, VERSION, 'numbers separated by dots, e.g. "2025.1"')
    title = top.text("title", max_length=200)
    description = top.text("description")
    blocks = top.texts("blocks")
    tables = top.tables("modules")
    modules = _modules(tables, name, blocks, problems)
    rule_data = top.table("completion")
    rule = None
    if rule_data is not None:
        complete = modules if tables and len(modules) == len(tables) else None
        rule = _completion(_Table(rule_data, f"{name}: completion", problems), complete)
    expected_name = f"{code.lower()}-{version}.toml" if code and version else None
    if from_file and expected_name and name != expected_name:
        top.problem(f'the file must be named "{expected_name}", after its code and version')
    if problems:
        raise CurriculumError(problems)
    return Curriculum(code, version, title, description, blocks, modules, rule, source)


def _modules(
    tables: list[Mapping[str, Any]], name: str, blocks: tuple[str, ...] | None, problems: list
) -> tuple[Module, ...]:
    modules: list[Module] = []
    first_use: dict[str, int] = {}
    for number, data in enumerate(tables, start=1):
        code = data.get("code")
        where = f"{name}: modules[{number}]"
        table = _Table(data, f'{where} (code "{code}")' if _is_text(code) else where, problems)
        if _is_text(code) and code in first_use:
            table.problem(f'code "{code}" is also used by modules[{first_use[code]}]')
        elif _is_text(code):
            first_use[code] = number
        module = _module(table, blocks)
        if module is not None:
            modules.append(module)
    for block in blocks or ():
        if not any(t.get("block") == block for t in tables):
            problems.append(f'{name}: blocks: block "{block}" has no modules')
    return tuple(modules)


def _module(table: _Table, blocks: tuple[str, ...] | None) -> Module | None:
    table.check_keys(MODULE_KEYS, optional=("weeks",))
    block = table.text("block", max_length=100)
    if block is not None and blocks is not None and block not in blocks:
        table.problem(f'block "{block}" is not one of the blocks ({", ".join(blocks)})')
    kind = table.choice("kind", ModuleKind)
    weeks = table.whole_number("weeks", minimum=1)
    if kind is ModuleKind.PRACTICE and "weeks" not in table.data:
        table.problem('a practice module must give its length in "weeks"')
    if kind not in (None, ModuleKind.PRACTICE) and "weeks" in table.data:
        table.problem('only practice modules have "weeks"')
    module = Module(
        code=table.text("code", 20, CODE, 'capital letters, digits and hyphens, e.g. "T1-02"'),
        title=table.text("title", max_length=200),
        block=block,
        kind=kind,
        hours=table.positive_number("hours"),
        learning_outcomes=table.texts("learning_outcomes"),
        assessment=table.text("assessment", max_length=500),
        required=table.flag("required"),
        weeks=weeks,
    )
    return None if table.failed else module


def _completion(table: _Table, modules: tuple[Module, ...] | None) -> CompletionRule | None:
    """The completion rule; checked against the modules only when all of them are valid,
    so that one broken module does not bring a cascade of follow-on problems."""
    table.check_keys(COMPLETION_KEYS)
    against = table.choices("counts_against_attendance", AttendanceStatus)
    if against and AttendanceStatus.TIL_STEDE in against:
        table.problem('counts_against_attendance cannot include "TIL_STEDE"')
    rule = CompletionRule(
        min_attendance_theory=table.fraction("min_attendance_theory"),
        min_attendance_practice=table.fraction("min_attendance_practice"),
        counts_against_attendance=against,
        required_modules=table.texts("required_modules", allow_empty=True),
        required_placements=table.whole_number("required_placements", minimum=0),
        project_required=table.flag("project_required"),
    )
    if table.failed or modules is None:
        return None
    _check_rule_against_modules(table, rule, modules)
    if table.failed:
        return None
    order = [m.code for m in modules]
    return replace(rule, required_modules=tuple(sorted(rule.required_modules, key=order.index)))


def _check_rule_against_modules(
    table: _Table, rule: CompletionRule, modules: tuple[Module, ...]
) -> None:
    codes = {m.code for m in modules}
    for code in rule.required_modules:
        if code not in codes:
            table.problem(f'required_modules names "{code}", which is not a module')
    marked = {m.code for m in modules if m.required}
    listed = set(rule.required_modules) & codes
    if marked != listed:
        table.problem(
            "required_modules must list exactly the modules with required = true"
            + _listing("; not listed: ", marked - listed)
            + _listing("; listed but not required = true: ", listed - marked)
        )
    practice = sum(1 for m in modules if m.kind is ModuleKind.PRACTICE)
    if rule.required_placements > practice:
        table.problem(
            f"required_placements is {rule.required_placements}, "
            f"but there are only {practice} practice modules"
        )
    if rule.project_required and not any(m.kind is ModuleKind.PROJECT for m in modules):
        table.problem('project_required is true, but no module has kind "project"')


# Small helpers ---------------------------------------------------------------------------


def _is_text(value: Any) -> bool:
    return isinstance(value, str) and bool(value.strip())


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)


def _plain_number(value: float) -> float:
    """24.0 is stored as 24, so that the same hours always give the same canonical form."""
    return int(value) if float(value).is_integer() else float(value)


def _repeated(values: Sequence[Any]) -> list[Any]:
    seen: set[Any] = set()
    repeated = [v for v in values if v in seen or seen.add(v)]
    return list(dict.fromkeys(repeated))


def _quoted(values: Sequence[str]) -> str:
    return ", ".join(f'"{value}"' for value in values)


def _listing(prefix: str, codes: set[str]) -> str:
    return prefix + ", ".join(f'"{c}"' for c in sorted(codes)) if codes else ""


def _did_you_mean(key: str, allowed: Sequence[str]) -> str:
    close = difflib.get_close_matches(key, allowed, n=1)
    return f' (did you mean "{close[0]}"?)' if close else ""


def _show(value: Any) -> str:
    shown = json.dumps(value, ensure_ascii=False, default=str)
    return shown if len(shown) <= 60 else shown[:57] + "..."
