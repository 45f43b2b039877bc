"""mail_in: replies by email already posted (duplicate Message-IDs are refused)

Revision ID: mail_in
Revises: notifications
Create Date: 2026-12-02 08:00:00

One new table, `inbound_email`: a SHA-256 of each posted reply's Message-ID (unique), the
member and the post it became. Downgrading drops it.
"""
from alembic import op
import sqlalchemy as sa

import forum.database


# revision identifiers, used by Alembic.
revision = "mail_in"
down_revision = "notifications"
branch_labels = None
depends_on = None

UTC = forum.database.UTCDateTime(timezone=True)


def upgrade():
    op.create_table(
        "inbound_email",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("message_key", sa.String(length=64), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("post_id", sa.Integer(), nullable=True),
        sa.Column("created_at", UTC, nullable=False),
        sa.ForeignKeyConstraint(["post_id"], ["post.id"],
                                name=op.f("fk_inbound_email_post_id_post"), ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["user_id"], ["user.id"],
                                name=op.f("fk_inbound_email_user_id_user"), ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_inbound_email")),
        sa.UniqueConstraint("message_key", name=op.f("uq_inbound_email_message_key")),
    )
    with op.batch_alter_table("inbound_email", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_inbound_email_post_id"), ["post_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_inbound_email_user_id"), ["user_id"], unique=False)


def downgrade():
    with op.batch_alter_table("inbound_email", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_inbound_email_user_id"))
        batch_op.drop_index(batch_op.f("ix_inbound_email_post_id"))
    op.drop_table("inbound_email")
