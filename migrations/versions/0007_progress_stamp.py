"""A per-cohort stamp of everything the progress matrix shows, kept by the database itself.

Every insert, update or delete of a row that the cohort matrix reads (enrolments, people,
sessions, attendance, results, projects, placements, their hours and final evaluations, and
the partner organisations' names) gives ``cohort.progress_stamp`` of the cohorts it belongs to
a new random 62-bit value, in the same transaction. Random rather than counted, so that a
database restored from a backup (or a test's fresh one) never hands out a stamp again for
different data. The matrix keeps its rendered table per stamp (see
mbtrain/progress/tables.py): triggers rather than application hooks, so that no write path,
bulk insert, purge or restore can leave a stale table behind.

A later migration that rebuilds one of these tables on SQLite (batch mode's "move and copy",
used for most column changes there) drops its triggers with the old table: it must create
them again (``_sqlite_triggers`` below), or the matrix would show a stale table.

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-23 16:40:00

"""

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None

_VIA_ENROLMENT = "SELECT cohort_id FROM enrolment WHERE id = {row}.enrolment_id"
_VIA_PLACEMENT = (
    "SELECT enrolment.cohort_id FROM placement JOIN enrolment ON enrolment.id = "
    "placement.enrolment_id WHERE placement.id = {row}.placement_id"
)
# Each table the matrix reads, and the cohorts a row of it belongs to ({row}: NEW or OLD).
COHORTS_OF = {
    "enrolment": "SELECT {row}.cohort_id",
    "person": "SELECT cohort_id FROM enrolment WHERE person_id = {row}.id",
    "course_session": "SELECT {row}.cohort_id",
    "attendance_record": _VIA_ENROLMENT,
    "module_assessment": _VIA_ENROLMENT,
    "project_assignment": _VIA_ENROLMENT,
    "placement": _VIA_ENROLMENT,
    "hours_entry": _VIA_PLACEMENT,
    "final_evaluation": _VIA_PLACEMENT,
    "organisation": (
        "SELECT enrolment.cohort_id FROM placement JOIN enrolment ON enrolment.id = "
        "placement.enrolment_id WHERE placement.organisation_id = {row}.id"
    ),
}
RANDOM = {
    "sqlite": "random()",  # a signed 64-bit integer
    "postgresql": "floor(random() * 4611686018427387904)::bigint",  # 2 ** 62
}
BUMP = "UPDATE cohort SET progress_stamp = {random} WHERE id IN ({cohorts})"


def _bump(table: str, row: str, dialect: str) -> str:
    return BUMP.format(random=RANDOM[dialect], cohorts=COHORTS_OF[table].format(row=row))


def _sqlite_triggers(table: str) -> list[str]:
    new, old = _bump(table, "NEW", "sqlite"), _bump(table, "OLD", "sqlite")
    return [
        f"CREATE TRIGGER progress_stamp_{table}_insert AFTER INSERT ON {table} BEGIN {new}; END",
        f"CREATE TRIGGER progress_stamp_{table}_update AFTER UPDATE ON {table} "
        f"BEGIN {new}; {old}; END",
        f"CREATE TRIGGER progress_stamp_{table}_delete AFTER DELETE ON {table} BEGIN {old}; END",
    ]


def _postgresql_trigger(table: str) -> list[str]:
    return [
        f"""CREATE FUNCTION progress_stamp_{table}() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            IF TG_OP <> 'DELETE' THEN {_bump(table, "NEW", "postgresql")}; END IF;
            IF TG_OP <> 'INSERT' THEN {_bump(table, "OLD", "postgresql")}; END IF;
            RETURN NULL;
        END $$""",
        f"CREATE TRIGGER progress_stamp_{table} AFTER INSERT OR UPDATE OR DELETE ON {table} "
        f"FOR EACH ROW EXECUTE FUNCTION progress_stamp_{table}()",
    ]


def upgrade():
    with op.batch_alter_table("cohort") as batch_op:
        batch_op.add_column(
            sa.Column("progress_stamp", sa.BigInteger(), server_default="0", nullable=False)
        )
    postgresql = op.get_bind().dialect.name == "postgresql"
    for table in COHORTS_OF:
        for statement in _postgresql_trigger(table) if postgresql else _sqlite_triggers(table):
            op.execute(statement)


def downgrade():
    postgresql = op.get_bind().dialect.name == "postgresql"
    for table in COHORTS_OF:
        if postgresql:
            op.execute(f"DROP TRIGGER progress_stamp_{table} ON {table}")
            op.execute(f"DROP FUNCTION progress_stamp_{table}()")
        else:
            for event in ("insert", "update", "delete"):
                op.execute(f"DROP TRIGGER progress_stamp_{table}_{event}")
    with op.batch_alter_table("cohort") as batch_op:
        batch_op.drop_column("progress_stamp")
