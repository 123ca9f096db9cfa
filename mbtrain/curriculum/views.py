from itertools import groupby

from flask import Blueprint, render_template

from mbtrain.curriculum import access, services
from mbtrain.curriculum.display import DIFF_WORDS, version_page
from mbtrain.curriculum.forms import CompareForm

bp = Blueprint("curriculum", __name__, url_prefix="/laereplaner")


@bp.get("/")
def curriculum_list():
    groups = [
        (code, list(versions)[::-1])
        for code, versions in groupby(services.all_versions(), key=lambda row: row.code)
    ]
    return render_template("curriculum/list.html", groups=groups)


@bp.get("/<code>/<version>")
def curriculum_version(code: str, version: str):
    row = access.load_version(code, version)
    return render_template("curriculum/version.html", **version_page(row))


@bp.get("/<code>/sammenlign")
def compare_versions(code: str):
    rows = access.load_versions(code)
    form = CompareForm.between(rows)
    diff = services.diff_versions(rows, *chosen) if (chosen := form.chosen()) else None
    return render_template(
        "curriculum/compare.html", code=code, latest=rows[-1], form=form, diff=diff, **DIFF_WORDS
    )
