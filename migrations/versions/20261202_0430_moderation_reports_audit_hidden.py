"""moderation: reports, the audit log, and hidden posts and threads

Revision ID: moderation
Revises: collections
Create Date: 2026-12-02 04:30:00

New tables `report` and `audit_entry`; `post` gets hidden_at / hidden_by_id /
hidden_reason, `thread` gets hidden_at (set with its opening post's) and merged_into_id
(a merged thread's address redirects), `user` gets
suspension_reason and suspended_until.
"""
from alembic import op
import sqlalchemy as sa

import forum.database


# revision identifiers, used by Alembic.
revision = "moderation"
down_revision = "collections"
branch_labels = None
depends_on = None

UTC = forum.database.UTCDateTime(timezone=True)


def upgrade():
    op.create_table(
        "report",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("reporter_id", sa.Integer(), nullable=True),
        sa.Column("target_type", sa.String(length=20), nullable=False),
        sa.Column("target_id", sa.Integer(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("resolved_at", UTC, nullable=True),
        sa.Column("resolved_by_id", sa.Integer(), nullable=True),
        sa.Column("resolution_note", sa.Text(), nullable=False),
        sa.Column("created_at", UTC, nullable=False),
        sa.ForeignKeyConstraint(["reporter_id"], ["user.id"],
                                name=op.f("fk_report_reporter_id_user"), ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["resolved_by_id"], ["user.id"],
                                name=op.f("fk_report_resolved_by_id_user"), ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_report")),
    )
    op.create_index("ix_report_status_created", "report", ["status", "created_at"])
    op.create_index("ix_report_target", "report", ["target_type", "target_id"])
    op.create_table(
        "audit_entry",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("actor_id", sa.Integer(), nullable=True),
        sa.Column("actor_name", sa.String(length=80), nullable=False),
        sa.Column("action", sa.String(length=60), nullable=False),
        sa.Column("target_type", sa.String(length=40), nullable=False),
        sa.Column("target_id", sa.Integer(), nullable=True),
        sa.Column("target_label", sa.String(length=200), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("details", sa.JSON(), nullable=False),
        sa.Column("created_at", UTC, nullable=False),
        sa.ForeignKeyConstraint(["actor_id"], ["user.id"],
                                name=op.f("fk_audit_entry_actor_id_user"), ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audit_entry")),
    )
    op.create_index("ix_audit_created", "audit_entry", ["created_at"])
    op.create_index("ix_audit_actor_created", "audit_entry", ["actor_id", "created_at"])
    op.create_index("ix_audit_target", "audit_entry", ["target_type", "target_id"])
    with op.batch_alter_table("post", schema=None) as batch_op:
        batch_op.add_column(sa.Column("hidden_at", UTC, nullable=True))
        batch_op.add_column(sa.Column("hidden_by_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("hidden_reason", sa.String(length=500), nullable=False,
                                      server_default=""))
        batch_op.create_foreign_key(op.f("fk_post_hidden_by_id_user"), "user",
                                    ["hidden_by_id"], ["id"], ondelete="SET NULL")
    with op.batch_alter_table("thread", schema=None) as batch_op:
        batch_op.add_column(sa.Column("hidden_at", UTC, nullable=True))
        batch_op.add_column(sa.Column("merged_into_id", sa.Integer(), nullable=True))
        batch_op.create_foreign_key(op.f("fk_thread_merged_into_id_thread"), "thread",
                                    ["merged_into_id"], ["id"])
    with op.batch_alter_table("user", schema=None) as batch_op:
        batch_op.add_column(sa.Column("suspension_reason", sa.String(length=500), nullable=False,
                                      server_default=""))
        batch_op.add_column(sa.Column("suspended_until", UTC, nullable=True))


def downgrade():
    with op.batch_alter_table("user", schema=None) as batch_op:
        batch_op.drop_column("suspended_until")
        batch_op.drop_column("suspension_reason")
    with op.batch_alter_table("thread", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("fk_thread_merged_into_id_thread"), type_="foreignkey")
        batch_op.drop_column("merged_into_id")
        batch_op.drop_column("hidden_at")
    with op.batch_alter_table("post", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("fk_post_hidden_by_id_user"), type_="foreignkey")
        batch_op.drop_column("hidden_reason")
        batch_op.drop_column("hidden_by_id")
        batch_op.drop_column("hidden_at")
    op.drop_index("ix_audit_target", table_name="audit_entry")
    op.drop_index("ix_audit_actor_created", table_name="audit_entry")
    op.drop_index("ix_audit_created", table_name="audit_entry")
    op.drop_table("audit_entry")
    op.drop_index("ix_report_target", table_name="report")
    op.drop_index("ix_report_status_created", table_name="report")
    op.drop_table("report")
