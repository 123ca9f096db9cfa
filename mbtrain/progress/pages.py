"""The progress pages: a trainee's progress and the cohort's matrix.

Each works out and renders its page from what it has read, and writes its access-log row
last, just before the request commits: no write (on SQLite: the database's write lock) is
held while the page is worked out.
"""

from datetime import date

from flask import abort, render_template
from flask_babel import gettext as _
from flask_login import current_user
from markupsafe import Markup

from mbtrain.accounts.models import Role
from mbtrain.audit.services import log_view
from mbtrain.cohorts.models import Cohort
from mbtrain.curriculum.definition import Curriculum
from mbtrain.curriculum.services import curriculum_for
from mbtrain.policy import may_see_status, need_to_know
from mbtrain.progress import services, tables
from mbtrain.progress.facts import Trainee, cohort_facts, roster


def seen(trainees: list[Trainee]) -> list[Trainee]:
    """The trainees of a roster this user's role may see (need to know)."""
    return [t for t in trainees if may_see_status(current_user, t.status)]


def trainee_page(cohort: Cohort, enrolment_id: int, today: date, *, own: bool) -> str:
    curriculum = curriculum_for(cohort.curriculum_version)
    trainees = seen(roster(cohort.id, enrolment_id))
    if not trainees:
        abort(404)
    trainee = trainees[0]
    data = cohort_facts(cohort.id, trainees)
    sessions = services.sessions_of(cohort.id, trainee)
    progress = services.evaluate_all(curriculum, trainees, data, today)[0]
    page = render_template(
        "progress/trainee.html",
        cohort=cohort,
        curriculum=curriculum,
        trainee=trainee,
        progress=progress,
        chart=services.progress_chart(cohort, curriculum, progress, sessions, today),
        own=own,
        may_assess=not own and current_user.role in (Role.COORDINATOR, Role.INSTRUCTOR),
    )
    log_view(
        "own_progress" if own else "trainee_progress",
        "OWN_DATA" if own else "COHORT_ADMIN",
        object_id=trainee.enrolment_id,
        subject_person_id=trainee.person_id,
        subject_user_id=trainee.user_id,
    )
    return page


def matrix_page(cohort: Cohort, sort: str, descending: bool, today: date) -> str:
    curriculum = curriculum_for(cohort.curriculum_version)
    if sort not in services.sort_keys(curriculum):
        sort = "name"
    # The table as it was rendered for this very state of the cohort, if this worker has it.
    key = tables.key(cohort, sort, descending, today, need_to_know(current_user).statuses)
    table = tables.MATRICES.get(key)
    if table is None:
        trainees = seen(roster(cohort.id))
        progress = services.evaluate_all(
            curriculum, trainees, cohort_facts(cohort.id, trainees), today
        )
        table = tables.MATRICES.put(key, _matrix_table(curriculum, progress, sort, descending))
    page = render_template(
        "progress/matrix.html", cohort=cohort, curriculum=curriculum, table=table, today=today
    )
    log_view(cohort, "COHORT_ADMIN", object_type="progress_matrix")
    return page


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
