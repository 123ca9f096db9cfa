"""A person's written form of Norwegian (målform): bokmål or nynorsk.

The trainee chooses it with the language selector (choosing bokmål or nynorsk there saves it;
choosing English leaves it as it was), and a Norwegian certificate is issued in it. A plain
ADD COLUMN, not batch mode: rebuilding ``person`` on SQLite would drop the progress-stamp
triggers of 0007.

Revision ID: 0010_written_form
Revises: 0009_attendance_reason
Create Date: 2026-12-08 02:30:00

"""

import sqlalchemy as sa
from alembic import op

revision = "0010_written_form"
down_revision = "0009_attendance_reason"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column(
        "person",
        sa.Column("written_form", sa.String(length=2), nullable=False, server_default="nb"),
    )


def downgrade() -> None:
    op.drop_column("person", "written_form")
