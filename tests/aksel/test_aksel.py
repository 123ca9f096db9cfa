"""The Aksel files mbtrain ships (mbtrain/static/aksel) are the pinned npm packages' own,
byte for byte: a version bump in package.json without copying the files again, or a hand
edit of a shipped file, fails here."""

import hashlib
import json
import os
from pathlib import Path

import pytest

HERE = Path(__file__).parent
MODULES = HERE / "node_modules"
STATIC = HERE.parents[1] / "mbtrain" / "static" / "aksel"
DS_CSS = "@navikt/ds-css/dist"
FONTS = "@fontsource-variable/source-sans-3"
ICONS = "@navikt/aksel-icons/dist/svg"
# shipped file (under mbtrain/static/aksel) -> the package file it copies
SHIPPED = {
    **{
        f"css/{name}.min.css": f"{DS_CSS}/global/{name}.min.css"
        for name in ("reset", "tokens", "baseline", "print")
    },
    "css/components.min.css": f"{DS_CSS}/components.min.css",
    **{
        f"fonts/{font}": f"{FONTS}/files/{font}"
        for font in (
            "source-sans-3-latin-wght-normal.woff2",
            "source-sans-3-latin-ext-wght-normal.woff2",
        )
    },
    "fonts/LICENSE-source-sans-3.txt": f"{FONTS}/LICENSE",
    **{
        f"icons/{icon}.svg": f"{ICONS}/{icon}.svg"
        for icon in (
            "MenuHamburger",
            "ChevronDown",
            "XMark",
            "CheckmarkCircleFill",
            "ExclamationmarkTriangleFill",
            "InformationSquareFill",
            "XMarkOctagonFill",
        )
    },
}


@pytest.fixture(scope="module")
def installed() -> Path:
    if not MODULES.is_dir():
        reason = f"{MODULES} is missing: run `npm ci --prefix tests/aksel`"
        if os.environ.get("CI"):
            pytest.fail(f"the shipped Aksel files must be checked in CI: {reason}")
        pytest.skip(reason)
    return MODULES


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.mark.parametrize("shipped", sorted(SHIPPED))
def test_the_shipped_file_is_the_pinned_packages_own(installed, shipped):
    assert digest(STATIC / shipped) == digest(installed / SHIPPED[shipped]), (
        f"mbtrain/static/aksel/{shipped} differs from {SHIPPED[shipped]} in the pinned package; "
        "copy it again (see mbtrain/static/aksel/README.md)"
    )


def test_what_is_installed_is_what_the_lock_file_pins(installed):
    lock = json.loads((HERE / "package-lock.json").read_text())["packages"]
    for name in ("@navikt/ds-css", "@navikt/aksel-icons", "@fontsource-variable/source-sans-3"):
        package = json.loads((installed / name / "package.json").read_text())
        assert package["version"] == lock[f"node_modules/{name}"]["version"], name


def test_every_file_in_the_folder_is_accounted_for():
    own = {"README.md", "LICENSE"}
    present = {str(p.relative_to(STATIC)) for p in STATIC.rglob("*") if p.is_file()}
    assert present - own == set(SHIPPED), "a file in mbtrain/static/aksel that no test checks"


def test_the_readme_names_the_pinned_versions():
    pinned = json.loads((HERE / "package.json").read_text())["dependencies"]
    readme = (STATIC / "README.md").read_text()
    for name, version in pinned.items():
        assert f"{name.split('/')[-1]} {version}" in readme.replace("@", ""), name
