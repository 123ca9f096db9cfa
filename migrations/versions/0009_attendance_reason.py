"""The history of changes to attendance, with the reason asked for a late change.

Revision ID: 0009_attendance_reason
Revises: 0008_mail_delivery
Create Date: 2026-12-08 02:00:00

"""

import sqlalchemy as sa
from alembic import op

revision = "0009_attendance_reason"
down_revision = "0008_mail_delivery"
branch_labels = None
depends_on = None

STATUS = sa.Enum(
    "TIL_STEDE",
    "SYK",
    "AVTALT_FRAVAER",
    "IKKE_MOTT",
    name="attendancestatus",
    native_enum=False,
    length=40,
)


def upgrade():
    op.create_table(
        "attendance_change",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("session_id", sa.Integer(), nullable=False),
        sa.Column("enrolment_id", sa.Integer(), nullable=False),
        sa.Column("old_status", STATUS, nullable=True),
        sa.Column("old_hours", sa.Double(), nullable=True),
        sa.Column("status", STATUS, nullable=False),
        sa.Column("hours_present", sa.Double(), nullable=False),
        sa.Column("reason", sa.String(length=500), nullable=True),
        sa.Column("changed_by_id", sa.Integer(), nullable=True),
        sa.Column("changed_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["changed_by_id"],
            ["user_account.id"],
            name=op.f("fk_attendance_change_changed_by_id_user_account"),
        ),
        sa.ForeignKeyConstraint(
            ["enrolment_id"],
            ["enrolment.id"],
            name=op.f("fk_attendance_change_enrolment_id_enrolment"),
        ),
        sa.ForeignKeyConstraint(
            ["session_id"],
            ["course_session.id"],
            name=op.f("fk_attendance_change_session_id_course_session"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_attendance_change")),
    )
    with op.batch_alter_table("attendance_change", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_attendance_change_enrolment_id"), ["enrolment_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_attendance_change_session_id"), ["session_id"], unique=False
        )


def downgrade():
    with op.batch_alter_table("attendance_change", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_attendance_change_session_id"))
        batch_op.drop_index(batch_op.f("ix_attendance_change_enrolment_id"))
    op.drop_table("attendance_change")
