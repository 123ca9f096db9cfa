"""Outcome follow-up after the course ends (3, 6 and 12 months), and the stored report figures.

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-23 11:20:00

"""

import sqlalchemy as sa
from alembic import op

import mbtrain.database

# revision identifiers, used by Alembic.
revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "outcome_followup",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("enrolment_id", sa.Integer(), nullable=False),
        sa.Column("months", sa.Integer(), nullable=False),
        sa.Column(
            "situation",
            sa.Enum(
                "ARBEID_MB",
                "ANNET_ARBEID",
                "UTDANNING",
                "ARBEIDSRETTET_TILTAK",
                "IKKE_I_ARBEID",
                "UKJENT",
                name="situation",
                native_enum=False,
                length=40,
                create_constraint=False,
            ),
            nullable=False,
        ),
        sa.Column(
            "employer_type",
            sa.Enum(
                "KOMMUNE",
                "HELSEFORETAK",
                "NAV",
                "BRUKERORGANISASJON",
                "PRIVAT",
                "FRIVILLIG",
                "ANNET",
                name="employertype",
                native_enum=False,
                length=40,
                create_constraint=False,
            ),
            nullable=True,
        ),
        sa.Column("position_percent", sa.Integer(), nullable=True),
        sa.Column("recorded_by_id", sa.Integer(), nullable=True),
        sa.Column("recorded_at", mbtrain.database.UTCDateTime(timezone=True), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.CheckConstraint(
            "months IN (3, 6, 12)", name=op.f("ck_outcome_followup_follow_up_point")
        ),
        sa.CheckConstraint(
            "position_percent IS NULL OR position_percent BETWEEN 1 AND 100",
            name=op.f("ck_outcome_followup_position_range"),
        ),
        sa.ForeignKeyConstraint(
            ["enrolment_id"],
            ["enrolment.id"],
            name=op.f("fk_outcome_followup_enrolment_id_enrolment"),
        ),
        sa.ForeignKeyConstraint(
            ["recorded_by_id"],
            ["user_account.id"],
            name=op.f("fk_outcome_followup_recorded_by_id_user_account"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_outcome_followup")),
        sa.UniqueConstraint(
            "enrolment_id", "months", name=op.f("uq_outcome_followup_enrolment_id_months")
        ),
    )

    op.create_table(
        "report_figure",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("county_id", sa.Integer(), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("curriculum_version_id", sa.Integer(), nullable=False),
        sa.Column("metric", sa.String(length=20), nullable=False),
        sa.Column("item", sa.String(length=60), nullable=False),
        sa.Column("value", sa.Double(), nullable=False),
        sa.Column("computed_at", mbtrain.database.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["county_id"], ["county.id"], name=op.f("fk_report_figure_county_id_county")
        ),
        sa.ForeignKeyConstraint(
            ["curriculum_version_id"],
            ["curriculum_version.id"],
            name=op.f("fk_report_figure_curriculum_version_id_curriculum_version"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_report_figure")),
    )
    op.create_index(
        "ix_report_figure_year_sums", "report_figure", ["year", "metric", "item", "value"]
    )
    op.create_index(
        "ix_report_figure_county_sums", "report_figure", ["county_id", "metric", "item", "value"]
    )


def downgrade():
    op.drop_index("ix_report_figure_county_sums", table_name="report_figure")
    op.drop_index("ix_report_figure_year_sums", table_name="report_figure")
    op.drop_table("report_figure")
    op.drop_table("outcome_followup")
