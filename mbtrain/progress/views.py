from datetime import date

from flask import Blueprint, Response, abort, render_template, request
from flask_babel import gettext as _
from flask_login import current_user
from markupsafe import Markup
from sqlalchemy import select

from mbtrain import exports
from mbtrain.accounts.models import Role
from mbtrain.audit.models import AccessAction
from mbtrain.audit.services import record_access
from mbtrain.cohorts import access as cohort_access
from mbtrain.cohorts.models import Cohort
from mbtrain.curriculum.loader import Curriculum
from mbtrain.enrolments.models import Enrolment
from mbtrain.extensions import db
from mbtrain.i18n import today
from mbtrain.people.models import Person
from mbtrain.policy import visible_cohorts
from mbtrain.progress import meldekort, services, tables
from mbtrain.progress.completion import hours_text
from mbtrain.progress.facts import (
    COHORT_OPTIONS,
    FOLLOWED,
    cohort_facts,
    cohort_query,
    curriculum_for,
    roster,
)

bp = Blueprint("progress", __name__)
bp.add_app_template_filter(hours_text, "hours")


def load_cohort(cohort_id: int, *, manage: bool = False) -> Cohort:
    """The cohort with what the progress pages show of it, if this user may see it; else 404."""
    return cohort_access.load_cohort(cohort_id, manage=manage, options=COHORT_OPTIONS)


def _trainee_page(cohort: Cohort, enrolment_id: int, *, own: bool):
    curriculum = curriculum_for(cohort.curriculum_version)
    trainees = roster(cohort.id, enrolment_id)
    if not trainees:
        abort(404)
    trainee = trainees[0]
    data = cohort_facts(cohort.id, trainees)
    sessions = services.sessions_of(cohort.id, trainee)
    record_access(
        AccessAction.VIEW,
        object_type="own_progress" if own else "trainee_progress",
        object_id=trainee.enrolment_id,
        subject_person_id=trainee.person_id,
        subject_user_id=trainee.user_id,
        purpose="OWN_DATA" if own else "COHORT_ADMIN",
    )
    db.session.commit()
    # Everything below works on what was read: no transaction is held open meanwhile.
    progress = services.evaluate_all(curriculum, trainees, data, today())[0]
    return render_template(
        "progress/trainee.html",
        cohort=cohort,
        curriculum=curriculum,
        trainee=trainee,
        progress=progress,
        chart=services.progress_chart(cohort, curriculum, progress, sessions, today()),
        own=own,
        may_assess=not own and current_user.role in (Role.COORDINATOR, Role.INSTRUCTOR),
    )


@bp.get("/meg/progresjon")
def my_progress():
    """The trainee's own progress, in their latest course; nobody else's."""
    mine = db.session.execute(
        select(Enrolment.id, Enrolment.cohort_id)
        .join(Person, Person.id == Enrolment.person_id)
        .where(Person.user_id == current_user.id, Enrolment.status.in_(FOLLOWED))
        .order_by(Enrolment.applied_on.desc(), Enrolment.id.desc())
        .limit(1)
    ).first()
    if mine is None:
        return render_template("progress/none.html")
    cohort = db.session.scalar(cohort_query().where(Cohort.id == mine.cohort_id))
    return _trainee_page(cohort, mine.id, own=True)


@bp.get("/deltakere/<int:enrolment_id>/progresjon")
def trainee_progress(enrolment_id: int):
    cohort = db.session.scalar(
        cohort_query()
        .join(Enrolment, Enrolment.cohort_id == Cohort.id)
        .where(Enrolment.id == enrolment_id, visible_cohorts(current_user))
    )
    if cohort is None:
        abort(404)
    return _trainee_page(cohort, enrolment_id, own=False)


@bp.get("/kurs/<int:cohort_id>/progresjon")
def cohort_matrix(cohort_id: int):
    cohort = load_cohort(cohort_id)
    curriculum = curriculum_for(cohort.curriculum_version)
    sort = request.args.get("sort", "name")
    if sort not in services.sort_keys(curriculum):
        sort = "name"
    descending = request.args.get("dir") == "desc"
    # The table as it was rendered for this very state of the cohort, if this worker has it.
    key = tables.key(cohort, sort, descending, today())
    table = tables.MATRICES.get(key)
    if table is None:
        trainees = roster(cohort.id)
        data = cohort_facts(cohort.id, trainees)
    record_access(
        AccessAction.VIEW,
        object_type="progress_matrix",
        object_id=cohort.id,
        purpose="COHORT_ADMIN",
    )
    db.session.commit()
    # Everything below works on what was read: no transaction is held open meanwhile.
    if table is None:
        progress = services.evaluate_all(curriculum, trainees, data, today())
        table = tables.MATRICES.put(key, _matrix_table(curriculum, progress, sort, descending))
    return render_template(
        "progress/matrix.html", cohort=cohort, curriculum=curriculum, table=table, today=today()
    )


def _matrix_table(
    curriculum: Curriculum, progress: list[services.TraineeProgress], sort: str, descending: bool
) -> Markup:
    """The table and its legend, in the order asked for (progress/_matrix_table.html)."""
    ordered = services.sort_progress(progress, sort, descending)
    rows, marks = services.matrix_rows(ordered, curriculum)
    html = render_template(
        "progress/_matrix_table.html",
        curriculum=curriculum,
        rows=rows,
        marks=marks,
        sort=sort,
        sort_label=services.sort_label(sort),
        descending=descending,
        sort_hints={"asc": _("sorter stigende"), "desc": _("sorter synkende")},
    )
    return Markup(html)  # noqa: S704 - the autoescaped output of our own template


# Meldekort -----------------------------------------------------------------------------


def _period(cohort: Cohort) -> tuple[meldekort.Period, list[meldekort.Period]]:
    periods = meldekort.periods_between(cohort.start_date, cohort.end_date)
    chosen = meldekort.default_period(cohort.start_date, cohort.end_date, today())
    try:
        asked = meldekort.Period(date.fromisoformat(request.args.get("periode", "")))
    except ValueError:
        asked = None
    return (asked if asked in periods else chosen), periods


def _summaries(cohort: Cohort, period: meldekort.Period) -> list[meldekort.Summary]:
    trainees = [
        t
        for t in roster(cohort.id)
        if t.start_date is not None
        and t.start_date <= period.end
        and (t.end_date is None or t.end_date >= period.start)
    ]
    return meldekort.summaries(cohort.id, trainees, period)


@bp.get("/kurs/<int:cohort_id>/meldekort")
def meldekort_summary(cohort_id: int):
    cohort = load_cohort(cohort_id, manage=True)
    period, periods = _period(cohort)
    summaries = _summaries(cohort, period)
    record_access(
        AccessAction.VIEW, object_type="meldekort", object_id=cohort.id, purpose="MELDEKORT"
    )
    db.session.commit()
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
    summaries = _summaries(cohort, period)
    body = exports.csv_bytes(
        meldekort.csv_header(), (meldekort.csv_row(s, period) for s in summaries)
    )
    record_access(
        AccessAction.EXPORT, object_type="meldekort", object_id=cohort.id, purpose="MELDEKORT"
    )
    db.session.commit()
    filename = meldekort.export_filename(cohort.name, period)
    return Response(
        body,
        mimetype="text/csv",
        headers={
            "Content-Type": "text/csv; charset=utf-8",
            "Content-Disposition": f'attachment; filename="{filename}"',
            "Cache-Control": "no-store",
        },
    )
