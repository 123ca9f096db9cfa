"""The layers, read from the source: views neither commit nor import each other, and nothing
below the views imports one (the request owns the transaction, mbtrain/web.py)."""

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).parents[1] / "mbtrain"
MODULES = sorted(PACKAGE.rglob("*.py"))
LONGEST = 400


def module_name(path: Path) -> str:
    return ".".join(path.relative_to(PACKAGE.parent).with_suffix("").parts)


def is_views(name: str) -> bool:
    return name.rsplit(".", 1)[-1] == "views" or name.endswith("_views")


def is_below_views(name: str) -> bool:
    last = name.rsplit(".", 1)[-1]
    return last in {"services", "models", "rules"} or last.endswith(("_services", "_models"))


def imported(tree: ast.Module, name: str) -> set[str]:
    package = name.split(".")[:-1]
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                base = ".".join(
                    [*package.split(".")[: len(package.split(".")) - node.level + 1], base]
                )
            found.add(base.strip("."))
            found.update(f"{base}.{alias.name}".strip(".") for alias in node.names)
    return {found_name for found_name in found if found_name.startswith("mbtrain")}


def transaction_calls(tree: ast.Module) -> list[int]:
    return [
        node.lineno
        for node in ast.walk(tree)
        if isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and node.func.attr in {"commit", "rollback"}
    ]


SOURCES = {module_name(path): ast.parse(path.read_text(), str(path)) for path in MODULES}
VIEWS = sorted(name for name in SOURCES if is_views(name))


def test_the_check_sees_the_views():
    assert "mbtrain.attendance.views" in VIEWS and len(VIEWS) >= 15


@pytest.mark.parametrize("name", VIEWS)
def test_a_view_module_neither_commits_nor_rolls_back(name):
    assert transaction_calls(SOURCES[name]) == [], "the request owns the transaction (web.py)"


@pytest.mark.parametrize("name", VIEWS)
def test_a_view_module_imports_no_other_view_module(name):
    others = {found for found in imported(SOURCES[name], name) if is_views(found)} - {name}
    assert others == set(), "shared loaders belong in <domain>/access.py"


@pytest.mark.parametrize("name", sorted(n for n in SOURCES if is_below_views(n)))
def test_services_models_and_rules_import_no_view_module(name):
    assert {found for found in imported(SOURCES[name], name) if is_views(found)} == set()


@pytest.mark.parametrize("path", MODULES, ids=lambda p: module_name(p))
def test_no_module_is_longer_than_it_can_be_read(path):
    assert len(path.read_text().splitlines()) <= LONGEST
