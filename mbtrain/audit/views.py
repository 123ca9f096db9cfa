from flask import Blueprint, render_template, request
from flask_login import current_user

from mbtrain.audit.forms import AccessLogSearchForm
from mbtrain.audit.services import log_view, search_log, seen_by_others

bp = Blueprint("audit", __name__)

PAGE_SIZE = 200
SUBJECTS = ("subject_user_id", "subject_person_id")


@bp.get("/admin/tilgangslogg")
def search():
    form = AccessLogSearchForm(request.args, meta={"csrf": False})
    criteria = form.criteria()
    rows = search_log(PAGE_SIZE, **criteria)
    # Who looked at whose data is itself personal data: reading the log is logged too,
    # against the subject searched for, so the trainee sees it under «Hvem har sett».
    log_view("access_log", "ADMIN", **{key: criteria.get(key) for key in SUBJECTS})
    return render_template("audit/search.html", form=form, rows=rows)


@bp.get("/meg/innsyn")
def my_access_log():
    """«Hvem har sett opplysningene mine»: the trainee's own view of the access log."""
    return render_template("audit/my_access_log.html", rows=seen_by_others(current_user))
