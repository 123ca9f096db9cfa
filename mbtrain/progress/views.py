from flask import Blueprint, render_template, request

from mbtrain import exports
from mbtrain.audit.models import AccessAction
from mbtrain.audit.services import log_view
from mbtrain.cohorts.models import Cohort
from mbtrain.i18n import today
from mbtrain.progress import meldekort
from mbtrain.progress.access import load_cohort, load_trainee_cohort, own_latest
from mbtrain.progress.pages import matrix_page, trainee_page

bp = Blueprint("progress", __name__)


@bp.get("/meg/progresjon")
def my_progress():
    """The trainee's own progress, in their latest course; nobody else's."""
    mine = own_latest()
    if mine is None:
        return render_template("progress/none.html")
    return trainee_page(*mine, today(), own=True)


@bp.get("/deltakere/<int:enrolment_id>/progresjon")
def trainee_progress(enrolment_id: int):
    return trainee_page(load_trainee_cohort(enrolment_id), enrolment_id, today(), own=False)


@bp.get("/kurs/<int:cohort_id>/progresjon")
def cohort_matrix(cohort_id: int):
    cohort = load_cohort(cohort_id)
    descending = request.args.get("dir") == "desc"
    return matrix_page(cohort, request.args.get("sort", "name"), descending, today())


# Meldekort -----------------------------------------------------------------------------


def _period(cohort: Cohort) -> tuple[meldekort.Period, list[meldekort.Period]]:
    """The period asked for (``?periode=``), or the one to report on now; and all of them."""
    periods = meldekort.periods_between(cohort.start_date, cohort.end_date)
    now = meldekort.default_period(cohort.start_date, cohort.end_date, today())
    return meldekort.asked_period(request.args.get("periode"), periods, now), periods


@bp.get("/kurs/<int:cohort_id>/meldekort")
def meldekort_summary(cohort_id: int):
    cohort = load_cohort(cohort_id, manage=True)
    period, periods = _period(cohort)
    summaries = meldekort.period_summaries(cohort.id, period)
    log_view(cohort, "MELDEKORT", object_type="meldekort")
    return render_template(
        "progress/meldekort.html",
        cohort=cohort,
        period=period,
        periods=periods,
        summaries=summaries,
        absences=meldekort.ABSENCES,
    )


@bp.get("/kurs/<int:cohort_id>/meldekort.csv")
def meldekort_csv(cohort_id: int):
    cohort = load_cohort(cohort_id, manage=True)
    period, _periods = _period(cohort)
    rows = (meldekort.csv_row(s, period) for s in meldekort.period_summaries(cohort.id, period))
    body = exports.csv_bytes(meldekort.csv_header(), rows)
    log_view(cohort, "MELDEKORT", action=AccessAction.EXPORT, object_type="meldekort")
    return exports.attachment(body, meldekort.export_filename(cohort.name, period))
