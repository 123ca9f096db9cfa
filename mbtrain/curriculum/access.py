"""An imported curriculum version (or every version of one curriculum) for a page; else 404."""

from flask import abort

from mbtrain.curriculum import services
from mbtrain.curriculum.models import CurriculumVersion


def load_version(code: str, version: str) -> CurriculumVersion:
    return services.find_version(code, version) or abort(404)


def load_versions(code: str) -> list[CurriculumVersion]:
    """Oldest first."""
    return services.versions_of(code) or abort(404)
