"""Logins through OpenID Connect providers: the link from a provider's login to an account
(a keyed hash of pid/oid, never the number), the seen logout tokens, and the provider's
session on each server-side session.

Revision ID: 0011_oidc
Revises: 0010_written_form
Create Date: 2026-12-08 02:30:00

"""

import sqlalchemy as sa
from alembic import op

revision = "0011_oidc"
down_revision = "0010_written_form"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "login_link",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("provider", sa.String(length=40), nullable=False),
        sa.Column("subject_hash", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"], ["user_account.id"],
            name=op.f("fk_login_link_user_id_user_account"), ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_login_link")),
        sa.UniqueConstraint(
            "provider", "subject_hash", name=op.f("uq_login_link_provider_subject_hash")
        ),
    )
    with op.batch_alter_table("login_link", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_login_link_user_id"), ["user_id"], unique=False)
    op.create_table(
        "seen_logout_token",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("provider", sa.String(length=40), nullable=False),
        sa.Column("jti", sa.String(length=255), nullable=False),
        sa.Column("seen_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_seen_logout_token")),
        sa.UniqueConstraint("provider", "jti", name=op.f("uq_seen_logout_token_provider_jti")),
    )
    with op.batch_alter_table("auth_session", schema=None) as batch_op:
        batch_op.add_column(sa.Column("provider", sa.String(length=40), nullable=True))
        batch_op.add_column(sa.Column("provider_sid", sa.String(length=255), nullable=True))
        batch_op.add_column(sa.Column("provider_sub", sa.String(length=255), nullable=True))
        batch_op.add_column(sa.Column("id_token", sa.Text(), nullable=True))
        batch_op.create_index(
            batch_op.f("ix_auth_session_provider_sid"), ["provider_sid"], unique=False
        )


def downgrade():
    with op.batch_alter_table("auth_session", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_auth_session_provider_sid"))
        batch_op.drop_column("id_token")
        batch_op.drop_column("provider_sub")
        batch_op.drop_column("provider_sid")
        batch_op.drop_column("provider")
    op.drop_table("seen_logout_token")
    with op.batch_alter_table("login_link", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_login_link_user_id"))
    op.drop_table("login_link")
