"""Where the non-Python parts of the app live, in a source checkout and in an installed wheel.

The wheel carries templates/, curriculum/ and migrations/ inside the package under ``_data``
(see pyproject.toml); a source checkout keeps them at the top of the repository.
"""

from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent


def resource_dir(name: str) -> Path:
    installed = _PACKAGE / "_data" / name
    if installed.is_dir():
        return installed
    return _PACKAGE.parent / name
