"""hardening: login sessions that end for good, one-time form submission keys

Revision ID: hardening
Revises: polls
Create Date: 2026-12-02 14:40:00

`login_session`: one row per logged-in browser (the SHA-256 of its token, when it began
and ended), so logging out, "Log out everywhere", a password change or a suspension ends
it on every worker. Sessions from before this migration carry no token and are refused:
everyone logs in once more. `submission`: the one-time keys of writing forms, so a form
sent twice stores once. Downgrading drops both.
"""
from alembic import op
import sqlalchemy as sa

import forum.database

revision = "hardening"
down_revision = "polls"
branch_labels = None
depends_on = None

UTC = forum.database.UTCDateTime(timezone=True)


def upgrade():
    op.create_table(
        "login_session",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("created_at", UTC, nullable=False),
        sa.Column("ended_at", UTC, nullable=True),
        sa.ForeignKeyConstraint(["user_id"], ["user.id"],
                                name=op.f("fk_login_session_user_id_user"), ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_login_session")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_login_session_token_hash")),
    )
    with op.batch_alter_table("login_session") as batch_op:
        batch_op.create_index(batch_op.f("ix_login_session_user_id"), ["user_id"], unique=False)
    op.create_table(
        "submission",
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(length=64), nullable=False),
        sa.Column("created_at", UTC, nullable=False),
        sa.Column("result_url", sa.String(length=500), nullable=True),
        sa.ForeignKeyConstraint(["user_id"], ["user.id"],
                                name=op.f("fk_submission_user_id_user"), ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("user_id", "key", name=op.f("pk_submission")),
    )
    with op.batch_alter_table("submission") as batch_op:
        batch_op.create_index(batch_op.f("ix_submission_created_at"), ["created_at"], unique=False)


def downgrade():
    with op.batch_alter_table("submission") as batch_op:
        batch_op.drop_index(batch_op.f("ix_submission_created_at"))
    op.drop_table("submission")
    with op.batch_alter_table("login_session") as batch_op:
        batch_op.drop_index(batch_op.f("ix_login_session_user_id"))
    op.drop_table("login_session")
