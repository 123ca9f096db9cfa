"""Certificate batches: «issue to all», confirmed, is issued by the worker one person at a
time, and the coordinator follows it on the batch's page.

Revision ID: 0012_certificate_batch
Revises: 0011_oidc
Create Date: 2026-12-08 03:20:00

"""

import sqlalchemy as sa
from alembic import op

revision = "0012_certificate_batch"
down_revision = "0011_oidc"
branch_labels = None
depends_on = None

FAILURES = ("HAS_CERTIFICATE", "NOT_ELIGIBLE", "LEFT", "NOT_IN_COHORT", "REFUSED")


def upgrade():
    op.create_table(
        "certificate_batch",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("cohort_id", sa.Integer(), nullable=False),
        sa.Column("language", sa.String(length=5), nullable=False),
        sa.Column("requested_by_id", sa.Integer(), nullable=False),
        sa.Column("requested_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("finished_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["cohort_id"], ["cohort.id"], name=op.f("fk_certificate_batch_cohort_id_cohort")
        ),
        sa.ForeignKeyConstraint(
            ["requested_by_id"],
            ["user_account.id"],
            name=op.f("fk_certificate_batch_requested_by_id_user_account"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_certificate_batch")),
    )
    with op.batch_alter_table("certificate_batch", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_certificate_batch_cohort_id"), ["cohort_id"], unique=False
        )
    op.create_table(
        "certificate_batch_item",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("batch_id", sa.Integer(), nullable=False),
        sa.Column("enrolment_id", sa.Integer(), nullable=False),
        sa.Column("certificate_id", sa.Integer(), nullable=True),
        sa.Column(
            "failure",
            sa.Enum(*FAILURES, name="batchfailure", native_enum=False, length=40),
            nullable=True,
        ),
        sa.Column("failure_detail", sa.String(length=500), nullable=True),
        sa.Column("finished_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["batch_id"],
            ["certificate_batch.id"],
            name=op.f("fk_certificate_batch_item_batch_id_certificate_batch"),
        ),
        sa.ForeignKeyConstraint(
            ["certificate_id"],
            ["certificate.id"],
            name=op.f("fk_certificate_batch_item_certificate_id_certificate"),
        ),
        sa.ForeignKeyConstraint(
            ["enrolment_id"],
            ["enrolment.id"],
            name=op.f("fk_certificate_batch_item_enrolment_id_enrolment"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_certificate_batch_item")),
    )
    with op.batch_alter_table("certificate_batch_item", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_certificate_batch_item_batch_id"), ["batch_id"], unique=False
        )


def downgrade():
    with op.batch_alter_table("certificate_batch_item", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_certificate_batch_item_batch_id"))
    op.drop_table("certificate_batch_item")
    with op.batch_alter_table("certificate_batch", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_certificate_batch_cohort_id"))
    op.drop_table("certificate_batch")
