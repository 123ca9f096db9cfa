"""Curriculum files for the tests: the shipped one, edited key by key, written to tmp_path."""

import re
from collections.abc import Callable
from pathlib import Path

import pytest

from mbtrain.resources import resource_dir

SHIPPED_NAME = "mb-nasjonal-2025.1.toml"
SECTION_START = re.compile(r"(?m)^(?=\[\[modules\]\]$|\[completion\]$)")


@pytest.fixture
def shipped_text() -> str:
    return (resource_dir("curriculum") / SHIPPED_NAME).read_text(encoding="utf-8")


@pytest.fixture
def edit_curriculum() -> Callable[[str, str, str, str | None], str]:
    return edit


def edit(text: str, section: str, key: str, value: str | None) -> str:
    """Set one key (``value`` is TOML; None removes the key) in one section of a curriculum
    file: "top", "completion" or a module's code."""
    parts = SECTION_START.split(text)
    index = _section_index(parts, section)
    part = parts[index]
    line = "" if value is None else f"{key} = {value}\n"
    existing = re.compile(rf"(?ms)^{re.escape(key)} = .*?(?=^\w+ = |^\[|^#|\Z)")
    if existing.search(part):
        part = existing.sub(lambda _: line, part, count=1)
    elif section == "top":
        part = line + part
    else:
        header, rest = part.split("\n", 1)
        part = f"{header}\n{line}{rest}"
    parts[index] = part
    return "".join(parts)


def _section_index(parts: list[str], section: str) -> int:
    if section == "top":
        return 0
    marker = "[completion]" if section == "completion" else f'code = "{section}"\n'
    return next(i for i, part in enumerate(parts) if i and marker in part)


@pytest.fixture
def write_curriculum(tmp_path) -> Callable[..., Path]:
    def write(text: str, name: str = SHIPPED_NAME) -> Path:
        path = tmp_path / name
        path.write_text(text, encoding="utf-8")
        return path

    return write
